"""Documents: several forms from one set of records — a sheet per project, named as declared, with its book."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from conftest import (
    MINIMAL_RECORD,
    SEED_DATA,
    Built,
    build_project,
    edit_file,
    make_project,
    outline_titles,
    pdf_pages,
    pdf_text,
    run_cli,
)

SEED = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
"""the sample area read with PyYAML, not with formgen"""


def seed_projects() -> list[tuple[str, dict[str, Any]]]:
    """Each project of the sample with the file name the shipped formgen.yaml declares for it."""
    out, seen = [], dict.fromkeys([p["measure"] for p in SEED["projects"]], 0)
    for project in SEED["projects"]:
        seen[project["measure"]] += 1
        out.append((f"37-{project['measure']}-{seen[project['measure']]:02}", project))
    return out


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def figures(project: dict[str, Any]) -> list[int]:
    return [v for year in project.get("years", {}).values() for v in year.values() if isinstance(v, int)]


def test_one_pdf_and_one_workbook_per_project_named_as_declared(built: Built) -> None:
    folder = built.project / "out" / "R7" / "事務事業"
    projects = seed_projects()
    assert len(projects) == 16
    expected = {f"{name}.{fmt}" for name, _ in projects for fmt in ("pdf", "xlsx")} | {"事務事業評価シート.pdf"}
    assert {p.name for p in folder.iterdir()} == expected
    for name, project in projects:
        text = squash(pdf_text(folder / f"{name}.pdf"))
        assert squash(project["name"]) in text and squash(project["department"]) in text, name
        assert text.count(name) >= 2, name  # the sheet's number as its file's: header and 番号 ({number:02})
        money = figures(project)
        assert money, name
        for figure in money:
            assert f"{figure:,}" in text, (name, figure)
        workbook = openpyxl.load_workbook(folder / f"{name}.xlsx", read_only=False)
        values = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        assert project["name"] in values and project["department"] in values, name
        assert all(figure in values for figure in money), name


def test_the_project_book_holds_every_sheet_with_a_bookmark_per_project(built: Built) -> None:
    out = built.project / "out" / "R7"
    book = out / "事務事業" / "事務事業評価シート.pdf"
    projects = seed_projects()
    sheets = sum(pdf_pages(out / "事務事業" / f"{name}.pdf") for name, _ in projects)
    assert pdf_pages(book) == sheets + 2  # cover and contents
    assert outline_titles(book, nested=False) == ["表紙", "目次", "政策分野37 交流・移住"]
    titles = outline_titles(book)[3:]
    numbers = {p["measure"]: 0 for _, p in projects}
    wanted = []
    for _, project in projects:
        numbers[project["measure"]] += 1
        wanted.append(f"{project['measure']}-{numbers[project['measure']]} {project['name']}")
    assert titles == wanted
    text = squash(pdf_text(book))
    assert all(squash(p["name"]) in text for _, p in projects)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["事務事業/37-1-05.pdf"]["document"] == "project_sheet"
    assert manifest["documents"]["project_sheet"]["37"]["outputs"][4] == "事務事業/37-1-05"


def test_document_option_builds_only_that_document(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    result = build_project(project, "--document", "project_sheet")
    assert result.exit_code == 0, result.output
    out = project / "out" / "R7"
    assert not (out / "37.pdf").exists() and (out / "事務事業" / "37-2-07.pdf").exists()
    result = build_project(project, "--document", "nope")
    assert result.exit_code == 2 and "no document nope in formgen.yaml (declared: policy_area, project_sheet)" in (
        result.stderr
    )


def test_a_removed_project_loses_its_files_and_the_book_follows(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    assert build_project(project).exit_code == 0
    out = project / "out" / "R7" / "事務事業"
    data = project / "data" / "R7" / "37.yaml"
    text = data.read_text(encoding="utf-8")
    last = text.index("  - measure: 2", text.index("name: 奨学金返還支援事業補助金") - 200)
    end = text.index("\nlogic_models:")
    data.write_text(text[:last] + text[end + 1 :], encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    assert not (out / "37-2-07.pdf").exists() and not (out / "37-2-07.xlsx").exists()
    assert "removed" in result.stdout and "37-2-07.pdf" in result.stdout
    assert (out / "37-2-06.pdf").exists()
    assert "奨学金返還支援事業補助金" not in pdf_text(out / "事務事業評価シート.pdf")


@pytest.mark.parametrize(
    "template,message",
    [
        ("../{number}", "a file or folder name cannot hold /"),
        ("{area.number}-{numbr}", "there is no field 'numbr' here; did you mean 'number'?"),
        ("{area.number}-{number:x}", "after the colon give the digits to pad to"),
    ],
)
def test_a_bad_file_name_template_is_refused_with_its_line(tmp_path: Path, template: str, message: str) -> None:
    project = make_project(tmp_path / "city")
    config = edit_file(project / "formgen.yaml", 'file: "{area.number}-{measure}-{number:02}"', f'file: "{template}"')
    line = config.read_text(encoding="utf-8").splitlines().index(f'    file: "{template}"') + 1
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert f"{config}:{line}: documents.project_sheet.file" in result.stderr and message in result.stderr
    assert not (project / "out").exists()


@pytest.mark.parametrize(
    "old,new,field,meant",
    [
        (
            "    layout: project_sheet.yaml\n",
            "    layout: project_shet.yaml\n",
            "project_sheet.layout",
            "project_sheet",
        ),
        (
            "book: {layout: book.yaml, file: book}",
            "book: {layout: bok.yaml, file: book}",
            "policy_area.book.layout",
            "book",
        ),
    ],
)
def test_a_layout_file_that_is_not_there_is_named_at_its_line(
    tmp_path: Path, old: str, new: str, field: str, meant: str
) -> None:
    project = make_project(tmp_path / "city")
    config = edit_file(project / "formgen.yaml", old, new)
    line = next(n for n, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if new.strip() in text)
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    missing = project / "layouts" / new.split("layout: ")[1].split(",")[0].strip()
    holds = "book.yaml, policy_area.yaml, project_book.yaml, project_sheet.yaml"
    message = f"{config}:{line}: documents.{field}: {missing}: no such file; did you mean '{meant}.yaml'? "
    assert result.stderr.splitlines()[0] == message + f"({project / 'layouts'} holds {holds})", result.stderr
    assert not (project / "out").exists()


@pytest.mark.parametrize("pad", ["x", "002", "", "2a"])
def test_a_bad_padding_in_a_layout_template_is_refused_with_its_line(tmp_path: Path, pad: str) -> None:
    project = make_project(tmp_path / "city")
    layout = edit_file(
        project / "layouts" / "project_sheet.yaml",
        '{text: "{area.number}-{measure}-{number:02}"',
        f'{{text: "{{area.number}}-{{measure}}-{{number:{pad}}}"',
    )
    line = next(
        i for i, text in enumerate(layout.read_text(encoding="utf-8").splitlines(), 1) if f"number:{pad}}}" in text
    )
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert f"{layout}:{line}:" in result.stderr and "after the colon give the digits to pad to" in result.stderr
    assert "Traceback" not in result.output and not (project / "out").exists()


def test_a_name_made_unsafe_by_the_data_is_refused_at_the_items_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    assert build_project(project).exit_code == 0
    before = {p: p.read_bytes() for p in (project / "out").rglob("*") if p.is_file()}
    edit_file(project / "formgen.yaml", 'file: "{area.number}-{measure}-{number:02}"', 'file: "{name}"')
    data = edit_file(project / "data" / "R7" / "37.yaml", "name: 国際交流推進事業", "name: 国際交流/推進事業")
    line = data.read_text(encoding="utf-8").splitlines().index("    name: 国際交流/推進事業") + 1
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert f"{data}:{line}: projects[4].name: document project_sheet: the file name '国際交流/推進事業' holds /" in (
        result.stderr
    )
    assert {p: p.read_bytes() for p in (project / "out").rglob("*") if p.is_file()} == before


def test_two_outputs_for_one_file_are_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    edit_file(
        project / "formgen.yaml", 'file: "{area.number}-{measure}-{number:02}"', 'file: "{area.number}-{measure}"'
    )
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert "its file 事務事業/37-1 is also made for" in result.stderr
    assert not [p for p in (project / "out").rglob("*") if p.is_file()]


def test_a_renamed_data_file_builds(tmp_path: Path) -> None:
    """Its old outputs are removed; they do not clash with the outputs made under the new name."""
    project = make_project(tmp_path / "city")
    assert build_project(project).exit_code == 0
    data = project / "data" / "R7"
    (data / "37.yaml").rename(data / "kouryu.yaml")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    out = project / "out" / "R7"
    assert (out / "kouryu.pdf").exists() and not (out / "37.pdf").exists()
    assert (out / "事務事業" / "37-1-01.pdf").exists()  # named by the area's number, as before


def test_a_project_moving_to_another_area_keeps_its_file(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    edit_file(project / "formgen.yaml", 'file: "{area.number}-{measure}-{number:02}"', 'file: "{name}"')
    other = MINIMAL_RECORD.replace("area: {number: 37, name: 交流・移住}", "area: {number: 38, name: 移住}")
    moved = "未来人財育成塾"
    (project / "data" / "R7" / "38.yaml").write_text(
        other.replace("name: 交流事業", "name: 別の事業"), encoding="utf-8"
    )
    assert build_project(project).exit_code == 0
    edit_file(project / "data" / "R7" / "37.yaml", f"name: {moved}", "name: 別の事業の二")
    edit_file(project / "data" / "R7" / "38.yaml", "name: 別の事業", f"name: {moved}")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    out = project / "out" / "R7" / "事務事業"
    assert (out / f"{moved}.pdf").exists() and (out / f"{moved}.xlsx").exists()
    manifest = json.loads((project / "out" / "R7" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][f"事務事業/{moved}.pdf"]["area"] == "38"


def test_two_books_on_one_file_and_page_numbers_in_file_names_are_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    config = edit_file(project / "formgen.yaml", "    folder: 事務事業\n", "")
    edit_file(
        config, "book: {layout: project_book.yaml, file: 事務事業評価シート}", "book: {layout: project_book.yaml}"
    )
    result = build_project(project)
    assert result.exit_code == 2 and "book.pdf is the book of policy_area already" in result.stderr, result.output
    project = make_project(tmp_path / "town")
    edit_file(project / "formgen.yaml", '"{area.number}-{measure}-{number:02}"', '"{area.number}-{page}"')
    result = build_project(project)
    assert result.exit_code == 2 and "{page} is a page number, which a file name has not" in result.stderr
    assert "internal error" not in result.output


def test_validate_checks_every_documents_file_names_as_build_would(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    edit_file(project / "formgen.yaml", '"{area.number}-{measure}-{number:02}"', '"{area.number}-{name}"')
    data = edit_file(project / "data" / "R7" / "37.yaml", "name: 未来人財育成塾", "name: 未来人財/育成塾")
    result = run_cli(
        "validate", str(data), "--config", str(project / "formgen.yaml"), "--layouts", str(project / "layouts")
    )
    assert result.exit_code == 2 and "the file name '37-未来人財/育成塾' holds /" in result.stderr, result.output


def test_a_padded_page_number_is_refused_with_its_line(tmp_path: Path) -> None:
    """{page:03} would print as written: the page numbers are the writers' (and the spreadsheet's)."""
    project = make_project(tmp_path / "city")
    layout = edit_file(project / "layouts" / "policy_area.yaml", "{page} / {pages}", "{page:03} / {pages}")
    line = next(i for i, text in enumerate(layout.read_text(encoding="utf-8").splitlines(), 1) if "{page:03}" in text)
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert f"{layout}:{line}:" in result.stderr and "a page number is not padded" in result.stderr
    assert not (project / "out").exists()
