"""Japanese line breaking (禁則処理) for table cells and PDF text.

Row heights in the workbook and the lines drawn in the PDF must agree to the
character, so both ask this one routine where a paragraph breaks instead of
each measuring text its own way.

Dropped spaces (the only characters ever removed from the text):

* At every line break, the run of ordinary spaces (U+0020) immediately before
  the break is removed from the end of the line and does not count towards
  its width. Breaks are never placed before a U+0020, so continuation lines
  never start with one.
* The paragraph's own trailing run of U+0020 is kept on the last line if the
  line fits with it, and removed otherwise.

Nothing else is dropped: U+3000 and every other character, and the prefixes
``first`` and ``hang``, are always kept.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Mapping
from itertools import accumulate

from .memo import Table, Widths

__all__ = ["NO_LINE_END", "NO_LINE_START", "TooNarrow", "break_paragraph", "text_width"]

Advance = Callable[[str], float] | Mapping[str, float]
"""a character's advance in points: a function (called once per distinct character) or a
mapping (looked up per character, in C). The composer's is a :class:`formgen.memo.Widths` of a
font's advances, never negative: it is not checked again for each paragraph (a fifth of the
breaking of a long one); any other mapping and every function's widths are."""

#: Characters that must not start a continuation line (行頭禁則).
NO_LINE_START: frozenset[str] = frozenset(
    "、。，．,.・：；:;？！?!‼⁇⁈⁉"
    "）」』】〕〉》〙〗］｝)]}〟’”"
    "ゝゞヽヾ々〻ー゛゜"
    "ぁぃぅぇぉっゃゅょゎゕゖ"
    "ァィゥェォッャュョヮヵヶ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "％%‰℃°′″"
    "｡｣､･ｰｧｨｩｪｫｬｭｮｯ"
)

#: Characters that must not end a line (行末禁則).
NO_LINE_END: frozenset[str] = frozenset("（「『【〔〈《〘〖［｛([{〝‘“｢＄￥$£€#＃")

# Characters that belong inside a run of Latin letters and digits
# (URLs, numbers such as 4,000 or 57.3%, e-mail addresses, dates like 2025/4/1).
_JOINERS = frozenset(".,:;/\\-_~%&?!=#@+*$^|'\"，．／－")

# Inside an unbreakable run, emergency breaks preferably go after these.
_SOFT_AFTER = frozenset("/?&-.,=_~／－，．")

# Units and counters that stay attached to a preceding number (longest match).
_UNITS: tuple[str, ...] = (
    "人",
    "件",
    "年",
    "円",
    "名",
    "回",
    "歳",
    "日",
    "月",
    "時",
    "分",
    "秒",
    "世帯",
    "千円",
    "万円",
    "億円",
    "百万円",
    "兆円",
    "周年",
    "年度",
    "年間",
    "件数",
    "人数",
    "団体",
    "地区",
    "事業",
    "施設",
    "校",
    "社",
    "個",
    "台",
    "箇所",
    "か所",
    "ヶ所",
    "ヵ所",
    "カ所",
    "か月",
    "ヶ月",
    "ヵ月",
    "カ月",
    "ケ月",
    "箇月",
    "週",
    "週間",
    "時間",
    "分間",
    "日間",
    "年目",
    "回目",
    "人目",
    "番目",
    "番",
    "倍",
    "割",
    "点",
    "本",
    "枚",
    "冊",
    "部",
    "階",
    "号",
    "条",
    "項",
    "期",
    "次",
    "区",
    "棟",
    "戸",
    "床",
    "頭",
    "匹",
    "位",
    "万",
    "千",
    "億",
    "兆",
    "万人",
    "千人",
    "万件",
    "千件",
    "％",
    "%",
    "‰",
    "℃",
    "°",
    "km",
    "kg",
    "m",
    "cm",
    "mm",
    "ha",
    "t",
    "ｍ",
    "㎞",
    "㎏",
    "㎡",
    "㎥",
    "㎝",
    "㎜",
    "ℓ",
)
_UNITS_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _u in sorted(_UNITS, key=len, reverse=True):
    _UNITS_BY_FIRST[_u[0]] = _UNITS_BY_FIRST.get(_u[0], ()) + (_u,)
