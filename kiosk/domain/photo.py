"""What makes a card photo: the rules the photo checks apply to a frame's measurements.

A frame is accepted when it holds exactly one face, centred, large enough and sharp enough;
it is then cropped to passport-photo proportions (35 × 45 mm) around the face. The
measurements (face boxes, sharpness) come from the camera adapter; this module only
decides. Each refusal has a reason the clerk reads (``photo.refused.<reason>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PASSPORT_WIDTH_MM = 35
PASSPORT_HEIGHT_MM = 45


class PhotoRefusal(StrEnum):
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    OFF_CENTRE = "off_centre"
    TOO_SMALL = "too_small"
    TOO_CLOSE = "too_close"
    BLURRED = "blurred"

    @property
    def key(self) -> str:
        return f"photo.refused.{self.value}"


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class PhotoRules:
    """The thresholds, as fractions of the frame (so they hold for any camera)."""

    # the face's centre at most this far from the frame's middle, across
    max_offset_across: float = 0.15
    # the face's centre this high in the frame (0 = top, 1 = bottom)
    centre_band_down: tuple[float, float] = (0.2, 0.65)
    min_face_height: float = 0.22  # the face box's height against the frame's
    min_sharpness: float = 40.0  # variance of the Laplacian over the face, 128 × 128
    # the crop is this many face heights tall (the detector's box is brow to chin)
    crop_face_heights: float = 2.0
    # ... and keeps at least this many when the frame is too small for the full crop
    min_crop_face_heights: float = 1.4
    face_centre_in_crop: float = 0.45  # the face's centre this far down the crop
    photo_width: int = 350  # the card photo, pixels (10 per mm)
    photo_height: int = 450
    jpeg_quality: int = 90


def face_refusal(
    faces: list[Rect], frame_width: int, frame_height: int, rules: PhotoRules
) -> PhotoRefusal | None:
    """The reason a frame with these face boxes is refused before sharpness is measured,
    or None when its one face is centred and large enough."""
    if not faces:
        return PhotoRefusal.NO_FACE
    if len(faces) > 1:
        return PhotoRefusal.SEVERAL_FACES
    face = faces[0]
    cx, cy = face.centre
    low, high = rules.centre_band_down
    if (
        abs(cx / frame_width - 0.5) > rules.max_offset_across
        or not low <= cy / frame_height <= high
    ):
        return PhotoRefusal.OFF_CENTRE
    if face.height / frame_height < rules.min_face_height:
        return PhotoRefusal.TOO_SMALL
    return None


def sharpness_refusal(sharpness: float, rules: PhotoRules) -> PhotoRefusal | None:
    return PhotoRefusal.BLURRED if sharpness < rules.min_sharpness else None


def passport_crop(
    face: Rect, frame_width: int, frame_height: int, rules: PhotoRules
) -> Rect | PhotoRefusal:
    """The 35 × 45 rectangle around ``face``, moved inside the frame; smaller (down to
    ``min_crop_face_heights``) when the frame cannot hold the full crop, else TOO_CLOSE."""
    ratio = PASSPORT_WIDTH_MM / PASSPORT_HEIGHT_MM
    height = face.height * rules.crop_face_heights
    height = min(height, frame_height, frame_width / ratio)
    if height < face.height * rules.min_crop_face_heights:
        return PhotoRefusal.TOO_CLOSE
    width = height * ratio
    cx, cy = face.centre
    x = min(max(cx - width / 2, 0.0), frame_width - width)
    y = min(max(cy - height * rules.face_centre_in_crop, 0.0), frame_height - height)
    return Rect(round(x), round(y), round(width), round(height))
