"""Embedding TrueType fonts as CID-keyed fonts (Type0 / CIDFontType2, Identity-H).

Each face used in a PDF becomes one font: text is encoded as two-byte glyph
ids, the ToUnicode map holds UTF-16 (surrogate pairs included, so 𩸽 U+29E3D
extracts whole), and the embedded program is a subset without hinting
(:mod:`formgen.writers.pdf.subset`), which halves the size of Japanese outlines.
What PDF/A asks of fonts holds: embedded, with widths matching the program,
a CIDToGIDMap, and a ToUnicode map for every glyph shown.
"""

from __future__ import annotations

import hashlib
import logging
import string
from typing import TYPE_CHECKING

import deflate

from ...errors import FontError
from ...fonts import FontFace
from ...memo import Table
from .subset import subset
from .syntax import name, ref

if TYPE_CHECKING:
    from .stream import PdfStream

log = logging.getLogger(__name__)

COMPRESSION = 6
"""compression level of every stream formgen writes (libdeflate's 1-12; see :func:`compressed`)"""


def compressed(data: bytes | bytearray) -> bytes:
    """``data`` Flate-compressed (the zlib format PDF reads), by libdeflate: at level 6 it makes
    a synthetic area's streams 2.4 % smaller than zlib's level 6 in less than half the time
    (libdeflate's level 9: 1 % smaller still, as slow as zlib's 6)."""
    return bytes(deflate.zlib_compress(data, COMPRESSION))


def compressed_ops(ops: str) -> bytes:
    """Page operators (ASCII, but for the glyph codes inside literal strings: one latin-1 character
    a byte) as a content stream's data."""
    return compressed(ops.encode("latin-1"))


SMALL_STREAM = 256
"""operators shorter than this are stored as they are (a running header or footer: ~130 bytes)"""


def content_stream(ops: str) -> tuple[bytes, bytes]:
    """A content stream's dictionary entries and data: compressed, unless the operators are so
    few that compressing them saves less than naming the filter costs (a page's footer: 132
    bytes, 127 compressed, plus 19 for /Filter/FlateDecode), and takes longer than all the rest
    of writing them (libdeflate sets up its compressor for each stream: ~14 µs)."""
    data = ops.encode("latin-1")
    if len(data) < SMALL_STREAM:
        return b"", data
    return b"/Filter/FlateDecode", compressed(data)


_LITERAL = [{"(": "\\(", ")": "\\)", "\\": "\\\\", "\r": "\\r"}.get(chr(b), chr(b)) for b in range(256)]
"""each byte as it is written inside a literal string: brackets and backslash escaped, and a
carriage return, which a reader would otherwise take for a line feed"""


_UNSEEN = "\u0100"
"""what an unseen character of the first 256 translates to: outside Latin-1, like any other"""


