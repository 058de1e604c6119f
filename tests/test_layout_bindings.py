"""Every field a layout names is checked against the record model before anything is built: all
mistakes at once, in tables over empty lists too, with hints that only name what works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import build_project, edit_layout, make_project
from formgen.build.inputs import FAILED

DEPARTMENT = "{value: department, span: 31}"
RELATED = "{value: project, span: 14}"  # the sample's related list is empty
PROJECT_NAME = "{value: name, span: 12}"


def errors_of(project: Path) -> list[str]:
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (project / "out").exists(), "nothing may be written when the layout is wrong"
    lines = result.stderr.splitlines()
    assert lines[-1] == FAILED, "said as a data file's mistake is: nothing was written"
    return lines


def line_of(project: Path, needle: str) -> int:
    lines = (project / "layouts" / "policy_area.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_every_binding_mistake_is_reported_in_one_run(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit_layout(project, DEPARTMENT, "{value: departmnt, span: 31}")
    edit_layout(project, RELATED, "{value: projct, span: 14}")
    edit_layout(project, PROJECT_NAME, "{value: nmae, span: 12}")
    edit_layout(project, "text: 5 最終評価", 'text: "5 {final_evaluaton}"')
    lines = errors_of(project)
    layout = project / "layouts" / "policy_area.yaml"
    expected = [
        (line_of(project, "departmnt"), "there is no field 'departmnt' here; did you mean 'department'?"),
        (line_of(project, "projct"), "there is no field 'projct' here; did you mean 'project'?"),
        (line_of(project, "final_evaluaton"), "there is no field 'final_evaluaton' here; did you mean"),
        (line_of(project, "nmae"), "there is no field 'nmae' here; did you mean 'name'?"),
    ]
    for line, fragment in expected:
        assert any(ln.startswith(f"{layout}:{line}: ") and fragment in ln for ln in lines), (line, fragment, lines)
    numbers = [int(ln.split(":")[1]) for ln in lines[:-1]]  # then the closing line
    assert numbers == sorted(numbers), "in the order of the lines"


# (id, replacement of the department cell's value, a fragment of the message)
WRONG_USE = [
    ("through-a-list", "kpis.name", "'kpis' is a list; go through it with a table (items: kpis)"),
    ("inside-a-single-value", "department.name", "'department' is a single value, not a group of fields"),
    (
        "a-group",
        "area",
        "'area' is a group of fields, not something to print; name one of them: area.name, area.number",
    ),
    ("a-list", "projects", "'projects' is a list, not something to print; go through it with a table"),
    ("old-finance", "finance.budget.cost", "a project's figures are given per fiscal year"),
    ("a-word", "words.are", "did you mean words.area?"),
]


@pytest.mark.parametrize("case,path,fragment", WRONG_USE, ids=[c[0] for c in WRONG_USE])
def test_a_path_that_cannot_print_says_why(tmp_path: Path, case: str, path: str, fragment: str) -> None:
    project = make_project(tmp_path)
    edit_layout(project, DEPARTMENT, f"{{value: {path}, span: 31}}")
    lines = errors_of(project)
    assert any(fragment in ln for ln in lines), lines


def test_items_must_be_a_list_and_an_aggregate_must_say_which(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit_layout(project, "items: related", "items: department")
    edit_layout(project, DEPARTMENT, "{sum: cost, span: 31}")
    lines = errors_of(project)
    assert any("'department' is not a list" in ln for ln in lines), lines
    assert any("say which list to go over (over: projects)" in ln for ln in lines), lines


def test_every_name_the_hint_offers_works_where_it_is_offered(tmp_path: Path) -> None:
    project = make_project(tmp_path / "wrong")
    edit_layout(project, DEPARTMENT, "{value: nothing_here, span: 31}")
    hint = next(ln for ln in errors_of(project) if "'nothing_here'" in ln)
    offered = re.search(r"\(available: (.*)\)$", hint).group(1).split(", ")  # type: ignore[union-attr]
    assert {"department", "vision", "final_evaluation", "area.…", "texts.…"} <= set(offered)
    assert not {"measures", "kpis", "projects", "review", "years"} & set(offered), "lists are not printable"
    for name in offered:
        path = name.removesuffix(".…")
        if name.endswith(".…"):  # a group to go into: naming it offers its members
            group = make_project(tmp_path / f"group-{path}")
            edit_layout(group, DEPARTMENT, f"{{value: {path}, span: 31}}")
            members = next(ln for ln in errors_of(group) if "name one of them: " in ln)
            path = members.split("name one of them: ")[1].split(", ")[0]
        trial = make_project(tmp_path / f"try-{path}")
        edit_layout(trial, DEPARTMENT, f"{{value: {path}, span: 31}}")
        result = build_project(trial, "--no-book", "--format", "xlsx")
        assert result.exit_code == 0, (name, path, result.stderr)


def test_a_broken_layout_does_not_hide_the_datas_problems(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit_layout(project, DEPARTMENT, "{value: departmnt, span: 31}")
    data = project / "data" / "R7" / "37.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("\nvision: ", "\nvision: 12 #", 1), encoding="utf-8")
    lines = errors_of(project)
    assert any("there is no field 'departmnt'" in ln for ln in lines), lines
    assert any(ln.startswith(f"{data}:") and "vision: must be text, got 12" in ln for ln in lines), lines
    assert lines[-1] == "build failed: nothing was written; earlier outputs are unchanged"


def test_every_character_the_font_lacks_is_named_in_one_run(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    data = project / "data" / "R7" / "37.yaml"
    text = data.read_text(encoding="utf-8")
    text = text.replace("\nvision: ", "\nvision: \U0001f600", 1).replace(
        "name: 交流・移住}", "name: 交流・移住\U0001f680}", 1
    )
    data.write_text(
        text.replace("department: 総務部・総務課\n", "department: 総務部・総務課\U0001f4ce\n", 1), encoding="utf-8"
    )
    result = build_project(project)
    assert result.exit_code == 2
    for char, field in (("U+1F600", "vision"), ("U+1F680", "area.name"), ("U+1F4CE", "department")):
        assert any(f": {field}: " in ln and char in ln for ln in result.stderr.splitlines()), (char, result.stderr)
