"""Tests of the Japanese line-breaking routine (禁則処理)."""

from __future__ import annotations

import math
import pickle
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formgen.linebreak import NO_LINE_END, NO_LINE_START, TooNarrow, break_paragraph, text_width


def adv(ch: str) -> float:
    """Fake font: full-width characters 10pt, everything else 5pt."""
    return 10.0 if unicodedata.east_asian_width(ch) in "WF" else 5.0


# The rule sets as the specification lists them, written out independently of the module.
RULE2 = (
    set("、。，．,.・：；:;？！?!‼⁇⁈⁉")
    | set("）」』】〕〉》〙〗］｝)]}〟’”")
    | set("ゝゞヽヾ々〻ー")
    | set("ぁぃぅぇぉっゃゅょゎゕゖ")
    | set("ァィゥェォッャュョヮヵヶ")
    | {chr(c) for c in range(0x31F0, 0x3200)}
    | set("％%‰℃°′″")
    | set("｡｣､･ｰ")
    | {chr(c) for c in range(0xFF67, 0xFF70)}
)
RULE3 = set("（「『【〔〈《〘〖［｛([{〝‘“") | set("＄￥$£€#＃")

HIRAGANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
KANJI = "事業目的成果評価施策市民参加予算年度人円件計画推進地域福祉第期"
ORDINARY = HIRAGANA + KATAKANA + KANJI + "0123456789" + "abcdefxyzABC" + "０１２ＡＢ" + "-/_&=@+" + "\u3000"
FORBIDDEN = "".join(sorted(RULE2 | RULE3))

PARAGRAPH = (
    "本市では、令和5年度から「地域福祉推進計画（第3期）」に基づき、高齢者の見守り活動や"
    "子育て支援の充実に取り組んでいます。R5年度の参加者は4,000人を超え、前年度比で"
    "12.5%増加しました。一方で、担い手の高齢化や『地域のつながり』の希薄化が課題となっており、"
    "今後は若い世代の参加を促す仕組みづくりが必要です。"
)
URL = "https://www.city.example.lg.jp/fukushi/keikaku.html"
PARAGRAPH_WITH_URL = PARAGRAPH + "詳しくは" + URL + "をご覧ください。"


def contents(lines: list[str], first: str = "", hang: str = "") -> list[str]:
    """The lines without their prefixes (checking that the prefixes are there)."""
    out = []
    for i, line in enumerate(lines):
        prefix = first if i == 0 else hang
        assert line.startswith(prefix), (i, line)
        out.append(line[len(prefix) :])
    return out


def offsets(text: str, parts: list[str]) -> list[int]:
    """Where each line starts in ``text``; asserts the documented round trip.

    Between lines only a run of U+0020 may be missing (the one before the
    break); at the very end, only the paragraph's trailing run of U+0020.
    """
    starts = []
    p = 0
    for i, part in enumerate(parts):
        if i > 0:
            assert not part.startswith(" "), f"continuation line {i} starts with a space: {part!r}"
        if i < len(parts) - 1:
            assert not part.endswith(" "), f"line {i} ends with a space before a break: {part!r}"
        assert text.startswith(part, p), f"line {i} {part!r} does not continue the text at {p}"
        starts.append(p)
        p += len(part)
        if i < len(parts) - 1:
            while p < len(text) and text[p] == " ":
                p += 1
    rest = text[p:]
    assert rest.strip(" ") == "", f"text lost after the last line: {rest!r}"
    return starts


def check(text: str, width: float, lines: list[str], first: str = "", hang: str = "") -> list[str]:
    """Assert rules 1 and 7 (width, prefixes, round trip); return the contents."""
    assert lines, "no lines returned"
    for line in lines:
        assert text_width(line, adv) <= width + 1e-6, f"{line!r} is wider than {width}"
    parts = contents(lines, first, hang)
    offsets(text, parts)
    tail = len(text) - len(text.rstrip(" "))
    if tail and text.strip(" "):
        # the paragraph's trailing spaces are kept whole if they fit, else dropped whole
        prefix = first if len(lines) == 1 else hang
        if parts[-1].endswith(" "):
            assert parts[-1].endswith(text[-tail:]) and not parts[-1].endswith(" " * (tail + 1))
        else:
            assert text_width(lines[-1] + " " * tail, adv) > width + 1e-6, "trailing spaces dropped though they fit"
            assert lines[-1].startswith(prefix)
    return parts


