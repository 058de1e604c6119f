"""Writing a PDF object by object to a file, and copying other PDFs' objects into it as it goes.

The year's book gathers every area's PDF: tens of thousands of pages and millions
of structure elements at a thousand areas. Built in memory (qpdf's object graph)
it grew by some 6 MB an area. Here each area's PDF is opened from disk, its
objects are written out renumbered and it is closed before the next: memory stays
that of one area. Small objects go into compressed object streams of up to
:data:`PER_OBJECT_STREAM` objects, the cross-reference table is a compressed
stream (both allowed by PDF/A-2), and qpdf checks the result in the tests.
"""

from __future__ import annotations

import hashlib
from array import array
from decimal import Decimal
from typing import Any, Protocol

import pikepdf

from .embed import compressed

PER_OBJECT_STREAM = 200


class Writable(Protocol):
    """Where a PDF is written: a file, or a staged file that digests what it is given."""

    def write(self, data: bytes, /) -> object: ...


class PdfStream:
    """A PDF file being written: numbers are handed out first, objects written when ready."""

    def __init__(self, out: Writable):
        self.out = out
        self.position = 0
        self.digest = hashlib.sha256()
        self.count = 1
        """the next object number"""
        self.kinds = bytearray(b"\0")
        """by object number: 1 written alone, at ``self.firsts`` (its offset); 2 inside the object
        stream ``self.firsts`` at index ``self.seconds`` (arrays: a million objects in a few MB)"""
        self.firsts = array("Q", [0])
        self.seconds = array("I", [0])
        self.pending: list[tuple[int, bytes]] = []
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        number = self.count
        self.count += 1
        self.kinds.append(0)
        self.firsts.append(0)
        self.seconds.append(0)
        return number

    def reserve_many(self, count: int) -> int:
        """``count`` numbers in a row; returns the one before the first (a part's base)."""
        base = self.count - 1
        self.count += count
        self.kinds.extend(bytes(count))
        self.firsts.extend(array("Q", bytes(8 * count)))
        self.seconds.extend(array("I", bytes(4 * count)))
        return base

    def _place(self, number: int, kind: int, first: int, second: int) -> None:
        self.kinds[number], self.firsts[number], self.seconds[number] = kind, first, second

    def put(self, number: int, body: bytes) -> None:
        """A non-stream object (its PDF syntax), gathered into the next object stream."""
        self.pending.append((number, body))
        if len(self.pending) >= PER_OBJECT_STREAM:
            self._flush()

    def put_many(self, objects: list[tuple[int, bytes]]) -> None:
        """Many non-stream objects at once (a part's): as :meth:`put`, without a call for each."""
        pending = self.pending
        pending.extend(objects)
        while len(pending) >= PER_OBJECT_STREAM:
            self.pending, rest = pending[:PER_OBJECT_STREAM], pending[PER_OBJECT_STREAM:]
            self._flush()
            pending = self.pending = rest

    def put_stream(self, number: int, entries: bytes, data: bytes) -> None:
        """A stream object: ``entries`` are its dictionary's entries (without Length), ``data`` as stored."""
        self._place(number, 1, self.position, 0)
        head = b"%d 0 obj\n<<%s/Length %d>>stream\n" % (number, entries, len(data))
        self._write(head + data + b"\nendstream\nendobj\n")

    def finish(self, root: int, info: int) -> None:
        """Write the last object stream, the cross-reference stream and the trailer."""
        self._flush()
        xref = self.reserve()
        self._place(xref, 1, self.position, 0)
        table = bytearray(7 * self.count)  # seven bytes a row: a million objects in 7 MB
        table[0:7] = b"\x00\x00\x00\x00\x00\xff\xff"
        for number in range(1, self.count):
            kind = self.kinds[number]
            assert kind, f"object {number} was numbered but never written"
            at = 7 * number
            table[at] = kind
            table[at + 1 : at + 5] = self.firsts[number].to_bytes(4, "big")
            table[at + 5 : at + 7] = self.seconds[number].to_bytes(2, "big")
        data = compressed(table)
        file_id = self.digest.hexdigest()[:32].encode()
        entries = b"/Type/XRef/Size %d/W[1 4 2]/Root %d 0 R/Info %d 0 R/ID[<%s><%s>]/Filter/FlateDecode" % (
            self.count,
            root,
            info,
            file_id,
            file_id,
        )
        start = self.position
        self.put_stream(xref, entries, data)
        self._write(b"startxref\n%d\n%%%%EOF\n" % start)

    def _flush(self) -> None:
        if not self.pending:
            return
        stream = self.reserve()
        offsets, bodies, size = [], [], 0
        kinds, firsts, seconds = self.kinds, self.firsts, self.seconds
        for index, (number, body) in enumerate(self.pending):
            kinds[number], firsts[number], seconds[number] = 2, stream, index
            offsets.append(b"%d %d" % (number, size))
            bodies.append(body)
            size += len(body) + 1
        header = b" ".join(offsets) + b"\n"
        data = compressed(header + b"\n".join(bodies) + b"\n")
        entries = b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (len(self.pending), len(header))
        self.pending = []
        self.put_stream(stream, entries, data)

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.position += len(data)


