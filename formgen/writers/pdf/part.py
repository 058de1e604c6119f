"""A document's pages and structure as PDF objects that can be placed in any PDF.

An area's PDF and the year's book hold the same pages and structure elements;
only their object numbers differ. So the objects are written once, as bytes in
which every reference is a slot (``%d``): numbered within the part, a parent-tree
key, or an object of the PDF that holds the part (its page tree, resources, the
parent of its top elements, each page's running header and footer). All of a part's
objects but its streams are one template, an object a line, and placing the part
fills every slot at once: one ``bytes % tuple`` (a synthetic area's 1,900 objects in
about a millisecond, against 2.3 ms one object at a time). The book no longer opens
and walks every area's PDF (33 ms an area, as it did with pikepdf), and a part kept on disk
(:func:`to_json`) lets a stale book be written without drawing its areas again.
"""

from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import syntax
from .page import PageBody
from .structure import AnnotRef, Marked, Node

LOCAL, KEY, HOST = 0, 1, 2
"""what a slot holds: an object of the part (numbered from 1), a parent-tree key of the part
(numbered from 0), or an object of the PDF holding the part (an index into its HOST list)"""
PAGES, RESOURCES, PARENT, FIRST_FURNITURE = 0, 1, 2, 3
"""the HOST list: the page tree, the resources, the parent of the part's top elements, then each
page's running header and its running footer (a header the same on every page is one object)"""

Slots = tuple[int, ...]


class PdfObject(NamedTuple):
    """One object as the part is being made: its PDF syntax with a ``%d`` per reference (``%``
    itself doubled), what each holds, and for a stream its data as stored (the dictionary's
    entries then go in ``body``)."""

    number: int
    body: bytes
    refs: Slots = ()
    kinds: bytes = b""
    """one of LOCAL/KEY/HOST per ref; empty when every ref is LOCAL (most objects)"""
    data: bytes | None = None


@dataclass
class PdfPart:
    """A document's pages, their links and its structure as objects numbered 1..``size``.
    Few and long values, rather than an object each: a year's book moves some 70,000 objects
    between processes and reads them from the cache."""

    size: int = 0
    plain: bytes = b""
    """every object that is not a stream, in number order, one a line (PDF syntax escapes line
    breaks inside strings), each reference a ``%d`` slot and ``%`` itself doubled"""
    refs: list[int] = field(default_factory=list)
    """each slot's value in order: an object of the part, except the slots in ``special``"""
    special: list[tuple[int, int, int]] = field(default_factory=list)
    """(slot, KEY or HOST, value) of the slots that hold no object of the part (a few a page)"""
    streams: list[tuple[int, bytes, bytes]] = field(default_factory=list)
    """(number, dictionary entries, data as stored) of each stream: the pages' contents"""
    pages: list[int] = field(default_factory=list)
    """the page objects, in order (page i's parent-tree key is i)"""
    top: list[int] = field(default_factory=list)
    """the top structure elements, in order: their parent is the holder's (HOST PARENT)"""
    page_parents: list[int] = field(default_factory=list)
    """per page, the array of the elements of its marked content, by MCID"""
    annotation_parents: list[tuple[int, int]] = field(default_factory=list)
    """(parent-tree key, element) per link annotation"""
    keys: int = 0
    """parent-tree keys used: one per page, then one per annotation"""
    links: list[int] = field(default_factory=list)
    """page numbers the links go to, through named destinations the holder writes"""
    ids: list[int] = field(default_factory=list)
    """the elements with an identifier, ``(t`` and their object number``)``: the holder's ID tree"""

    def placed(self, base: int, key_base: int, host: list[int]) -> list[tuple[int, bytes]]:
        """Each object but the streams with its slots filled, for the part numbered from
        ``base + 1``, parent-tree keys from ``key_base`` and the holder's objects ``host``."""
        if not self.plain:
            return []
        values = [base + r for r in self.refs]
        for slot, kind, value in self.special:
            values[slot] = key_base + value if kind == KEY else host[value]
        bodies = (self.plain % tuple(values)).split(b"\n")
        return list(zip([base + n for n in self.plain_numbers()], bodies, strict=True))

    def plain_numbers(self) -> list[int]:
        """The numbers of the objects in ``plain``, in order."""
        streams = {number for number, _, _ in self.streams}
        return [n for n in range(1, self.size + 1) if n not in streams]