def check_kinsoku(parts: list[str]) -> None:
    """Assert rules 2 and 3 on the line contents."""
    for i, part in enumerate(parts):
        if i > 0:
            assert part, f"empty continuation line {i}"
            assert part[0] not in RULE2, f"line {i} starts with {part[0]!r}: {parts}"
        if i < len(parts) - 1:
            assert part, f"empty line {i}"
            assert part[-1] not in RULE3, f"line {i} ends with {part[-1]!r}: {parts}"


def assert_not_split(text: str, parts: list[str], token: str) -> None:
    """Assert that no line break falls inside any occurrence of ``token``."""
    starts = offsets(text, parts)
    assert token in text
    for at in _find_all(text, token):
        for b in starts[1:]:
            assert not at < b < at + len(token), f"{token!r} split at {b}: {parts}"


# --- the module's rule sets -------------------------------------------------------------


def test_rule_sets_cover_the_specification() -> None:
    assert RULE2 <= NO_LINE_START, sorted(RULE2 - NO_LINE_START)
    assert RULE3 <= NO_LINE_END, sorted(RULE3 - NO_LINE_END)
    assert not NO_LINE_START & NO_LINE_END


def test_text_width_sums_advances() -> None:
    assert text_width("", adv) == 0
    assert text_width("あa、,", adv) == 30.0


# --- exact cases ------------------------------------------------------------------------


def test_fills_lines_greedily() -> None:
    assert break_paragraph("あいうえおかきくけこさしすせそ", 50, adv) == ["あいうえお", "かきくけこ", "さしすせそ"]


def test_text_that_fits_is_one_line() -> None:
    assert break_paragraph("あいう", 50, adv) == ["あいう"]
    assert break_paragraph("あいう", 40, adv, first="・") == ["・あいう"]


def test_closing_marks_that_fit_stay_at_the_line_end() -> None:
    assert break_paragraph("あいう」。かきくけ", 50, adv) == ["あいう」。", "かきくけ"]


def test_closing_marks_push_the_preceding_character_to_the_next_line() -> None:
    # 追い出し: 」。 cannot start a line and must not hang past the width, so お goes down with them
    assert break_paragraph("あいうえお」。かき", 50, adv) == ["あいうえ", "お」。かき"]


def test_opening_bracket_goes_to_the_next_line() -> None:
    assert break_paragraph("あいうえ「お」", 50, adv) == ["あいうえ", "「お」"]


def test_nested_bracket_chain() -> None:
    text = "あいうえ「『かき』」。く"
    assert break_paragraph(text, 50, adv) == ["あいうえ", "「『か", "き』」。く"]


def test_small_kana_and_long_vowel_mark_do_not_start_a_line() -> None:
    assert break_paragraph("あいうえおっかき", 50, adv) == ["あいうえ", "おっかき"]
    assert break_paragraph("アイウエオーカキ", 50, adv) == ["アイウエ", "オーカキ"]


def test_numbers_and_units_are_kept_whole() -> None:
    text = "予算はR5年度の4,000人が参加した。"
    lines = break_paragraph(text, 50, adv)
    assert lines == ["予算は", "R5年度の", "4,000人が", "参加した。"]


def test_decimal_percentage_is_kept_whole() -> None:
    assert break_paragraph("前年度比で12.5%増加", 60, adv) == ["前年度比で", "12.5%増加"]


def test_ordinal_prefix_stays_with_its_number() -> None:
    assert break_paragraph("あいうえお第3期", 60, adv) == ["あいうえお", "第3期"]


def test_doubled_leaders_are_not_split() -> None:
    assert break_paragraph("あいうえ……かき", 45, adv) == ["あいうえ", "……かき"]


def test_combining_marks_stay_with_their_base() -> None:
    assert break_paragraph("か\u3099" * 5, 30, adv) == ["か\u3099"] * 5
    # even when kinsoku has to give way
    assert break_paragraph("「「「「か\u3099", 50, adv) == ["「「「「", "か\u3099"]


def test_latin_words_break_after_spaces_only() -> None:
    assert break_paragraph("This is a pen", 35, adv) == ["This is", "a pen"]
    assert break_paragraph("Excelで集計した", 50, adv) == ["Excelで集", "計した"]


def test_url_that_fits_on_its_own_line_is_moved_whole() -> None:
    text = "詳しくはhttps://example.jp/a?b=cをご覧ください。"
    assert break_paragraph(text, 130, adv) == ["詳しくは", "https://example.jp/a?b=cを", "ご覧ください。"]


