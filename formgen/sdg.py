"""The 17 Sustainable Development Goals as formgen draws them: colours and short Japanese titles.

Colours are the UN's (SDG communication guidelines, "colour definitions"); the short titles
are those of the Japanese icons published by the United Nations Information Centre Tokyo,
split where the icons break them. formgen draws a simple tile of colour, number and title:
it is not the official icon (which also carries a pictogram); see docs/layouts.md for what
a city must observe when it prints SDG icons.
"""

from __future__ import annotations

COLORS: dict[int, str] = {
    1: "E5243B",
    2: "DDA63A",
    3: "4C9F38",
    4: "C5192D",
    5: "FF3A21",
    6: "26BDE2",
    7: "FCC30B",
    8: "A21942",
    9: "FD6925",
    10: "DD1367",
    11: "FD9D24",
    12: "BF8B2E",
    13: "3F7E44",
    14: "0A97D9",
    15: "56C02B",
    16: "00689D",
    17: "19486A",
}

TITLES: dict[int, tuple[str, ...]] = {
    1: ("貧困を", "なくそう"),
    2: ("飢餓を", "ゼロに"),
    3: ("すべての人に", "健康と福祉を"),
    4: ("質の高い教育を", "みんなに"),
    5: ("ジェンダー平等を", "実現しよう"),
    6: ("安全な水とトイレ", "を世界中に"),
    7: ("エネルギーをみんなに", "そしてクリーンに"),
    8: ("働きがいも", "経済成長も"),
    9: ("産業と技術革新の", "基盤をつくろう"),
    10: ("人や国の不平等", "をなくそう"),
    11: ("住み続けられる", "まちづくりを"),
    12: ("つくる責任", "つかう責任"),
    13: ("気候変動に", "具体的な対策を"),
    14: ("海の豊かさを", "守ろう"),
    15: ("陸の豊かさも", "守ろう"),
    16: ("平和と公正を", "すべての人に"),
    17: ("パートナーシップで", "目標を達成しよう"),
}


def title(goal: int) -> str:
    """The goal's short title on one line, e.g. 住み続けられるまちづくりを."""
    return "".join(TITLES[goal])


TARGET_COUNTS: dict[int, tuple[int, str]] = {
    1: (5, "b"),
    2: (5, "c"),
    3: (9, "d"),
    4: (7, "c"),
    5: (6, "c"),
    6: (6, "b"),
    7: (3, "b"),
    8: (10, "b"),
    9: (5, "c"),
    10: (7, "c"),
    11: (7, "c"),
    12: (8, "c"),
    13: (3, "b"),
    14: (7, "c"),
    15: (9, "c"),
    16: (10, "b"),
    17: (19, ""),
}
"""goal → (its numbered targets, its last lettered target): the 169 targets of the 2030 Agenda
(United Nations General Assembly resolution A/RES/70/1), 1.1 to 17.19, with the means of
implementation 1.a, 1.b, …"""


def goal_targets(goal: int) -> list[str]:
    """The targets of one goal, e.g. 13.1, 13.2, 13.3, 13.a, 13.b."""
    numbered, last = TARGET_COUNTS[goal]
    letters = "abcdefghijklmnopqrstuvwxyz"[: ord(last) - ord("a") + 1] if last else ""
    return [f"{goal}.{n}" for n in range(1, numbered + 1)] + [f"{goal}.{ch}" for ch in letters]


TARGETS: tuple[str, ...] = tuple(t for goal in sorted(TARGET_COUNTS) for t in goal_targets(goal))
"""every SDG target, in order"""


def describe_targets(goal: int) -> str:
    """'11.1–11.7 and 11.a–11.c': a goal's targets in words."""
    numbered, last = TARGET_COUNTS[goal]
    text = f"{goal}.1–{goal}.{numbered}"
    return f"{text} and {goal}.a–{goal}.{last}" if last else text
