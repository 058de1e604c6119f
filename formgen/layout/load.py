"""Read a layout file, check it against itself and the fonts folder, resolve its styles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import FontError, LayoutError, Place, did_you_mean, shown
from ..fonts import FontFace, read_face
from ..plan import BORDER_WIDTH_PT, CellStyle, FontPlan
from ..validation import validate
from ..yamlsource import Loc, Source, load_yaml, read_input
from .bind import Binding, check_bindings
from .images import BadPicture, Picture, read_picture
from .model import (
    MM,
    PLACEHOLDER,
    FieldsBlock,
    HeadingBlock,
    Layout,
    LogicModelBlock,
    NoteBlock,
    Style,
    TableBlock,
    TextBlock,
)
from .rows import RowAt, cells_of, expand_rows

DEFAULT_STYLE = Style(
    font=None,
    size=9,
    bold=False,
    color="000000",
    fill="none",
    border="none",
    align="left",
    valign="top",
    padding=(0.8, 1.2),
    line_height=1.3,
    min_height=0,
)


@dataclass
class LoadedLayout:
    """A checked layout with everything the composer needs resolved."""

    path: Path
    source: Source
    layout: Layout
    styles: dict[str, CellStyle]
    faces: dict[tuple[str, bool], FontFace]
    """(family, bold) → face"""
    fonts: dict[str, FontPlan]
    digest: str
    """sha256 of the layout file as read (with the fonts' digests, what shapes the output)"""
    binding: Binding
    """what the layout is laid out over, with the project's texts and words"""
    images: dict[str, Picture] = field(default_factory=dict)
    """the pictures the layout places, by the name it gives them"""
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    """the composer's memory for this layout (measured lines), kept for every record it lays out"""
    _places: dict[Loc, Place] = field(default_factory=dict, repr=False)

    def face(self, style: CellStyle) -> FontFace:
        return self.faces[(style.font, style.bold)]

    def place(self, loc: Loc) -> Place:
        """Where ``loc`` is in the layout file. Every cell of every record asks for its place
        (for the messages it might need), so each is worked out once."""
        found = self._places.get(loc)
        if found is None:
            found = self._places[loc] = self.source.place(loc)
        return found


def load_layout(
    path: Path, fonts_dir: Path, binding: Binding, display: str | None = None, assets_dir: Path | None = None
) -> LoadedLayout:
    """Read and check a layout; ``binding`` says what it is laid out over (every field it names is
    checked against it), pictures come from ``assets_dir`` (default: assets beside the layouts
    folder). Every problem is raised at once as a LayoutError with its line."""
    raw = read_input(path, LayoutError, display)
    source = load_yaml(path, LayoutError, display, partial=True, raw=raw)
    layout = validate(Layout, replace(source, data=_floats(source.data)), LayoutError)
    problems: list[tuple[Loc, str]] = []
    styles = _resolve_styles(layout, problems)
    faces, fonts = _load_fonts(layout, fonts_dir, problems)
    problems.extend(_check_references(layout, styles))
    problems.extend(_check_sheet_names(layout))
    problems.extend(_check_geometry(layout))
    problems.extend(check_braces(source.data))
    problems.extend(check_bindings(layout, binding))
    images = _read_pictures(layout, assets_dir or path.parent.parent / "assets", problems)
    if problems:
        issues = [source.issue(loc, message) for loc, message in dict.fromkeys(problems)]
        raise LayoutError(sorted(issues, key=lambda issue: issue.line or 0))
    digest = hashlib.sha256(raw).hexdigest()
    return LoadedLayout(path, source, layout, styles, faces, fonts, digest, binding, images)


def _read_pictures(layout: Layout, assets: Path, problems: list[tuple[Loc, str]]) -> dict[str, Picture]:
    """Every picture the layout places, read once however often it is placed."""
    pictures: dict[str, Picture] = {}
    for _, rows in row_groups(layout):
        for row in rows:
            for cell_loc, cell, _ in cells_of(row):
                if cell.image is None or cell.image in pictures:
                    continue
                try:
                    pictures[cell.image] = read_picture(assets, cell.image)
                except BadPicture as exc:
                    problems.append((cell_loc + ("image",), str(exc)))
    return pictures


def _floats(value: Any) -> Any:
    """Decimals as floats: a layout's numbers are measures (mm, pt), held as floats."""
    if isinstance(value, dict):
        return {key: _floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats(item) for item in value]
    return float(value) if isinstance(value, Decimal) else value


_LITERAL_TEXTS = {"name", "missing", "mark", "bullet", "format", "number_format"}
"""layout fields printed as written, not filled from the record (a sheet's name, 「-」 for none)"""


def check_braces(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Templates whose ``{`` or ``}`` is not part of a placeholder: it would print literally."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _LITERAL_TEXTS:
                yield from check_braces(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from check_braces(item, loc + (i,))
    elif isinstance(value, str):
        rest = PLACEHOLDER.sub("", value)
        if "{" in rest or "}" in rest:
            yield loc, f"{shown(value)} has a {{ or }} that closes no placeholder; write {{{{ or }}}} to print one"


# --------------------------------------------------------------------------- styles


def _resolve_styles(layout: Layout, problems: list[tuple[Loc, str]]) -> dict[str, CellStyle]:
    first_family = next(iter(layout.fonts))
    resolved: dict[str, Style] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> Style | None:
        if name in resolved:
            return resolved[name]
        spec = layout.styles[name]
        parent_name = spec.parent or ("base" if name != "base" and "base" in layout.styles else None)
        parent: Style | None
        if parent_name is None:
            parent = DEFAULT_STYLE.model_copy(update={"font": first_family})
        elif parent_name not in layout.styles:
            problems.append((("styles", name, "parent"), f"there is no style named {shown(parent_name)}"))
            return None
        elif parent_name in chain:
            problems.append(
                (
                    ("styles", name, "parent"),
                    "styles inherit from each other in a circle: " + " → ".join(chain + (parent_name,)),
                )
            )
            return None
        else:
            parent = resolve(parent_name, chain + (parent_name,))
            if parent is None:
                return None
        own = spec.model_dump(exclude_none=True, exclude={"parent"})
        if "border" in own:  # a style's own border replaces the edges it inherited
            edges = ("border_top", "border_right", "border_bottom", "border_left")
            own.update({edge: None for edge in edges if edge not in own})
        merged = parent.model_copy(update=own)
        resolved[name] = merged
        return merged

    out: dict[str, CellStyle] = {}
    for name in layout.styles:
        style = resolve(name, (name,))
        if style is None:
            continue
        if style.font not in layout.fonts:
            problems.append(((("styles", name, "font")), f"there is no font family named {shown(style.font)} in fonts"))
            continue
        if style.bold and layout.fonts[style.font].bold is None:
            # without a bold file the PDF draws regular; the workbook must not embolden either
            style = style.model_copy(update={"bold": False})
        out[name] = _cell_style(name, style)
    return out


def _cell_style(name: str, s: Style) -> CellStyle:
    edge = lambda e: getattr(s, f"border_{e}") or s.border or "none"  # noqa: E731
    pad = s.padding if s.padding is not None else 0
    pad_v, pad_h = pad if isinstance(pad, tuple) else (pad, pad)
    size = float(s.size or 9)
    borders = tuple(edge(e) for e in ("top", "right", "bottom", "left"))
    return CellStyle(
        name=name,
        font=s.font or "",
        bold=bool(s.bold),
        size=size,
        color=s.color or "000000",
        fill=None if s.fill in (None, "none") else s.fill,
        borders=borders,  # type: ignore[arg-type]
        align=s.align or "left",
        valign=s.valign or "top",
        pad_v=pad_v * MM + max(BORDER_WIDTH_PT[b] for b in borders) / 2,
        pad_h=pad_h * MM,
        leading=size * (s.line_height or 1.3),
        number_format=s.number_format,
        min_height=(s.min_height or 0) * MM,
    )


# --------------------------------------------------------------------------- fonts


def _load_fonts(
    layout: Layout, fonts_dir: Path, problems: list[tuple[Loc, str]]
) -> tuple[dict[tuple[str, bool], FontFace], dict[str, FontPlan]]:
    faces: dict[tuple[str, bool], FontFace] = {}
    plans: dict[str, FontPlan] = {}
    for family, spec in layout.fonts.items():
        loaded: dict[str, FontFace] = {}
        for key in ("regular", "bold"):
            filename = getattr(spec, key)
            if filename is None:
                continue
            path = fonts_dir / filename
            if Path(filename).name != filename:
                problems.append((("fonts", family, key), "give a file name in the fonts folder, not a path"))
                continue
            try:
                loaded[key] = read_face(path)
            except FontError as exc:
                problems.append((("fonts", family, key), str(exc)))
        if "regular" not in loaded:
            continue
        faces[(family, False)] = loaded["regular"]
        faces[(family, True)] = loaded.get("bold", loaded["regular"])
        plans[family] = FontPlan(
            family=loaded["regular"].family,
            regular=str(loaded["regular"].path),
            bold=str(loaded["bold"].path) if "bold" in loaded else None,
        )
    return faces, plans


# --------------------------------------------------------------------------- references and geometry


TABLE_PARTS = ("header", "group", "group_continued", "row", "group_total", "total", "empty")
"""the rows lists of a table, in the order they print"""


def row_groups(layout: Layout) -> Iterator[tuple[int, list[RowAt]]]:
    """Every group of rows in the layout (rows that cells may span), with its sheet index."""
    for s, sheet in enumerate(layout.sheets):
        base: Loc = ("sheets", s)
        if sheet.title_rows:
            yield s, expand_rows(sheet.title_rows, base + ("title_rows",))
        for b, block in enumerate(sheet.blocks):
            loc = base + ("blocks", b)
            if isinstance(block, FieldsBlock):
                yield s, expand_rows(block.rows, loc + ("rows",))
            elif isinstance(block, TableBlock):
                for part in TABLE_PARTS:
                    if rows := getattr(block, part):
                        yield s, expand_rows(rows, loc + (part,))
            elif isinstance(block, LogicModelBlock):
                for part in ("title", "header"):
                    if rows := getattr(block, part):
                        yield s, expand_rows(rows, loc + (part,))
                yield s, [RowAt(loc + ("columns",), list(block.columns))]  # one row, written as a list of cells


def _check_references(layout: Layout, styles: dict[str, CellStyle]) -> Iterator[tuple[Loc, str]]:
    def style_ref(loc: Loc, name: str) -> Iterator[tuple[Loc, str]]:
        if name not in layout.styles:
            meant = did_you_mean(name, layout.styles)
            yield loc, f"there is no style named {shown(name)}{meant} (styles: {', '.join(layout.styles)})"

    for part in ("header", "footer"):
        yield from style_ref(("page", part, "style"), getattr(layout.page, part).style)
    for _, rows in row_groups(layout):
        for row in rows:
            for cell_loc, cell, _ in cells_of(row):
                yield from style_ref(cell_loc + ("style",), cell.default_style())
    for s, sheet in enumerate(layout.sheets):
        for b, block in enumerate(sheet.blocks):
            loc: Loc = ("sheets", s, "blocks", b)
            if isinstance(block, (HeadingBlock, NoteBlock, TextBlock)):
                yield from style_ref(loc + ("style",), block.style)
            if isinstance(block, TextBlock) and block.label is not None:
                yield from style_ref(loc + ("label_style",), block.label_style)
                if block.label_position == "left" and block.label_span >= len(sheet.columns):
                    yield (
                        loc + ("label_span",),
                        f"leaves no room for the text: the sheet has {len(sheet.columns)} columns",
                    )


def _check_sheet_names(layout: Layout) -> Iterator[tuple[Loc, str]]:
    first_of: dict[str, int] = {}
    for s, sheet in enumerate(layout.sheets):
        first = first_of.setdefault(sheet.name.casefold(), s)
        if first != s:
            yield (
                ("sheets", s, "name"),
                f"sheets[{first}] is named {shown(layout.sheets[first].name)} already; worksheet names must be unique",
            )


def _check_geometry(layout: Layout) -> Iterator[tuple[Loc, str]]:
    width_mm, height_mm = layout.page.size_mm()
    m = layout.page.margins
    body_w = width_mm - m.left - m.right
    if body_w <= 0 or height_mm - m.top - m.bottom <= 20:
        yield ("page", "margins"), "the margins leave no room on the page"
        return
    for s, sheet in enumerate(layout.sheets):
        total = sum(sheet.columns)
        if total > body_w + 0.01:
            yield (
                ("sheets", s, "columns"),
                f"the columns add up to {total:g} mm but the page has {body_w:g} mm between the margins",
            )
    widths: dict[int, list[tuple[Loc, int]]] = {}
    for s, rows in row_groups(layout):
        measured, overlong = _row_widths(rows)
        yield from overlong
        widths.setdefault(s, []).extend(measured)
    for s, measured in widths.items():
        yield from _check_widths(s, measured, len(layout.sheets[s].columns))


def _row_widths(rows: list[RowAt]) -> tuple[list[tuple[Loc, int]], list[tuple[Loc, str]]]:
    """Each row's width in columns, counting cells that span down into it; and each cell that
    spans past its group (counted in the rows there are)."""
    carried = [0] * len(rows)  # columns covered by cells from rows above
    widths: list[tuple[Loc, int]] = []
    overlong: list[tuple[Loc, str]] = []
    for r, row in enumerate(rows):
        width = carried[r]
        for cell_loc, cell, count in cells_of(row):
            width += cell.span * count
            if r + cell.rows > len(rows):
                message = f"spans {cell.rows} rows but only {len(rows) - r} rows follow in this group"
                overlong.append((cell_loc + ("rows",), message))
            for below in range(r + 1, min(r + cell.rows, len(rows))):
                carried[below] += cell.span * count
        widths.append((row.loc, width))
    return widths, overlong


def _check_widths(sheet: int, rows: list[tuple[Loc, int]], ncols: int) -> Iterator[tuple[Loc, str]]:
    """Each row must cover the sheet's columns exactly. When every row covers the same other
    number, the columns changed, not the rows: said once, where the columns are."""
    wrong = [(loc, width) for loc, width in rows if width != ncols]
    if len(rows) > 1 and len(wrong) == len(rows) and len({width for _, width in wrong}) == 1:
        width = wrong[0][1]
        yield (
            ("sheets", sheet, "columns"),
            f"the sheet has {ncols} columns, but each of its {len(rows)} rows covers {width}: "
            f"give the sheet {width} columns, or change the rows' spans to cover {ncols}",
        )
        return
    for loc, width in wrong:
        yield loc, f"the cells of this row cover {width} columns; the sheet has {ncols}"
