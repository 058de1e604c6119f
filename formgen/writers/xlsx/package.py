"""The workbook's package: the parts that list and describe the sheets and the workbook.

Part names and their order are fixed, so the same plan gives the same bytes
(reproducible builds); container.py zips them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files

from .grid import SharedStrings
from .xml import HEAD, RELATIONSHIPS, attribute, sheet_reference, text

THEME = files(__package__).joinpath("theme1.xml").read_bytes()
"""Office's default theme, as XlsxWriter writes it: the Normal style's font colour refers to it"""
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument."


@dataclass
class SheetEntry:
    """A sheet as the workbook lists it."""

    name: str
    print_area: str = ""
    """absolute range, e.g. $A$1:$AL$78 (none on the charts' hidden data sheet)"""
    title_rows: int = 0
    hidden: bool = False


@dataclass
class Properties:
    title: str
    subject: str
    author: str
    keywords: str
    created: datetime


@dataclass
class Package:
    """What the package's own parts (content types, relationships, properties) list."""

    sheets: list[SheetEntry] = field(default_factory=list)
    charts: int = 0
    drawings: int = 0
    image_types: list[str] = field(default_factory=list)
    """extensions of the pictures' types, in the order first used"""


def defined_names(sheets: list[SheetEntry]) -> list[tuple[str, int, str]]:
    """Print areas and print titles, sorted by name and then sheet as Excel lists them."""
    names = []
    for index, sheet in enumerate(sheets):
        quoted = sheet_reference(sheet.name)
        if sheet.print_area:
            names.append(("_xlnm.Print_Area", index, f"{quoted}!{sheet.print_area}"))
        if sheet.title_rows:
            names.append(("_xlnm.Print_Titles", index, f"{quoted}!$1:${sheet.title_rows}"))
    return sorted(names, key=lambda n: n[0].replace("_xlnm.", "").lower() + "::" + n[2].lstrip("'").lower())


def workbook_xml(sheets: list[SheetEntry]) -> str:
    listed = "".join(
        f'<sheet name="{attribute(s.name)}" sheetId="{i}"'
        + (' state="hidden"' if s.hidden else "")
        + f' r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    names = defined_names(sheets)
    defined = "".join(f'<definedName name="{n}" localSheetId="{i}">{text(r)}</definedName>' for n, i, r in names)
    return (
        f'{HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{RELATIONSHIPS}">'
        '<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>'
        '<workbookPr defaultThemeVersion="124226"/><bookViews><workbookView xWindow="240" yWindow="15" '
        'windowWidth="16095" windowHeight="9660"/></bookViews>'
        f"<sheets>{listed}</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def app_xml(sheets: list[SheetEntry]) -> str:
    named = [r.split("!")[0] + "!" + n.replace("_xlnm.", "") for n, _, r in defined_names(sheets)]
    pairs = [("Worksheets", len(sheets)), ("Named Ranges", len(named))]
    pairs = [(name, count) for name, count in pairs if count]
    heading = "".join(
        f"<vt:variant><vt:lpstr>{name}</vt:lpstr></vt:variant><vt:variant><vt:i4>{count}</vt:i4></vt:variant>"
        for name, count in pairs
    )
    parts = [s.name for s in sheets] + named
    titles = "".join(f"<vt:lpstr>{text(p)}</vt:lpstr>" for p in parts)
    return (
        f'{HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        f'<HeadingPairs><vt:vector size="{2 * len(pairs)}" baseType="variant">{heading}</vt:vector></HeadingPairs>'
        f'<TitlesOfParts><vt:vector size="{len(parts)}" baseType="lpstr">{titles}</vt:vector></TitlesOfParts>'
        "<Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>"
    )


def core_xml(p: Properties) -> str:
    when = p.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text(p.title)}</dc:title><dc:subject>{text(p.subject)}</dc:subject>"
        f"<dc:creator>{text(p.author)}</dc:creator><cp:keywords>{text(p.keywords)}</cp:keywords>"
        f"<cp:lastModifiedBy>{text(p.author)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>'
    )


def shared_strings_xml(strings: SharedStrings) -> str:
    items = []
    for value in strings.index:
        escaped = text(value)
        space = ' xml:space="preserve"' if escaped[:1].isspace() or escaped[-1:].isspace() else ""
        items.append(f"<si><t{space}>{escaped}</t></si>")
    return (
        f'{HEAD}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{strings.uses}" '
        f'uniqueCount="{len(strings.index)}">' + "".join(items) + "</sst>"
    )


def content_types_xml(package: Package, strings: bool) -> str:
    defaults = [("rels", "application/vnd.openxmlformats-package.relationships+xml"), ("xml", "application/xml")]
    defaults += [(ext, f"image/{ext}") for ext in package.image_types]
    overrides = [
        ("/docProps/app.xml", _TYPES + "extended-properties+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/xl/styles.xml", _TYPES + "spreadsheetml.styles+xml"),
        ("/xl/theme/theme1.xml", _TYPES + "theme+xml"),
        ("/xl/workbook.xml", _TYPES + "spreadsheetml.sheet.main+xml"),
    ]
    overrides += [
        (f"/xl/worksheets/sheet{i}.xml", _TYPES + "spreadsheetml.worksheet+xml")
        for i in range(1, len(package.sheets) + 1)
    ]
    overrides += [(f"/xl/charts/chart{i}.xml", _TYPES + "drawingml.chart+xml") for i in range(1, package.charts + 1)]
    overrides += [(f"/xl/drawings/drawing{i}.xml", _TYPES + "drawing+xml") for i in range(1, package.drawings + 1)]
    if strings:
        overrides.append(("/xl/sharedStrings.xml", _TYPES + "spreadsheetml.sharedStrings+xml"))
    return (
        f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in defaults)
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )


def relationships(targets: list[tuple[str, str]]) -> str:
    """A .rels part: (type, target) pairs numbered rId1, rId2, …"""
    listed = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>' for i, (kind, target) in enumerate(targets, 1)
    )
    return f'{HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{listed}</Relationships>'


ROOT_RELS = relationships(
    [
        (f"{RELATIONSHIPS}/officeDocument", "xl/workbook.xml"),
        (f"{_PACKAGE_RELS}/metadata/core-properties", "docProps/core.xml"),
        (f"{RELATIONSHIPS}/extended-properties", "docProps/app.xml"),
    ]
)


def workbook_rels(package: Package, strings: bool) -> str:
    targets = [(f"{RELATIONSHIPS}/worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(package.sheets) + 1)]
    targets += [(f"{RELATIONSHIPS}/theme", "theme/theme1.xml"), (f"{RELATIONSHIPS}/styles", "styles.xml")]
    if strings:
        targets.append((f"{RELATIONSHIPS}/sharedStrings", "sharedStrings.xml"))
    return relationships(targets)


def drawing_rels(drawing: int) -> str:
    """A sheet's relationship to its drawing."""
    return relationships([(f"{RELATIONSHIPS}/drawing", f"../drawings/drawing{drawing}.xml")])
