"""What the PDF of an area and the year's book share besides their parts: bookmarks nested into
an outline, and pictures as image objects (made with pikepdf, then written by :mod:`.merge`)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name
from PIL import Image

from .embed import compressed, flate


@dataclass
class Bookmark:
    """An outline entry: a title at height ``y`` of a page (its index, or its object number in
    the book), nested by ``level``."""

    title: str
    level: int
    page: int
    y: float
    kids: list[Bookmark] = field(default_factory=list)


def nest(marks: list[Bookmark]) -> list[Bookmark]:
    """Bookmarks in order as a tree, levels never skipping; returns the top level."""
    roots: list[Bookmark] = []
    stack: list[Bookmark] = []
    for mark in marks:
        mark.level = max(0, min(mark.level, len(stack)))
        del stack[mark.level :]
        (stack[-1].kids if stack else roots).append(mark)
        stack.append(mark)
    return roots


def image_object(pdf: pikepdf.Pdf, path: str) -> pikepdf.Object:
    """A picture as an image object: JPEG as it is, PNG as its pixels with alpha as a soft mask."""
    data = Path(path).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        width, height = image.size
        gray = image.mode in ("L", "LA", "1", "I;16")
        space = Name.DeviceGray if gray else Name.DeviceRGB
        common: dict[str, Any] = {"Type": Name.XObject, "Subtype": Name.Image, "Width": width, "Height": height}
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            return pikepdf.Stream(pdf, data, ColorSpace=space, BitsPerComponent=8, Filter=Name.DCTDecode, **common)
        transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        alpha = image.convert("LA" if gray else "RGBA").getchannel("A") if transparent else None
        pixels = image.convert("L" if gray else "RGB")
    extra: dict[str, Any] = {**common, "BitsPerComponent": 8}
    if alpha is not None:
        extra["SMask"] = flate(pdf, alpha.tobytes(), ColorSpace=Name.DeviceGray, **extra)
    return pikepdf.Stream(pdf, compressed(pixels.tobytes()), ColorSpace=space, Filter=Name.FlateDecode, **extra)
