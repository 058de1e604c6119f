"""The workbook printed by LibreOffice: nothing clipped, the same pages as formgen's PDF.

A spreadsheet never grows a merged, wrapped cell: if formgen sized a row too
small, LibreOffice cuts the text off and the cut words are missing from the
printed PDF. Every sentence of every narrative field must be there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import (
    MINIMAL_RECORD,
    ROOT,
    SOFFICE,
    Built,
    assert_seed_figures_printed,
    build_project,
    libreoffice_convert,
    narrative_sentences,
    pdf_pages,
    pdf_text,
    printed,
    project_with,
    run_cli,
    squash,
    unprinted,
)

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")


def print_with_libreoffice(source: Path, work: Path) -> Path:
    """The PDF LibreOffice prints from ``source``."""
    return libreoffice_convert(source, work)


@pytest.fixture(scope="module")
def printed_pdf(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("soffice")
    source = work / "37.xlsx"
    shutil.copy(built.xlsx, source)
    return print_with_libreoffice(source, work)


def test_every_narrative_sentence_is_printed(built: Built, printed_pdf: Path) -> None:
    text = squash(pdf_text(printed_pdf))
    sentences = narrative_sentences(built.record)
    assert len(sentences) > 200
    missing = unprinted(sentences, text, interrupted=True)  # LibreOffice's cells beside interleave
    assert not missing, f"{len(missing)} sentences clipped or lost, e.g. {missing[:3]}"


def test_every_figure_is_printed(built: Built, printed_pdf: Path) -> None:
    assert_seed_figures_printed(built.record, printed_pdf)


def test_libreoffice_prints_as_many_pages_as_formgen(built: Built, printed_pdf: Path) -> None:
    assert pdf_pages(printed_pdf) == pdf_pages(built.pdf) == built.plan.pages


def test_a_row_too_small_is_caught(built: Built, tmp_path: Path) -> None:
    """The check above can fail: shrink the tallest text row and LibreOffice cuts it off."""
    from dataclasses import replace

    from formgen.writers.xlsx import write_xlsx

    sheet = built.plan.sheets[0]
    tallest = max(range(len(sheet.rows)), key=lambda i: sheet.rows[i].height)
    rows = list(sheet.rows)
    rows[tallest] = replace(rows[tallest], height=rows[tallest].height / 3)
    shrunk = replace(built.plan, sheets=[replace(sheet, rows=rows)])
    source = tmp_path / "shrunk.xlsx"
    source.write_bytes(write_xlsx(shrunk))
    text = squash(pdf_text(print_with_libreoffice(source, tmp_path)))
    lines = [squash(line) for cell in rows[tallest].cells for line in cell.lines if len(squash(line)) > 10]
    assert lines, "the tallest row should hold text"
    assert any(not printed(line, text) for line in lines), "clipped lines were not detected"


def test_text_that_looks_like_an_excel_escape_prints_literally(tmp_path: Path) -> None:
    # a workbook reader takes _x000D_ in a cell for a carriage return and _x0041_ for 「A」
    vision = "記号_x000D_と_x0041_の表記"
    text = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", f"vision: {vision}")
    project = project_with(tmp_path / "project", text)
    assert build_project(project).exit_code == 0
    with zipfile.ZipFile(project / "out" / "R7" / "37.xlsx") as archive:
        stored = archive.read("xl/sharedStrings.xml").decode()
        assert "記号_x005F_x000D_と_x005F_x0041_の表記" in stored
    assert vision in pdf_text(print_with_libreoffice(project / "out" / "R7" / "37.xlsx", tmp_path))


def test_project_sheets_and_the_example_print_as_many_pages_as_their_pdfs(built: Built, tmp_path: Path) -> None:
    """Every per-project workbook of the sample and the second city's workbooks (pictures, SDG
    tiles, charts) print on the pages formgen's PDF has, in one LibreOffice run."""
    example = tmp_path / "example-out"
    result = run_cli("build", "--config", str(ROOT / "examples" / "sakuradai" / "formgen.yaml"), "--out", str(example))
    assert result.exit_code == 0, result.output
    workbooks = sorted((built.project / "out" / "R7" / "事務事業").glob("*.xlsx")) + sorted(
        (example / "R7").glob("*.xlsx")
    )
    assert len(workbooks) == 16 + 2
    work = tmp_path / "print"
    work.mkdir()
    sources = []
    for index, workbook in enumerate(workbooks):
        sources.append(work / f"{index:02}-{workbook.name}")
        shutil.copy(workbook, sources[-1])
    profile = (work / "profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(work)]
    subprocess.run([*command, *map(str, sources)], check=True, capture_output=True, timeout=300)
    for source, workbook in zip(sources, workbooks, strict=True):
        printed = pdf_pages(work / f"{source.stem}.pdf")
        assert printed == pdf_pages(workbook.with_suffix(".pdf")), workbook.name


NO_BIZ_UD = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>*BIZUD*</glob>
    <pattern><patelt name="family"><string>BIZ UDGothic</string></patelt></pattern>
    <pattern><patelt name="family"><string>BIZ UDMincho</string></patelt></pattern>
  </rejectfont></selectfont>
</fontconfig>
"""


@pytest.mark.parametrize("fonts", ["without BIZ UD", "with BIZ UD"])
def test_the_workbook_prints_its_pages_and_page_numbers_with_or_without_the_fonts(
    built: Built, tmp_path: Path, fonts: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A computer without the form's fonts (macOS, most Linux desktops) prints the workbook on
    the PDF's pages all the same: one page wide, manual breaks, page fields n / N."""
    if fonts.startswith("without"):
        config = tmp_path / "fonts.conf"
        config.write_text(NO_BIZ_UD, encoding="utf-8")
        monkeypatch.setenv("FONTCONFIG_FILE", str(config))
        listed = subprocess.run(["fc-list"], capture_output=True, text=True, env=os.environ).stdout
        assert "BIZUD" not in listed.replace(" ", "")
    source = tmp_path / "37.xlsx"
    shutil.copy(built.xlsx, source)
    printed = print_with_libreoffice(source, tmp_path)
    total = pdf_pages(built.pdf)
    assert pdf_pages(printed) == total
    for page in range(1, total + 1):
        footer = [ln for ln in pdf_text(printed, page=page).splitlines() if re.fullmatch(r"\d+ / \d+", ln.strip())]
        assert footer and footer[-1].strip() == f"{page} / {total}", (page, footer)


@pytest.mark.skipif(
    shutil.which("ssconvert") is None, reason="Gnumeric (ssconvert) is not installed; .ci/run installs it"
)
def test_gnumeric_prints_the_header_and_footer_without_font_codes(built: Built, tmp_path: Path) -> None:
    source = tmp_path / "37.xlsx"
    shutil.copy(built.xlsx, source)
    subprocess.run(["ssconvert", str(source), str(tmp_path / "37.pdf")], capture_output=True, timeout=300, check=True)
    text = pdf_text(tmp_path / "37.pdf")
    assert "令和7年度 施策評価票 政策分野37 交流・移住" in text
    assert 'Regular"' not in text and "BIZ UD" not in text and "&" not in text
