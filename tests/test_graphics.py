"""Pictures, SDG tiles and KPI charts in the second city's example, read back by other programs.

The emblem is counted with pdfimages; the workbook's drawing and chart parts are read as XML and
the cells they name with openpyxl; the PDF chart's bars are read from the page's drawing
operators (pypdf); LibreOffice prints the workbook and the crops where the graphics are must
show their colours. Expected figures come from the data files as PyYAML reads them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import ROOT, need, pdf_text, run_cli, squash

sys.path.insert(0, str(Path(__file__).parent))

EXAMPLE = ROOT / "examples" / "sakuradai"
EMBLEM = EXAMPLE / "assets" / "emblem.png"
ACTUAL_RGB = (0x2E, 0x75, 0xB6)
TARGET_RGB = (0x9D, 0xC3, 0xE6)
NS = {
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("graphics-out")
    result = run_cli("build", "--config", str(EXAMPLE / "formgen.yaml"), "--out", str(folder))
    assert result.exit_code == 0, result.output
    return folder / "R7"


def data(area: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLE / "data" / "R7" / f"{area}.yaml").read_text(encoding="utf-8"))


def images_listed(pdf: Path) -> list[list[str]]:
    need("pdfimages")
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in listing.splitlines()[2:] if line.split()[2] == "image"]


def test_the_emblem_is_embedded_once_per_pdf(out: Path) -> None:
    for name in ("12.pdf", "21.pdf", "book.pdf"):
        images = images_listed(out / name)
        assert images, name
        assert {row[3:5] == ["480", "480"] for row in images} == {True}, name  # the emblem's pixels
        assert len({row[10] for row in images}) == 1, f"{name}: one image object however often it is shown"
    assert len(images_listed(out / "book.pdf")) == 2  # shown on both areas' first pages


def test_the_pdf_chart_is_vector_bars_proportional_to_the_figures(out: Path) -> None:
    page = PdfReader(out / "12.pdf").pages[0]
    bars: dict[tuple[int, int, int], list[float]] = {ACTUAL_RGB: [], TARGET_RGB: []}
    fill: tuple[int, int, int] | None = None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"rg":
            fill = tuple(round(float(v) * 255) for v in operands)  # type: ignore[assignment]
        elif operator == b"re" and fill in bars:
            width, height = float(operands[2]), float(operands[3])
            if abs(width - height) > 0.01:  # the legend's squares are not bars
                bars[fill].append(height)
    kpis = data("12")["kpis"]
    # the page shows the first two indicators; the chart covers R5–R7
    actual = [kpi["years"][y].get("actual") for kpi in kpis[:2] for y in ("R5", "R6", "R7")]
    target = [kpi["years"][y].get("target") for kpi in kpis[:2] for y in ("R5", "R6", "R7")]
    assert len(bars[ACTUAL_RGB]) == sum(v is not None for v in actual)  # a missing actual is no bar, not a 0
    assert len(bars[TARGET_RGB]) == sum(v is not None for v in target)
    # within one chart the bars are as tall as their figures (the second indicator: 14,210 and 16,480)
    second = [v for v in actual[3:] if v is not None]
    drawn = bars[ACTUAL_RGB][-len(second) :]
    assert drawn[0] / drawn[1] == pytest.approx(second[0] / second[1], rel=1e-3)
    targets = [v for v in target[3:] if v is not None]
    assert [h / bars[TARGET_RGB][-1] for h in bars[TARGET_RGB][-3:]] == pytest.approx(
        [v / targets[-1] for v in targets], rel=1e-3
    )
    assert not [row for row in images_listed(out / "12.pdf") if row[0] == "1" and row[3] != "480"]


def test_the_sdg_tiles_print_their_numbers_and_titles(out: Path) -> None:
    text = squash(pdf_text(out / "12.pdf", page=1))
    assert "すべての人に健康と福祉を" in text and "働きがいも経済成長も" in text and "人や国の不平等をなくそう" in text
    assert data("12")["measures"][0]["sdgs"] == [1, 3, 4, 5, 8]


def drawing_xml(xlsx: Path) -> tuple[Any, dict[str, bytes], list[bytes]]:
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(xlsx) as archive:
        drawing = ET.fromstring(archive.read("xl/drawings/drawing1.xml"))
        media = {n.rsplit("/", 1)[-1]: archive.read(n) for n in archive.namelist() if n.startswith("xl/media/")}
        charts = [archive.read(n) for n in sorted(archive.namelist()) if n.startswith("xl/charts/chart")]
    return drawing, media, charts


def test_the_workbook_anchors_the_emblem_and_charts_read_the_kpi_cells(out: Path) -> None:
    drawing, media, charts = drawing_xml(out / "12.xlsx")
    assert EMBLEM.read_bytes() in media.values()
    anchors = drawing.findall("xdr:oneCellAnchor", NS) + drawing.findall("xdr:twoCellAnchor", NS)
    pictures = [a for a in anchors if a.find("xdr:pic", NS) is not None]
    described = {e.get("descr") for a in pictures for e in a.iter() if e.tag.endswith("}cNvPr")}
    assert "SDGs 目標1 貧困をなくそう" in described, described  # each tile says its goal
    first = pictures[0].find("xdr:from", NS)
    assert first is not None
    # the emblem's cell is the first four columns of the first row (A1:D1 in the layout)
    assert int(first.findtext("xdr:col", namespaces=NS) or -1) in range(0, 4)
    assert first.findtext("xdr:row", namespaces=NS) == "0"
    assert len(pictures) == 1 + 5 + 2  # the emblem and one picture per SDG tile (5 and 2 goals)
    book = openpyxl.load_workbook(out / "12.xlsx")
    ws = book["施策評価シート"]
    kpis = data("12")["kpis"]
    assert len(charts) == len(kpis)
    # the year labels are cells of a hidden sheet (a chart reads cells), which nobody prints
    labels = book["グラフデータ"]
    assert labels.sheet_state == "hidden"
    for chart, kpi in zip(charts, kpis, strict=True):
        category = re.search(rb"<c:cat>.*?<c:f>([^<]*)</c:f>", chart)
        assert category is not None, chart
        first, last = re.findall(r"\$([A-Z]+)\$(\d+)", category.group(1).decode())
        assert [c.value for c in labels[f"{first[0]}{first[1]}" : f"{last[0]}{last[1]}"][0]] == ["R5", "R6", "R7"]
        formulas = [f for f in re.findall(rb"<c:val>.*?<c:f>([^<]*)</c:f>", chart) if "施策評価シート".encode() in f]
        # a series without any figure (no actual yet) holds no cells: a spreadsheet would draw 「-」 as 0
        fields = [f for f in ("target", "actual") if any(kpi["years"][y].get(f) is not None for y in kpi["years"])]
        assert len(formulas) == len(fields), chart
        for formula, field in zip(formulas, fields, strict=True):
            cells = re.findall(r"'?施策評価シート'?!\$([A-Z]+)\$(\d+)", formula.decode())
            values = [ws[f"{col}{row}"].value for col, row in cells]
            wanted = [kpi["years"][y].get(field) for y in ("R5", "R6", "R7")]
            given = [v for v in wanted if v is not None]
            assert [Decimal(str(v)) for v in values] == [Decimal(str(v)) for v in given[: len(values)]], formula
            assert len(values) == max(i + 1 for i, v in enumerate(wanted) if v is not None)


def test_libreoffice_prints_the_picture_and_the_chart(out: Path, tmp_path: Path) -> None:
    shutil.copy(out / "12.xlsx", tmp_path / "12.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "12.xlsx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "12.pdf"), str(tmp_path / "p")]
    )
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    width, height = page.size
    emblem = page.crop((0, 0, width // 8, height // 8))
    chart = page.crop((width // 2, height // 2, width * 7 // 8, height * 7 // 8))
    assert _share(emblem, lambda p: p[0] > 200 and p[1] < 150 and p[2] > 100) > 0.01  # the blossom's pink
    assert (
        _share(chart, lambda p: abs(p[0] - ACTUAL_RGB[0]) < 40 and abs(p[2] - ACTUAL_RGB[2]) < 40 and p[2] > p[0] + 60)
        > 0.005
    )


def _share(image: Image.Image, wanted: Any) -> float:
    pixels = [image.getpixel((x, y)) for x in range(image.width) for y in range(image.height)]
    return sum(1 for p in pixels if wanted(p)) / len(pixels)


# --------------------------------------------------------------------------- bad pictures


@pytest.fixture
def city(tmp_path: Path) -> Path:
    project = tmp_path / "city"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("out"))
    (project / "formgen.yaml").write_text(
        (project / "formgen.yaml")
        .read_text(encoding="utf-8")
        .replace("fonts: ../../fonts", f"fonts: {ROOT / 'fonts'}"),
        encoding="utf-8",
    )
    return project


def _bad_pictures(assets: Path) -> dict[str, str]:
    """name in the layout → what the message must say"""
    (assets / "note.png").write_text("not a picture", encoding="utf-8")
    jpeg = assets / "photo.png"
    Image.new("RGB", (8, 8), "red").save(jpeg, format="JPEG")
    Image.new("1", (10_001, 2)).save(assets / "long.png")
    return {
        "missing.png": "missing.png: picture not found",
        "note.png": "note.png: is not a PNG file, whatever its name says",
        "photo.png": "photo.png: is not a PNG file, whatever its name says",
        "long.png": "long.png: is 10001×2 pixels; a picture may have at most 10000 a side",
        "../formgen.yaml": "a picture must be inside the assets folder",
        "emblem.gif": "a picture must be a PNG (.png) or JPEG (.jpg, .jpeg) file",
    }


@pytest.mark.parametrize("name", ["missing.png", "note.png", "photo.png", "long.png", "../formgen.yaml", "emblem.gif"])
def test_a_bad_picture_is_refused_with_the_layout_line_and_loses_nothing(city: Path, name: str) -> None:
    args = ["build", "--config", str(city / "formgen.yaml")]
    assert run_cli(*args).exit_code == 0
    before = {p: p.read_bytes() for p in (city / "out").rglob("*") if p.is_file()}
    wanted = _bad_pictures(city / "assets")[name]
    layout = city / "layouts" / "policy_area.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("{image: emblem.png,", f"{{image: {name},"), encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "{image: emblem.png," in ln)
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert f"{layout}:{line}: sheets[0].blocks[0].rows[0][0].image: " in result.stderr, result.stderr
    assert wanted in result.stderr and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in (city / "out").rglob("*") if p.is_file()} == before


def test_an_image_without_alternative_text_is_refused(city: Path) -> None:
    layout = city / "layouts" / "policy_area.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("{image: emblem.png, alt: 桜台市章,", "{image: emblem.png,"), encoding="utf-8")
    result = run_cli("build", "--config", str(city / "formgen.yaml"))
    assert result.exit_code == 2 and "an image needs its alternative text (alt: …)" in result.stderr


def test_a_picture_in_the_title_rows_is_a_figure_and_the_title_its_h1(city: Path) -> None:
    layout = city / "layouts" / "policy_area.yaml"
    text = layout.read_text(encoding="utf-8")
    old = "    columns: {count: 46, width: 6}\n    blocks:\n"
    assert old in text
    title_rows = (
        "    columns: {count: 46, width: 6}\n"
        "    title_rows:\n"
        "      - [{image: emblem.png, alt: 桜台市章, height: 10, span: 46, style: emblem}]\n"
        '      - [{text: "{fiscal_year.long} {words.form}", span: 46, style: title}]\n'
        "    blocks:\n"
    )
    layout.write_text(text.replace(old, title_rows, 1), encoding="utf-8")
    result = run_cli("build", "--config", str(city / "formgen.yaml"))
    assert result.exit_code == 0, result.output
    from pdfcheck import check

    pdf = city / "out" / "R7" / "12.pdf"
    assert check(pdf) == []
    structure = subprocess.run(["pdfinfo", "-struct", str(pdf)], capture_output=True).stdout.decode(errors="replace")
    assert structure.count("Figure") >= 1 + 5 + 1 and " H1" in structure
