"""Blocks of a sheet → bands: groups of grid rows that paginate as units.

A band holds rows whose cells may span rows only within the band, so a page
break between bands never cuts a merged cell. A table gives a header band and
one band per item (kept together when it fits on a page); a long text is one
band that may be split between lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import Issue, LayoutError, Place, shown
from ..layout.load import LoadedLayout
from ..layout.model import (
    MM,
    CellSpec,
    FieldsBlock,
    HeadingBlock,
    LogicModelBlock,
    NoteBlock,
    PageBreakBlock,
    Rows,
    Sheet,
    SpacerBlock,
    TableBlock,
    TextBlock,
    YearCells,
)
from ..layout.rows import RowAt, expand_rows
from ..plan import CellStyle, Graphic, RowTag
from ..records.model import LOGIC_STAGES, LogicModel, WithYears
from ..yamlsource import Loc
from .compute import compute, partial_notes
from .content import Content, TextContent, cell_content, figure_content, fill_template, text_paragraphs, unknown_field
from .context import Context, Items, UnknownField
from .graphics import GraphicContent, chart_content, image_content, tiles_content


@dataclass(slots=True)
class BandCell:
    """A cell while it is composed: its content, then its lines and the height they need once
    measured; the plan's :class:`~formgen.plan.Cell` is made from it."""

    col: int
    colspan: int
    rowspan: int
    style: CellStyle
    content: Content | GraphicContent
    align: str | None = None
    repeat: bool = False
    """labels: printed again when their row continues on the next page"""
    lines: list[str] = field(default_factory=list)
    need: float = 0.0
    """height the cell's content needs, in points"""
    open_top: bool = False
    open_bottom: bool = False
    header: bool = False
    """a label: a table header cell in the PDF's structure"""
    copy: bool = False
    """a label printed again where its row goes on after a page break"""
    paragraphs: tuple[tuple[int, str, int], ...] = ()
    """(first line, kind, length of its mark) of each paragraph of the text (see plan.Cell)"""

    @property
    def prose(self) -> bool:
        return isinstance(self.content, TextContent) and self.content.prose

    flows_on: bool = False
    """the text goes on in this column at the top of the next page"""
    flows_in: bool = False
    """the text comes from this column at the foot of the previous page"""
    graphic: Graphic | None = None
    """a drawn cell's graphic, sized for the cell"""


@dataclass(slots=True)
class BandRow:
    """A grid row while it is composed: its cells, sized by measuring, cut by pagination."""

    cells: list[BandCell]
    height: float = 0.0
    min_height: float = 0.0
    fixed: bool = False
    """a spacer: exactly ``min_height``"""
    tag: RowTag | None = None
    repeat: bool = False
    """a table's header printed again at the top of a continued page"""
    continued: bool = False
    """the rest of the row above (cut by a page break or the 409 pt limit)"""

    @property
    def lead(self) -> bool:
        """A title row: one cell of one line of text across the row (an item's 【施策1 …】 or
        its name above its texts); a page never ends right after it."""
        return len(self.cells) == 1 and len(self.cells[0].lines) == 1 and isinstance(self.cells[0].content, TextContent)


@dataclass
class Band:
    rows: list[BandRow]
    keep: bool = True
    keep_with_next: bool = False
    header: Band | None = None
    """rows to repeat when this band starts a page (a table's header, a group's heading), after
    their own ``header``"""
    outline: list[tuple[int, str]] = field(default_factory=list)
    """(level, title) bookmarks at the band's first row"""
    page_break: bool = False

    @property
    def height(self) -> float:
        return sum(r.height for r in self.rows)


@dataclass
class SheetBands:
    sheet: Sheet
    columns: list[float]
    """widths in points"""
    title_rows: list[BandRow]
    bands: list[Band]
    repeat_only: list[Band] = field(default_factory=list)
    """bands printed only as repeated headers (a group's 「（続き）」 rows): measured with the rest"""


@dataclass
class YearColumns:
    """The years the layout prints for one item (an indicator, an evidence row)."""

    item: Any
    loc: Loc | None
    years: set[Any] = field(default_factory=set)


