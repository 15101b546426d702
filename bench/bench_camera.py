"""Photo figures (issue "Card orders at the counter").

* ``camera.capture_to_accepted_ms``: median time from asking the camera for a frame to an
  accepted photo, checks included (read, decode, face detection, sharpness, 35 × 45 crop,
  JPEG at card-photo size), on the virtual camera: a folder of 640 × 480 frames made from
  scikit-image's astronaut, read by the real adapter. Baseline: raw read + ``cv2.imdecode``
  of one such frame, same run. Budget 300 ms.
* ``photo.draw_ms``: median time to draw the accepted photo in the terminal as the capture
  screen does (decode the JPEG, textual-image's half-block renderable, 25 × 16 cells,
  rendered to segments). Baseline: a raw Pillow resize of the same image to the same
  pixels, same run. Budget 50 ms.

``scale`` multiplies the repeats (60 captures, 200 drawings).
"""

from __future__ import annotations

import atexit
import io
import tempfile
from pathlib import Path

from bench.harness import Figure, median, time_many

CAPTURES = 60
DRAWINGS = 200
CELLS = (25, 16)  # the capture screen's photo, in cells
_tmp = tempfile.TemporaryDirectory(prefix="bench-camera-")
atexit.register(_tmp.cleanup)


def _camera_folder() -> Path:
    from devices.virtual.camera import write_camera_folder
    from tests.support.portraits import scenes

    folder = Path(_tmp.name) / "camera"
    if not folder.is_dir():
        write_camera_folder([scenes()["good"]] * 8, folder)
    return folder


def capture_to_accepted_ms(scale: float) -> Figure:
    import cv2
    import numpy as np

    from devices.camera.opencv import open_camera
    from kiosk.services.photo import AcceptedPhoto, PhotoService

    folder = _camera_folder()
    repeat = max(10, int(CAPTURES * scale))
    service = PhotoService(lambda: open_camera(str(folder), loop=True))
    session = service.open_camera()
    assert isinstance(session.take(), AcceptedPhoto)  # warm-up: the model file, the code
    ours = median(time_many(session.take, repeat))
    session.close()
    frame_file = sorted(folder.glob("*.png"))[0]

    def raw() -> None:
        cv2.imdecode(np.frombuffer(frame_file.read_bytes(), np.uint8), cv2.IMREAD_COLOR)

    base = median(time_many(raw, repeat))
    return Figure(
        name="camera.capture_to_accepted_ms",
        value=ours * 1000,
        unit="ms",
        baseline=base * 1000,
        budget=300.0,
        note=f"median of {repeat}; 640x480 virtual camera, checks included, vs read+decode",
    )


def draw_ms(scale: float) -> Figure:
    from PIL import Image
    from rich.console import Console
    from textual_image.renderable.halfcell import Image as HalfcellImage

    from kiosk.domain.photo import PhotoRules
    from kiosk.services.photo import AcceptedPhoto, check_frame
    from screens.photo_view import decode_photo
    from tests.support.portraits import scenes

    photo = check_frame(scenes()["good"], PhotoRules())
    assert isinstance(photo, AcceptedPhoto)
    repeat = max(20, int(DRAWINGS * scale))
    width, height = CELLS
    console = Console(width=80, height=24, file=io.StringIO(), color_system="truecolor")

    def ours() -> None:
        image = HalfcellImage(decode_photo(photo.jpeg), width, height)
        list(console.render(image, console.options.update(width=width, height=height)))

    def raw() -> None:
        Image.open(io.BytesIO(photo.jpeg)).resize((width, height * 2))

    ours()
    value = median(time_many(ours, repeat))
    base = median(time_many(raw, repeat))
    return Figure(
        name="photo.draw_ms",
        value=value * 1000,
        unit="ms",
        baseline=base * 1000,
        budget=50.0,
        note=f"median of {repeat}; 350x450 JPEG in 25x16 half-block cells vs Pillow resize",
    )


FIGURES = {
    "camera.capture_to_accepted_ms": capture_to_accepted_ms,
    "photo.draw_ms": draw_ms,
}
