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