class BandBuilder:
    """Builds the bands of one sheet for one record."""

    def __init__(
        self,
        loaded: LoadedLayout,
        sheet: Sheet,
        sheet_index: int,
        ctx: Context,
        year_columns: dict[int, YearColumns],
        notes: list[Issue],
    ):
        self.loaded = loaded
        self.sheet = sheet
        self.ctx = ctx
        self.base_loc: Loc = ("sheets", sheet_index)
        self.ncols = len(sheet.columns)
        self.year_columns = year_columns
        """every item printed in year columns, by id, with the years printed (for all sheets)"""
        self.notes = notes
        """figures the computed totals had to leave out (for all sheets)"""
        self.repeat_only: list[Band] = []
        self._years: dict[tuple[int, int], tuple[Context, Context]] = {}
        """year contexts made, by (id of the item's context, year offset), with the context itself
        (an id is only reused once its object is gone: the kept context prevents that)"""

    # ----- helpers

    def place(self, loc: Loc) -> Place:
        return self.loaded.place(loc)

    def style(self, name: str) -> CellStyle:
        return self.loaded.styles[name]

    def rows(self, specs: Rows, ctx: Context, loc: Loc) -> list[BandRow]:
        """Lay the cells of ``specs`` on the grid, left to right, skipping columns covered from above."""
        expanded = expand_rows(specs, loc)
        occupied: list[set[int]] = [set() for _ in expanded]
        out: list[BandRow] = []
        for r, spec in enumerate(expanded):
            row_ctx = self.at_year(ctx, spec.year) if spec.year is not None else ctx
            row = BandRow([])
            col = 0
            for cell_loc, cell, cell_ctx in self._expand(spec, row_ctx):
                while col in occupied[r]:
                    col += 1
                style = self.style(cell.default_style())
                content = self.content(cell, cell_ctx, style, self.place(cell_loc))
                label = cell.label is not None
                row.cells.append(
                    BandCell(col, cell.span, cell.rows, style, content, cell.align, repeat=label, header=label)
                )
                for below in range(r + 1, min(r + cell.rows, len(expanded))):
                    occupied[below].update(range(col, col + cell.span))
                col += cell.span
                row.min_height = max(row.min_height, style.min_height)
            out.append(row)
        return out

    def content(self, cell: CellSpec, ctx: Context, style: CellStyle, place: Place) -> Content | GraphicContent:
        if cell.image is not None:
            return image_content(cell, ctx, place, self.loaded.images)
        if cell.sdg_tiles is not None:
            return tiles_content(cell, ctx, place, self.loaded.face(replace(style, bold=True)))
        if cell.chart is not None:
            return chart_content(cell, ctx, style, place, self.at_year)
        if not cell.computed:
            content = cell_content(cell, ctx, style.number_format, place)
            if content.note is not None:
                self.notes.append(content.note)
            return content
        figure = compute(cell, ctx)
        mark = ctx.words.partial
        self.notes.extend(partial_notes(figure, ctx, mark))
        return figure_content(figure, cell, style.number_format, place, mark)

    def at_year(self, ctx: Context, offset: int) -> Context:
        """The context of a year column (or a year's row), remembering which years an item prints.
        An item's rows ask for the same years again and again: each is made once."""
        made = self._years.get((id(ctx), offset))
        if made is not None and made[0] is ctx:
            return made[1]
        year = self.ctx.record.fiscal_year + offset
        item = ctx.scopes[0]
        if isinstance(item.obj, WithYears):
            printed = self.year_columns.setdefault(id(item.obj), YearColumns(item.obj, item.loc))
            printed.years.add(year)
        self._years[(id(ctx), offset)] = (ctx, ctx.at_year(year))
        return self._years[(id(ctx), offset)][1]

    def _expand(self, row: RowAt, ctx: Context) -> list[tuple[Loc, CellSpec, Context]]:
        out: list[tuple[Loc, CellSpec, Context]] = []
        for i, item in enumerate(row.cells):
            if isinstance(item, YearCells):
                for offset in item.offsets():
                    year_ctx = self.at_year(ctx, offset)
                    for j, cell in enumerate(item.cells):
                        out.append((row.loc + (i, "cells", j), cell, year_ctx))
            else:
                out.append((row.loc + (i,), item, ctx))
        return out

    def full_width_text(self, text: str, style_name: str, loc: Loc) -> BandRow:
        place = self.place(loc)
        content = TextContent(text_paragraphs(fill_template(self.ctx, text, place)), place)
        style = self.style(style_name)
        return BandRow([BandCell(0, self.ncols, 1, style, content)], min_height=style.min_height)

    def items(self, path: str, loc: Loc) -> tuple[list[Any], Loc | None]:
        try:
            found = self.ctx.lookup(path)
        except UnknownField as exc:
            raise unknown_field(self.place(loc), exc) from None
        value = found.value
        if value is None:
            return [], found.loc
        if not isinstance(value, list):
            raise LayoutError([self.place(loc).issue(f"{shown(path)} is not a list")])
        return value, found.loc

    # ----- blocks

    def build(self) -> SheetBands:
        columns = pixel_columns([w * MM for w in self.sheet.columns])
        title_rows = self.rows(self.sheet.title_rows, self.ctx, self.base_loc + ("title_rows",))
        _tag(title_rows, RowTag(-1, "title", level=1))
        bands: list[Band] = []
        titled = any(isinstance(c.content, TextContent) and c.content.paragraphs for r in title_rows for c in r.cells)
        levels = _HeadingLevels(first=not titled)
        for b, block in enumerate(self.sheet.blocks):
            loc = self.base_loc + ("blocks", b)
            made = self.block(block, loc)
            if isinstance(block, HeadingBlock):
                _tag(made[0].rows, RowTag(b, "heading", level=levels.next(block)))
            elif not isinstance(block, (TableBlock, LogicModelBlock)):
                kinds = {NoteBlock: "note", SpacerBlock: "spacer", FieldsBlock: "fields", TextBlock: "text"}
                for band in made:
                    _tag(band.rows, RowTag(b, kinds.get(type(block), "note")))  # type: ignore[arg-type]
            else:
                for band in made:
                    _tag(band.rows, RowTag(b, "table", "item"))  # parts the table has not tagged itself
            bands.extend(made)
        return SheetBands(self.sheet, columns, title_rows, bands, self.repeat_only)

    def block(self, block: Any, loc: Loc) -> list[Band]:
        if isinstance(block, HeadingBlock):
            heading = Band([self.full_width_text(block.text, block.style, loc + ("text",))], keep_with_next=True)
            if block.bookmark:
                heading.outline.append((1 if block.bookmark is True else int(block.bookmark), _band_text(heading)))
            return [heading]
        if isinstance(block, NoteBlock):
            return [Band([self.full_width_text(block.text, block.style, loc + ("text",))], keep=block.keep_together)]
        if isinstance(block, SpacerBlock):
            return [Band([BandRow([], min_height=block.height * MM, fixed=True)], keep=True)]
        if isinstance(block, PageBreakBlock):
            return [Band([], page_break=True)]
        if isinstance(block, FieldsBlock):
            return [Band(self.rows(block.rows, self.ctx, loc + ("rows",)), keep=block.keep_together)]
        if isinstance(block, TextBlock):
            return [self.text_block(block, loc)]
        if isinstance(block, TableBlock):
            return self.table(block, loc)
        if isinstance(block, LogicModelBlock):
            return self.logic_models(block, loc)
        raise AssertionError(f"unknown block {block!r}")  # pragma: no cover

    def text_block(self, block: TextBlock, loc: Loc) -> Band:
        cell = CellSpec(value=block.value, text=block.text, style=block.style, missing=block.missing)
        place = self.place(loc + ("value" if block.value else "text",))
        style = self.style(block.style)
        content = cell_content(cell, self.ctx, style.number_format, place)
        if block.label is None:
            return Band([BandRow([BandCell(0, self.ncols, 1, style, content)])], keep=block.keep_together)
        label_style = self.style(block.label_style)
        label_place = self.place(loc + ("label",))
        label = TextContent(text_paragraphs(fill_template(self.ctx, block.label, label_place)), label_place)
        if block.label_position == "top":
            rows = [
                BandRow([BandCell(0, self.ncols, 1, label_style, label, repeat=True)]),
                BandRow([BandCell(0, self.ncols, 1, style, content)]),
            ]
            return Band(rows, keep=block.keep_together)
        span = block.label_span
        row = BandRow(
            [
                BandCell(0, span, 1, label_style, label, repeat=True),
                BandCell(span, self.ncols - span, 1, style, content),
            ]
        )
        return Band([row], keep=block.keep_together)

    def table(self, block: TableBlock, loc: Loc) -> list[Band]:
        items, items_loc = self.items(block.items, loc + ("items",))
        bands: list[Band] = []
        header = (
            Band(self.rows(block.header, self.ctx, loc + ("header",)), keep=True, keep_with_next=True)
            if block.header
            else None
        )
        b = int(loc[-1])
        if header:
            _tag(header.rows, RowTag(b, "table", "header"))
            bands.append(header)
        if not items:
            if block.empty:
                empty = Band(self.rows(block.empty, self.ctx, loc + ("empty",)), keep=True, header=header)
                _tag(empty.rows, RowTag(b, "table", "empty"))
                bands.append(empty)
            return bands
        indexed = list(enumerate(items))
        if block.group_by:
            groups = self._groups(indexed, block.group_by, loc + ("group_by",))
        else:
            groups = [(None, indexed)]
        # each item a table of its own: no header rows, and the item's rows hold their own labels
        item_rows = expand_rows(block.row, loc + ("row",))
        card = not block.header and any(
            isinstance(c, CellSpec) and c.label is not None for r in item_rows for c in r.cells
        )
        starts: list[int] = []
        """where each item's bands begin (its header and group rows included): page breaks go there"""
        for _, members in groups:
            item_header = header
            starts.append(len(bands) - (1 if header and len(bands) == 1 else 0))
            gctx = self.ctx.child(members[0][1], _item_loc(items_loc, members[0][0]))
            if block.group:
                group_band = Band(
                    self.rows(block.group, gctx, loc + ("group",)), keep=True, keep_with_next=True, header=header
                )
                _tag(group_band.rows, RowTag(b, "table", "group"))
                if block.group_bookmark:
                    level = 2 if block.group_bookmark is True else int(block.group_bookmark)
                    group_band.outline.append((level, _band_text(group_band)))
                bands.append(group_band)
                if block.group_continued is None:
                    item_header = group_band
                elif block.group_continued:
                    rows = self.rows(block.group_continued, gctx, loc + ("group_continued",))
                    _tag(rows, RowTag(b, "table", "group"))
                    item_header = Band(rows, keep=True, header=header)
                    self.repeat_only.append(item_header)
            for position, (index, item) in enumerate(members):
                if position:
                    starts.append(len(bands))
                ictx = self.ctx.child(item, _item_loc(items_loc, index))
                band = Band(self.rows(block.row, ictx, loc + ("row",)), keep=True, header=item_header)
                _tag(band.rows, RowTag(b, "table", "item", items=block.items, item=index, card=card))
                if block.item_bookmark:
                    title = fill_template(ictx, block.item_bookmark, self.place(loc + ("item_bookmark",)))
                    band.outline.append((2, title))
                bands.append(band)
            if block.group_total:
                totals = gctx.child({"items": _items(members, items_loc)}, None)
                bands.append(self.total(block.group_total, totals, loc + ("group_total",), bands[-1], item_header))
        if block.total:
            totals = self.ctx.child({"items": _items(indexed, items_loc)}, None)
            bands.append(self.total(block.total, totals, loc + ("total",), bands[-1], header))
        if block.keep_together:
            for band in bands[:-1]:
                band.keep_with_next = True
        if block.page_per_item:  # the first item follows what leads to the table
            for start in reversed(starts[1:]):
                bands.insert(start, Band([], page_break=True))
        return bands

    def total(self, rows: Rows, ctx: Context, loc: Loc, last: Band, header: Band | None) -> Band:
        """Total rows, kept on the page of the last item they add up."""
        last.keep_with_next = True
        band = Band(self.rows(rows, ctx, loc), keep=True, header=header)
        _tag(band.rows, RowTag(int(loc[-2]), "table", "total"))
        return band

    def _groups(
        self, indexed: list[tuple[int, Any]], key_path: str, loc: Loc
    ) -> list[tuple[Any, list[tuple[int, Any]]]]:
        keyed = []
        for index, item in indexed:
            try:
                key = self.ctx.child(item, None).lookup(key_path).value
            except UnknownField as exc:
                raise unknown_field(self.place(loc), exc) from None
            keyed.append((key, (index, item)))
        order: dict[Any, list[tuple[int, Any]]] = {}
        for key, entry in keyed:
            order.setdefault(key, []).append(entry)
        return list(order.items())

    def logic_models(self, block: LogicModelBlock, loc: Loc) -> list[Band]:
        models, models_loc = self.items(block.items, loc + ("items",))
        bands: list[Band] = []
        for index, model in enumerate(models):
            if not isinstance(model, LogicModel):
                raise LayoutError(
                    [self.place(loc + ("items",)).issue(f"{shown(block.items)} is not a list of logic models")]
                )
            mctx = self.ctx.child(model, _item_loc(models_loc, index))
            b = int(loc[-1])
            if block.title:
                title = Band(self.rows(block.title, mctx, loc + ("title",)), keep=True, keep_with_next=True)
                _tag(title.rows, RowTag(b, "table", "group", table=index))
                bands.append(title)
            header = None
            if block.header:
                header = Band(self.rows(block.header, mctx, loc + ("header",)), keep=True, keep_with_next=True)
                _tag(header.rows, RowTag(b, "table", "header", table=index))
                bands.append(header)
            body = Band(self._logic_rows(block, model, mctx, loc), keep=block.keep_together, header=header)
            _tag(body.rows, RowTag(b, "table", "item", table=index))
            bands.append(body)
        return bands

    def _logic_rows(self, block: LogicModelBlock, model: LogicModel, ctx: Context, loc: Loc) -> list[BandRow]:
        nrows = len(model.projects)
        rows = [BandRow([]) for _ in range(nrows)]
        col = 0
        for c, spec in enumerate(block.columns):
            cell_loc = loc + ("columns", c)
            place = self.place(cell_loc)
            style = self.style(spec.default_style())
            stage = spec.value
            if stage == "projects":
                spans = [(r, 1, text) for r, text in enumerate(model.projects)]
            elif stage in LOGIC_STAGES:
                spans = [(s.row, s.rows, s.text) for s in model.spans(stage)]
            else:
                raise LayoutError(
                    [
                        place.issue(
                            f"a logic-model column is one of projects, {', '.join(LOGIC_STAGES)}; got {shown(stage)}"
                        )
                    ]
                )
            covered = 0
            for r, span, text in spans:
                data_place = ctx.place_of(ctx.scopes[0].loc + (stage,)) if ctx.scopes[0].loc is not None else place
                content = TextContent(text_paragraphs(text, spec.bullet), data_place, prose=True)
                rows[r].cells.append(BandCell(col, spec.span, min(span, nrows - r), style, content, spec.align))
                covered = r + span
            for r in range(covered, nrows):  # a column left short still gets its grid cells
                rows[r].cells.append(BandCell(col, spec.span, 1, style, TextContent([], place)))
            col += spec.span
        for row in rows:
            row.cells.sort(key=lambda c: c.col)
        return rows


