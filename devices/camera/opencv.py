"""OpenCV: the one module of the project that imports cv2 (an import-linter contract says so).

* ``open_camera(source)``: frames from a V4L2 device (``/dev/video0``, or an index such as
  ``0``), from a video file, or from a folder of image files read in name order (the
  virtual camera of the demo and the tests). Blocking: call it, and ``read``, from a worker.
* Image operations the photo checks measure with: decode, face boxes (OpenCV's Haar
  cascade, with the model file its wheel ships), sharpness (variance of the Laplacian),
  crop, resize, JPEG encoding. They measure; the rules are ``kiosk.domain.photo``'s.

OpenCV's own log lines would land on the terminal the app draws on: they are switched off
before the import.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2
import numpy as np

from devices.camera.errors import CameraUnpluggedError, FrameDecodeError, NoCameraError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
FACE_MODEL = "haarcascade_frontalface_default.xml"
DETECTION_WIDTH = 320  # frames are scaled to this width for the face detector
DETECTION_NEIGHBOURS = 8  # how many overlapping hits make a face (fewer: false faces)


@dataclass(frozen=True)
class Box:
    """A rectangle in a frame's pixels."""

    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


class Frame:
    """One picture, BGR pixels; opaque outside this module."""

    __slots__ = ("_pixels",)

    def __init__(self, pixels: Any) -> None:
        self._pixels = pixels

    @classmethod
    def from_rgb(cls, pixels: Any) -> Frame:
        """From an RGB array (height × width × 3), such as scikit-image's samples."""
        return cls(cv2.cvtColor(np.ascontiguousarray(pixels, dtype=np.uint8), cv2.COLOR_RGB2BGR))

    @property
    def width(self) -> int:
        return int(self._pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self._pixels.shape[0])

    def crop(self, box: Box) -> Frame:
        x0, y0 = max(0, box.x), max(0, box.y)
        x1, y1 = min(self.width, box.x + box.width), min(self.height, box.y + box.height)
        return Frame(self._pixels[y0:y1, x0:x1].copy())

    def resized(self, width: int, height: int) -> Frame:
        shrinking = width * height < self.width * self.height
        interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
        return Frame(cv2.resize(self._pixels, (width, height), interpolation=interpolation))

    def blurred(self, sigma: float) -> Frame:
        return Frame(cv2.GaussianBlur(self._pixels, (0, 0), sigma))

    def shifted(self, dx: int, dy: int = 0) -> Frame:
        """Moved by (dx, dy) pixels, the edge pixels repeated into the gap."""
        matrix = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]], dtype=np.float32)
        size = (self.width, self.height)
        return Frame(cv2.warpAffine(self._pixels, matrix, size, borderMode=cv2.BORDER_REPLICATE))

    def placed_on(self, width: int, height: int, grey: int = 128) -> Frame:
        """This picture in the middle of a plain grey canvas of width × height."""
        canvas = np.full((height, width, 3), grey, dtype=np.uint8)
        x, y = (width - self.width) // 2, (height - self.height) // 2
        canvas[y : y + self.height, x : x + self.width] = self._pixels
        return Frame(canvas)

    def beside(self, other: Frame) -> Frame:
        return Frame(np.hstack([self._pixels, other.resized(other.width, self.height)._pixels]))

    def rgb_bytes(self) -> bytes:
        """The pixels as packed RGB rows (what Pillow's ``frombytes`` takes)."""
        return bytes(cv2.cvtColor(self._pixels, cv2.COLOR_BGR2RGB).tobytes())


