"""Graphics in the workbook: pictures and SDG tiles as anchored pictures, KPI charts as native charts.

Each graphic is anchored where the PDF draws it: in the cell its top-left corner
falls in, at an offset and a size computed from the same plan (column widths, row
heights, the cell style's alignment and padding). A chart's series name the sheet's
cells printing its figures, so editing a figure in the workbook redraws the chart;
its year labels, and figures printed on no cell, are in a hidden sheet after the
form's sheets. Pictures and charts carry the layout's alternative text. A sheet's
pictures come before its charts in its drawing, and a picture used twice is stored
once, as Excel (and XlsxWriter) lays drawings out.
"""

from __future__ import annotations

import hashlib
import io
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...plan import ChartSeries, DocumentPlan, Graphic, Row, SheetPlan, Tile, graphic_origin, tile_positions
from ...sdg import title
from .charts import Chart, chart_xml
from .grid import DEFAULT_COL_PX, DEFAULT_ROW_PX, PX_PER_PT, Grid, SharedStrings, Value
from .package import relationships
from .xml import HEAD, RELATIONSHIPS, absolute, attribute, sheet_reference

EMU_PER_PX = 9525
TILE_DPI = 300
CHART_DATA_SHEET = "グラフデータ"


@dataclass
class Anchor:
    """A cell and an offset from its top-left corner, in pixels."""

    row: int
    col: int
    x: float
    y: float


class Points:
    """Where the sheet's column and row edges are, in points from its top-left corner."""

    def __init__(self, sheet: SheetPlan, rows: list[Row]):
        self.lefts = [0.0]
        for width in sheet.columns:
            self.lefts.append(self.lefts[-1] + width)
        self.tops = [0.0]
        for row in rows:
            self.tops.append(self.tops[-1] + row.height)

    def anchor(self, x: float, y: float) -> Anchor:
        """The cell that (x, y) points falls in, and the offset into it."""
        col = max(0, bisect_right(self.lefts, x + 1e-6) - 1)
        row = max(0, bisect_right(self.tops, y + 1e-6) - 1)
        return Anchor(row, col, (x - self.lefts[col]) * PX_PER_PT, (y - self.tops[row]) * PX_PER_PT)


@dataclass
class Picture:
    anchor: Anchor
    data: bytes
    extension: str
    width_px: float
    height_px: float
    alt: str


@dataclass
class PlacedChart:
    anchor: Anchor
    graphic: Graphic
    sheet_name: str
    grid: Grid


@dataclass
class SheetDrawing:
    """One sheet's drawing: its objects and the pixel sizes of its columns and rows."""

    widths: list[int]
    heights: list[int]
    pictures: list[Picture] = field(default_factory=list)
    charts: list[PlacedChart] = field(default_factory=list)
    number: int = 0
    """the drawing's number in the workbook (drawing1.xml, …), 0 for none"""


@dataclass
class DrawingParts:
    charts_and_drawings: list[tuple[str, str]]
    """chartN.xml, then drawingN.xml"""
    rels: list[tuple[str, str]]
    """each drawing's relationships"""
    media: list[tuple[str, bytes]]
    """each picture once"""


