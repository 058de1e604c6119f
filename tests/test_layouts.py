"""Layouts: a user changes the form by editing YAML only; mistakes are reported with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import build_project, edit_file, edit_layout, make_project, pdf_text, plan_of, run_cli, squash
from formgen.build.inputs import FAILED
from formgen.records import load_record

SHIPPED = Path(__file__).resolve().parents[1] / "layouts" / "policy_area.yaml"


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def column_texts(ws: Any) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# --------------------------------------------------------------------------- edits in YAML only


def test_width_label_and_block_order_change_by_editing_yaml(built_workbook: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    # a width: the outcome-evidence sheet's first column from 42 mm to 50 mm (and the next from 36 to 28)
    edit_layout(project, "columns: [42, 36, 14,", "columns: [50, 28, 14,")
    # a label
    edit_layout(project, "{label: 主管部局・課, span: 7}", "{label: 担当部局, span: 7}")
    # the order of two blocks: 5 最終評価 (heading + text) before 4 第7次総合計画の期中総括
    path = project / "layouts" / "policy_area.yaml"
    text = path.read_text(encoding="utf-8")
    review_start = text.index('      - type: heading\n        text: "4 {texts.plan}の期中総括"')
    final_start = text.index("      - type: heading\n        text: 5 最終評価")
    final_end = text.index("      - type: heading\n        text: 6 事務事業一覧")
    text = text[:review_start] + text[final_start:final_end] + text[review_start:final_start] + text[final_end:]
    path.write_text(text, encoding="utf-8")

    assert build_project(project).exit_code == 0
    edited = openpyxl.load_workbook(project / "out" / "R7" / "37.xlsx")
    before = built_workbook["成果根拠"].column_dimensions["A"].width
    after_ws = edited["成果根拠"]
    assert before * 7 * 0.75 == pytest.approx(42 * 72 / 25.4, abs=0.75)
    assert after_ws.column_dimensions["A"].width * 7 * 0.75 == pytest.approx(50 * 72 / 25.4, abs=0.75)
    assert after_ws.column_dimensions["B"].width * 7 * 0.75 == pytest.approx(28 * 72 / 25.4, abs=0.75)

    old_texts, new_texts = column_texts(built_workbook["施策評価票"]), column_texts(edited["施策評価票"])
    assert "主管部局・課" in old_texts and "主管部局・課" not in new_texts and "担当部局" in new_texts
    assert old_texts.index("4 第7次総合計画の期中総括") < old_texts.index("5 最終評価")
    assert new_texts.index("5 最終評価") < new_texts.index("4 第7次総合計画の期中総括")


def test_font_size_changes_by_editing_yaml(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit_layout(project, "  base: {font: gothic, size: 8,", "  base: {font: gothic, size: 9,")
    assert build_project(project).exit_code == 0
    ws = openpyxl.load_workbook(project / "out" / "R7" / "37.xlsx")["施策評価票"]
    assert ws["H2"].value == "総務部・総務課"
    assert ws["H2"].font.sz == 9


# --------------------------------------------------------------------------- mistakes


def _expect(project: Path, needle: str, field: str, fragment: str) -> None:
    path = project / "layouts" / "policy_area.yaml"
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = line_of(path, needle)
    prefix = f"{path}:{line}: {field}"
    assert any(ln.startswith(prefix) and fragment in ln for ln in result.stderr.splitlines()), result.stderr
    assert result.stderr.splitlines()[-1] == FAILED, "said as a data file's mistake is: nothing was written"
    assert not (project / "out").exists(), "nothing may be written when the layout is wrong"


# (old text, new text, a needle on the expected line, the field, a fragment of the message)
LINE_MISTAKES = [
    pytest.param(
        "{value: department, span: 31}",
        "{value: department, span: 31, style: vallue}",
        "style: vallue",
        "sheets[0].blocks[1].rows[0][1].style",
        "there is no style named 'vallue'; did you mean 'value'?",
        id="unknown_style",
    ),
    pytest.param(
        "{value: department, span: 31}",
        "{value: department, spam: 31}",
        "spam: 31",
        "sheets[0].blocks[1].rows[0][1].spam",
        "did you mean 'span'?",
        id="unknown_key_suggests_the_right_one",
    ),
    pytest.param(
        "{value: department, span: 31}",
        "{value: departmnt, span: 31}",
        "value: departmnt",
        "sheets[0].blocks[1].rows[0][1]",
        "there is no field 'departmnt' here",
        id="unknown_record_field",
    ),
    pytest.param(
        "{label: めざす姿, span: 7}, {value: vision, span: 31}",
        "{label: めざす姿, span: 7}, {value: vision, span: 30}",
        "{value: vision, span: 30}",
        "sheets[0].blocks[1].rows[3]",
        "cover 37 columns; the sheet has 38",
        id="row_must_cover_the_columns",
    ),
    pytest.param(
        "columns: [42, 36, 14,",
        "columns: [62, 36, 14,",
        "columns: [62, 36",
        "sheets[3].columns",
        "add up to 210 mm but the page has 190 mm",
        id="columns_wider_than_the_page",
    ),
    pytest.param(
        "  figure: {align: right, valign: middle}",
        '  figure: {align: right, valign: middle, number_format: "yyyy/mm/dd"}',
        "yyyy/mm/dd",
        "styles.figure.number_format",
        "unsupported number format",
        id="bad_number_format",
    ),
    pytest.param(
        "mincho: {regular: BIZUDMincho-Regular.ttf}",
        "mincho: {regular: BIZUDMincho.ttf}",
        "BIZUDMincho.ttf",
        "fonts.mincho.regular",
        "font file not found",
        id="missing_font_file",
    ),
    pytest.param(
        "skip_if_empty: logic_models",
        "skip_if_empty: logic_modles",
        "skip_if_empty: logic_modles",
        "sheets[2].skip_if_empty",
        "there is no field 'logic_modles'",
        id="unknown_list_to_skip_a_sheet_on",
    ),
]


@pytest.mark.parametrize("old,new,needle,field,fragment", LINE_MISTAKES)
def test_a_layout_mistake_names_its_line(
    tmp_path: Path, old: str, new: str, needle: str, field: str, fragment: str
) -> None:
    project = make_project(tmp_path)
    edit_layout(project, old, new)
    _expect(project, needle, field, fragment)


def test_cff_font_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    project = make_project(tmp_path)
    (project / "fonts").unlink()
    (project / "fonts").mkdir()
    for name in ("BIZUDGothic-Regular.ttf", "BIZUDGothic-Bold.ttf", "BIZUDMincho-Regular.ttf"):
        (project / "fonts" / name).symlink_to(SHIPPED.parents[1] / "fonts" / name)
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({65: "A"})
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0)), pen.lineTo((500, 0)), pen.lineTo((250, 700)), pen.closePath()
    builder.setupCFF("TestCFF", {"FullName": "TestCFF"}, {".notdef": pen.getCharString(), "A": pen.getCharString()}, {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "TestCFF", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(project / "fonts" / "TestCFF.otf"))
    edit_layout(project, "mincho: {regular: BIZUDMincho-Regular.ttf}", "mincho: {regular: TestCFF.otf}")
    _expect(
        project,
        "TestCFF.otf",
        "fonts.mincho.regular",
        "CFF (PostScript) outlines; formgen embeds TrueType (glyf) fonts only",
    )


def test_every_layout_error_is_reported_at_once(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit_layout(project, "{value: department, span: 31}", "{value: department, span: 31, style: nope}")
    edit_layout(project, "columns: [42, 36, 14,", "columns: [62, 36, 14,")
    edit_layout(project, "mincho: {regular: BIZUDMincho-Regular.ttf}", "mincho: {regular: missing.ttf}")
    result = build_project(project)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == FAILED, result.stderr  # three mistakes, then what it means


def test_a_cell_spanning_past_its_group_is_the_one_mistake_named(tmp_path: Path) -> None:
    """The rows below it still count its columns: they are not reported short as well."""
    project = make_project(tmp_path)
    edit_layout(
        project, "{value: number, span: 2, rows: 5, style: number}", "{value: number, span: 2, rows: 6, style: number}"
    )
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    path = project / "layouts" / "policy_area.yaml"
    line = line_of(path, "rows: 6")
    message = f"{path}:{line}: sheets[0].blocks[6].row[0][0].rows: spans 6 rows but only 5 rows follow in this group"
    assert result.stderr.strip().splitlines() == [message, FAILED], result.stderr


def test_columns_changed_under_every_row_is_one_mistake_at_the_columns(tmp_path: Path) -> None:
    """Two more columns under rows all still covering 38: said once, at the columns, not 25 times."""
    project = make_project(tmp_path)
    edit_layout(project, "columns: {count: 38, width: 5}", "columns: {count: 40, width: 4.5}")
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    path = project / "layouts" / "policy_area.yaml"
    line = line_of(path, "columns: {count: 40, width: 4.5}")
    message = (
        f"{path}:{line}: sheets[0].columns: the sheet has 40 columns, but each of its 25 rows covers 38: "
        "give the sheet 38 columns, or change the rows' spans to cover 40"
    )
    assert result.stderr.strip().splitlines() == [message, FAILED], result.stderr


def test_outputs_longer_than_max_pages_are_refused_naming_each_item_and_its_longest_text(tmp_path: Path) -> None:
    """A city prints its project sheets on one page at most: projects whose texts take two are the
    data's mistake, every one named at once, at the project, with its tallest text; nothing is
    written. ``formgen plan`` still shows where the pages break, with the refusal as a note."""
    project = make_project(tmp_path)
    edit_file(
        project / "layouts" / "project_sheet.yaml",
        "  orientation: portrait\n",
        "  orientation: portrait\n  max_pages: 1\n",
    )
    assert build_project(project).exit_code == 0, "every shipped project sheet takes one page"
    before = {p: p.read_bytes() for p in (project / "out" / "R7").rglob("*.*")}
    data = project / "data" / "R7" / "37.yaml"
    bullet = "      - bullet: グローバル人材について考えるワークショップ、英会話講座、JICA等への訪問、"
    bullet += "グローバル人材との交流を実施した。\n"
    edit_file(data, bullet, bullet * 60)
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[272] == "    achievements:\n", "projects[0]'s achievements start on line 273"
    lines.insert(273, "      - " + "長い説明文です。" * 800 + "\n")
    data.write_text("".join(lines), encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    text = data.read_text(encoding="utf-8").splitlines()

    def refused(index: int, name: str, pages: int) -> str:
        named = line_of(data, f"name: {name}")
        item = max(n for n in range(1, named) if text[n - 1].startswith("  - "))  # the item's first line
        achievements = next(n for n in range(item, len(text)) if text[n] == "    achievements:") + 1
        return (
            f"{data}:{item}: projects[{index}]: takes {pages} pages, but project_sheet.yaml allows 1 (page.max_pages): "
            f"shorten its texts; the longest is projects[{index}].achievements (line {achievements})"
        )

    names = [refused(0, "姉妹都市・親善交流都市等交流事業", 3), refused(5, "グローバル人材育成事業", 2)]
    assert result.stderr.strip().splitlines() == [*names, FAILED], result.stderr
    assert {p: p.read_bytes() for p in (project / "out" / "R7").rglob("*.*")} == before
    edit_file(
        project / "layouts" / "policy_area.yaml",
        "  orientation: portrait\n",
        "  orientation: portrait\n  max_pages: 10\n",
    )
    result = run_cli(
        "plan", str(data), "--config", str(project / "formgen.yaml"), "--layouts", str(project / "layouts")
    )
    assert result.exit_code == 0 and result.stdout.startswith("document: "), result.output
    assert result.stderr.startswith(f"note: {data}: takes "), result.stderr
    assert "pages, but policy_area.yaml allows 10 (page.max_pages)" in result.stderr, result.stderr


def test_a_book_layout_has_no_page_limit(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    path = edit_file(
        project / "layouts" / "book.yaml", "  orientation: portrait\n", "  orientation: portrait\n  max_pages: 3\n"
    )
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = line_of(path, "max_pages: 3")
    assert f"{path}:{line}: page.max_pages: a book's front matter has no page limit" in result.stderr, result.stderr


def test_a_misspelt_key_of_a_years_cell_is_one_message_at_its_place(tmp_path: Path) -> None:
    """cels for cells: 'unknown field; did you mean' at the cell, not also 'cells is required' (and
    not under years, the union's tag that is also a key of the cell)."""
    project = make_project(tmp_path)
    path = edit_layout(
        project, "{years: [0, 1], cells: [{value: personnel,", "{years: [0, 1], cels: [{value: personnel,"
    )
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = line_of(path, "cels: [{value: personnel,")
    message = f"{path}:{line}: sheets[1].blocks[0].row[5][1].cels: unknown field; did you mean 'cells'?"
    assert result.stderr.strip().splitlines() == [message, FAILED], result.stderr


def test_padding_wider_than_the_cell(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit_layout(
        project,
        "  center: {align: center, valign: middle}",
        "  center: {align: center, valign: middle, padding: [0.7, 40]}",
    )
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "leaves no room for text" in result.stderr


def test_an_output_folder_that_cannot_be_made(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "out").mkdir()
    (project / "out" / "R7").write_text("a file where the year's folder should be", encoding="utf-8")
    result = build_project(project)
    # the machine, not the inputs: exit status 1, as for any folder that cannot be written
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "out/R7: cannot write there: File exists" in result.stderr


@pytest.mark.parametrize(
    "old,new,needle,field,fragment",
    [
        (
            "columns: [42, 36, 14,",
            "columns: {count: 10, width: x} #",
            "width: x",
            "sheets[3].columns",
            "width must be a number",
        ),
        (
            "columns: [42, 36, 14,",
            "columns: {count: 10} #",
            "count: 10} #",
            "sheets[3].columns",
            "as {count: 38, width: 5}",
        ),
        (
            "{value: department, span: 31}",
            "{value: department.x, span: 31}",
            "department.x",
            "sheets[0].blocks[1].rows[0][1]",
            "'department' is a single value",
        ),
        (
            'text: "1 {words.area}の進捗状況"\n        bookmark: true',
            'text: "1 {words.area}の進捗状況"\n        bookmark: 9',
            "bookmark: 9",
            "sheets[0].blocks[4].bookmark",
            "must be true, false or a bookmark level from 1 to 3, got 9",
        ),
        (
            "padding: [0.7, 1.0]",
            'padding: ["0.7", 1.0]',
            'padding: ["0.7", 1.0]',
            "styles.base.padding[0]",
            "must be a number, got '0.7'",
        ),
        (
            "size: 14, bold: true",
            "size: 14, bold: yes",
            "bold: yes",
            "styles.title.bold",
            "must be true or false, got 'yes' (YAML 1.1 would silently read it as a boolean)",
        ),
        (
            "padding: [0.7, 1.0]",
            "padding: [0.7, -1.0]",
            "padding: [0.7, -1.0]",
            "styles.base.padding",
            "greater than or equal to 0",
        ),
        (
            "  - name: 事務事業評価",
            "  - name: 施策評価票",
            "name: 施策評価票",
            "sheets[1].name",
            "sheets[0] is named '施策評価票' already",
        ),
        (
            'right: "{fiscal_year.long} {words.form}',
            'right: "{fiscal_year.long {words.form}',
            "{fiscal_year.long {words.form}",
            "page.header.right",
            "has a { or } that closes no placeholder",
        ),
        (  # the years cell's union tag ('years') is also a key of the cell: not taken for it
            "{years: [0, 1], cells: [{value: personnel, span: 5, style: figure}]}",
            '{years: [0, 1], cells: [{sum: "cost + personnel", span: 5, style: figure}]}',
            "cost + personnel",
            "sheets[1].blocks[0].row[5][1].cells[0].sum",
            "must be a field name or dotted path such as 'cost' or 'policy_goal.name', got 'cost + personnel'",
        ),
        (
            "{years: [0, 1], cells: [{value: personnel, span: 5, style: figure}]}",
            '{years: [0, 1], cells: [{add: "cost + personnel", span: 5, style: figure}]}',
            'add: "cost + personnel"',
            "sheets[1].blocks[0].row[5][1].cells[0].add",
            "must be a list, such as [cost, personnel], got 'cost + personnel'",
        ),
        (
            "{years: [0, 1], cells: [{value: personnel, span: 5, style: figure}]}",
            "{years: [0, 1], cells: [{add: [cost], span: 5, style: figure}]}",
            "add: [cost]",
            "sheets[1].blocks[0].row[5][1].cells[0].add",
            "adds two figures or more, e.g. [cost, personnel]; got 1",
        ),
        (
            "{years: [0, 1], cells: [{value: personnel, span: 5, style: figure}]}",
            "{years: [0, 1], cells: [{add: [cost, persnnel], span: 5, style: figure}]}",
            "add: [cost, persnnel]",
            "sheets[1].blocks[0].row[5][1].cells[0].add[1]",
            "there is no field 'persnnel' here; did you mean 'personnel'?",
        ),
        (
            "  orientation: portrait\n",
            "  orientation: portrait\n  max_pages: 0\n",
            "max_pages: 0",
            "page.max_pages",
            "greater than or equal to 1",
        ),
        (
            "{years: [-2, 1], cells: [{value: rate, span: 4, style: figure}]}",
            "{years: [-2, 1], cells: [{add: [rate, target], span: 4, style: figure}]}",
            "add: [rate, target]",
            "sheets[0].blocks[6].row[4][1].cells[0].add",
            "adds a percentage to a plain figure (rate is a percentage, target is not): give figures of one kind",
        ),
        (  # a figure of each year, outside the year columns: where it goes, not the fields there are
            "{label: 事業費, span: 7}, {years: [0, 1], cells: [{value: cost, span: 5, style: figure}]}",
            "{label: 事業費, span: 7}, {value: cost, span: 10, style: figure}",
            "{value: cost, span: 10",
            "sheets[1].blocks[0].row[3][1].value",
            "there is no field 'cost' here: it is given for each year (years: {R7: {cost: …}}); put the cell in a "
            "year column, e.g. {years: [0, 0], cells: [{…cost…}]}",
        ),
        (  # inside an operation of an operation: the same check, at the inner one
            "{years: [-2, 1], cells: [{value: rate, span: 4, style: figure}]}",
            "{years: [-2, 1], cells: [{ratio: [{add: [rate, target]}, target], span: 4, style: figure}]}",
            "ratio: [{add: [rate, target]}",
            "sheets[0].blocks[6].row[4][1].cells[0].ratio[0].add",
            "adds a percentage to a plain figure (rate is a percentage, target is not): give figures of one kind",
        ),
        (
            "{years: [-2, 1], cells: [{value: rate, span: 4, style: figure}]}",
            "{years: [-2, 1], cells: [{product: [rate, {ratio: [actual, target]}], span: 4, style: figure}]}",
            "product: [rate,",
            "sheets[0].blocks[6].row[4][1].cells[0].product",
            "multiplies percentages together (rate is a percentage, {ratio: …} is a percentage): give one",
        ),
        (
            "{years: [-2, 1], cells: [{value: rate, span: 4, style: figure}]}",
            "{years: [-2, 1], cells: [{ratio: [{difference: [actul, target]}, target], span: 4, style: figure}]}",
            "difference: [actul, target]",
            "sheets[0].blocks[6].row[4][1].cells[0].ratio[0].difference[0]",
            "there is no field 'actul' here; did you mean 'actual'?",
        ),
        (
            "{years: [-2, 1], cells: [{value: rate, span: 4, style: figure}]}",
            "{years: [-2, 1], cells: [{ratio: [{difference: [actual, target], sum: actual}, target], span: 4}]}",
            "difference: [actual, target], sum",
            "sheets[0].blocks[6].row[4][1].cells[0].ratio[0]",
            "an operand is an aggregate such as {sum: cost} or an operation such as {difference: [actual, target]}, "
            "not both (got sum, difference)",
        ),
        (
            "- {value: final, span: 7, style: center}",
            "- {text: x, span: 7, style: center}",
            "{text: x, span: 7",
            "sheets[2].blocks[1].columns",
            "names its list with value:",
        ),
    ],
)
def test_layout_mistakes_get_one_clear_message(
    tmp_path: Path, old: str, new: str, needle: str, field: str, fragment: str
) -> None:
    project = make_project(tmp_path)
    edit_layout(project, old, new)
    path = project / "layouts" / "policy_area.yaml"
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if fragment in ln]
    assert len(lines) == 1, result.stderr
    assert f"{path}:" in lines[0] and f": {field}" in lines[0], lines[0]


def test_a_text_blocks_label_is_a_template_with_escaped_braces(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    block = "        value: final_evaluation\n"
    edit_layout(project, block, block + '        label: "{{注}}{area.name}"\n')
    assert build_project(project).exit_code == 0
    plan = plan_of(project, load_record(project / "data" / "R7" / "37.yaml"))
    labels = ["".join(c.lines) for s in plan.sheets for r in s.rows for c in r.cells if c.style == "label"]
    assert "{注}交流・移住" in labels


def test_a_number_format_printing_a_character_the_font_lacks_is_the_layouts_mistake(tmp_path: Path) -> None:
    """A number format's own text (a unit, a mark) is checked against the style's font as every
    other text is: never a figure printed with a blank where the character should be."""
    project = make_project(tmp_path)
    path = edit_layout(
        project,
        "{value: target, span: 4, style: figure}",
        """{value: target, span: 4, style: figure, format: '#,##0"\U0001f600"'}""",
    )
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = line_of(path, "\U0001f600")
    assert f"{path}:{line}: " in result.stderr and "its number format" in result.stderr, result.stderr
    assert "U+1F600" in result.stderr and "not in the font BIZ UDGothic" in result.stderr
    assert result.stderr.splitlines()[-1] == FAILED
    assert not (project / "out").exists()


def test_a_styles_number_format_the_font_cannot_print_is_named_once_at_the_style(tmp_path: Path) -> None:
    """Every figure of the style would print it: one message, at the style, not one per cell."""
    project = make_project(tmp_path)
    add_area = project / "data" / "R7" / "38.yaml"  # a second area: its figures are not named again
    add_area.write_text(
        (project / "data" / "R7" / "37.yaml")
        .read_text(encoding="utf-8")
        .replace("area: {number: 37, name: 交流・移住}", "area: {number: 38, name: 分野38}"),
        encoding="utf-8",
    )
    path = edit_layout(
        project,
        "  figure: {align: right, valign: middle}",
        """  figure: {align: right, valign: middle, number_format: '#,##0"\U0001f600"'}""",
    )
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[-1] == FAILED
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(f"{path}:{line_of(path, chr(0x1F600))}: ")
    assert "the style 'figure' prints figures with" in lines[0] and "U+1F600" in lines[0]
    assert "not in the font BIZ UDGothic" in lines[0]


def test_an_empty_text_prints_the_missing_text_its_cell_or_block_gives(tmp_path: Path) -> None:
    """A narrative left out prints nothing by default; with ``missing`` (a cell's, or a text block's)
    it prints that, so that an empty box does not look forgotten."""
    project = make_project(tmp_path)
    data = project / "data" / "R7" / "37.yaml"
    edit_file(data, "vision: 相互理解と平和意識", "# vision: 相互理解と平和意識")
    edit_file(data, "final_evaluation: 政策分野37", "# final_evaluation: 政策分野37")
    record = load_record(data)
    before = plan_of(project, record)
    texts = ["".join(c.lines) for s in before.sheets for r in s.rows for c in r.cells]
    assert "（意見なし）" not in texts and "（未記入）" not in texts
    edit_layout(project, "{value: vision, span: 31}", "{value: vision, span: 31, missing: （未記入）}")
    block = "        value: final_evaluation\n"
    edit_layout(project, block, block + "        missing: （意見なし）\n")
    assert build_project(project).exit_code == 0
    after = plan_of(project, record)
    texts = ["".join(c.lines) for s in after.sheets for r in s.rows for c in r.cells]
    assert texts.count("（未記入）") == 1 and texts.count("（意見なし）") == 1


def test_a_measure_without_a_description_builds_and_prints_it_blank(tmp_path: Path) -> None:
    """A plan whose 施策 have no 施策の内容 leaves it out rather than inventing one."""
    project = make_project(tmp_path)
    data = project / "data" / "R7" / "37.yaml"
    text = data.read_text(encoding="utf-8")
    measures = text.split("\nkpis:")[0]
    described = [line for line in measures.splitlines() if line.startswith("    description: ")]
    assert len(described) == 2, "test setup: the sample's two measures each have a description"
    for line in described:
        edit_file(data, line + "\n", "")
    result = build_project(project, "--no-book")
    assert result.exit_code == 0, result.output
    record = load_record(data)
    assert [m.description for m in record.measures] == ["", ""]
    printed = squash(pdf_text(project / "out" / "R7" / "37.pdf"))
    assert all(squash(line.removeprefix("    description: "))[:12] not in printed for line in described)
    assert "交流の促進" in printed  # the measures themselves are printed


def test_a_text_key_left_empty_or_null_is_the_text_left_out(tmp_path: Path) -> None:
    """``vision:`` with nothing after it, or ``final_evaluation: null``, is what a clerk writes for
    "none yet": read as left out (a cell's missing text prints), not refused as 'got None'."""
    project = make_project(tmp_path)
    data = project / "data" / "R7" / "37.yaml"
    text = data.read_text(encoding="utf-8")
    vision = next(line for line in text.splitlines() if line.startswith("vision: "))
    final = next(line for line in text.splitlines() if line.startswith("final_evaluation: "))
    edit_file(data, vision, "vision:")
    edit_file(data, final, 'final_evaluation: "\u3000"')  # a full-width space typed as a placeholder
    edit_layout(project, "{value: vision, span: 31}", "{value: vision, span: 31, missing: （未記入）}")
    block = "        value: final_evaluation\n"
    edit_layout(project, block, block + "        missing: （意見なし）\n")
    result = build_project(project, "--no-book")
    assert result.exit_code == 0, result.output
    record = load_record(data)
    assert (record.vision, record.final_evaluation) == ("", "\u3000")
    printed = squash(pdf_text(project / "out" / "R7" / "37.pdf"))
    assert "（未記入）" in printed and "（意見なし）" in printed
    edit_file(data, 'final_evaluation: "\u3000"', "final_evaluation: null")
    assert load_record(data).final_evaluation == ""
