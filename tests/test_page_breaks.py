"""Page breaks a reader expects, over 42 synthetic areas whose narratives flow across pages.

No page ends with a heading or a 【n】/○ title whose text is on the next page; no paragraph
leaves a single line alone at the foot (orphan) or the top (widow) of a page. Paragraphs are
found independently of formgen's line breaking: every printed paragraph is rebuilt from the
data files as PyYAML reads them (【n】 items, ・ bullets, ○ headings, dated lines), and a split
cell's lines are matched against them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT
from formgen.build import area_layout
from formgen.compose import compose
from formgen.config.load import load_config
from formgen.datafiles import describe, load
from formgen.documents import load_documents, outputs
from formgen.plan import DocumentPlan
from formgen.records import load_record

HEADING_STYLES = {"title", "heading", "subheading", "group"}
"""styles of the sample layout's headings: a row of only these must not end a page"""
HEADING_LINE = re.compile(r"(【\d+】|○)")
PAGES_BEFORE = 715
"""pages of the 42 synthetic areas before widow, orphan and heading control (formgen 0.2)"""


def printed_paragraphs(value: Any) -> Iterator[tuple[str, bool]]:
    """Every paragraph the data can print, as printed, with whether it is a heading or title."""
    if isinstance(value, str):
        yield from ((part, False) for part in value.split("\n"))
    elif isinstance(value, dict):
        for item in value.values():
            yield from printed_paragraphs(item)
    elif isinstance(value, list):
        number = 0
        for entry in value:
            if isinstance(entry, dict) and "title" in entry and "body" in entry:
                number += 1
                yield f"【{number}】{entry['title']}", True
                yield from printed_paragraphs(entry["body"])
            elif isinstance(entry, dict) and "heading" in entry:
                yield "○" + entry["heading"], True
            elif isinstance(entry, dict) and "bullet" in entry and "date" not in entry:
                parts = entry["bullet"].split("\n")
                yield from ((("・" if i == 0 else "") + part, False) for i, part in enumerate(parts))
            elif isinstance(entry, dict) and "date" in entry:
                mark = "・" if entry.get("bullet", True) else ""
                yield f"{mark}{entry['date']}：{entry['text']}", True
            else:
                yield from printed_paragraphs(entry)


@dataclass
class Line:
    text: str
    paragraph: int
    """index of its paragraph within the cell"""
    first: bool
    last: bool
    heading: bool


def _bare(text: str) -> str:
    """Text without spaces: a line break may drop the space it falls on."""
    return re.sub(r"[\s\u3000]", "", text)


def paragraph_lines(lines: list[str], known: dict[str, bool]) -> list[Line] | None:
    """The lines of a text with their paragraphs, matched against the paragraphs the data prints;
    None when they cannot be matched (a text that is not the data's)."""
    paragraphs = [(_bare(text), heading) for text, heading in known.items() if _bare(text)]
    out: list[Line] = []
    i = index = 0
    while i < len(lines):
        found = None
        start = _bare(lines[i])
        for text, heading in paragraphs if start else ():
            if not text.startswith(start):
                continue
            joined, k = "", i
            while k < len(lines) and len(joined) < len(text):
                joined += _bare(lines[k])
                k += 1
            if joined == text:
                found = (k, heading)
                break
        if found is None:
            return None
        end, heading = found
        for k in range(i, end):
            out.append(Line(lines[k], index, k == i, k == end - 1, heading))
        i, index = end, index + 1
    return out


@dataclass
class Problem:
    area: str
    sheet: str
    page: int
    what: str

    def __str__(self) -> str:
        return f"{self.area} {self.sheet} page {self.page + 1}: {self.what}"


def problems(area: str, plan: DocumentPlan, known: dict[str, bool]) -> list[Problem]:
    found = []
    for sheet in plan.sheets:
        pages = [[sheet.rows[i] for i in sheet.page_rows(page)] for page in range(sheet.pages)]
        for page, rows in enumerate(pages[:-1]):
            last = rows[-1]
            if last.cells and all(plan.styles[c.style].name in HEADING_STYLES for c in last.cells):
                found.append(Problem(area, sheet.name, page, f"ends with the heading {last.cells[0].text!r}"))
        for page, parts in flows(pages):
            found += split_problems(area, sheet.name, page, parts, known)
    return found


def flows(pages: list[list[Any]]) -> Iterator[tuple[int, list[tuple[int, list[str]]]]]:
    """Texts that flow from one cell into the next one down in the same column, onto the next
    page (the plan marks both cells) or into the next row of the page (a text taller than a
    spreadsheet row): the page each starts on, and its pieces as (page, lines)."""
    cells = [(page, c) for page, rows in enumerate(pages) for r in rows for c in r.cells]
    for k, (page, start) in enumerate(cells):
        if not (start.open_bottom or start.flows_on) or start.open_top or start.flows_in or not start.lines:
            continue
        parts, cell = [(page, start.lines)], start
        for where, nxt in cells[k + 1 :]:
            if not (cell.open_bottom or cell.flows_on):
                break
            if (nxt.open_top or nxt.flows_in) and nxt.col == cell.col:
                parts.append((where, nxt.lines))
                cell = nxt
        if len({where for where, _ in parts}) > 1:
            yield page, parts


