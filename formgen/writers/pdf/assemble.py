"""What the PDF of an area and the year's book share besides their parts: bookmarks nested into
an outline, and pictures as image objects."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .embed import compressed

if TYPE_CHECKING:
    from .stream import PdfStream


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


def image_object(out: PdfStream, path: str) -> int:
    """A picture as an image object: JPEG as it is, PNG as its pixels with alpha as a soft mask."""
    from PIL import Image  # only for documents with pictures (import: 8 ms)

    data = Path(path).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        width, height = image.size
        gray = image.mode in ("L", "LA", "1", "I;16")
        space = b"/DeviceGray" if gray else b"/DeviceRGB"
        common = b"/Type/XObject/Subtype/Image/Width %d/Height %d/BitsPerComponent 8" % (width, height)
        number = out.reserve()
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            out.put_stream(number, common + b"/ColorSpace" + space + b"/Filter/DCTDecode", data)
            return number
        transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        alpha = image.convert("LA" if gray else "RGBA").getchannel("A") if transparent else None
        pixels = image.convert("L" if gray else "RGB")
    entries = common + b"/ColorSpace" + space + b"/Filter/FlateDecode"
    if alpha is not None:
        mask = out.reserve()
        out.put_stream(mask, common + b"/ColorSpace/DeviceGray/Filter/FlateDecode", compressed(alpha.tobytes()))
        entries += b"/SMask %d 0 R" % mask
    out.put_stream(number, entries, compressed(pixels.tobytes()))
    return number
