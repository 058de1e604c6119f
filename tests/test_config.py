"""formgen.yaml: the words formgen prints, a city's texts, folders; formgen init for a new city."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import (
    EXAMPLE_CONFIG,
    build_project,
    edit_file,
    make_project,
    outline_titles,
    pdf_text,
    run_cli,
    squash,
)
from formgen.build.inputs import FAILED

WORDS = """\
words:
  area: 施策
  form: 施策評価シート
  evaluation: 事務評価
  measure: 基本事業
"""


def test_words_replace_formgens_own_words_everywhere(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    config = project / "formgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + WORDS, encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    out = project / "out" / "R7"
    sheet = squash(pdf_text(out / "37.pdf"))
    assert "基本事業1交流の促進" in sheet and "施策1交流の促進" not in sheet  # {measure.label}
    cover = squash(pdf_text(out / "book.pdf", page=1))
    assert "事務評価" in cover and "施策評価シート" in cover and "施策全1分野" in cover
    assert "施策37交流・移住" in squash(pdf_text(out / "book.pdf", page=2))  # the contents
    assert "施策37 交流・移住" in outline_titles(out / "book.pdf", nested=False)
    validated = run_cli("validate", "--config", str(config), str(project / "data"))
    assert "令和7年度 施策37 交流・移住" in validated.stdout


def test_a_sheet_made_after_its_year_closed_calls_that_year_settled(tmp_path: Path) -> None:
    """words.sheet_year: settled — the R7 sheet reports R7 決算, R8 予算 (the form's year columns and
    the open data's 区分 alike); by default R7 is 予算 and R8 見込み."""
    project = make_project(tmp_path)
    config = project / "formgen.yaml"
    assert build_project(project).exit_code == 0
    finances = project / "out" / "R7" / "opendata" / "project_finances.csv"
    kinds = {row.split(",")[2]: row.split(",")[3] for row in finances.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert kinds == {"令和7年度": "予算", "令和8年度": "見込み"}
    config.write_text(config.read_text(encoding="utf-8") + "words:\n  sheet_year: settled\n", encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    kinds = {row.split(",")[2]: row.split(",")[3] for row in finances.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert kinds == {"令和7年度": "決算", "令和8年度": "予算"}
    package = json.loads((finances.parent / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in package["resources"] if r["name"] == "project_finances")["schema"]["fields"]
    kind = next(f for f in fields if f["title"] == "kind")
    assert kind["description"].startswith("評価年度から見た区分：評価年度以前は決算、翌年度は予算"), kind
    sheet = squash(pdf_text(project / "out" / "R7" / "37.pdf"))
    assert "令和7年度(決算)" in sheet and "令和8年度(予算)" in sheet and "(見込み)" not in sheet


def test_a_word_formgen_does_not_print_is_named_with_the_words_it_does(tmp_path: Path) -> None:
    """words.project (a word of the form, not of formgen): the words there are, and the build's
    usual last line, as for the data's and the layouts' mistakes."""
    project = make_project(tmp_path)
    config = project / "formgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "words:\n  project: 事務事業\n", encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = config.read_text(encoding="utf-8").splitlines().index("  project: 事務事業") + 1
    allowed = "area, form, evaluation, measure, settled, budget, forecast, plan, sheet_year, partial"
    said = f"{config}:{line}: words.project: unknown field; 'project' is a field of fields; allowed here: {allowed}"
    assert result.stderr.splitlines() == [said, FAILED], result.stderr


def test_the_sample_citys_texts_come_from_its_formgen_yaml(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    edit_file(project / "formgen.yaml", "plan: 第7次総合計画", "plan: 第2期基本計画")
    assert build_project(project, "--no-book").exit_code == 0
    text = squash(pdf_text(project / "out" / "R7" / "37.pdf"))
    assert "4第2期基本計画の期中総括" in text and "第7次総合計画" not in text


def test_a_layout_naming_a_text_the_project_lacks_says_so(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "formgen.yaml").write_text("texts: {plan: 総合計画}\n", encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 2
    assert "there is no field 'texts.population_note'" in result.stderr
    assert "'texts' has: texts.plan" in result.stderr


def test_folders_are_relative_to_formgen_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "city")
    shutil.move(project / "layouts", project / "forms")
    config = project / "formgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "paths: {layouts: forms, out: public}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("build", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert (project / "public" / "R7" / "37.pdf").exists()


# --------------------------------------------------------------------------- a new city


@pytest.fixture(scope="module")
def new_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("init") / "newcity"
    result = run_cli("init", str(target))
    assert result.exit_code == 0, result.output
    return target


def printed_texts(project: Path) -> str:
    """What the project's PDFs and workbooks print, as poppler and openpyxl read them."""
    out = project / "out" / "R7"
    texts = [pdf_text(pdf) for pdf in sorted(out.glob("*.pdf"))]
    for book in sorted(out.glob("*.xlsx")):
        for ws in openpyxl.load_workbook(book):
            texts += [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
            texts += [getattr(ws.oddHeader, s).text or "" for s in ("left", "center", "right")]
    return squash("\n".join(texts))


def test_a_new_city_prints_nothing_of_the_sample_city_but_the_sample_areas_data(
    new_city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "city"
    shutil.copytree(new_city, project)
    monkeypatch.chdir(project)
    assert run_cli("build").exit_code == 0
    assert "第7次総合計画" not in printed_texts(project)
    data = project / "data" / "R7" / "37.yaml"
    assert "会津若松" in data.read_text(encoding="utf-8"), "the sample area's own data names its city"
    data.write_text(data.read_text(encoding="utf-8").replace("会津若松", "みどり"), encoding="utf-8")
    assert run_cli("build").exit_code == 0
    printed = printed_texts(project)
    assert "会津若松" not in printed and "みどり市移住コーディネーターの設置" in printed


def test_init_copies_the_sample_area_and_a_neutral_formgen_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formgen import skeleton
    from formgen.skeleton import PARTS, skeleton_root

    source = tmp_path / "source"
    for part in PARTS:
        shutil.copytree(skeleton_root() / part, source / part)
    other = source / "data" / "R7" / "05.yaml"  # sorts before the sample
    other.write_text("# another area\n", encoding="utf-8")
    monkeypatch.setattr(skeleton, "skeleton_root", lambda: source)
    result = run_cli("init", str(tmp_path / "city"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "city" / "data" / "R7").iterdir()) == ["37.yaml"]
    config = yaml.safe_load((tmp_path / "city" / "formgen.yaml").read_text(encoding="utf-8"))
    assert config["texts"]["plan"] == "総合計画"
    assert "会津若松" not in (tmp_path / "city" / "formgen.yaml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- choosing areas


def test_an_area_is_found_by_its_number_as_well_as_its_file_name(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    data = project / "data" / "R7"
    text = (data / "37.yaml").read_text(encoding="utf-8").replace("area: {number: 37,", "area: {number: 5,")
    (data / "05.yaml").write_text(text, encoding="utf-8")
    for wanted in ("5", "05"):
        result = build_project(project, "--area", wanted, "--format", "pdf")
        assert result.exit_code == 0, result.output
        assert (project / "out" / "R7" / "05.pdf").exists() and not (project / "out" / "R7" / "37.pdf").exists()
    result = build_project(project, "--area", "6")
    assert result.exit_code == 2
    assert "no data file for area 6 (found 05, 37)" in result.stderr


def test_the_example_config_is_found_in_its_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLE_CONFIG.parent)
    result = run_cli("validate")
    assert result.exit_code == 0, result.output
    assert "施策12 子育て支援の充実" in result.stdout
