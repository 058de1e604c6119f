"""formgen new-year: roll the latest year's records forward (R7 → R8) for the clerks to update.

Every area of the year is copied into the next year's folder with the fiscal
year advanced; indicator targets, baselines, final targets, projects and texts
are kept for editing; the year that just ended waits for its actuals, a new
year is opened at the far end of each indicator and evidence table, each
project's budget starts from last year's estimate, and the year whose figures
were the budget is marked for its settled figures (決算). A report lists, with file and line, every
figure and text the clerk must now fill in or review, and the same notes are
written as comments beside those lines. The clerk's own comments are carried
over beside the fields they explain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .config.load import Config, default_config
from .config.model import Words
from .datafiles import DataFile, load_all, read_all, select_year, year_files
from .eras import FiscalYear
from .errors import InputError, Issue, ManyErrors
from .publish import commit, discard, stage
from .records.model import PolicyArea
from .yamlcomments import Comment, carry_comments, find_comments, opens_block_scalar
from .yamlsource import Loc, parse_yaml
from .yamlwrite import dump

ENDING = {"終了", "廃止", "完了"}
FIGURES = ("cost", "general_revenue", "personnel")
"""a project's figures of one year"""
MARK = "要更新"
"""the comment marking a line the clerk must update"""


def still_marked(display: str, raw: bytes) -> list[Issue]:
    """A note for each line of a data file still marked 要更新 by new-year: the build and validate
    name them, since a year published with them holds last year's figures or none."""
    if MARK.encode() not in raw:  # nearly every file: no comment scanned
        return []
    return [Issue(display, line, "", STILL_MARKED) for line in _OldFile.of(raw).marked_lines()]


STILL_MARKED = f"still marked {MARK} by formgen new-year: update the value, then delete the mark"


@dataclass
class RolloverReport:
    source: FiscalYear
    target: FiscalYear
    files: list[Path] = field(default_factory=list)
    todo: list[Issue] = field(default_factory=list)


@dataclass
class _Note:
    loc: Loc
    message: str


def roll_record(record: PolicyArea, words: Words) -> tuple[dict[str, Any], list[_Note]]:
    """The next year's record as YAML-ready data, and what the clerk must do. ``words`` say
    which years the new sheet reports as settled (sheet_year): their actuals and 決算 are due."""
    old, new = record.fiscal_year, record.fiscal_year + 1
    budget = words.budget_year(new)  # the new sheet's budget year; the one before it closes
    closed = budget - 1
    data = record.model_dump(mode="python", exclude_defaults=True)
    data["fiscal_year"] = new
    notes: list[_Note] = [_Note(("fiscal_year",), f"rolled forward from {old.long}; review every text of the sheet")]

    for i, kpi in enumerate(record.kpis):
        years = _by_year(data["kpis"][i].get("years", {}))
        if closed in years and years[closed].get("actual") is None:
            years[closed]["actual"] = None
            notes.append(_Note(("kpis", i, "years", closed.short, "actual"), f"enter the {closed.long} actual"))
        # keep as many future years as last year had, and at least the new year itself
        last = max([new + 1] + [y + 1 for y in years if y > old])
        for year in _span(new, last):
            entry = years.setdefault(year, {})
            if entry.get("target") is None:
                entry["target"] = None
                notes.append(_Note(("kpis", i, "years", year.short, "target"), f"enter the {year.long} target"))
        data["kpis"][i]["years"] = dict(sorted(years.items()))
        data["kpis"][i]["assessment"] = kpi.assessment  # kept even when empty, so the note has its line
        notes.append(_Note(("kpis", i, "assessment"), f"update 検証 with the {closed.long} result"))

    for i, project in enumerate(record.projects):
        years = _by_year(data["projects"][i].get("years", {}))
        loc: Loc = ("projects", i, "years")
        if closed in years:
            held = any(years[closed].get(k) is not None for k in FIGURES)  # the budget typed last year
            said = f"enter the {closed.long} 決算 (settled)"
            notes.append(_Note(loc + (closed.short,), f"holds the {closed.long} 予算: {said}" if held else said))
        if budget in years:
            said = f"last year's {budget.long}(見込み): confirm the {budget.long} budget"
        else:
            years[budget] = dict.fromkeys(FIGURES)
            said = f"enter the {budget.long} budget"
        notes.append(_Note(loc + (budget.short,), said))
        years[budget.next] = dict.fromkeys(FIGURES) | years.get(budget.next, {})
        notes.append(_Note(loc + (budget.next.short,), f"enter the {budget.next.long}(見込み) figures"))
        data["projects"][i]["years"] = dict(sorted(years.items()))
        if project.next_year in ENDING:
            notes.append(
                _Note(
                    ("projects", i, "next_year"),
                    f"was to end after {old.long} ({project.next_year}): remove the project if it has ended",
                )
            )

    for i, evidence in enumerate(record.outcome_evidence):
        years = _by_year(data["outcome_evidence"][i].get("years", {}))
        if closed in evidence.years and evidence.years[closed].actual is None:
            years.setdefault(closed, {})["actual"] = None
            where = ("outcome_evidence", i, "years", closed.short, "actual")
            notes.append(_Note(where, f"enter the {closed.long} actual"))
        if evidence.years:
            last = max(evidence.years) + 1
            if last not in years:
                years[last] = {"plan": None}
                notes.append(_Note(("outcome_evidence", i, "years", last.short, "plan"), f"enter the {last.long} plan"))
        data["outcome_evidence"][i]["years"] = dict(sorted(years.items()))

    if "final_evaluation" in data:
        notes.append(_Note(("final_evaluation",), "update for the new year"))
    for name in [n for n in type(record).model_fields if n not in PolicyArea.model_fields]:  # the city's own
        if data.get(name) not in (None, "", []):
            notes.append(_Note((name,), f"review for {new.long}"))
    return data, notes


