"""The photo capture screen driven with the pilot, on the real camera adapter and the
virtual camera (a folder of frames written from the test portraits at test time): take,
refused and why, take another, accept (the caller gets the AcceptedPhoto), cancel, import
from a file, enlarge, no camera, the camera unplugged mid-capture. Snapshots at 80×24 in
Swedish and English (no live view: the photo is drawn in half blocks, the same each run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devices.camera.opencv import encode_jpeg, open_camera
from devices.virtual.camera import write_camera_folder
from kiosk.services.photo import AcceptedPhoto, PhotoService
from screens.photo_capture import PhotoCaptureScreen, PhotoZoomScreen
from tests.support.portraits import scenes
from tests.support.ui_world import World, make_app
from tests.ui.helpers import log_in, settle, text_of, type_text
from tests.ui.test_snapshots import SIZE, snapshot_world

# textual-image 0.12 reads pixels with a Pillow call that Pillow 13 marks deprecated
pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning")


def _camera(tmp_path: Path, names: list[str], *, loop: bool = False) -> PhotoService:
    folder = write_camera_folder([scenes()[n] for n in names], tmp_path / "camera")
    return PhotoService(lambda: open_camera(str(folder), loop=loop))


async def _open(
    pilot: Any, world: World, photos: PhotoService, interval: float | None = None
) -> list[Any]:
    """Logged in, the capture screen pushed; the list gets what it dismisses with."""
    await log_in(pilot, world)
    taken: list[Any] = []
    app = pilot.app
    app.push_screen(PhotoCaptureScreen(app.ctx, photos, preview_interval=interval), taken.append)
    await settle(pilot)
    return taken


def _message(app: Any) -> str:
    return text_of(app, "#photo-message") + "\n" + text_of(app, "#photo-detail")


async def test_a_refused_photo_says_why_and_another_is_taken_and_accepted(
    world: World, tmp_path: Path
) -> None:
    app = make_app(world, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        taken = await _open(pilot, world, _camera(tmp_path, ["doubled", "blurred", "good"]))
        await pilot.press("space")
        await settle(pilot)
        assert "More than one face" in _message(app)
        await pilot.press("enter")  # a refused photo cannot be used
        await settle(pilot)
        assert isinstance(app.screen, PhotoCaptureScreen) and taken == []
        await pilot.press("n", "space")
        await settle(pilot)
        assert "blurred" in _message(app)
        await pilot.press("n", "space")
        await settle(pilot)
        assert "accepted" in _message(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PhotoCaptureScreen)
    (photo,) = taken
    assert isinstance(photo, AcceptedPhoto) and (photo.width, photo.height) == (350, 450)


async def test_the_live_view_shows_frames_until_the_photo_is_taken(
    world: World, tmp_path: Path
) -> None:
    app = make_app(world)
    photos = _camera(tmp_path, ["good"] * 4, loop=True)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, world)
        screen = PhotoCaptureScreen(app.ctx, photos, preview_interval=0.2)
        app.push_screen(screen)  # no settle: the live view's worker runs until a photo
        shown = None
        for _ in range(100):  # a loaded machine: up to 10 s for the first frame
            await pilot.pause(0.1)
            views = screen.query("#photo-view")
            shown = views.first().jpeg if views else None
            if shown is not None:
                break
        assert shown is not None  # a live frame is on screen
        await pilot.press("space")
        await settle(pilot)
        assert "godkänt" in _message(app)


async def test_cancel_gives_the_caller_nothing(world: World, tmp_path: Path) -> None:
    app = make_app(world)
    async with app.run_test(size=SIZE) as pilot:
        taken = await _open(pilot, world, _camera(tmp_path, ["good"]))
        await pilot.press("escape")
        await settle(pilot)
        assert taken == [None]


async def test_enlarge_shows_the_photo_large_and_closes_again(world: World, tmp_path: Path) -> None:
    app = make_app(world)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, world, _camera(tmp_path, ["good"]))
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, PhotoZoomScreen)
        zoom = app.screen.query_one("#zoom-photo")
        assert zoom.size.height > 16  # larger than on the capture screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PhotoCaptureScreen)


async def test_no_camera_says_so_and_a_file_is_imported_instead(
    world: World, tmp_path: Path
) -> None:
    good = tmp_path / "holder.jpg"
    good.write_bytes(encode_jpeg(scenes()["good"]))
    photos = PhotoService(lambda: open_camera("/dev/video9"))
    app = make_app(world, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        taken = await _open(pilot, world, photos)
        assert "No camera found" in _message(app)
        await pilot.press("i")
        await type_text(pilot, str(tmp_path / "notes.txt"))
        await pilot.press("enter")
        await settle(pilot)
        assert "could not be read" in _message(app)
        await pilot.press("i")
        await type_text(pilot, str(good))
        await pilot.press("enter")
        await settle(pilot)
        assert "accepted" in _message(app)
        await pilot.press("enter")
        await settle(pilot)
    assert isinstance(taken[0], AcceptedPhoto)


async def test_a_damaged_file_is_refused_with_its_reason(world: World, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.jpg"
    damaged.write_bytes(encode_jpeg(scenes()["good"])[:300])
    app = make_app(world, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, world, _camera(tmp_path, ["good"]))
        await pilot.press("i")
        await type_text(pilot, str(damaged))
        await pilot.press("enter")
        await settle(pilot)
        assert "damaged" in _message(app)


async def test_the_camera_unplugged_mid_capture_says_so(world: World, tmp_path: Path) -> None:
    app = make_app(world, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, world, _camera(tmp_path, ["good"]), interval=0.02)
        await pilot.pause(0.3)
        await settle(pilot)
        assert "stopped sending pictures" in _message(app)
        await pilot.press("space")  # nothing to take from
        await settle(pilot)
        assert "stopped sending pictures" in _message(app)


def _snapshot_scenario(tmp: Path, names: list[str]) -> Any:
    async def run_before(pilot: Any) -> None:
        world = pilot.app.world
        await _open(pilot, world, _camera(tmp, names))
        await pilot.press("space")
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("scene", ["good", "doubled"])
def test_snapshot_photo_capture(snap_compare: Any, tmp_path: Path, scene: str, lang: str) -> None:
    world = snapshot_world()
    app = make_app(world, lang=lang)
    app.world = world
    assert snap_compare(app, terminal_size=SIZE, run_before=_snapshot_scenario(tmp_path, [scene]))