class Drawings:
    """The workbook's drawings, pictures and charts, collected sheet by sheet."""

    def __init__(self, plan: DocumentPlan):
        self.plan = plan
        self.sheets: list[SheetDrawing] = []
        self.media: dict[str, tuple[int, str, bytes]] = {}
        """picture digest → (image number, extension, bytes), in the order first used"""
        self.charts: list[Chart] = []

    def add(self, sheet: SheetPlan, placed: Grid) -> SheetDrawing:
        """Collect the graphics of ``sheet`` (placed on ``placed``'s grid)."""
        drawing = SheetDrawing(placed.widths, placed.heights)
        points = Points(sheet, placed.rows)
        for r, row in enumerate(placed.rows):
            for cell in row.cells:
                graphic = cell.graphic
                if graphic is None:
                    continue
                box = (
                    points.lefts[cell.col],
                    points.tops[r],
                    points.lefts[cell.col + cell.colspan],
                    points.tops[r + cell.rowspan],
                )
                x, y = graphic_origin(box, self.plan.styles[cell.style], graphic)
                if graphic.kind == "image" and graphic.image is not None:
                    data = Path(graphic.image).read_bytes()
                    drawing.pictures.append(
                        _picture(points.anchor(x, y), data, graphic.width, graphic.height, graphic.alt)
                    )
                elif graphic.kind == "sdg":
                    font = self.plan.fonts[self.plan.styles[cell.style].font]
                    for tile, (dx, dy) in zip(graphic.tiles, tile_positions(graphic), strict=True):
                        png = tile_png(
                            tile, graphic.tile, graphic.number_size, graphic.title_size, font.bold or font.regular
                        )
                        alt = f"SDGs 目標{tile.goal} {title(tile.goal)}"
                        drawing.pictures.append(
                            _picture(points.anchor(x + dx, y + dy), png, graphic.tile, graphic.tile, alt)
                        )
                elif graphic.kind == "chart":
                    drawing.charts.append(PlacedChart(points.anchor(x, y), graphic, sheet.name, placed))
        self.sheets.append(drawing)
        if drawing.pictures or drawing.charts:
            drawing.number = sum(1 for s in self.sheets if s.number) + 1
        return drawing

    def data_sheet(self, names: list[str], strings: SharedStrings) -> tuple[str, dict[int, dict[int, Value]]] | None:
        """The hidden sheet of the charts' year labels and of figures printed on no cell (its name
        and cells), made once every form sheet is placed so that it comes after them; None
        without charts."""
        placed = [chart for sheet in self.sheets for chart in sheet.charts]
        if not placed:
            return None
        name = CHART_DATA_SHEET
        while name in names:
            name += "_"
        cells: dict[int, dict[int, Value]] = {}
        row = 0
        for index, chart in enumerate(placed):
            self.charts.append(_chart(index, chart, name, row, cells, strings))
            row += 1 + len(chart.graphic.series)
        return name, cells

    def parts(self, strings: SharedStrings) -> DrawingParts:
        """The charts and drawings, the drawings' relationships and the pictures, numbered in the
        workbook's order (a sheet's charts after the earlier sheets' charts)."""
        charts = [(f"xl/charts/chart{i}.xml", chart_xml(chart, strings)) for i, chart in enumerate(self.charts, 1)]
        drawings, rels = [], []
        first_chart = 1
        for sheet in self.sheets:
            if sheet.number:
                rel, xml = self._drawing(sheet, first_chart)
                first_chart += len(sheet.charts)
                drawings.append((f"xl/drawings/drawing{sheet.number}.xml", xml))
                rels.append((f"xl/drawings/_rels/drawing{sheet.number}.xml.rels", rel))
        media = [(f"xl/media/image{n}.{ext}", data) for n, ext, data in self.media.values()]
        return DrawingParts(charts + drawings, rels, media)

    def image_types(self) -> list[str]:
        return list(dict.fromkeys(ext for _, ext, _ in self.media.values()))

    def _drawing(self, sheet: SheetDrawing, first_chart: int) -> tuple[str, str]:
        """A sheet's drawing: its pictures, then its charts (numbered from ``first_chart``)."""
        rels: list[tuple[str, str]] = []
        seen: dict[str, int] = {}
        anchors = []
        index = 0
        for picture in sheet.pictures:
            index += 1
            digest = hashlib.sha256(picture.data).hexdigest()
            number, ext, _ = self.media.setdefault(digest, (len(self.media) + 1, picture.extension, picture.data))
            if digest not in seen:
                rels.append((f"{RELATIONSHIPS}/image", f"../media/image{number}.{ext}"))
                seen[digest] = len(rels)
            at = position(sheet, picture.anchor, picture.width_px, picture.height_px)
            width, height = int(0.5 + picture.width_px * EMU_PER_PX), int(0.5 + picture.height_px * EMU_PER_PX)
            anchors.append(_anchor(at, _pic(index, picture.alt, seen[digest], at, width, height)))
        for number, chart in enumerate(sheet.charts, first_chart):
            index += 1
            rels.append((f"{RELATIONSHIPS}/chart", f"../charts/chart{number}.xml"))
            width = int(0.5 + chart.graphic.width * PX_PER_PT)
            height = int(0.5 + chart.graphic.height * PX_PER_PT)
            at = position(sheet, chart.anchor, width, height)
            anchors.append(_anchor(at, _frame(index, chart.graphic.alt, len(rels))))
        xml = (
            f'{HEAD}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">' + "".join(anchors) + "</xdr:wsDr>"
        )
        return relationships(rels), xml


