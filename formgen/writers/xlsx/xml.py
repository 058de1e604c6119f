"""SpreadsheetML's small syntax: escaping, column letters, cell references."""

from __future__ import annotations

import re
from functools import cache

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
"""the namespace of relationship types and of r:id attributes"""
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

_ATTRIBUTE = str.maketrans({"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\n": "&#xA;"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")


def attribute(value: str) -> str:
    """``value`` inside double quotes."""
    return value.translate(_ATTRIBUTE)


def text(value: str) -> str:
    """``value`` as element content, as Excel reads it back: control characters as _xHHHH_ (XML
    cannot hold them) and a literal _xHHHH_ escaped so that it reads as itself, then &, < and >
    as entities (cell texts, headers, properties, chart labels alike)."""
    if "_x" in value:
        value = _ESCAPE_LIKE.sub(r"_x005F\1", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    # three searches rather than str.translate, which looks every character up in a dict: a
    # narrative's thousand characters 10 µs, most of the shared strings' escaping
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


_NOT_NAME = re.compile(r"[^\w.]")
_DIGIT_OR_DOT = re.compile(r"[\d.]")
_REFERENCE = re.compile(r"([A-Z]{1,3})(\d+)")
_R1 = re.compile(r"R(\d+)")
_C1 = re.compile(r"R?C(\d+)")


@cache
def sheet_reference(name: str) -> str:
    """A sheet's name as a formula names it (``'令和7年度 評価'!$A$1``): quoted, inner quotes
    doubled, when it holds anything but letters, digits, _ and ., starts with a digit or a dot, or
    could be read as a cell (A1, XFD1048576, R1C1, R2, C3, RC). XlsxWriter's rules, but a name
    with an emoji is always quoted (quoting is never wrong in Excel; XlsxWriter leaves some
    unquoted): the same text for every other name (tests/test_xlsx_parts.py)."""
    upper = name.upper()
    if name.startswith("'"):
        quoted = False
    elif _NOT_NAME.search(name) or _DIGIT_OR_DOT.match(name):
        quoted = True
    elif cell := _REFERENCE.fullmatch(upper):
        letters, digits = cell.groups()
        quoted = _column_number(letters) <= MAX_COLUMNS and 0 < int(digits) <= MAX_ROWS
    elif row := _R1.match(upper):
        quoted = 0 < int(row.group(1)) <= MAX_ROWS
    elif col := _C1.match(upper):
        quoted = 0 < int(col.group(1)) <= MAX_COLUMNS
    else:
        quoted = upper in ("R", "C", "RC")
    return "'" + name.replace("'", "''") + "'" if quoted else name


def _column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@cache
def column(index: int) -> str:
    """Column letters of a zero-based index: 0 → A, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell(row: int, col: int) -> str:
    """A1-style reference of zero-based (row, col)."""
    return f"{column(col)}{row + 1}"


def absolute(row: int, col: int) -> str:
    """$A$1-style reference of zero-based (row, col)."""
    return f"${column(col)}${row + 1}"
