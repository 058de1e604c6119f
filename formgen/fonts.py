"""TrueType fonts: metrics for line breaking, glyph coverage checks, and files for embedding.

One font file is read once per process (fontTools, lazily) and gives the
advance width of every character: the composer breaks lines with exactly the
widths the PDF will draw with, and every character is checked against the
font before anything is drawn.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import FontError

log = logging.getLogger(__name__)

# Characters that are not drawn but are fine in text: line breaks are handled
# by the composer; U+00A0 and U+3000 are spaces with glyphs in Japanese fonts.
_IGNORED = {"\n"}


@dataclass(eq=False)
class FontFace:
    """One TrueType file: names, vertical metrics and per-character advances (in em)."""

    path: Path
    family: str
    """English family name, e.g. 'BIZ UDGothic' (what a workbook names)"""
    postscript_name: str
    bold: bool
    units_per_em: int
    ascent: float
    """in em, above the baseline"""
    descent: float
    """in em, below the baseline (positive)"""
    cmap: dict[int, int]
    """code point → glyph id"""
    glyph_advances: list[int]
    """glyph id → advance in font units"""
    _advance_cache: dict[str, float] = field(default_factory=dict, repr=False)

    def advance(self, ch: str) -> float:
        """Advance width of one character in em (0 for characters the font lacks)."""
        cached = self._advance_cache.get(ch)
        if cached is None:
            gid = self.cmap.get(ord(ch))
            cached = 0.0 if gid is None else self.glyph_advances[gid] / self.units_per_em
            self._advance_cache[ch] = cached
        return cached

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` in points at ``size``."""
        advance = self.advance
        return sum(advance(ch) for ch in text) * size


def read_face(path: Path) -> FontFace:
    """Read a TrueType file; raise :class:`FontError` for anything that cannot be embedded."""
    return _read_face(path.resolve())


@lru_cache(maxsize=32)
def _read_face(path: Path) -> FontFace:
    from fontTools.ttLib import TTFont, TTLibError

    if not path.is_file():
        raise FontError(f"{path}: font file not found")
    try:
        font = TTFont(str(path), lazy=True)
    except (TTLibError, OSError, ValueError) as exc:
        raise FontError(f"{path}: not a TrueType font file ({exc})") from None
    if "CFF " in font or "CFF2" in font:
        raise FontError(
            f"{path}: this font has CFF (PostScript) outlines; formgen embeds TrueType (glyf) fonts only. "
            "Use the TrueType (.ttf) release of the font"
        )
    if "glyf" not in font:
        raise FontError(f"{path}: this font has no TrueType outlines (glyf table); it cannot be embedded")
    names = font["name"]
    family = names.getBestFamilyName() or path.stem
    postscript = names.getDebugName(6) or path.stem.replace(" ", "")
    os2 = font["OS/2"]
    head = font["head"]
    upm = head.unitsPerEm
    cmap = font.getBestCmap() or {}
    order = font.getGlyphOrder()
    metrics = font["hmtx"].metrics
    advances = [metrics[name][0] for name in order]
    gid_of = {name: i for i, name in enumerate(order)}
    bold = bool(head.macStyle & 1) or os2.usWeightClass >= 600
    face = FontFace(
        path=path,
        family=family,
        postscript_name=postscript,
        bold=bold,
        units_per_em=upm,
        ascent=os2.usWinAscent / upm,
        descent=os2.usWinDescent / upm,
        cmap={cp: gid_of[name] for cp, name in cmap.items()},
        glyph_advances=advances,
    )
    log.debug("read font %s (%s, %d characters)", path, family, len(face.cmap))
    return face


def unprintable(ch: str) -> str | None:
    """Why ``ch`` cannot be printed as text, or None if it can (given a glyph)."""
    code = ord(ch)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180D:
        return "a variation selector (the PDF would show the base character only)"
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp"):
        return "an unprintable character"
    if category == "Cf":
        return "an invisible formatting character"
    return None


def glyph_problem(face: FontFace, text: str) -> str | None:
    """Why ``text`` cannot be drawn with ``face`` (naming the character), or None if it can."""
    for index, ch in enumerate(text):
        if ch in _IGNORED:
            continue
        reason = unprintable(ch)
        if reason is None and not face.has(ch):
            reason = f"not in the font {face.family} ({face.path.name})"
        if reason is not None:
            name = unicodedata.name(ch, "unnamed")
            context = text[max(0, index - 8) : index + 8].replace("\n", " ")
            return f"the character {ch!r} U+{ord(ch):04X} {name} is {reason}; near “{context}”"
    return None
