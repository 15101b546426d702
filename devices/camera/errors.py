"""Typed errors of the camera and of image files (catalogue area: photo)."""

from __future__ import annotations

from devices.errors import DeviceError


class CameraError(DeviceError):
    key = "error.camera"
    english = "The camera did not answer as expected."


class NoCameraError(CameraError):
    key = "error.camera.none"
    hint_key = "hint.camera.none"
    english = "No camera at {source}."


class CameraUnpluggedError(CameraError):
    """The stream ended mid-capture: the device is gone or the video file ran out."""

    key = "error.camera.unplugged"
    hint_key = "hint.camera.unplugged"
    english = "The camera at {source} stopped sending pictures."


class FrameDecodeError(CameraError):
    """A frame (or an image file's content) that does not decode into a picture."""

    key = "error.camera.frame"
    hint_key = "hint.camera.frame"
    english = "A picture from the camera could not be read."
