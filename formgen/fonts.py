"""TrueType fonts: metrics for line breaking, glyph coverage checks, and files for embedding.

A font file is read once per process (and again only when its contents change)
through HarfBuzz (uharfbuzz), the library that also subsets it for the PDF: one
parser of the font's tables. It gives the advance width of every character, so
the composer breaks lines with exactly the widths the PDF draws with, and every
character is checked against the font before anything is drawn. fontTools stays
the tests' reference reader.
"""

from __future__ import annotations

import hashlib
import logging
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import uharfbuzz as hb

from .errors import FontError
from .memo import Table, Widths

log = logging.getLogger(__name__)

# Characters that are not drawn but are fine in text: line breaks are handled
# by the composer; U+00A0 and U+3000 are spaces with glyphs in Japanese fonts.
_IGNORED = {"\n"}

TRUETYPE_TABLES = ("glyf", "loca", "head", "hhea", "hmtx", "maxp", "cmap", "OS/2")


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
    metrics: hb.Font = field(repr=False)
    """the font's character map and advances, as HarfBuzz reads them (see :meth:`glyph_id`)"""
    glyph_count: int
    """glyphs in the font (maxp): a glyph id its character map gives beyond them is none"""
    digest: str
    """sha256 of the file: names the font in PDFs and in build fingerprints"""
    harfbuzz: hb.Face | None = field(default=None, repr=False)
    """the font as HarfBuzz read it (the PDF's subsetter uses it)"""
    checked: set[str] = field(default_factory=set, repr=False)
    """characters already checked: printable and in the font"""
    _doubtful: bool = field(default=False, init=False, repr=False)
    """a character measured so far cannot be printed (see :meth:`measured_printable`)"""
    _advances: Table[str, float] = field(init=False, repr=False)
    """character → advance in em (0 for characters the font lacks)"""
    _sized: dict[float, Widths] = field(init=False, repr=False, default_factory=dict)

    _glyphs: Table[int, int] = field(init=False, repr=False)
    _units: Table[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._advances = Table(self._advance)
        # asked for as characters come, not read whole: a Japanese font maps 11,741 characters and
        # its file was read before the workers could start (15 ms of a build's serial start for
        # three faces); a year's forms use some 2,000 of them
        self._glyphs = Table(self._glyph)
        self._units = Table(self.metrics.get_glyph_h_advance)

    def _glyph(self, code: int) -> int:
        # HarfBuzz gives the glyph a damaged character map names even past the font's glyphs
        # (where the subset would print the empty .notdef): such a character is not in the font
        gid = self.metrics.get_nominal_glyph(code) or 0
        return gid if gid < self.glyph_count else 0

    def glyph_id(self, code: int) -> int:
        """The glyph of the character ``code`` (a code point); 0 when the font has none."""
        return self._glyphs[code]

    def advance(self, gid: int) -> int:
        """The advance of glyph ``gid``, in font units."""
        return self._units[gid]

    def _advance(self, ch: str) -> float:
        gid = self._glyphs[ord(ch)]
        if ch not in _IGNORED and (not gid or unprintable(ch) is not None):
            self._doubtful = True
        return self._units[gid] / self.units_per_em if gid else 0.0

    def measured_printable(self) -> bool:
        """Whether every character measured so far (by :meth:`width` or through
        :meth:`advances_at`) can be printed (not unprintable, and in the font): then so can any
        text already measured, without looking at its characters again (a set lookup each, for
        every paragraph)."""
        return not self._doubtful

    def advances_at(self, size: float) -> Mapping[str, float]:
        """Character → advance in points at ``size``: looked up through map() it runs no Python
        code once a character has been seen."""
        sized = self._sized.get(size)
        if sized is None:
            em = self._advances
            sized = self._sized[size] = Widths(lambda ch: em[ch] * size)
        return sized

    def has(self, ch: str) -> bool:
        return self._glyphs[ord(ch)] != 0

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` in points at ``size`` (summed by C calls only, once every character
        has been seen: composing measures some 200,000 characters an area)."""
        return sum(map(self._advances.__getitem__, text)) * size


_by_file: dict[tuple[Path, int, int, int], str] = {}
"""(path, inode, size, mtime) → digest of its contents: a file changed on disk is read again"""
_by_digest: dict[str, FontFace] = {}
"""digest → the face read from those bytes"""


def read_face(path: Path) -> FontFace:
    """Read a TrueType file; raise :class:`FontError` for anything that cannot be embedded.
    Remembered by the file's contents: the same bytes are read once per process, changed bytes
    are never served from an earlier reading."""
    path = path.resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise FontError(f"{path}: font file not found") from None
    except OSError as exc:
        raise FontError(f"{path}: cannot read the font file: {exc.strerror}") from None
    key = (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    digest = _by_file.get(key)
    face = _by_digest.get(digest) if digest is not None else None
    if face is None or face.path != path:
        face = _read_face(path)
        _by_file[key] = face.digest
        _by_digest[face.digest] = face
    return face


def _read_face(path: Path) -> FontFace:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FontError(f"{path}: cannot read the font file: {exc.strerror or exc}") from None
    magic = data[:4]
    if magic == b"ttcf":
        raise FontError(f"{path}: font collections (.ttc) are not supported; use a single .ttf font file")
    if magic not in (b"\x00\x01\x00\x00", b"true", b"OTTO") or len(data) < 12:
        raise FontError(f"{path}: not a TrueType font file")
    face = hb.Face(hb.Blob(data))
    tags = set(face.table_tags)
    if "CFF " in tags or "CFF2" in tags:
        raise FontError(
            f"{path}: this font has CFF (PostScript) outlines; formgen embeds TrueType (glyf) fonts only. "
            "Use the TrueType (.ttf) release of the font"
        )
    missing = [t for t in TRUETYPE_TABLES if t not in tags]
    if missing:
        raise FontError(f"{path}: this font lacks the {', '.join(missing)} table(s) a TrueType font needs")
    font = hb.Font(face)
    if not face.unicodes or face.glyph_count == 0:
        raise FontError(f"{path}: the font file is damaged (no glyphs or no Unicode character map)")
    upm = face.upem
    names = hb.OTNameIdPredefined
    family = face.get_name(names.TYPOGRAPHIC_FAMILY) or face.get_name(names.FONT_FAMILY)
    postscript = face.get_name(names.POSTSCRIPT_NAME)
    out = FontFace(
        path=path,
        family=family or path.stem,
        postscript_name=(postscript or path.stem).replace(" ", ""),
        bold=(font.get_style_value(hb.StyleTag.WEIGHT) or 400) >= 600,
        units_per_em=upm,
        ascent=font.get_metric_position(hb.OTMetricsTag.HORIZONTAL_CLIPPING_ASCENT) / upm,
        descent=abs(font.get_metric_position(hb.OTMetricsTag.HORIZONTAL_CLIPPING_DESCENT)) / upm,
        metrics=font,
        glyph_count=face.glyph_count,
        digest=hashlib.sha256(data).hexdigest(),
        harfbuzz=face,
    )
    log.debug("read font %s (%s, pid %d)", path, out.family, os.getpid())
    return out


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


def glyph_problem(face: FontFace, text: str, near: bool = True) -> str | None:
    """Why ``text`` cannot be drawn with ``face`` (naming the character and, with ``near``, the
    text around it), or None if it can."""
    known = face.checked
    if known.issuperset(text):  # no set of the text built: most texts are made of known characters
        return None
    for index, ch in enumerate(text):
        if ch in known:
            continue
        if ch in _IGNORED:
            continue
        reason = unprintable(ch)
        if reason is None and not face.has(ch):
            reason = (
                f"not in the font {face.family} ({face.path.name}); write a character the font has, "
                "or name a font that has it in the layout's fonts"
            )
        if reason is not None:
            name = unicodedata.name(ch, "unnamed")
            context = text[max(0, index - 8) : index + 8].replace("\n", " ")
            said = f"the character {ch!r} U+{ord(ch):04X} {name} is {reason}"
            return f"{said}; near “{context}”" if near else said
        known.add(ch)
    return None
