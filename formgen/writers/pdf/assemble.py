"""A document's pages, structure, bookmarks and links as PDF objects (with pikepdf).

reportlab's public API cannot write marked content and a structure tree, so the
PDF is put together here from its objects with pikepdf (qpdf): pages and their
content streams, the embedded fonts and pictures, the structure tree with its
parent tree, link annotations, the outline, page labels, and what PDF/A-2a and
PDF/UA-1 ask of the catalog (Lang, MarkInfo, DisplayDocTitle, XMP metadata, the
sRGB output intent). qpdf writes the file: object streams, a deterministic /ID.

pydyf was tried first: the year's book has some 80,000 structure elements, and
pydyf serialises them in Python and compresses its object stream at zlib level 9
(4.2 s for the book of 42 areas, against 0.36 s untagged); qpdf does both in C++.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image

from .archive import DocumentInfo, info_dictionary, metadata_stream, output_intent
from .embed import COMPRESSION, EmbeddedFont, flate
from .page import PageBody
from .structure import AnnotRef, Marked, Node

LINK_NAME = "page{}"
"""the named destination of a page (the book's contents link to pages written after them)"""


def linked_page(name: str) -> int:
    """The page a named destination (see LINK_NAME) goes to."""
    return int(name.removeprefix(LINK_NAME.format("")))


@dataclass
class PageOut:
    """A page of the PDF: its body as drawn, its size, and its header and footer."""

    body: PageBody
    width: float
    height: float
    furniture: str


@dataclass
class Bookmark:
    """An outline entry: a title at height ``y`` of a page (its index, or its object number in
    the book), nested by ``level``."""

    title: str
    level: int
    page: int
    y: float
    kids: list[Bookmark] = field(default_factory=list)


def nest(marks: list[Bookmark]) -> list[Bookmark]:
    """Bookmarks in order as a tree, levels never skipping; returns the top level."""
    roots: list[Bookmark] = []
    stack: list[Bookmark] = []
    for mark in marks:
        mark.level = max(0, min(mark.level, len(stack)))
        del stack[mark.level :]
        (stack[-1].kids if stack else roots).append(mark)
        stack.append(mark)
    return roots


class Assembly:
    """Collects a PDF's pages, outline and structure; :meth:`write` makes the file."""

    def __init__(self, info: DocumentInfo, named_links: bool = False):
        self.info = info
        self.named_links = named_links
        """links go to named destinations (page12): the book's contents, written before its pages"""
        self.pages: list[PageOut] = []
        self.structure = Node("Document", title=info.title)
        self._bookmarks: list[Bookmark] = []

    def add_page(self, page: PageOut) -> None:
        self.pages.append(page)

    def bookmark(self, title: str, level: int, y: float) -> None:
        """An outline entry at height ``y`` of the page added next."""
        self._bookmarks.append(Bookmark(title, level, len(self.pages), y))

    # ----- writing

    def write(self, fonts: list[EmbeddedFont]) -> bytes:
        pdf = pikepdf.new()
        resources = self._resources(pdf, fonts)
        pages = [self._page(pdf, index, page, resources) for index, page in enumerate(self.pages)]
        page_of = {id(page.body): ref for page, ref in zip(self.pages, pages, strict=True)}
        annotations = self._links(pdf, pages)
        writer = _StructWriter(pdf, page_of, annotations)
        root = pdf.Root
        root.StructTreeRoot = writer.write(self.structure, len(pages))
        root.MarkInfo = Dictionary(Marked=True)
        root.Lang = pikepdf.String(self.info.language)
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
        root.Metadata = metadata_stream(pdf, self.info)
        root.OutputIntents = Array([output_intent(pdf)])
        if self._bookmarks:
            root.Outlines = self._outline(pdf, pages)
            root.PageMode = Name.UseOutlines
        for key, value in info_dictionary(self.info).items():
            pdf.docinfo[key] = value
        out = io.BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            recompress_flate=False,
            deterministic_id=True,
            fix_metadata_version=False,
            force_version="1.7",
        )
        return out.getvalue()

    def _resources(self, pdf: pikepdf.Pdf, fonts: list[EmbeddedFont]) -> pikepdf.Object:
        """One resource dictionary for every page: the fonts and pictures of the document."""
        font_refs = {"/" + font.resource: font.write(pdf) for font in sorted(fonts, key=lambda f: f.resource)}
        images = {name: path for page in self.pages for name, path in page.body.images.items()}
        resources = Dictionary(Font=Dictionary(font_refs))
        if images:
            resources.XObject = Dictionary({"/" + name: image_object(pdf, images[name]) for name in sorted(images)})
        return pdf.make_indirect(resources)

    def _page(self, pdf: pikepdf.Pdf, index: int, page: PageOut, resources: pikepdf.Object) -> pikepdf.Object:
        furniture = flate(pdf, ("\n" + page.furniture).encode("latin-1"))
        body = pikepdf.Stream(pdf, page.body.stream_data(), Filter=Name.FlateDecode)
        out = Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, round(page.width, 2), round(page.height, 2)]),
            Contents=Array([body, furniture]),
            Resources=resources,
            StructParents=index,
        )
        if page.body.images:
            out.Group = Dictionary(S=Name.Transparency, CS=Name.DeviceRGB)
        pdf.pages.append(pikepdf.Page(out))
        return pdf.pages[-1].obj

    def _links(self, pdf: pikepdf.Pdf, pages: list[pikepdf.Object]) -> dict[tuple[int, int], pikepdf.Object]:
        """Link annotations of the pages (the book's contents), by (id of the page body, index)."""
        out: dict[tuple[int, int], pikepdf.Object] = {}
        key = len(pages)  # parent-tree keys after the pages'
        for page, ref in zip(self.pages, pages, strict=True):
            annots = []
            for index, link in enumerate(page.body.links):
                annotation = pdf.make_indirect(
                    Dictionary(
                        Type=Name.Annot,
                        Subtype=Name.Link,
                        Rect=Array([round(v, 2) for v in link.rect]),
                        Border=Array([0, 0, 0]),
                        Dest=(
                            pikepdf.String(LINK_NAME.format(link.page))
                            if self.named_links
                            else Array([pages[link.page - 1], Name.Fit])
                        ),
                        Contents=pikepdf.String(link.contents),
                        StructParent=key,
                        F=4,
                    )
                )
                key += 1
                annots.append(annotation)
                out[(id(page.body), index)] = annotation
            if annots:
                ref.Annots = Array(annots)
                ref.Tabs = Name.S
        return out

    def _outline(self, pdf: pikepdf.Pdf, pages: list[pikepdf.Object]) -> pikepdf.Object:
        outline = pdf.make_indirect(Dictionary(Type=Name.Outlines))
        self._outline_items(pdf, pages, outline, nest(self._bookmarks))
        return outline

    def _outline_items(
        self, pdf: pikepdf.Pdf, pages: list[pikepdf.Object], parent: pikepdf.Object, marks: list[Bookmark]
    ) -> int:
        items = []
        for mark in marks:
            dest = Array([pages[mark.page], Name.XYZ, 0, round(mark.y, 2), 0])
            items.append(pdf.make_indirect(Dictionary(Title=pikepdf.String(mark.title), Parent=parent, Dest=dest)))
        for previous, item in zip(items, items[1:], strict=False):
            previous.Next = item
            item.Prev = previous
        count = len(items)
        for mark, item in zip(marks, items, strict=True):
            if mark.kids:
                shown = self._outline_items(pdf, pages, item, mark.kids)
                item.Count = -shown if mark.level >= 1 else shown  # deeper levels start closed
                count += shown if mark.level < 1 else 0
        if items:
            parent.First = items[0]
            parent.Last = items[-1]
            parent.Count = count
        return len(items)


