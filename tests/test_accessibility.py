"""Tagged PDF/UA-1 and PDF/A-2a: the structure read back by poppler and pdfium, the offline
checker (tests/pdfcheck.py) on every PDF, the metadata, the book's links and page labels."""

from __future__ import annotations

import ctypes
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from test_build import add_area

from conftest import (
    ROOT,
    SEED_DATA,
    Built,
    build_project,
    make_project,
    narrative_sentences,
    need,
    pdf_text,
    run_cli,
    squash,
    unprinted,
)

sys.path.insert(0, str(Path(__file__).parent))
from pdfcheck import check  # noqa: E402


@dataclass
class Element:
    role: str
    id: str = ""
    texts: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    kids: list[Element] = field(default_factory=list)

    def walk(self) -> list[Element]:
        return [self] + [e for kid in self.kids for e in kid.walk()]

    def text(self) -> str:
        return "".join(self.texts) + "".join(kid.text() for kid in self.kids)


ELEMENT = re.compile(r'^( *)([A-Za-z][A-Za-z0-9]*)(?: <([^>]*)>)?(?: ".*")?(?: \((?:block|inline)\))?:?$')
TEXT = re.compile(r'^ *"(.*)"$')


def structure(pdf: Path) -> Element:
    """The structure tree as poppler's pdfinfo -struct-text prints it."""
    need("pdfinfo")
    raw = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], check=True, capture_output=True).stdout
    out = raw.decode("utf-8", errors="replace")  # element titles are printed as raw UTF-16
    root = Element("root")
    stack: list[tuple[int, Element]] = [(-1, root)]
    for line in out.splitlines():
        text = TEXT.match(line)
        if text:
            stack[-1][1].texts.append(text.group(1))
            continue
        match = ELEMENT.match(line)
        if match is None:
            if line.strip().startswith("/"):
                stack[-1][1].attributes.append(line.strip())
            continue
        indent = len(match.group(1))
        while stack[-1][0] >= indent:
            stack.pop()
        element = Element(match.group(2), match.group(3) or "")
        stack[-1][1].kids.append(element)
        stack.append((indent, element))
    return root


