"""The PDF's logical structure (PDF/UA): what each piece of a page is, built from the plan.

The composer says what every row and cell is (a heading of some level, a table's
header row or item, a label, a paragraph of a narrative, a bullet); here that
becomes a tree of structure elements — Sect per sheet, H1–H6, Table / THead /
TBody / TR / TH / TD, P, L / LI / Lbl / LBody, Figure — whose leaves are marked
content on the pages. A table that continues on the next page stays one Table,
a text that flows on stays one P; header rows printed again, labels printed
again, borders, fills and the running header and footer are artifacts.

The tree refers to pages as drawn (:class:`Marked` holds the page's body), so the
year's book reuses an area's tree as it reuses its pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...plan import Cell, Row, RowTag, SheetPlan

Kid = "Node | Marked | AnnotRef"


@dataclass(eq=False, slots=True)
class Node:
    """A structure element: its standard type, children in reading order, attributes."""

    role: str
    kids: list[Any] = field(default_factory=list)
    attributes: list[dict[str, Any]] = field(default_factory=list)
    """attribute objects, e.g. {"O": "Table", "Scope": "Column"}"""
    alt: str | None = None
    title: str | None = None
    id: str | None = None

    def add(self, role: str, **kwargs: Any) -> Node:
        node = Node(role, **kwargs)
        self.kids.append(node)
        return node


@dataclass(eq=False, slots=True)
class Marked:
    """A marked-content sequence: ``mcid`` on the page drawn as ``page`` (a PageBody)."""

    page: Any
    mcid: int


@dataclass(frozen=True, eq=False)
class AnnotRef:
    """An annotation of a page (a link), as the structure's object reference."""

    page: Any
    index: int


@dataclass(slots=True)
class Flow:
    """Where the next paragraphs of a text go: a container (TD, Sect, LBody) and the lists and
    paragraph now open in it, kept across pages while the text flows on."""

    container: Node
    items: Node | None = None
    """the L of the 【n】 items"""
    body: Node | None = None
    """the LBody of the current 【n】 item: paragraphs after its title go there"""
    bullets: Node | None = None
    """the L of the current run of bullets"""
    current: Node | None = None
    """the element receiving the current paragraph's lines"""

    def paragraph(self, kind: str, mark: int) -> tuple[Node | None, Node]:
        """Open the element for a paragraph of ``kind``; returns (its label element or None, the
        element for its text)."""
        if kind == "title":
            if self.items is None:
                self.items = self.container.add("L", attributes=[{"O": "List", "ListNumbering": "Decimal"}])
            item = self.items.add("LI")
            label = item.add("Lbl")
            self.body = item.add("LBody")
            self.bullets = None
            self.current = self.body.add("P")
            return label, self.current
        target = self.body or self.container
        if kind == "more" and self.current is not None:
            return None, self.current
        if mark:  # a bullet or a dated line with its mark
            if self.bullets is None:
                self.bullets = target.add("L", attributes=[{"O": "List", "ListNumbering": "Disc"}])
            item = self.bullets.add("LI")
            label = item.add("Lbl")
            self.current = item.add("LBody").add("P")
            return label, self.current
        self.bullets = None
        self.current = target.add("P")
        return None, self.current

    def go_on(self) -> Node:
        """The element for lines that carry on the paragraph begun above (in another cell)."""
        if self.current is None:
            self.current = (self.body or self.container).add("P")
        return self.current


@dataclass
class _Table:
    node: Node
    head: Node | None = None
    body: Node | None = None
    row: Node | None = None
    """the TR that continued rows go on with"""
    row_of: int = 0
    """the id of the plan row ``row`` was made for"""
    cells: dict[int, tuple[Node, Flow]] = field(default_factory=dict)
    """column → the TD (or TH) of the current row there, with its text's flow"""


