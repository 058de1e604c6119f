"""formgen build: every option, nothing lost on failure, reproducible, incremental."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import (
    EXAMPLE_CONFIG,
    SEED_DATA,
    Built,
    build_project,
    edit_file,
    edit_layout,
    folder_args,
    make_project,
    need,
    outline_titles,
    pdf_pages,
    pdf_text,
    run_cli,
)


def add_area(project: Path, number: int, year: str = "R7") -> Path:
    text = SEED_DATA.read_text(encoding="utf-8").replace(
        "area: {number: 37, name: 交流・移住}", f"area: {{number: {number}, name: 分野{number}}}"
    )
    assert f"number: {number}, name: 分野{number}" in text
    path = project / "data" / year / f"{number}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def outputs(project: Path, year: str = "R7") -> dict[str, bytes]:
    """Every file of the year's output folder (subfolders too), by its path inside it."""
    folder = project / "out" / year
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


SEED_MEASURES = [project["measure"] for project in yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))["projects"]]
"""the measure of each project of the sample area, in order (read with PyYAML, not formgen)"""
PROJECT_BOOK = "事務事業/事務事業評価シート.pdf"
OPEN_DATA = {
    f"opendata/{name}"
    for name in ("areas.csv", "measures.csv", "kpis.csv", "projects.csv", "project_finances.csv")
    + ("outcome_evidence.csv", "records.json", "datapackage.json")
}
"""the year's open data (tests/test_opendata.py reads it)"""


def project_sheets(area: int, formats: tuple[str, ...] = ("xlsx", "pdf")) -> set[str]:
    """The shipped project's 事務事業評価シート files for a copy of the sample area: area-measure-number."""
    names, seen = set(), dict.fromkeys(SEED_MEASURES, 0)
    for measure in SEED_MEASURES:
        seen[measure] += 1
        names |= {f"事務事業/{area}-{measure}-{seen[measure]:02}.{fmt}" for fmt in formats}
    return names


def files_per_area() -> int:
    """A workbook and a PDF of the area's sheet and of each of its projects' sheets."""
    return 2 + 2 * len(SEED_MEASURES)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "city")


def test_default_build_in_a_project_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_area(project, 3)
    monkeypatch.chdir(project)
    result = run_cli("build")
    assert result.exit_code == 0, result.output
    files = outputs(project)
    area_files = {"3.xlsx", "3.pdf", "37.xlsx", "37.pdf", "book.pdf", "manifest.json", PROJECT_BOOK}
    assert set(files) == area_files | project_sheets(3) | project_sheets(37) | OPEN_DATA
    manifest = json.loads(files["manifest.json"])
    assert manifest["fiscal_year"] == "R7"
    import hashlib

    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest(), name
        if name.endswith(".pdf"):
            assert entry["pages"] == pdf_pages(project / "out" / "R7" / name), name
    area_pages = manifest["files"]["3.pdf"]["pages"] + manifest["files"]["37.pdf"]["pages"]
    assert manifest["files"]["book.pdf"]["pages"] == area_pages + 2  # cover and contents
    books = 2
    written = 2 * files_per_area() + books + len(OPEN_DATA)
    assert f"令和7年度: 2 areas (2 built, 0 unchanged), {written} files written" in result.stdout
    assert "█" not in result.output and "#" not in result.stderr  # no progress bar when not on a terminal
    for name in files:
        assert stat.S_IMODE((project / "out" / "R7" / name).stat().st_mode) == 0o644, name


def test_book_has_contents_with_page_numbers_and_an_outline_per_area(project: Path) -> None:
    add_area(project, 3)
    assert build_project(project).exit_code == 0
    book = project / "out" / "R7" / "book.pdf"
    contents = pdf_text(book, page=2)
    pages_3 = json.loads((project / "out" / "R7" / "manifest.json").read_text())["files"]["3.pdf"]["pages"]
    assert "目次" in contents
    assert "政策分野3 分野3" in contents and "政策分野37 交流・移住" in contents
    numbers = [int(n) for n in contents.split() if n.isdigit()]
    assert 3 in numbers and 3 + pages_3 in numbers  # area 3 starts on page 3, area 37 after it
    titles = outline_titles(book, nested=False)
    assert titles == ["表紙", "目次", "政策分野3 分野3", "政策分野37 交流・移住"]
    last = pdf_text(book, page=3)
    total = pdf_pages(book)
    assert f"3 / {total}" in last  # page numbers run through the book


