"""Taking the holder's photo: the live view of the counter camera, "take photo", the
accepted photo or the reason it was refused, "take another", "import from file",
accept or cancel. Dismisses with the ``AcceptedPhoto`` (or None when cancelled); the
caller pushes it with a callback (``push_screen(PhotoCaptureScreen(ctx), taken)``).

The camera is opened and read in thread workers; the live view is a worker that reads a
frame every ``preview_interval`` seconds until a photo is taken or the screen goes.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from kiosk.services.context import UiContext
from screens.base import KeySpec, KioskModal, KioskScreen
from screens.key_bar import KeyBar
from screens.photo_view import PhotoView
from screens.status_bar import StatusBar

if TYPE_CHECKING:
    from kiosk.services.photo import AcceptedPhoto, CameraSession, PhotoResult, PhotoService

STARTING, LIVE, RESULT, NO_CAMERA, IMPORTING = "starting", "live", "result", "no_camera", "import"


class PhotoZoomScreen(KioskModal):
    """The photo as large as the terminal allows; any of its keys closes it."""

    CSS_PATH = Path(__file__).with_name("photo_capture.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (("escape,z", "close", "ui.key.close"),)

    def __init__(self, ctx: UiContext, jpeg: bytes) -> None:
        super().__init__(ctx)
        self._jpeg = jpeg

    def compose(self) -> ComposeResult:
        with Vertical(id="zoom-box"):
            yield PhotoView(self._jpeg, id="zoom-photo")
        yield KeyBar(self.ctx.catalogue)

    def action_close(self) -> None:
        self.dismiss(None)


class PhotoCaptureScreen(KioskScreen):
    CSS_PATH = Path(__file__).with_name("photo_capture.tcss")
    AUTO_FOCUS = None  # the keys are the screen's; the path field takes focus when shown
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("space", "take", "ui.key.photo_take"),
        ("enter", "accept", "ui.key.photo_accept"),
        ("n", "retake", "ui.key.photo_retake"),
        ("i", "import_file", "ui.key.photo_import"),
        ("z", "enlarge", "ui.key.photo_enlarge"),
        ("escape", "cancel", "ui.key.cancel"),
    )

    class FrameRead(Message):
        """The live view read a frame (``jpeg``) or failed (``error``)."""

        def __init__(self, jpeg: bytes | None, error: Exception | None) -> None:
            super().__init__()
            self.jpeg = jpeg
            self.error = error

    def __init__(
        self,
        ctx: UiContext,
        photos: PhotoService | None = None,
        *,
        preview_interval: float | None = 0.25,
    ) -> None:
        """``photos``: default the services' own; ``preview_interval``: None shows no
        live view (the first frame is taken when the clerk asks)."""
        super().__init__(ctx)
        self._photos = photos
        self._interval = preview_interval
        self._session: CameraSession | None = None
        self._stop = threading.Event()
        self.state = STARTING
        self.result: PhotoResult | None = None

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(self.ctx.catalogue)
        yield Static(self.t("ui.photo.title"), id="photo-title")
        with Horizontal(id="photo-row"):
            yield PhotoView(id="photo-view")
            with Vertical(id="photo-side"):
                yield Static(self.t("ui.photo.starting"), id="photo-message")
                yield Static("", id="photo-detail")
        yield Input(id="photo-path", placeholder=self.t("ui.photo.path_placeholder"), disabled=True)
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.run_io(self._open, self._opened, self._camera_failed, group="camera-open")

    def on_unmount(self) -> None:
        self._stop.set()
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _service(self) -> PhotoService:
        if self._photos is not None:
            return self._photos
        photos = self.ctx.services.get().photos
        if photos is None:
            from devices.camera.errors import NoCameraError

            raise NoCameraError(source="-")
        return photos

    # --- the camera ---------------------------------------------------------------------

    def _open(self) -> CameraSession:
        return self._service().open_camera()

    def _opened(self, session: CameraSession) -> None:
        if self._stop.is_set():
            session.close()
            return
        self._session = session
        self._go_live()

    def _go_live(self) -> None:
        self.state = LIVE
        self.result = None
        self._say(self.t("ui.photo.live"), "")
        if self._interval is None:
            self.query_one("#photo-view", PhotoView).show(None)
        else:
            self._stop.clear()
            self.run_worker(self._preview_loop, thread=True, group="camera-preview", exclusive=True)
        self.refresh_bindings()

    def _preview_loop(self) -> None:
        """The live view: a frame every ``preview_interval`` seconds, until stopped."""
        session, interval, stop = self._session, self._interval or 0.25, self._stop
        while session is not None and not stop.is_set():
            started = time.monotonic()
            try:
                jpeg = session.preview()
            except Exception as exc:
                self.post_message(self.FrameRead(None, exc))
                return
            if stop.is_set():
                return
            self.post_message(self.FrameRead(jpeg, None))  # thread-safe, and never waits
            stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def on_photo_capture_screen_frame_read(self, message: PhotoCaptureScreen.FrameRead) -> None:
        if message.error is not None:
            self._camera_failed(message.error)
        elif self.state == LIVE and message.jpeg is not None and not self._stop.is_set():
            self.query_one("#photo-view", PhotoView).show(message.jpeg)

    def _camera_failed(self, exc: BaseException) -> None:
        self._stop.set()
        self.state = NO_CAMERA
        self._say(Text(self.error_text(exc), style="bold red"), self.t("ui.photo.import_instead"))
        self.refresh_bindings()

    # --- the keys -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        accepted = self._accepted() is not None
        shown = {
            "take": self.state == LIVE,
            "accept": self.state == RESULT and accepted,
            "retake": self.state == RESULT and self._session is not None,
            "import_file": self.state in (LIVE, RESULT, NO_CAMERA),
            "enlarge": self.state == RESULT,
        }
        return shown.get(action, True)

    def action_take(self) -> None:
        session = self._session
        if self.state != LIVE or session is None:
            return
        self._stop.set()
        self.state = RESULT
        self._say(self.t("ui.photo.checking"), "")
        self.run_io(session.take, self._judged, self._camera_failed, group="camera-take")

    def action_retake(self) -> None:
        if self.state == RESULT and self._session is not None:
            self._go_live()

    def action_accept(self) -> None:
        photo = self._accepted()
        if self.state == RESULT and photo is not None:
            self.dismiss(photo)

    def action_enlarge(self) -> None:
        jpeg = self.query_one("#photo-view", PhotoView).jpeg
        if self.state == RESULT and jpeg is not None:
            self.app.push_screen(PhotoZoomScreen(self.ctx, jpeg))

    def action_import_file(self) -> None:
        if self.state not in (LIVE, RESULT, NO_CAMERA):
            return
        self._stop.set()
        self._before_import = self.state
        self.state = IMPORTING
        field = self.query_one("#photo-path", Input)
        field.display, field.disabled = True, False
        field.value = ""
        field.focus()
        self._say(self.t("ui.photo.import_prompt"), "")
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            return
        self._hide_path()
        self.state = RESULT
        self._say(self.t("ui.photo.checking"), "")
        service = self._service
        self.run_io(
            lambda: service().import_file(Path(path).expanduser()),
            self._judged,
            self._import_failed,
            group="photo-import",
        )

    def action_cancel(self) -> None:
        if self.state == IMPORTING:
            self._hide_path()
            self._resume()
            return
        self.dismiss(None)

    def _hide_path(self) -> None:
        field = self.query_one("#photo-path", Input)
        field.display, field.disabled = False, True
        self.set_focus(None)

    def _resume(self) -> None:
        if self._session is not None:
            self._go_live()
        else:
            self.state = NO_CAMERA
            self._say(self.t("ui.photo.import_instead"), "")
            self.refresh_bindings()

    # --- results ------------------------------------------------------------------------

    def _accepted(self) -> AcceptedPhoto | None:
        from kiosk.services.photo import AcceptedPhoto

        return self.result if isinstance(self.result, AcceptedPhoto) else None

    def _judged(self, result: PhotoResult) -> None:
        from kiosk.services.photo import AcceptedPhoto

        self.state = RESULT
        self.result = result
        view = self.query_one("#photo-view", PhotoView)
        if isinstance(result, AcceptedPhoto):
            view.show(result.jpeg)
            self._say(Text(self.t("ui.photo.accepted"), style="bold green"), self._next_hint())
        else:
            view.show(result.preview)
            self._say(
                Text(self.t("ui.photo.refused"), style="bold red"),
                f"{self.t(result.key)}\n\n{self._next_hint()}",
            )
        self.refresh_bindings()

    def _next_hint(self) -> str:
        if self._accepted() is not None:
            return self.t("ui.photo.accept_hint")
        if self._session is not None:
            return self.t("ui.photo.retake_hint")
        return self.t("ui.photo.import_instead")

    def _import_failed(self, exc: BaseException) -> None:
        self.result = None
        self.query_one("#photo-view", PhotoView).show(None)
        self.state = RESULT if self._session is not None else NO_CAMERA
        self._say(Text(self.error_text(exc), style="bold red"), self._next_hint())
        self.refresh_bindings()

    def _say(self, message: str | Text, detail: str) -> None:
        self.query_one("#photo-message", Static).update(message)
        self.query_one("#photo-detail", Static).update(detail)