_MAX_UNIT = max(map(len, _UNITS))
_UNIT_CHARS = frozenset("".join(_UNITS))

_NUMBER_PREFIXES = frozenset("第")  # 第3期: no break between 第 and the number
_DOUBLED = frozenset("…‥—―")  # ……, ―― are never split
_DIGITS = frozenset("0123456789０１２３４５６７８９")

# Per-character flags
_SPACE = 1  # U+0020
_CL = 2  # must not start a line
_OP = 4  # must not end a line
_WORD = 8  # Latin letter, digit or joiner
_DIGIT = 16
_SOFT = 32  # preferred emergency break after
_MARK = 64  # never break before (combining marks, variation selectors, ZWJ)
_GLUE_AFTER = 128  # never break after in normal text (NBSP, ZWJ, word joiner)
_GLUE_BEFORE = 256  # never break before in normal text (NBSP, word joiner)
_OPEN_ASCII = 512  # ( [ {: stay with a preceding word, as in f(x)
_CLOSE_ASCII = 1024  # ) ] }: stay with a following word
_NUM_PREFIX = 2048
_DOUBLE = 4096
_UNIT_CHAR = 8192

_SPACES = re.compile(" *")


def _after_spaces(text: str, start: int) -> int:
    """The position after the spaces at ``start`` (``start`` itself when there are none)."""
    match = _SPACES.match(text, start)
    return match.end() if match else start


_EPS = 1e-9  # slack for floating-point sums when testing whether a line fits


class TooNarrow(ValueError):
    """Raised when a single character is wider than the available width.

    ``char`` is the character, ``width`` the width in points that was
    available for it (the line width minus the line's prefix) and
    ``char_width`` its own advance.
    """

    def __init__(self, char: str, width: float, char_width: float) -> None:
        super().__init__(f"{char!r} is {char_width:g}pt wide but only {width:g}pt is available for it")
        self.char = char
        self.width = width
        self.char_width = char_width

    def __reduce__(self) -> tuple[type[TooNarrow], tuple[str, float, float]]:
        return (type(self), (self.char, self.width, self.char_width))


def text_width(s: str, advance: Advance) -> float:
    """Width of ``s`` in points: the sum of its characters' advances."""
    return sum(map(_lookup(advance), s))


def _checked(width: float) -> float:
    if not width >= 0:  # negative or NaN
        raise ValueError("advance() must return non-negative widths")
    return width


def _lookup(advance: Advance) -> Callable[[str], float]:
    return advance.__getitem__ if isinstance(advance, Mapping) else advance


def _char_flags(c: str) -> int:
    """The line-breaking properties of one character as a bit set."""
    o = ord(c)
    f = 0
    if c == " ":
        f |= _SPACE
    if c in NO_LINE_START:
        f |= _CL
    if c in NO_LINE_END:
        f |= _OP
    if c in _JOINERS or (
        c.isalnum()
        and (
            (o < 0x2E80 and not (0x2460 <= o <= 0x24FF or 0x2776 <= o <= 0x2793))  # not ①
            or 0xFF10 <= o <= 0xFF5A  # full-width digits and letters
        )
    ):
        f |= _WORD
    if c in _DIGITS:
        f |= _DIGIT
    if c in _SOFT_AFTER:
        f |= _SOFT
    if (
        unicodedata.category(c) in ("Mn", "Mc", "Me")
        or 0xFE00 <= o <= 0xFE0F
        or 0xE0100 <= o <= 0xE01EF
        or 0x1F3FB <= o <= 0x1F3FF
        or c in "\u200d\uff9e\uff9f"
    ):
        f |= _MARK
    if c in "\u00a0\u202f\u2060\ufeff\u200d":
        f |= _GLUE_AFTER
    if c in "\u00a0\u202f\u2060\ufeff":
        f |= _GLUE_BEFORE
    if c in "([{":
        f |= _OPEN_ASCII
    if c in ")]}":
        f |= _CLOSE_ASCII
    if c in _NUMBER_PREFIXES:
        f |= _NUM_PREFIX
    if c in _DOUBLED:
        f |= _DOUBLE
    if c in _UNIT_CHARS:
        f |= _UNIT_CHAR
    return f