def split_problems(
    area: str, sheet: str, page: int, parts: list[tuple[int, list[str]]], known: dict[str, bool]
) -> list[Problem]:
    """Orphans, widows and lone titles where a text flows onto the next page."""
    lines = paragraph_lines([line for _, part in parts for line in part], known)
    if lines is None:
        return []
    out = []
    cut = 0
    for (where, part), (after, _) in zip(parts, parts[1:], strict=False):
        cut += len(part)
        if where == after or not part:
            continue  # the next row of the same page
        above, below = lines[cut - 1], lines[cut] if cut < len(lines) else None
        if above.first and not above.last:
            out.append(Problem(area, sheet, where, f"orphan: {above.text!r} alone at the foot"))
        if below is not None and below.last and not below.first:
            out.append(Problem(area, sheet, after, f"widow: {below.text!r} alone at the top"))
        on_page = lines[:cut]
        titles = [ln for ln in on_page if ln.heading]
        if titles and titles[-1].last:
            title = titles[-1]
            following = [ln for ln in lines if ln.paragraph > title.paragraph]
            shown = [ln for ln in on_page if ln.paragraph > title.paragraph]
            if len(shown) < min(2, len(following)):
                out.append(Problem(area, sheet, where, f"title {title.text!r} with {len(shown)} line(s) after it"))
    return out


Planned = list[tuple[str, DocumentPlan, dict[str, bool]]]
"""(the output's name, its plan, the paragraphs its data prints)"""


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.pop(0)
    return list(synth.write_year(42, tmp_path_factory.mktemp("year") / "data"))


@pytest.fixture(scope="module")
def year(synthetic_files: list[Path]) -> Planned:
    """The 施策評価票 of each synthetic area."""
    layout = area_layout(ROOT / "layouts", ROOT / "fonts", load_config(ROOT / "formgen.yaml"))
    out = []
    for path in synthetic_files:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        known = dict(printed_paragraphs(data))
        out.append((path.stem, compose(layout, load_record(path)), known))
    return out


@pytest.fixture(scope="module")
def project_sheets(synthetic_files: list[Path]) -> Planned:
    """The 事務事業評価シート of every project of the synthetic areas (the shipped second document)."""
    config = load_config(ROOT / "formgen.yaml")
    (document,) = load_documents(config, ROOT / "layouts", ROOT / "fonts", ("project_sheet",), books=False)
    out = []
    for path in synthetic_files:
        sourced = load(describe(path), config=config)
        known = dict(printed_paragraphs(yaml.safe_load(Path(path).read_text(encoding="utf-8"))))
        for output in outputs(document, sourced.record, path.stem, sourced.source):
            out.append((output.stem, compose(document.layout, sourced.record, output.item, sourced.source), known))
    return out


@pytest.fixture(scope="module", params=["policy_area", "project_sheet"])
def every_sheet(request: pytest.FixtureRequest) -> Planned:
    return request.getfixturevalue("year" if request.param == "policy_area" else "project_sheets")


def test_no_page_ends_with_a_heading_and_no_line_is_left_alone(every_sheet: Planned) -> None:
    found = [p for area, plan, known in every_sheet for p in problems(area, plan, known)]
    assert not found, "\n".join(map(str, found[:40])) + f"\n({len(found)} in all)"


def test_the_checks_see_narratives_split_across_pages(year: list[tuple[str, DocumentPlan, dict[str, bool]]]) -> None:
    """The year has enough texts flowing across pages, matched to their paragraphs, for the
    checks above to mean something."""
    matched = unmatched = 0
    for _, plan, known in year:
        for sheet in plan.sheets:
            pages = [[sheet.rows[i] for i in sheet.page_rows(page)] for page in range(sheet.pages)]
            for _, parts in flows(pages):
                if paragraph_lines([line for _, part in parts for line in part], known) is None:
                    unmatched += 1
                else:
                    matched += 1
    assert matched >= 100 and unmatched <= matched // 20, (matched, unmatched)


def test_page_counts_grow_by_at_most_three_percent(year: list[tuple[str, DocumentPlan, dict[str, bool]]]) -> None:
    pages = sum(plan.pages for _, plan, _ in year)
    assert pages <= PAGES_BEFORE * 1.03, pages


def test_no_page_but_a_sheets_last_is_left_more_than_40_percent_empty(every_sheet: Planned) -> None:
    """Of the page's whole body: the strip kept free at its foot counts as empty."""
    worst = []
    for area, plan, _ in every_sheet:
        for sheet in plan.sheets:
            title = sum(row.height for row in sheet.title_rows)
            for page in range(sheet.pages - 1):
                used = title + sum(sheet.rows[i].height for i in sheet.page_rows(page))
                worst.append((1 - used / plan.page.body_height, area, sheet.name, page + 1))
    assert len(worst) >= 50 and max(worst)[0] <= 0.40, max(worst)


def test_page_per_item_starts_each_project_on_its_own_page(tmp_path: Path) -> None:
    from conftest import edit_layout, make_project, plan_of

    project = make_project(tmp_path / "city")
    edit_layout(
        project, "        group_bookmark: true\n", "        group_bookmark: true\n        page_per_item: true\n"
    )
    record = load_record(project / "data" / "R7" / "37.yaml")
    sheet = next(s for s in plan_of(project, record).sheets if s.name == "事務事業評価")
    names = [
        p["name"] for p in yaml.safe_load((project / "data" / "R7" / "37.yaml").read_text(encoding="utf-8"))["projects"]
    ]
    first_page = {}
    for page in range(sheet.pages):
        for i in sheet.page_rows(page):
            for cell in sheet.rows[i].cells:
                if cell.text in names and not cell.flows_in:
                    first_page.setdefault(cell.text, page)
    assert sorted(first_page.values()) == sorted(set(first_page.values())) and len(first_page) == len(names)
    starts = set(first_page.values())
    for page in range(sheet.pages):
        if page in starts:
            continue
        # a page no project starts on continues the one before: two lines of its text at least
        texts = [c for i in sheet.page_rows(page) for c in sheet.rows[i].cells if c.flows_in]
        assert texts and max(len(c.lines) for c in texts) >= 2, page
