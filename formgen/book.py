"""A document's book: a cover and a table of contents, then every output of the year, numbered through.

The front matter is an ordinary layout (``layouts/book.yaml``) composed over
the list of outputs, so a city changes its cover and contents in YAML like any
other form. Pages are numbered across the whole book and the PDF outline has
one entry per area holding that area's own sheets and sections — or, for a
document made per project, one entry per area holding one per project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config.load import Config
from .eras import FiscalYear
from .errors import LayoutError
from .layout.bind import Binding
from .layout.load import LoadedLayout, load_layout
from .records.model import Numbered, PolicyArea

BOOK_LAYOUT_FILE = "book.yaml"


@dataclass(frozen=True)
class BookPart:
    """What the book says of one output: small, and made of core types only (it crosses processes)."""

    area: Numbered
    policy_goal: Numbered | None
    policy: Numbered | None
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
    loaded = load_layout(path, fonts_dir, binding, assets_dir=config.folder("assets"))
    if loaded.layout.page.max_pages is not None:  # a limit on one output's pages; a book holds them all
        message = "a book's front matter has no page limit (it lists every output); set max_pages in their layouts"
        raise LayoutError([loaded.place(("page", "max_pages")).issue(message)])
    return loaded
