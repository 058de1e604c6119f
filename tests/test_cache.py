"""Drawn pages kept between builds (out/.cache): used when the book is stale, never trusted blindly."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from test_build import add_area, outputs

import formgen.build.render as render
from conftest import build_project, edit_file, make_project, spy

CACHE = Path("out") / ".cache" / "R7"
ONE_DOCUMENT = ("--document", "policy_area")
"""the 施策評価票 and its book only: what a test of one kept entry needs"""


@pytest.fixture
def composed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The areas whose outputs are composed from their records in this process (one job)."""
    return spy(monkeypatch, render, "compose", lambda layout, record, *args, **kwargs: str(record.area.number))


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The data files whose records are loaded in this process (one job)."""
    return spy(monkeypatch, render, "load", lambda datafile, *args, **kwargs: datafile.path.stem)


def three_areas(tmp_path: Path, name: str) -> Path:
    project = make_project(tmp_path / name)
    add_area(project, 3)
    add_area(project, 5)
    return project


def edit_area_3(project: Path) -> None:
    edit_file(project / "data" / "R7" / "3.yaml", "department: 総務部・総務課", "department: 企画政策部・企画調整課")


def entry(project: Path, document: str, area: str) -> Path:
    return project / CACHE / document / f"{area}.json"


def test_a_stale_book_reuses_the_kept_pages_and_gives_the_bytes_of_a_cold_build(
    tmp_path: Path, composed: list[str], loaded: list[str]
) -> None:
    warm = three_areas(tmp_path, "warm")
    assert build_project(warm, "--jobs", "1").exit_code == 0
    kept = sorted(p.relative_to(warm / CACHE).as_posix() for p in (warm / CACHE).rglob("*.json"))
    assert kept == [f"{d}/{a}.json" for d in ("opendata", "policy_area", "project_sheet") for a in ("3", "37", "5")]
    edit_area_3(warm)
    cold = tmp_path / "cold"
    shutil.copytree(warm / "data", cold / "data")
    for name in ("layouts", "formgen.yaml", "fonts"):
        (cold / name).symlink_to(warm / name)
    composed.clear()
    loaded.clear()
    result = build_project(warm, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "3 areas (1 built, 2 unchanged)" in result.stdout
    # the books and the open data are made again, but of 37 and 5 nothing is even loaded
    assert loaded == ["3"]
    # only area 3 was composed again (its area sheet and its 16 project sheets); 37's and 5's
    # pages for the two books came from the cache
    assert set(composed) == {"3"}
    assert build_project(cold, "--jobs", "1").exit_code == 0
    warm_files, cold_files = outputs(warm), outputs(cold)
    assert warm_files.keys() == cold_files.keys()
    assert [name for name in warm_files if warm_files[name] != cold_files[name]] == []


def test_with_workers_the_main_process_reads_the_kept_pages_while_the_edited_area_is_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loaded: list[str]
) -> None:
    warm = three_areas(tmp_path, "warm")
    assert build_project(warm, "--jobs", "2").exit_code == 0
    edit_area_3(warm)
    cold = tmp_path / "cold"
    shutil.copytree(warm / "data", cold / "data")
    for name in ("layouts", "formgen.yaml", "fonts"):
        (cold / name).symlink_to(warm / name)
    read = spy(monkeypatch, render, "read_entry", lambda path, *args: path)
    result = build_project(warm, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "3 areas (1 built, 2 unchanged)" in result.stdout
    # this process read every kept entry of 37 and 5 (a worker drew area 3) and loaded no record
    kept = sorted(path.relative_to(warm / CACHE).as_posix() for path in read)
    assert kept == sorted(f"{d}/{a}.json" for a in ("37", "5") for d in ("opendata", "policy_area", "project_sheet"))
    assert loaded == []
    assert build_project(cold, "--jobs", "2").exit_code == 0
    warm_files, cold_files = outputs(warm), outputs(cold)
    assert warm_files.keys() == cold_files.keys()
    assert [name for name in warm_files if warm_files[name] != cold_files[name]] == []


@pytest.mark.parametrize(
    "damage",
    [
        "flip a byte",
        "cut short",
        "right checksum, wrong body",
        "right checksum, wrong shape",
        "right checksum, an object missing",
        "right checksum, a reference out of range",
        "right checksum, references cut short",
        "right checksum, a page's header out of range",
        "right checksum, a kept part that links to pages",
        "right checksum, a bookmark at NaN",
        "right checksum, nested too deep",
        "not json",
    ],
)
def test_a_damaged_entry_is_ignored_and_drawn_again(tmp_path: Path, composed: list[str], damage: str) -> None:
    project = three_areas(tmp_path, "city")
    assert build_project(project, "--jobs", "1", *ONE_DOCUMENT).exit_code == 0
    reference = outputs(project)
    path = entry(project, "policy_area", "5")
    good = path.read_bytes()
    path.write_bytes(_damaged(good, damage))
    edit_area_3(project)
    edit_area_3_back = ("department: 企画政策部・企画調整課", "department: 総務部・総務課")
    composed.clear()
    result = build_project(project, "--jobs", "1", *ONE_DOCUMENT)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert set(composed) == {"3", "5"}  # 5: its entry could not be used, so it was drawn again
    assert path.read_bytes() == good  # and kept again, as it was
    edit_file(project / "data" / "R7" / "3.yaml", *edit_area_3_back)
    assert build_project(project, "--jobs", "1", *ONE_DOCUMENT).exit_code == 0
    assert outputs(project) == reference


def _damaged(good: bytes, damage: str) -> bytes:
    head, _, payload = good.partition(b"\n")
    if damage == "flip a byte":
        middle = len(payload) // 2
        return head + b"\n" + payload[:middle] + bytes([payload[middle] ^ 0x20]) + payload[middle + 1 :]
    if damage == "cut short":
        return good[: len(good) // 3]
    if damage == "not json":
        return b"\x80\x04\x95pickle?"
    if damage == "right checksum, nested too deep":
        return _with_checksum(head, b"[" * 100_000 + b"]" * 100_000)
    value = json.loads(payload)
    part = value["outputs"][0]["objects"]
    if damage == "right checksum, wrong body":
        part["plain"] += "%s%(boom)d"  # a body that cannot be filled
    elif damage == "right checksum, an object missing":
        objects = part["plain"].split("\n")
        del objects[3]
        part["plain"] = "\n".join(objects)
    elif damage == "right checksum, a reference out of range":  # refs: uint32 little-endian, base64
        refs = bytearray(base64.b64decode(part["refs"]))
        refs[0:4] = (part["size"] + 1).to_bytes(4, "little")
        part["refs"] = base64.b64encode(refs).decode()
    elif damage == "right checksum, references cut short":
        part["refs"] = base64.b64encode(base64.b64decode(part["refs"])[:-2]).decode()
    elif damage == "right checksum, a page's header out of range":
        part["special"][-1][2] = 10**6  # an object of the PDF holding the part that it does not have
    elif damage == "right checksum, a kept part that links to pages":
        part["links"] = [10**6]  # only the book's contents link, and they are never kept
    elif damage == "right checksum, a bookmark at NaN":
        value["outputs"][0]["marks"][0] = [["x", 0, float("nan")]]
    else:
        part["refs"] = "not a list of numbers"
    return _with_checksum(head, json.dumps(value).encode())


def _with_checksum(head: bytes, payload: bytes) -> bytes:
    fields = head.split(b" ")
    fields[-1] = hashlib.sha256(payload).hexdigest().encode()
    return b" ".join(fields) + b"\n" + payload


def test_entries_of_removed_areas_go_and_an_edit_outdates_an_entry(tmp_path: Path) -> None:
    project = three_areas(tmp_path, "city")
    assert build_project(project).exit_code == 0
    (project / "data" / "R7" / "5.yaml").unlink()
    edit_area_3(project)
    stale = entry(project, "policy_area", "3").read_bytes().split(b"\n")[0]
    assert build_project(project).exit_code == 0
    assert not entry(project, "policy_area", "5").exists() and not entry(project, "project_sheet", "5").exists()
    assert entry(project, "policy_area", "3").read_bytes().split(b"\n")[0] != stale  # rewritten for the new inputs
    assert sorted(p.name for p in (project / CACHE / "policy_area").iterdir()) == ["3.json", "37.json"]
    # nothing of the cache is published with the year's outputs
    assert not any(".cache" in name for name in outputs(project))


def test_a_failed_build_leaves_the_cache_as_it_was(tmp_path: Path) -> None:
    project = three_areas(tmp_path, "city")
    assert build_project(project).exit_code == 0
    before = {p: p.read_bytes() for p in (project / CACHE).rglob("*") if p.is_file()}
    edit_area_3(project)  # area 3 would be drawn again and kept anew, but area 5 is broken:
    edit_file(project / "data" / "R7" / "5.yaml", "department: 総務部・総務課", "department: [総務部]")
    result = build_project(project)
    assert result.exit_code == 2, result.output
    assert {p: p.read_bytes() for p in (project / CACHE).rglob("*") if p.is_file()} == before


def test_a_moved_project_built_from_elsewhere_uses_its_own_fonts_and_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept pages name fonts and pictures by their contents: moved to another folder and built
    from a third, with only the book stale, the project gives the cold build's bytes."""
    from conftest import ROOT, run_cli

    def project_at(top: Path) -> Path:
        shutil.copytree(
            ROOT / "examples" / "sakuradai", top / "examples" / "sakuradai", ignore=shutil.ignore_patterns("out")
        )
        shutil.copytree(ROOT / "fonts", top / "fonts")  # the example's ../../fonts, a copy of its own
        return top / "examples" / "sakuradai"

    first = project_at(tmp_path / "a")
    assert run_cli("build", "--config", str(first / "formgen.yaml")).exit_code == 0
    moved = tmp_path / "b"
    shutil.move(tmp_path / "a", moved)
    project = moved / "examples" / "sakuradai"
    edit_file(project / "layouts" / "book.yaml", "title:", "title: 改", count=1)
    (tmp_path / "elsewhere" / "assets").mkdir(parents=True)
    Image.new("RGB", (30, 30), "blue").save(tmp_path / "elsewhere" / "assets" / "emblem.png")
    monkeypatch.chdir(tmp_path / "elsewhere")  # where a relative picture path would name another file
    result = run_cli("build", "--config", str(project / "formgen.yaml"))
    assert result.exit_code == 0, result.output
    assert "(0 built, 2 unchanged)" in result.stdout  # the book only, from kept pages
    cold = project_at(tmp_path / "c")
    edit_file(cold / "layouts" / "book.yaml", "title:", "title: 改", count=1)
    assert run_cli("build", "--config", str(cold / "formgen.yaml")).exit_code == 0
    assert (project / "out" / "R7" / "book.pdf").read_bytes() == (cold / "out" / "R7" / "book.pdf").read_bytes()


def test_kept_references_are_little_endian_32_bit_numbers_whatever_the_machine() -> None:
    """A cache written on one machine reads the same on any other (the byte order is the file's)."""
    from formgen.writers.pdf.part import _packed, _unpacked

    assert _packed([1, 2**32 - 1, 258]) == bytes.fromhex("01000000ffffffff02010000")
    assert _unpacked(bytes.fromhex("01000000ffffffff02010000")) == [1, 2**32 - 1, 258]
    with pytest.raises(ValueError, match="cut short"):
        _unpacked(bytes.fromhex("010000"))
