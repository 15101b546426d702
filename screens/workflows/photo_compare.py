"""The order's photo beside the holder at activation and in-person unlock: drawn in a
``PhotoView``, the line that says what the clerk compares the person with, and the photo
enlarged on a key (``PhotoZoomDialog``). A stored photo the service found unreadable is
not drawn: the line says so and the clerk compares with the identity document only."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen

from kiosk.i18n import Catalogue
from screens.base import KeyedBindings, KeySpec
from screens.key_bar import KeyBar
from screens.photo_view import PhotoView

# Shift+F6 (arriving as F18): Ctrl+T already reveals the personnummer in the visit below
ENLARGE_KEY: KeySpec = ("f18,shift+f6", "enlarge_photo", "ui.key.photo_enlarge")


def show_comparison(view: PhotoView, jpeg: bytes | None) -> bool:
    """Draw ``jpeg`` in ``view`` (hidden without one); whether a photo is shown."""
    try:
        view.show(jpeg)
    except OSError:  # the service decoded it, the drawing did not: nothing to look at
        view.show(None)
    shown = view.jpeg is not None
    view.display = shown
    return shown


def comparison_text(catalogue: Catalogue, *, shown: bool, unreadable: bool) -> str:
    """What the clerk compares the person with."""
    if shown:
        return catalogue("workflows.activation.photo_order")
    if unreadable:
        return catalogue("workflows.photo.unreadable")
    return catalogue("workflows.activation.photo_document_only")


class PhotoZoomDialog(KeyedBindings, ModalScreen[None]):
    """The order's photo as large as the terminal allows; Escape (or the enlarge key)
    closes it."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [Path(__file__).with_name("photo_compare.tcss")]
    KEYS: ClassVar[tuple[KeySpec, ...]] = ((f"escape,{ENLARGE_KEY[0]}", "close", "ui.key.close"),)

    def __init__(self, catalogue: Catalogue, jpeg: bytes) -> None:
        super().__init__()
        self.catalogue = catalogue
        self._jpeg = jpeg

    def compose(self) -> ComposeResult:
        with Vertical(id="zoom-box"):
            yield PhotoView(self._jpeg, id="zoom-photo")
        yield KeyBar(self.catalogue)

    def action_close(self, *_: Any) -> None:
        self.dismiss(None)
