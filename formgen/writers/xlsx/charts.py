"""A KPI chart's part (chartN.xml): bars per year for each series, or actual bars and a target line.

The chart names the cells it reads and keeps the figures it showed when written (a
reader draws it before recalculating): the year labels, and a single cell's figure;
a union of cells is kept as no figures, as Excel itself reads them again on opening.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...plan import ChartSeries, Graphic
from .grid import SharedStrings
from .xml import HEAD, RELATIONSHIPS, text

_NS = (
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    f'xmlns:r="{RELATIONSHIPS}"'
)
TARGET = "目標"
"""the series drawn as a line in a bars_and_line chart"""


@dataclass
class Chart:
    index: int
    """0-based, in the workbook's order: gives the axes their ids"""
    graphic: Graphic
    categories: str
    """formula of the year labels"""
    category_data: list[str | None]
    series: list[tuple[ChartSeries, str, list[str | None]]]
    """(series, formula of its figures, the figures kept)"""


def chart_xml(chart: Chart, strings: SharedStrings) -> str:
    graphic = chart.graphic
    ids = (f"{5001 + chart.index:04d}0001", f"{5001 + chart.index:04d}0002")
    axes = f'<c:axId val="{ids[0]}"/><c:axId val="{ids[1]}"/>'
    as_line = graphic.chart_kind == "bars_and_line"
    bars = [s for s in chart.series if not (as_line and s[0].name == TARGET)]
    lines = [s for s in chart.series if as_line and s[0].name == TARGET]
    size = int(graphic.text_size * 100)
    numeric = _numeric(chart.category_data)
    plot = (
        '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
        + "".join(_series(i, s, chart, numeric, False) for i, s in enumerate(bars))
        + axes
        + "</c:barChart>"
    )
    if as_line:
        plot += (
            '<c:lineChart><c:grouping val="standard"/>'
            + "".join(_series(len(bars) + i, s, chart, numeric, True) for i, s in enumerate(lines))
            + '<c:marker val="1"/>'
            + axes
            + "</c:lineChart>"
        )
    return (
        f'{HEAD}<c:chartSpace {_NS}><c:lang val="en-US"/><c:chart><c:plotArea><c:layout/>'
        + plot
        + _category_axis(ids, size, numeric)
        + _value_axis(ids, size, graphic)
        + f'</c:plotArea><c:legend><c:legendPos val="t"/><c:layout/>{_text_properties(size)}</c:legend>'
        '<c:plotVisOnly val="1"/></c:chart><c:printSettings><c:headerFooter/><c:pageMargins b="0.75" l="0.7" '
        'r="0.7" t="0.75" header="0.3" footer="0.3"/><c:pageSetup/></c:printSettings></c:chartSpace>'
    )


def _numeric(data: list[str | None]) -> bool:
    """Whether year labels read as numbers (a spreadsheet then keeps them as a number cache)."""
    if not data:
        return False
    for token in data:
        if token is None:
            continue
        if "_" in token or " " in token:
            return False
        try:
            float(token)
        except ValueError:
            return False
    return True


def _solid(color: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{color.upper()}"/></a:solidFill>'


def _series(
    index: int, entry: tuple[ChartSeries, str, list[str | None]], chart: Chart, numeric: bool, line: bool
) -> str:
    data, formula, cache = entry
    color = _solid(data.color)
    if line:
        looks = (
            f"<c:spPr><a:ln>{color}</a:ln></c:spPr>"
            f'<c:marker><c:symbol val="square"/><c:spPr>{color}<a:ln>{color}</a:ln></c:spPr></c:marker>'
        )
    else:
        looks = f"<c:spPr>{color}<a:ln>{color}</a:ln></c:spPr>"
    categories = _cache_ref("num" if numeric else "str", chart.categories, chart.category_data)
    return (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:v>{text(data.name)}</c:v></c:tx>{looks}'
        f"<c:cat>{categories}</c:cat><c:val>{_cache_ref('num', formula, cache)}</c:val></c:ser>"
    )


def _cache_ref(kind: str, formula: str, data: list[str | None]) -> str:
    """A formula with the figures or labels it showed when written."""
    tag = "c:numRef" if kind == "num" else "c:strRef"
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{text(_number(value) if kind == "num" else value)}</c:v></c:pt>'
        for i, value in enumerate(data)
        if value is not None
    )
    if kind == "num":
        cache = f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{len(data)}"/>{points}</c:numCache>'
    else:
        cache = f'<c:strCache><c:ptCount val="{len(data)}"/>{points}</c:strCache>'
    return f"<{tag}><c:f>{text(formula.lstrip('='))}</c:f>{cache}</{tag}>"


def _number(token: str) -> str:
    try:
        float(token)
    except ValueError:
        return "0"
    return token


def _text_properties(size: int) -> str:
    return (
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}" baseline="0"/></a:pPr>'
        '<a:endParaRPr lang="en-US"/></a:p></c:txPr>'
    )


def _category_axis(ids: tuple[str, str], size: int, numeric: bool) -> str:
    number_format = '<c:numFmt formatCode="General" sourceLinked="1"/>' if numeric else ""
    return (
        f'<c:catAx><c:axId val="{ids[0]}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:axPos val="b"/>{number_format}<c:tickLblPos val="nextTo"/>{_text_properties(size)}'
        f'<c:crossAx val="{ids[1]}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/></c:catAx>'
    )


def _value_axis(ids: tuple[str, str], size: int, graphic: Graphic) -> str:
    positive = all(v is None or v >= 0 for s in graphic.series for v in s.values)
    minimum = '<c:min val="0"/>' if positive else ""
    heading = ""
    if graphic.unit:
        heading = (
            f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}" baseline="0"/>'
            f'</a:pPr><a:r><a:rPr lang="en-US" sz="{size}" baseline="0"/><a:t>{text(graphic.unit)}</a:t></a:r>'
            "</a:p></c:rich></c:tx><c:layout/></c:title>"
        )
    return (
        f'<c:valAx><c:axId val="{ids[1]}"/><c:scaling><c:orientation val="minMax"/>{minimum}</c:scaling>'
        f'<c:axPos val="l"/><c:majorGridlines/>{heading}<c:numFmt formatCode="General" sourceLinked="1"/>'
        f'<c:tickLblPos val="nextTo"/>{_text_properties(size)}<c:crossAx val="{ids[0]}"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
    )