def _text_slot(value: str) -> bytes:
    """A text string in a template, where a ``%`` of its own is doubled."""
    return syntax.text(value).replace(b"%", b"%%")


class _Body:
    """An object's PDF syntax being written: literal bytes and slots."""

    __slots__ = ("pieces", "refs", "kinds")

    def __init__(self, start: bytes = b""):
        self.pieces: list[bytes] = [start]
        self.refs: list[int] = []
        self.kinds: list[int] = []

    def add(self, literal: bytes) -> _Body:
        self.pieces.append(literal)
        return self

    def text(self, value: str) -> _Body:
        return self.add(_text_slot(value))

    def ref(self, number: int, kind: int = LOCAL) -> _Body:
        self.pieces.append(b"%d 0 R")
        self.refs.append(number)
        self.kinds.append(kind)
        return self

    def key(self, number: int) -> _Body:
        self.pieces.append(b"%d")
        self.refs.append(number)
        self.kinds.append(KEY)
        return self

    def done(self, number: int) -> PdfObject:
        local = all(k == LOCAL for k in self.kinds)
        return PdfObject(number, b"".join(self.pieces), tuple(self.refs), b"" if local else bytes(self.kinds))


class PartBuilder:
    """Makes the :class:`PdfPart` of pages drawn and the structure tree over them."""

    def __init__(self) -> None:
        self.part = PdfPart()
        self.objects: list[PdfObject] = []
        self.annotations: dict[tuple[int, int], tuple[int, int]] = {}
        """(id of a page body, link index) → the annotation object and its parent-tree key"""
        self.mcid_parents: dict[int, dict[int, int]] = {}
        """page index → MCID → element"""
        self.page_index: dict[int, int] = {}
        self._attributes: dict[tuple[tuple[str, Any], ...], int] = {}
        """attribute objects, shared: a year's tables repeat a few dozen combinations"""

    def number(self) -> int:
        self.part.size += 1
        return self.part.size

    def build(self, pages: list[PageBody], width: float, height: float, structure: Node) -> PdfPart:
        part = self.part
        for index, body in enumerate(pages):
            self.page_index[id(body)] = index
            self.number()  # the pages are the part's first objects: page i is object i + 1
        part.pages = list(range(1, len(pages) + 1))
        part.keys = len(pages)
        for index, body in enumerate(pages):
            self._page(index, body, width, height)
        part.top = [self._element(kid, PARENT, HOST) for kid in structure.kids if isinstance(kid, Node)]
        for index in range(len(pages)):
            by_mcid = self.mcid_parents.get(index, {})
            array = _Body(b"[")
            for mcid in range(max(by_mcid, default=-1) + 1):
                array.ref(by_mcid[mcid]).add(b" ")
            number = self.number()
            self.objects.append(array.add(b"]").done(number))
            part.page_parents.append(number)
        _assemble(part, self.objects)
        return part

    def _page(self, index: int, body: PageBody, width: float, height: float) -> None:
        part = self.part
        content = self.number()
        self.objects.append(PdfObject(content, b"/Filter/FlateDecode", data=body.stream_data()))
        page = _Body(b"<</Type/Page/Parent ").ref(PAGES, HOST).add(b"/Resources ").ref(RESOURCES, HOST)
        page.add(b"/StructParents ").key(index)
        page.add(b"/MediaBox[0 0 %s %s]" % (syntax.number(width), syntax.number(height)))
        header, footer = FIRST_FURNITURE + 2 * index, FIRST_FURNITURE + 2 * index + 1
        page.add(b"/Contents[").ref(content).add(b" ").ref(header, HOST).add(b" ").ref(footer, HOST).add(b"]")
        if body.images:
            page.add(b"/Group<</S/Transparency/CS/DeviceRGB>>")
        if body.links:
            page.add(b"/Annots[")
            for link_index in range(len(body.links)):
                page.ref(self._annotation(body, link_index)).add(b" ")
            page.add(b"]/Tabs/S")
        self.objects.append(page.add(b">>").done(part.pages[index]))

    def _annotation(self, body: PageBody, index: int) -> int:
        link = body.links[index]
        number = self.number()
        key = self.part.keys
        self.part.keys += 1
        self.part.links.append(link.page)
        self.annotations[(id(body), index)] = number, key
        annotation = _Body(b"<</Type/Annot/Subtype/Link/Rect[%s]" % b" ".join(syntax.number(v) for v in link.rect))
        annotation.add(b"/Border[0 0 0]/Dest ").text(LINK_NAME.format(link.page))
        annotation.add(b"/Contents ").text(link.contents).add(b"/StructParent ").key(key).add(b"/F 4>>")
        self.objects.append(annotation.done(number))
        return number

    def _element(self, node: Node, parent: int, parent_kind: int) -> int:
        """A structure element and, before it, its kids (depth first): some 1,700 elements an
        area, nine in ten of the shape :meth:`_leaf` writes in one step."""
        only = node.kids[0] if len(node.kids) == 1 else None
        if type(only) is Marked and parent_kind == LOCAL and len(node.attributes) < 2:
            if not node.title and node.alt is None and node.role != "Table":
                return self._leaf(node, only, parent)
        return self._general(node, parent, parent_kind)

    def _general(self, node: Node, parent: int, parent_kind: int) -> int:
        """Any structure element, written piece by piece into local lists."""
        number = self.number()
        # no /Type: it is optional for structure elements, and 2 % of the structure compressed
        head = [b"<</S/" + node.role.encode("ascii") + b"/P %d 0 R"]
        refs = [parent]
        if node.title:
            head.append(b"/T " + _text_slot(node.title))
        if node.alt is not None:
            head.append(b"/Alt " + _text_slot(node.alt))
        if node.role == "Table":  # named after its object: unique in any PDF that holds the part
            head.append(b"/ID (t%d)")
            refs.append(number)
            self.part.ids.append(number)
        if node.attributes:
            head.append(b"/A[" + b"%d 0 R " * len(node.attributes) + b"]")
            refs.extend(self._attribute(attributes) for attributes in node.attributes)
        kids: list[bytes] = [b"/K["]
        kid_refs: list[int] = []
        home: int | None = None
        for kid in node.kids:
            if isinstance(kid, Node):
                kids.append(b"%d 0 R ")
                kid_refs.append(self._element(kid, number, LOCAL))
            elif isinstance(kid, Marked):
                index = self.page_index[id(kid.page)]
                self.mcid_parents.setdefault(index, {})[kid.mcid] = number
                if home is None:
                    home = index
                    head.append(b"/Pg %d 0 R")
                    refs.append(index + 1)
                if index == home:
                    kids.append(b"%d " % kid.mcid)
                else:
                    kids.append(b"<</Type/MCR/Pg %%d 0 R/MCID %d>> " % kid.mcid)
                    kid_refs.append(index + 1)
            elif isinstance(kid, AnnotRef):
                annotation, key = self.annotations[(id(kid.page), kid.index)]
                self.part.annotation_parents.append((key, number))
                kids.append(b"<</Type/OBJR/Obj %d 0 R/Pg %d 0 R>> ")
                kid_refs += [annotation, self.page_index[id(kid.page)] + 1]
        kids.append(b"]>>")
        refs += kid_refs
        kinds = b"" if parent_kind == LOCAL else bytes([parent_kind]) + bytes(len(refs) - 1)
        self.objects.append(PdfObject(number, b"".join(head) + b"".join(kids), tuple(refs), kinds))
        return number

    def _leaf(self, node: Node, kid: Marked, parent: int) -> int:
        """An element whose one kid is marked content on one page, without title or alternative
        text and with at most one attribute object (a table cell, a paragraph, a label): what
        :meth:`_general` writes, in one step (a test compares the two on random trees)."""
        number = self.number()
        index = self.page_index[id(kid.page)]
        self.mcid_parents.setdefault(index, {})[kid.mcid] = number
        role = node.role.encode("ascii")
        if node.attributes:
            body = b"<</S/%s/P %%d 0 R/A[%%d 0 R ]/Pg %%d 0 R/K[%d ]>>" % (role, kid.mcid)
            refs: tuple[int, ...] = (parent, self._attribute(node.attributes[0]), index + 1)
        else:
            body = b"<</S/%s/P %%d 0 R/Pg %%d 0 R/K[%d ]>>" % (role, kid.mcid)
            refs = (parent, index + 1)
        self.objects.append(PdfObject(number, body, refs))
        return number

    def _attribute(self, values: dict[str, Any]) -> int:
        key = tuple(values.items())  # a table cell's attributes (most): names and numbers, a key as they are
        try:
            found = self._attributes.get(key)
        except TypeError:  # a list among them (a figure's BBox): not hashable
            key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in key)
            found = self._attributes.get(key)
        if found is None:
            found = self._attributes[key] = self.number()
            self.objects.append(PdfObject(found, _attribute_dictionary(values)))
        return found


