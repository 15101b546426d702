"""The photo checks (kiosk/services/photo.py with the rules of kiosk/domain/photo.py) on the
test portraits: one accepted frame, and each refusal with the reason the clerk reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from devices.camera.opencv import decode_image, open_camera
from devices.virtual.camera import demo_camera, write_camera_folder
from kiosk.domain.photo import PhotoRefusal, PhotoRules, Rect, face_refusal, passport_crop
from kiosk.i18n import Catalogue
from kiosk.services.photo import AcceptedPhoto, PhotoRefused, PhotoService, check_frame
from tests.support.portraits import scenes

RULES = PhotoRules()


def test_a_good_frame_is_accepted_as_a_35_by_45_jpeg_at_card_photo_size() -> None:
    result = check_frame(scenes()["good"], RULES)
    assert isinstance(result, AcceptedPhoto)
    assert (result.width, result.height) == (350, 450)
    assert result.width * 45 == result.height * 35
    assert result.jpeg.startswith(b"\xff\xd8\xff")
    assert result.sha256 == hashlib.sha256(result.jpeg).hexdigest()
    decoded = decode_image(result.jpeg)
    assert (decoded.width, decoded.height) == (350, 450)
    assert "jpeg" not in repr(result).split("(", 1)[1].split("=")[0]  # bytes kept out of repr


def test_the_same_frame_gives_the_same_photo() -> None:
    first = check_frame(scenes()["good"], RULES)
    second = check_frame(scenes()["good"], RULES)
    assert isinstance(first, AcceptedPhoto) and isinstance(second, AcceptedPhoto)
    assert first.sha256 == second.sha256


@pytest.mark.parametrize(
    ("scene", "reason"),
    [
        ("no_face", PhotoRefusal.NO_FACE),
        ("doubled", PhotoRefusal.SEVERAL_FACES),
        ("off_centre", PhotoRefusal.OFF_CENTRE),
        ("too_small", PhotoRefusal.TOO_SMALL),
        ("blurred", PhotoRefusal.BLURRED),
    ],
)
def test_each_refusal_is_a_typed_result_the_clerk_can_read(
    scene: str, reason: PhotoRefusal
) -> None:
    result = check_frame(scenes()[scene], RULES)
    assert isinstance(result, PhotoRefused)
    assert result.reason is reason
    assert result.preview.startswith(b"\xff\xd8\xff")  # the refused frame, to look at
    for lang in ("sv", "en"):
        text = Catalogue(lang)(result.key)
        assert text and not text.startswith("⟨")


def test_a_face_too_close_to_crop_around_is_refused() -> None:
    face = Rect(100, 40, 400, 400)  # fills a 640 × 480 frame
    assert passport_crop(face, 640, 480, RULES) is PhotoRefusal.TOO_CLOSE


def test_the_crop_keeps_35_by_45_and_stays_inside_the_frame() -> None:
    for face in (Rect(250, 100, 150, 150), Rect(250, 0, 150, 150), Rect(420, 300, 150, 150)):
        crop = passport_crop(face, 640, 480, RULES)
        assert isinstance(crop, Rect)
        assert abs(crop.width / crop.height - 35 / 45) < 0.01
        assert crop.x >= 0 and crop.y >= 0
        assert crop.x + crop.width <= 640 and crop.y + crop.height <= 480


def test_the_centre_band_and_the_size_are_fractions_of_the_frame() -> None:
    centred = Rect(270, 130, 100, 120)
    assert face_refusal([centred], 640, 480, RULES) is None
    assert face_refusal([centred], 1280, 960, RULES) is PhotoRefusal.OFF_CENTRE
    assert face_refusal([Rect(300, 150, 40, 40)], 640, 480, RULES) is PhotoRefusal.TOO_SMALL


def test_the_camera_session_takes_the_frame_the_clerk_saw(tmp_path: Path) -> None:
    folder = write_camera_folder([scenes()["doubled"], scenes()["good"]], tmp_path / "camera")
    service = PhotoService(lambda: open_camera(str(folder)))
    session = service.open_camera()
    assert session.preview().startswith(b"\xff\xd8\xff")  # shows the doubled frame
    taken = session.take()
    assert isinstance(taken, PhotoRefused) and taken.reason is PhotoRefusal.SEVERAL_FACES
    assert isinstance(session.take(), AcceptedPhoto)  # nothing shown: the next frame
    session.close()


def test_the_demo_camera_is_made_once_from_the_sample_portrait(tmp_path: Path) -> None:
    folder = demo_camera(tmp_path / "virtual-camera")
    assert folder is not None
    frames = sorted(folder.glob("*.png"))
    assert len(frames) == 64
    stamp = frames[0].stat().st_mtime_ns
    assert demo_camera(tmp_path / "virtual-camera") == folder
    assert frames[0].stat().st_mtime_ns == stamp
    first = check_frame(decode_image(frames[0].read_bytes()), RULES)
    assert isinstance(first, AcceptedPhoto)
