"""The year's book: a cover and a table of contents, then every area, numbered through.

The front matter is an ordinary layout (``layouts/book.yaml``) composed over
the list of areas, so a city changes its cover and contents in YAML like any
other form. Pages are numbered across the whole book and the PDF outline
has one entry per area, holding that area's own sheets and sections.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .compose import compose
from .config.load import Config
from .config.model import Words
from .eras import FiscalYear
from .layout.bind import Binding
from .layout.load import LoadedLayout, load_layout
from .pdf import Drawn, PdfRenderer
from .records.model import Numbered, PolicyArea

BOOK_LAYOUT_FILE = "book.yaml"


@dataclass(frozen=True)
class BookArea:
    """What the book says of an area: small, and made of core types only (it crosses processes)."""

    area: Numbered
    policy_goal: Numbered
    policy: Numbered
    department: str

    @classmethod
    def of(cls, record: PolicyArea) -> BookArea:
        return cls(record.area, record.policy_goal, record.policy, record.department)


@dataclass(frozen=True)
class BookEntry(BookArea):
    """One line of the table of contents."""

    page: int
    """first page of the area in the book"""


@dataclass
class BookContents:
    """What the front-matter layout can name: the year and the areas with their pages."""

    fiscal_year: FiscalYear
    entries: list[BookEntry]
    _source: Any = None  # not from a data file

    @property
    def area_count(self) -> int:
        return len(self.entries)


def book_layout(path: Path, fonts_dir: Path, config: Config) -> LoadedLayout:
    """The front matter's layout, laid out over :class:`BookContents`."""
    return load_layout(path, fonts_dir, Binding(BookContents, config.texts, config.words))


def _contents(year: FiscalYear, areas: list[tuple[BookArea, Drawn]], first_page: int) -> BookContents:
    entries = []
    page = first_page
    for area, drawn in areas:
        entries.append(BookEntry(area.area, area.policy_goal, area.policy, area.department, page))
        page += len(drawn.pages)
    return BookContents(year, entries)


def render_book(
    front_layout: LoadedLayout, year: FiscalYear, areas: list[tuple[BookArea, Drawn]], words: Words
) -> tuple[bytes, int]:
    """The book's PDF and its page count. ``areas`` are in book order, with their pages as drawn
    for their own PDFs: the book numbers and embeds them again without laying anything out twice."""
    draft = compose(front_layout, _contents(year, areas, 0))  # type: ignore[arg-type]
    front = compose(front_layout, _contents(year, areas, draft.pages + 1))  # type: ignore[arg-type]
    total = front.pages + sum(len(drawn.pages) for _, drawn in areas)
    renderer = PdfRenderer(front.title, front.author, front.subject, front.keywords, front.language)
    renderer.document(front, 1, total)
    page = front.pages + 1
    for entry, drawn in areas:
        title = f"{words.area}{entry.area.number} {entry.area.name}"
        renderer.pages(drawn, page, total, level=1, title=title)
        page += len(drawn.pages)
    return renderer.save(), total
