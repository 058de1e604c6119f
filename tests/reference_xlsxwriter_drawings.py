"""The reference's graphics (formgen's former writer, unchanged): pictures, SDG tiles and
native charts through XlsxWriter's public API."""

from __future__ import annotations

import io
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from xlsxwriter.image import Image
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from formgen.plan import ChartSeries, DocumentPlan, Graphic, Row, SheetPlan, Tile, graphic_origin, tile_positions
from formgen.sdg import title

PX_PER_PT = 4 / 3
TILE_DPI = 300
CHART_DATA_SHEET = "グラフデータ"


@dataclass
class Anchor:
    """A cell and an offset from its top-left corner, in pixels, as XlsxWriter places objects."""

    row: int
    col: int
    x: float
    y: float


class Grid:
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
class _PendingChart:
    worksheet: Worksheet
    sheet_name: str
    graphic: Graphic
    anchor: Anchor


@dataclass
class ChartData:
    """The workbook's charts, made once every form sheet exists, so that the hidden sheet holding
    their year labels comes after the form's sheets."""

    workbook: Workbook
    pending: list[_PendingChart] = field(default_factory=list)

    def add(self, worksheet: Worksheet, sheet_name: str, graphic: Graphic, anchor: Anchor) -> None:
        self.pending.append(_PendingChart(worksheet, sheet_name, graphic, anchor))

    def finish(self) -> None:
        if not self.pending:
            return
        names = {ws.get_name() for ws in self.workbook.worksheets()}
        name = CHART_DATA_SHEET
        while name in names:
            name += "_"
        data = self.workbook.add_worksheet(name)
        data.hide()
        row = 0
        for chart in self.pending:
            row = _add_chart(self.workbook, data, row, chart)


def add_graphics(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan, charts: ChartData) -> None:
    """Place every graphic of the sheet where its cell is."""
    rows = sheet.title_rows + sheet.rows
    grid = Grid(sheet, rows)
    for r, row in enumerate(rows):
        for cell in row.cells:
            graphic = cell.graphic
            if graphic is None:
                continue
            box = (grid.lefts[cell.col], grid.tops[r], grid.lefts[cell.col + cell.colspan], grid.tops[r + cell.rowspan])
            x, y = graphic_origin(box, plan.styles[cell.style], graphic)
            if graphic.kind == "image" and graphic.image is not None:
                _picture(ws, grid.anchor(x, y), Image(graphic.image), graphic.width, graphic.height, graphic.alt)
            elif graphic.kind == "sdg":
                font = plan.fonts[plan.styles[cell.style].font]
                for tile, (dx, dy) in zip(graphic.tiles, tile_positions(graphic), strict=True):
                    png = tile_png(
                        tile, graphic.tile, graphic.number_size, graphic.title_size, font.bold or font.regular
                    )
                    alt = f"SDGs 目標{tile.goal} {title(tile.goal)}"
                    _picture(ws, grid.anchor(x + dx, y + dy), Image(io.BytesIO(png)), graphic.tile, graphic.tile, alt)
            elif graphic.kind == "chart":
                charts.add(ws, sheet.name, graphic, grid.anchor(x, y))


def _picture(ws: Worksheet, at: Anchor, image: Image, width: float, height: float, alt: str) -> None:
    """A picture ``width`` × ``height`` points in size (XlsxWriter sizes by pixels at 96 dpi
    times the picture's own scale, so the scale undoes the picture's resolution)."""
    native_w = image.width * 96 / image.x_dpi
    native_h = image.height * 96 / image.y_dpi
    options: dict[str, Any] = {
        "x_offset": at.x,
        "y_offset": at.y,
        "x_scale": width * PX_PER_PT / native_w,
        "y_scale": height * PX_PER_PT / native_h,
        "description": alt,
        "object_position": 3,  # moves and sizes with nothing: placed as the PDF draws it
    }
    ws.insert_image(at.row, at.col, image, options)