def _picture(at: Anchor, data: bytes, width: float, height: float, alt: str) -> Picture:
    """A picture ``width`` × ``height`` points in size, in pixels at 96 dpi (its size and resolution
    read by XlsxWriter's Image, imported only for forms with pictures: 15 ms)."""
    from xlsxwriter.image import Image

    image = Image(io.BytesIO(data))
    native_w = image.width * 96 / image.x_dpi
    native_h = image.height * 96 / image.y_dpi
    scale_x = width * PX_PER_PT / native_w
    scale_y = height * PX_PER_PT / native_h
    width_px = image.width * scale_x
    width_px *= 96.0 / image.x_dpi
    height_px = image.height * scale_y
    height_px *= 96.0 / image.y_dpi
    return Picture(at, data, image.image_type.lower(), width_px, height_px, alt)


Position = tuple[int, int, int, int, int, int, int, int, int, int]
"""col, row, x offset, y offset (from), col, row, x offset, y offset (to), absolute x, y — EMUs"""


def position(sheet: SheetDrawing, at: Anchor, width: float, height: float) -> Position:
    """The cells an object ``width`` × ``height`` pixels from ``at`` spans, as a spreadsheet
    measures them: whole pixels of the columns and rows."""

    def size_col(c: int) -> int:
        return sheet.widths[c] if c < len(sheet.widths) else DEFAULT_COL_PX

    def size_row(r: int) -> int:
        return sheet.heights[r] if r < len(sheet.heights) else DEFAULT_ROW_PX

    col, x1, col_end, x2, x_abs = _along(size_col, at.col, at.x, width)
    row, y1, row_end, y2, y_abs = _along(size_row, at.row, at.y, height)

    def emu(px: float) -> int:
        return int(0.5 + EMU_PER_PX * px)

    return (col, row, emu(x1), emu(y1), col_end, row_end, emu(x2), emu(y2), emu(x_abs), emu(y_abs))


def _along(
    size: Callable[[int], int], start: int, offset: float, length: float
) -> tuple[int, float, int, float, float]:
    """Along one axis: the first cell and the offset into it, the last cell and the offset into it,
    and the distance from the sheet's edge (a negative offset moves back a cell)."""
    while offset < 0 and start > 0:
        offset += size(start - 1)
        start -= 1
    offset = max(0, offset)
    absolute = sum(size(i) for i in range(start)) + offset
    while offset >= size(start):
        offset -= size(start)
        start += 1
    end = start
    if size(start) > 0:
        length += offset
    while length >= size(end):
        length -= size(end)
        end += 1
    return start, offset, end, length, absolute


def _anchor(at: Position, body: str) -> str:
    c0, r0, x0, y0, c1, r1, x1, y1, _, _ = at
    return (
        '<xdr:twoCellAnchor editAs="absolute">'
        f"<xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>{x0}</xdr:colOff><xdr:row>{r0}</xdr:row>"
        f"<xdr:rowOff>{y0}</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>{c1}</xdr:col><xdr:colOff>{x1}</xdr:colOff><xdr:row>{r1}</xdr:row>"
        f"<xdr:rowOff>{y1}</xdr:rowOff></xdr:to>{body}<xdr:clientData/></xdr:twoCellAnchor>"
    )


def _described(index: int, name: str, alt: str) -> str:
    descr = f' descr="{attribute(alt)}"' if alt else ""
    return f'<xdr:cNvPr id="{index + 1}" name="{name} {index}"{descr}/>'


def _pic(index: int, alt: str, rel: int, at: Position, width: int, height: int) -> str:
    return (
        f"<xdr:pic><xdr:nvPicPr>{_described(index, 'Picture', alt)}"
        '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
        f'<xdr:blipFill><a:blip xmlns:r="{RELATIONSHIPS}" r:embed="rId{rel}"/><a:stretch><a:fillRect/></a:stretch>'
        f'</xdr:blipFill><xdr:spPr><a:xfrm><a:off x="{at[8]}" y="{at[9]}"/><a:ext cx="{width}" cy="{height}"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>'
    )


def _frame(index: int, alt: str, rel: int) -> str:
    return (
        f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>{_described(index, "Chart", alt)}'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="{RELATIONSHIPS}" '
        f'r:id="rId{rel}"/></a:graphicData></a:graphic></xdr:graphicFrame>'
    )


