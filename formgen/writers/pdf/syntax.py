"""PDF's object syntax for the few kinds of value formgen writes: names, numbers, text strings.

Every object of formgen's PDFs is written as bytes (:mod:`.stream`), so these three rules
are all the syntax it needs (ISO 32000-1, 7.3). pikepdf (qpdf) reads the files back in the
tests; it is not needed to write them.
"""

from __future__ import annotations

from functools import cache, lru_cache

_DELIMITERS = frozenset(b"()<>[]{}/%#")
_ESCAPES = {ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)", ord("\r"): "\\r", ord("\n"): "\\n"}


@cache
def name(value: str) -> bytes:
    """``/Name``: bytes outside the printable ASCII range, and delimiters, written #xx."""
    out = bytearray(b"/")
    for byte in value.encode("utf-8"):
        if 0x21 <= byte <= 0x7E and byte not in _DELIMITERS:
            out.append(byte)
        else:
            out += b"#%02X" % byte
    return bytes(out)


def text(value: str) -> bytes:
    """A text string: a literal ``(…)`` when it is printable ASCII, else UTF-16BE with its byte
    order mark, in hex (``<FEFF…>``), as PDF asks of text outside PDFDocEncoding."""
    if value.isascii() and all(c >= " " or c in "\r\n" for c in value):
        return b"(" + value.translate(_ESCAPES).encode("ascii") + b")"
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


@lru_cache(maxsize=8192)
def num(value: float) -> str:
    """A number in points or a width: an integer, or up to two decimals without trailing zeros
    (a hundredth of a point is far below what any printer shows); as page operators write it.
    Remembered: an area's pages ask some 6,000 times for about 400 distinct values (columns,
    rows, baselines), and a lookup costs a fifth of formatting."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def number(value: float) -> bytes:
    """:func:`num` as object syntax."""
    return num(value).encode("ascii")


def ref(number: int) -> bytes:
    return b"%d 0 R" % number
