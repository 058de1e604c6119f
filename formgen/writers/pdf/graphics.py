"""Drawing a cell's graphic into a PDF page: SDG tiles and charts as vectors, pictures by reference.

Everything is PDF operators in the page's own stream, except pictures, which
the renderer places as image objects (one per file in a PDF, however often
it is shown). Coordinates are PDF points, y growing upwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...fonts import FontFace
from ...plan import Graphic, tile_positions
from .embed import EmbeddedFont

GRID = "D9D9D9"
AXIS = "595959"


@dataclass(frozen=True)
class Pen:
    """What drawing text needs: the face (widths), its embedded font (codes) and two helpers."""

    face: FontFace
    font: EmbeddedFont
    rgb: Callable[[str], str]
    n: Callable[[float], str]

    def text(self, text: str, x: float, baseline: float, size: float, color: str, align: str = "left") -> str:
        width = self.face.width(text, size)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        return (
            f"BT /{self.font.resource} {self.n(size)} Tf {self.rgb(color)} rg "
            f"1 0 0 1 {self.n(x)} {self.n(baseline)} Tm {self.font.encode(text)} Tj ET"
        )


def tiles_ops(graphic: Graphic, left: float, top: float, pen: Pen) -> list[str]:
    """Each goal as a square of its colour with its number and short title in white."""
    n = pen.n
    ops = []
    size = graphic.tile
    pad = size * 0.06
    for tile, (dx, dy) in zip(graphic.tiles, tile_positions(graphic), strict=True):
        x, y = left + dx, top - dy
        ops.append(f"{pen.rgb(tile.color)} rg {n(x)} {n(y - size)} {n(size)} {n(size)} re f")
        baseline = y - pad - pen.face.ascent * graphic.number_size
        ops.append(pen.text(str(tile.goal), x + pad, baseline, graphic.number_size, "FFFFFF"))
        baseline -= pen.face.descent * graphic.number_size + pad * 0.5
        for line in tile.lines:
            baseline -= graphic.title_size * 1.15
            ops.append(pen.text(line, x + pad, baseline, graphic.title_size, "FFFFFF"))
    return ops


def axis_max(top: Decimal) -> Decimal:
    """A round number at or above ``top``: 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return Decimal(1)
    power = Decimal(10) ** (top.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if top <= power * step:
            return power * step
    return power * 10  # pragma: no cover


def chart_ops(graphic: Graphic, left: float, top: float, pen: Pen) -> list[str]:
    """A target/actual chart: a legend, a value axis with the unit, gridlines, bars (and a line)."""
    n, size = pen.n, graphic.text_size
    values = [v for s in graphic.series for v in s.values if v is not None]
    high = axis_max(max(values, default=Decimal(0)))
    lowest = min(values, default=Decimal(0))
    low = -axis_max(-lowest) if lowest < 0 else Decimal(0)  # below zero too when a figure is
    ticks = 5
    widest = max((f"{v.normalize():,f}" for v in (high, low)), key=len)
    label_w = max(pen.face.width(widest, size), pen.face.width(graphic.unit, size)) + 3
    legend_h = size * 1.8
    plot_left, plot_right = left + label_w, left + graphic.width - 2
    plot_top, plot_bottom = top - legend_h - size * 0.6, top - graphic.height + size * 1.8
    scale = (plot_top - plot_bottom) / float(high - low)

    def y(value: Decimal) -> float:
        return plot_bottom + scale * float(value - low)

    ops = _legend(graphic, left + label_w, top, pen)
    ops.append(pen.text(graphic.unit, left, top - size * 1.2, size, AXIS))
    for i in range(ticks + 1):
        value = low + (high - low) * i / ticks
        ops.append(f"{pen.rgb(GRID)} RG 0.4 w {n(plot_left)} {n(y(value))} m {n(plot_right)} {n(y(value))} l S")
        ops.append(pen.text(f"{value.normalize():,f}", plot_left - 2, y(value) - size * 0.35, size, AXIS, "right"))
    group = (plot_right - plot_left) / max(1, len(graphic.categories))
    for i, category in enumerate(graphic.categories):
        centre = plot_left + group * (i + 0.5)
        ops.append(pen.text(category, centre, plot_bottom - size * 1.25, size, AXIS, "center"))
    line = graphic.chart_kind == "bars_and_line"
    bars = [s for s in graphic.series if not (line and s.name == "目標")]
    width = group * (0.5 if len(bars) == 1 else 0.32)
    zero = y(Decimal(0))
    for b, series in enumerate(bars):
        for i, figure in enumerate(series.values):
            if figure is None:
                continue
            x = plot_left + group * (i + 0.5) + width * (b - len(bars) / 2)
            ops.append(f"{pen.rgb(series.color)} rg {n(x)} {n(zero)} {n(width)} {n(y(figure) - zero)} re f")
    if line:
        ops += _line(graphic, plot_left, group, y, pen)
    ops.append(f"{pen.rgb(AXIS)} RG 0.6 w {n(plot_left)} {n(zero)} m {n(plot_right)} {n(zero)} l S")
    return ops


def _legend(graphic: Graphic, x: float, top: float, pen: Pen) -> list[str]:
    n, size = pen.n, graphic.text_size
    ops = []
    baseline = top - size * 1.2
    for series in graphic.series:
        ops.append(f"{pen.rgb(series.color)} rg {n(x)} {n(baseline - 0.5)} {n(size * 0.9)} {n(size * 0.9)} re f")
        ops.append(pen.text(series.name, x + size * 1.2, baseline, size, AXIS))
        x += size * 1.2 + pen.face.width(series.name, size) + size * 1.5
    return ops


def _line(graphic: Graphic, plot_left: float, group: float, y: Any, pen: Pen) -> list[str]:
    """The target as a line with square markers; a year without a target breaks the line."""
    n = pen.n
    series = next(s for s in graphic.series if s.name == "目標")
    points = [(plot_left + group * (i + 0.5), y(v)) if v is not None else None for i, v in enumerate(series.values)]
    ops = [f"{pen.rgb(series.color)} RG 1.2 w"]
    path: list[str] = []
    for point in points + [None]:
        if point is None:
            if len(path) > 1:
                ops.append(" ".join(path) + " S")
            path = []
            continue
        path.append(f"{n(point[0])} {n(point[1])} {'l' if path else 'm'}")
    for point in points:
        if point is not None:
            ops.append(f"{pen.rgb(series.color)} rg {n(point[0] - 1.8)} {n(point[1] - 1.8)} 3.6 3.6 re f")
    return ops