_FLAGS = Table(_char_flags)
"""character → its line-breaking flags"""


def _in_unit(text: str, flags: list[int], i: int) -> bool:
    """Whether position ``i`` lies inside or at the start of a unit that follows a number."""
    for j in range(i, max(i - _MAX_UNIT, 0), -1):
        if flags[j - 1] & _DIGIT:
            for unit in _UNITS_BY_FIRST.get(text[j], ()):
                if text.startswith(unit, j):
                    if i < j + len(unit):
                        return True
                    break
    return False


def _glued(text: str, flags: list[int], i: int, fa: int, fb: int) -> bool:
    """Whether ``text[i-1]`` and ``text[i]`` belong to one unbreakable unit (rule 5 and friends)."""
    if fa & _WORD and fb & (_WORD | _OPEN_ASCII):
        return True
    if fa & (_CLOSE_ASCII) and fb & _WORD:
        return True
    if fa & _GLUE_AFTER or fb & _GLUE_BEFORE:
        return True
    if fa & _NUM_PREFIX and fb & _DIGIT:
        return True
    if fa & _DOUBLE and text[i - 1] == text[i]:
        return True
    return bool(fb & _UNIT_CHAR) and _in_unit(text, flags, i)


# what a break at a position would be, from worst to best
_NO_BREAK = 0  # inside a character cluster or a run of spaces: never
_BAD_BREAK = 1  # breaks a kinsoku rule (a closing mark would start the line, an opening one end it)
_PLAIN_BREAK = 2  # splits a unit (a word, a number with its unit) with no better place in it
_SOFT_BREAK = 3  # splits a unit after / ? & - . and the like
_OK_BREAK = 4  # an ordinary break opportunity


def _kind(text: str, flags: list[int], i: int) -> int:
    """What a break at position ``i`` (0 < i < len(text)), between text[i-1] and text[i], is."""
    fb = flags[i]
    if fb & (_SPACE | _MARK):
        return _NO_BREAK
    fa = fe = flags[i - 1]
    j = i - 1
    while fe & _SPACE and j > 0:  # a line may not end with an opening mark, even before spaces
        j -= 1
        fe = flags[j]
    if fb & _CL or fe & _OP:
        return _BAD_BREAK
    if fa & _SPACE or not _glued(text, flags, i, fa, fb):
        return _OK_BREAK
    return _SOFT_BREAK if fa & _SOFT else _PLAIN_BREAK


def _opportunity(text: str, flags: list[int], i: int) -> bool:
    """Whether position ``i`` (0 < i < len(text)) is an ordinary break opportunity."""
    return _kind(text, flags, i) == _OK_BREAK


def _reach(text: str, flags: list[int], pos: list[float], s: int, avail: float) -> int:
    """The furthest end of a line starting at ``s`` that fits ``avail`` points, with the spaces
    after it (which are free)."""
    m = max(bisect_right(pos, pos[s] + avail + _EPS, s) - 1, s)
    return _after_spaces(text, m) if m < len(text) and flags[m] & _SPACE else m


def _fits_alone(text: str, flags: list[int], pos: list[float], b: int, e: int, avail: float) -> bool:
    """Whether the unit starting at ``b`` fits on a line of ``avail`` points.

    The caller knows there is no break opportunity in ``(b, e]``.
    """
    m = _reach(text, flags, pos, b, avail)
    if m >= len(text):
        return True
    return any(_opportunity(text, flags, i) for i in range(e + 1, m + 1))


