"""A PDF written as its parts come: an area's own PDF (one part), or the year's book.

A part (:mod:`.part`) is a document's pages and structure as objects with their
references left open; here each is given its numbers in this PDF and written out
at once (:mod:`.stream`), so the book's memory is that of its largest part. The
pages get this PDF's page numbers in their running header and footer and one
set of fonts and pictures for the whole file; a part's structure goes in whole
under a Part of the Document (the book) or straight into it (an area's PDF).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TYPE_CHECKING

from .archive import DocumentInfo, info_dictionary, metadata_stream, output_intent
from .assemble import Bookmark, image_object, nest
from .embed import content_stream
from .part import FIRST_FURNITURE, LINK_NAME, PdfPart
from .stream import PdfStream, Writable
from .syntax import name, number, ref, text

if TYPE_CHECKING:
    from .writer import DrawnPages, PdfRenderer


class PartsWriter:
    """Writes a PDF to ``out``: :meth:`add` each part in order, then :meth:`finish`."""

    def __init__(self, out: Writable, renderer: PdfRenderer, background: bool = False):
        self.stream = PdfStream(out, background)
        """``background``: object streams compressed by a thread of its own (see :class:`PdfStream`)"""
        self.renderer = renderer
        """the book's fonts (every part's glyphs and the book's page numbers) and running text"""
        self.pages_node = self.stream.reserve()
        self.resources = self.stream.reserve()
        self.document = self.stream.reserve()
        self.front = _Section()
        self.body = _Section()
        """the parts, added as they come (while later ones are still being made), and the front
        matter, added last but first in the book"""
        self.parents: list[tuple[int, int]] = []
        """parent-tree key → its value's object number"""
        self.annotation_parents: list[tuple[int, bytes]] = []
        self.next_key = 0
        """the next parent-tree key (pages and annotations alike: any unique number will do)"""
        self.images: dict[str, str] = {}
        self.ids: list[int] = []
        """the structure elements with an identifier (their object number names them)"""
        self.shared: dict[str, int] = {}
        """a running header or footer without page numbers (its operators) → the one object that
        draws it, compressed once"""
        self.links: set[int] = set()
        """book pages that the contents link to (named destinations)"""

    # ----- parts

    def add(self, drawn: DrawnPages, titles: list[str], level: int, front: bool = False) -> None:
        """One part, as drawn (``drawn.part`` its objects, ``drawn.pages`` their bookmarks and
        pictures); ``titles`` are bookmarks at its first page, outermost first, the last of them
        titling its Part (no titles: its structure goes straight into the Document). Parts come
        in order; the ``front`` matter comes last but goes first."""
        section = self.front if front else self.body
        part = drawn.part
        self.renderer.register(drawn.glyphs)
        base = self.stream.reserve_many(part.size)
        key_base = self.next_key
        self.next_key += part.keys
        parent = self.stream.reserve() if titles else self.document
        headers, own_headers = self._running(drawn, True, len(part.pages))
        footers, own_footers = self._running(drawn, False, len(part.pages))
        host = [self.pages_node, self.resources, parent, *chain.from_iterable(zip(headers, footers, strict=True))]
        assert len(host) == FIRST_FURNITURE + 2 * len(part.pages)
        _put_all(self.stream, part, base, key_base, host)
        numbers = [base + n for n in part.pages]
        for index, body in enumerate(drawn.pages):
            section.marks.extend(self._bookmarks(drawn, body.marks, index, titles, level, numbers[index]))
            self.images.update(body.images)
        # what the running header and footer need at the end, not the part: a year's book would
        # otherwise hold every area's objects until it is finished (some 0.5 MB an area)
        used = (drawn.header.style, drawn.footer.style)
        styles = {name: style for name, style in drawn.styles.items() if name in used}
        running = replace(drawn, pages=[], part=PdfPart(), glyphs={}, styles=styles)
        section.furniture.extend(
            (running, h if own_headers else None, f if own_footers else None)
            for h, f in zip(headers, footers, strict=True)
        )
        section.pages.extend(numbers)
        kids = [base + n for n in part.top]
        if titles:
            entries = b"/S/Part/P %s/T %s/K[%s]" % (
                ref(self.document),
                text(titles[-1]),
                b" ".join(ref(k) for k in kids),
            )
            self.stream.put(parent, b"<<" + entries + b">>")
            section.structure.append(parent)
        else:
            section.structure.extend(kids)
        self.parents.extend((key_base + i, base + n) for i, n in enumerate(part.page_parents))
        self.annotation_parents.extend((key_base + k, ref(base + n)) for k, n in part.annotation_parents)
        self.links.update(part.links)
        self.ids.extend(base + n for n in part.ids)

    def _running(self, drawn: DrawnPages, top: bool, pages: int) -> tuple[list[int], bool]:
        """The objects of the pages' running header (``top``) or footer, and whether they are the
        pages' own: each page's when it shows the page number (written at the end, when the count
        is known), else one for every page that shows the same text, written at once."""
        if self.renderer.paged(drawn, top):
            return [self.stream.reserve() for _ in range(pages)], True
        ops = self.renderer.running(drawn, top)
        number = self.shared.get(ops)
        if number is None:
            number = self.shared[ops] = self.stream.reserve()
            self.stream.put_stream(number, *content_stream(ops))
        return [number] * pages, False

    def _bookmarks(
        self,
        drawn: DrawnPages,
        marks: list[tuple[str, int, float]],
        index: int,
        titles: list[str],
        level: int,
        page: int,
    ) -> list[Bookmark]:
        out = []
        if index == 0 and titles:
            for depth, title in enumerate(titles, start=level - len(titles)):
                out.append(Bookmark(title, depth, page, drawn.page.height))
        for title, mark_level, y in marks:
            if index == 0 and titles and mark_level == 0 and title == titles[-1]:
                continue  # a sheet titled as the output it belongs to: one bookmark is enough
            out.append(Bookmark(title, level + mark_level, page, y))
        return out

    # ----- the book's own objects

    def finish(self, info: DocumentInfo) -> int:
        """Write the running headers and footers, fonts, structure root, outline and catalog (its
        title and language: ``info``); returns the book's page count."""
        stream = self.stream
        order = self.front.pages + self.body.pages
        total = len(order)
        furniture = self.front.furniture + self.body.furniture
        for page, (drawn, header, footer) in enumerate(furniture, start=1):
            for own, top in ((header, True), (footer, False)):
                if own is not None:
                    ops = self.renderer.running(drawn, top, page, total)
                    stream.put_stream(own, *content_stream(ops))
        kids = b" ".join(ref(n) for n in order)
        stream.put(self.pages_node, b"<</Type/Pages/Count %d/Kids[%s]>>" % (total, kids))
        metadata, intent = self._resources(info)
        structure = b" ".join(ref(n) for n in self.front.structure + self.body.structure)
        root_tree = stream.reserve()
        title = text(info.title)
        document = b"<</S/Document/P %s/T %s/K[%s]>>" % (ref(root_tree), title, structure)
        stream.put(self.document, document)
        nums = sorted([(key, ref(holder)) for key, holder in self.parents] + self.annotation_parents)
        parent_tree = stream.reserve()
        stream.put(parent_tree, b"<</Nums[%s]>>" % b" ".join(b"%d %s" % pair for pair in nums))
        # the elements' identifiers, in the byte order a name tree keeps
        ids = sorted((b"(t%d)" % n, ref(n)) for n in self.ids)
        id_tree = b"/IDTree<</Names[%s]>>" % b" ".join(b"%s %s" % pair for pair in ids) if ids else b""
        stream.put(
            root_tree,
            b"<</Type/StructTreeRoot/K %s/ParentTree %s/ParentTreeNextKey %d%s>>"
            % (ref(self.document), ref(parent_tree), self.next_key, id_tree),
        )
        catalog = stream.reserve()
        entries = [
            b"/Type/Catalog/Pages %s/StructTreeRoot %s" % (ref(self.pages_node), ref(root_tree)),
            b"/MarkInfo<</Marked true>>/Lang %s" % text(info.language),
            b"/ViewerPreferences<</DisplayDocTitle true>>/PageLabels<</Nums[0<</S/D>>]>>",
            b"/Metadata %s/OutputIntents[%s]" % (ref(metadata), ref(intent)),
        ]
        marks = self.front.marks + self.body.marks
        if marks:
            entries.append(b"/Outlines %s/PageMode/UseOutlines" % ref(self._outline(marks)))
        if self.links:
            names = b" ".join(
                text(LINK_NAME.format(n)) + b"[%s/Fit]" % ref(order[n - 1])
                for n in sorted(self.links, key=lambda n: LINK_NAME.format(n).encode())  # a name tree's order
            )
            entries.append(b"/Names<</Dests<</Names[%s]>>>>" % names)
        stream.put(catalog, b"<<" + b"".join(entries) + b">>")
        info_number = stream.reserve()
        stream.put(info_number, info_dictionary(info))
        stream.finish(catalog, info_number)
        return total

    def _resources(self, info: DocumentInfo) -> tuple[int, int]:
        """The fonts (every glyph of the file), pictures, XMP and output intent; returns the
        numbers of the metadata and the output intent."""
        out = self.stream
        fonts = sorted(self.renderer.fonts.values(), key=lambda f: f.resource)
        entries = b"/Font<<%s>>" % b"".join(name(f.resource) + b" " + ref(f.write(out)) for f in fonts)
        if self.images:
            pictures = b"".join(name(n) + b" " + ref(image_object(out, self.images[n])) for n in sorted(self.images))
            entries += b"/XObject<<%s>>" % pictures
        out.put(self.resources, b"<<" + entries + b">>")
        return metadata_stream(out, info), output_intent(out)

    def _outline(self, marks: list[Bookmark]) -> int:
        outline = self.stream.reserve()
        first, last, count = self._outline_items(outline, nest(marks), top=True)
        self.stream.put(outline, b"<</Type/Outlines/First %s/Last %s/Count %d>>" % (ref(first), ref(last), count))
        return outline

    def _outline_items(self, parent: int, marks: list[Bookmark], top: bool = False) -> tuple[int, int, int]:
        """Write ``marks`` under ``parent``; returns (first, last, count shown)."""
        numbers = [self.stream.reserve() for _ in marks]
        count = len(marks)
        for i, (mark, item) in enumerate(zip(marks, numbers, strict=True)):
            dest = b"[%s/XYZ 0 %s 0]" % (ref(mark.page), number(mark.y))
            entries = [b"/Title %s/Parent %s/Dest %s" % (text(mark.title), ref(parent), dest)]
            if i > 0:
                entries.append(b"/Prev %s" % ref(numbers[i - 1]))
            if i + 1 < len(numbers):
                entries.append(b"/Next %s" % ref(numbers[i + 1]))
            if mark.kids:
                first, last, shown = self._outline_items(item, mark.kids)
                closed = mark.level >= 1  # deeper levels start closed
                entries.append(b"/First %s/Last %s/Count %d" % (ref(first), ref(last), -shown if closed else shown))
                count += 0 if closed else shown
            self.stream.put(item, b"<<" + b"".join(entries) + b">>")
        return numbers[0], numbers[-1], count


@dataclass
class _Section:
    """Pages, structure, bookmarks and running text of the front matter or of the parts."""

    pages: list[int] = field(default_factory=list)
    structure: list[int] = field(default_factory=list)
    marks: list[Bookmark] = field(default_factory=list)
    furniture: list[tuple[DrawnPages, int | None, int | None]] = field(default_factory=list)
    """per page: what its header and footer say, and the numbers set aside for them (none for one
    shared with other pages, already written)"""


def _put_all(stream: PdfStream, part: PdfPart, base: int, key_base: int, host: list[int]) -> None:
    """A part's objects, numbered from ``base + 1`` (the hot path of a year's book)."""
    stream.put_many(part.placed(base, key_base, host))
    for n, entries, data in part.streams:
        stream.put_stream(base + n, entries, data)
