"""formgen reads TrueType files and subsets them with HarfBuzz; fontTools checks both."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import GlyphComponent

from conftest import FONTS
from formgen.errors import FontError
from formgen.fonts import glyph_problem, read_face
from formgen.writers.pdf.subset import subset

SHIPPED = sorted(FONTS.glob("*.ttf"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_metrics_and_character_map_match_fonttools(path: Path) -> None:
    face = read_face(path)
    reference = TTFont(str(path), lazy=True)
    order = {name: gid for gid, name in enumerate(reference.getGlyphOrder())}
    cmap = {cp: order[name] for cp, name in reference.getBestCmap().items()}
    asked = sorted(set(range(0x10000)) | set(cmap))  # every character of the BMP, and the font's
    assert [face.glyph_id(cp) for cp in asked] == [cmap.get(cp, 0) for cp in asked]
    glyphs = reference.getGlyphOrder()
    assert [face.advance(gid) for gid in range(len(glyphs))] == [reference["hmtx"].metrics[n][0] for n in glyphs]
    assert face.family == reference["name"].getBestFamilyName()
    assert face.postscript_name == reference["name"].getDebugName(6)
    assert face.units_per_em == reference["head"].unitsPerEm
    assert face.bold == ("Bold" in path.name)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_subset_keeps_outlines_and_widths_without_hinting(path: Path) -> None:
    face = read_face(path)
    text = "令和7年度 施策評価票 あいう ABC 123 、。「」𩸽"
    gids = sorted({face.glyph_id(ord(ch)) for ch in text})
    data, new_id = subset(path, gids)
    small = TTFont(io.BytesIO(data))
    big = TTFont(str(path), lazy=True)
    assert small["maxp"].numGlyphs == len(new_id) == len(gids) + 1  # and .notdef
    big_order, small_order = big.getGlyphOrder(), small.getGlyphOrder()
    for old in gids:
        new = new_id[old]
        a, b = big["glyf"][big_order[old]], small["glyf"][small_order[new]]
        coords_a, ends_a, flags_a = a.getCoordinates(big["glyf"])
        coords_b, ends_b, flags_b = b.getCoordinates(small["glyf"])
        assert list(coords_a) == list(coords_b) and ends_a == ends_b
        assert [f & 1 for f in flags_a] == [f & 1 for f in flags_b]  # on/off-curve points
        assert small["hmtx"][small_order[new]] == big["hmtx"][big_order[old]]
        assert not getattr(b, "program", None) or not b.program.getBytecode()
    assert len(data) < 0.02 * path.stat().st_size


def _font_with_a_composite(tmp_path: Path) -> Path:
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A", "acute", "Aacute"])
    builder.setupCharacterMap({0x41: "A", 0xB4: "acute", 0xC1: "Aacute"})

    def triangle(points: list[tuple[int, int]]):  # noqa: ANN202
        pen = TTGlyphPen(None)
        pen.moveTo(points[0])
        for point in points[1:]:
            pen.lineTo(point)
        pen.closePath()
        return pen.glyph()

    base = [(0, 0), (500, 0), (250, 700)]
    builder.setupGlyf(
        {
            ".notdef": triangle(base),
            "A": triangle(base),
            "acute": triangle([(200, 750), (300, 750), (320, 850)]),
            "Aacute": triangle(base),
        }
    )
    glyf = builder.font["glyf"]
    composite = glyf["Aacute"]
    composite.numberOfContours = -1
    composite.components = []
    for name, dx in (("A", 0), ("acute", 50)):
        component = GlyphComponent()
        component.glyphName, component.x, component.y, component.flags = name, dx, 0, 0
        composite.components.append(component)
    for attr in ("coordinates", "endPtsOfContours", "flags"):
        if hasattr(composite, attr):
            delattr(composite, attr)
    builder.setupHorizontalMetrics({n: (500, 0) for n in (".notdef", "A", "acute", "Aacute")})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Composite Test", "styleName": "Regular"})
    builder.setupOS2(usWinAscent=900, usWinDescent=200)
    builder.setupPost()
    path = tmp_path / "Composite.ttf"
    builder.save(str(path))
    return path


def test_composite_glyphs_bring_their_components(tmp_path: Path) -> None:
    path = _font_with_a_composite(tmp_path)
    face = read_face(path)
    data, new_id = subset(path, [face.glyph_id(0xC1)])
    assert set(new_id) == {0, face.glyph_id(0x41), face.glyph_id(0xB4), face.glyph_id(0xC1)}
    small = TTFont(io.BytesIO(data))
    big = TTFont(str(path))
    order = small.getGlyphOrder()
    glyph = small["glyf"][order[new_id[face.glyph_id(0xC1)]]]
    assert glyph.isComposite()
    coords_small, _, _ = glyph.getCoordinates(small["glyf"])
    coords_big, _, _ = big["glyf"]["Aacute"].getCoordinates(big["glyf"])
    assert list(coords_small) == list(coords_big)


def test_collections_and_garbage_are_refused(tmp_path: Path) -> None:
    collection = tmp_path / "x.ttc"
    collection.write_bytes(b"ttcf" + b"\0" * 64)
    with pytest.raises(FontError, match="collections"):
        read_face(collection)
    garbage = tmp_path / "x.ttf"
    garbage.write_bytes(b"not a font at all")
    with pytest.raises(FontError, match="not a TrueType font"):
        read_face(garbage)


def test_a_font_changed_on_disk_is_read_again(tmp_path: Path) -> None:
    """Faces are remembered by content: replacing the file's bytes gives the new font's metrics."""
    path = tmp_path / "form.ttf"
    shutil.copy(FONTS / "BIZUDGothic-Regular.ttf", path)
    before = read_face(path)
    assert read_face(path) is before  # the same bytes: read once
    shutil.copy(FONTS / "BIZUDGothic-Bold.ttf", path)
    after = read_face(path)
    assert after.bold and not before.bold
    assert after.digest != before.digest
    assert after.postscript_name == "BIZUDGothic-Bold"


def test_characters_are_checked_once_one_measured_cannot_be_printed(tmp_path: Path) -> None:
    """The composer skips asking the font about each character until a character it measured
    cannot be printed; from then on every paragraph is checked, its prefixes too."""
    from formgen.compose.measure import Measurer, Unprintable

    face = read_face(_copy_of_gothic(tmp_path))  # a face of its own: nothing measured yet
    measurer = Measurer(None)  # type: ignore[arg-type]  # lines() needs no layout
    assert measurer.lines(face, 10.5, 100, "・", "新しいまち", "\u3000") == ["・新しいまち"]
    assert face.measured_printable()
    with pytest.raises(Unprintable, match="U\\+1F600"):
        measurer.lines(face, 10.5, 100, "", "新しい\U0001f600まち", "")
    assert not face.measured_printable()
    with pytest.raises(Unprintable, match="U\\+200B"):
        measurer.lines(face, 10.5, 30, "", "あいうえおかきくけこさしすせそ", "\u200b")  # the hang of a long one
    with pytest.raises(Unprintable, match="U\\+000D"):  # a break the line breaker refuses: named as a character
        measurer.lines(face, 10.5, 30, "", "あいうえお\rかきくけこさしすせそ", "")


def test_a_character_mapped_past_the_fonts_glyphs_is_not_in_it(tmp_path: Path) -> None:
    """A damaged font whose character map names glyphs it does not have (maxp cut to 5,000 of
    13,932 glyphs): those characters are refused, not printed as the empty .notdef glyph."""
    data = bytearray((FONTS / "BIZUDGothic-Regular.ttf").read_bytes())
    tables = int.from_bytes(data[4:6], "big")
    for entry in range(12, 12 + 16 * tables, 16):
        if data[entry : entry + 4] == b"maxp":
            offset = int.from_bytes(data[entry + 8 : entry + 12], "big")
            data[offset + 4 : offset + 6] = (5000).to_bytes(2, "big")  # numGlyphs
    damaged = tmp_path / "damaged.ttf"
    damaged.write_bytes(bytes(data))
    face = read_face(damaged)
    reference = TTFont(str(FONTS / "BIZUDGothic-Regular.ttf"), lazy=True)
    order = {name: gid for gid, name in enumerate(reference.getGlyphOrder())}
    high = next(ch for cp, name in reference.getBestCmap().items() if order[name] >= 5000 and (ch := chr(cp)))
    assert face.glyph_id(ord(high)) == 0 and not face.has(high)
    problem = glyph_problem(face, f"新{high}")
    assert problem is not None and f"U+{ord(high):04X}" in problem and "not in the font" in problem
    assert face.glyph_id(ord("A")) != 0  # a character whose glyph it has


def _copy_of_gothic(tmp_path: Path) -> Path:
    copy = tmp_path / "gothic.ttf"
    shutil.copy(FONTS / "BIZUDGothic-Regular.ttf", copy)
    return copy