def _choose(
    text: str, flags: list[int], pos: list[float], s: int, lo: int, e: int, avail: float, next_avail: float
) -> int:
    """The break for a line starting at ``s`` whose content may reach ``e`` (exclusive).

    Breaks are positions ``b`` in ``(lo, e]``, meaning "between text[b-1] and
    text[b]". In order of preference: the last ordinary break opportunity,
    unless what follows it is a unit too long for a line of ``next_avail``
    points anyway; inside such a unit, the last break after / ? & - . etc. (if
    it fills at least half the line) or else the last break that keeps both
    kinsoku rules; then the last break that at least splits no character
    cluster; then ``e``.
    """
    soft = plain = bad = 0
    base = lo  # where the line's (last) unit starts, for the half-line test
    i = e
    while i > lo:
        kind = _kind(text, flags, i)
        if kind == _OK_BREAK:
            if (soft or plain) and not _fits_alone(text, flags, pos, i, e, next_avail):
                base = i  # the unit will be broken anyway: fill this line with its start
                break
            return i
        if kind == _SOFT_BREAK:
            soft = soft or i
        elif kind == _PLAIN_BREAK:
            plain = plain or i
        elif kind == _BAD_BREAK:
            bad = bad or i
        i -= 1
    if soft and (soft > plain or pos[soft] - pos[base] >= 0.5 * (pos[e] - pos[base])):
        return soft
    return plain or soft or bad or e


def _prefix_too_wide(prefix: str, width: float, advance: Advance) -> TooNarrow:
    """The error for a prefix that alone is wider than the line."""
    used = 0.0
    width_of = _lookup(advance)
    for c in prefix:
        w = width_of(c)
        if used + w > width + _EPS:
            return TooNarrow(c, width - used, w)
        used += w
    raise AssertionError("prefix fits")  # pragma: no cover


def break_paragraph(
    text: str,
    width: float,
    advance: Advance,
    *,
    first: str = "",
    hang: str = "",
) -> list[str]:
    """Break one paragraph (no '\\n' inside) into lines no wider than ``width``.

    ``advance(ch)`` returns the width in points of one character (no kerning:
    a string's width is the sum of its characters' advances; advances must not
    be negative). The first line starts with the prefix ``first`` (e.g. '・' or
    '【1】'), every continuation line starts with ``hang`` (e.g. '\\u3000' for a
    hanging indent); prefixes are included in the returned lines and count
    towards the width. An empty text returns ``[first] if first else [""]``.

    Lines are filled greedily; a character that must not start a line pulls
    the preceding character(s) onto the next line (追い出し), punctuation never
    hangs past ``width``. Spaces dropped at breaks are described in the module
    docstring. Raises :class:`TooNarrow` if a character does not fit on a line
    holding only its prefix (or the prefix alone is too wide), ``ValueError``
    for a line break in ``text``, a NaN ``width`` or a negative or NaN advance.
    """
    if "\n" in text or "\r" in text:
        raise ValueError("break_paragraph() takes one paragraph: text must not contain line breaks")
    if math.isnan(width):
        raise ValueError("width must be a number, got NaN")
    if not isinstance(advance, Mapping):  # a function: called once per distinct character
        function = advance
        advance = Widths(lambda ch: _checked(float(function(ch))))
    first_width = text_width(first, advance)
    if not text:
        if first_width > width + _EPS:
            raise _prefix_too_wide(first, width, advance)
        return [first]

    width_of = advance.__getitem__
    if not isinstance(advance, Widths):  # checked as it filled, or a font's
        for one in map(width_of, set(text)):
            _checked(one)
    flags = list(map(_FLAGS.__getitem__, text))
    pos = [0.0, *accumulate(map(width_of, text))]
    n = len(text)

    lines: list[str] = []
    prefix, avail = first, width - first_width
    hang_avail = width - text_width(hang, advance)
    s = 0
    while True:
        e = _reach(text, flags, pos, s, avail)
        if e >= n:
            rest = text[s:]
            if pos[n] - pos[s] > avail + _EPS:
                rest = rest.rstrip(" ")
            lines.append(prefix + rest)
            return lines
        lo = _after_spaces(text, s) if flags[s] & _SPACE else s  # leading spaces only at s == 0
        if e > lo:
            b = _choose(text, flags, pos, s, lo, e, avail, hang_avail)
        elif lo > s:
            b = lo  # not even the first visible character fits after the leading spaces
        elif avail < -_EPS:
            raise _prefix_too_wide(prefix, width, advance)
        else:
            raise TooNarrow(text[s], avail, width_of(text[s]))
        k = b
        while k > s and flags[k - 1] & _SPACE:
            k -= 1
        lines.append(prefix + text[s:k])
        s = b
        prefix, avail = hang, hang_avail
