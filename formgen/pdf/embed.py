"""Embedding TrueType fonts as CID-keyed fonts (Type0 / CIDFontType2, Identity-H).

reportlab embeds TrueType fonts as many single-byte subsets of 256 glyphs,
encodes text character by character, and writes a ToUnicode map that
truncates characters outside the Basic Multilingual Plane (𩸽 U+29E3D comes
back from pdftotext as U+29E3). Here each face becomes one font: text is
encoded as two-byte glyph ids, the ToUnicode map holds UTF-16 (surrogate
pairs included), and the embedded program is a subset without hinting
(:mod:`formgen.pdf.subset`), which halves the size of Japanese outlines.
"""

from __future__ import annotations

import hashlib
import logging
import string
from typing import Any

from reportlab.pdfbase import pdfdoc

from ..fonts import FontFace
from .subset import subset

log = logging.getLogger(__name__)


class EmbeddedFont:
    """One face used in one PDF: encodes text and, at save time, writes the font objects."""

    def __init__(self, face: FontFace, resource: str):
        self.face = face
        self.resource = resource
        """PDF resource name without the slash (F and the start of the font's digest)"""
        self.unicode_of: dict[int, str] = {}
        """glyph id → the text it stands for (for ToUnicode)"""
        self._hex: dict[int, str] = {}
        """code point → its glyph id as four hex digits (a str.translate table)"""

    def encode(self, text: str) -> str:
        """``text`` as a hex string of two-byte glyph ids (characters are checked by the composer)."""
        table = self._hex
        for ch in set(text):
            code = ord(ch)
            if code not in table:
                gid = self.face.cmap.get(code, 0)
                table[code] = f"{gid:04X}"
                self.unicode_of.setdefault(gid, ch)
        return text.translate(table)

    # reportlab calls this when the document is saved (doc.delayedFonts)
    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:  # noqa: N802 - reportlab's name
        gids = sorted(set(self.unicode_of) | {0})
        tag = _subset_tag(self.face.postscript_name, gids)
        base_name = f"{tag}+{self.face.postscript_name}"
        program, new_id = subset(self.face.path, gids)

        font_file = pdfdoc.PDFStream()
        font_file.content = program
        font_file.dictionary["Length1"] = len(program)
        font_file.filters = [pdfdoc.PDFZCompress]
        cid_to_gid = pdfdoc.PDFStream()
        last = max(gids)
        mapping = bytearray(2 * (last + 1))
        for old, new in new_id.items():
            if old <= last:  # components of composite glyphs need no CID of their own
                mapping[2 * old : 2 * old + 2] = new.to_bytes(2, "big")
        cid_to_gid.content = bytes(mapping)
        cid_to_gid.filters = [pdfdoc.PDFZCompress]
        face = self.face
        scale = 1000 / face.units_per_em
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("FontDescriptor"),
                "FontName": pdfdoc.PDFName(base_name),
                "Flags": 4,
                "FontBBox": pdfdoc.PDFArray([0, round(-face.descent * 1000), 1000, round(face.ascent * 1000)]),
                "ItalicAngle": 0,
                "Ascent": round(face.ascent * 1000),
                "Descent": round(-face.descent * 1000),
                "CapHeight": round(face.ascent * 800),
                "StemV": 120 if face.bold else 80,
                "FontFile2": doc.Reference(font_file, f"FontFile:{self.resource}"),
            }
        )
        cid_font = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("CIDFontType2"),
                "BaseFont": pdfdoc.PDFName(base_name),
                "CIDSystemInfo": pdfdoc.PDFDictionary(
                    {"Registry": pdfdoc.PDFString("Adobe"), "Ordering": pdfdoc.PDFString("Identity"), "Supplement": 0}
                ),
                "FontDescriptor": doc.Reference(descriptor, f"FontDescriptor:{self.resource}"),
                "DW": 1000,
                "W": pdfdoc.PDFArray(_widths(face, gids, scale)),
                "CIDToGIDMap": doc.Reference(cid_to_gid, f"CIDToGIDMap:{self.resource}"),
            }
        )
        to_unicode = pdfdoc.PDFStream()
        to_unicode.content = _to_unicode_cmap(self.unicode_of).encode("ascii")
        to_unicode.filters = [pdfdoc.PDFZCompress]
        font = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("Type0"),
                "BaseFont": pdfdoc.PDFName(base_name),
                "Encoding": pdfdoc.PDFName("Identity-H"),
                "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font, f"CIDFont:{self.resource}")]),
                "ToUnicode": doc.Reference(to_unicode, f"ToUnicode:{self.resource}"),
            }
        )
        doc.idToObject["BasicFonts"].dict[self.resource] = doc.Reference(font, f"Font:{self.resource}")
        log.debug("embedded %s: %d glyphs, %d bytes", base_name, len(gids), len(program))


def _subset_tag(name: str, gids: list[int]) -> str:
    """Six capital letters derived from the glyph set: the same subset always gets the same tag."""
    digest = hashlib.sha256((name + ",".join(map(str, gids))).encode()).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])


def _widths(face: FontFace, gids: list[int], scale: float) -> list:
    """The W array for glyphs whose width is not the default 1000: ``first [w1 w2 …]`` runs."""
    out: list[Any] = []
    run_start, run = -2, list[int]()
    for gid in gids:
        width = round(face.glyph_advances[gid] * scale)
        if width == 1000:
            continue
        if gid == run_start + len(run):
            run.append(width)
        else:
            if run:
                out.extend([run_start, pdfdoc.PDFArray(run)])
            run_start, run = gid, [width]
    if run:
        out.extend([run_start, pdfdoc.PDFArray(run)])
    return out


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
        for gid, text in chunk:
            lines.append(f"<{gid:04X}> <{text.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"
