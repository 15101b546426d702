"""The photo service on the configured camera (``[kiosk.camera]``); ``kiosk.container``
builds it. ``source = "virtual"`` is the demo's camera: counter scenes written once into
``<data_dir>/virtual-camera`` from scikit-image's astronaut sample (``devices.virtual.camera``)."""

from __future__ import annotations

from kiosk.config import KioskConfig
from kiosk.services.photo import ImportLimits, PhotoService


def photo_service(config: KioskConfig) -> PhotoService:
    """The camera is opened (and the virtual one made) only when a photo is taken."""
    from devices.camera.errors import NoCameraError
    from devices.camera.opencv import FrameSource, open_camera

    camera = config.camera

    def opener() -> FrameSource:
        source = camera.source
        if source == "virtual":
            from devices.virtual.camera import demo_camera

            folder = demo_camera(config.data_dir / "virtual-camera")
            if folder is None:  # no portrait to make it from: scikit-image is not installed
                raise NoCameraError(source="virtual")
            source = str(folder)
        return open_camera(source, loop=camera.loop)

    limits = ImportLimits(
        max_bytes=camera.max_import_mb * 2**20, max_pixels=camera.max_import_megapixels * 10**6
    )
    return PhotoService(opener, limits=limits)