def _assemble(part: PdfPart, objects: list[PdfObject]) -> None:
    """The objects made, as the part holds them: the streams apart, the others one template,
    renumbered so that objects of a kind (table cells, paragraphs, pages…) are neighbours in
    the object streams, which then compress some 5 % smaller."""
    order = sorted(objects, key=lambda o: (o.data is None, o.body[:KIND], o.number))
    renumbered = [0] * (len(objects) + 1)
    for number, o in enumerate(order, start=1):
        renumbered[o.number] = number
    bodies: list[bytes] = []
    slots: list[int] = []
    """every slot's object before renumbering, renumbered at once at the end"""
    for o in order:
        if o.data is not None:
            assert not o.refs, "a stream's dictionary has no references"
            part.streams.append((renumbered[o.number], o.body, o.data))
            continue
        bodies.append(o.body)
        if not o.kinds:  # every slot an object of the part: most objects
            slots += o.refs
            continue
        for ref, kind in zip(o.refs, o.kinds, strict=True):
            if kind != LOCAL:
                part.special.append((len(slots), kind, ref))
                ref = 1  # in range like every slot; replaced when placed
            slots.append(ref)
    part.refs.extend(map(renumbered.__getitem__, slots))
    part.plain = b"\n".join(bodies)
    assert part.plain.count(b"\n") == max(len(bodies) - 1, 0), "PDF syntax escapes line breaks in strings"
    part.pages = [renumbered[n] for n in part.pages]
    part.top = [renumbered[n] for n in part.top]
    part.page_parents = [renumbered[n] for n in part.page_parents]
    part.annotation_parents = [(key, renumbered[n]) for key, n in part.annotation_parents]
    part.ids = [renumbered[n] for n in part.ids]