def test_long_url_breaks_after_slashes() -> None:
    text = "https://example.jp/kikaku/seisaku/hyoka.html"
    assert break_paragraph(text, 100, adv) == ["https://example.jp/", "kikaku/seisaku/", "hyoka.html"]


def test_long_url_without_break_points_never_overflows() -> None:
    text = "https://" + "a" * 80
    lines = break_paragraph(text, 100, adv)
    assert lines == ["https://aaaaaaaaaaaa", "a" * 20, "a" * 20, "a" * 20, "a" * 8]


def test_overlong_word_breaks_avoid_kinsoku() -> None:
    # the unit is wider than any line, yet no line may start with ! or end with (
    assert break_paragraph("a" * 19 + "!!" + "b" * 20, 100, adv) == ["a" * 18, "a!!" + "b" * 17, "bbb"]
    assert break_paragraph("x" * 18 + "((" + "y" * 20, 100, adv) == ["x" * 18, "((" + "y" * 18, "yy"]


def test_url_too_long_for_any_line_fills_the_current_line() -> None:
    text = "参照：https://example.jp/" + "a" * 50
    lines = break_paragraph(text, 100, adv)
    assert lines == ["参照：https://", "example.jp/", "a" * 20, "a" * 20, "a" * 10]


def test_bullet_with_hanging_indent() -> None:
    lines = break_paragraph("事業の目的、成果を記入する。", 60, adv, first="・", hang="\u3000")
    assert lines == ["・事業の目", "\u3000的、成果を", "\u3000記入する。"]


def test_numbered_item_prefix() -> None:
    lines = break_paragraph("あいうえおかきくけこ", 65, adv, first="【1】", hang="\u3000\u3000")
    assert lines == ["【1】あいうえ", "\u3000\u3000おかきく", "\u3000\u3000けこ"]


def test_ideographic_space_is_never_dropped() -> None:
    assert break_paragraph("あいうえお\u3000かきくけこ", 50, adv) == ["あいうえお", "\u3000かきくけ", "こ"]


def test_spaces_at_a_break_are_dropped() -> None:
    assert break_paragraph("ab    cd", 15, adv) == ["ab", "cd"]
    assert break_paragraph("あいうえ   かきく", 50, adv) == ["あいうえ", "かきく"]


def test_leading_spaces_are_kept() -> None:
    assert break_paragraph("  abc", 50, adv) == ["  abc"]


def test_leading_spaces_that_leave_no_room_become_an_empty_line() -> None:
    # the spaces are "before a break", so they are dropped; the character fits on the next line
    assert break_paragraph("   あ", 12, adv) == ["", "あ"]


def test_paragraph_trailing_spaces_kept_only_if_they_fit() -> None:
    assert break_paragraph("abc  ", 25, adv) == ["abc  "]
    assert break_paragraph("abc  ", 15, adv) == ["abc"]


def test_empty_text() -> None:
    assert break_paragraph("", 50, adv) == [""]
    assert break_paragraph("", 50, adv, first="・", hang="\u3000") == ["・"]


def test_text_with_a_line_break_is_rejected() -> None:
    with pytest.raises(ValueError):
        break_paragraph("あ\nい", 50, adv)


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError):
        break_paragraph("あ\rい", 50, adv)
    with pytest.raises(ValueError):
        break_paragraph("あい", float("nan"), adv)
    with pytest.raises(ValueError):
        break_paragraph("あい", 50, lambda ch: -1.0)
    with pytest.raises(ValueError):
        break_paragraph("あいう", 50, lambda ch: math.nan if ch == "う" else 10.0)
    with pytest.raises(ValueError):
        break_paragraph("あい", 50, {"あ": 10.0, "い": math.nan})


def test_unlimited_width_gives_one_line() -> None:
    assert break_paragraph(PARAGRAPH, math.inf, adv) == [PARAGRAPH]


def test_float_widths_are_compared_with_tolerance() -> None:
    def tenth(ch: str) -> float:
        return 0.1

    # 0.1 + 0.1 + 0.1 == 0.30000000000000004 > 0.3
    assert break_paragraph("aaaaaaaaaa", 0.3, tenth) == ["aaa", "aaa", "aaa", "a"]


def test_advance_is_called_once_per_distinct_character() -> None:
    calls: list[str] = []

    def counting(ch: str) -> float:
        calls.append(ch)
        return adv(ch)

    text = PARAGRAPH * 10
    break_paragraph(text, 200, counting, first="・", hang="\u3000")
    assert len(calls) <= len(set(text)) + 2


