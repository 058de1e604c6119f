"""compose: layout × record → plan (stage 4 of the pipeline).

All geometry and pagination is decided here, once; see :mod:`formgen.plan`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..errors import InputError, Issue, LayoutError, Place
from ..fonts import FontFace, glyph_problem
from ..layout.load import LoadedLayout
from ..layout.model import MM, HeaderFooter
from ..plan import Cell, DocumentPlan, HeaderFooterPlan, OutlineEntry, PageSetup, Row, SheetPlan, filled
from ..yamlsource import Loc, Source
from .bands import BandBuilder, BandCell, BandRow, SheetBands, YearColumns
from .content import NumberContent, TextContent, fill_template, unknown_field
from .context import Context, Root, Scope, UnknownField, placeholders
from .graphics import GraphicContent
from .measure import Measurer, measure_rows
from .paginate import EMPTY_SHARE, paginate
from .yearnotes import unprinted_years

SAFETY = 12.0
"""points kept free at the bottom of each page. LibreOffice prints a workbook's body about
7 pt shorter than its margins say (its header and footer areas grow beyond the margins to
fit their text) and rounds row heights a little; without this room the last row of a full
page moves onto a page of its own."""


def compose(
    loaded: LoadedLayout, record: Root, item: Scope | None = None, source: Source | None = None
) -> DocumentPlan:
    """Lay out ``record`` (an area's, or the book's contents) with ``loaded``: every line, row
    height and page break. With ``item`` (one project of the record), the document is that
    item's: its fields are looked up first.
    ``source``: the YAML the record was read from, so that messages name its lines."""
    layout = loaded.layout
    ctx = Context.of(record, loaded.binding.texts, loaded.binding.words, source)
    if item is not None:
        ctx = ctx.child(item.obj, item.loc)
    page = _page_setup(loaded)
    measurer = loaded.cache.setdefault("measurer", Measurer(loaded))
    sheets: list[SheetPlan] = []
    year_columns: dict[int, YearColumns] = {}
    partial: list[Issue] = []
    unprintable: list[InputError] = []
    texts: list[BandCell] = []
    for index, sheet in enumerate(layout.sheets):
        if _left_out(loaded, ctx, index):
            continue
        built = BandBuilder(loaded, sheet, index, ctx, year_columns, partial).build()
        problems = _measure(measurer, built)
        if problems:  # the other sheets are measured too, so every such problem is named at once
            unprintable.extend(problems)
            continue
        sheets.append(_sheet_plan(loaded, ctx, built, index, page))
        if layout.page.max_pages is not None:  # for the message when the output is too long
            texts += [c for band in built.bands for row in band.rows for c in row.cells if _from_data(c, source)]
    furniture: dict[str, HeaderFooterPlan] = {}
    for part in ("header", "footer"):
        try:
            spec = getattr(layout.page, part)
            furniture[part] = _header_footer(loaded, ctx, spec, _place(loaded, None, "page", part), page)
        except InputError as exc:
            unprintable.append(exc)
    if unprintable:
        kinds = {type(exc) for exc in unprintable}
        error = kinds.pop() if len(kinds) == 1 else InputError
        raise error(list(dict.fromkeys(issue for exc in unprintable for issue in exc.issues)))
    info = layout.document
    place = _place(loaded, None)
    return DocumentPlan(
        title=fill_template(ctx, info.title, place),
        subject=fill_template(ctx, info.subject, place),
        author=fill_template(ctx, info.author, place),
        keywords=[fill_template(ctx, k, place) for k in info.keywords],
        language=info.language,
        page=page,
        header=furniture["header"],
        footer=furniture["footer"],
        fonts=loaded.fonts,
        styles=loaded.styles,
        sheets=sheets,
        notes=unprinted_years(ctx, year_columns.values(), loaded.path.name) + list(dict.fromkeys(partial)),
        too_long=_too_long(loaded, ctx, sum(sheet.pages for sheet in sheets), texts),
    )


def _left_out(loaded: LoadedLayout, ctx: Context, index: int) -> bool:
    """Whether a sheet is left out: its ``skip_if_empty`` list is empty for this record."""
    path = loaded.layout.sheets[index].skip_if_empty
    if not path:
        return False
    try:
        return not ctx.lookup(path).value
    except UnknownField as exc:
        raise unknown_field(loaded.place(("sheets", index, "skip_if_empty")), exc) from None


def _measure(measurer: Measurer, built: SheetBands) -> list[InputError]:
    """Break every cell of a sheet into lines; what cannot be (a character the font lacks, a
    column too narrow) is returned, cell by cell."""
    problems: list[InputError] = []
    for rows in [built.title_rows] + [band.rows for band in built.bands + built.repeat_only]:
        problems.extend(measure_rows(measurer, rows, built.columns))
    return problems


def _sheet_plan(loaded: LoadedLayout, ctx: Context, built: SheetBands, index: int, page: PageSetup) -> SheetPlan:
    """A measured sheet paginated: its rows, page starts and bookmarks."""
    title_height = sum(r.height for r in built.title_rows)
    if title_height > page.body_height / 2:
        raise LayoutError(
            [
                _place(loaded, index).issue(
                    f"its title rows are {title_height:.0f} pt tall and would fill most of every page "
                    f"({page.body_height:.0f} pt); shorten them"
                )
            ]
        )
    # at most 40 % of a page's body left empty, the strip kept free at its foot counted as empty
    most_empty = EMPTY_SHARE * page.body_height - SAFETY
    paged = paginate(built.bands, page.body_height - title_height - SAFETY, _place(loaded, index), most_empty)
    _link_charts(built.title_rows, [r for page_rows in paged.pages for r in page_rows])
    rows: list[Row] = []
    starts: list[int] = []
    for page_rows in paged.pages:
        starts.append(len(rows))
        rows.extend(_plan_row(r) for r in page_rows)
    sheet = built.sheet
    title = fill_template(ctx, sheet.title or sheet.name, _place(loaded, index))
    # bookmark levels as the layout gives them may skip (a sheet whose only
    # bookmarks are level-2 groups): number them densely under the sheet's own
    levels = {level: rank for rank, level in enumerate(sorted({e[2] for e in paged.outline}), start=1)}
    outline = [OutlineEntry(0, 0, title)] + [
        OutlineEntry(starts[p] + r, levels[level], text) for p, r, level, text in paged.outline
    ]
    title_rows = [_plan_row(r) for r in built.title_rows]
    return SheetPlan(sheet.name, title, built.columns, title_rows, rows, starts, outline)


def _too_long(loaded: LoadedLayout, ctx: Context, pages: int, texts: list[BandCell]) -> Issue | None:
    """An output longer than the layout's ``page.max_pages``: the data's mistake, named at its
    item (a project) or its record, with its tallest text."""
    most = loaded.layout.page.max_pages
    if most is None or pages <= most:
        return None
    loc = next((scope.loc for scope in ctx.scopes if scope.loc), ())
    where = ctx.place_of(loc) if loc else replace(ctx.place_of(()), line=None, field="")
    message = f"takes {pages} pages, but {loaded.path.name} allows {most} (page.max_pages): shorten its texts"
    if texts:
        tallest = max(texts, key=lambda cell: cell.need).content.place
        message += f"; the longest is {tallest.field} (line {tallest.line})"
    return where.issue(message)


def _from_data(cell: BandCell, source: Source | None) -> bool:
    """Whether a cell holds a text of the data file (not the layout's own)."""
    content = cell.content
    return source is not None and isinstance(content, TextContent) and content.place.file == source.path


def _place(loaded: LoadedLayout, sheet: int | None, *loc: str) -> Place:
    return loaded.place(("sheets", sheet) if sheet is not None else (loc or ("document",)))


def _page_setup(loaded: LoadedLayout) -> PageSetup:
    page = loaded.layout.page
    width, height = page.size_mm()
    m = page.margins
    return PageSetup(
        width=width * MM,
        height=height * MM,
        top=m.top * MM,
        bottom=m.bottom * MM,
        left=m.left * MM,
        right=m.right * MM,
        header=m.header * MM,
        footer=m.footer * MM,
    )


MIN_HEADER_SIZE = 5.0
"""points: a header or footer too long for the page is set smaller, down to this"""
HEADER_GAP = 12.0
"""points between the header's (or footer's) left, centre and right texts"""


def _header_footer(
    loaded: LoadedLayout, ctx: Context, spec: HeaderFooter, place: Place, page: PageSetup
) -> HeaderFooterPlan:
    """The texts of a header or footer, set small enough to fit between the margins side by side."""
    style = loaded.styles[spec.style]
    face = loaded.face(style)
    texts = {}
    for slot in ("left", "center", "right"):
        slot_place = replace(place, field=f"{place.field}.{slot}")
        text = fill_template(ctx, getattr(spec, slot), slot_place)
        problem = glyph_problem(face, _sample(text))
        if problem:
            raise InputError([_unprintable_at(ctx, face, getattr(spec, slot)) or slot_place.issue(problem)])
        texts[slot] = text
    gaps = HEADER_GAP * (sum(1 for t in texts.values() if t) - 1)
    room = page.body_width - max(gaps, 0)
    needed = _width_needed(face, texts)
    size = style.size if needed * style.size <= room else room / needed
    if size < MIN_HEADER_SIZE:
        need = f"{needed * MIN_HEADER_SIZE / MM:.0f} mm even at {MIN_HEADER_SIZE:g} pt"
        issues = [place.issue(f"its texts need {need}; shorten them")]
        longest = _longest_field(ctx, [getattr(spec, slot) for slot in ("left", "center", "right")])
        if longest is not None:  # blame the data's value when the header would fit without it
            loc, value = longest
            without = {slot: text.replace(value, "") for slot, text in texts.items()}
            if _width_needed(face, without) * MIN_HEADER_SIZE <= room:
                issues.insert(0, ctx.place_of(loc).issue(f"too long: with it the {place.field} needs {need}"))
        raise InputError(issues)
    return HeaderFooterPlan(style=spec.style, size=round(size, 2), **texts)


def _printed_fields(ctx: Context, templates: list[str]) -> Iterator[tuple[Loc, str]]:
    """The data fields with text that templates print, with their texts (where a header's
    problem may belong: the data, not the layout)."""
    for template in templates:
        for path in placeholders(template):
            try:
                found = ctx.lookup(path)
            except UnknownField:
                continue
            if found.loc is not None and isinstance(found.value, str) and found.value:
                yield found.loc, found.value


def _unprintable_at(ctx: Context, face: FontFace, template: str) -> Issue | None:
    """The data field a header's template prints that holds a character the font lacks (None
    when the layout's own text holds it)."""
    for loc, value in _printed_fields(ctx, [template]):
        problem = glyph_problem(face, value)
        if problem:
            return ctx.place_of(loc).issue(problem)
    return None


def _sample(text: str) -> str:
    """A header text with its page numbers as wide as they may get."""
    return filled(text, "9999", "9999")


def _width_needed(face: FontFace, texts: dict[str, str]) -> float:
    """Width of a header's texts at 1 pt; the centre text is centred on the page, so it needs
    room on both sides."""
    left, center, right = (face.width(_sample(texts[s]), 1.0) for s in ("left", "center", "right"))
    return max(left + center / 2, right + center / 2) * 2 if center else left + right


def _longest_field(ctx: Context, templates: list[str]) -> tuple[Loc, str] | None:
    """The data field with the longest text among those the templates print, and its text."""
    return max(_printed_fields(ctx, templates), key=lambda field: len(field[1]), default=None)


def _plan_row(row: BandRow) -> Row:
    cells = []
    for c in row.cells:
        number = c.content if isinstance(c.content, NumberContent) else None
        cells.append(
            Cell(
                col=c.col,
                colspan=c.colspan,
                rowspan=c.rowspan,
                style=c.style.name,
                lines=list(c.lines),
                number=number.value if number and c.lines else None,
                number_format=number.number_format if number and c.lines else None,
                align=c.align,
                open_top=c.open_top,
                open_bottom=c.open_bottom,
                header=c.header,
                copy=c.copy,
                prose=c.prose,
                paragraphs=c.paragraphs,
                flows_on=c.flows_on,
                flows_in=c.flows_in,
                graphic=c.graphic,
            )
        )
    return Row(height=row.height, cells=cells, tag=row.tag, repeat=row.repeat, continued=row.continued)


def _link_charts(title_rows: list[BandRow], rows: list[BandRow]) -> None:
    """Give each chart the sheet cells that print its figures (the first cell printing each), so
    the workbook's chart reads them; a figure printed nowhere on the sheet stays a plain value."""
    where: dict[tuple[int, str], tuple[int, int]] = {}
    charts: list[BandCell] = []
    for r, row in enumerate(title_rows + rows):
        for c in row.cells:
            if isinstance(c.content, NumberContent) and c.content.key is not None:
                where.setdefault(c.content.key, (r, c.col))
            elif isinstance(c.content, GraphicContent) and c.content.keys and c.graphic is not None:
                charts.append(c)
    for c in charts:
        assert isinstance(c.content, GraphicContent) and c.graphic is not None
        series = [
            replace(s, refs=tuple(where.get(k) if k is not None else None for k in keys))
            for s, keys in zip(c.graphic.series, c.content.keys, strict=True)
        ]
        c.graphic = replace(c.graphic, series=series)
