"""What an image file claims to be, read from its first bytes before anything decodes it:
the format from its signature and the pixel size from its header (JPEG, PNG, BMP), so that
a huge picture is refused without being decoded."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE})


@dataclass(frozen=True)
class ImageHeader:
    kind: str  # "jpeg", "png", "bmp"
    width: int | None  # None: the header does not say (a damaged file)
    height: int | None


def image_kind(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"BM"):
        return "bmp"
    return None


def read_header(data: bytes) -> ImageHeader | None:
    """The header of a JPEG, PNG or BMP file; None when the bytes are none of these."""
    kind = image_kind(data)
    if kind == "png":
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return ImageHeader(kind, width, height)
        return ImageHeader(kind, None, None)
    if kind == "bmp":
        if len(data) >= 26:
            width, height = struct.unpack("<ii", data[18:26])
            return ImageHeader(kind, abs(width), abs(height))
        return ImageHeader(kind, None, None)
    if kind == "jpeg":
        size = _jpeg_size(data)
        return ImageHeader(kind, *size) if size else ImageHeader(kind, None, None)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the first start-of-frame segment."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _JPEG_SOF:
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None