def decode_image(data: bytes) -> Frame:
    """A JPEG, PNG or BMP file's bytes as a frame; anything else is ``FrameDecodeError``."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    pixels = cv2.imdecode(buffer, cv2.IMREAD_COLOR) if buffer.size else None
    if pixels is None or pixels.size == 0:
        raise FrameDecodeError()
    return Frame(pixels)


def encode_jpeg(frame: Frame, quality: int = 90) -> bytes:
    ok, encoded = cv2.imencode(".jpg", frame._pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise FrameDecodeError()
    return bytes(encoded.tobytes())


def write_png(frame: Frame, path: Path) -> None:
    ok, encoded = cv2.imencode(".png", frame._pixels)
    if not ok:
        raise FrameDecodeError()
    path.write_bytes(encoded.tobytes())


_detectors = threading.local()  # a CascadeClassifier is not to be shared between threads


def _detector() -> Any:
    detector = getattr(_detectors, "cascade", None)
    if detector is None:
        detector = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / FACE_MODEL))  # type: ignore[attr-defined]
        _detectors.cascade = detector
    return detector


def detect_faces(frame: Frame) -> list[Box]:
    """The faces OpenCV's frontal-face cascade finds, in the frame's pixels."""
    scale = DETECTION_WIDTH / frame.width if frame.width > DETECTION_WIDTH else 1.0
    grey = cv2.cvtColor(frame._pixels, cv2.COLOR_BGR2GRAY)
    if scale != 1.0:
        size = (DETECTION_WIDTH, max(1, round(frame.height * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    found = _detector().detectMultiScale(
        grey, scaleFactor=1.1, minNeighbors=DETECTION_NEIGHBOURS, minSize=(24, 24)
    )
    return [
        Box(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
        for x, y, w, h in (tuple(int(v) for v in hit) for hit in found)
    ]


def sharpness(frame: Frame, box: Box, side: int = 128) -> float:
    """Variance of the Laplacian over ``box`` scaled to ``side`` × ``side`` (so that a large
    and a small face of the same focus measure alike); higher is sharper."""
    grey = cv2.cvtColor(frame.crop(box)._pixels, cv2.COLOR_BGR2GRAY)
    grey = cv2.resize(grey, (side, side), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


# --- the camera ---------------------------------------------------------------------------


class FrameSource(Protocol):
    source: str

    def read(self) -> Frame: ...
    def close(self) -> None: ...


def open_camera(source: str, *, loop: bool = False) -> FrameSource:
    """The camera named by ``source``: a device path or index, a video file, or a folder of
    image files; ``loop``: a file or folder starts again at its end (the demo) instead of
    ending the stream. ``NoCameraError`` when there is nothing to open."""
    path = Path(source)
    if source.isdigit() or source.startswith("/dev/"):
        return _VideoCapture(source, cv2.CAP_V4L2, loop=False)
    if path.is_dir():
        return _ImageFolder(source, loop=loop)
    if path.is_file():
        return _VideoCapture(source, cv2.CAP_FFMPEG, loop=loop)
    raise NoCameraError(source=source)


class _VideoCapture:
    """A V4L2 device or a video file through ``cv2.VideoCapture``."""

    def __init__(self, source: str, backend: int, *, loop: bool) -> None:
        self.source = source
        self._backend = backend
        self._loop = loop
        self._device = source.isdigit() or source.startswith("/dev/")
        if self._device and not source.isdigit() and not Path(source).exists():
            raise NoCameraError(source=source)
        self._capture = self._open()

    def _open(self) -> Any:
        target: int | str = int(self.source) if self.source.isdigit() else self.source
        capture = cv2.VideoCapture(target, self._backend)
        if not capture.isOpened():
            capture.release()
            raise NoCameraError(source=self.source)
        if self._device:
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queued one
        return capture

    def read(self) -> Frame:
        if not self._capture.grab():
            if not self._loop:
                raise CameraUnpluggedError(source=self.source)
            self._capture.release()
            self._capture = self._open()
            if not self._capture.grab():
                raise CameraUnpluggedError(source=self.source)
        ok, pixels = self._capture.retrieve()
        if not ok or pixels is None or pixels.size == 0:
            raise FrameDecodeError()
        return Frame(pixels)

    def close(self) -> None:
        self._capture.release()


class _ImageFolder:
    """Image files in name order, one frame each: a file that does not decode is a
    ``FrameDecodeError`` (the next read goes on with the next file), the end of the folder
    or a folder that is gone ends the stream."""

    def __init__(self, source: str, *, loop: bool) -> None:
        self.source = source
        self._loop = loop
        self._folder = Path(source)
        self._files = self._list()
        if not self._files:
            raise NoCameraError(source=source)
        self._next = 0

    def _list(self) -> list[Path]:
        try:
            entries = sorted(self._folder.iterdir())
        except OSError:
            return []
        return [p for p in entries if p.suffix.lower() in IMAGE_SUFFIXES]

    def read(self) -> Frame:
        if self._next >= len(self._files):
            if not self._loop:
                raise CameraUnpluggedError(source=self.source)
            self._next = 0
        path = self._files[self._next]
        self._next += 1
        try:
            data = path.read_bytes()
        except OSError:
            raise CameraUnpluggedError(source=self.source) from None
        return decode_image(data)

    def close(self) -> None:
        self._files = []


def write_image_folder(frames: Iterable[Frame], folder: Path) -> list[Path]:
    """The frames as PNG files ``frame-0000.png``, ... in ``folder`` (a virtual camera)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index, frame in enumerate(frames):
        path = folder / f"frame-{index:04d}.png"
        write_png(frame, path)
        written.append(path)
    return written


def write_video(frames: Sequence[Frame], path: Path, fps: float = 5.0) -> None:
    """The frames as a Motion-JPEG AVI file (a virtual camera that is one file)."""
    first = frames[0]
    fourcc = cv2.VideoWriter.fourcc(*"MJPG")
    writer = cv2.VideoWriter(str(path), fourcc, fps, (first.width, first.height))
    try:
        for frame in frames:
            writer.write(frame.resized(first.width, first.height)._pixels)
    finally:
        writer.release()
