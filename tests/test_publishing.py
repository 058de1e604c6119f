"""Nothing half-done: publishing is all or nothing, killed builds leave nothing behind, one build
at a time per folder, and exit codes say whether the inputs or the machine failed."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_build import add_area

import formgen.publish
from conftest import ROOT, build_project, edit_file, folder_args, make_project
from formgen.build.lock import FolderLock
from formgen.publish import LOCK_NAME, TEMP_PREFIX, sweep

POLICY_AREA = ("--document", "policy_area")
"""the area's sheet and the book only: a build with few files, so every step can be tried"""


def change_vision(project: Path, number: int, vision: str) -> None:
    old = "vision: 相互理解と平和意識が醸成され、人や文化、経済の交流により、新しい価値が生まれ続けるまち"
    edit_file(project / "data" / "R7" / f"{number}.yaml", old, f"vision: {vision}")


def folder_state(folder: Path) -> dict[str, str]:
    """Every file of the folder by its path, as a digest of its bytes (but a killed build's lock
    file, which only says which process held it)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != LOCK_NAME
    }


def assert_consistent(folder: Path) -> None:
    """No temporary file, and the manifest lists exactly the files there, with their digests."""
    leftovers = [p.name for p in folder.rglob(f"{TEMP_PREFIX}*")]
    assert leftovers == []
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    state = folder_state(folder)
    state.pop("manifest.json")
    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == state


@pytest.fixture
def two_states(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A project built once (the old state), and the folder the next build makes (the new state):
    area 3 changed, area 5 removed, area 7 added."""
    project = make_project(tmp_path / "city")
    for number in (3, 5):
        add_area(project, number)
    assert build_project(project, *POLICY_AREA).exit_code == 0
    old = folder_state(project / "out" / "R7")
    reference = make_project(tmp_path / "reference")
    _next_edit(reference)
    assert build_project(reference, *POLICY_AREA).exit_code == 0
    _next_edit(project)
    return project, old, folder_state(reference / "out" / "R7")


def _next_edit(project: Path) -> None:
    for number in (3, 5):
        if not (project / "data" / "R7" / f"{number}.yaml").exists():
            add_area(project, number)
    change_vision(project, 3, "変わったまち")
    (project / "data" / "R7" / "5.yaml").unlink()
    add_area(project, 7)


