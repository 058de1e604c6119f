"""mypy checks formgen's type hints and ruff its code (configuration in pyproject.toml), so they stay true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_mypy_finds_no_type_errors(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing_and_no_private_member_is_used() -> None:
    """Among ruff's rules: SLF001, no private member of another object (a library's internals)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "formgen", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    private = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "SLF001", "formgen"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert private.returncode == 0, private.stdout
