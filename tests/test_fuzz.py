"""Whatever a data file holds, formgen answers with a message (exit 2) or accepts it (exit 0):
never an internal error, never a traceback, never a long quote of the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED_DATA, make_project, run_cli

SEED_LINES = SEED_DATA.read_text(encoding="utf-8").splitlines()
LONG = "長" * 150 + "x" * 150
"""a long run of text that no message may quote more than ~80 characters of"""
KEYS = ["fiscal_year", "area", "measures", "kpis", "projects", "years", "R7", "number", "name", "sdgs", "target"]
PIECES = [
    *(":", "- ", " ", "\n", "  ", "[", "]", "{", "}", "'", '"', "&a ", "*a", "<<: ", "~", "|", ">", "#", "\t"),
    *("!!python/object:os.system ", "!!binary ", "%YAML 1.1\n", "---\n", "...\n", "\ufeff", "\x00", "\x1b"),
    *("fiscal_year", "R7", "令和7年度", "1e9", "0x1F", "0o17", "ア", "？", "2025-01-01", "yes", "NaN", ".inf", LONG),
]

SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("fuzz"))


def check(project: Path, content: bytes) -> None:
    path = project / "data" / "R7" / "37.yaml"
    path.write_bytes(content)
    result = run_cli("validate", "--config", str(project / "formgen.yaml"), str(path))
    output = result.output
    assert result.exit_code in (0, 2), output
    assert "Traceback" not in output and "internal error" not in output, output
    for line in output.splitlines():
        longest = max((len(m) for m in re.findall("長+x*|x+", line)), default=0)
        assert longest <= 80, f"a message quotes {longest} characters of the input: {line[:200]}"


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(project: Path, content: bytes) -> None:
    check(project, content)


@SETTINGS
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_yaml_like_text(project: Path, pieces: list[str]) -> None:
    check(project, "".join(pieces).encode("utf-8"))


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.just(LONG),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=6) | values)
def test_random_structures(project: Path, data: object) -> None:
    check(project, yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@SETTINGS
@given(st.integers(0, len(SEED_LINES) - 1), st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_the_sample_with_one_line_replaced(project: Path, index: int, pieces: list[str]) -> None:
    lines = list(SEED_LINES)
    lines[index] = "".join(pieces)
    check(project, "\n".join(lines).encode("utf-8"))


DEEP = [
    "- " * 1200 + "a\n",
    "".join("  " * i + "a:\n" for i in range(1200)) + "  " * 1200 + "b\n",
    "{a: " * 1200 + "1" + "}" * 1200 + "\n",
    "[" * 1200 + "]" * 1200 + "\n",
]


@pytest.mark.parametrize("text", DEEP, ids=["block list", "block mapping", "flow mapping", "flow list"])
def test_deep_nesting_is_a_message_with_its_line(project: Path, text: str) -> None:
    path = project / "data" / "R7" / "37.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", "--config", str(project / "formgen.yaml"), str(path))
    assert result.exit_code == 2, result.output
    assert re.search(r"37\.yaml:\d+: .*(nested more than 40 levels|maximum nesting depth)", result.stderr)
    assert "Traceback" not in result.output


def test_a_file_that_is_no_mapping_is_not_echoed(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n" * 50, encoding="utf-8")
    path = project / "data" / "R7" / "37.yaml"
    path.unlink()
    path.symlink_to(secret)
    result = run_cli("validate", "--config", str(project / "formgen.yaml"), str(path))
    path.unlink()
    assert result.exit_code == 2 and "must hold a mapping" in result.stderr
    assert "root:x" not in result.output