def test_options_year_area_format_and_folders(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    add_area(project, 3)
    add_area(project, 5, year="R6")
    (project / "data" / "R6" / "5.yaml").write_text(
        (project / "data" / "R6" / "5.yaml").read_text(encoding="utf-8").replace("fiscal_year: R7", "fiscal_year: R6"),
        encoding="utf-8",
    )
    out = tmp_path / "elsewhere"
    common = folder_args(project, out)
    result = run_cli("build", *common, "--year", "令和6年度", "--format", "pdf", "--no-book")
    assert result.exit_code == 0, result.output
    r6 = {p.relative_to(out / "R6").as_posix() for p in (out / "R6").rglob("*.*")}
    assert r6 == {"5.pdf", "manifest.json"} | project_sheets(5, ("pdf",)) | OPEN_DATA
    result = run_cli("build", *common, "--area", "37", "--format", "xlsx")
    assert result.exit_code == 0, result.output
    r7 = {p.relative_to(out / "R7").as_posix() for p in (out / "R7").rglob("*.*")}
    assert r7 == {"37.xlsx", "manifest.json"} | project_sheets(37, ("xlsx",))  # --area: no book, no open data
    assert "note:" not in result.stderr  # no book or open data in the folder to be left behind
    assert run_cli("build", *common, "--format", "pdf").exit_code == 0  # the year: books and open data
    edit_file(project / "data" / "R7" / "37.yaml", "department: 総務部・総務課", "department: 企画政策部")
    result = run_cli("build", *common, "--area", "37", "--format", "pdf")
    assert result.exit_code == 0, result.output
    # the summary lists the books as the folder holds them, made before this area's edit
    assert "book.pdf 26 pages, 事務事業/事務事業評価シート.pdf 34 pages" in result.stdout, result.stdout
    left = "note: book.pdf, 事務事業/事務事業評価シート.pdf, opendata/ left as they were, not part of this build; "
    note = left + "`formgen build` updates them"
    assert [note] == result.stderr.splitlines(), result.stderr
    result = run_cli("build", *common, "--area", "37", "--format", "pdf")  # nothing to build: said again
    assert result.exit_code == 0 and "(0 built, 1 unchanged)" in result.stdout and [note] == result.stderr.splitlines()
    result = run_cli("build", *common, "--format", "pdf", "--document", "project_sheet", "--no-open-data")
    assert result.exit_code == 0, result.output
    note = "note: book.pdf left as it was, not part of this build; `formgen build` updates them"
    assert [note] == result.stderr.splitlines(), result.stderr  # the other document's book
    again = run_cli("build", *common, "--format", "pdf", "--document", "project_sheet", "--no-open-data")
    assert "(0 built, 2 unchanged)" in again.stdout and [note] == again.stderr.splitlines(), again.output
    result = run_cli("build", *common, "--format", "pdf")
    assert result.exit_code == 0 and "note:" not in result.stderr, result.stderr  # every book checked
    result = run_cli("build", *common, "--year", "R7", "--format", "pdf", "--no-book")  # says how to update R7
    assert "`formgen build --year R7` updates them" in result.stderr, result.stderr
    result = run_cli("build", *common, "--area", "37", "--book")
    assert result.exit_code == 2 and "leave out --area" in result.stderr
    result = run_cli("build", *common, "--area", "99")
    assert result.exit_code == 2 and "no data file for area 99" in result.stderr
    result = run_cli("build", *common, "--year", "R5")
    assert result.exit_code == 2 and "there is no folder for R5 (found R6, R7)" in result.stderr
    result = run_cli("build", *common, "--year", "X9")
    assert result.exit_code == 2 and "expected a fiscal year" in result.stderr


def test_jobs_give_the_same_bytes_as_one_process(tmp_path: Path) -> None:
    """Workers take larger data files first; the book and everything else come out as one process
    makes them, in area order."""
    one, two = make_project(tmp_path / "one"), make_project(tmp_path / "two")
    for project in (one, two):
        add_area(project, 3)
        larger = add_area(project, 5)
        larger.write_text(larger.read_text(encoding="utf-8") + "# 注記\n" * 2000, encoding="utf-8")
    assert build_project(one, "--jobs", "1").exit_code == 0
    result = build_project(two, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert outputs(one) == outputs(two)


def test_workers_take_larger_files_first_within_windows(tmp_path: Path) -> None:
    from formgen.build.stale import AreaTask
    from formgen.build.workers import _larger_first
    from formgen.datafiles import describe

    sizes = [5, 1, 9, 3, 7, 2, 8, 4, 6, 0]
    tasks = []
    for number, size in enumerate(sizes, start=1):
        path = tmp_path / f"{number}.yaml"
        path.write_bytes(b"#" * size)
        tasks.append(AreaTask(describe(path), "", tmp_path, (), tmp_path))
    order = [int(t.datafile.area_id) for t in _larger_first(tasks, 4)]
    # windows of four counted from the end (the last one full): [1, 2], [3, 4, 5, 6], [7, 8, 9, 10]
    assert order == [1, 2, 3, 5, 4, 6, 7, 9, 8, 10]
    assert [int(t.datafile.area_id) for t in _larger_first(tasks, 1)] == list(range(1, 11))


def test_two_builds_are_byte_identical_even_in_another_folder(built: Built, tmp_path: Path) -> None:
    """A second build of the same inputs gives the same bytes, in another folder, with copies of the
    fonts (not the same files), whatever the clock says: workbooks, PDFs, book and manifest."""
    project = make_project(tmp_path / "elsewhere")
    (project / "fonts").unlink()
    shutil.copytree(built.project / "fonts", project / "fonts")
    assert build_project(project).exit_code == 0
    assert outputs(project) == outputs(built.project)
    for name in ("37.pdf", "37.xlsx", "book.pdf"):
        assert (project / "out" / "R7" / name).read_bytes() == (built.project / "out" / "R7" / name).read_bytes(), name


def test_unchanged_inputs_skip_every_area_and_force_rebuilds(project: Path) -> None:
    add_area(project, 3)
    assert build_project(project).exit_code == 0
    folder = project / "out" / "R7"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*.*")}
    result = build_project(project)
    assert result.exit_code == 0
    assert "2 areas (0 built, 2 unchanged), 0 files written" in result.stdout
    after = {p: p.stat().st_mtime_ns for p in folder.rglob("*.*") if p.name != "manifest.json"}
    assert len(after) == 2 * files_per_area() + 2 + len(OPEN_DATA) and all(after[p] == before[p] for p in after)
    result = build_project(project, "--force")
    written = 2 * files_per_area() + 2 + len(OPEN_DATA)
    assert f"2 areas (2 built, 0 unchanged), {written} files written" in result.stdout


def test_outputs_made_by_other_code_are_made_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """formgen's code, not only its version number, is an input of every output: a formgen that
    writes other bytes never takes outputs of an older one for current."""
    import formgen.build.stale as stale
    import formgen.unchanged as unchanged

    assert build_project(project).exit_code == 0
    assert "1 area (0 built, 1 unchanged)" in build_project(project).stdout
    for module in (stale, unchanged):
        monkeypatch.setattr(module, "identity", lambda: "0.1.0 other code")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    assert "1 area (1 built, 0 unchanged)" in result.stdout


def test_a_new_source_date_epoch_rebuilds_and_a_bad_one_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_project(project).exit_code == 0
    pdf = project / "out" / "R7" / "37.pdf"

    def created() -> str:
        need("pdfinfo")
        info = subprocess.run(["pdfinfo", "-isodates", str(pdf)], check=True, capture_output=True, text=True).stdout
        return next(line.split()[1] for line in info.splitlines() if line.startswith("CreationDate:"))

    assert created().startswith("2000-01-01T00:00:00")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    result = build_project(project)
    written = files_per_area() + 2 + len(OPEN_DATA)  # the open data's descriptor has the date
    assert f"1 area (1 built, 0 unchanged), {written} files written" in result.stdout, result.output
    assert created().startswith("2025-12-01T00:00:00") and b"2025-12-01T00:00:00" in pdf.read_bytes()  # XMP too
    before = outputs(project)
    for bad in ("next monday", "-1", "1_764_547_200", "4354819200"):  # the last: 2108, past zip dates
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        result = build_project(project, "--force")
        assert result.exit_code == 2, bad
        assert "SOURCE_DATE_EPOCH: must be a whole number of seconds" in result.stderr
        assert outputs(project) == before


@pytest.mark.parametrize("key", ["R9", "令和9年度"])
def test_figures_after_the_year_columns_are_noted_on_every_build(project: Path, key: str) -> None:
    path = project / "data" / "R7" / "37.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      R8: {target: 4000}\n"
    # R9 is after the form's last column (R8): noted; R4 is the past the form has moved on from
    edit_file(path, old, old + f"      {key}: {{target: 4100}}\n      R4: {{target: 3900}}\n")
    line = text[: text.index(old)].count("\n") + 2
    note = f"note: {path}:{line}: kpis[0].years.{key}: not printed: the year columns of policy_area.yaml show R5–R8"
    for built in ("1 built", "0 built"):  # an unchanged area's notes come from the manifest
        result = build_project(project)
        assert result.exit_code == 0, result.output
        assert built in result.stdout
        assert [ln for ln in result.stderr.splitlines() if ln.startswith("note:")] == [note]
    manifest = json.loads((project / "out" / "R7" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["37.pdf"]["notes"] == [note.removeprefix("note: ")]


@pytest.mark.parametrize(
    "year,key,blank",
    [
        ("R6", "R66", "R6"),  # after the columns
        ("R6", "R4", "R6"),  # before: the past, otherwise never noted
        ("R6", "2042", "2024"),  # two digits swapped; the blank year named in the key's own form
        ("R6", "令和4年度", "令和6年度"),
        ("R6", "ｒ６６", "R6"),  # read as the year parser reads it: full width, lower case
        ("R5", "R55", "R5"),  # the first column, R6 and R7 given after it
        ("R5", "2032", "2023"),
    ],
)
def test_a_mistyped_year_key_is_named_where_its_year_has_no_figures(
    project: Path, year: str, key: str, blank: str
) -> None:
    """A year's figures typed under a key one slip from it leave its column blank: the note asks."""
    path = project / "data" / "R7" / "37.yaml"
    old = next(ln + "\n" for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith(f"      {year}: "))
    line = path.read_text(encoding="utf-8")[: path.read_text(encoding="utf-8").index(old)].count("\n") + 1
    edit_file(path, old, old.replace(f"{year}:", f"{key}:"))
    result = build_project(project)
    assert result.exit_code == 0, result.output
    notes = [ln for ln in result.stderr.splitlines() if ln.startswith("note:")]
    assert notes == [
        f"note: {path}:{line}: kpis[0].years.{key}: not printed: the year columns of policy_area.yaml show R5–R8, "
        f"and {blank} has no figures: is {key} a mistyped {blank}?"
    ], result.stderr


def test_a_survey_taken_every_other_year_is_not_taken_for_mistyped_years(project: Path) -> None:
    """R3, R5 and R7 given, R6 blank between them: R3 lies apart from the years given (no slip
    lands there), so it is not asked about."""
    path = project / "data" / "R7" / "37.yaml"
    edit_file(path, "      R6: {target: 4000, actual: 2481}\n", "")
    edit_file(
        path,
        "      R5: {target: 4000, actual: 2290}\n",
        "      R3: {target: 4000, actual: 2100}\n      R5: {target: 4000, actual: 2290}\n",
    )
    result = build_project(project)
    assert result.exit_code == 0 and "note:" not in result.stderr, result.stderr


def test_columns_moved_by_a_year_are_not_taken_for_mistyped_years(project: Path) -> None:
    """The layout's KPI columns moved a year back (R4–R7): R8 is noted as not printed, without
    asking whether it is a mistyped R4 (blank, at the columns' edge); so is R5 typed as R4."""
    edit_file(project / "layouts" / "policy_area.yaml", "years: [-2, 1]", "years: [-3, 0]", count=4)
    path = project / "data" / "R7" / "37.yaml"
    result = build_project(project)
    assert result.exit_code == 0, result.output
    notes = [ln for ln in result.stderr.splitlines() if ln.startswith("note:")]
    assert notes and all(ln.endswith("not printed: the year columns of policy_area.yaml show R4–R7") for ln in notes)
    edit_file(project / "layouts" / "policy_area.yaml", "years: [-3, 0]", "years: [-2, 1]", count=4)
    edit_file(path, "      R5: {target: 4000, actual: 2290}\n", "      R4: {target: 4000, actual: 2290}\n")
    result = build_project(project)
    assert result.exit_code == 0 and "note:" not in result.stderr, result.stderr


def test_of_past_years_one_slip_from_a_blank_year_only_the_nearest_is_asked_about(project: Path) -> None:
    """R2, R3 and R4 kept and R6 left blank: each is one slip from R6; the note asks about R4."""
    path = project / "data" / "R7" / "37.yaml"
    old = "      R6: {target: 4000, actual: 2481}\n"
    past = "".join(f"      R{n}: {{target: 3000, actual: 2000}}\n" for n in (2, 3, 4))
    edit_file(path, old, past)
    result = build_project(project)
    assert result.exit_code == 0, result.output
    notes = [ln for ln in result.stderr.splitlines() if ln.startswith("note:")]
    assert len(notes) == 1 and notes[0].endswith(
        "kpis[0].years.R4: not printed: the year columns of policy_area.yaml "
        "show R5–R8, and R6 has no figures: is R4 a mistyped R6?"
    ), notes


def test_a_past_year_is_not_taken_for_a_mistyped_one_at_the_columns_end(project: Path) -> None:
    """R4 kept from earlier years while R8, the last column, has no figures yet: no note (R8 is
    no hole between given years, and R4 is the past a rolled-forward file keeps)."""
    path = project / "data" / "R7" / "37.yaml"
    edit_file(path, "      R8: {target: 4000}\n", "      R4: {target: 3000, actual: 2000}\n")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    assert not [ln for ln in result.stderr.splitlines() if ln.startswith("note:")], result.stderr


@pytest.mark.parametrize(
    "better,figures,said",
    [
        (
            "higher",
            "{target: 0, actual: 2290}",
            "達成率 not computed: the target is 0 (actual ÷ target); printed 「-」",
        ),
        (
            "lower",
            "{target: 4000, actual: 0}",
            "達成率 not computed: the actual is 0 (target ÷ actual, lower is better); printed 「-」",
        ),
        (
            "lower",
            "{target: 0, actual: 2290}",
            "達成率 is 0 %: the target is 0 (target ÷ actual, lower is better), whatever the actual",
        ),
    ],
)
def test_a_rate_over_a_zero_is_noted_where_it_prints(project: Path, better: str, figures: str, said: str) -> None:
    """A target of 0 (待機児童ゼロ) leaves 達成率 without a value, or at 0 % when lower is better:
    printed as the formula gives it, and said on every build, so that a clerk is not left guessing."""
    path = project / "data" / "R7" / "37.yaml"
    old = "      R5: {target: 4000, actual: 2290}\n"
    line = path.read_text(encoding="utf-8")[: path.read_text(encoding="utf-8").index(old)].count("\n") + 1
    edit_file(path, old, f"      R5: {figures}\n")
    edit_file(path, "    unit: 人\n", f"    unit: 人\n    better: {better}\n")
    line += 1  # the line added above it
    result = build_project(project)
    assert result.exit_code == 0, result.output
    notes = [ln for ln in result.stderr.splitlines() if ln.startswith("note:")]
    assert notes == [f"note: {path}:{line}: kpis[0].years.R5.rate: {said}"], result.stderr


def test_a_changed_area_is_rebuilt_with_the_book(project: Path) -> None:
    add_area(project, 3)
    assert build_project(project).exit_code == 0
    old = outputs(project)
    edit_file(project / "data" / "R7" / "3.yaml", "department: 総務部・総務課", "department: 企画政策部・企画調整課")
    result = build_project(project)
    written = files_per_area() + 2 + len(OPEN_DATA)  # the data set holds every area: made again
    assert f"2 areas (1 built, 1 unchanged), {written} files written" in result.stdout
    new = outputs(project)
    assert all(new[name] == old[name] for name in ["37.pdf", "37.xlsx", *project_sheets(37)])
    assert new["3.pdf"] != old["3.pdf"] and new["book.pdf"] != old["book.pdf"]


def test_changing_the_layout_or_a_tampered_output_rebuilds(project: Path) -> None:
    assert build_project(project).exit_code == 0
    (project / "out" / "R7" / "37.pdf").write_bytes(b"tampered")
    result = build_project(project)
    assert "1 file written" in result.stdout and (project / "out" / "R7" / "37.pdf").read_bytes().startswith(b"%PDF")
    edit_layout(project, "{label: 主管部局・課", "{label: 主管部局")
    result = build_project(project)
    assert "1 area (1 built, 0 unchanged), 3 files written" in result.stdout


def test_a_broken_area_fails_the_build_and_loses_nothing(project: Path) -> None:
    add_area(project, 3)
    assert build_project(project).exit_code == 0
    before = outputs(project)
    path = edit_file(project / "data" / "R7" / "3.yaml", "R7: {cost: 601,", "R7: {cost: abc,")
    add_area(project, 5)  # a new, good area must not appear either
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "cost: abc" in ln)
    result = build_project(project)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}:{line}: projects[0].years.R7.cost: must be a number, got 'abc'" in result.stderr
    assert "nothing was written; earlier outputs are unchanged" in result.stderr
    assert outputs(project) == before
    assert not [p for p in (project / "out" / "R7").rglob(".*")], "temporary files left behind"


def _die(task: object) -> None:
    os._exit(9)  # a worker killed, e.g. by the out-of-memory killer


def test_a_worker_that_dies_fails_the_build_with_a_message_and_loses_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import formgen.build.workers

    add_area(project, 3)
    assert build_project(project).exit_code == 0
    before = outputs(project)
    (project / "data" / "R7" / "3.yaml").write_text(
        (project / "data" / "R7" / "3.yaml").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
    )
    larger = project / "data" / "R7" / "37.yaml"  # taken first by the workers, named in area order
    larger.write_text(larger.read_text(encoding="utf-8") + "# 注記\n" * 500, encoding="utf-8")
    monkeypatch.setattr(formgen.build.workers, "_build_in_worker", _die)
    result = build_project(project, "--jobs", "2", "--force")
    assert result.exit_code == 1, result.output
    assert "ended abruptly" in result.stderr and "Traceback" not in result.output
    assert "while building data/R7/3.yaml, data/R7/37.yaml;" in result.stderr.replace(str(project) + "/", "")
    assert outputs(project) == before


def test_file_names_are_checked_identifiers(project: Path) -> None:
    bad = project / "data" / "R7" / "b@d.yaml"
    bad.write_text(SEED_DATA.read_text(encoding="utf-8"), encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 2 and f"{bad}: the file name must be letters, digits" in result.stderr
    bad.unlink()
    reserved = project / "data" / "R7" / "book.yaml"
    reserved.write_text(SEED_DATA.read_text(encoding="utf-8"), encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 2 and "'book' is reserved" in result.stderr
    assert not (project / "out").exists()
    reserved.unlink()
    folder = project / "data" / "R7" / "38.yaml"
    folder.mkdir()
    for command in (["build", *folder_args(project)], ["validate", str(project / "data")]):
        result = run_cli(*command)
        assert result.exit_code == 2 and f"{folder}: is a folder; a data file must be a file" in result.stderr
    assert not (project / "out").exists()


@pytest.mark.parametrize("name,line", [("037.yaml", None), ("kikaku.yaml", 27)])
def test_two_files_for_one_area_are_refused(project: Path, name: str, line: int | None) -> None:
    assert build_project(project).exit_code == 0
    before = outputs(project)
    shutil.copy(SEED_DATA, project / "data" / "R7" / name)
    result = build_project(project)
    assert result.exit_code == 2
    files = sorted(["37.yaml", name])
    where = f"{project / 'data' / 'R7' / files[1]}" + (f":{line}: area.number" if line else "")
    assert f"{where}: area 37 is also {files[0]}; keep one file per area" in result.stderr, result.stderr
    assert outputs(project) == before
    assert run_cli("validate", str(project / "data")).exit_code == 2


def test_outputs_of_a_removed_area_are_removed(project: Path) -> None:
    add_area(project, 3)
    assert build_project(project).exit_code == 0
    (project / "data" / "R7" / "3.yaml").unlink()
    result = build_project(project)
    assert result.exit_code == 0
    kept = {"37.xlsx", "37.pdf", "book.pdf", "manifest.json", PROJECT_BOOK}
    assert set(outputs(project)) == kept | project_sheets(37) | OPEN_DATA
    assert "removed" in result.stdout


# --------------------------------------------------------------------------- new-year and init


def test_new_year_output_validates_and_reports_what_to_update(project: Path) -> None:
    result = run_cli("new-year", "--data", str(project / "data"))
    assert result.exit_code == 0, result.output
    new = project / "data" / "R8" / "37.yaml"
    assert new.exists()
    assert run_cli("validate", str(new)).exit_code == 0
    from formgen.eras import FiscalYear
    from formgen.records import load_record

    record = load_record(new)
    r7, r8, r9 = (FiscalYear.parse(y) for y in ("R7", "R8", "R9"))
    assert record.fiscal_year == r8
    old = load_record(SEED_DATA)
    assert [k.years[r8].target for k in record.kpis] == [k.years[r8].target for k in old.kpis]  # targets kept
    assert all(k.years[r7].actual is None and k.years[r8].actual is None for k in record.kpis)
    assert all(r9 in k.years and k.years[r9].target is None for k in record.kpis)
    first = record.projects[0]
    # the R8 budget starts from last year's R8 estimate, R9 waits for its estimate, R7 keeps its figures
    assert (first.year_entry(r8).cost, first.year_entry(r9).cost, first.year_entry(r7).cost) == (1186, None, 601)
    assert record.measures[0].achievements == old.measures[0].achievements  # texts kept for editing
    text = new.read_text(encoding="utf-8").splitlines()
    todo = [line for line in result.stdout.splitlines() if line.startswith(f"  {new}:")]
    assert len(todo) >= 4 * 3 + 16 * 2
    for line in todo:  # each reported line is marked in the file
        number = int(line.split(":")[1])
        assert "要更新" in text[number - 1] or text[number - 1].rstrip().endswith("|-"), line
    assert any("kpis[0].years.R7.actual: enter the 令和7年度 actual" in line for line in todo)
    assert any("projects[7].next_year: was to end" in line for line in todo)
    again = run_cli("new-year", "--data", str(project / "data"), "--from", "R7")
    assert again.exit_code == 2 and "already holds data files" in again.stderr
    unfinished = run_cli("new-year", "--data", str(project / "data"))
    assert unfinished.exit_code == 2, unfinished.output
    marked = [n for n, line in enumerate(text, 1) if "# 要更新" in line]  # every marked line, named
    still = "still marked 要更新 by formgen new-year: update the value, then delete the mark"
    said = [ln for ln in unfinished.stderr.splitlines() if f"{still}, before rolling R8 forward" in ln]
    assert [int(ln.split(":")[1]) for ln in said] == marked and len(marked) >= 4 * 3 + 16 * 2
    assert run_cli("new-year", "--data", str(project / "data"), "--from", "R7", "--force").exit_code == 0
    # the rolled-forward year builds, naming every line still marked (validate too)
    built = build_project(project, "--year", "R8")
    assert built.exit_code == 0, built.output
    for result in (built, run_cli("validate", str(new))):
        named = [int(ln.split(":")[2]) for ln in result.stderr.splitlines() if ln.endswith(still)]
        assert named == marked, result.stderr
    # recorded with the area's first output only (its workbook and PDF), not with each of its 17
    manifest = json.loads((project / "out" / "R8" / "manifest.json").read_text(encoding="utf-8"))
    recorded = [n for entry in manifest["files"].values() for n in entry.get("notes", []) if n.endswith(still)]
    assert len(recorded) == 2 * len(marked), len(recorded)


def test_new_year_for_sheets_made_after_their_year_closed(project: Path) -> None:
    """words.sheet_year: settled — rolling R7 to R8 asks for the R8 actuals and 決算 (the year the
    R8 sheet reports), the R9 budget (no R9 figure yet: entered, not 'confirmed') and R10's 見込み."""
    config = project / "formgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "words:\n  sheet_year: settled\n", encoding="utf-8")
    result = run_cli("new-year", "--data", str(project / "data"), "--config", str(config))
    assert result.exit_code == 0, result.output
    new = project / "data" / "R8" / "37.yaml"
    todo = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.startswith(f"  {new}:")]
    assert "kpis[0].years.R8.actual: enter the 令和8年度 actual" in todo, todo
    assert "kpis[0].years.R7.actual: enter the 令和7年度 actual" not in todo
    assert "projects[0].years.R8: holds the 令和8年度 予算: enter the 令和8年度 決算 (settled)" in todo
    assert "projects[0].years.R9: enter the 令和9年度 budget" in todo
    assert "projects[0].years.R10: enter the 令和10年度(見込み) figures" in todo
    assert build_project(project, "--year", "R8").exit_code == 0


def test_new_year_keeps_the_files_order_of_fields_the_citys_own_among_them(tmp_path: Path) -> None:
    example = tmp_path / "sakuradai"
    shutil.copytree(EXAMPLE_CONFIG.parent, example, ignore=shutil.ignore_patterns("out"))
    data = example / "data" / "R7" / "12.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("R6: {target: 3, actual: 4}", "R6: {actual: 4, target: 3}"), encoding="utf-8")
    result = run_cli("new-year", "--data", str(example / "data"), "--config", str(example / "formgen.yaml"))
    assert result.exit_code == 0, result.output
    old = yaml.safe_load((example / "data" / "R7" / "12.yaml").read_text(encoding="utf-8"))
    new = yaml.safe_load((example / "data" / "R8" / "12.yaml").read_text(encoding="utf-8"))
    assert "manager" in old and list(old).index("manager") < list(old).index("area")  # declared, near the top
    assert [k for k in new if k in old] == [k for k in old if k in new]
    for kpi_old, kpi_new in zip(old["kpis"], new["kpis"], strict=True):
        assert [k for k in kpi_new if k in kpi_old] == [k for k in kpi_old if k in kpi_new]
    assert list(new["kpis"][0]["years"]["R6"]) == ["actual", "target"]  # each year's figures too


def test_new_year_keeps_every_comment_beside_its_field(project: Path) -> None:
    from collections import Counter

    from formgen.yamlcomments import find_comments
    from formgen.yamlsource import parse_yaml

    old = project / "data" / "R7" / "37.yaml"
    text = old.read_text(encoding="utf-8")
    for before, after in [
        ("      R6: {target: 4000, actual: 2481}", "      令和6年度: {target: 4000, actual: 2481}  # 実績は速報値"),
        ("    unit: 人\n    description: 参加人数", "    unit: 人  # 延べ人数\n    description: 参加人数"),
        ("    assessment: 目標達成には", "    # 検証は担当課と協議済み\n    assessment: 目標達成には"),
        ("    summary: |-\n", "    summary: |-  # 概要は要約版\n"),
    ]:
        assert before in text
        text = text.replace(before, after, 1)
    old.write_text(text, encoding="utf-8")
    assert run_cli("new-year", "--data", str(project / "data")).exit_code == 0
    new_text = (project / "data" / "R8" / "37.yaml").read_text(encoding="utf-8")
    new = parse_yaml(new_text, "R8/37.yaml")
    carried = Counter(c.text for c in find_comments(new_text))
    for comment, count in Counter(c.text for c in find_comments(text)).items():
        assert carried[comment] >= count, comment
    lines = new_text.splitlines()

    def field_of(comment: str) -> tuple:
        (number,) = [i for i, line in enumerate(lines, start=1) if comment in line]
        if lines[number - 1].lstrip().startswith("#"):  # a comment of its own line: the field below it
            return new.locs_below(number)[0]
        return new.loc_at(number)

    assert field_of("# 実績は速報値")[:4] == ("kpis", 0, "years", "R6")
    assert field_of("# 延べ人数") == ("kpis", 0, "unit")
    assert field_of("# 検証は担当課と協議済み") == ("kpis", 0, "assessment")
    assert field_of("# seed: 「国際交流協 民会活動参加 人数」 (「民」 is noise)") == ("kpis", 0)
    summary = field_of("# 概要は要約版")  # a block scalar's header: the comment goes above it
    assert summary[0] == "projects" and summary[2] == "summary"
    assert run_cli("validate", str(project / "data" / "R8")).exit_code == 0


def test_a_finished_year_rolls_on_without_force_and_its_header_is_not_repeated(project: Path) -> None:
    assert run_cli("new-year", "--data", str(project / "data")).exit_code == 0
    r8 = project / "data" / "R8" / "37.yaml"
    r8.write_text(re.sub(r"  # 要更新: .*", "", r8.read_text(encoding="utf-8")), encoding="utf-8")  # all done
    result = run_cli("new-year", "--data", str(project / "data"))
    assert result.exit_code == 0, result.output
    r9 = (project / "data" / "R9" / "37.yaml").read_text(encoding="utf-8")
    assert r9.count("by `formgen new-year`.") == 1
    assert r9.count("\n#\n") == r8.read_text(encoding="utf-8").count("\n#\n")
    assert run_cli("validate", str(project / "data" / "R9")).exit_code == 0


def test_new_year_keeps_a_long_text_with_spaces_on_its_line(project: Path) -> None:
    from formgen.records import load_record

    path = project / "data" / "R7" / "37.yaml"
    vision = "交流 と 移住 " * 1500  # 12,000 characters with spaces: a YAML writer would fold it
    text = re.sub(r"(?m)^vision: .*$", f"vision: {vision.strip()}  # 長文", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    result = run_cli("new-year", "--data", str(project / "data"))
    assert result.exit_code == 0, result.output
    record = load_record(project / "data" / "R8" / "37.yaml")
    assert record.vision == vision.strip()


@pytest.mark.parametrize("text", ["1e5", "1.0E3", "12", "-7", "null", "~", "true", "yes", "0400", "1:30", "令和"])
def test_rolled_forward_texts_read_back_as_the_same_texts(text: str) -> None:
    from formgen.yamlsource import parse_yaml
    from formgen.yamlwrite import dump

    assert parse_yaml(dump({"unit": text}), "R8/37.yaml").data == {"unit": text}


def test_init_creates_a_project_that_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "newcity"
    result = run_cli("init", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"next: cd {target} && formgen build\n"), result.stdout
    for part in (
        "layouts/policy_area.yaml",
        "layouts/book.yaml",
        "fonts/BIZUDGothic-Regular.ttf",
        "fonts/OFL-BIZUDGothic.txt",
        "schema/record.schema.json",
        "data/R7/37.yaml",
        ".gitignore",
    ):
        assert (target / part).exists(), part
    monkeypatch.chdir(target)
    result = run_cli("build")
    assert result.exit_code == 0, result.output
    assert (target / "out" / "R7" / "book.pdf").exists()
    again = run_cli("init", str(target))
    assert again.exit_code == 1 and "is not empty" in again.stderr
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run_cli("init", ".")
    assert result.exit_code == 0 and result.stdout.endswith("next: formgen build\n"), result.stdout


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from formgen import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    with cli._progress_bar() as progress:
        assert progress is not None
        for done, area in enumerate(["3", "37"], start=1):
            progress(done, 2, area)
    assert "area 37" in terminal.getvalue() and "2/2" in terminal.getvalue()
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    with cli._progress_bar() as progress:
        assert progress is None


def test_two_folders_for_one_year_and_yml_files_are_named(project: Path) -> None:
    twin = project / "data" / "2025"
    twin.mkdir()
    (twin / "38.yaml").write_text(SEED_DATA.read_text(encoding="utf-8"), encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 2 and "names the same fiscal year (令和7年度) as" in result.stderr
    assert run_cli("validate", str(project / "data")).exit_code == 2
    (twin / "38.yaml").unlink()
    twin.rmdir()
    (project / "data" / "R7" / "2.yml").write_text("x: 1\n", encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 2 and "2.yml: formgen reads *.yaml files; rename it to 2.yaml" in result.stderr


def test_validate_a_project_folder_reads_its_data_only(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = run_cli("validate", ".")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok") == 1 and "layouts" not in result.stdout


def test_new_year_keeps_baselines_and_rolls_project_years_and_declared_fields(tmp_path: Path) -> None:
    """On the second city's data: a 基準値 does not slide, R7's 予算 is flagged as waiting for its 決算."""
    from formgen.config.load import load_config
    from formgen.datafiles import describe, load
    from formgen.eras import FiscalYear

    project = tmp_path / "city"
    shutil.copytree(EXAMPLE_CONFIG.parent / "data", project / "data")
    shutil.copy(EXAMPLE_CONFIG, project / "formgen.yaml")
    result = run_cli("new-year", "--config", str(project / "formgen.yaml"))
    assert result.exit_code == 0, result.output
    new = project / "data" / "R8" / "12.yaml"
    config = load_config(project / "formgen.yaml")
    record = load(describe(new), config=config).record
    old = load(describe(project / "data" / "R7" / "12.yaml"), config=config).record
    r7, r8, r9 = (FiscalYear.parse(y) for y in ("R7", "R8", "R9"))
    assert [(k.baseline, k.final_target) for k in record.kpis] == [(k.baseline, k.final_target) for k in old.kpis]
    assert record.kpis[0].baseline.year == FiscalYear.parse("R2")
    first = record.projects[0]
    assert first.year_entry(r7).cost == 14800 and first.year_entry(r7).subsidy == 3700  # kept, to be settled
    assert first.year_entry(r8).given() and first.year_entry(r8).cost is None  # the new budget year, to fill in
    assert first.year_entry(r9).given() and first.year_entry(r9).cost is None
    assert (record.manager, record.evaluation.value, first.started.short) == ("佐藤 真理子", "B", "R3")
    todo = result.stdout
    assert f"{new}:" in todo
    assert "projects[0].years.R7: holds the 令和7年度 予算: enter the 令和7年度 決算 (settled)" in todo
    assert "projects[0].years.R9: enter the 令和9年度(見込み) figures" in todo
    assert "evaluation: review for 令和8年度" in todo and "satisfaction: review for 令和8年度" in todo
    validated = run_cli("validate", "--config", str(project / "formgen.yaml"), str(new))
    assert validated.exit_code == 0, validated.output


@pytest.mark.parametrize(("before", "during"), [((700, 10, 10), 20_000), ((50_000, 10, 10), 50_000), ((0, 10, 10), 0)])
def test_a_build_collects_cycles_less_often_but_never_against_its_caller(
    tmp_path: Path, before: tuple[int, int, int], during: int
) -> None:
    """The cycle collector looks at new objects every 20,000 allocations during a build (not
    Python's 700), never less often than its caller asked, never at all when the caller turned
    it off; the caller's thresholds are back afterwards."""
    import gc

    from formgen.build import BuildOptions, build
    from formgen.config.load import load_config

    project = make_project(tmp_path / "p")
    seen: list[int] = []
    saved = gc.get_threshold()
    gc.set_threshold(*before)
    try:
        build(
            BuildOptions(
                data_dir=project / "data",
                layouts_dir=project / "layouts",
                fonts_dir=project / "fonts",
                out_dir=project / "out",
                jobs=1,
                documents=("policy_area",),
                formats=("pdf",),
                config=load_config(project / "formgen.yaml"),
            ),
            lambda done, total, area: seen.append(gc.get_threshold()[0]),
        )
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*saved)
    assert seen == [during]
