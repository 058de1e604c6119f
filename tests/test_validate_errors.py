"""Bad input gets a clear error naming file, line and field, exit status 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL_RECORD, edit_file, edit_layout, folder_args, make_project, plan_of, run_cli
from formgen.records import load_record


def replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, f"test setup: {old!r} not in the record"
        return text.replace(old, new, 1)

    return mutate


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text + extra


# (case id, mutation, expected line, expected field, fragment of the message)
CASES = [
    (
        "empty-required-text",
        replace("    name: 交流事業\n", "    name:\n"),
        19,
        "projects[0].name",
        "is empty: write the text",
    ),
    ("yaml-syntax", replace("    sdgs: [4, 8]", "    sdgs: [4, 8\n"), 12, "", "flow sequence that starts on line 10"),
    (  # YAML reads the line as a key of its own and stumbles on the next: the indented line is named
        "yaml-full-width-indent",
        replace("  - name: 参加人数", "\u3000- name: 参加人数"),
        13,
        "",
        "the line is indented with a full-width space「　」: YAML indents with half-width spaces only",
    ),
    # libyaml's words, and what a clerk can do about them
    ("yaml-unclosed-flow", replace("    sdgs: [4, 8]", "    sdgs: [4, 8\n"), 12, "", "a {…} or […] not closed"),
    (
        "yaml-indented-apart",
        replace("    sdgs: [4, 8]", "   sdgs: [4, 8]"),
        10,
        "",
        "an item's keys line up with the first key after its '- ': this line lines up with neither",
    ),
    (  # lines added under a key that has its value on its own line, as `fields: {}` in formgen.yaml
        "yaml-lines-under-a-value",
        replace("    years:\n      R5:", "    years: {}\n      R5:"),
        16,
        "",
        "the key 'years' on line 15 has its value already ('{}'), so lines indented under it cannot go in it",
    ),
    (  # a list started under a key whose value is on its own line: YAML runs the items into the text
        "yaml-list-under-a-text",
        replace(
            "    description: 交流を促進します。",
            "    description: 交流を促進します。\n      - 姉妹都市\n      - 親善交流",
        ),
        11,
        "measures[0].description",
        "line 12 starts a list item ('- ') under this key, whose value is already given on its own line",
    ),
    (
        "yaml-colon-in-text",
        replace("vision: 新しい価値が生まれ続けるまち", "vision: 目標: 新しい価値"),
        6,
        "",
        "put a text holding ': ' in quotes",
    ),
    (  # named where the quote opens, not at the end of the file
        "yaml-unclosed-quote",
        replace("vision: 新しい価値が生まれ続けるまち", 'vision: "新しい価値'),
        6,
        "",
        'the quote " opened on this line is not closed on it (the parser read on to the end of the file',
    ),
    (  # and when another quote further down made the parser stop there
        "yaml-unclosed-quote-read-on",
        replace("vision: 新しい価値が生まれ続けるまち", 'vision: "新しい価値\nmemo: "追記"'),
        6,
        "",
        'the quote " opened on this line is not closed on it (the parser read on to line 7',
    ),
    (
        "yaml-quote-then-more",
        replace("vision: 新しい価値が生まれ続けるまち", 'vision: "相互理解"と平和'),
        6,
        "",
        "a text that begins with a quote ends with it, and here more follows",
    ),
    (
        "yaml-full-width-colon",
        replace("vision: 新しい", "vision：新しい"),
        6,
        "",
        "the key's colon「：」 is full-width",
    ),
    (
        "yaml-full-width-space-after-colon",
        replace("vision: 新しい", "vision:\u3000新しい"),
        6,
        "",
        "the key's space「　」 after the colon is full-width",
    ),
    (
        "full-width-space-indent",
        replace("    sdgs: [4, 8]", "    \u3000sdgs: [4, 8]"),
        10,
        "measures[0].\u3000sdgs",
        "the key 'sdgs' has a full-width space「　」 beside it: indent with half-width spaces only",
    ),
    (
        "full-width-comma-number-in-braces",
        replace("target: 4000", "target: ４,０００"),
        16,
        "kpis[0].years.R5.target",
        "４,０００ inside {…} is read as ４ followed by keys: put it in quotes",
    ),
    (
        "tab-indent",
        replace("    description:", "\tdescription:"),
        11,
        "",
        "indented with a tab: YAML indents with spaces",
    ),
    ("duplicate-key", append("department: 企画政策部\n"), 24, "department", "duplicate key (first given on line 2)"),
    ("anchor", replace("policy_goal: {", "policy_goal: &g {"), 3, "policy_goal", "anchors (&g) are not allowed"),
    (
        "alias",
        replace("policy: {number: 9, name: ひとの力を活かした地域活力の創造・再生}", "policy: *x"),
        4,
        "policy",
        "aliases (*x) are not allowed",
    ),
    ("explicit-tag", replace("vision: 新しい", "vision: !!str 新しい"), 6, "vision", "explicit tags"),
    (
        "unknown-key",
        replace("    name: 交流の促進", "    nmae: 交流の促進"),
        9,
        "measures[0].nmae",
        "unknown field; did you mean 'name'?",
    ),
    ("missing-field", replace("department: 総務部・総務課\n", ""), 1, "department", "is required but missing"),
    (
        "mapping-indented-as-its-neighbour",
        replace("    years:\n      R5:", "    years:\n    R5:"),
        15,
        "kpis[0].years",
        "has nothing under it; a mapping (key: value lines) expected: its lines go below 'years', indented further",
    ),
    (
        "wrong-type-number",
        replace("cost: 601", "cost: abc"),
        23,
        "projects[0].years.R7.cost",
        "must be a number, got 'abc'",
    ),
    ("wrong-type-list", replace("sdgs: [4, 8]", "sdgs: 4"), 10, "measures[0].sdgs", "must be a list"),
    ("wrong-type-text", replace("unit: 人", "unit: 12"), 14, "kpis[0].unit", "must be text"),
    # found by test_fuzz: a list was printed whole (300 characters of the input)
    ("list-for-text", replace("unit: 人", f"unit: [{'長' * 300}]"), 14, "kpis[0].unit", "must be text, got a list"),
    ("literal", append("    next_year: 続行\n"), 24, "projects[0].next_year", "must be one of"),
    ("literal-typo", append("    next_year: 拡允\n"), 24, "projects[0].next_year", "did you mean '拡充'?"),
    ("key-of-another-level", append("cost: 5\n"), 24, "cost", "'cost' is a field of projects[].years.<year>"),
    # 'tagret' is as close to 'area' (this level) as the cutoff allows, and much closer to 'target'
    (
        "misspelt-key-closer-elsewhere",
        append("tagret: 1\n"),
        24,
        "tagret",
        "did you mean 'target'? It is a field of kpis[].years.<year>",
    ),
    (
        "misspelt-key-of-another-level",
        replace("area: {number: 37, name: 交流・移住}", "area: {number: 37, name: 交流・移住, kpi: []}"),
        5,
        "area.kpi",
        "did you mean 'kpis'? It is a field of the top of the file",
    ),
    ("yaml11-octal", replace("target: 4000", "target: 0400"), 16, "kpis[0].years.R5.target", "octal"),
    (
        "comma-number-in-braces",
        replace("target: 4000", "target: 4,000"),
        16,
        "kpis[0].years.R5.target",
        '4,000 inside {…} is read as 4 followed by keys: put it in quotes, "4,000"',
    ),
    (
        "yaml11-base60",
        replace("personnel: 3691", "personnel: 1:30"),
        23,
        "projects[0].years.R7.personnel",
        "base-60",
    ),
    ("yaml11-boolean", replace("main: true", "main: yes"), 21, "projects[0].main", "must be true or false, got 'yes'"),
    ("nan", replace("actual: 2290", "actual: .nan"), 16, "kpis[0].years.R5.actual", "NaN and infinity"),
    ("infinity", replace("actual: 2290", "actual: -.inf"), 16, "kpis[0].years.R5.actual", "NaN and infinity"),
    (
        "escaped-control-char",
        replace("vision: 新しい価値が生まれ続けるまち", 'vision: "新しい\\a価値"'),
        6,
        "vision",
        "U+0007",
    ),
    ("raw-control-char", replace("vision: 新しい", "vision: 新\x01しい"), 6, "vision", "control character U+0001"),
    (
        "xlsx-noncharacter",
        replace("vision: 新しい価値が生まれ続けるまち", 'vision: "価値\\uFFFE"'),
        6,
        "vision",
        "U+FFFE",
    ),
    ("line-separator", replace("name: 交流事業", 'name: "交流\\u2028事業"'), 19, "projects[0].name", "U+2028"),
    ("newline-in-name", replace("name: 交流事業", 'name: "交流\\n事業"'), 19, "projects[0].name", "single line"),
    (
        "text-too-long",
        replace("vision: 新しい価値が生まれ続けるまち", "vision: " + "あ" * 32768),
        6,
        "vision",
        "at most 32767",
    ),
    ("bad-fiscal-year", replace("fiscal_year: R7", "fiscal_year: X7"), 1, "fiscal_year", "expected a fiscal year"),
    ("bad-sdg-goal", replace("sdgs: [4, 8]", "sdgs: [4, 18]"), 10, "measures[0].sdgs[1]", "less than or equal to 17"),
    ("unknown-measure", replace("  - measure: 1", "  - measure: 3"), 18, "projects[0].measure", "there is no 施策3"),
    ("year-mismatch", replace("fiscal_year: R7", "fiscal_year: R8"), 1, "fiscal_year", "folder for R7"),
    (
        "year-given-twice",
        replace("R5: {target: 4000, actual: 2290}", "R5: {target: 4000, actual: 2290}\n      令和5年度: {target: 1}"),
        15,
        "kpis[0].years",
        "令和5年度 is given twice (as 'R5' and '令和5年度')",
    ),
]


@pytest.mark.parametrize("case,mutate,line,field,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_line_and_field(
    record_file: Path, case: str, mutate: Callable[[str], str], line: int, field: str, fragment: str
) -> None:
    record_file.write_text(mutate(MINIMAL_RECORD), encoding="utf-8")
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    prefix = f"{record_file}:{line}: " + (f"{field}: " if field else "")
    matching = [ln for ln in result.stderr.splitlines() if ln.startswith(prefix)]
    assert matching, f"no error starting with {prefix!r} in:\n{result.stderr}"
    assert any(fragment in ln for ln in matching), result.stderr
    assert result.stdout == ""


def test_every_character_a_cell_cannot_hold_is_one_python_calls_unprintable() -> None:
    """check_text asks the pattern only about texts str.isprintable refuses: that must lose none."""
    from formgen.records.types import _UNHOLDABLE

    every = "".join(map(chr, range(0x110000)))
    refused = [m.group() for m in _UNHOLDABLE.finditer(every)]
    assert len(refused) > 2000  # controls, surrogates, separators, non-characters
    assert [ch for ch in refused if ch.isprintable()] == []


def test_valid_minimal_record_passes(record_file: Path) -> None:
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{record_file}: ok — 令和7年度 政策分野37 交流・移住")


def _expect_single_error(path: Path, line: int, fragment: str) -> None:
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"{path}:{line}: "), result.stderr
    assert fragment in result.stderr


def test_non_utf8_file(record_file: Path) -> None:
    record_file.write_bytes(MINIMAL_RECORD.encode("shift_jis"))
    _expect_single_error(record_file, 2, "not UTF-8")


def test_utf16_file(record_file: Path) -> None:
    record_file.write_bytes(MINIMAL_RECORD.encode("utf-16"))
    _expect_single_error(record_file, 1, "UTF-16")


def test_utf8_bom_is_accepted(record_file: Path) -> None:
    record_file.write_bytes(MINIMAL_RECORD.encode("utf-8-sig"))
    assert run_cli("validate", str(record_file)).exit_code == 0


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_empty_file(record_file: Path, content: str) -> None:
    record_file.write_text(content, encoding="utf-8")
    _expect_single_error(record_file, 1, "the file is empty")


@pytest.mark.parametrize(
    "content,what", [("- a\n- b\n", "not a list"), ("just text\n", "not a text"), ("42\n", "not a single value")]
)
def test_document_must_be_a_mapping(record_file: Path, content: str, what: str) -> None:
    record_file.write_text(content, encoding="utf-8")
    _expect_single_error(record_file, 1, what)


def test_multiple_documents(record_file: Path) -> None:
    record_file.write_text(MINIMAL_RECORD + "---\nfiscal_year: R8\n", encoding="utf-8")
    _expect_single_error(record_file, 25, "only one YAML document")


def test_every_error_of_a_file_is_reported_at_once(record_file: Path) -> None:
    text = MINIMAL_RECORD
    for old, new in [
        ("cost: 601", "cost: abc"),
        ("main: true", "main: no"),
        ("    name: 交流の促進", "    nmae: 交流の促進"),
        ("target: 4000", "target: 0400"),
    ]:
        text = text.replace(old, new)
    record_file.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    fields = {ln.split(": ")[1] for ln in lines}
    assert {
        "projects[0].years.R7.cost",
        "projects[0].main",
        "measures[0].nmae",
        "kpis[0].years.R5.target",
    } <= fields, result.stderr
    # name missing is the same mistake as nmae: said once, by "did you mean 'name'?"
    assert "measures[0].name" not in fields and "did you mean 'name'?" in result.stderr


def test_duplicate_keys_and_aliases_do_not_hide_the_other_errors(record_file: Path) -> None:
    text = MINIMAL_RECORD.replace("cost: 601", "cost: abc").replace(
        "policy: {number: 9, name: ひとの力を活かした地域活力の創造・再生}", "policy: *p"
    )
    record_file.write_text(text + "department: 企画政策部\n", encoding="utf-8")
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [  # in the order of the lines
        f"{record_file}:4: policy: aliases (*p) are not allowed; write the value out",
        f"{record_file}:23: projects[0].years.R7.cost: must be a number, got 'abc': "
        "write a number such as 4000, 4,000 or 12.5",
        f"{record_file}:24: department: duplicate key (first given on line 2)",
    ]


def test_inside_an_anchored_value_errors_are_still_found_and_a_merge_key_is_reported_once(
    record_file: Path,
) -> None:
    text = MINIMAL_RECORD.replace("policy_goal: {number: 5,", "policy_goal: &g {nmae: x, number: 5,")
    record_file.write_text(text + "<<: {a: 1}\n", encoding="utf-8")
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [  # in the order of the lines
        f"{record_file}:3: policy_goal: anchors (&g) are not allowed; write the value out",
        f"{record_file}:3: policy_goal.nmae: unknown field; did you mean 'name'?",
        f"{record_file}:24: merge keys (<<) are not allowed; write the values out",
    ]


def test_every_raw_control_character_is_reported_with_its_field(record_file: Path) -> None:
    text = MINIMAL_RECORD.replace("vision: 新しい", "vision: 新\x01しい").replace(
        "    description: 交流を促進します。", "    description: |\n      交流を\n      促進\x1bします。"
    )
    record_file.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"{record_file}:6: vision: control character U+0001 is not allowed",
        f"{record_file}:13: measures[0].description: control character U+001B is not allowed",
    ]


def test_every_file_is_checked_and_good_files_are_listed(tmp_path: Path, record_file: Path) -> None:
    bad = record_file.parent / "38.yaml"
    bad.write_text(MINIMAL_RECORD.replace("number: 37", "number: 38").replace("cost: 601", "cost: x"), encoding="utf-8")
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2
    assert f"{record_file}: ok" in result.stdout
    assert f"{bad}:23: projects[0].years.R7.cost" in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "R7" / "99.yaml"
    result = run_cli("validate", str(missing))
    assert result.exit_code == 2
    assert f"{missing}: no such file" in result.stderr


@pytest.mark.parametrize(
    "old,new,line,field,fragment",
    [
        ("target: 4000", "target: 1e30", 16, "kpis[0].years.R5.target", "more than 15 digits"),
        ("cost: 601", "cost: 12345678901234567", 23, "projects[0].years.R7.cost", "more than 15 digits"),
        ("actual: 2290", "actual: 0.1234567", 16, "kpis[0].years.R5.actual", "more than 6 decimals"),
    ],
)
def test_figures_a_workbook_cannot_keep(
    record_file: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    record_file.write_text(MINIMAL_RECORD.replace(old, new), encoding="utf-8")
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{record_file}:{line}: {field}: " in result.stderr and fragment in result.stderr


def test_figures_written_as_text_are_read_as_numbers(record_file: Path) -> None:
    text = MINIMAL_RECORD.replace("target: 4000", 'target: "4000"').replace("cost: 601", "cost: ６０１")
    record_file.write_text(text, encoding="utf-8")
    assert run_cli("validate", str(record_file)).exit_code == 0


@pytest.mark.parametrize("command", ["validate", "build"])
def test_the_installed_command_reports_bad_input_without_a_traceback(tmp_path: Path, command: str) -> None:
    """The same, through the real console script in its own process (not the in-process runner)."""
    project = make_project(tmp_path / "project")
    record = project / "data" / "R7" / "37.yaml"
    record.write_text(MINIMAL_RECORD.replace("cost: 601", "cost: abc").replace("main: true", "main: yes"), "utf-8")
    script = Path(sys.executable).with_name("formgen")
    args = [str(script), command] + ([str(record)] if command == "validate" else folder_args(project))
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{record}:23: projects[0].years.R7.cost: must be a number, got 'abc'" in done.stderr
    assert f"{record}:21: projects[0].main: must be true or false, got 'yes'" in done.stderr
    assert not (project / "out" / "R7" / "37.pdf").exists()


def test_with_the_layout_validate_reports_what_build_would_refuse(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    record = project / "data" / "R7" / "37.yaml"
    record.write_text(MINIMAL_RECORD.replace("vision: 新しい", "vision: 新しい😀"), encoding="utf-8")
    layouts = ["--layouts", str(project / "layouts"), "--fonts", str(project / "fonts")]
    result = run_cli("validate", str(record), *layouts)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{record}:6: vision: the character '😀' U+1F600 GRINNING FACE is not in the font")
    record.write_text(MINIMAL_RECORD, encoding="utf-8")
    result = run_cli("validate", str(record), *layouts)
    assert result.exit_code == 0
    pages = plan_of(project, load_record(record)).pages
    # the 施策評価票's pages, then the per-project sheets' (one project: one page)
    assert result.stdout.rstrip().endswith(f"1 projects, {pages} pages + 1 (project_sheet)"), result.stdout
    missing = run_cli("validate", str(record), "--layouts", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "policy_area.yaml" in missing.stderr


def test_a_broken_layout_does_not_hide_the_datas_errors(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    record = project / "data" / "R7" / "37.yaml"
    record.write_text(MINIMAL_RECORD.replace("cost: 601", "cost: abc"), encoding="utf-8")
    layout = edit_layout(project, "  base: {font:", "  base: {fnot:")
    result = run_cli("validate", str(record), "--layouts", str(project / "layouts"), "--fonts", str(project / "fonts"))
    assert result.exit_code == 2
    assert f"{layout}:" in result.stderr and "styles.base.fnot: unknown field" in result.stderr
    assert f"{record}:23: projects[0].years.R7.cost: must be a number" in result.stderr


def test_a_books_layout_is_checked_by_validate_as_by_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    record = project / "data" / "R7" / "37.yaml"
    book = edit_file(project / "layouts" / "book.yaml", "  orientation: portrait", "  orientation: portrat")
    result = run_cli("validate", str(record), "--layouts", str(project / "layouts"), "--fonts", str(project / "fonts"))
    assert result.exit_code == 2, result.output
    line = book.read_text(encoding="utf-8").splitlines().index("  orientation: portrat") + 1
    assert f"{book}:{line}: page.orientation: must be one of 'portrait' or 'landscape'" in result.stderr, result.stderr
    assert "pages + " in result.stdout and "not laid out" not in result.stdout, result.stdout  # laid out all the same


def test_a_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    record = project / "data" / "R7" / "37.yaml"
    folders = ["--layouts", str(project / "layouts"), "--fonts", str(project / "fonts")]
    result = run_cli("validate", str(record), str(project / "data" / "R7"), *folders)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok") == 1


@pytest.mark.parametrize("target", ["1.1", "8.9", "11.a", "16.10", "17.19", "3.d", "8.10", "'１１．Ａ'"])
def test_an_sdg_target_of_the_2030_agenda_is_accepted(record_file: Path, target: str) -> None:
    text = MINIMAL_RECORD.replace("    main: true\n", f"    main: true\n    sdg_target: {target}\n")
    record_file.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(record_file))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "target,fragment",
    [
        ("11.x", "'11.x' is not an SDG target: goal 11 has 11.1–11.7 and 11.a–11.c"),
        ("'11.0'", "'11.0' is not an SDG target: goal 11 has 11.1–11.7 and 11.a–11.c"),
        ("11.99", "'11.99' is not an SDG target: goal 11 has 11.1–11.7 and 11.a–11.c"),
        ("17.20", "'17.20' is not an SDG target: goal 17 has 17.1–17.19"),
        ("13.c", "'13.c' is not an SDG target: goal 13 has 13.1–13.3 and 13.a–13.b"),
        ("'11,3'", "'11,3' is not an SDG target: goal 11 has 11.1–11.7 and 11.a–11.c; did you mean 11.3?"),
        ("18.1", "must be an SDG target such as 11.3 or 4.a (1.1 to 17.19), got '18.1'"),
    ],
)
def test_a_number_that_is_no_sdg_target_is_refused(record_file: Path, target: str, fragment: str) -> None:
    text = MINIMAL_RECORD.replace("    main: true\n", f"    main: true\n    sdg_target: {target}\n")
    record_file.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"    sdg_target: {target}") + 1
    _expect_single_error(record_file, line, fragment)
