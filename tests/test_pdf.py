"""The PDF: embedded subset fonts, every figure and sentence searchable, safe text, reproducible bytes."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest

from conftest import (
    FONTS,
    MINIMAL_RECORD,
    ROOT,
    SEED_DATA,
    Built,
    assert_seed_figures_printed,
    build_project,
    edit_layout,
    folder_args,
    make_project,
    missing_figures,
    narrative_sentences,
    need,
    outline_titles,
    pdf_pages,
    pdf_text,
    plan_of,
    project_with,
    record_figures,
    squash,
    unprinted,
)
from formgen.fonts import read_face
from formgen.linebreak import NO_LINE_START
from formgen.records import load_record
from formgen.writers.pdf.page import Link
from formgen.writers.pdf.part import PartBuilder
from formgen.writers.pdf.structure import AnnotRef, Marked, Node


def run(*args: str) -> subprocess.CompletedProcess:
    need(args[0])
    return subprocess.run(list(args), capture_output=True, text=True)


def pdffonts(path: Path) -> list[list[str]]:
    lines = run("pdffonts", str(path)).stdout.splitlines()[2:]
    return [line.split() for line in lines]


# --------------------------------------------------------------------------- fonts and structure


def test_only_embedded_subset_fonts(built: Built) -> None:
    fonts = pdffonts(built.pdf)
    assert len(fonts) == 2  # BIZ UDGothic regular and bold, one CID font each
    for row in fonts:
        name, emb, sub, uni = row[0], row[-5], row[-4], row[-3]
        assert re.fullmatch(r"[A-Z]{6}\+BIZUDGothic-(Regular|Bold)", name), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
    assert "Helvetica" not in run("pdffonts", str(built.pdf)).stdout


def test_two_font_files_with_the_same_bytes_are_embedded_once(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "fonts").unlink()
    shutil.copytree(FONTS, project / "fonts")
    shutil.copy(FONTS / "BIZUDGothic-Regular.ttf", project / "fonts" / "MyGothic.ttf")
    edit_layout(project, "mincho: {regular: BIZUDMincho-Regular.ttf}", "mincho: {regular: MyGothic.ttf}")
    edit_layout(project, "  heading: {size: 10,", "  heading: {font: mincho, size: 10,")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    fonts = pdffonts(project / "out" / "R7" / "37.pdf")
    names = [row[0].split("+", 1)[1] for row in fonts]
    assert sorted(names) == ["BIZUDGothic-Bold", "BIZUDGothic-Regular"], fonts
    assert "1政策分野の進捗状況" in squash(pdf_text(project / "out" / "R7" / "37.pdf"))


def test_qpdf_check_passes(built: Built) -> None:
    result = run("qpdf", "--check", str(built.pdf))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_metadata(built: Built) -> None:
    info = run("pdfinfo", str(built.pdf)).stdout
    assert "Title:           令和7年度行政評価 施策評価票 政策分野37 交流・移住" in info
    assert "Author:          総務部・総務課" in info
    assert "Subject:         施策評価票" in info
    assert "Keywords:        行政評価, 施策評価票, 令和7年度, 政策分野37, 交流・移住" in info
    root = json.loads(run("qpdf", "--json=2", "--json-key=qpdf", str(built.pdf)).stdout)
    objects = root["qpdf"][1]
    catalog = next(
        v["value"]
        for v in objects.values()
        if isinstance(v.get("value"), dict) and v["value"].get("/Type") == "/Catalog"
    )
    assert catalog["/Lang"] == "u:ja-JP"


def test_bookmarks_for_every_sheet_section_and_measure(built: Built) -> None:
    titles = outline_titles(built.pdf)
    for title in [
        "施策評価票",
        "1 政策分野の進捗状況",
        "2 施策の取組状況",
        "施策1 交流の促進",
        "施策2 定住・二地域居住の推進",
        "3 関連する政策分野と事務事業",
        "4 第7次総合計画の期中総括",
        "5 最終評価",
        "6 事務事業一覧",
        "事務事業評価",
        "ロジックモデル",
        "成果を示す根拠の推移(中期成果)",
    ]:
        assert title in titles, title
    assert titles.count("施策1 交流の促進") == 2  # section 2 and the project sheets


def test_page_numbers(built: Built) -> None:
    pages = built.plan.pages
    for page in (1, pages):
        text = pdf_text(built.pdf, page=page)
        assert f"{page} / {pages}" in text


def test_a_header_without_page_numbers_is_one_object_that_every_page_shows(built: Built) -> None:
    with pikepdf.open(built.pdf) as pdf:
        headers = {page.obj.Contents[1].objgen for page in pdf.pages}
        footers = {page.obj.Contents[2].objgen for page in pdf.pages}
        pages = len(pdf.pages)
    assert (len(headers), len(footers)) == (1, pages)
    spec = built.plan.header
    texts = [t for t in (spec.left, spec.center, spec.right) if t]
    assert texts and not any("{page" in t for t in texts)
    for page in range(1, pages + 1):
        shown = squash(pdf_text(built.pdf, page=page))
        assert all(squash(t) in shown for t in texts), page


def test_a_book_keeps_no_parts_objects_once_placed(built: Built) -> None:
    """The year's book is written as the areas come; what it keeps of one until it is finished
    (bookmarks, what its running header and footer say) is small: its objects are gone."""
    import gc
    import io
    import weakref

    from formgen.writers.pdf import PdfRenderer, write_pdf
    from formgen.writers.pdf.merge import PartsWriter

    writer = PartsWriter(io.BytesIO(), PdfRenderer("", "", "", [], ""))
    _, drawn = write_pdf(built.plan)
    placed = weakref.ref(drawn.part)
    writer.add(drawn, ["施策37"], 1)
    del drawn
    gc.collect()
    assert placed() is None


def test_the_cross_reference_predictor_is_pngs_up_filter_across_its_chunks() -> None:
    """Each row: the filter byte 2, then each byte minus the one above it, modulo 256 (PNG's Up,
    PDF's Predictor 12), here for more rows than one chunk holds."""
    import random

    from formgen.writers.pdf.stream import PREDICTED_ROWS, _png_up

    rng = random.Random(15)
    rows = [bytes(rng.randrange(256) for _ in range(7)) for _ in range(PREDICTED_ROWS + 5)]
    expected = bytearray()
    for before, now in zip([bytes(7), *rows], rows, strict=False):
        expected += b"\x02" + bytes((a - b) % 256 for a, b in zip(now, before, strict=True))
    assert _png_up(b"".join(rows), 7) == expected


# --------------------------------------------------------------------------- content


def test_every_figure_and_sentence_is_searchable(built: Built) -> None:
    assert_seed_figures_printed(built.record, built.pdf)
    sentences = narrative_sentences(built.record)
    lost = unprinted(sentences, squash(pdf_text(built.pdf, raw=True)))  # whole, in the order drawn
    assert not lost, f"{len(lost)} of {len(sentences)} sentences not found, e.g. {lost[:2]}"


def test_the_text_checks_catch_a_lost_copy_and_a_lost_figure(built: Built) -> None:
    """The checks above can fail: a sentence printed once but given twice, a figure given once more."""
    sentences = narrative_sentences(built.record)
    text = squash(pdf_text(built.pdf, raw=True))
    twice = next(s for s in sentences if sentences.count(s) == 2)
    assert unprinted(sentences, text.replace(twice, "", 1)) == [twice]
    assert unprinted(sentences + [sentences[0]], text) == [sentences[0]]
    figures = record_figures(built.record)
    assert missing_figures(figures + ["22,309"], built.pdf) == ["22,309"]


def test_pdf_draws_exactly_the_plans_lines(built: Built) -> None:
    text = squash(pdf_text(built.pdf, raw=True))
    lines = [
        squash(line) for sheet in built.plan.sheets for row in sheet.rows for cell in row.cells for line in cell.lines
    ]
    assert len(lines) > 1000
    assert not unprinted([line for line in lines if line], text)


def test_no_line_starts_with_a_closing_mark(built: Built) -> None:
    """Every continuation line of every text in the plan obeys 行頭禁則."""
    for sheet in built.plan.sheets:
        for row in sheet.rows:
            for cell in row.cells:
                for previous, line in zip(cell.lines, cell.lines[1:], strict=False):
                    body = line.lstrip("\u3000")
                    starts_paragraph = body[:1] in "・○【※" or not previous
                    if body and not starts_paragraph:
                        assert body[0] not in NO_LINE_START, (previous, line)


def test_text_is_never_parsed_as_markup(tmp_path: Path) -> None:
    hostile = '<b>太字</b> & <img src="x.png"/> &amp; <font color=red>赤</font>'
    text = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", f"vision: '{hostile}'")
    project = project_with(tmp_path, text)
    assert build_project(project).exit_code == 0
    extracted = pdf_text(project / "out" / "R7" / "37.pdf")
    assert squash(hostile) in squash(extracted)


def test_characters_outside_the_bmp_come_back_from_pdftotext(tmp_path: Path) -> None:
    text = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", "vision: 𩸽（ほっけ）と𡈽と𠀋")
    project = project_with(tmp_path, text)
    result = build_project(project)
    assert result.exit_code == 0, result.output
    extracted = pdf_text(project / "out" / "R7" / "37.pdf")
    assert "𩸽（ほっけ）と𡈽と𠀋" in extracted


def test_latin_characters_brackets_and_the_first_beyond_latin_1_come_back(tmp_path: Path) -> None:
    """Text is encoded by translating it with what the font has learnt so far (characters of the
    first 256 not yet seen stand for one outside them): every one comes back, seen or not."""
    texts = ["Ab(1)\\2 ¥×·§", "ĀāĂ（Ā）と A(b) と 𩸽", "最後に ¥3,000 × 2 \\ (済)"]
    text = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", f"vision: '{texts[0]}'")
    text = text.replace("    description: 交流を促進します。", f"    description: '{texts[1]}'")
    text = text.replace("    name: 交流事業", f"    name: '{texts[2]}'")
    project = project_with(tmp_path, text)
    result = build_project(project)
    assert result.exit_code == 0, result.output
    for pdf in ("37.pdf", "book.pdf"):
        extracted = squash(pdf_text(project / "out" / "R7" / pdf))
        assert [t for t in texts if squash(t) not in extracted] == [], pdf


def test_running_headers_and_footers_are_stored_compressed_only_when_that_saves_bytes(built: Built) -> None:
    """A page's footer (a page number) is a few operators, stored as they are; a long header is
    compressed. Either way every stream reads back."""
    from formgen.writers.pdf.embed import SMALL_STREAM, content_stream

    assert content_stream("x" * (SMALL_STREAM - 1)) == (b"", b"x" * (SMALL_STREAM - 1))
    entries, data = content_stream("0 0 m 1 1 l S\n" * 40)
    assert entries == b"/Filter/FlateDecode" and zlib.decompress(data) == b"0 0 m 1 1 l S\n" * 40
    with pikepdf.open(built.pdf) as pdf:
        page = pdf.pages[1]
        footer = page.obj.Contents[-1]
        assert "/Filter" not in footer.stream_dict and b"/Subtype /Footer" in footer.read_bytes()
        assert len(footer.read_raw_bytes()) < SMALL_STREAM
        assert page.obj.Contents[0].stream_dict.Filter == "/FlateDecode"  # the page's body


@pytest.mark.parametrize(
    "bad,code,why",
    [
        ("\U0001f600", "U+1F600", "not in the font BIZ UDGothic"),
        ("葛\U000e0100", "U+E0100", "variation selector"),
        ("a\u200bb", "U+200B", "invisible formatting character"),
    ],
)
def test_a_character_the_font_cannot_print_is_an_error_naming_it(tmp_path: Path, bad: str, code: str, why: str) -> None:
    text = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", f"vision: 新しい{bad}まち")
    project = project_with(tmp_path, text)
    result = build_project(project)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    path = project / "data" / "R7" / "37.yaml"
    assert f"{path}:6: vision: the character" in result.stderr
    assert code in result.stderr and why in result.stderr
    assert not (project / "out").exists()


# --------------------------------------------------------------------------- long text


def _longest_paragraph(record_path: Path) -> str:
    from formgen.records.narrative import paragraphs

    record = load_record(record_path)
    texts = [p.text for m in record.measures for n in (m.achievements, m.outlook) for p in paragraphs(n)]
    texts += [p.text for pr in record.projects for n in (pr.achievements, pr.outlook) for p in paragraphs(n)]
    return max(texts, key=len)


def test_a_narrative_ten_times_the_longest_flows_across_pages(tmp_path: Path) -> None:
    longest = _longest_paragraph(SEED_DATA)
    huge = "\n".join(f"{i}. {longest}" for i in range(10))
    assert len(huge) > 10 * len(longest)
    record = MINIMAL_RECORD.replace(
        "    description: 交流を促進します。",
        "    description: 交流を促進します。\n    achievements: |-\n"
        + "\n".join("      " + line for line in huge.split("\n")),
    )
    project = project_with(tmp_path, record)
    result = build_project(project)
    assert result.exit_code == 0, result.output
    pdf = project / "out" / "R7" / "37.pdf"
    assert pdf_pages(pdf) >= 3
    text = squash(pdf_text(pdf, raw=True))
    sentences = [squash(s) for line in huge.split("\n") for s in line.split("。") if len(squash(s)) > 2]
    lost = unprinted(sentences, text)  # every one of the ten copies
    assert not lost, lost[:2]
    plan = plan_of(project, load_record(project / "data" / "R7" / "37.yaml"))
    heights = [r.height for s in plan.sheets for r in s.rows]
    assert max(heights) <= 409, "a spreadsheet row cannot be taller than 409 pt"
    page_body = plan.page.body_height
    for sheet in plan.sheets:
        for page in range(sheet.pages):
            used = sum(sheet.rows[i].height for i in sheet.page_rows(page)) + sum(r.height for r in sheet.title_rows)
            assert used <= page_body


def test_a_long_url_stays_inside_its_cell(tmp_path: Path) -> None:
    url = (
        "https://www.city.example.lg.jp/"
        + "/".join(f"section{i:02d}" for i in range(30))
        + "/index.html?lang=ja&amp;view=print"
    )
    record = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", f"vision: 詳細は{url}を参照。")
    project = project_with(tmp_path, record)
    assert build_project(project).exit_code == 0
    plan = plan_of(project, load_record(project / "data" / "R7" / "37.yaml"))
    sheet = plan.sheets[0]
    row = next(r for r in sheet.rows if any("https" in line for c in r.cells for line in c.lines))
    cell = next(c for c in row.cells if any("https" in line for line in c.lines))
    style = plan.styles[cell.style]
    face = read_face(Path(plan.fonts[style.font].regular))
    room = sum(sheet.columns[cell.col : cell.col + cell.colspan]) - 2 * style.pad_h
    assert len(cell.lines) >= 2
    assert all(face.width(line, style.size) <= room + 1e-6 for line in cell.lines)
    assert "".join(cell.lines) == f"詳細は{url}を参照。"
    # and in the PDF: every word of the URL ends before the cell's right edge
    right_edge = plan.page.left + sum(sheet.columns[: cell.col + cell.colspan])
    bbox = run("pdftotext", "-bbox", "-f", "1", "-l", "1", str(project / "out" / "R7" / "37.pdf"), "-").stdout
    words = re.findall(
        r'<word xMin="[0-9.]+" yMin="[0-9.]+" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*section[^<]*)</word>', bbox
    )
    assert words
    assert all(float(x) <= right_edge + 0.5 for x, _ in words), (right_edge, words)


def test_table_header_and_group_heading_repeat_on_every_page_they_continue(tmp_path: Path) -> None:
    project_entry = MINIMAL_RECORD.split("projects:\n", 1)[1]
    many = "".join(project_entry.replace("name: 交流事業", f"name: 交流事業{i:02d}") for i in range(80))
    project = project_with(tmp_path, MINIMAL_RECORD.split("projects:\n", 1)[0] + "projects:\n" + many)
    assert build_project(project).exit_code == 0
    plan = plan_of(project, load_record(project / "data" / "R7" / "37.yaml"))
    sheet = plan.sheets[0]
    header_pages = [
        p
        for p in range(sheet.pages)
        if any(c.lines == ["事務事業名"] for i in sheet.page_rows(p) for c in sheet.rows[i].cells)
    ]
    project_pages = [
        p
        for p in range(sheet.pages)
        if any(c.lines and c.lines[0].startswith("交流事業") for i in sheet.page_rows(p) for c in sheet.rows[i].cells)
    ]
    assert len(project_pages) >= 2
    assert header_pages == project_pages
    pdf = project / "out" / "R7" / "37.pdf"
    for k, page in enumerate(project_pages):
        text = squash(pdf_text(pdf, page=page + 1))
        assert "事務事業名" in text and "次年度方針" in text
        # the measure's heading comes first, then the header again with 「（続き）」 on every later page
        heading = "施策1交流の促進（続き）" if k else "施策1交流の促進"
        header_at = text.index("事務事業名")
        assert text.index(heading, header_at) < text.index("交流事業", header_at), text
        assert ("（続き）" in text) == (k > 0)


# --------------------------------------------------------------------------- size and reproducibility


def test_at_most_25_kb_per_page(built: Built) -> None:
    size = built.pdf.stat().st_size
    assert size / 1024 / built.plan.pages <= 25, f"{size / 1024 / built.plan.pages:.1f} KB per page"


def test_source_date_epoch_sets_the_document_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01 00:00:00 UTC
    project = make_project(tmp_path)
    assert build_project(project).exit_code == 0
    info = run("pdfinfo", "-isodates", str(project / "out" / "R7" / "37.pdf")).stdout
    assert re.search(r"CreationDate:\s+2025-12-01T00:00:00", info), info
    import zipfile

    with zipfile.ZipFile(project / "out" / "R7" / "37.xlsx") as archive:
        assert "2025-12-01T00:00:00Z" in archive.read("docProps/core.xml").decode()
        # the archive's own entry times are fixed (XlsxWriter: 1980-01-01), never the clock's
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_headings_chained_before_a_long_text_do_not_stop_the_build(tmp_path: Path) -> None:
    """Empty sections (headings only) before a text longer than a page: the text is split."""
    text = MINIMAL_RECORD + "final_evaluation: " + "あいうえお、かきくけこ。" * 600 + "\n"
    project = project_with(tmp_path, text)
    result = build_project(project)
    assert result.exit_code == 0, result.output
    plan = plan_of(project, load_record(project / "data" / "R7" / "37.yaml"))
    assert max(r.height for s in plan.sheets for r in s.rows) <= 409


def test_logic_model_cells_spanning_rows_longer_than_a_row_can_be(tmp_path: Path) -> None:
    logic = (
        "logic_models:\n"
        "  - measure: 1\n"
        f"    projects: ['{'事業' * 250}', 'b']\n"
        f"    outputs: [{{text: '{'実績' * 400}', rows: 2}}]\n"
        "    short_term: [{text: 短期, rows: 2}]\n"
        "    mid_term: [{text: 中期, rows: 2}]\n"
        "    final: [{text: 最終, rows: 2}]\n"
    )
    project = project_with(tmp_path, MINIMAL_RECORD + logic)
    result = build_project(project)
    assert result.exit_code == 0, result.output
    import openpyxl

    ws = openpyxl.load_workbook(project / "out" / "R7" / "37.xlsx")["ロジックモデル"]
    heights = [d.height for d in ws.row_dimensions.values() if d.height]
    assert heights and max(heights) <= 409
    text = squash(pdf_text(project / "out" / "R7" / "37.pdf"))
    assert "実績" * 30 in text and "事業" * 30 in text


def test_figures_keep_the_decimals_they_were_written_with(tmp_path: Path) -> None:
    text = MINIMAL_RECORD.replace("R5: {target: 4000, actual: 2290}", "R5: {target: 12.5, actual: 1000.25}")
    project = project_with(tmp_path, text)
    assert build_project(project).exit_code == 0
    extracted = squash(pdf_text(project / "out" / "R7" / "37.pdf"))
    assert "12.5" in extracted and "1,000.25" in extracted and "8002.0%" in extracted
    import openpyxl

    ws = openpyxl.load_workbook(project / "out" / "R7" / "37.xlsx")["施策評価票"]
    formats = {c.value: c.number_format for row in ws.iter_rows() for c in row if isinstance(c.value, float)}
    assert formats[12.5] == "#,##0.0" and formats[1000.25] == "#,##0.00"


def test_a_long_area_name_shrinks_the_header_to_fit(tmp_path: Path) -> None:
    long_name = (
        "地域資源を活用した観光交流と移住定住の促進及び関係人口の創出拡大による"
        "持続可能な地域づくりの推進と連携による総合的な施策の展開と推進体制の整備"
    )
    text = MINIMAL_RECORD.replace("area: {number: 37, name: 交流・移住}", f"area: {{number: 37, name: {long_name}}}")
    project = project_with(tmp_path, text)
    assert build_project(project).exit_code == 0
    plan = plan_of(project, load_record(project / "data" / "R7" / "37.yaml"))
    assert plan.header.size < plan.styles[plan.header.style].size
    bbox = run("pdftotext", "-bbox", "-f", "1", "-l", "1", str(project / "out" / "R7" / "37.pdf"), "-").stdout
    xs = [float(x) for x in re.findall(r'xMin="([0-9.]+)"', bbox)] + [
        float(x) for x in re.findall(r'xMax="([0-9.]+)"', bbox)
    ]
    assert min(xs) >= plan.page.left - 0.5 and max(xs) <= plan.page.width - plan.page.right + 0.5


def test_an_area_name_too_long_for_the_header_is_blamed_on_the_data(tmp_path: Path) -> None:
    name = "交流・移住" * 20
    text = MINIMAL_RECORD.replace("area: {number: 37, name: 交流・移住}", f"area: {{number: 37, name: {name}}}")
    project = project_with(tmp_path, text)
    result = build_project(project)
    assert result.exit_code == 2
    record, layout = project / "data" / "R7" / "37.yaml", project / "layouts" / "policy_area.yaml"
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{record}:5: area.name: too long: with it the page.header needs ")
    assert lines[1].startswith(f"{layout}:18: page.header: its texts need ")


def test_a_header_too_long_by_the_layouts_own_text_is_blamed_on_the_layout_only(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    old = 'right: "{fiscal_year.long} {words.form}'
    layout = edit_layout(project, old, 'right: "{fiscal_year.long} ' + "長い見出し" * 40 + " {words.form}")
    result = build_project(project)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{layout}:18: page.header: its texts need "), result.stderr
    assert "data" not in result.stderr.split("\n")[0] and "37.yaml" not in result.stderr


def test_two_characters_of_one_glyph_give_the_same_pdf_whatever_the_hash_seed(tmp_path: Path) -> None:
    """U+29FCE and U+29FD7 are one glyph of BIZ UDGothic: ToUnicode names the one that comes first
    in the text, so builds in two processes (two hash seeds) write the same bytes."""
    text = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", "vision: 新しい\U00029fd7と\U00029fceのまち")
    pdfs = []
    for seed in ("1", "2", "3"):
        project = project_with(tmp_path / seed, text)
        command = [sys.executable, "-m", "formgen.cli", "build", *folder_args(project), "--document", "policy_area"]
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        pdfs.append((project / "out" / "R7" / "37.pdf").read_bytes())
    assert pdfs[0] == pdfs[1] == pdfs[2]
    assert "新しい\U00029fd7と" in pdf_text(project / "out" / "R7" / "37.pdf")  # the first names the glyph


class _Page:
    """A page as the part builder reads it: its compressed operators and its links."""

    def __init__(self, index: int, links: int):
        self.index, self.images = index, {}
        self.links = [Link((1.0, 2.0, 3.0, 4.0), 1, "go %") for _ in range(links)]

    def stream_data(self) -> bytes:
        return b"x%d" % self.index


ROLES = ["TD", "TH", "P", "Lbl", "LBody", "Table", "TR", "Figure", "Sect", "H1"]
ATTRIBUTES = [
    {"O": "Table", "Scope": "Column"},
    {"O": "Table", "ColSpan": 2},
    {"O": "Layout", "BBox": [1, 2, 3.5, 4]},
    {"O": "Table", "RowSpan": 3, "ColSpan": 1},
]


def _random_tree(
    rng: random.Random, pages: list[_Page], mcids: list[int], annotations: list[AnnotRef], depth: int
) -> Node:
    node = Node(rng.choice(ROLES), attributes=[rng.choice(ATTRIBUTES) for _ in range(rng.choice([0, 1, 1, 2]))])
    chance = rng.random()
    node.title = rng.choice(["", "t%", "表題"]) if chance < 0.2 else None
    node.alt = rng.choice(["", "alt (x)"]) if 0.2 <= chance < 0.3 else None
    for _ in range(1 if rng.random() < 0.6 else rng.randint(0, 4)):
        pick = rng.random()
        if depth < 5 and pick < 0.3:
            node.kids.append(_random_tree(rng, pages, mcids, annotations, depth + 1))
        elif pick < 0.95 or not annotations:
            page = rng.randrange(len(pages))
            node.kids.append(Marked(pages[page], mcids[page]))
            mcids[page] += 1
        else:
            node.kids.append(annotations.pop())
    return node


class _GeneralOnly(PartBuilder):
    """Every element written by the general path (the reference for :meth:`PartBuilder._leaf`)."""

    def _element(self, node: Node, parent: int, parent_kind: int) -> int:
        return self._general(node, parent, parent_kind)


class _Counting(PartBuilder):
    leaves = 0

    def _leaf(self, node: Node, kid: Marked, parent: int) -> int:
        _Counting.leaves += 1
        return super()._leaf(node, kid, parent)


def test_the_structures_one_step_shape_writes_what_the_general_path_writes() -> None:
    """PartBuilder writes nine elements in ten (one marked-content kid, at most one attribute
    object, no title or alternative text) in one step: on 400 random trees of every shape, the
    parts are the same as when every element goes the general way."""
    _Counting.leaves = 0
    for seed in range(400):
        rng = random.Random(seed)
        pages = [_Page(i, rng.choice([0, 0, 1, 2])) for i in range(rng.randint(1, 4))]
        annotations = [AnnotRef(page, j) for page in pages for j in range(len(page.links))]
        mcids = [0] * len(pages)
        root = Node(
            "Document", kids=[_random_tree(rng, pages, mcids, annotations, 0) for _ in range(rng.randint(1, 6))]
        )
        parts = [builder().build(pages, 595.0, 842.0, root) for builder in (_Counting, _GeneralOnly)]  # type: ignore[arg-type]
        assert vars(parts[0]) == vars(parts[1]), seed
    assert _Counting.leaves > 150  # the one-step shape was met often, among every other
