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

from .compose import compose
from .config.load import Config
from .config.model import Words
from .eras import FiscalYear
from .layout.bind import Binding
from .layout.load import LoadedLayout, load_layout
from .records.model import Numbered, PolicyArea
from .writers.pdf import DrawnPages, PdfRenderer
from .writers.pdf.merge import PartsWriter
from .writers.pdf.stream import Writable

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


class BookBuilder:
    """A book written as its parts come: :meth:`add` each output's pages in book order (while
    later areas are still being made), then :meth:`finish` composes the front matter, which
    needs every part's page count, and puts it first."""

    def __init__(self, front_layout: LoadedLayout, year: FiscalYear, words: Words, out: Writable, per_item: bool):
        self.front_layout = front_layout
        self.year = year
        self.words = words
        self.per_item = per_item
        self.parts: list[tuple[BookPart, int]] = []
        """each part and its page count"""
        # the renderer gathers the book's fonts and draws its running text; the document's title
        # and language are the front matter's, known at the end
        self.writer = PartsWriter(out, PdfRenderer("", "", "", [], ""))
        self._area: Numbered | None = None

    def add(self, part: BookPart, drawn: DrawnPages) -> None:
        """The next output in book order, as drawn (its part holds its pages and structure)."""
        area_title = f"{self.words.area}{part.area.number} {part.area.name}"
        if not self.per_item:
            self.writer.add(drawn, [area_title], 1)
        else:
            titles = [area_title, part.title] if part.area != self._area else [part.title]
            self.writer.add(drawn, titles, 2)
        self._area = part.area
        self.parts.append((part, len(drawn.pages)))

    def finish(self) -> int:
        """Compose and add the front matter (the contents link to pages now known); returns the
        book's page count."""
        draft = compose(self.front_layout, _contents(self.year, self.parts, 0))
        front = compose(self.front_layout, _contents(self.year, self.parts, draft.pages + 1))
        contents = _contents(self.year, self.parts, front.pages + 1)
        info = (front.title, front.author, front.subject, front.keywords, front.language)
        cover = PdfRenderer(*info)
        links = {i: entry.page for i, entry in enumerate(contents.entries)}
        self.writer.add(cover.document(front, links=links), [], 0, front=True)
        return self.writer.finish(cover.info)


def _contents(year: FiscalYear, parts: list[tuple[BookPart, int]], first_page: int) -> BookContents:
    entries = []
    page = first_page
    for part, pages in parts:
        entries.append(BookEntry(**vars(part), page=page))
        page += pages
    return BookContents(year, entries)
