"""Write a data folder of N realistic policy areas for one fiscal year (deterministic).

    python benchmarks/synth.py --areas 42 --out /tmp/year

Each area is shaped like the shipped sample (data/R7/37.yaml): 3–6 KPIs with
four years of figures, 2–3 measures, 10–20 projects with finances, numbered
narrative items, a review, a logic model and outcome evidence. The texts are
sentences of the sample recombined, so their lengths and characters are
those of a real sheet; every seventh area has narratives five times longer.
The same N always gives the same files.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formgen.records import load_record  # noqa: E402
from formgen.records.narrative import paragraphs  # noqa: E402
from formgen.yamlwrite import dump  # noqa: E402

SEED = ROOT / "data" / "R7" / "37.yaml"
GOALS = [
    "安心して暮らせるまちづくり",
    "豊かで魅力ある地域づくり",
    "子どもが健やかに育つまち",
    "活力ある産業のまち",
    "持続可能な行財政運営",
]
DEPARTMENTS = [
    "総務部・総務課",
    "企画政策部・企画調整課",
    "健康福祉部・社会福祉課",
    "観光商工部・商工課",
    "建設部・道路課",
    "教育委員会・学校教育課",
]
THEMES = [
    "交流・移住",
    "子育て支援",
    "高齢者福祉",
    "観光振興",
    "道路整備",
    "学校教育",
    "防災",
    "環境保全",
    "農業振興",
    "文化振興",
]


def sentences(text: str) -> list[str]:
    return [s + "。" for s in text.replace("\n", "").split("。") if len(s) > 8]


class Writer:
    def __init__(self, seed_sentences: list[str], rng: random.Random):
        self.pool = seed_sentences
        self.rng = rng

    def text(self, count: int) -> str:
        return "".join(self.rng.choice(self.pool) for _ in range(count))

    def narrative(self, items: int, scale: int) -> list[Any]:
        out: list[Any] = []
        for i in range(items):
            body: list[Any] = [self.text(self.rng.randint(2, 4) * scale)]
            if i % 2:
                body += [{"bullet": self.text(1)} for _ in range(self.rng.randint(1, 3))]
            if i % 3 == 2:
                body += [{"date": f"令和{y}年度", "text": self.text(1)} for y in range(3, 3 + self.rng.randint(1, 3))]
            out.append({"title": self.text(1)[:18].rstrip("。、"), "body": body})
        return out


def area(number: int, rng: random.Random, pool: list[str]) -> dict[str, Any]:
    w = Writer(pool, rng)
    scale = 5 if number % 7 == 0 else 1
    theme = THEMES[number % len(THEMES)]
    measures = []
    for m in range(1, rng.randint(2, 3) + 1):
        measures.append(
            {
                "number": m,
                "name": f"{theme}の推進{m}",
                "sdgs": sorted(rng.sample(range(1, 18), rng.randint(1, 4))),
                "description": w.text(2),
                "achievements": w.narrative(rng.randint(3, 7), scale),
                "outlook": w.narrative(rng.randint(2, 5), scale),
            }
        )
    kpis = []
    for k in range(rng.randint(3, 6)):
        base = rng.choice([12, 57, 400, 4000, 179, 35000])
        years = {}
        for offset, year in enumerate(("R5", "R6", "R7", "R8")):
            target = base + offset * max(1, base // 20)
            entry: dict[str, Any] = {"target": target}
            if year in ("R5", "R6"):
                entry["actual"] = int(target * rng.uniform(0.5, 1.4))
            years[year] = entry
        kpi: dict[str, Any] = {
            "name": f"{theme}に関する指標{k + 1}",
            "unit": rng.choice(["人", "件", "世帯", "回", "%"]),
            "description": w.text(1)[:30],
            "years": years,
            "assessment": w.text(2),
        }
        if k % 4 == 1:
            kpi.update({"decimals": 0, "rounding": "down"})
        if k % 5 == 3:
            kpi["better"] = "lower"
        kpis.append(kpi)
    projects = []
    for p in range(rng.randint(10, 20)):

        def amounts() -> dict[str, int]:
            cost = rng.choice([50, 601, 2034, 13600, 30000, 1186])
            return {
                "cost": cost,
                "general_revenue": cost // rng.choice([1, 2, 4]),
                "personnel": rng.choice([93, 749, 1931, 3691]),
            }

        projects.append(
            {
                "measure": 1 + p % len(measures),
                "main": p % 3 == 0,
                "population_goal": rng.choice([None, 1, 2, 3, 4]),
                "sdg_target": rng.choice(["4.7", "8.9", "11.2", "11.3", "16.7"]),
                "name": f"{theme}推進事業{p + 1}",
                "next_year": rng.choice(["継続", "継続", "継続", "新規", "拡充", "終了"]),
                "department": rng.choice(DEPARTMENTS),
                "summary": w.text(2),
                "years": {"R7": amounts(), "R8": amounts()},
                "achievements": w.narrative(rng.randint(1, 2), scale),
                "outlook": w.text(rng.randint(2, 4) * scale),
            }
        )
    projects.sort(key=lambda p: p["measure"])
    for p in projects:
        if p["population_goal"] is None:
            del p["population_goal"]
    names = [p["name"] for p in projects if p["measure"] == 1][:5]
    return {
        "fiscal_year": "R7",
        "department": rng.choice(DEPARTMENTS),
        "policy_goal": {"number": 1 + number % len(GOALS), "name": GOALS[number % len(GOALS)]},
        "policy": {"number": 1 + number // 3, "name": f"{theme}を進めるまちづくり"},
        "area": {"number": number, "name": theme if number <= len(THEMES) else f"{theme}{number}"},
        "vision": w.text(1),
        "measures": measures,
        "kpis": kpis,
        "review": {
            "results": [{"measure": m["number"], "points": [w.text(2) for _ in range(3)]} for m in measures],
            "issues": [{"measure": m["number"], "points": [w.text(2) for _ in range(2)]} for m in measures],
        },
        "final_evaluation": w.text(4),
        "projects": projects,
        "logic_models": [
            {
                "measure": 1,
                "projects": names,
                "outputs": [w.text(1) for _ in names],
                "short_term": [{"text": w.text(1), "rows": len(names)}],
                "mid_term": [w.text(1) for _ in names],
                "final": [{"text": "人口が増え地域が活性化する", "rows": len(names)}],
            }
        ],
        "outcome_evidence": [
            {
                "project": names[0],
                "item": "相談件数(年間)",
                "years": {
                    "R6": {"plan": 450, "actual": 323},
                    "R7": {"plan": 500},
                    "R8": {"plan": 510},
                    "R9": {"plan": 520},
                },
            }
        ],
    }


def write_year(areas: int, out: Path) -> list[Path]:
    seed = load_record(SEED)
    pool = sentences(
        "".join(p.text for m in seed.measures for n in (m.achievements, m.outlook) for p in paragraphs(n))
        + "".join(p.text for pr in seed.projects for n in (pr.achievements, pr.outlook) for p in paragraphs(n))
    )
    folder = out / "R7"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(1, areas + 1):
        rng = random.Random(number)
        path = folder / f"{number}.yaml"
        header = "# yaml-language-server: $schema=../../schema/record.schema.json\n# synthetic area for benchmarks\n"
        path.write_text(header + dump(area(number, rng, pool)), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="data folder to write (gets an R7 subfolder)")
    args = parser.parse_args()
    files = write_year(args.areas, args.out)
    print(f"wrote {len(files)} areas to {args.out / 'R7'}")


if __name__ == "__main__":
    main()