KIND = 12
"""bytes of an object's syntax that tell its kind (``<</S/TD/P %d``, ``<</Type/Page``)"""


def _attribute_dictionary(values: dict[str, Any]) -> bytes:
    out = []
    for key, value in values.items():
        if key in ("O", "Scope", "ListNumbering"):
            out.append(b"/%s/%s" % (key.encode("ascii"), str(value).encode("ascii")))
        elif isinstance(value, list):
            out.append(b"/%s[%s]" % (key.encode("ascii"), b" ".join(syntax.number(v) for v in value)))
        else:
            out.append(b"/%s %s" % (key.encode("ascii"), syntax.number(value)))
    return b"<<" + b"".join(out) + b">>"


LINK_NAME = "page{}"
"""the named destination of a page (the book's contents link to pages written after them)"""


# ----- kept on disk


def to_json(part: PdfPart) -> dict[str, Any]:
    """The part as JSON values (bytes as latin-1 text or base64), for a cache entry."""
    return {
        "size": part.size,
        "plain": part.plain.decode("latin-1"),
        "refs": _b64(_packed(part.refs)),  # ~6,000 an area: as JSON numbers, half the entry's writing
        "special": [list(slot) for slot in part.special],
        "streams": [[n, entries.decode("latin-1"), _b64(data)] for n, entries, data in part.streams],
        "pages": part.pages,
        "top": part.top,
        "page_parents": part.page_parents,
        "annotation_parents": [list(pair) for pair in part.annotation_parents],
        "keys": part.keys,
        "links": part.links,
        "ids": part.ids,
    }


