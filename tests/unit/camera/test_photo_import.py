"""A photo imported from a file: the same checks as a camera frame, and typed errors for a
file that is no picture, a damaged one and a huge one (bytes or pixels), refused before it
is decoded."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from devices.camera.opencv import encode_jpeg, write_png
from kiosk.i18n import Catalogue
from kiosk.services.image_file import read_header
from kiosk.services.photo import (
    AcceptedPhoto,
    ImportLimits,
    PhotoFileCorruptError,
    PhotoFileNotImageError,
    PhotoFileTooLargeError,
    PhotoFileTooManyPixelsError,
    PhotoFileUnreadableError,
    PhotoRefused,
    PhotoService,
)
from tests.support.portraits import scenes


def _service(limits: ImportLimits | None = None) -> PhotoService:
    def no_camera() -> object:
        raise AssertionError("an import needs no camera")

    return PhotoService(no_camera, limits=limits)  # type: ignore[arg-type]


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def test_a_good_jpeg_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "holder.jpg"
    path.write_bytes(encode_jpeg(scenes()["good"], 92))
    assert isinstance(_service().import_file(path), AcceptedPhoto)


def test_a_png_file_with_two_faces_is_refused_like_a_camera_frame(tmp_path: Path) -> None:
    path = tmp_path / "two.png"
    write_png(scenes()["doubled"], path)
    result = _service().import_file(path)
    assert isinstance(result, PhotoRefused) and result.reason == "several_faces"


def test_a_file_that_is_no_picture_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("not a picture at all", encoding="utf-8")
    with pytest.raises(PhotoFileNotImageError):
        _service().import_file(path)


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_damaged_picture_is_refused(tmp_path: Path, damage: str) -> None:
    jpeg = encode_jpeg(scenes()["good"])
    data = (
        jpeg[:200] if damage == "truncated" else jpeg[:2] + b"\xff\xc0" + b"\x00" * 7 + jpeg[500:]
    )
    path = tmp_path / "damaged.jpg"
    path.write_bytes(data)
    with pytest.raises(PhotoFileCorruptError):
        _service().import_file(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    path.write_bytes(encode_jpeg(scenes()["good"]) + b"\x00" * 300_000)
    with pytest.raises(PhotoFileTooLargeError) as caught:
        _service(ImportLimits(max_bytes=256 * 1024)).import_file(path)
    assert "huge.jpg" in Catalogue("en").error(caught.value)


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    # 60,000 × 60,000 pixels claimed by a 33-byte header: never decoded
    path.write_bytes(_png_header(60_000, 60_000) + b"\x00" * 64)
    with pytest.raises(PhotoFileTooManyPixelsError) as caught:
        _service().import_file(path)
    assert "40" in Catalogue("sv").error(caught.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PhotoFileUnreadableError):
        _service().import_file(tmp_path / "nothing.jpg")


def test_the_header_gives_the_size_of_each_kind(tmp_path: Path) -> None:
    jpeg = encode_jpeg(scenes()["good"])
    header = read_header(jpeg)
    assert header is not None and (header.kind, header.width, header.height) == ("jpeg", 640, 480)
    png = read_header(_png_header(35, 45))
    assert png is not None and (png.width, png.height) == (35, 45)
    assert read_header(b"GIF89a") is None