class Copier:
    """Copies objects made with pikepdf (fonts, pictures, metadata) into a :class:`PdfStream`:
    every object referred to gets a number there and is written, once."""

    def __init__(self, target: PdfStream):
        self.target = target
        self.numbers: dict[tuple[int, int], int] = {}
        self.queue: list[pikepdf.Object] = []

    def ref(self, obj: pikepdf.Object) -> int:
        """The output number of a source object, copied (later, by :meth:`drain`) if new."""
        key = obj.objgen
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = self.target.reserve()
            self.queue.append(obj)
        return number

    def drain(self) -> None:
        """Write every object referred to so far (and those they refer to)."""
        while self.queue:
            obj = self.queue.pop()
            number = self.numbers[obj.objgen]
            if isinstance(obj, pikepdf.Stream):
                entries = b"".join(self._entry(k, v) for k, v in obj.stream_dict.items() if k != "/Length")
                self.target.put_stream(number, entries, obj.read_raw_bytes())
            else:
                self.target.put(number, self.body(obj))

    def direct(self, obj: Any) -> bytes:
        """``obj`` in PDF syntax where it is used: an indirect object becomes a reference.
        (Ordered by how often each kind comes: this runs for every value of a year's book.)"""
        if type(obj) is int:
            return b"%d" % obj
        if isinstance(obj, pikepdf.Object):
            if obj.is_indirect:
                return b"%d 0 R" % self.ref(obj)
            if isinstance(obj, pikepdf.Name):
                return self._name(obj)
        return self.body(obj)

    def body(self, obj: Any) -> bytes:
        """``obj`` itself in PDF syntax; indirect objects inside it become references."""
        if isinstance(obj, pikepdf.Dictionary):
            return b"<<" + b"".join(self._entry(k, v) for k, v in obj.items()) + b">>"
        if isinstance(obj, pikepdf.Array):
            return b"[" + b" ".join(self.direct(v) for v in obj) + b"]"
        return scalar(obj)

    def _entry(self, key: str, value: Any) -> bytes:
        name = _NAMES.get(key)
        if name is None:
            name = _NAMES[key] = bytes(pikepdf.Name(key).unparse())
        return name + b" " + self.direct(value)

    def _name(self, obj: pikepdf.Object) -> bytes:
        key = str(obj)
        name = _NAMES.get(key)
        if name is None:
            name = _NAMES[key] = bytes(obj.unparse())
        return name


_NAMES: dict[str, bytes] = {}
"""names in PDF syntax, by their text (a book writes the same few dozen names a million times)"""


def scalar(value: Any) -> bytes:
    """A direct non-container value in PDF syntax."""
    if value is None:
        return b"null"
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, (Decimal, float)):
        text = format(Decimal(str(value)).normalize(), "f")
        return text.encode("ascii")
    if isinstance(value, (pikepdf.Name, pikepdf.String)):
        return bytes(value.unparse())
    if isinstance(value, bytes):
        return pikepdf.String(value).unparse()
    if isinstance(value, str):
        return pikepdf.String(value).unparse()
    if isinstance(value, pikepdf.Object):
        return bytes(value.unparse())
    raise TypeError(f"cannot write {type(value).__name__} into a PDF")  # pragma: no cover


def ref(number: int) -> bytes:
    return b"%d 0 R" % number
