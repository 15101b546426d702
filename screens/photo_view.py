"""A photo in the terminal: JPEG bytes drawn by textual-image, with Kitty's graphics
protocol or Sixel where the terminal has them and half-block cells elsewhere (tmux, a
plain terminal, the tests), so that it works at 80 × 24.

textual-image asks the terminal what it can draw when it is first imported, which only
works before the app takes the terminal over: ``detect_terminal_graphics`` is called by
the composition root before the app runs. Without that call (the tests, a headless run)
the photo is drawn in half blocks, the same on every run.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image as PILImage
from textual.app import ComposeResult
from textual.widget import Widget

_GRAPHICS = {"mode": "halfcell"}  # what detect_terminal_graphics found


def detect_terminal_graphics() -> str:
    """Ask the terminal (once, before the app runs) whether it draws Kitty or Sixel
    graphics; the answer is what every ``PhotoView`` uses from then on."""
    from textual_image import renderable

    if renderable.Image is renderable.SixelImage:
        _GRAPHICS["mode"] = "sixel"
    elif renderable.Image is renderable.TGPImage:
        _GRAPHICS["mode"] = "kitty"
    else:
        _GRAPHICS["mode"] = "halfcell"
    return _GRAPHICS["mode"]


def _image_widget_class() -> Any:
    from textual_image import widget

    return {"sixel": widget.SixelImage, "kitty": widget.TGPImage}.get(
        _GRAPHICS["mode"], widget.HalfcellImage
    )


def decode_photo(jpeg: bytes) -> PILImage.Image:
    """The JPEG as a Pillow image, decoded now (not lazily while the screen draws)."""
    image = PILImage.open(io.BytesIO(jpeg))
    image.load()
    return image.convert("RGB")


class PhotoView(Widget):
    """Shows JPEG bytes (``show``), fitted into the widget's box, its proportions kept
    (styles: ``photo_view.tcss``, loaded by the App)."""

    def __init__(self, jpeg: bytes | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._jpeg = jpeg

    @property
    def jpeg(self) -> bytes | None:
        return self._jpeg

    def compose(self) -> ComposeResult:
        image = _image_widget_class()(classes="photo-image")
        if self._jpeg is not None:
            image.image = decode_photo(self._jpeg)
        yield image

    def show(self, jpeg: bytes | None) -> None:
        """Draw ``jpeg`` (None: nothing)."""
        self._jpeg = jpeg
        for child in self.query(".photo-image"):
            child.image = decode_photo(jpeg) if jpeg is not None else None  # type: ignore[attr-defined]
