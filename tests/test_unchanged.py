"""The quick look (formgen.unchanged): an unchanged year is reported without loading anything, and
any change at all sends the build the full way."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import formgen.build
from conftest import FONTS, build_project, edit_file, edit_layout, make_project, spy


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each full build run in this process (the quick look runs none)."""
    return spy(monkeypatch, formgen.build, "build", lambda *args, **kwargs: "full")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The shipped project with its own copy of the fonts (a test changes one)."""
    project = make_project(tmp_path / "city")
    (project / "fonts").unlink()
    shutil.copytree(FONTS, project / "fonts")
    return project


def summary(output: str) -> str:
    return re.sub(r"\d+\.\d s", "T s", output)


def test_an_unchanged_year_says_what_the_full_build_says_without_running_it(project: Path, counted: list[str]) -> None:
    first = build_project(project)
    assert first.exit_code == 0 and counted == ["full"]
    full = build_project(project, "--jobs", "1")  # recorded by the first build: quick
    assert full.exit_code == 0 and counted == ["full"]
    (project / "out" / ".cache" / "quick.json").unlink()  # the full way, to compare with
    slow = build_project(project)
    assert slow.exit_code == 0 and counted == ["full", "full"]
    assert "(0 built, 1 unchanged), 0 files written" in full.stdout
    assert summary(full.stdout) == summary(slow.stdout) and full.stderr == slow.stderr


CHANGES = {
    "a data file edited": lambda p: edit_file(p / "data" / "R7" / "37.yaml", "交流・移住", "交流・定住"),
    "a comment in a data file": lambda p: (p / "data" / "R7" / "37.yaml").open("a").write("# note\n"),
    "a data file added": lambda p: shutil.copy(p / "data" / "R7" / "37.yaml", p / "data" / "R7" / "38.yaml"),
    "a new year's folder": lambda p: shutil.copytree(p / "data" / "R7", p / "data" / "R8"),
    "formgen.yaml": lambda p: (p / "formgen.yaml").open("a").write("\n# note\n"),
    "a layout": lambda p: edit_layout(p, "主管部局・課", "主管部局"),
    "a font file": lambda p: (p / "fonts" / "BIZUDGothic-Bold.ttf").open("ab").write(b"\0\0\0\0"),
    "an output": lambda p: (p / "out" / "R7" / "37.pdf").open("ab").write(b"\n"),
    "an output removed": lambda p: (p / "out" / "R7" / "37.xlsx").unlink(),
    "a killed build's file": lambda p: (p / "out" / "R7" / ".~formgen-37.pdf.x.part").write_bytes(b""),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_sends_the_build_the_full_way(project: Path, counted: list[str], change: str) -> None:
    assert build_project(project).exit_code == 0
    CHANGES[change](project)
    counted.clear()
    result = build_project(project)
    assert counted == ["full"], change
    assert result.exit_code in (0, 2), result.output  # a font made invalid is refused, as always


@pytest.mark.parametrize(
    "options",
    [("--format", "pdf"), ("--no-book",), ("--no-open-data",), ("--document", "policy_area"), ("--force",)],
)
def test_other_options_are_another_build(project: Path, counted: list[str], options: tuple[str, ...]) -> None:
    assert build_project(project).exit_code == 0
    counted.clear()
    assert build_project(project, *options).exit_code == 0
    assert counted == ["full"]


def test_another_source_date_epoch_is_another_build(
    project: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_project(project).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    counted.clear()
    assert build_project(project).exit_code == 0
    assert counted == ["full"]


def test_a_build_of_some_areas_or_another_year_forgets_the_record(project: Path, counted: list[str]) -> None:
    assert build_project(project).exit_code == 0
    assert build_project(project, "--area", "37").exit_code == 0
    assert not (project / "out" / ".cache" / "quick.json").exists()
    counted.clear()
    assert build_project(project).exit_code == 0
    assert counted == ["full"]


def test_other_layouts_or_fonts_folders_are_another_build(project: Path, counted: list[str]) -> None:
    assert build_project(project).exit_code == 0
    shutil.copytree(project / "layouts", project / "layouts2")
    edit_file(project / "layouts2" / "policy_area.yaml", "主管部局・課", "主管部局")
    shutil.copytree(project / "fonts", project / "fonts2")
    for folder in ("--layouts", "--fonts"):
        counted.clear()
        other = "layouts2" if folder == "--layouts" else "fonts2"
        assert build_project(project, folder, str(project / other)).exit_code == 0
        assert counted == ["full"], folder


def test_a_file_edited_while_a_build_runs_is_seen_by_the_next(
    project: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record keeps each file's digest as the build read it, not as it is at the end."""
    import formgen.build as build_module

    publish = build_module.publish

    def edit_then_publish(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        edit_file(project / "data" / "R7" / "37.yaml", "交流・移住", "交流・定住")
        return publish(*args, **kwargs)

    monkeypatch.setattr(build_module, "publish", edit_then_publish)
    assert build_project(project).exit_code == 0
    monkeypatch.setattr(build_module, "publish", publish)
    counted.clear()
    result = build_project(project)
    assert counted == ["full"] and "(1 built, 0 unchanged)" in result.stdout


def test_a_data_folder_symlink_pointed_elsewhere_is_seen(project: Path, counted: list[str]) -> None:
    (project / "A").mkdir()
    shutil.move(project / "data" / "R7", project / "A" / "R7")
    shutil.copytree(project / "A" / "R7", project / "B" / "R7")
    edit_file(project / "B" / "R7" / "37.yaml", "交流・移住", "交流・定住")
    (project / "data" / "R7").symlink_to(project / "A" / "R7")
    assert build_project(project).exit_code == 0
    (project / "data" / "R7").unlink()
    (project / "data" / "R7").symlink_to(project / "B" / "R7")
    counted.clear()
    assert "(1 built, 0 unchanged)" in build_project(project).stdout
    assert counted == ["full"]


def test_a_build_stopped_after_publishing_leaves_no_record(
    project: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped before it could keep its own record, a build must not leave the last one: its
    outputs are newer than that record's inputs."""
    import formgen.build as build_module

    assert build_project(project).exit_code == 0
    data = project / "data" / "R7" / "37.yaml"
    before = data.read_bytes()
    edit_file(data, "交流・移住", "交流・定住")

    def stopped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_keep_quick", stopped)
    build_project(project)  # published the edited area, then stopped
    monkeypatch.undo()
    data.write_bytes(before)  # the inputs of the last recorded build again
    calls = spy(monkeypatch, formgen.build, "build", lambda *args, **kwargs: "full")
    result = build_project(project)
    assert calls == ["full"] and "(1 built, 0 unchanged)" in result.stdout
