"""The real camera adapter (devices/camera/opencv.py) on the virtual camera: a folder of
frames and a Motion-JPEG video file written at test time from the test portraits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devices.camera.errors import CameraUnpluggedError, FrameDecodeError, NoCameraError
from devices.camera.opencv import open_camera
from devices.virtual.camera import write_camera_folder, write_camera_video
from tests.support.portraits import scenes


def _folder(tmp_path: Path, names: list[str]) -> Path:
    return write_camera_folder([scenes()[n] for n in names], tmp_path / "camera")


def test_a_folder_camera_gives_its_frames_in_order(tmp_path: Path) -> None:
    camera = open_camera(str(_folder(tmp_path, ["good", "too_small", "good"])))
    frames = [camera.read() for _ in range(3)]
    assert [(f.width, f.height) for f in frames] == [(640, 480)] * 3
    assert frames[0].rgb_bytes() == frames[2].rgb_bytes() != frames[1].rgb_bytes()


def test_a_video_file_camera_gives_its_frames_then_ends(tmp_path: Path) -> None:
    video = write_camera_video([scenes()["good"]] * 4, tmp_path / "camera.avi")
    camera = open_camera(str(video))
    assert [camera.read().width for _ in range(4)] == [640] * 4
    with pytest.raises(CameraUnpluggedError):
        camera.read()


def test_a_looping_video_starts_again_at_its_end(tmp_path: Path) -> None:
    video = write_camera_video([scenes()["good"]] * 2, tmp_path / "camera.avi")
    camera = open_camera(str(video), loop=True)
    assert [camera.read().height for _ in range(5)] == [480] * 5


def test_the_stream_ending_mid_capture_is_the_camera_unplugged(tmp_path: Path) -> None:
    camera = open_camera(str(_folder(tmp_path, ["good", "good"])))
    camera.read()
    camera.read()
    with pytest.raises(CameraUnpluggedError) as caught:
        camera.read()
    assert caught.value.key == "error.camera.unplugged"


def test_a_camera_folder_that_goes_away_mid_capture_is_unplugged(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["good", "good", "good"])
    camera = open_camera(str(folder))
    camera.read()
    shutil.rmtree(folder)
    with pytest.raises(CameraUnpluggedError):
        camera.read()


def test_a_frame_that_does_not_decode_is_its_own_error_and_the_next_one_reads(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, ["good", "good", "good"])
    (folder / "frame-0001.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"damaged" * 20)
    camera = open_camera(str(folder))
    camera.read()
    with pytest.raises(FrameDecodeError):
        camera.read()
    assert camera.read().width == 640


@pytest.mark.parametrize("source", ["/dev/video9", "7", "missing/camera.avi"])
def test_no_camera_is_a_typed_error(tmp_path: Path, source: str) -> None:
    target = source if source.startswith("/") or source.isdigit() else str(tmp_path / source)
    with pytest.raises(NoCameraError) as caught:
        open_camera(target)
    assert caught.value.key == "error.camera.none"


def test_an_empty_folder_is_no_camera(tmp_path: Path) -> None:
    with pytest.raises(NoCameraError):
        open_camera(str(tmp_path))


def test_a_file_that_is_no_video_is_no_camera(tmp_path: Path) -> None:
    bad = tmp_path / "camera.avi"
    bad.write_bytes(b"not a video" * 100)
    with pytest.raises(NoCameraError):
        open_camera(str(bad))