def test_unbreakable_kinsoku_chain_is_forced_without_overflow() -> None:
    text = "あ" + "」" * 10
    lines = break_paragraph(text, 50, adv)
    check(text, 50, lines)
    assert lines == ["あ」」」」", "」」」」」", "」"]


# --- TooNarrow ---------------------------------------------------------------------------


def test_too_narrow_for_one_character() -> None:
    with pytest.raises(TooNarrow) as info:
        break_paragraph("aあ", 8, adv)
    assert info.value.char == "あ"
    assert info.value.width == 8.0
    assert isinstance(info.value, ValueError)


def test_too_narrow_after_the_first_prefix() -> None:
    with pytest.raises(TooNarrow) as info:
        break_paragraph("あいう", 15, adv, first="・")
    assert (info.value.char, info.value.width) == ("あ", 5.0)


def test_too_narrow_after_the_hanging_prefix() -> None:
    with pytest.raises(TooNarrow) as info:
        break_paragraph("あいう", 20, adv, hang="・・")
    assert (info.value.char, info.value.width) == ("う", 0.0)


def test_hanging_prefix_only_matters_when_a_continuation_line_is_needed() -> None:
    assert break_paragraph("あい", 20, adv, hang="・・・") == ["あい"]


def test_prefix_wider_than_the_line() -> None:
    with pytest.raises(TooNarrow) as info:
        break_paragraph("", 12, adv, first="【1】")
    assert (info.value.char, info.value.width) == ("1", 2.0)


def test_prefix_wider_than_the_line_with_text() -> None:
    with pytest.raises(TooNarrow) as info:
        break_paragraph("あ", 12, adv, first="【1】")
    assert (info.value.char, info.value.width) == ("1", 2.0)
    with pytest.raises(TooNarrow) as info:
        break_paragraph("あいう", 20, adv, hang="【1】")
    assert (info.value.char, info.value.width) == ("】", 5.0)


def test_exact_fit_is_not_too_narrow() -> None:
    assert break_paragraph("あああ", 10, adv) == ["あ", "あ", "あ"]


def test_too_narrow_pickles() -> None:
    err = pickle.loads(pickle.dumps(TooNarrow("あ", 5.0, 10.0)))
    assert (err.char, err.width, err.char_width) == ("あ", 5.0, 10.0)


# --- realistic text ----------------------------------------------------------------------


@pytest.mark.parametrize("width", [200.0, 333.3, 480.0])
def test_long_realistic_paragraph(width: float) -> None:
    text = PARAGRAPH * 10
    lines = break_paragraph(text, width, adv, first="・", hang="\u3000")
    parts = check(text, width, lines, "・", "\u3000")
    check_kinsoku(parts)
    for token in ("4,000人", "R5年度", "12.5%", "5年度", "第3期", "期）」", "す。"):
        assert_not_split(text, parts, token)
    # greedy: apart from the last line, each line is full up to the largest unbreakable unit
    # (（第3期）」 is 55pt) plus the one character that did not fit
    for line in lines[:-1]:
        assert text_width(line, adv) > width - 65, line
    assert len(lines) <= math.ceil(text_width(text, adv) / (width - 65 - 10)) + 1


def test_long_paragraph_with_urls() -> None:
    text = PARAGRAPH_WITH_URL * 10
    lines = break_paragraph(text, 300, adv)
    parts = check(text, 300, lines)
    check_kinsoku(parts)
    assert_not_split(text, parts, URL)
    assert sum(URL in part for part in parts) == 10


def test_long_paragraph_narrower_than_its_urls() -> None:
    text = PARAGRAPH_WITH_URL * 10
    lines = break_paragraph(text, 150, adv)
    parts = check(text, 150, lines)
    check_kinsoku(parts)
    starts = offsets(text, parts)
    inside = [b for b in starts if any(at < b < at + len(URL) for at in _find_all(text, URL))]
    assert len(inside) == 20  # each URL (255pt) is broken twice, ...
    assert all(text[b - 1] in "/." for b in inside)  # ... after its punctuation


def _find_all(text: str, token: str) -> list[int]:
    found = []
    at = text.find(token)
    while at >= 0:
        found.append(at)
        at = text.find(token, at + 1)
    return found


# --- properties --------------------------------------------------------------------------

