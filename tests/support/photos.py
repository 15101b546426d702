"""Small JPEG files for the order tests (a real camera's frames come from the camera
helper): the smallest well-formed JPEG markers around some bytes, and their digest."""

from __future__ import annotations

import hashlib

from kiosk.domain.orders import OrderPhoto


def jpeg_bytes(seed: int = 1, size: int = 2048) -> bytes:
    body = hashlib.sha256(str(seed).encode()).digest() * (size // 32)
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + body + b"\xff\xd9"


def order_photo(seed: int = 1) -> OrderPhoto:
    jpeg = jpeg_bytes(seed)
    return OrderPhoto(jpeg, hashlib.sha256(jpeg).hexdigest())
