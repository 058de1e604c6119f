"""Writing a PDF object by object to a file, as the objects come.

The year's book holds tens of thousands of pages and millions of structure
elements at a thousand areas; built in memory it grew by some 6 MB an area. Here
every object is written out as soon as it is ready (each area's part, see
:mod:`.part`, placed by filling its slots), so memory stays that of one area.
Small objects go into compressed object streams of up to
:data:`PER_OBJECT_STREAM` objects, the cross-reference table is a compressed
stream (both allowed by PDF/A-2), and qpdf checks the result in the tests.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from .embed import compressed

PER_OBJECT_STREAM = 1000
"""objects an object stream holds (at most 65,535: a cross-reference row has two bytes for the index)"""
XREF_ROW = 7
"""bytes of a cross-reference row: type, 4-byte offset or object stream, 2-byte index"""
QUEUED = 64
"""streams that may wait behind an object stream being compressed before the caller waits too"""


class Writable(Protocol):
    """Where a PDF is written: a file, or a staged file that digests what it is given."""

    def write(self, data: bytes, /) -> object: ...


class PdfStream:
    """A PDF file being written: numbers are handed out first, objects written when ready.

    With ``background``, object streams are compressed by a thread of its own while the caller
    places the next objects (libdeflate lets go of the interpreter while it compresses, so on
    a second core it costs the caller nothing); streams are still written in the order given.
    The year's book uses it (after one area's edit, the main process places every area's
    objects while nothing else runs); an area's PDF, made in a busy worker, does not."""

    def __init__(self, out: Writable, background: bool = False):
        self.out = out
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="pdf-deflate") if background else None
        self._queue: deque[tuple[int, bytes, bytes | Future[bytes]]] = deque()
        """streams to write, in order; an object stream's data may still be being compressed"""
        self.position = 0
        self.digest = hashlib.sha256()
        self.count = 1
        """the next object number"""
        self.kinds = bytearray(b"\0")
        """by object number: 1 written alone, at ``self.firsts`` (its offset); 2 inside the object
        stream ``self.firsts`` at index ``self.seconds`` (arrays: a million objects in a few MB)"""
        self.firsts = array("I", [0])
        self.seconds = array("I", [0])
        self.pending: list[tuple[int, bytes]] = []
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        return self.reserve_many(1) + 1

    def reserve_many(self, count: int) -> int:
        """``count`` numbers in a row; returns the one before the first (a part's base)."""
        base = self.count - 1
        self.count += count
        self.kinds.extend(bytes(count))
        self.firsts.extend(array("I", bytes(4 * count)))
        self.seconds.extend(array("I", bytes(4 * count)))
        return base

    def _place(self, number: int, kind: int, first: int, second: int) -> None:
        self.kinds[number], self.firsts[number], self.seconds[number] = kind, first, second

    def put(self, number: int, body: bytes) -> None:
        """A non-stream object (its PDF syntax), gathered into the next object stream."""
        self.put_many([(number, body)])

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
        self._queue.append((number, entries, data))
        self._write_ready()

    def _write_ready(self, wait: bool = False) -> None:
        """Write the queued streams in order, up to the first object stream still being
        compressed (unless ``wait``, or too many wait behind it)."""
        queue = self._queue
        while queue:
            number, entries, data = queue[0]
            if isinstance(data, Future):
                if not (wait or data.done() or len(queue) >= QUEUED):
                    return
                data = data.result()
            queue.popleft()
            self._place(number, 1, self.position, 0)
            head = b"%d 0 obj\n<<%s/Length %d>>stream\n" % (number, entries, len(data))
            self._write(head + data + b"\nendstream\nendobj\n")

    def finish(self, root: int, info: int) -> None:
        """Write the last object stream, the cross-reference stream and the trailer."""
        self._flush()
        self._write_ready(wait=True)
        if self._thread is not None:
            self._thread.shutdown()
            self._thread = None
        xref = self.reserve()
        self._place(xref, 1, self.position, 0)
        data = compressed(_png_up(self._xref_table(), XREF_ROW))
        file_id = self.digest.hexdigest()[:32].encode()
        entries = b"/Type/XRef/Size %d/W[1 4 2]/Root %d 0 R/Info %d 0 R/ID[<%s><%s>]/Filter/FlateDecode" % (
            self.count,
            root,
            info,
            file_id,
            file_id,
        )
        entries += b"/DecodeParms<</Predictor 12/Columns %d>>" % XREF_ROW
        start = self.position
        self.put_stream(xref, entries, data)
        self._write(b"startxref\n%d\n%%%%EOF\n" % start)

    def _xref_table(self) -> bytearray:
        """The cross-reference rows, seven bytes each (type, 4-byte offset or object stream, 2-byte
        index), assembled column by column by slice assignment: a million objects in 7 MB and a
        few milliseconds (row by row in Python it was 60 ms for a 42-area book)."""
        missing = self.kinds.find(0, 1)
        assert missing == -1, f"object {missing} was numbered but never written"
        firsts, seconds = array("I", self.firsts), array("H", self.seconds)  # copies: byteswapped below
        if sys.byteorder == "little":
            firsts.byteswap()
            seconds.byteswap()
        wide, narrow = firsts.tobytes(), seconds.tobytes()
        table = bytearray(XREF_ROW * self.count)
        table[0::XREF_ROW] = self.kinds
        for i in range(4):
            table[1 + i :: XREF_ROW] = wide[i::4]
        for i in range(2):
            table[5 + i :: XREF_ROW] = narrow[i::2]
        table[0:XREF_ROW] = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0: the head of the free list
        return table

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
        entries = b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (len(self.pending), len(header))
        self.pending = []
        syntax = header + b"\n".join(bodies) + b"\n"
        data = compressed(syntax) if self._thread is None else self._thread.submit(compressed, syntax)
        self._queue.append((stream, entries, data))
        self._write_ready()

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.position += len(data)


def _png_up(table: bytes | bytearray, row: int) -> bytearray:
    """``table``'s rows of ``row`` bytes with PNG's Up predictor (PDF's Predictor 12): each row
    starts with the filter byte 2 and holds its difference from the row above, byte by byte,
    modulo 256. Consecutive rows differ little (the same object stream, the next index), so
    the compressed table is a third of its size. Taken :data:`PREDICTED_ROWS` rows at a time:
    a book of a thousand areas has 1.7 million rows."""
    out = bytearray()
    rows = len(table) // row
    for start in range(0, rows, PREDICTED_ROWS):
        above = table[(start - 1) * row : start * row] if start else bytes(row)
        out += _up(table[start * row : min(rows, start + PREDICTED_ROWS) * row], above, row)
    return out


PREDICTED_ROWS = 65536


def _up(rows: bytes | bytearray, above: bytes | bytearray, row: int) -> bytearray:
    """Rows with the Up predictor, ``above`` being the row before the first. The differences are
    taken all at once, as one subtraction of two big integers in which every byte has a 16-bit
    lane of its own (0x100 + byte minus the byte above never borrows from the next lane)."""
    size = len(rows)
    lanes = bytearray(b"\x01" * (2 * size))
    lanes[1::2] = rows
    aligned = bytearray(2 * size)
    aligned[1::2] = bytes(above) + bytes(rows[: size - row])
    difference = (int.from_bytes(lanes, "big") - int.from_bytes(aligned, "big")).to_bytes(2 * size, "big")
    out = bytearray((row + 1) * (size // row))
    out[0 :: row + 1] = b"\x02" * (size // row)
    for i in range(row):
        out[1 + i :: row + 1] = difference[2 * i + 1 :: 2 * row]
    return out
