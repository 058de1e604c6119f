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
