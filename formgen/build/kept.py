"""What the year's book needs of an output, as JSON (a cache entry, see :mod:`.cache`).

Fonts and pictures are kept by their contents' digests, never by path: read back, each is the
file the current layout uses with those contents (the entry is of no use when there is none),
so a project moved, built from another folder or given other files is never served a path
that names something else.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from ..book import BookPart
from ..layout.load import LoadedLayout
from ..opendata.writer import AreaPart
from ..plan import CellStyle, FontPlan, HeaderFooterPlan, PageSetup
from ..records.model import Numbered
from ..writers.pdf import DrawnPages
from ..writers.pdf.page import PageBody, image_name
from ..writers.pdf.part import from_json, to_json


@dataclass
class KeptOutput:
    """What the book needs of one output, and what the build reports of it."""

    path: str
    place: str
    pages: int
    notes: list[str]
    part: BookPart
    drawn: DrawnPages

    def _numbered(self) -> dict[str, Numbered]:
        """The area, and its policy goal and policy when the data gives them."""
        found = {"area": self.part.area, "policy_goal": self.part.policy_goal, "policy": self.part.policy}
        return {k: v for k, v in found.items() if v is not None}

    def to_json(self, files: LayoutFiles) -> dict[str, Any]:
        """The output as JSON values, its fonts and pictures by content (``files``: its layout's)."""
        drawn = self.drawn
        used = {drawn.header.style, drawn.footer.style}
        return {
            "path": self.path,
            "place": self.place,
            "pages": self.pages,
            "notes": self.notes,
            "part": {
                "numbered": {k: [v.number, v.name] for k, v in self._numbered().items()},
                "texts": {"department": self.part.department, "title": self.part.title, "file": self.part.file},
            },
            "setup": [
                asdict(drawn.page),
                asdict(drawn.header),
                asdict(drawn.footer),
                {name: asdict(style) for name, style in drawn.styles.items() if name in used},
                {name: files.font_by_digest(font) for name, font in drawn.fonts.items()},
            ],
            "marks": [[list(mark) for mark in body.marks] for body in drawn.pages],
            "images": [sorted(body.images) for body in drawn.pages],
            "glyphs": {files.digest_of(path): chars for path, chars in drawn.glyphs.items()},
            "objects": to_json(drawn.part),
        }

    @staticmethod
    def open_data_json(area: tuple[int, int | None], part: AreaPart) -> dict[str, Any]:
        """An area's part of the open data, kept (its texts are UTF-8)."""
        rows = {name: lines.decode("utf-8") for name, lines in part.rows.items()}
        return {"area": list(area), "rows": rows, "counts": part.counts, "record": part.record.decode("utf-8")}

    @staticmethod
    def open_data(value: Any) -> tuple[tuple[int, int | None], AreaPart]:
        """An area's part of the open data read back, every value checked."""
        types = _types()
        rows = types["texts"].validate_python(value["rows"])
        counts = types["counts"].validate_python(value["counts"])
        if set(rows) != set(counts):
            raise ValueError("its tables and counts disagree")
        record = types["text"].validate_python(value["record"])
        part = AreaPart({k: v.encode("utf-8") for k, v in rows.items()}, counts, record.encode("utf-8"))
        return KeptOutput.area(value["area"]), part

    @staticmethod
    def area(value: Any) -> tuple[int, int | None]:
        """The area's number and its line in the data file, as kept."""
        number, line = _types()["area"].validate_python(value)
        return number, line

    @classmethod
    def from_json(cls, value: Any, files: LayoutFiles) -> KeptOutput:
        """An output read back, every value checked, its fonts and pictures the layout's files
        with the kept contents (ValueError when anything is not what it should be)."""
        types = _types()
        part = types["part"].validate_python(value["part"])
        numbered = {k: Numbered.model_construct(number=n, name=name) for k, (n, name) in part["numbered"].items()}
        texts = part["texts"]
        page, header, footer, styles, fonts = types["setup"].validate_python(value["setup"])
        drawn = DrawnPages(page, header, footer, styles, {k: files.font_plan(f) for k, f in fonts.items()})
        glyphs = types["glyphs"].validate_python(value["glyphs"])
        drawn.glyphs = {files.font(digest): chars for digest, chars in glyphs.items()}
        drawn.part = from_json(value["objects"])
        marks, images = types["pages"].validate_python([value["marks"], value["images"]])
        sizes = [*asdict(page).values(), header.size, footer.size, *(y for m in marks for _, _, y in m)]
        if not all(math.isfinite(v) for v in sizes):
            raise ValueError("a size or a bookmark's place is not a number")
        pictures = [{name: files.picture(name) for name in names} for names in images]
        drawn.pages = [PageBody(marks=m, images=i) for m, i in zip(marks, pictures, strict=True)]
        if len(drawn.part.pages) != len(drawn.pages) or not {header.style, footer.style} <= set(styles):
            raise ValueError("its pages or styles disagree")
        book_part = BookPart(
            numbered["area"],
            numbered.get("policy_goal"),
            numbered.get("policy"),
            texts["department"],
            texts["title"],
            texts["file"],
        )
        path, place, pages, notes = types["output"].validate_python(
            [value["path"], value["place"], value["pages"], value["notes"]]
        )
        return cls(path, place, pages, notes, book_part, drawn)


@cache
def _types() -> dict[str, TypeAdapter[Any]]:
    """The shapes a kept output is checked against (made once, when first needed)."""
    numbered = dict[str, tuple[int, str]]
    return {
        "area": TypeAdapter(tuple[int, int | None]),
        "part": TypeAdapter(dict[str, numbered | dict[str, str]]),
        "setup": TypeAdapter(
            tuple[PageSetup, HeaderFooterPlan, HeaderFooterPlan, dict[str, CellStyle], dict[str, FontPlan]]
        ),
        "glyphs": TypeAdapter(dict[str, str]),
        "pages": TypeAdapter(tuple[list[list[tuple[str, int, float]]], list[list[str]]]),
        "output": TypeAdapter(tuple[str, str, int, list[str]]),
        "texts": TypeAdapter(dict[str, str]),
        "text": TypeAdapter(str),
        "counts": TypeAdapter(dict[str, int]),
    }


@dataclass(frozen=True)
class LayoutFiles:
    """The font and picture files of the layout an entry is read for, by their contents."""

    fonts: dict[str, str]
    """digest → font file"""
    pictures: dict[str, str]
    """resource name (from the digest) → picture file"""
    digests: dict[str, str]
    """font file → digest (two files may hold the same font)"""

    @classmethod
    def of(cls, layout: LoadedLayout) -> LayoutFiles:
        fonts = {face.digest: str(face.path) for face in layout.faces.values()}
        pictures = {image_name(p.digest): str(p.path) for p in layout.images.values()}
        return cls(fonts, pictures, {str(face.path): face.digest for face in layout.faces.values()})

    def digest_of(self, path: str) -> str:
        """The digest of one of the layout's font files, as the layout read it."""
        if path not in self.digests:
            raise ValueError(f"{path} is not a font of the layout")
        return self.digests[path]

    def font_by_digest(self, font: FontPlan) -> dict[str, Any]:
        """A font plan as kept: its files by their digests."""
        bold = self.digest_of(font.bold) if font.bold else None
        return {"family": font.family, "regular": self.digest_of(font.regular), "bold": bold}

    def font(self, digest: str) -> str:
        if digest not in self.fonts:
            raise ValueError("a font the layout no longer uses")
        return self.fonts[digest]

    def font_plan(self, kept: FontPlan) -> FontPlan:
        """A kept font plan (digests for paths) with the layout's files."""
        return FontPlan(kept.family, self.font(kept.regular), self.font(kept.bold) if kept.bold else None)

    def picture(self, name: str) -> str:
        if name not in self.pictures:
            raise ValueError("a picture the layout no longer shows")
        return self.pictures[name]