def image_object(pdf: pikepdf.Pdf, path: str) -> pikepdf.Object:
    """A picture as an image object: JPEG as it is, PNG as its pixels with alpha as a soft mask."""
    data = Path(path).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        width, height = image.size
        gray = image.mode in ("L", "LA", "1", "I;16")
        space = Name.DeviceGray if gray else Name.DeviceRGB
        common: dict[str, Any] = {"Type": Name.XObject, "Subtype": Name.Image, "Width": width, "Height": height}
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            return pikepdf.Stream(pdf, data, ColorSpace=space, BitsPerComponent=8, Filter=Name.DCTDecode, **common)
        transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        alpha = image.convert("LA" if gray else "RGBA").getchannel("A") if transparent else None
        pixels = image.convert("L" if gray else "RGB")
    extra: dict[str, Any] = {**common, "BitsPerComponent": 8}
    if alpha is not None:
        extra["SMask"] = flate(pdf, alpha.tobytes(), ColorSpace=Name.DeviceGray, **extra)
    compressed = zlib.compress(pixels.tobytes(), COMPRESSION)
    return pikepdf.Stream(pdf, compressed, ColorSpace=space, Filter=Name.FlateDecode, **extra)


class _StructWriter:
    """The structure tree as StructElem objects, with the parent tree mapping every marked
    content sequence and link back to its element."""

    def __init__(
        self,
        pdf: pikepdf.Pdf,
        page_of: dict[int, pikepdf.Object],
        annotations: dict[tuple[int, int], pikepdf.Object],
    ):
        self.pdf = pdf
        self.page_of = page_of
        self.annotations = annotations
        self.page_index = {body: i for i, body in enumerate(page_of)}
        self.parents: dict[int, dict[int, pikepdf.Object]] = {}
        """page index (its StructParents) → MCID → element"""
        self.annotation_parents: dict[int, pikepdf.Object] = {}
        self.ids = 0
        self._roles: dict[str, Name] = {}
        self._attributes: dict[tuple[tuple[str, Any], ...], pikepdf.Object] = {}
        """attribute objects, shared: a year's tables repeat a few dozen combinations"""

    def write(self, document: Node, page_count: int) -> pikepdf.Object:
        root = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        top = self.element(document, root)
        nums: list[Any] = []
        for index in range(page_count):
            by_mcid = self.parents.get(index, {})
            nums += [index, Array([by_mcid[m] for m in range(max(by_mcid, default=-1) + 1)])]
        for key in sorted(self.annotation_parents):
            nums += [key, self.annotation_parents[key]]
        root.K = top
        root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(nums)))
        root.ParentTreeNextKey = page_count + len(self.annotations)
        return root

    def element(self, node: Node, parent: pikepdf.Object) -> pikepdf.Object:
        role = self._roles.get(node.role)
        if role is None:
            role = self._roles[node.role] = Name("/" + node.role)
        values: dict[str, Any] = {"/Type": Name.StructElem, "/S": role, "/P": parent}
        if node.title:
            values["/T"] = pikepdf.String(node.title)
        if node.alt is not None:
            values["/Alt"] = pikepdf.String(node.alt)
        if node.role == "Table":
            self.ids += 1
            values["/ID"] = pikepdf.String(f"table{self.ids}")
        if node.attributes:
            values["/A"] = Array([self._attribute(a) for a in node.attributes])
        element = self.pdf.make_indirect(Dictionary(values))
        kids: list[Any] = []
        home: int | None = None
        for kid in node.kids:
            if isinstance(kid, Node):
                kids.append(self.element(kid, element))
            elif isinstance(kid, Marked):
                index = self.page_index[id(kid.page)]
                self.parents.setdefault(index, {})[kid.mcid] = element
                if home is None:
                    home = index
                    element.Pg = self.page_of[id(kid.page)]
                if index == home:
                    kids.append(kid.mcid)
                else:
                    kids.append(Dictionary(Type=Name.MCR, Pg=self.page_of[id(kid.page)], MCID=kid.mcid))
            elif isinstance(kid, AnnotRef):
                annotation = self.annotations[(id(kid.page), kid.index)]
                self.annotation_parents[int(annotation.StructParent)] = element
                kids.append(Dictionary(Type=Name.OBJR, Obj=annotation, Pg=self.page_of[id(kid.page)]))
        element.K = Array(kids)
        return element

    def _attribute(self, values: dict[str, Any]) -> pikepdf.Object:
        key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in values.items())
        found = self._attributes.get(key)
        if found is None:
            found = self._attributes[key] = self.pdf.make_indirect(_attributes(values))
        return found


def _attributes(values: dict[str, Any]) -> pikepdf.Dictionary:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in ("O", "Scope", "ListNumbering"):
            out["/" + key] = Name("/" + str(value))
        elif isinstance(value, list):
            out["/" + key] = Array(value)
        else:
            out["/" + key] = value
    return Dictionary(out)
