"""A document's book written as its parts come: each output's pages, then the front matter first."""

from __future__ import annotations

from .book import BookContents, BookEntry, BookPart
from .compose import compose
from .config.model import Words
from .eras import FiscalYear
from .layout.load import LoadedLayout
from .records.model import Numbered
from .writers.pdf import DrawnPages, PdfRenderer
from .writers.pdf.merge import PartsWriter
from .writers.pdf.stream import Writable


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
        self.writer = PartsWriter(out, PdfRenderer("", "", "", [], ""), background=True)
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