def in_file_order(new: Any, old: Any) -> Any:
    """``new`` with the keys of each mapping in the order the clerk's file ``old`` has them (the
    model's order would move a city's own fields below the core ones); keys the file lacks (a
    new year's figures) follow in the model's order, list items are matched by position."""
    if isinstance(new, dict) and isinstance(old, dict) and any(isinstance(k, FiscalYear) for k in new):
        # figures by year: the years in order, each year's figures as the file has them
        years = _by_year(old)  # the file was validated: every key is a year
        return {k: in_file_order(v, years.get(k)) for k, v in new.items()}
    if isinstance(new, dict) and isinstance(old, dict):
        keys = [k for k in old if k in new] + [k for k in new if k not in old]
        return {k: in_file_order(new[k], old.get(k)) for k in keys}
    if isinstance(new, list) and isinstance(old, list):
        return [in_file_order(n, old[i] if i < len(old) else None) for i, n in enumerate(new)]
    return new


def _by_year(years: dict[Any, Any]) -> dict[FiscalYear, Any]:
    """Year entries keyed by FiscalYear (a model dump keys them R5, R6, …)."""
    return {FiscalYear.parse(key): value for key, value in years.items()}


def _span(first: FiscalYear, last: FiscalYear) -> list[FiscalYear]:
    return [FiscalYear(y) for y in range(first.western, last.western + 1)]


HEADER = """\
# yaml-language-server: $schema=../../schema/record.schema.json
#
# {target} — rolled forward from {source} by `formgen new-year`.
# Lines marked 「要更新」 need new figures or a review; `formgen new-year` printed
# the same list. Comments of last year's file stand beside the same fields.
"""


@dataclass
class _OldFile:
    """Last year's file as read once: its text and its comments."""

    text: str
    comments: list[Comment]

    @classmethod
    def of(cls, raw: bytes) -> _OldFile:
        text = raw.decode("utf-8-sig", errors="replace")
        try:
            return cls(text, find_comments(text))
        except yaml.YAMLError:
            return cls(text, [])  # loading the file reports what is wrong with it

    def marked_lines(self) -> list[int]:
        """The lines still marked 要更新 (the header's mention does not count)."""
        return [c.line for c in self.comments if c.text.startswith(f"# {MARK}")]

    def own_comments(self, year: FiscalYear) -> list[Comment]:
        """The clerk's comments: not the schema modeline, the header this command wrote when it
        made the file, or its 要更新 marks."""
        header = HEADER.format(target=year.long, source=(year - 1).long).splitlines()
        skip = len(header) if self.text.splitlines()[: len(header)] == header else 0
        return [
            c
            for c in self.comments
            if c.line > skip and not c.text.startswith(("# yaml-language-server:", f"# {MARK}"))
        ]


def _rename(loc: Loc) -> Loc:
    """A field of last year's file as the new file names it (year keys are written R7)."""
    parts = list(loc)
    for i in range(1, len(parts)):
        if parts[i - 1] == "years" and (year := FiscalYear.try_parse(parts[i])) is not None:
            parts[i] = year.short
    return tuple(parts)


def annotate(text: str, notes: list[_Note], display: str) -> tuple[str, list[Issue]]:
    """Put each note as a comment at the end of its line; return the text and the notes as issues."""
    source = parse_yaml(text, display)
    lines = text.split("\n")
    issues = []
    for note in notes:
        line = source.line(note.loc)
        issues.append(source.issue(note.loc, note.message))
        if line is not None and not opens_block_scalar(lines[line - 1]):
            lines[line - 1] += f"  # {MARK}: {note.message}"
    return "\n".join(lines), issues


def new_year(
    data_dir: Path, source: FiscalYear | None = None, force: bool = False, config: Config | None = None
) -> RolloverReport:
    config = config or default_config()
    old, folder = select_year(data_dir, source)
    new = old + 1
    target_dir = data_dir / new.short
    if target_dir.exists() and any(target_dir.glob("*.yaml")) and not force:
        raise InputError.single(str(target_dir), None, "", "already holds data files; use --force to replace them")
    files: list[DataFile] = year_files(folder)
    contents = read_all(files)
    old_files = {area: _OldFile.of(raw) for area, raw in contents.items()}
    unfinished = [(f, line) for f in files for line in old_files[f.area_id].marked_lines()]
    if unfinished and not force:
        said = f"{STILL_MARKED}, before rolling {old.short} forward (or --force to roll it as it is)"
        raise InputError([Issue(f.display, line, "", said) for f, line in unfinished])
    loaded, problems = load_all(files, contents, config)
    if problems:
        raise ManyErrors(problems, f"fix these files of {old.short} first; nothing was written")
    report = RolloverReport(old, new)
    staged = []
    try:
        for datafile, sourced in loaded:
            data, notes = roll_record(sourced.record, config.words)
            data = in_file_order(data, sourced.source.data)
            target = target_dir / datafile.path.name
            comments = old_files[datafile.area_id].own_comments(old)
            body = carry_comments(sourced.source, comments, dump(data), str(target), _rename)
            text, issues = annotate(HEADER.format(target=new.long, source=old.long) + body, notes, str(target))
            staged.append(stage(target, text.encode("utf-8")))
            report.files.append(target)
            report.todo.extend(issues)
        for item in staged:
            commit(item)
    except BaseException:
        discard(staged)
        raise
    report.todo.sort(key=lambda issue: (issue.file, issue.line or 0))
    return report
