"""The holder's photo: taken with the counter camera or imported from a file, checked
(``kiosk.domain.photo``) and, once accepted, a JPEG at card-photo size.

``PhotoService.open_camera()`` gives a ``CameraSession`` (``preview`` for the live view,
``take`` for the photo); ``check`` and ``import_file`` judge a frame or a file. The result
is an ``AcceptedPhoto`` (what an order keeps) or a ``PhotoRefused`` with the reason the
clerk reads. Every call blocks: the screens run them in workers.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devices.camera import opencv
from devices.camera.errors import FrameDecodeError
from devices.camera.opencv import Frame, FrameSource
from kiosk.domain.photo import (
    PhotoRefusal,
    PhotoRules,
    Rect,
    face_refusal,
    passport_crop,
    sharpness_refusal,
)
from kiosk.errors import KioskError
from kiosk.services.image_file import read_header

PREVIEW_WIDTH = 320  # the live view and a refused frame, as the clerk sees them


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 40_000_000


@dataclass(frozen=True)
class AcceptedPhoto:
    """The accepted photo: JPEG at card-photo size, and its SHA-256 digest (hex)."""

    jpeg: bytes = field(repr=False)
    width: int
    height: int
    sha256: str


@dataclass(frozen=True)
class PhotoRefused:
    """A frame the checks refused; ``preview`` is that frame as the clerk sees it (JPEG)."""

    reason: PhotoRefusal
    preview: bytes = field(repr=False)

    @property
    def key(self) -> str:
        return self.reason.key


PhotoResult = AcceptedPhoto | PhotoRefused


class PhotoFileError(KioskError):
    key = "error.photo.file"
    english = "The file could not be used as a photo."


class PhotoFileUnreadableError(PhotoFileError):
    key = "error.photo.file_unreadable"
    english = "The file {name} could not be read."


class PhotoFileNotImageError(PhotoFileError):
    key = "error.photo.file_not_image"
    hint_key = "hint.photo.file_formats"
    english = "The file {name} is not a picture."


class PhotoFileCorruptError(PhotoFileError):
    key = "error.photo.file_corrupt"
    english = "The picture in {name} is damaged and cannot be read."


class PhotoFileTooLargeError(PhotoFileError):
    key = "error.photo.file_too_large"
    english = "The file {name} is larger than {limit_mb} MB."


class PhotoFileTooManyPixelsError(PhotoFileError):
    key = "error.photo.file_too_many_pixels"
    english = "The picture in {name} has more than {limit_mp} million pixels."


def _rect(box: opencv.Box) -> Rect:
    return Rect(box.x, box.y, box.width, box.height)


def _preview(frame: Frame) -> bytes:
    if frame.width > PREVIEW_WIDTH:
        frame = frame.resized(
            PREVIEW_WIDTH, max(1, round(frame.height * PREVIEW_WIDTH / frame.width))
        )
    return opencv.encode_jpeg(frame, quality=80)


def check_frame(frame: Frame, rules: PhotoRules) -> PhotoResult:
    """Exactly one face, centred, large enough, sharp enough: then cropped to 35 × 45 and
    encoded at card-photo size."""
    boxes = opencv.detect_faces(frame)
    faces = [_rect(box) for box in boxes]
    refusal = face_refusal(faces, frame.width, frame.height, rules)
    if refusal is None:
        refusal = sharpness_refusal(opencv.sharpness(frame, boxes[0]), rules)
    crop = passport_crop(faces[0], frame.width, frame.height, rules) if refusal is None else refusal
    if isinstance(crop, PhotoRefusal):
        return PhotoRefused(crop, _preview(frame))
    box = opencv.Box(crop.x, crop.y, crop.width, crop.height)
    photo = frame.crop(box).resized(rules.photo_width, rules.photo_height)
    jpeg = opencv.encode_jpeg(photo, quality=rules.jpeg_quality)
    return AcceptedPhoto(
        jpeg, rules.photo_width, rules.photo_height, hashlib.sha256(jpeg).hexdigest()
    )


class CameraSession:
    """One open camera: ``preview`` reads a frame for the live view, ``take`` checks the
    frame last shown (or reads one when none was). Safe to call from two workers."""

    def __init__(self, source: FrameSource, rules: PhotoRules) -> None:
        self._source = source
        self._rules = rules
        self._lock = threading.Lock()
        self._shown: Frame | None = None

    def preview(self) -> bytes:
        with self._lock:
            frame = self._source.read()
            self._shown = frame
        return _preview(frame)

    def take(self) -> PhotoResult:
        with self._lock:
            frame = self._shown if self._shown is not None else self._source.read()
            self._shown = None
        return check_frame(frame, self._rules)

    def close(self) -> None:
        with self._lock:
            self._source.close()


class PhotoService:
    """Photos from the configured camera (``open_camera``) or from files."""

    def __init__(
        self,
        camera: Callable[[], FrameSource],
        *,
        rules: PhotoRules | None = None,
        limits: ImportLimits | None = None,
    ) -> None:
        self._camera = camera
        self.rules = rules or PhotoRules()
        self.limits = limits or ImportLimits()

    def open_camera(self) -> CameraSession:
        """``NoCameraError`` when the configured camera is not there."""
        return CameraSession(self._camera(), self.rules)

    def check(self, frame: Frame) -> PhotoResult:
        return check_frame(frame, self.rules)

    def import_file(self, path: Path) -> PhotoResult:
        """A photo from a file: its size, kind and pixel count checked before it is decoded,
        then the same checks as a camera frame."""
        name = path.name
        try:
            size = path.stat().st_size
            if size > self.limits.max_bytes:
                raise PhotoFileTooLargeError(name=name, limit_mb=self.limits.max_bytes // 2**20)
            with path.open("rb") as handle:
                data = handle.read(self.limits.max_bytes + 1)
        except OSError:
            raise PhotoFileUnreadableError(name=name) from None
        if len(data) > self.limits.max_bytes:  # it grew since stat
            raise PhotoFileTooLargeError(name=name, limit_mb=self.limits.max_bytes // 2**20)
        header = read_header(data)
        if header is None:
            raise PhotoFileNotImageError(name=name)
        if header.width is None or header.height is None:
            raise PhotoFileCorruptError(name=name)
        if header.width * header.height > self.limits.max_pixels:
            raise PhotoFileTooManyPixelsError(
                name=name, limit_mp=self.limits.max_pixels // 1_000_000
            )
        try:
            frame = opencv.decode_image(data)
        except FrameDecodeError:
            raise PhotoFileCorruptError(name=name) from None
        return check_frame(frame, self.rules)