def from_json(value: Any) -> PdfPart:
    """A part read back by :func:`to_json`; ValueError when it is not one (a damaged entry)."""
    try:
        part = PdfPart(
            _int(value["size"]),
            _text(value["plain"]).encode("latin-1"),
            _unpacked(_data(value["refs"])),
            [(_int(slot), _int(kind), _int(n)) for slot, kind, n in value["special"]],
            [(_int(n), _text(e).encode("latin-1"), _data(d)) for n, e, d in value["streams"]],
            _ints(value["pages"]),
            _ints(value["top"]),
            _ints(value["page_parents"]),
            [(_int(k), _int(n)) for k, n in value["annotation_parents"]],
            _int(value["keys"]),
            _ints(value["links"]),
            _ints(value["ids"]),
        )
    except (KeyError, TypeError, ValueError, UnicodeEncodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a part: {exc}") from exc
    if part.links:  # only the book's contents link to pages, and they are never kept
        raise ValueError("not a part: a kept part links to pages")
    _check(part)
    return part


def _check(part: PdfPart) -> None:
    """Every number and slot in range and the template fillable by its references alone (exactly
    one ``%d`` per reference and no other ``%``): a damaged part is never placed."""
    size, hosts = part.size, FIRST_FURNITURE + 2 * len(part.pages)
    streams = [n for n, _, _ in part.streams]
    lines = part.plain.count(b"\n") + 1 if part.plain else 0
    if len(set(streams)) != len(streams) or not _within(streams, 1, size) or lines != size - len(streams):
        raise ValueError("not a part: its objects are not numbered 1 to its size, each once")
    if len(set(part.pages)) != len(part.pages) or len(part.page_parents) != len(part.pages):
        raise ValueError("not a part: its pages")
    if not _within(part.pages + part.top + part.page_parents + part.ids + part.refs, 1, size):
        raise ValueError("not a part: an object out of range")
    template = part.plain.replace(b"%%", b"")
    if not template.count(b"%") == template.count(b"%d") == len(part.refs):
        raise ValueError("not a part: its objects cannot be filled")
    limits = {KEY: part.keys - 1, HOST: hosts - 1}
    for slot, kind, value in part.special:
        if not (0 <= slot < len(part.refs) and kind in limits and 0 <= value <= limits[kind]):
            raise ValueError("not a part: a reference out of range")
    annotations = [key for key, _ in part.annotation_parents]
    if not _within(annotations, len(part.pages), part.keys - 1) or not _within(
        [n for _, n in part.annotation_parents], 1, size
    ):
        raise ValueError("not a part: a link's key or element out of range")


def _within(values: list[int], low: int, high: int) -> bool:
    return not values or (min(values) >= low and max(values) <= high)


def _packed(numbers: list[int]) -> bytes:
    """Numbers as unsigned 32-bit little-endian integers (a part's are below 2**32: objects)."""
    return struct.pack(f"<{len(numbers)}I", *numbers)


def _unpacked(data: bytes) -> list[int]:
    if len(data) % 4:  # struct would raise its own error, which is no ValueError
        raise ValueError("not a part: its references are cut short")
    return list(struct.unpack(f"<{len(data) // 4}I", data))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _data(value: Any) -> bytes:
    return base64.b64decode(_text(value), validate=True)


def _ints(value: Any) -> list[int]:
    if type(value) is not list or not all(type(v) is int for v in value):
        raise ValueError("not a list of numbers")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError(f"{value!r} is not a number")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a text")
    return value
