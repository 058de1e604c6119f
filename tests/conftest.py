"""Shared fixtures: paths of the repository and a small valid record to mutate."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from formgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED_DATA = ROOT / "data" / "R7" / "37.yaml"

MINIMAL_RECORD = """\
fiscal_year: R7
department: 総務部・総務課
policy_goal: {number: 5, name: 豊かで魅力ある地域づくり}
policy: {number: 9, name: ひとの力を活かした地域活力の創造・再生}
area: {number: 37, name: 交流・移住}
vision: 新しい価値が生まれ続けるまち
measures:
  - number: 1
    name: 交流の促進
    sdgs: [4, 8]
    description: 交流を促進します。
kpis:
  - name: 参加人数
    unit: 人
    years:
      R5: {target: 4000, actual: 2290}
projects:
  - measure: 1
    name: 交流事業
    department: 総務部・総務課
    main: true
    finance:
      budget: {cost: 601, general_revenue: 601, personnel: 3691}
"""


def run_cli(*args: str) -> Result:
    """Run the CLI in-process, keeping stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


@pytest.fixture
def record_file(tmp_path: Path) -> Path:
    """``R7/37.yaml`` holding the minimal valid record."""
    path = tmp_path / "R7" / "37.yaml"
    path.parent.mkdir()
    path.write_text(MINIMAL_RECORD, encoding="utf-8")
    return path
