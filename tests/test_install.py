"""A non-editable install carries everything `formgen init` and `formgen build` need."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("install")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "wheel"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next((work / "wheel").glob("formgen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for part in (
        "formgen/skeleton/layouts/policy_area.yaml",
        "formgen/skeleton/layouts/book.yaml",
        "formgen/skeleton/fonts/BIZUDGothic-Regular.ttf",
        "formgen/skeleton/fonts/OFL-BIZUDGothic.txt",
        "formgen/skeleton/schema/record.schema.json",
        "formgen/skeleton/data/R7/37.yaml",
    ):
        assert part in names, part
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def formgen(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(site))
    code = "import sys; from formgen.cli import run; sys.argv[0] = 'formgen'; run()"  # the console script
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_installed_package_inits_and_builds_a_project(installed: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(installed))
    where = subprocess.run(
        [sys.executable, "-c", "import formgen; print(formgen.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(installed)), "the test must run the installed copy, not the source tree"
    result = formgen(installed, tmp_path, "init", "city")
    assert result.returncode == 0, result.stderr
    result = formgen(installed, tmp_path / "city", "build")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "city" / "out" / "R7"
    assert sorted(p.name for p in out.iterdir()) == ["37.pdf", "37.xlsx", "book.pdf", "manifest.json", "opendata"]
    assert result.stdout.rstrip().endswith("→ out/R7"), "the command's last line is printed before it ends"
    # the command ends at once once it has returned (formgen.cli.leave): exit codes and messages intact
    data = tmp_path / "city" / "data" / "R7" / "37.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("fiscal_year: R7", "fiscal_year: X7"), encoding="utf-8")
    result = formgen(installed, tmp_path / "city", "build")
    assert result.returncode == 2 and "data/R7/37.yaml:23: fiscal_year: expected a fiscal year" in result.stderr
    assert result.stderr.rstrip().endswith("earlier outputs are unchanged"), result.stderr
    assert formgen(installed, tmp_path, "--version").stdout.startswith("formgen")


def test_the_readme_map_names_every_module() -> None:
    """The README's map of the code names every module and package of formgen/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```\nformgen/")
    block = readme[start : readme.index("```\n", start + 4)]
    package = ROOT / "formgen"
    names = {p.name for p in package.rglob("*.py") if p.name != "__init__.py"}
    names |= {p.parent.name + "/" for p in package.rglob("__init__.py") if p.parent != package}
    missing = sorted(n for n in names if n not in block)
    assert missing == [], f"not in the README's map: {missing}"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_the_command_says_when_its_last_output_could_not_be_written(tmp_path: Path) -> None:
    """The command ends at once (formgen.cli.leave) but keeps Python's exit statuses for output
    that could not be written: 120 for a full disk, 141 for a reader gone away."""
    code = "import sys; from formgen.cli import leave; sys.stdout.write('x' * 10); leave(0)"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-c", code], stdout=full, env=env, check=False)
    assert done.returncode == 120
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the last flush meets a broken pipe
    done = subprocess.run([sys.executable, "-c", code], stdout=writer, env=env, check=False)
    os.close(writer)
    assert done.returncode == 141
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0 and done.stdout == "x" * 10