def test_a_failure_at_any_step_of_publishing_leaves_the_old_folder(
    two_states: tuple[Path, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, old, new = two_states
    folder = project / "out" / "R7"
    assert old != new and set(old) != set(new)
    real_rename, real_link = formgen.publish._rename, formgen.publish._link
    steps: list[str] = []

    def counting(kind: str, real):  # noqa: ANN001, ANN202
        def step(source: Path, target: Path) -> None:
            steps.append(f"{kind} {Path(target).name}")
            real(source, target)

        return step

    # count the steps of a publishing that goes through, on a copy
    monkeypatch.setattr(formgen.publish, "_rename", counting("rename", real_rename))
    monkeypatch.setattr(formgen.publish, "_link", counting("link", real_link))
    copy = make_project(project.parent / "copy")
    for number in (3, 5):
        add_area(copy, number)
    assert build_project(copy, *POLICY_AREA).exit_code == 0
    _next_edit(copy)
    steps.clear()
    assert build_project(copy, *POLICY_AREA).exit_code == 0
    publishing = list(steps)
    assert any("manifest.json" in s for s in publishing) and any("book.pdf" in s for s in publishing)
    assert len(publishing) >= 8
    for failing in range(len(publishing)):
        calls = iter(range(10_000))

        def fail_at(kind: str, real, failing=failing, calls=calls):  # noqa: ANN001, ANN202
            def step(source: Path, target: Path) -> None:
                if next(calls) == failing:
                    raise OSError(28, "No space left on device")
                real(source, target)

            return step

        monkeypatch.setattr(formgen.publish, "_rename", fail_at("rename", real_rename))
        monkeypatch.setattr(formgen.publish, "_link", fail_at("link", real_link))
        result = build_project(project, *POLICY_AREA)
        assert result.exit_code == 1, (publishing[failing], result.output)
        assert "nothing was published" in result.stderr and "No space left on device" in result.stderr
        assert folder_state(folder) == old, f"after a failure at step {failing}: {publishing[failing]}"
    monkeypatch.setattr(formgen.publish, "_rename", real_rename)
    monkeypatch.setattr(formgen.publish, "_link", real_link)
    assert build_project(project, *POLICY_AREA).exit_code == 0
    assert folder_state(folder) == new
    assert_consistent(folder)


KILLER = """
import os, signal, sys
from pathlib import Path
import formgen.publish
from formgen.cli import main
real = formgen.publish._rename
kill_at = int(sys.argv[1])
count = 0
def rename(source, target):
    global count
    if Path(target).name != ".~formgen-journal.json":
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    real(source, target)
formgen.publish._rename = rename
sys.argv = ["formgen", "build", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("kill_at", [1, 2, 4])
def test_a_build_killed_while_publishing_is_rolled_back_by_the_next(
    two_states: tuple[Path, dict[str, str], dict[str, str]], kill_at: int
) -> None:
    project, old, new = two_states
    folder = project / "out" / "R7"
    args = [*folder_args(project), *POLICY_AREA, "--jobs", "1"]
    killed = subprocess.run([sys.executable, "-c", KILLER, str(kill_at), *args], capture_output=True, cwd=ROOT)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (folder / ".~formgen-journal.json").exists()
    assert folder_state(folder) != old  # half published: some files already replaced
    assert sweep(folder) is True  # what the next build does first
    assert folder_state(folder) == old
    result = build_project(project, *POLICY_AREA)
    assert result.exit_code == 0, result.output
    assert folder_state(folder) == new
    assert_consistent(folder)


def test_the_next_build_rolls_back_and_says_so(two_states: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    project, _, new = two_states
    folder = project / "out" / "R7"
    args = [*folder_args(project), *POLICY_AREA, "--jobs", "1"]
    subprocess.run([sys.executable, "-c", KILLER, "3", *args], capture_output=True, cwd=ROOT)
    result = build_project(project, *POLICY_AREA)
    assert result.exit_code == 0 and "its changes were rolled back before this build" in result.stderr
    assert folder_state(folder) == new


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found += [int(p) for p in text.split()]
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1]  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_build_ends_its_workers(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    for number in range(1, 9):
        add_area(project, number)
    command = [sys.executable, "-m", "formgen.cli", "build", *folder_args(project), "--jobs", "2"]
    build = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.05)
        workers = _children(build.pid)
    assert len(workers) == 2, "the build should have started two workers"
    build.send_signal(signal.SIGKILL)
    build.wait()
    time.sleep(2)
    assert [pid for pid in workers if _alive(pid)] == []
    # the next build removes what the killed one staged, and succeeds
    assert build_project(project).exit_code == 0
    assert list((project / "out").rglob(f"{TEMP_PREFIX}*")) == []


def test_a_second_build_of_the_same_folder_stops_naming_the_first(tmp_path: Path) -> None:
    project = make_project(tmp_path / "city")
    folder = project / "out" / "R7"
    with FolderLock(folder):
        started = time.monotonic()
        result = build_project(project, "--wait", "0.5")
        waited = time.monotonic() - started
        assert result.exit_code == 1
        assert f"another formgen build (process {os.getpid()}) is writing this folder" in result.stderr
        assert waited >= 0.5
        assert not (folder / "manifest.json").exists()
    assert build_project(project).exit_code == 0
    assert not (folder / ".~formgen-lock").exists()


def test_concurrent_builds_never_interleave(tmp_path: Path) -> None:
    """Two builds started together on one folder: one builds, the other waits for it (--wait)
    and then finds everything current."""
    project = make_project(tmp_path / "city")
    for number in (3, 5):
        add_area(project, number)
    command = [sys.executable, "-m", "formgen.cli", "build", *folder_args(project), "--wait", "120", "--jobs", "1"]
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=240) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outs
    summaries = sorted(out.strip().splitlines()[-1] for out, _ in outs)
    assert "(0 built, 3 unchanged)" in summaries[0] and "(3 built, 0 unchanged)" in summaries[1]
    assert_consistent(project / "out" / "R7")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
@pytest.mark.parametrize("extra", [(), ("--force",)])
def test_an_unwritable_folder_is_exit_1_however_it_strikes(tmp_path: Path, extra: tuple[str, ...]) -> None:
    project = make_project(tmp_path / "city")
    assert build_project(project, *POLICY_AREA).exit_code == 0
    change_vision(project, 37, "変わったまち")
    folder = project / "out" / "R7"
    folder.chmod(0o555)
    try:
        result = build_project(project, *POLICY_AREA, *extra)
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("where", ["37.pdf", "book.pdf", "manifest.json"])
def test_a_full_disk_is_exit_1_wherever_it_strikes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """The same cause gives the same exit status: a disk full while an area's file, the book or the
    manifest is written (the area's file in the worker's code path, run in this process)."""
    import tempfile

    project = make_project(tmp_path / "city")
    assert build_project(project, *POLICY_AREA).exit_code == 0
    before = folder_state(project / "out" / "R7")
    change_vision(project, 37, "変わったまち")
    real = tempfile.mkstemp

    def full(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if kwargs.get("prefix", "").startswith(f"{TEMP_PREFIX}{where}."):
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(formgen.publish.tempfile, "mkstemp", full)
    result = build_project(project, *POLICY_AREA, "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.stderr and "Traceback" not in result.output
    assert folder_state(project / "out" / "R7") == before


def test_a_bug_is_exit_70_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The third cause: neither the inputs nor the machine, but formgen itself (simulated here)."""
    import formgen.build.render

    def broken(plan: object) -> bytes:
        raise ZeroDivisionError("division by zero")

    project = make_project(tmp_path / "city")
    monkeypatch.setattr(formgen.build.render, "write_xlsx", broken)
    result = build_project(project, *POLICY_AREA, "--jobs", "1")
    assert result.exit_code == 70
    assert "internal error: ZeroDivisionError: division by zero" in result.stderr
    assert "This is a bug in formgen" in result.stderr and "Traceback" not in result.output
    assert not (project / "out" / "R7").exists()  # nothing written, no folder left behind
