"""An offline checker for the machine-checkable PDF/UA-1 and PDF/A-2 rules that apply to formgen's PDFs.

veraPDF, the reference validator, cannot be installed from this project's package
sources; this checker covers the Matterhorn Protocol checkpoints formgen's files
can break, reading them with qpdf's parser (through pikepdf; pypdf took 15 s on a
year's book):

* 01: every piece of content is tagged (marked content with an MCID that the
  parent tree maps to a structure element) or an artifact; marked content nests;
* 06: XMP metadata with dc:title, identification pdfuaid:part 1 (and PDF/A-2a),
  Info consistent with it; 07: DisplayDocTitle; 11: /Lang; 14: headings start at
  H1 and never skip a level; 15: Table children, TH with Scope; 13: Figure with
  Alt; 28: annotations with StructParent and Contents, /Tabs /S on their pages;
  31: fonts embedded, with ToUnicode; PDF/A: an sRGB OutputIntent, version 1.7,
  uncompressed metadata.

    python tests/pdfcheck.py out/R7/37.pdf      # prints the problems, exit 1 if any
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

STANDARD = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index", "NonStruct",
    "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH",
    "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot",
    "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form",
}  # fmt: skip
PAINTING = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh"}
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def check(path: Path) -> list[str]:
    """Every rule the PDF breaks, one message each."""
    with pikepdf.open(path) as pdf:
        problems = _catalog(path, pdf)
        problems += _metadata(pdf)
        problems += _fonts(pdf)
        tagged = _content(pdf, problems)
        problems += _structure(pdf, tagged)
        problems += _annotations(pdf)
    return problems


def _catalog(path: Path, pdf: pikepdf.Pdf) -> list[str]:
    out = []
    root = pdf.Root
    if not path.read_bytes().startswith(b"%PDF-1.7"):
        out.append("PDF/A-2: the header is not %PDF-1.7")
    mark = root.get("/MarkInfo")
    if mark is None or mark.get("/Marked") is not True:
        out.append("01-001: /MarkInfo /Marked is not true")
    if not str(root.get("/Lang", "")).strip():
        out.append("11-001: the catalog has no /Lang")
    prefs = root.get("/ViewerPreferences")
    if prefs is None or prefs.get("/DisplayDocTitle") is not True:
        out.append("07-001: ViewerPreferences has no DisplayDocTitle true")
    if "/StructTreeRoot" not in root:
        out.append("01-006: there is no structure tree")
    intents = [i for i in root.get("/OutputIntents", []) if i.get("/S") == Name.GTS_PDFA1]
    if not intents:
        out.append("PDF/A-2 6.2.3: no PDF/A OutputIntent")
    else:
        profile = intents[0].get("/DestOutputProfile")
        data = profile.read_bytes() if profile is not None else b""
        if profile is None or profile.get("/N") != 3 or data[36:40] != b"acsp" or data[16:20] != b"RGB ":
            out.append("PDF/A-2 6.2.3: the OutputIntent's profile is not an RGB ICC profile")
    return out


def _metadata(pdf: pikepdf.Pdf) -> list[str]:
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return ["06-001: there is no XMP metadata"]
    out = []
    if "/Filter" in stream:
        out.append("PDF/A-2 6.6.2.1: the metadata stream is compressed")
    try:
        root = ET.fromstring(stream.read_bytes())
    except ET.ParseError as exc:
        return [f"06-001: the XMP does not parse: {exc}"]

    def value(tag: str) -> str | None:
        prefix, name = tag.split(":")
        for description in root.iter(f"{{{NS['rdf']}}}Description"):
            found = description.find(tag, NS)
            if found is not None:
                return "".join(found.itertext()).strip()
            attribute = description.get(f"{{{NS[prefix]}}}{name}")
            if attribute is not None:
                return attribute
        return None

    if value("pdfuaid:part") != "1":
        out.append("06-002: the XMP does not say pdfuaid:part 1")
    if value("pdfaid:part") != "2" or value("pdfaid:conformance") not in ("A", "U", "B"):
        out.append("PDF/A-2 6.6.4: the XMP does not identify PDF/A-2")
    title = value("dc:title")
    info_title = str(pdf.docinfo.get("/Title", ""))
    if not title:
        out.append("06-003: the XMP has no dc:title")
    elif title != info_title:
        out.append(f"PDF/A-2 6.6.3: dc:title {title!r} differs from the Info title {info_title!r}")
    return out


def _fonts(pdf: pikepdf.Pdf) -> list[str]:
    out = []
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
        for name in fonts.keys():
            font = fonts[name]
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor", Dictionary())
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                out.append(f"31-001: page {number}: font {name} is not embedded")
            if "/ToUnicode" not in font:
                out.append(f"31-027: page {number}: font {name} has no ToUnicode map")
    return out


def _content(pdf: pikepdf.Pdf, problems: list[str]) -> dict[tuple[int, int], int]:
    """Walk every page's content: what is painted outside tagged content or an artifact is a
    problem; returns (page, MCID) → how often each marked sequence occurs."""
    tagged: dict[tuple[int, int], int] = {}
    for number, page in enumerate(pdf.pages):
        stack: list[bool] = []
        """for each open marked-content sequence: whether it is an artifact or has an MCID"""
        untagged = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BMC", "BDC"):
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, Dictionary) else None
                stack.append(operands[0] == Name.Artifact or mcid is not None)
                if mcid is not None:
                    key = (number, int(mcid))
                    tagged[key] = tagged.get(key, 0) + 1
            elif op == "EMC":
                if not stack:
                    problems.append(f"01-004: page {number + 1}: EMC without a marked-content sequence")
                else:
                    stack.pop()
            elif op in PAINTING and not any(stack):
                untagged += 1
        if stack:
            problems.append(f"01-004: page {number + 1}: {len(stack)} marked-content sequences are not closed")
        if untagged:
            problems.append(f"01-001: page {number + 1}: {untagged} painting operations are untagged")
    for (page, mcid), count in tagged.items():
        if count > 1:
            problems.append(f"01-004: page {page + 1}: MCID {mcid} is used {count} times")
    return tagged


def _structure(pdf: pikepdf.Pdf, tagged: dict[tuple[int, int], int]) -> list[str]:
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return []
    out: list[str] = []
    page_number = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    reached: set[tuple[int, int]] = set()
    headings: list[int] = []

    def walk(element: Any, default_page: int | None) -> None:
        role = str(element.get("/S", "")).lstrip("/")
        if role not in STANDARD:
            out.append(f"02-001: a structure element has the non-standard type {role!r}")
        page = page_number.get(element.Pg.objgen) if "/Pg" in element else default_page
        if role.startswith("H") and role[1:].isdigit():
            headings.append(int(role[1:]))
        if role == "Figure" and not str(element.get("/Alt", "")).strip():
            out.append("13-004: a Figure has no alternative text")
        kids = element.get("/K")
        kids = kids if isinstance(kids, Array) else ([kids] if kids is not None else [])
        roles = []
        for kid in kids:
            if isinstance(kid, int):
                reached.add((page if page is not None else -1, kid))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                reached.add((page_number.get(kid.Pg.objgen, -1), int(kid.MCID)))
            elif isinstance(kid, Dictionary) and "/S" in kid:
                roles.append(str(kid.S).lstrip("/"))
                walk(kid, page)
        _table_rules(role, roles, element, out)

    top = root.get("/K")
    for element in top if isinstance(top, Array) else [top]:
        walk(element, None)
    missing = sorted(set(tagged) - reached)
    if missing:
        page, mcid = missing[0]
        out.append(f"01-005: {len(missing)} tagged sequences belong to no element (page {page + 1}, MCID {mcid})")
    if headings and headings[0] != 1:
        out.append(f"14-002: the first heading is H{headings[0]}, not H1")
    for before, after in zip(headings, headings[1:], strict=False):
        if after > before + 1:
            out.append(f"14-003: heading H{after} follows H{before}: a level is skipped")
            break
    return out


def _table_rules(role: str, kids: list[str], element: Any, out: list[str]) -> None:
    allowed = {
        "Table": {"TR", "THead", "TBody", "TFoot", "Caption"},
        "THead": {"TR"},
        "TBody": {"TR"},
        "TFoot": {"TR"},
        "TR": {"TH", "TD"},
    }.get(role)
    if allowed is not None and set(kids) - allowed:
        out.append(f"15-00x: {role} holds {sorted(set(kids) - allowed)}")
    if role == "TH":
        attributes = element.get("/A")
        items = attributes if isinstance(attributes, Array) else [attributes] if attributes is not None else []
        if not any(isinstance(a, Dictionary) and "/Scope" in a for a in items) and "/ID" not in element:
            out.append("15-003: a TH has neither Scope nor an ID for Headers")


def _annotations(pdf: pikepdf.Pdf) -> list[str]:
    out = []
    tree = pdf.Root.get("/StructTreeRoot")
    nums = tree.get("/ParentTree", Dictionary()).get("/Nums", Array()) if tree is not None else Array()
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    for number, page in enumerate(pdf.pages, start=1):
        annotations = page.obj.get("/Annots", Array())
        if len(annotations) and page.obj.get("/Tabs") != Name.S:
            out.append(f"28-008: page {number} has annotations but no /Tabs /S")
        for annotation in annotations:
            if annotation.get("/Subtype") == Name.Popup:
                continue
            if "/StructParent" not in annotation:
                out.append(f"28-002: page {number}: an annotation is not in the structure")
            elif annotation.get("/Subtype") == Name.Link:
                element = parents.get(int(annotation.StructParent))
                if not isinstance(element, Dictionary) or element.get("/S") != Name.Link:
                    out.append(f"28-011: page {number}: a link annotation is not in a Link element")
            if annotation.get("/Subtype") == Name.Link and not str(annotation.get("/Contents", "")).strip():
                out.append(f"28-004: page {number}: a link has no description (/Contents)")
    return out


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tests/pdfcheck.py FILE.pdf ...")
    found = {name: check(Path(name)) for name in sys.argv[1:]}
    for name, problems in found.items():
        for problem in problems:
            print(f"{name}: {problem}")
    failing = sum(1 for problems in found.values() if problems)
    noun = "PDF passes" if len(found) - failing == 1 else "PDFs pass"
    print(f"{len(found) - failing} of {len(found)} {noun} the PDF/UA and PDF/A rules checked here")
    sys.exit(1 if failing else 0)
