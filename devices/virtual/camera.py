"""The virtual camera: counter scenes made from one portrait, written as a folder of
images or a video file that the real camera adapter (``devices.camera.opencv``) reads.

Drawn faces do not trigger a face detector, so the scenes start from a photograph: the
tests pass scikit-image's ``astronaut`` sample (public domain, shipped in its wheel); the
demo finds the same file where the dev install put it (``sample_portrait_path``). No photo
is kept in the repository: the scenes are made at test time or at demo start.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path

from devices.camera.opencv import Box, Frame, decode_image, write_image_folder, write_video

FRAME_WIDTH, FRAME_HEIGHT = 640, 480
# Where the face is in scikit-image's astronaut (512 × 512): the crop that centres it.
ASTRONAUT_CROP = Box(24, 0, 400, 300)
SCENE_NAMES = ("good", "blurred", "doubled", "off_centre", "too_small", "no_face")


def sample_portrait_path() -> Path | None:
    """scikit-image's astronaut file, when scikit-image is installed (the dev extra)."""
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "astronaut.png"
    return path if path.is_file() else None


def load_portrait(path: Path) -> Frame:
    return decode_image(path.read_bytes())


def counter_scenes(portrait: Frame) -> Mapping[str, Frame]:
    """A good frame (one sharp, centred face of a third of the frame's height) and one frame
    for each refusal, all 640 × 480 like a counter camera's."""
    good = portrait.crop(ASTRONAUT_CROP).resized(FRAME_WIDTH, FRAME_HEIGHT)
    half = FRAME_WIDTH // 2
    middle = good.crop(Box(FRAME_WIDTH // 4, 0, half, FRAME_HEIGHT))
    return {
        "good": good,
        "blurred": good.blurred(4.0),
        "doubled": middle.beside(middle),
        "off_centre": good.shifted(FRAME_WIDTH // 3),
        "too_small": good.resized(half, FRAME_HEIGHT // 2).placed_on(FRAME_WIDTH, FRAME_HEIGHT),
        "no_face": portrait.crop(Box(0, 330, 512, 182)).resized(FRAME_WIDTH, FRAME_HEIGHT),
    }


def write_camera_folder(frames: list[Frame], folder: Path) -> Path:
    """A virtual camera as a folder of frames (read in name order)."""
    write_image_folder(frames, folder)
    return folder


def write_camera_video(frames: list[Frame], path: Path, fps: float = 5.0) -> Path:
    """A virtual camera as one Motion-JPEG video file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_video(frames, path, fps)
    return path


def demo_camera(folder: Path, portrait: Path | None = None) -> Path | None:
    """The demo's camera: a folder of frames, each scene held for a few frames (good ones
    first and last), made once in ``folder``; None without a portrait to make it from."""
    marker = folder / "frame-0000.png"
    if marker.is_file():
        return folder
    source = portrait or sample_portrait_path()
    if source is None:
        return None
    scenes = counter_scenes(load_portrait(source))
    order = ["good", "blurred", "good", "doubled", "off_centre", "good", "too_small", "no_face"]
    frames = [scenes[name] for name in order for _ in range(8)]
    return write_camera_folder(frames, folder)
