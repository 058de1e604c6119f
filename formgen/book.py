"""A document's book: a cover and a table of contents, then every output of the year, numbered through.

The front matter is an ordinary layout (``layouts/book.yaml``) composed over
the list of outputs, so a city changes its cover and contents in YAML like any
other form. Pages are numbered across the whole book and the PDF outline has
one entry per area holding that area's own sheets and sections — or, for a
document made per project, one entry per area holding one per project.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .compose import compose
from .config.load import Config
from .config.model import Words
from .eras import FiscalYear
from .layout.bind import Binding
from .layout.load import LoadedLayout, load_layout
from .records.model import Numbered, PolicyArea
from .writers.pdf import DrawnPages, PdfRenderer
from .writers.pdf.merge import BookWriter

BOOK_LAYOUT_FILE = "book.yaml"


@dataclass(frozen=True)
class BookPart:
    """What the book says of one output: small, and made of core types only (it crosses processes)."""

    area: Numbered
    policy_goal: Numbered
    policy: Numbered
    department: str
    """the area's 主管部局・課"""
    title: str
    """the output's title: its bookmark and its line in the contents"""
    file: str
    """the output's file name, without extension"""

    @classmethod
    def of(cls, record: PolicyArea, title: str, file: str) -> BookPart:
        return cls(record.area, record.policy_goal, record.policy, record.department, title, file)


@dataclass(frozen=True)
class BookEntry(BookPart):
    """One line of the table of contents."""

    page: int
    """first page of the output in the book"""


@dataclass
class BookContents:
    """What the front-matter layout can name: the year and the areas with their pages."""

    fiscal_year: FiscalYear
    entries: list[BookEntry]

    @property
    def area_count(self) -> int:
        return len(self.entries)


def book_layout(path: Path, fonts_dir: Path, config: Config) -> LoadedLayout:
    """The front matter's layout, laid out over :class:`BookContents`."""
    binding = Binding(BookContents, config.texts, config.words)
    return load_layout(path, fonts_dir, binding, assets_dir=config.folder("assets"))


def _contents(year: FiscalYear, parts: list[tuple[BookPart, DrawnPages]], first_page: int) -> BookContents:
    entries = []
    page = first_page
    for part, drawn in parts:
        entries.append(BookEntry(**vars(part), page=page))
        page += len(drawn.pages)
    return BookContents(year, entries)


def write_book(
    front_layout: LoadedLayout,
    year: FiscalYear,
    parts: list[tuple[BookPart, DrawnPages]],
    words: Words,
    out: BinaryIO,
    per_item: bool = False,
) -> int:
    """Write the book's PDF to ``out``; returns its page count. ``parts`` are in book order, each
    with its own PDF already written (``DrawnPages.pdf``): the book copies their pages and
    structure one at a time, with the book's page numbers. With ``per_item`` (outputs made per
    project), each area's bookmark holds one per output."""
    draft = compose(front_layout, _contents(year, parts, 0))
    front = compose(front_layout, _contents(year, parts, draft.pages + 1))
    total = front.pages + sum(len(drawn.pages) for _, drawn in parts)
    contents = _contents(year, parts, front.pages + 1)
    info = (front.title, front.author, front.subject, front.keywords, front.language)
    cover = PdfRenderer(*info, named_links=True)
    drawn_front = cover.document(front, 1, total, links={i: entry.page for i, entry in enumerate(contents.entries)})
    book = BookWriter(out, PdfRenderer(*info), total)
    book.add(drawn_front, io.BytesIO(cover.save()), [], 0)
    area = None
    for part, drawn in parts:
        assert drawn.pdf is not None, "an output's PDF is written before its book"
        area_title = f"{words.area}{part.area.number} {part.area.name}"
        if not per_item:
            book.add(drawn, drawn.pdf, [area_title], 1)
        else:
            titles = [area_title, part.title] if part.area != area else [part.title]
            book.add(drawn, drawn.pdf, titles, 2)
        area = part.area
    book.finish()
    return total
