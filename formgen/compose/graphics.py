"""Cells that are drawn rather than written: pictures, SDG tiles and KPI charts.

Composing decides what each shows and how big it is (a picture scaled to its
cell, tiles wrapped to the cell's width, a chart's figures per year), so both
writers draw the same thing in the same place: the PDF as vectors (and the
picture), the workbook as an anchored picture and a native chart whose series
read the cells that print the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ..errors import LayoutError, Place
from ..fonts import FontFace
from ..layout.model import MM, CellSpec
from ..plan import TILE_GAP, CellStyle, ChartSeries, Graphic, Tile
from ..records.values import Percent
from ..sdg import COLORS, TITLES, title
from .content import fill_template, unknown_field
from .context import Context, UnknownField

TARGET_COLOR = "9DC3E6"
ACTUAL_COLOR = "2E75B6"
Key = tuple[int, str]
"""what a printed figure is: (the id of the object it was read from, the field's name)"""


@dataclass
class GraphicContent:
    """A drawn cell before its size is known: the graphic, and what it still needs from the cell's width."""

    graphic: Graphic
    place: Place
    keys: list[list[Key | None]] = field(default_factory=list)
    """a chart's figures, series by series: where each was read from, to find the cells printing them"""
    fit_width: bool = False
    """an image without a size: as wide as its cell"""
    aspect: float = 1.0
    """an image's height over its width"""


def image_content(cell: CellSpec, ctx: Context, place: Place, images: dict[str, Any]) -> GraphicContent:
    picture = images[cell.image or ""]
    aspect = picture.height / picture.width
    alt = fill_template(ctx, cell.alt or "", place)
    width = cell.width * MM if cell.width is not None else None
    height = cell.height * MM if cell.height is not None else None
    if width is None and height is not None:
        width = height / aspect
    elif height is None and width is not None:
        height = width * aspect
    graphic = Graphic("image", alt, width or 0.0, height or 0.0, image=str(picture.path), image_digest=picture.digest)
    return GraphicContent(graphic, place, fit_width=width is None, aspect=aspect)


def tiles_content(cell: CellSpec, ctx: Context, place: Place, face: FontFace) -> GraphicContent:
    """The tiles of a list of goal numbers, in the list's order."""
    try:
        found = ctx.lookup(cell.sdg_tiles or "")
    except UnknownField as exc:
        raise unknown_field(place, exc) from None
    goals = [g for g in (found.value or []) if isinstance(g, int) and g in COLORS]
    size = cell.tile * MM
    pad = size * 0.06
    widest = max((face.width(line, 1.0) for g in goals for line in TITLES[g]), default=1.0)
    tiles = [Tile(g, COLORS[g], TITLES[g]) for g in goals]
    alt = fill_template(ctx, cell.alt, place) if cell.alt else "SDGs " + "、".join(f"{g} {title(g)}" for g in goals)
    graphic = Graphic(
        "sdg",
        alt,
        0.0,
        0.0,
        tiles=tiles,
        tile=size,
        number_size=round(size * 0.3, 2),
        title_size=round(min(size * 0.115, (size - 2 * pad) / widest), 2),
    )
    return GraphicContent(graphic, place)


def chart_content(
    cell: CellSpec, ctx: Context, style: CellStyle, place: Place, at_year: Callable[[Context, int], Context]
) -> GraphicContent:
    """Target and actual of the item per year of the chart's range, and where each was read from."""
    spec = cell.chart
    assert spec is not None
    categories: list[str] = []
    series: dict[str, list[Decimal | None]] = {"目標": [], "実績": []}
    keys: dict[str, list[Key | None]] = {"目標": [], "実績": []}
    for offset in spec.offsets():
        year_ctx = at_year(ctx, offset)
        categories.append(year_ctx.year.short if year_ctx.year else str(offset))
        for name, path in (("目標", spec.target), ("実績", spec.actual)):
            try:
                found = year_ctx.lookup(path)
            except UnknownField as exc:
                raise unknown_field(place, exc) from None
            value = _figure(found.value)
            series[name].append(value)
            keys[name].append((id(found.owner), path.rsplit(".", 1)[-1]) if value is not None else None)
    unit = fill_template(ctx, spec.unit, place)
    colors = {"目標": TARGET_COLOR, "実績": ACTUAL_COLOR}
    graphic = Graphic(
        "chart",
        fill_template(ctx, cell.alt, place) if cell.alt else _chart_alt(categories, series, unit),
        0.0,
        spec.height * MM,
        categories=categories,
        series=[ChartSeries(name, colors[name], tuple(values)) for name, values in series.items()],
        unit=unit,
        chart_kind=spec.kind,
        text_size=style.size,
    )
    return GraphicContent(graphic, place, keys=[keys["目標"], keys["実績"]], fit_width=True)


def _figure(value: Any) -> Decimal | None:
    if isinstance(value, Percent):
        return Decimal(value.fraction) * 100
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return Decimal(value)


def _chart_alt(categories: list[str], series: dict[str, list[Decimal | None]], unit: str) -> str:
    """The chart in words: every figure, and which are missing."""
    parts = []
    for i, year in enumerate(categories):
        figures = []
        for name, values in series.items():
            value = values[i]
            figures.append(f"{name}{value:,f}" if value is not None else f"{name}なし")
        parts.append(f"{year} " + " ".join(figures))
    return f"目標と実績のグラフ（{unit}）: " + "、".join(parts)


def fit(content: GraphicContent, avail: float) -> Graphic:
    """The graphic sized for a cell leaving ``avail`` points of width inside its padding."""
    graphic = content.graphic
    if graphic.kind == "sdg":
        per_row = max(1, int((avail + TILE_GAP) // (graphic.tile + TILE_GAP)))
        count = len(graphic.tiles)
        rows = -(-count // per_row)
        width = min(count, per_row) * (graphic.tile + TILE_GAP) - TILE_GAP if count else 0.0
        height = rows * (graphic.tile + TILE_GAP) - TILE_GAP if count else 0.0
        return replace(graphic, width=width, height=height, per_row=per_row)
    if content.fit_width:
        height = avail * content.aspect if graphic.kind == "image" else graphic.height
        graphic = replace(graphic, width=avail, height=height)
    if graphic.width > avail + 0.01:
        raise LayoutError(
            [
                content.place.issue(
                    f"the {graphic.kind} is {graphic.width / MM:.1f} mm wide but its cell leaves "
                    f"{avail / MM:.1f} mm inside its padding; make it smaller or the cell wider"
                )
            ]
        )
    return graphic