# Realistic text: runs of at most 3 forbidden characters, each followed by ordinary text. Between
# two positions where a break keeps rules 2 and 3 there are then at most 4 characters (40pt), so
# with lines of 40pt or more kinsoku can always be kept and the rules must hold exactly.
ordinary = st.text(alphabet=ORDINARY, min_size=1, max_size=6)
forbidden_run = st.text(alphabet=FORBIDDEN, max_size=3)
spaces = st.text(alphabet=" ", max_size=3)
chunk = st.tuples(forbidden_run, ordinary, spaces, ordinary).map("".join)
japanese_like = st.lists(chunk, max_size=40).map("".join)
prefixes = st.sampled_from(["", "・", "\u3000", "【1】", "※ ", "  "])
widths = st.floats(min_value=40.0, max_value=600.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(text=japanese_like, width=widths)
def test_property_rules_hold(text: str, width: float) -> None:
    lines = break_paragraph(text, width, adv)
    parts = check(text, width, lines)
    check_kinsoku(parts)


@settings(max_examples=300, deadline=None)
@given(text=japanese_like, width=widths, first=prefixes, hang=prefixes)
def test_property_rules_hold_with_prefixes(text: str, width: float, first: str, hang: str) -> None:
    width += max(text_width(first, adv), text_width(hang, adv))
    lines = break_paragraph(text, width, adv, first=first, hang=hang)
    parts = check(text, width, lines, first, hang)
    check_kinsoku(parts)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=ORDINARY + FORBIDDEN + "     \u3099\ufe0f\u00a0…", max_size=300),
    width=st.floats(min_value=10.0, max_value=600.0, allow_nan=False),
    first=prefixes,
    hang=prefixes,
)
def test_property_any_text_never_overflows(text: str, width: float, first: str, hang: str) -> None:
    # unrestricted forbidden runs: kinsoku may have to give way, width and round trip may not
    width += max(text_width(first, adv), text_width(hang, adv))
    lines = break_paragraph(text, width, adv, first=first, hang=hang)
    check(text, width, lines, first, hang)


ASCII_FORBIDDEN = "".join(c for c in FORBIDDEN if c.isascii())
ascii_chunk = st.tuples(
    st.text(alphabet=ASCII_FORBIDDEN, max_size=3),
    st.text(alphabet="abcxyz019-/_&=", min_size=2, max_size=8),
).map("".join)
# one long Latin run (no spaces): every line break is an emergency break inside it
latin_run = st.lists(ascii_chunk, min_size=1, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=latin_run, width=widths)
def test_property_overlong_runs_still_keep_kinsoku(text: str, width: float) -> None:
    lines = break_paragraph(text, width, adv)
    parts = check(text, width, lines)
    check_kinsoku(parts)


CJK_FORBIDDEN = "".join(c for c in FORBIDDEN if ord(c) > 127)
kana_chunk = st.tuples(
    st.text(alphabet=CJK_FORBIDDEN, max_size=3),
    st.text(alphabet=HIRAGANA + KANJI[:10], min_size=2, max_size=6),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(kana_chunk, max_size=40).map("".join), width=widths)
def test_property_lines_are_filled_greedily(text: str, width: float) -> None:
    # In pure kana/kanji text every position is a break opportunity unless rule 2 or 3 forbids it,
    # so no line may be extended by a prefix of the next line that ends at an allowed position.
    lines = break_paragraph(text, width, adv)
    parts = check(text, width, lines)
    for i in range(len(parts) - 1):
        following = "".join(parts[i + 1 :])
        for j in range(1, min(len(following), 200)):
            if text_width(parts[i] + following[:j], adv) > width + 1e-6:
                break
            allowed = following[j - 1] not in RULE3 and following[j] not in RULE2
            assert not allowed, f"line {i} {parts[i]!r} could also hold {following[:j]!r}"


def test_a_mapping_of_advances_breaks_as_the_function_does() -> None:
    """The composer hands over a mapping (looked up per character, in C): same lines as a function."""
    table = {c: adv(c) for c in PARAGRAPH + "・\u3000"}
    for width in (50, 120, 200, 333):
        assert break_paragraph(PARAGRAPH, width, table, first="・", hang="\u3000") == break_paragraph(
            PARAGRAPH, width, adv, first="・", hang="\u3000"
        )
    with pytest.raises(ValueError):
        break_paragraph("あい", 50, {"あ": 10.0, "い": -1.0})


def test_a_functions_widths_are_taken_as_floats() -> None:
    """A function may give ints or Decimals (an outside caller's): they are summed as floats."""
    from decimal import Decimal

    assert break_paragraph("あいうえおかき", 35, lambda ch: Decimal(10)) == ["あいう", "えおか", "き"]
    assert break_paragraph("あいうえおかき", 35, lambda ch: 10) == ["あいう", "えおか", "き"]
