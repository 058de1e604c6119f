"""The year's book written as it is gathered: the front matter, then every output's own PDF.

Each part is a tagged PDF already written (the front matter is made here, the
outputs were written by the workers); its pages get the book's page numbers in
their running header and footer, one set of fonts and pictures for the whole
book, and its structure goes in whole under a Part of the book's Document, with
its parent tree renumbered. Parts are read from disk one at a time and written
out at once (:mod:`.stream`), so the book's memory is that of its largest part.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf
from pikepdf import Dictionary

from .archive import DocumentInfo, info_dictionary, metadata_stream, output_intent
from .assemble import LINK_NAME, Bookmark, image_object, linked_page, nest
from .embed import COMPRESSION
from .stream import Copier, PdfStream, Writable, ref, scalar
from .writer import DrawnPages, PdfRenderer


class BookWriter:
    """Writes a book to ``out``: :meth:`add` each part in order, then :meth:`finish`."""

    def __init__(self, out: Writable, renderer: PdfRenderer):
        self.stream = PdfStream(out)
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
        self.links: set[int] = set()
        """book pages that the contents link to (named destinations)"""

    # ----- parts

    def add(self, drawn: DrawnPages, pdf: Path | BinaryIO, titles: list[str], level: int, front: bool = False) -> None:
        """One part: ``pdf`` holds its pages and structure as drawn (``drawn`` their bookmarks,
        characters and pictures); ``titles`` are bookmarks at its first page, outermost first,
        the last of them titling its Part (no titles: its structure goes straight into the
        Document). Parts come in book order; the ``front`` matter comes last but goes first."""
        section = self.front if front else self.body
        self.renderer.register(drawn.glyphs)
        with pikepdf.open(pdf) as source:
            pages = list(source.pages)
            tree = source.Root.StructTreeRoot
            top = tree.K
            part = self.stream.reserve() if titles else self.document
            numbers = [self.stream.reserve() for _ in pages]
            keys = [self._key() for _ in pages]
            known = {page.obj.objgen: number for page, number in zip(pages, numbers, strict=True)}
            known[top.objgen] = part
            annotation_keys: dict[int, int] = {}
            copier = Copier(self.stream, known, self._rewrite(keys, annotation_keys))
            for index, (page, body) in enumerate(zip(pages, drawn.pages, strict=True)):
                section.marks.extend(self._bookmarks(drawn, body.marks, index, titles, level, numbers[index]))
                self.images.update(body.images)
                section.furniture.append((drawn, self._page(copier, page.obj, numbers[index], keys[index])))
            section.pages.extend(numbers)
            kids = [copier.ref(kid) for kid in _kids(top)]
            if titles:
                entries = b"/Type/StructElem/S/Part/P %s/T %s/K[%s]" % (
                    ref(self.document),
                    scalar(pikepdf.String(titles[-1])),
                    b" ".join(ref(k) for k in kids),
                )
                self.stream.put(part, b"<<" + entries + b">>")
                section.structure.append(part)
            else:
                section.structure.extend(kids)
            self._parent_tree(copier, tree.ParentTree, keys, annotation_keys)
            copier.drain()

    def _key(self) -> int:
        key = self.next_key
        self.next_key += 1
        return key

    def _page(self, copier: Copier, page: pikepdf.Object, number: int, key: int) -> int:
        """A page of the book: the part's drawing, the book's resources; its running header and
        footer (the book's page numbers) are written at the end, when the count is known.
        Returns the number set aside for them."""
        furniture = self.stream.reserve()
        body = page.Contents[0] if isinstance(page.Contents, pikepdf.Array) else page.Contents
        entries = [
            b"/Type/Page/Parent %s/Resources %s/StructParents %d" % (ref(self.pages_node), ref(self.resources), key),
            b"/MediaBox" + copier.direct(page.MediaBox),
            b"/Contents[%s %s]" % (ref(copier.ref(body)), ref(furniture)),
        ]
        if "/Group" in page:
            entries.append(b"/Group" + copier.direct(page.Group))
        if "/Annots" in page:
            entries.append(b"/Annots" + copier.direct(page.Annots) + b"/Tabs/S")
        self.stream.put(number, b"<<" + b"".join(entries) + b">>")
        return furniture

    def _rewrite(self, keys: list[int], annotation_keys: dict[int, int]) -> Any:
        """A part's parent-tree keys in the book, and the pages its links go to."""

        def rewrite(key: str, value: Any) -> Any:
            if key == "/StructParent" and isinstance(value, int):
                return self._annotation_key(keys, annotation_keys, value)
            if key == "/Dest" and isinstance(value, pikepdf.String):
                self.links.add(linked_page(str(value)))
            return value

        return rewrite

    def _annotation_key(self, keys: list[int], annotation_keys: dict[int, int], key: int) -> int:
        if key < len(keys):
            return keys[key]
        if key not in annotation_keys:
            annotation_keys[key] = self._key()
        return annotation_keys[key]

    def _parent_tree(
        self, copier: Copier, tree: pikepdf.Object, keys: list[int], annotation_keys: dict[int, int]
    ) -> None:
        nums = tree.Nums
        for i in range(0, len(nums), 2):
            key, value = int(nums[i]), nums[i + 1]
            if key < len(keys):
                holder = self.stream.reserve()
                self.stream.put(holder, copier.direct(value))
                self.parents.append((keys[key], holder))
            else:
                book_key = self._annotation_key(keys, annotation_keys, key)
                self.annotation_parents.append((book_key, copier.direct(value)))

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
        for number, (drawn, holder) in enumerate(furniture, start=1):
            ops = self.renderer.header_footer(drawn, number, total)
            stream.put_stream(holder, b"/Filter/FlateDecode", _compressed(ops))
        kids = b" ".join(ref(n) for n in order)
        stream.put(self.pages_node, b"<</Type/Pages/Count %d/Kids[%s]>>" % (total, kids))
        metadata, intent = self._resources(info)
        structure = b" ".join(ref(n) for n in self.front.structure + self.body.structure)
        root_tree = stream.reserve()
        stream.put(self.document, b"<</Type/StructElem/S/Document/P %s/K[%s]>>" % (ref(root_tree), structure))
        nums = sorted([(key, ref(holder)) for key, holder in self.parents] + self.annotation_parents)
        parent_tree = stream.reserve()
        stream.put(parent_tree, b"<</Nums[%s]>>" % b" ".join(b"%d %s" % pair for pair in nums))
        stream.put(
            root_tree,
            b"<</Type/StructTreeRoot/K %s/ParentTree %s/ParentTreeNextKey %d>>"
            % (ref(self.document), ref(parent_tree), self.next_key),
        )
        catalog = stream.reserve()
        entries = [
            b"/Type/Catalog/Pages %s/StructTreeRoot %s" % (ref(self.pages_node), ref(root_tree)),
            b"/MarkInfo<</Marked true>>/Lang %s" % scalar(pikepdf.String(info.language)),
            b"/ViewerPreferences<</DisplayDocTitle true>>/PageLabels<</Nums[0<</S/D>>]>>",
            b"/Metadata %s/OutputIntents[%s]" % (ref(metadata), ref(intent)),
        ]
        marks = self.front.marks + self.body.marks
        if marks:
            entries.append(b"/Outlines %s/PageMode/UseOutlines" % ref(self._outline(marks)))
        if self.links:
            names = b" ".join(
                scalar(pikepdf.String(LINK_NAME.format(n))) + b"[%s/Fit]" % ref(order[n - 1])
                for n in sorted(self.links, key=lambda n: LINK_NAME.format(n).encode())  # a name tree's order
            )
            entries.append(b"/Names<</Dests<</Names[%s]>>>>" % names)
        stream.put(catalog, b"<<" + b"".join(entries) + b">>")
        info_number = stream.reserve()
        entries = [pikepdf.Name(k).unparse() + scalar(v) for k, v in info_dictionary(info).items()]
        stream.put(info_number, b"<<" + b"".join(entries) + b">>")
        stream.finish(catalog, info_number)
        return total

    def _resources(self, info: DocumentInfo) -> tuple[int, int]:
        """The fonts (every glyph of the book), pictures, XMP and output intent, made with pikepdf
        and copied in; returns the numbers of the metadata and the output intent."""
        pdf = pikepdf.new()
        fonts = sorted(self.renderer.fonts.values(), key=lambda f: f.resource)
        resources = Dictionary(Font=Dictionary({"/" + f.resource: f.write(pdf) for f in fonts}))
        if self.images:
            resources.XObject = Dictionary(
                {"/" + name: image_object(pdf, self.images[name]) for name in sorted(self.images)}
            )
        metadata = pdf.make_indirect(metadata_stream(pdf, info))
        intent = pdf.make_indirect(output_intent(pdf))
        copier = Copier(self.stream, {})
        self.stream.put(self.resources, copier.direct(resources))
        numbers = copier.ref(metadata), copier.ref(intent)
        copier.drain()
        return numbers

    def _outline(self, marks: list[Bookmark]) -> int:
        outline = self.stream.reserve()
        first, last, count = self._outline_items(outline, nest(marks), top=True)
        self.stream.put(outline, b"<</Type/Outlines/First %s/Last %s/Count %d>>" % (ref(first), ref(last), count))
        return outline

    def _outline_items(self, parent: int, marks: list[Bookmark], top: bool = False) -> tuple[int, int, int]:
        """Write ``marks`` under ``parent``; returns (first, last, count shown)."""
        numbers = [self.stream.reserve() for _ in marks]
        count = len(marks)
        for i, (mark, number) in enumerate(zip(marks, numbers, strict=True)):
            dest = b"[%s/XYZ 0 %s 0]" % (ref(mark.page), scalar(round(mark.y, 2)))
            entries = [b"/Title %s/Parent %s/Dest %s" % (scalar(pikepdf.String(mark.title)), ref(parent), dest)]
            if i > 0:
                entries.append(b"/Prev %s" % ref(numbers[i - 1]))
            if i + 1 < len(numbers):
                entries.append(b"/Next %s" % ref(numbers[i + 1]))
            if mark.kids:
                first, last, shown = self._outline_items(number, mark.kids)
                closed = mark.level >= 1  # deeper levels start closed
                entries.append(b"/First %s/Last %s/Count %d" % (ref(first), ref(last), -shown if closed else shown))
                count += 0 if closed else shown
            self.stream.put(number, b"<<" + b"".join(entries) + b">>")
        return numbers[0], numbers[-1], count


@dataclass
class _Section:
    """Pages, structure, bookmarks and running text of the front matter or of the parts."""

    pages: list[int] = field(default_factory=list)
    structure: list[int] = field(default_factory=list)
    marks: list[Bookmark] = field(default_factory=list)
    furniture: list[tuple[DrawnPages, int]] = field(default_factory=list)
    """per page: what its header and footer say, and the number set aside for them"""


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _compressed(ops: str) -> bytes:
    return zlib.compress(("\n" + ops).encode("latin-1"), COMPRESSION)
