"""TrueType fonts: metrics for line breaking, glyph coverage checks, and files for embedding.

One font file is read once per process and gives the
advance width of every character: the composer breaks lines with exactly the
widths the PDF will draw with, and every character is checked against the
font before anything is drawn.
"""

from __future__ import annotations

import hashlib
import logging
import struct
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
    digest: str
    """sha256 of the file: names the font in PDFs and in build fingerprints"""
    _advance_cache: dict[str, float] = field(default_factory=dict, repr=False)
    _printable: set[str] = field(default_factory=set, repr=False)
    """characters already checked: printable and in the font"""

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


@dataclass(frozen=True)
class FontFile:
    """A font file's tables by tag, and the digest of its bytes."""

    tables: dict[str, bytes]
    digest: str


def read_tables(path: Path) -> dict[str, bytes]:
    """The tables of a TrueType/OpenType file by tag."""
    return read_font_file(path.resolve()).tables


@lru_cache(maxsize=32)
def read_font_file(path: Path) -> FontFile:
    """Read and split a font file, once per process: metrics, subsetting and digests share it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FontError(f"{path}: font file not found") from None
    except OSError as exc:
        raise FontError(f"{path}: cannot read the font file: {exc.strerror}") from None
    magic = data[:4]
    if magic == b"ttcf":
        raise FontError(f"{path}: font collections (.ttc) are not supported; use a single .ttf font file")
    if magic not in (b"\x00\x01\x00\x00", b"true", b"OTTO") or len(data) < 12:
        raise FontError(f"{path}: not a TrueType font file")
    try:
        (count,) = struct.unpack_from(">H", data, 4)
        tables = {}
        for i in range(count):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if offset + length > len(data):
                raise ValueError("table outside the file")
            tables[tag.decode("latin-1")] = data[offset : offset + length]
    except (struct.error, ValueError):
        raise FontError(f"{path}: the font file is damaged") from None
    return FontFile(tables, hashlib.sha256(data).hexdigest())


@lru_cache(maxsize=32)
def _read_face(path: Path) -> FontFace:
    file = read_font_file(path)
    tables = file.tables
    if "CFF " in tables or "CFF2" in tables:
        raise FontError(
            f"{path}: this font has CFF (PostScript) outlines; formgen embeds TrueType (glyf) fonts only. "
            "Use the TrueType (.ttf) release of the font"
        )
    missing = [t for t in ("glyf", "loca", "head", "hhea", "hmtx", "maxp", "cmap", "OS/2") if t not in tables]
    if missing:
        raise FontError(f"{path}: this font lacks the {', '.join(missing)} table(s) a TrueType font needs")
    try:
        head, os2 = tables["head"], tables["OS/2"]
        (upm,) = struct.unpack_from(">H", head, 18)
        (mac_style,) = struct.unpack_from(">H", head, 44)
        (weight,) = struct.unpack_from(">H", os2, 4)
        win_ascent, win_descent = struct.unpack_from(">HH", os2, 74)
        (glyphs,) = struct.unpack_from(">H", tables["maxp"], 4)
        advances = _advances(tables["hhea"], tables["hmtx"], glyphs)
        cmap = _cmap(tables["cmap"])
        family, postscript = _names(tables.get("name", b""))
    except (struct.error, ValueError, IndexError):
        raise FontError(f"{path}: the font file is damaged") from None
    face = FontFace(
        path=path,
        family=family or path.stem,
        postscript_name=(postscript or path.stem).replace(" ", ""),
        bold=bool(mac_style & 1) or weight >= 600,
        units_per_em=upm,
        ascent=win_ascent / upm,
        descent=win_descent / upm,
        cmap=cmap,
        glyph_advances=advances,
        digest=file.digest,
    )
    log.debug("read font %s (%s, %d characters)", path, face.family, len(face.cmap))
    return face


def _advances(hhea: bytes, hmtx: bytes, glyphs: int) -> list[int]:
    (long_metrics,) = struct.unpack_from(">H", hhea, 34)
    pairs = struct.unpack_from(f">{2 * long_metrics}H", hmtx, 0)
    advances = list(pairs[0::2])
    return advances + [advances[-1]] * (glyphs - long_metrics)


def _cmap(table: bytes) -> dict[int, int]:
    """Code point → glyph id, from the best Unicode subtable (format 12, else 4)."""
    (count,) = struct.unpack_from(">H", table, 2)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * i)
        subtables[(platform, encoding)] = offset
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
        offset = subtables.get(key)
        if offset is None:
            continue
        (fmt,) = struct.unpack_from(">H", table, offset)
        if fmt == 12:
            return _cmap12(table, offset)
        if fmt == 4:
            return _cmap4(table, offset)
    raise ValueError("no Unicode character map")


def _cmap12(table: bytes, offset: int) -> dict[int, int]:
    (groups,) = struct.unpack_from(">I", table, offset + 12)
    out: dict[int, int] = {}
    for start, end, glyph in struct.iter_unpack(">III", table[offset + 16 : offset + 16 + 12 * groups]):
        out.update(zip(range(start, end + 1), range(glyph, glyph + end - start + 1), strict=True))
    return out


def _cmap4(table: bytes, offset: int) -> dict[int, int]:
    (seg_x2,) = struct.unpack_from(">H", table, offset + 6)
    segs = seg_x2 // 2
    base = offset + 14
    ends = struct.unpack_from(f">{segs}H", table, base)
    starts = struct.unpack_from(f">{segs}H", table, base + seg_x2 + 2)
    deltas = struct.unpack_from(f">{segs}h", table, base + 2 * seg_x2 + 2)
    range_at = base + 3 * seg_x2 + 2
    ranges = struct.unpack_from(f">{segs}H", table, range_at)
    out: dict[int, int] = {}
    for i in range(segs):
        start, end, delta, rng = starts[i], ends[i], deltas[i], ranges[i]
        if start == 0xFFFF:
            continue
        for code in range(start, end + 1):
            if rng == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_at + 2 * i + rng + 2 * (code - start)
                (glyph,) = struct.unpack_from(">H", table, at)
                if glyph:
                    glyph = (glyph + delta) & 0xFFFF
            if glyph:
                out[code] = glyph
    return out


def _names(table: bytes) -> tuple[str | None, str | None]:
    """(English family name, PostScript name) from the name table."""
    if len(table) < 6:
        return None, None
    count, strings = struct.unpack_from(">HH", table, 2)
    found: dict[int, str] = {}
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack_from(">6H", table, 6 + 12 * i)
        raw = table[strings + offset : strings + offset + length]
        if platform == 3 and encoding in (1, 10) and language == 0x409:
            found[name_id] = raw.decode("utf-16-be", "replace")
        elif platform == 1 and encoding == 0 and name_id not in found:
            found[name_id] = raw.decode("latin-1")
    return found.get(16) or found.get(1), found.get(6)


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
    known = face._printable
    new = set(text) - known
    if not new:
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
            return f"the character {ch!r} U+{ord(ch):04X} {name} is {reason}; near “{context}”"
        known.add(ch)
    return None
