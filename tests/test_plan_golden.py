"""The plan of area 37 against a reviewed golden file.

The plan holds every decision about the printed form: line breaks, row
heights, spans, page breaks. Any change to composition shows up here as a
readable diff of tests/golden/37.plan.txt; after checking it, regenerate with
``pytest --regen-golden``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SEED_DATA, run_cli

GOLDEN = Path(__file__).parent / "golden" / "37.plan.txt"


def test_plan_matches_golden(request: pytest.FixtureRequest) -> None:
    result = run_cli("plan", str(SEED_DATA), "--layouts", str(ROOT / "layouts"), "--fonts", str(ROOT / "fonts"))
    assert result.exit_code == 0, result.output
    if request.config.getoption("--regen-golden"):
        GOLDEN.write_text(result.stdout, encoding="utf-8")
        pytest.skip("golden plan regenerated: review `git diff tests/golden` before committing")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert result.stdout == expected, "the plan changed: review `git diff` after `pytest --regen-golden`"


def test_golden_plan_is_paginated_like_the_form() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    sheets = [line for line in text.splitlines() if line.startswith("sheet ")]
    assert [s.split(":")[0] for s in sheets] == [
        "sheet 施策評価票",
        "sheet 事務事業評価",
        "sheet ロジックモデル",
        "sheet 成果根拠",
    ]
    assert "[0+38] heading: 1 政策分野の進捗状況" in text
    assert "0.573 [0.0%] 57.3%" in text and "1.08 [0%] 108%" in text


def test_json_dump_is_plain_data() -> None:
    import json

    result = run_cli(
        "plan", str(SEED_DATA), "--format", "json", "--layouts", str(ROOT / "layouts"), "--fonts", str(ROOT / "fonts")
    )
    data = json.loads(result.stdout)
    assert data["sheets"][0]["name"] == "施策評価票"
    assert data["page"]["width"] == pytest.approx(595.28)


def test_the_plan_of_a_document_made_per_project_shows_every_output() -> None:
    """``--document project_sheet``: one plan per project, each headed by its file name, in the
    data's order (a town whose form is the 事務事業評価シート reviews its own layout this way)."""
    import yaml

    result = run_cli(
        "plan", str(SEED_DATA), "--document", "project_sheet", "--config", str(ROOT / "formgen.yaml"),
        "--layouts", str(ROOT / "layouts"), "--fonts", str(ROOT / "fonts"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    projects = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))["projects"]
    counted: dict[int, int] = {}
    expected = []
    for project in projects:
        counted[project["measure"]] = counted.get(project["measure"], 0) + 1
        expected.append(f"== 37-{project['measure']}-{counted[project['measure']]:02} ==")
    headings = [line for line in result.stdout.splitlines() if line.startswith("== ")]
    assert headings == expected
    sheets = [line.split(":")[0] for line in result.stdout.splitlines() if line.startswith("sheet ")]
    assert sheets == ["sheet 事務事業評価シート"] * len(projects)
    assert projects[0]["name"] in result.stdout.split(expected[1])[0]