PIXEL = 0.75
"""one screen pixel at 96 dpi, in points: spreadsheets size columns in whole pixels"""


def _tag(rows: list[BandRow], tag: RowTag) -> None:
    """Say what the rows are part of; rows a table has tagged already keep their tag."""
    for row in rows:
        if row.tag is None:
            row.tag = tag


@dataclass
class _HeadingLevels:
    """Heading levels of a sheet: its first heading is its title (1), a bookmarked heading is one
    below its bookmark's level, any other one below the last bookmarked heading."""

    first: bool
    section: int = 1
    last: int = 1
    """the level of the heading before: the next is at most one deeper"""

    def next(self, block: HeadingBlock) -> int:
        if block.level is not None:
            level = block.level
        elif self.first:
            level = 1
        elif block.bookmark:
            level = 1 + (1 if block.bookmark is True else int(block.bookmark))
        else:
            level = self.section + 1
        level = min(level, self.last + 1, 6)
        if block.bookmark or self.first:
            self.section = level
        self.first = False
        self.last = level
        return level


def pixel_columns(widths: list[float]) -> list[float]:
    """Column widths as whole pixels, rounding the column edges so the total never grows."""
    out: list[float] = []
    edge = 0.0
    placed = 0
    for width in widths:
        edge += width
        right = int(edge / PIXEL + 1e-6)
        out.append((right - placed) * PIXEL)
        placed = right
    return out


def _item_loc(items_loc: Loc | None, index: int) -> Loc | None:
    return None if items_loc is None else items_loc + (index,)


def _items(indexed: list[tuple[int, Any]], items_loc: Loc | None) -> Items:
    return Items([item for _, item in indexed], [_item_loc(items_loc, index) for index, _ in indexed])


def _band_text(band: Band) -> str:
    """The text of a band's first cell with text, on one line (a bookmark's title)."""
    for row in band.rows:
        for cell in row.cells:
            if isinstance(cell.content, TextContent) and cell.content.paragraphs:
                return " ".join(p.first + p.text for p in cell.content.paragraphs).strip()
    return ""
