"""What the year's book needs of an output, as JSON (a cache entry, see :mod:`.cache`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from ..book import BookPart
from ..opendata.writer import AreaPart
from ..plan import CellStyle, FontPlan, HeaderFooterPlan, PageSetup
from ..records.model import Numbered
from ..writers.pdf import DrawnPages
from ..writers.pdf.page import PageBody
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
        return {"area": self.part.area, "policy_goal": self.part.policy_goal, "policy": self.part.policy}

    def to_json(self) -> dict[str, Any]:
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
                {name: asdict(font) for name, font in drawn.fonts.items()},
            ],
            "marks": [[list(mark) for mark in body.marks] for body in drawn.pages],
            "images": [body.images for body in drawn.pages],
            "glyphs": drawn.glyphs,
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
    def from_json(cls, value: Any) -> KeptOutput:
        """An output read back, every value checked (ValueError when one is not what it should be)."""
        types = _types()
        part = types["part"].validate_python(value["part"])
        numbered = {k: Numbered.model_construct(number=n, name=name) for k, (n, name) in part["numbered"].items()}
        texts = part["texts"]
        page, header, footer, styles, fonts = types["setup"].validate_python(value["setup"])
        drawn = DrawnPages(page, header, footer, styles, fonts)
        drawn.glyphs = types["glyphs"].validate_python(value["glyphs"])
        drawn.part = from_json(value["objects"])
        marks, images = types["pages"].validate_python([value["marks"], value["images"]])
        drawn.pages = [PageBody(marks=m, images=i) for m, i in zip(marks, images, strict=True)]
        if len(drawn.part.pages) != len(drawn.pages) or not {header.style, footer.style} <= set(styles):
            raise ValueError("its pages or styles disagree")
        book_part = BookPart(
            numbered["area"],
            numbered["policy_goal"],
            numbered["policy"],
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
        "pages": TypeAdapter(tuple[list[list[tuple[str, int, float]]], list[dict[str, str]]]),
        "output": TypeAdapter(tuple[str, str, int, list[str]]),
        "texts": TypeAdapter(dict[str, str]),
        "text": TypeAdapter(str),
        "counts": TypeAdapter(dict[str, int]),
    }