@lru_cache(maxsize=64)
def tile_png(tile: Tile, size: float, number_size: float, title_size: float, font_path: str) -> bytes:
    """An SDG tile as a PNG drawn like the PDF's (colour, number, title), at 300 dpi."""
    from PIL import Image, ImageDraw, ImageFont  # only for forms with SDG tiles (import: 12 ms)

    scale = TILE_DPI / 72
    side = round(size * scale)
    image = Image.new("RGB", (side, side), "#" + tile.color)
    draw = ImageDraw.Draw(image)
    pad = size * 0.06 * scale
    number = ImageFont.truetype(font_path, round(number_size * scale))
    heading = ImageFont.truetype(font_path, max(1, round(title_size * scale)))
    draw.text((pad, pad), str(tile.goal), font=number, fill="white")
    top = pad + number_size * scale * 1.05
    for line in tile.lines:
        draw.text((pad, top), line, font=heading, fill="white")
        top += title_size * 1.15 * scale
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, dpi=(TILE_DPI, TILE_DPI))
    return out.getvalue()


def _chart(
    index: int, placed: PlacedChart, hidden: str, row: int, cells: dict[int, dict[int, Value]], strings: SharedStrings
) -> Chart:
    """A chart of the graphic's series: bars per year (and the target as a line), reading the
    form's cells where they print every figure, else this chart's rows of the hidden sheet."""
    graphic = placed.graphic
    quoted = sheet_reference(hidden)
    if graphic.categories:
        cells[row] = {col: ("s", strings.number(label)) for col, label in enumerate(graphic.categories)}
    categories = _range(quoted, row, len(graphic.categories))
    category_data: list[str | None] = list(graphic.categories)
    series = []
    for offset, data in enumerate(graphic.series, start=1):
        refs = _cells(placed.sheet_name, data)
        if refs is None:
            figures = {col: ("n", float(v)) for col, v in enumerate(data.values) if v is not None}
            if figures:
                cells[row + offset] = dict(figures)
            values = _range(quoted, row + offset, len(data.values))
            # a row without figures reads as one missing figure, as a spreadsheet reads an empty row
            cache: list[str | None] = [f"{float(v):.16g}" if v is not None else None for v in data.values]
            if not figures:
                cache = [None]
        else:
            values, cache = refs, _cached(placed.grid, data, strings)
        series.append((data, values, cache))
    return Chart(index, graphic, categories, category_data, series)


def _range(quoted: str, row: int, count: int) -> str:
    return f"={quoted}!{absolute(row, 0)}:{absolute(row, max(count - 1, 0))}"


def _cells(sheet_name: str, data: ChartSeries) -> str | None:
    """The form's cells printing the series' figures, up to the last figure given (a year after
    it is left blank); None when a figure between two printed ones is missing (its cell holds
    「-」, which a spreadsheet would draw as 0) or a figure is printed on no cell of the sheet."""
    given = [i for i, v in enumerate(data.values) if v is not None]
    refs = data.refs[: given[-1] + 1] if given else ()
    if not refs or any(ref is None for ref in refs):
        return None
    quoted = sheet_reference(sheet_name)
    cells = [f"{quoted}!{absolute(ref[0], ref[1])}" for ref in refs if ref]
    return "=" + (cells[0] if len(cells) == 1 else "(" + ",".join(cells) + ")")


def _cached(grid: Grid, data: ChartSeries, strings: SharedStrings) -> list[str | None]:
    """The figures a chart keeps of the form's cells it reads: a single cell's value (a union of
    cells is kept as no figures, as Excel reads them again on opening)."""
    given = [i for i, v in enumerate(data.values) if v is not None]
    refs = [ref for ref in data.refs[: given[-1] + 1] if ref] if given else []
    if len(refs) != 1:
        return []
    row, col = refs[0]
    if row >= len(grid.cells) or not grid.cells[row]:
        return [None]  # a row without cells reads as one missing figure
    found = grid.cells[row].get(col)
    if found is None:
        return [None]
    kind, value = found[1]
    if kind == "n":
        return [f"{value:.16g}"]
    if kind == "s":
        return [next(text for text, i in strings.index.items() if i == value)]
    return [""]
