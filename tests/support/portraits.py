"""Test portraits made at test time from scikit-image's astronaut sample (public domain,
shipped in its wheel): a good counter frame and one frame for each refusal. Nothing is
kept on disk but what a test writes into its tmp directory."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from devices.camera.opencv import Frame
from devices.virtual.camera import counter_scenes


@cache
def astronaut() -> Frame:
    from skimage import data

    return Frame.from_rgb(data.astronaut())


@cache
def scenes() -> Mapping[str, Frame]:
    """good, blurred, doubled, off_centre, too_small, no_face (640 × 480 each)."""
    return counter_scenes(astronaut())
