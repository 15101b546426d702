"""The photo service the container builds from [kiosk.camera]: the demo's virtual camera
made in the data directory on first use, a configured camera that is not there, and the
photo widget's choice of drawing outside a graphics terminal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from devices.camera.errors import NoCameraError
from kiosk.camera_backend import photo_service
from kiosk.config import CameraConfig, KioskConfig
from kiosk.services.photo import AcceptedPhoto, PhotoRefused


def _config(tmp_path: Path, **camera: object) -> KioskConfig:
    config = KioskConfig().with_data_dir(tmp_path)
    return replace(config, camera=replace(CameraConfig(), **camera))  # type: ignore[arg-type]


def test_the_virtual_camera_is_made_in_the_data_directory_and_photographs(
    tmp_path: Path,
) -> None:
    session = photo_service(_config(tmp_path)).open_camera()
    try:
        results = [session.take() for _ in range(16)]
    finally:
        session.close()
    assert (tmp_path / "virtual-camera" / "frame-0000.png").is_file()
    assert isinstance(results[0], AcceptedPhoto)  # the demo starts with good frames
    assert any(isinstance(r, PhotoRefused) and r.reason == "blurred" for r in results)


def test_a_configured_camera_that_is_not_there_is_no_camera(tmp_path: Path) -> None:
    service = photo_service(_config(tmp_path, source="/dev/video7"))
    with pytest.raises(NoCameraError):
        service.open_camera()


def test_the_import_limits_come_from_the_config(tmp_path: Path) -> None:
    service = photo_service(_config(tmp_path, max_import_mb=2, max_import_megapixels=3))
    assert (service.limits.max_bytes, service.limits.max_pixels) == (2 * 2**20, 3_000_000)


def test_outside_a_graphics_terminal_the_photo_is_drawn_in_half_blocks() -> None:
    from screens.photo_view import detect_terminal_graphics

    assert detect_terminal_graphics() == "halfcell"  # the tests' stdout is no terminal
