"""Shared fixtures: paths of the repository and a small valid record to mutate."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from formgen.build import area_layout
from formgen.cli import main
from formgen.compose import compose
from formgen.config.load import load_config
from formgen.plan import DocumentPlan
from formgen.records import PolicyArea, load_record

ROOT = Path(__file__).resolve().parents[1]
SEED_DATA = ROOT / "data" / "R7" / "37.yaml"
LAYOUTS = ROOT / "layouts"
FONTS = ROOT / "fonts"
CONFIG = ROOT / "formgen.yaml"
EXAMPLE_CONFIG = ROOT / "examples" / "sakuradai" / "formgen.yaml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def spy(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, what: Any) -> list[Any]:
    """``owner.name`` replaced by itself, noting ``what(*args, **kwargs)`` of every call in the
    list returned (which areas were composed, which builds ran)."""
    calls: list[Any] = []
    real = getattr(owner, name)

    def noting(*args: Any, **kwargs: Any) -> Any:
        calls.append(what(*args, **kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, noting)
    return calls


def libreoffice_convert(source: Path, work: Path, to: str = "pdf", *options: str) -> Path:
    """The file LibreOffice makes of ``source`` in ``work`` (a private profile there, so runs never
    collide); ``options`` go before the conversion (an import filter, say)."""
    assert SOFFICE is not None
    profile = (work / "profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", *options, "--convert-to", to]
    subprocess.run([*command, "--outdir", str(work), str(source)], check=True, capture_output=True, timeout=300)
    return work / f"{source.stem}.{to}"


POPPLER = ("pdf_text", "pdf_pages", "outline_titles", "pdfinfo", "pdftotext", "pdftoppm", "pdfimages", "pdffonts")
REQUIRED_TOOLS = {
    "pdftotext": ("poppler-utils", POPPLER),
    "pdffonts": ("poppler-utils", POPPLER),
    "qpdf": ("qpdf", ("qpdf",)),
}
"""a program the tests read outputs with → (its Debian package, what in a test's code needs it)"""


def need(tool: str) -> None:
    """Skip the running test, saying why, when ``tool`` is not installed (helpers call this)."""
    import shutil

    if shutil.which(tool) is None:
        package = REQUIRED_TOOLS.get(tool, ("poppler-utils", ()))[0]
        pytest.skip(f"{tool} ({package}) is not installed; .ci/run installs it")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that read outputs with a program this machine lacks are skipped, saying which."""
    import inspect
    import shutil

    for tool, (package, uses) in REQUIRED_TOOLS.items():
        if shutil.which(tool) is not None:
            continue
        reason = f"{tool} ({package}) is not installed; .ci/run installs it"
        for item in items:
            function = getattr(item, "function", None)
            if function is not None and any(use in inspect.getsource(function) for use in uses):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden from the current output (review the diff!)",
    )


@dataclass
class Built:
    """Area 37 built by `formgen build` into a temporary project."""

    project: Path
    xlsx: Path
    pdf: Path
    record: PolicyArea
    plan: DocumentPlan


def make_project(target: Path) -> Path:
    """A project folder with the shipped configuration, layouts and fonts and the seed data."""
    shutil.copytree(LAYOUTS, target / "layouts")
    shutil.copy(CONFIG, target / "formgen.yaml")
    (target / "fonts").symlink_to(FONTS)
    (target / "data" / "R7").mkdir(parents=True)
    shutil.copy(SEED_DATA, target / "data" / "R7" / "37.yaml")
    return target


def edit_file(path: Path, old: str, new: str, count: int = 1) -> Path:
    """Replace ``old`` (which must be there, ``count`` times at least) by ``new`` in a text file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def edit_layout(project: Path, old: str, new: str, count: int = 1) -> Path:
    """Edit the project's layout file (see edit_file)."""
    return edit_file(project / "layouts" / "policy_area.yaml", old, new, count)


def folder_args(project: Path, out: Path | None = None) -> list[str]:
    """--config, --data, --layouts, --fonts and --out pointing into ``project`` (or ``out``)."""
    return [
        *("--config", str(project / "formgen.yaml")),
        *("--data", str(project / "data")),
        *("--layouts", str(project / "layouts")),
        *("--fonts", str(project / "fonts")),
        *("--out", str(out or project / "out")),
    ]


def build_project(project: Path, *extra: str) -> Result:
    return run_cli("build", *folder_args(project), *extra)


def plan_of(project: Path, record: PolicyArea) -> DocumentPlan:
    config = load_config(project / "formgen.yaml")
    return compose(area_layout(project / "layouts", project / "fonts", config), record)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = make_project(tmp_path_factory.mktemp("project"))
    result = build_project(project)
    assert result.exit_code == 0, result.output
    record = load_record(project / "data" / "R7" / "37.yaml")
    out = project / "out" / "R7"
    return Built(project, out / "37.xlsx", out / "37.pdf", record, plan_of(project, record))


@pytest.fixture(scope="session")
def built_workbook(built: Built) -> Any:
    """The sample's workbook, read once with openpyxl (reading one takes most of a second)."""
    import openpyxl

    return openpyxl.load_workbook(built.xlsx)


@pytest.fixture(scope="session")
def synthetic_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """42 synthetic areas (benchmarks/synth.py) built with the sample's layouts: the year's
    施策評価票 workbooks and PDFs and its book. Returns the year's output folder."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.pop(0)
    work = tmp_path_factory.mktemp("synthetic")
    synth.write_year(42, work / "data")
    args = ["--config", str(ROOT / "formgen.yaml"), "--data", str(work / "data"), "--out", str(work / "out")]
    folders = ["--layouts", str(ROOT / "layouts"), "--fonts", str(ROOT / "fonts")]
    result = run_cli("build", *args, *folders, "--document", "policy_area")
    assert result.exit_code == 0, result.output
    return work / "out" / "R7"


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
    years:
      R7: {cost: 601, general_revenue: 601, personnel: 3691}
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


def squash(text: str) -> str:
    """Text without any white space (line breaks fall anywhere in printed output)."""
    return "".join(text.split())


def narrative_sentences(record: PolicyArea) -> list[str]:
    """Every sentence of every narrative field of the record, as it must be printed."""
    from formgen.records.narrative import plain_text

    texts: list[str] = [record.vision, record.final_evaluation]
    for measure in record.measures:
        texts += [measure.description, plain_text(measure.achievements), plain_text(measure.outlook)]
    texts += [kpi.assessment for kpi in record.kpis] + [kpi.description for kpi in record.kpis]
    for group in record.review.results + record.review.issues:
        texts += group.points
    for project in record.projects:
        texts += [project.summary, plain_text(project.achievements), plain_text(project.outlook)]
    for model in record.logic_models:
        texts += list(model.projects)
        for stage in ("outputs", "short_term", "mid_term", "final"):
            texts += [span.text for span in model.spans(stage)]
    sentences: list[str] = []
    for text in texts:
        for line in text.split("\n"):
            for part in line.split("。"):
                part = squash(part)
                if len(part) >= 2:
                    sentences.append(part)
    return sentences


def unprinted(sentences: list[str], text: str, interrupted: bool = False) -> list[str]:
    """The sentences missing from ``text`` (squashed), counting copies: a sentence given twice in
    the data must be printed twice. With ``interrupted``, one copy beyond those found whole may be
    interrupted by page furniture (see printed) — for readers that interleave the cells beside
    it — but is never found in a whole copy already counted."""
    from collections import Counter

    lost = []
    for sentence, wanted in Counter(sentences).items():
        found = text.count(sentence)
        if found < wanted:
            rest = text.replace(sentence, "\x00")
            if not interrupted or wanted - found > 1 or not printed(sentence, rest):
                lost += [sentence] * (wanted - found)
    return lost


def record_figures(record: PolicyArea) -> list[str]:
    """Every KPI and finance figure of the record, as printed (#,##0), one entry per cell."""
    from formgen.numfmt import format_number

    values = [v for kpi in record.kpis for entry in kpi.years.values() for v in (entry.target, entry.actual)]
    for project in record.projects:
        for column in project.years.values():
            values += [column.cost, column.general_revenue, column.personnel]
    return [format_number(v, "#,##0") for v in values if v is not None]


SEED_RATES = ["57.3%", "62.0%", "107%", "108%", "90.8%", "71.8%", "122.9%", "130.9%"]
"""達成率 as the published sheet prints them (area 37)"""


def assert_seed_figures_printed(record: PolicyArea, pdf: Path) -> None:
    """Every KPI and finance figure of the sample, as often as it is a cell, and its rates."""
    figures = record_figures(record)
    assert len(figures) == 24 + 87
    assert not missing_figures(figures, pdf)
    words = pdf_text(pdf).split()
    for rate in SEED_RATES:
        assert rate in words


def missing_figures(figures: list[str], pdf: Path) -> list[str]:
    """The figures not printed as often as given: counted as words of the PDF's laid-out text, so a
    digit inside a sentence (令和5年度) never stands in for a figure of a table."""
    import subprocess
    from collections import Counter

    layout = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True)
    words = Counter(layout.stdout.split())
    return [f for f, wanted in Counter(figures).items() if words[f] < wanted]


def pdf_text(path: Path, raw: bool = False, page: int | None = None) -> str:
    """pdftotext's reading of ``path`` (or of one ``page``, from 1); ``raw``: in the order drawn,
    and a line ending in 「-」 kept as it is (the default joins it to the next line as a
    hyphenated word)."""
    import subprocess

    need("pdftotext")
    mode = ["-raw"] if raw else []
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        ["pdftotext", *mode, *pages, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def outline_titles(path: Path, nested: bool = True) -> list[str]:
    """The titles of a PDF's bookmarks, in order; without ``nested``, the top level only."""
    import json
    import subprocess

    need("qpdf")
    outline = subprocess.run(["qpdf", "--json=2", "--json-key=outlines", str(path)], capture_output=True, text=True)

    def walk(entries: list[dict]) -> list[str]:
        out = []
        for entry in entries:
            out.append(entry["title"])
            if nested:
                out.extend(walk(entry["kids"]))
        return out

    return walk(json.loads(outline.stdout)["outlines"])


def project_with(tmp_path: Path, record_text: str) -> Path:
    """A project whose area 37 is ``record_text``."""
    project = make_project(tmp_path)
    (project / "data" / "R7" / "37.yaml").write_text(record_text, encoding="utf-8")
    return project


def pdf_pages(path: Path) -> int:
    import subprocess

    need("pdfinfo")
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def printed(sentence: str, text: str, max_pieces: int = 4, max_gap: int = 400) -> bool:
    """Whether ``sentence`` is in ``text`` (both squashed), allowing it to be interrupted
    by page furniture (footer, header, a label printed beside the line) where the
    extraction interleaves them: every character must be there, in order, in at most
    ``max_pieces`` runs separated by at most ``max_gap`` characters."""
    if sentence in text:
        return True

    def match(rest: str, low: int, high: int, pieces: int) -> bool:
        if not rest:
            return True
        if pieces == 0:
            return False
        seed = rest[:4]
        at = text.find(seed, low)
        while 0 <= at <= high:
            length = len(seed)
            while length < len(rest) and at + length < len(text) and text[at + length] == rest[length]:
                length += 1
            end = at + length
            if match(rest[length:], end, end + max_gap, pieces - 1):
                return True
            at = text.find(seed, at + 1)
        return False

    return match(sentence, 0, len(text), max_pieces)
