"""Page breaks: repeated table headers and group headings, and cuts through rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from formgen.build import area_layout
from formgen.compose import compose
from formgen.compose.bands import Band, BandRow
from formgen.compose.paginate import EMPTY_SHARE, paginate
from formgen.config.load import load_config
from formgen.errors import LayoutError, Place
from formgen.records import load_record

ROOT = Path(__file__).resolve().parent.parent

WHERE = Place("layouts/policy_area.yaml", 1, "sheets[0]")
HEADER, GROUP, CONTINUED = 10.0, 11.0, 12.0
"""heights that tell the rows apart in the pages"""


def band(height: float, **options: object) -> Band:
    return Band([BandRow([], height=height, min_height=height)], **options)  # type: ignore[arg-type]


def table(*heights: float) -> list[Band]:
    """A table header, a group heading and its （続き） rows, and items of the given heights."""
    header = band(HEADER, keep_with_next=True)
    group = band(GROUP, keep_with_next=True, header=header)
    continued = band(CONTINUED, header=header)
    return [header, group, *(band(h, header=continued) for h in heights)]


def heights(bands: list[Band], capacity: float) -> list[list[float]]:
    return [[row.height for row in page] for page in paginate(bands, capacity, WHERE, EMPTY_SHARE * capacity).pages]


def test_an_item_moves_below_the_repeated_header_and_group_heading() -> None:
    assert heights(table(30, 75), 100) == [[HEADER, GROUP, 30], [HEADER, CONTINUED, 75]]


def test_items_fill_each_page_under_the_repeated_rows() -> None:
    assert heights(table(*[25] * 8), 100) == [
        [HEADER, GROUP, 25, 25, 25],
        [HEADER, CONTINUED, 25, 25, 25],
        [HEADER, CONTINUED, 25, 25],
    ]


def test_an_item_that_fits_a_page_but_not_below_the_repeated_rows_gets_a_page_without_them() -> None:
    # 85 pt fits a 100 pt page but not the 78 pt under the header and the group heading, and it
    # holds no text to split. (Moving it on for ever once filled memory until the worker died.)
    assert heights(table(30, 85, 20), 100) == [[HEADER, GROUP, 30], [85], [HEADER, CONTINUED, 20]]


def test_repeated_rows_take_at_most_a_quarter_of_the_page() -> None:
    header = band(HEADER, keep_with_next=True)
    group = band(40, keep_with_next=True, header=header)  # a long measure name: 40 pt
    continued = band(41, header=header)
    bands = [header, group, *(band(30, header=continued) for _ in range(4))]
    assert heights(bands, 100) == [[HEADER, 40, 30], [HEADER, 30, 30, 30]]  # 10 + 41 > 25: no 41


def test_an_item_taller_than_a_page_with_nothing_to_split_is_an_error() -> None:
    with pytest.raises(LayoutError, match="holds nothing that can be split"):
        paginate(table(30, 120), 100, WHERE, EMPTY_SHARE * 100)


def test_synthetic_year_pages_have_no_empty_rows_and_fit_their_page(tmp_path: Path) -> None:
    """42 areas shaped like the sample, some five times longer: splits everywhere."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.pop(0)
    layout = area_layout(ROOT / "layouts", ROOT / "fonts", load_config(ROOT / "formgen.yaml"))
    for path in synth.write_year(42, tmp_path / "data"):
        plan = compose(layout, load_record(path))
        for sheet in plan.sheets:
            title = sum(row.height for row in sheet.title_rows)
            for page in range(sheet.pages):
                rows = [sheet.rows[i] for i in sheet.page_rows(page)]
                assert all(row.height > 0 for row in rows), (path.name, sheet.name, page)
                assert title + sum(row.height for row in rows) <= plan.page.body_height, (path.name, sheet.name, page)