class SheetTagger:
    """Builds one sheet's part of the tree while its pages are drawn, row by row."""

    def __init__(self, sheet: SheetPlan, parent: Node):
        self.sheet = sheet
        self.sect = parent.add("Sect", title=sheet.title)
        self.tables: dict[tuple[int, int, int], _Table] = {}
        self.flows: dict[tuple[int, int], Flow] = {}
        """(block, column) → the flow of a text outside tables (a note, a text block)"""
        self.count = 0
        self.titled = False
        """whether the sheet's title rows gave its H1"""

    def table(self, tag: RowTag) -> _Table:
        key = (tag.block, tag.table, tag.item if tag.card else -1)
        found = self.tables.get(key)
        if found is None:
            self.count += 1
            node = self.sect.add("Table")
            found = self.tables[key] = _Table(node)
        return found

    def cell_target(self, row: Row, cell: Cell, page_rows: list[Row], r: int) -> Flow | Node | None:
        """Where a cell's content goes: a Flow (paragraphs), a Node (a heading, a header cell),
        or None (an artifact: repeated, copied, or nothing to say)."""
        tag = row.tag
        if tag is None or row.repeat or cell.copy or tag.kind == "spacer":
            return None
        if tag.kind == "title":  # the sheet's title rows: their first text is its H1
            if cell.graphic is None and cell.lines and not self.titled:
                self.titled = True
                return Node("H1")
            return Flow(self.sect)
        if tag.kind == "heading":
            return Node(f"H{tag.level}")  # added by the caller when it has content
        if tag.kind in ("note",) or (tag.kind == "text" and len(row.cells) == 1 and not cell.header):
            key = (tag.block, cell.col)
            flow = self.flows.get(key)
            if flow is None or not (cell.flows_in or cell.open_top):
                flow = self.flows[key] = Flow(self.sect)
            return flow
        return self._table_cell(tag, row, cell, page_rows, r)

    def _table_cell(self, tag: RowTag, row: Row, cell: Cell, page_rows: list[Row], r: int) -> Flow | Node:
        table = self.table(tag)
        if (cell.flows_in or cell.open_top or row.continued) and cell.col in table.cells:
            node, flow = table.cells[cell.col]
            node_span = _logical_rows(page_rows, r, cell.rowspan)
            if row.continued and node_span > 1:
                _set(node, "RowSpan", _get(node, "RowSpan", 1) + node_span - 1)
            return flow if cell.prose else node
        if table.row is None or (not row.continued and table.row_of != id(row)):
            table.row_of = id(row)
            if tag.part == "header":
                table.head = table.head or table.node.add("THead")
                table.row = table.head.add("TR")
            else:
                if table.body is None:
                    table.body = table.node.add("TBody")
                table.row = table.body.add("TR")
        assert table.row is not None
        role = "TH" if cell.header else "TD"
        attrs: dict[str, Any] = {"O": "Table"}
        if cell.header:
            attrs["Scope"] = "Column" if all(c.header for c in row.cells) else "Row"
        span = _logical_rows(page_rows, r, cell.rowspan)
        if span > 1:
            attrs["RowSpan"] = span
        if cell.colspan > 1:
            attrs["ColSpan"] = cell.colspan
        node = table.row.add(role, attributes=[attrs] if len(attrs) > 1 else [])
        flow = Flow(node)
        table.cells[cell.col] = (node, flow)
        return flow if cell.prose and not cell.header else node  # a value is read as it is


def _logical_rows(rows: list[Row], r: int, span: int) -> int:
    """Rows a cell spans, not counting rows that only go on with the one above."""
    return sum(1 for row in rows[r : r + span] if not row.continued) or 1


def _get(node: Node, key: str, default: Any) -> Any:
    for attrs in node.attributes:
        if key in attrs:
            return attrs[key]
    return default


def _set(node: Node, key: str, value: Any) -> None:
    for attrs in node.attributes:
        if attrs.get("O") == "Table":
            attrs[key] = value
            return
    node.attributes.append({"O": "Table", key: value})
