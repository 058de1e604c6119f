"""Graphics in the workbook: pictures and SDG tiles as anchored pictures, KPI charts as native charts.

Each graphic is anchored where the PDF draws it: to the cell its top-left
corner falls in, with an offset and a size in EMU, computed from the same
plan (column widths, row heights, the cell style's alignment and padding).
A chart's series name the sheet's cells printing its figures, so editing a
figure in the workbook redraws the chart. Only openpyxl's public chart and
drawing classes are used.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from functools import lru_cache

from openpyxl.chart import BarChart, LineChart
from openpyxl.chart.data_source import AxDataSource, NumData, NumDataSource, NumRef, NumVal, StrData, StrVal
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.chart.text import RichText
from openpyxl.drawing.image import Image
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from .plan import ChartSeries, DocumentPlan, Graphic, Row, SheetPlan, Tile, graphic_origin, tile_positions

EMU_PER_PT = 12700
TILE_DPI = 300


class Grid:
    """Where the sheet's column and row edges are, in points from its top-left corner."""

    def __init__(self, sheet: SheetPlan, rows: list[Row]):
        self.lefts = [0.0]
        for width in sheet.columns:
            self.lefts.append(self.lefts[-1] + width)
        self.tops = [0.0]
        for row in rows:
            self.tops.append(self.tops[-1] + row.height)

    def anchor(self, x: float, y: float, width: float, height: float) -> OneCellAnchor:
        """A one-cell anchor at (x, y) points, ``width`` × ``height`` points in size."""
        col = max(0, bisect_right(self.lefts, x + 1e-6) - 1)
        row = max(0, bisect_right(self.tops, y + 1e-6) - 1)
        marker = AnchorMarker(
            col=col,
            colOff=round((x - self.lefts[col]) * EMU_PER_PT),
            row=row,
            rowOff=round((y - self.tops[row]) * EMU_PER_PT),
        )
        return OneCellAnchor(
            _from=marker, ext=XDRPositiveSize2D(cx=round(width * EMU_PER_PT), cy=round(height * EMU_PER_PT))
        )


def add_graphics(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan) -> None:
    """Anchor every graphic of the sheet where its cell is."""
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
                picture = Image(graphic.image)
                picture.anchor = grid.anchor(x, y, graphic.width, graphic.height)
                ws.add_image(picture)
            elif graphic.kind == "sdg":
                font = plan.fonts[plan.styles[cell.style].font]
                for tile, (dx, dy) in zip(graphic.tiles, tile_positions(graphic), strict=True):
                    png = tile_png(
                        tile, graphic.tile, graphic.number_size, graphic.title_size, font.bold or font.regular
                    )
                    picture = Image(io.BytesIO(png))
                    picture.anchor = grid.anchor(x + dx, y + dy, graphic.tile, graphic.tile)
                    ws.add_image(picture)
            elif graphic.kind == "chart":
                chart = native_chart(ws.title, graphic)
                chart.anchor = grid.anchor(x, y, graphic.width, graphic.height)
                ws.add_chart(chart)


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


def native_chart(sheet_name: str, graphic: Graphic) -> BarChart:
    """A chart of the graphic's series: bars per year (and the target as a line), reading the cells."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.display_blanks = "gap"
    chart.y_axis.title = graphic.unit
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "t"
    if all(v is None or v >= 0 for s in graphic.series for v in s.values):
        chart.y_axis.scaling.min = 0  # bars as tall as their figures, as in the PDF
    text = _text_size(graphic.text_size)
    chart.x_axis.txPr, chart.y_axis.txPr, chart.legend.txPr = text, text, text
    line_target = graphic.chart_kind == "bars_and_line"
    line = LineChart() if line_target else None
    for index, data in enumerate(graphic.series):
        series = Series(
            idx=index,
            order=index,
            tx=SeriesLabel(v=data.name),
            val=_values(sheet_name, data),
            cat=AxDataSource(strLit=StrData(ptCount=len(graphic.categories), pt=_labels(graphic.categories))),
        )
        if line is not None and data.name == "目標":
            series.smooth = False
            series.marker.symbol = "square"
            series.graphicalProperties.line.solidFill = data.color
            series.marker.graphicalProperties.solidFill = data.color
            line.series.append(series)
        else:
            series.graphicalProperties.solidFill = data.color
            series.graphicalProperties.line.solidFill = data.color
            chart.series.append(series)
    if line is not None:
        line.y_axis.axId = chart.y_axis.axId
        chart += line
    return chart


def _text_size(points: float) -> RichText:
    """Chart text at the cell style's size (spreadsheets default to 10 pt, too big for a cell)."""
    size = CharacterProperties(sz=round(points * 100))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])


def _labels(categories: list[str]) -> list[StrVal]:
    return [StrVal(idx=i, v=text) for i, text in enumerate(categories)]


def _values(sheet_name: str, data: ChartSeries) -> NumDataSource:
    """The series' figures as the cells printing them, up to the last figure given (a year after
    it is left blank); when a figure between two printed ones is missing (its cell holds 「-」,
    which a spreadsheet would draw as 0), or a figure is printed on no cell of the sheet, the
    series holds the figures themselves."""
    cache = NumData(
        formatCode="General",
        ptCount=len(data.values),
        pt=[NumVal(idx=i, v=float(v)) for i, v in enumerate(data.values) if v is not None],
    )
    given = [i for i, v in enumerate(data.values) if v is not None]
    refs = data.refs[: given[-1] + 1] if given else ()
    if refs and all(ref is not None for ref in refs):
        quoted = quote_sheetname(sheet_name)
        cells = [f"{quoted}!${get_column_letter(ref[1] + 1)}${ref[0] + 1}" for ref in refs if ref is not None]
        formula = cells[0] if len(cells) == 1 else "(" + ",".join(cells) + ")"
        return NumDataSource(numRef=NumRef(f=formula, numCache=cache))
    return NumDataSource(numLit=cache)