@lru_cache(maxsize=64)
def tile_png(tile: Tile, size: float, number_size: float, title_size: float, font_path: str) -> bytes:
    """An SDG tile as a PNG drawn like the PDF's (colour, number, title), at 300 dpi."""
    scale = TILE_DPI / 72
    side = round(size * scale)
    image = PILImage.new("RGB", (side, side), "#" + tile.color)
    draw = ImageDraw.Draw(image)
    pad = size * 0.06 * scale
    number = ImageFont.truetype(font_path, round(number_size * scale))
    title = ImageFont.truetype(font_path, max(1, round(title_size * scale)))
    draw.text((pad, pad), str(tile.goal), font=number, fill="white")
    top = pad + number_size * scale * 1.05
    for line in tile.lines:
        draw.text((pad, top), line, font=title, fill="white")
        top += title_size * 1.15 * scale
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, dpi=(TILE_DPI, TILE_DPI))
    return out.getvalue()


def _add_chart(workbook: Workbook, data: Worksheet, row: int, pending: _PendingChart) -> int:
    """A chart of the graphic's series: bars per year (and the target as a line), reading the
    form's cells where they print every figure, else this chart's rows of the hidden sheet.
    Returns the hidden sheet's next free row."""
    graphic = pending.graphic
    hidden = quote_sheetname(data.get_name())
    for col, label in enumerate(graphic.categories):
        data.write_string(row, col, label)
    categories = _range(hidden, row, len(graphic.categories))
    chart = workbook.add_chart({"type": "column"})
    line = workbook.add_chart({"type": "line"}) if graphic.chart_kind == "bars_and_line" else None
    for index, series in enumerate(graphic.series, start=1):
        values = _cells(pending.sheet_name, series)
        if values is None:
            for col, value in enumerate(series.values):
                if value is not None:
                    data.write_number(row + index, col, float(value))
            values = _range(hidden, row + index, len(series.values))
        color = {"color": "#" + series.color}
        options: dict[str, Any] = {"name": series.name, "categories": categories, "values": values}
        if line is not None and series.name == "目標":
            marker = {"type": "square", "fill": color, "border": color}
            line.add_series({**options, "line": color, "marker": marker})
        else:
            chart.add_series({**options, "fill": color, "border": color})
    if line is not None:
        chart.combine(line)
    text = {"size": graphic.text_size}
    y_axis: dict[str, Any] = {"name": graphic.unit, "num_font": text, "name_font": text}
    if all(v is None or v >= 0 for s in graphic.series for v in s.values):
        y_axis["min"] = 0  # bars as tall as their figures, as in the PDF
    chart.set_y_axis(y_axis)
    chart.set_x_axis({"num_font": text})
    chart.set_legend({"position": "top", "font": text})
    chart.show_blanks_as("gap")
    chart.set_size({"width": graphic.width * PX_PER_PT, "height": graphic.height * PX_PER_PT})
    at = pending.anchor
    options = {"x_offset": at.x, "y_offset": at.y, "description": graphic.alt, "object_position": 3}
    pending.worksheet.insert_chart(at.row, at.col, chart, options)
    return row + 1 + len(graphic.series)


def _range(sheet: str, row: int, count: int) -> str:
    first = xl_rowcol_to_cell(row, 0, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(row, max(count - 1, 0), row_abs=True, col_abs=True)
    return f"={sheet}!{first}:{last}"


def _cells(sheet_name: str, data: ChartSeries) -> str | None:
    """The form's cells printing the series' figures, up to the last figure given (a year after
    it is left blank); None when a figure between two printed ones is missing (its cell holds
    「-」, which a spreadsheet would draw as 0) or a figure is printed on no cell of the sheet."""
    given = [i for i, v in enumerate(data.values) if v is not None]
    refs = data.refs[: given[-1] + 1] if given else ()
    if not refs or any(ref is None for ref in refs):
        return None
    quoted = quote_sheetname(sheet_name)
    cells = [f"{quoted}!{xl_rowcol_to_cell(ref[0], ref[1], row_abs=True, col_abs=True)}" for ref in refs if ref]
    return "=" + (cells[0] if len(cells) == 1 else "(" + ",".join(cells) + ")")