def pdfium_structure(pdf: Path) -> tuple[list[str], set[str]]:
    """Headings (in page order) and the ids of the tables, as pdfium reads the structure."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    def text(function: object, element: object) -> str:
        size = function(element, None, 0)  # type: ignore[operator]
        buffer = ctypes.create_string_buffer(size)
        function(element, buffer, size)  # type: ignore[operator]
        return buffer.raw[:size].decode("utf-16-le").rstrip("\x00")

    headings: list[str] = []
    tables: set[str] = set()
    document = pdfium.PdfDocument(str(pdf))

    def walk(element: object) -> None:
        role = text(raw.FPDF_StructElement_GetType, element)
        if role == "Table":
            tables.add(text(raw.FPDF_StructElement_GetID, element))
        if re.fullmatch(r"H[1-6]", role):
            headings.append(role)  # a heading's text is on one page: it is in one page's tree
        for i in range(raw.FPDF_StructElement_CountChildren(element)):
            kid = raw.FPDF_StructElement_GetChildAtIndex(element, i)
            if kid:
                walk(kid)

    for index in range(len(document)):
        page = document[index]  # kept alive while its tree is read
        tree = raw.FPDF_StructTree_GetForPage(page.raw)
        for i in range(raw.FPDF_StructTree_CountChildren(tree)):
            walk(raw.FPDF_StructTree_GetChildAtIndex(tree, i))
        raw.FPDF_StructTree_Close(tree)
        page.close()
    return headings, tables


def test_the_structure_has_the_title_sections_kpi_tables_and_every_sentence(built: Built) -> None:
    tree = structure(built.pdf)
    elements = tree.walk()
    headings = [(e.role, e.text()) for e in elements if re.fullmatch(r"H[1-6]", e.role)]
    assert headings[0] == ("H1", "令和7年度行政評価 施策評価票")
    sections = [text for role, text in headings if role == "H2"]
    for section in ("1 政策分野の進捗状況", "2 施策の取組状況", "5 最終評価", "6 事務事業一覧"):
        assert section in sections, sections
    kpis = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))["kpis"]
    tables = [e for e in elements if e.role == "Table" and any(h.text() == "年度" for h in e.walk() if h.role == "TH")]
    assert len(tables) == len(kpis)
    for table in tables:
        headers = [h.text() for h in table.walk() if h.role == "TH"]
        assert {"年度", "R5", "R6", "R7", "R8", "目標", "実績", "達成率"} <= set(headers), headers
        assert all(any("/Scope" in a for a in h.attributes) for h in table.walk() if h.role == "TH")
    # paragraphs, and the labels (【1】, ・) of the list items they are in
    paragraphs = squash("".join("".join(e.texts) for e in elements if e.role in ("P", "Lbl")))
    assert unprinted(narrative_sentences(built.record), paragraphs) == []
    # in reading order: each measure's achievements read as they are written
    for m in built.record.measures:
        from formgen.records.narrative import plain_text

        sentences = [
            squash(s) for s in plain_text(m.achievements).replace("\n", "。").split("。") if len(squash(s)) > 1
        ]
        positions = [paragraphs.find(s) for s in sentences]
        assert positions == sorted(positions) and -1 not in positions
    # the running header and footer are artifacts
    texts = [t for e in elements for t in e.texts]
    assert not [t for t in texts if re.fullmatch(r"\d+ / \d+", t)]
    assert "令和7年度 施策評価票 政策分野37 交流・移住" not in texts


def test_pdfium_reads_the_same_headings_and_tables(built: Built) -> None:
    tree = structure(built.pdf)
    poppler_headings = [e.role for e in tree.walk() if re.fullmatch(r"H[1-6]", e.role)]
    poppler_tables = {e.id for e in tree.walk() if e.role == "Table"}
    headings, tables = pdfium_structure(built.pdf)
    assert headings == poppler_headings
    assert tables == poppler_tables and len(tables) >= 10


def test_identifiers_are_unique_in_a_book_of_two_areas_and_found_through_the_id_tree(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    add_area(project, 3)
    assert build_project(project, "--document", "policy_area").exit_code == 0
    for path in (project / "out" / "R7" / "book.pdf", project / "out" / "R7" / "3.pdf"):
        reader = PdfReader(path)
        tree = reader.trailer["/Root"]["/StructTreeRoot"]
        named = {}
        stack = [tree["/K"].get_object()]
        while stack:
            element = stack.pop()
            kids = element.get("/K")
            kids = [k.get_object() for k in (kids if isinstance(kids, list) else [kids])]
            stack += [k for k in kids if isinstance(k, dict) and "/S" in k]  # not MCIDs, MCRs, OBJRs
            if "/ID" in element:
                assert element["/ID"] not in named, f"{path.name}: {element['/ID']} twice"
                named[element["/ID"]] = element
        pairs = tree["/IDTree"]["/Names"]
        listed = {pairs[i]: pairs[i + 1].get_object() for i in range(0, len(pairs), 2)}
        assert list(listed) == sorted(listed, key=lambda name: name.encode("latin-1"))
        assert listed.keys() == named.keys() and len(named) >= 10
        assert all(listed[name] is named[name] or listed[name] == named[name] for name in named)


def test_every_pdf_of_the_shipped_project_passes_the_checker(built: Built) -> None:
    out = built.project / "out" / "R7"
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == 2 + 16 + 1
    for pdf in pdfs:
        assert check(pdf) == [], pdf.name
        need("qpdf")
        qpdf = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert qpdf.returncode == 0 and "No syntax or stream encoding errors" in qpdf.stdout, pdf.name


def test_the_42_synthetic_areas_and_the_example_pass_the_checker(synthetic_year: Path, tmp_path: Path) -> None:
    example = run_cli(
        "build", "--config", str(ROOT / "examples" / "sakuradai" / "formgen.yaml"), "--out", str(tmp_path / "ex")
    )
    assert example.exit_code == 0, example.output
    pdfs = sorted(synthetic_year.glob("*.pdf")) + sorted((tmp_path / "ex" / "R7").glob("*.pdf"))
    assert len(pdfs) == 42 + 1 + 3
    failed = {pdf.name: problems for pdf in pdfs if (problems := check(pdf))}
    assert failed == {}


def _tamper(source: Path, target: Path, change: object) -> Path:
    writer = PdfWriter(clone_from=source)
    change(writer)  # type: ignore[operator]
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def _elements(writer: PdfWriter) -> list[object]:
    root = writer.root_object["/StructTreeRoot"].get_object()
    out = []
    stack = [root["/K"].get_object()]
    while stack:
        element = stack.pop()
        out.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else []:
            kid = kid.get_object()
            if isinstance(kid, dict) and "/S" in kid:
                stack.append(kid)
    return out


def test_the_checker_catches_untagged_text_a_figure_without_alt_and_a_skipped_heading(
    built: Built, tmp_path: Path
) -> None:
    def untagged(writer: PdfWriter) -> None:
        page = writer.pages[0]
        contents = page.get_contents()
        font = next(iter(page["/Resources"]["/Font"]))
        contents.set_data(contents.get_data() + f"\nBT {font} 9 Tf 1 0 0 1 50 50 Tm <0001> Tj ET\n".encode())
        page.replace_contents(contents)

    def skipped(writer: PdfWriter) -> None:
        h2 = next(e for e in _elements(writer) if e["/S"] == "/H2")  # type: ignore[index]
        h2[NameObject("/S")] = NameObject("/H4")  # type: ignore[index]

    def no_alt(writer: PdfWriter) -> None:
        figure = next(e for e in _elements(writer) if e["/S"] == "/Figure")  # type: ignore[index]
        del figure["/Alt"]  # type: ignore[attr-defined]

    text = check(_tamper(built.pdf, tmp_path / "untagged.pdf", untagged))
    assert any(p.startswith("01-001: page 1: 1 painting") for p in text), text
    heading = check(_tamper(built.pdf, tmp_path / "skipped.pdf", skipped))
    assert any(p.startswith("14-003") for p in heading), heading
    example = tmp_path / "ex"
    result = run_cli("build", "--config", str(ROOT / "examples" / "sakuradai" / "formgen.yaml"), "--out", str(example))
    assert result.exit_code == 0
    figure = check(_tamper(example / "R7" / "12.pdf", tmp_path / "alt.pdf", no_alt))
    assert "13-004: a Figure has no alternative text" in figure, figure
    assert check(example / "R7" / "12.pdf") == []  # the untampered file passes


def test_metadata_declares_pdfa_2a_and_pdfua_1_with_an_srgb_output_intent(built: Built) -> None:
    reader = PdfReader(built.pdf)
    root = reader.trailer["/Root"]
    xmp = ET.fromstring(root["/Metadata"].get_object().get_data())
    values = {e.tag.split("}")[1]: "".join(e.itertext()).strip() for e in xmp.iter()}
    assert values["part"] in ("1", "2")  # both pdfaid:part and pdfuaid:part are named part
    found = {
        (e.tag, "".join(e.itertext())) for e in xmp.iter() if e.tag.endswith("}part") or e.tag.endswith("conformance")
    }
    assert ("{http://www.aiim.org/pdfa/ns/id/}part", "2") in found
    assert ("{http://www.aiim.org/pdfa/ns/id/}conformance", "A") in found
    assert ("{http://www.aiim.org/pdfua/ns/id/}part", "1") in found
    assert values["title"] == reader.metadata.title == "令和7年度行政評価 施策評価票 政策分野37 交流・移住"
    assert values["CreateDate"] == "2000-01-01T00:00:00+00:00"
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    assert built.pdf.read_bytes().startswith(b"%PDF-1.7")
    assert root["/Lang"] == "ja-JP"


def test_the_books_contents_link_to_the_pages_they_state(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    text = SEED_DATA.read_text(encoding="utf-8").replace(
        "area: {number: 37, name: 交流・移住}", "area: {number: 3, name: 分野3}"
    )
    (project / "data" / "R7" / "3.yaml").write_text(text, encoding="utf-8")
    assert build_project(project).exit_code == 0
    book = project / "out" / "R7" / "book.pdf"
    reader = PdfReader(book)
    contents = reader.pages[1]
    links = [a.get_object() for a in contents.get("/Annots", [])]
    assert len(links) == 2 and contents["/Tabs"] == "/S"
    layout = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "2", str(book), "-"], check=True, capture_output=True, text=True
    ).stdout
    # 「政策分野3 分野3   総務部・総務課   3」: the area and the page number the contents state
    stated = {ln.split()[0]: int(ln.split()[-1]) for ln in layout.splitlines() if ln.strip().startswith("政策分野")}
    assert set(stated) == {"政策分野3", "政策分野37"}, layout
    named = reader.named_destinations  # the contents link to named destinations (page12 → page 12)
    tree = [str(v) for v in reader.trailer["/Root"]["/Names"]["/Dests"]["/Names"][::2]]
    assert len(tree) == 2 and tree == sorted(tree, key=str.encode)  # a name tree is in byte order
    for link in links:
        dest = link["/Dest"]
        page = (
            reader.get_destination_page_number(named[str(dest)])
            if isinstance(dest, str)
            else reader.get_page_number(dest[0].get_object())
        ) + 1
        area = next(area for area, number in stated.items() if number == page)
        assert area in link["/Contents"] and f"（{page}ページ）" in link["/Contents"]
        assert squash(area) in squash(pdf_text(book, page=page))  # the page is that area's first
    assert reader.page_labels == [str(n) for n in range(1, len(reader.pages) + 1)]
    assert check(book) == []