class EmbeddedFont:
    """One face used in one PDF: encodes text and, when the PDF is written, makes the font objects."""

    def __init__(self, face: FontFace, resource: str):
        self.face = face
        self.resource = resource
        """PDF resource name without the slash (F and the start of the font's digest)"""
        self.unicode_of: dict[int, str] = {}
        """glyph id → the text it stands for (for ToUnicode)"""
        self._codes: dict[int, str] = dict.fromkeys(range(256), _UNSEEN)
        """code point → its glyph id as two bytes of a literal string (a str.translate table); a
        character of the first 256 not yet seen maps to one outside them, as any other unseen
        character stays"""
        self._seen: set[str] = set()
        """the characters with a code in ``_codes``"""

    def encode(self, text: str) -> str:
        """``text`` as a PDF literal string of two-byte glyph ids, brackets included (characters
        are checked by the composer). Literal rather than hex: half the characters, and page
        streams some 2 % smaller compressed.

        Translated first, then checked: every character had its code exactly when the result
        fits in Latin-1 (a C copy), which is cheaper than asking a set about each character."""
        encoded = text.translate(self._codes)
        try:
            encoded.encode("latin-1")
        except UnicodeEncodeError:  # characters not seen before in this PDF
            self._learn(text)
            encoded = text.translate(self._codes)
        return f"({encoded})"

    def _learn(self, text: str) -> None:
        """Codes for the characters of ``text`` not seen before, in the order they come (two
        characters drawn with one glyph: the first names it in ToUnicode, whatever the hash seed)."""
        for ch in sorted(set(text).difference(self._seen), key=text.index):
            gid = self.face.glyph_id(ord(ch))
            if gid == 0:  # the composer checks every text against the font: this is a bug's backstop
                face = self.face
                raise FontError(
                    f"{face.path}: the character {ch!r} U+{ord(ch):04X} is not in the font {face.family}, "
                    "and would print as nothing"
                )
            self._seen.add(ch)
            self._codes[ord(ch)] = _LITERAL[gid >> 8] + _LITERAL[gid & 0xFF]
            self.unicode_of.setdefault(gid, ch)

    def write(self, out: PdfStream) -> int:
        """Write the font's objects into ``out``; returns the number of its Type0 font dictionary."""
        gids = sorted(set(self.unicode_of) | {0})
        face = self.face
        base_name = name(f"{_subset_tag(face.postscript_name, gids)}+{face.postscript_name}")
        program, new_id = subset(face.path, gids)
        last = max(gids)
        mapping = bytearray(2 * (last + 1))
        for old, new in new_id.items():
            if old <= last:  # components of composite glyphs need no CID of their own
                mapping[2 * old : 2 * old + 2] = new.to_bytes(2, "big")
        scale = 1000 / face.units_per_em
        ascent, descent = round(face.ascent * 1000), round(-face.descent * 1000)
        stem = 120 if face.bold else 80
        file, descriptor, cid_map, cid_font, to_unicode, font = (out.reserve() for _ in range(6))
        out.put_stream(file, b"/Filter/FlateDecode/Length1 %d" % len(program), compressed(program))
        out.put(
            descriptor,
            b"<</Type/FontDescriptor/FontName %s/Flags 4/FontBBox[0 %d 1000 %d]/ItalicAngle 0/Ascent %d"
            b"/Descent %d/CapHeight %d/StemV %d/FontFile2 %s>>"
            % (base_name, descent, ascent, ascent, descent, round(face.ascent * 800), stem, ref(file)),
        )
        out.put_stream(cid_map, b"/Filter/FlateDecode", compressed(bytes(mapping)))
        out.put(
            cid_font,
            b"<</Type/Font/Subtype/CIDFontType2/BaseFont %s/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)"
            b"/Supplement 0>>/FontDescriptor %s/DW 1000/W%s/CIDToGIDMap %s>>"
            % (base_name, ref(descriptor), _widths(face, gids, scale), ref(cid_map)),
        )
        out.put_stream(
            to_unicode, b"/Filter/FlateDecode", compressed(_to_unicode_cmap(self.unicode_of).encode("ascii"))
        )
        out.put(
            font,
            b"<</Type/Font/Subtype/Type0/BaseFont %s/Encoding/Identity-H/DescendantFonts[%s]/ToUnicode %s>>"
            % (base_name, ref(cid_font), ref(to_unicode)),
        )
        log.debug("embedded %s: %d glyphs, %d bytes", base_name.decode(), len(gids), len(program))
        return font


def _subset_tag(name: str, gids: list[int]) -> str:
    """Six capital letters derived from the glyph set: the same subset always gets the same tag."""
    digest = hashlib.sha256((name + ",".join(map(str, gids))).encode()).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])


def _widths(face: FontFace, gids: list[int], scale: float) -> bytes:
    """The W array for glyphs whose width is not the default 1000: ``first [w1 w2 …]`` runs."""
    out: list[bytes] = []
    run_start, run = -2, list[int]()
    for gid in gids:
        width = round(face.advance(gid) * scale)
        if width == 1000:
            continue
        if gid == run_start + len(run):
            run.append(width)
        else:
            if run:
                out.append(b"%d[%s]" % (run_start, b" ".join(b"%d" % w for w in run)))
            run_start, run = gid, [width]
    if run:
        out.append(b"%d[%s]" % (run_start, b" ".join(b"%d" % w for w in run)))
    return b"[" + b" ".join(out) + b"]"


_BFCHAR: Table[tuple[int, str], str] = Table(
    lambda entry: f"<{entry[0]:04X}> <{entry[1].encode('utf-16-be').hex().upper()}>"
)
"""(glyph id, text) → its line of a ToUnicode map, made once per process: every area's PDF
maps most of the same characters of the same fonts (~1,000 lines a font, 0.8 ms an area)"""


def _to_unicode_cmap(unicode_of: dict[int, str]) -> str:
    entries = sorted(unicode_of.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += map(_BFCHAR.__getitem__, chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"
