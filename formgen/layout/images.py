"""Pictures a layout places (an emblem, a map): read and checked once, when the layout is loaded.

A picture is a PNG or JPEG file in the project's assets folder. Anything else
is refused with the layout's line and the file's name: a file that is missing,
unreadable, outside the folder, larger than 20 MB or 10,000 pixels a side, or
disguised (its bytes are not what its name says).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
MAX_SIDE = 10_000
"""pixels"""
KINDS = {".png": ("PNG", b"\x89PNG\r\n\x1a\n"), ".jpg": ("JPEG", b"\xff\xd8\xff"), ".jpeg": ("JPEG", b"\xff\xd8\xff")}
"""file extension → (Pillow's format name, the bytes such a file starts with)"""


class BadPicture(Exception):
    """The message says what is wrong with the file."""


@dataclass(frozen=True)
class Picture:
    path: Path
    width: int
    """pixels"""
    height: int
    format: str
    digest: str
    """sha256 of the file: an input of every output that shows it"""


def read_picture(assets: Path, name: str) -> Picture:
    """The picture ``name`` of the assets folder, checked."""
    path = assets / name
    try:
        path.resolve().relative_to(assets.resolve())
    except ValueError:
        raise BadPicture(f"{name}: a picture must be inside the assets folder {assets}") from None
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise BadPicture(f"{name}: a picture must be a PNG (.png) or JPEG (.jpg, .jpeg) file")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise BadPicture(f"{path}: is not a file")
        if size > MAX_BYTES:
            raise BadPicture(f"{path}: is {size / 1024 / 1024:.0f} MB; a picture may have at most 20 MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadPicture(f"{path}: picture not found (pictures are looked up in {assets})") from None
    except OSError as exc:
        raise BadPicture(f"{path}: cannot read it: {exc.strerror or exc}") from None
    expected, magic = kind
    if not data.startswith(magic):
        raise BadPicture(f"{path}: is not a {expected} file, whatever its name says")
    return Picture(path, *_checked_size(path, expected), expected, hashlib.sha256(data).hexdigest())


def _checked_size(path: Path, expected: str) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError  # only for layouts with pictures (import: 8 ms)

    try:
        with Image.open(path) as image:
            if image.format != expected:
                raise BadPicture(f"{path}: is not a {expected} file, whatever its name says")
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise BadPicture(f"{path}: is {width}×{height} pixels; a picture may have at most {MAX_SIDE} a side")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadPicture(f"{path}: is not a readable {expected} picture ({exc})") from None
    if width == 0 or height == 0:
        raise BadPicture(f"{path}: has no pixels")
    return width, height
