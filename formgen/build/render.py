"""One area rendered: load → compose → write, for every document of the area (in a worker)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..book import BookPart
from ..compose import compose
from ..config.load import Config
from ..datafiles import area_line, load, read_as_digested
from ..documents import Document, outputs
from ..errors import DataError, FontError, InputError, Issue
from ..opendata.writer import AreaPart, area_part
from ..publish import discard, stage
from ..records import SourcedRecord
from ..writers.pdf import DrawnPages, draw_pages, write_pdf
from ..writers.xlsx import write_xlsx
from .cache import OPEN_DATA_ENTRIES, entry_path, made_from, read_entry, write_entry
from .kept import KeptOutput, LayoutFiles
from .stale import AreaTask, DocumentJob
from .workers import AreaResult, OutputResult

log = logging.getLogger(__name__)


def build_area(documents: dict[str, Document], config: Config, task: AreaTask) -> AreaResult:
    """load → compose → write, for every document of one area; outputs are staged, not yet in
    place. Outputs wanted only for their pages come from the cache when it has them."""
    result = AreaResult(task.datafile.area_id)
    try:
        kept = {job.document: _kept(task, job, documents[job.document]) for job in task.jobs if not job.formats}
        data_kept = _kept_open_data(task)
        sourced, raw = None, None
        if (task.open_data and data_kept is None) or any(kept.get(job.document) is None for job in task.jobs):
            raw = read_as_digested(task.datafile, task.digest)
            sourced = load(task.datafile, raw, config)
            result.area_number, result.area_line = sourced.record.area.number, area_line(sourced)
        if data_kept is not None:
            (result.area_number, result.area_line), result.open_data = data_kept
        elif task.open_data:  # made here, where the record is: the main process never loads one
            assert sourced is not None
            result.open_data = area_part(sourced.record, config)
            area = (sourced.record.area.number, result.area_line)
            write_entry(_open_data_entry(task), task.open_data, KeptOutput.open_data_json(area, result.open_data))
        for job in task.jobs:
            found = kept.get(job.document)
            if found is not None:
                (result.area_number, result.area_line), kept_outputs = found
                result.outputs += [OutputResult.kept(job.document, output) for output in kept_outputs]
            else:
                assert sourced is not None
                _make_document(documents[job.document], sourced, task, job, result)
        if result.outputs:  # the area's lines still marked 要更新: noted once, with its first output
            result.outputs[0].notes = _still_marked(task, raw) + result.outputs[0].notes
    except (InputError, FontError) as exc:  # the area's inputs: reported with the others' (exit 2)
        discard(result.staged())
        result.outputs.clear()
        result.open_data = None
        result.errors = exc.lines()
    except BaseException:
        discard(result.staged())
        raise
    return result


def from_cache(task: AreaTask) -> bool:
    """Whether everything the area is built for was kept (its outputs are current, and the book
    and the data set only want what the cache holds): reading it is all there is to do."""
    if any(job.formats for job in task.jobs):
        return False
    kept = [(entry_path(task.cache, job.document, task.datafile.area_id), job.inputs) for job in task.jobs]
    if task.open_data is not None:
        kept.append((_open_data_entry(task), task.open_data))
    return all(made_from(path, inputs) for path, inputs in kept)


def _kept(
    task: AreaTask, job: DocumentJob, document: Document
) -> tuple[tuple[int, int | None], list[KeptOutput]] | None:
    files = LayoutFiles.of(document.layout)

    def parse(value: Any) -> tuple[tuple[int, int | None], list[KeptOutput]]:
        return KeptOutput.area(value["area"]), [KeptOutput.from_json(o, files) for o in value["outputs"]]

    return read_entry(entry_path(task.cache, job.document, task.datafile.area_id), job.inputs, parse)


def _keep(
    task: AreaTask, job: DocumentJob, area: tuple[int, int | None], kept: list[KeptOutput], files: LayoutFiles
) -> None:
    """Keep the outputs' pages for the next stale book; what cannot be kept is only drawn again then."""
    try:
        value = {"area": list(area), "outputs": [output.to_json(files) for output in kept]}
    except ValueError as exc:  # a font or picture the cache cannot name by its contents
        log.warning("did not keep the pages of %s for the next build: %s", task.datafile.display, exc)
        return
    write_entry(entry_path(task.cache, job.document, task.datafile.area_id), job.inputs, value)


def _still_marked(task: AreaTask, raw: bytes | None) -> list[str]:
    """Notes for the lines new-year marked and the clerk has not updated yet (read again when the
    area's outputs all came from the cache: the notes are the data file's, whatever was drawn)."""
    from ..newyear import still_marked

    if raw is None:
        try:
            raw = task.datafile.path.read_bytes()
        except OSError:  # gone since the build read it: the build reports that
            return []
    return [str(note) for note in still_marked(task.datafile.display, raw)]


def _open_data_entry(task: AreaTask) -> Path:
    return entry_path(task.cache, OPEN_DATA_ENTRIES, task.datafile.area_id)


def _kept_open_data(task: AreaTask) -> tuple[tuple[int, int | None], AreaPart] | None:
    """The area's part of the data set as kept, when the data set is made and it has one."""
    if task.open_data is None:
        return None
    return read_entry(_open_data_entry(task), task.open_data, KeptOutput.open_data)


def _make_document(
    document: Document, sourced: SourcedRecord, task: AreaTask, job: DocumentJob, result: AreaResult
) -> None:
    folder = document.folder(task.year_dir)
    record, source = sourced.record, sourced.source
    kept: list[KeptOutput] = []
    files = LayoutFiles.of(document.layout)
    made_here: list[OutputResult] = []
    too_long: list[Issue] = []
    for output in outputs(document, record, task.datafile.area_id, source):
        plan = compose(document.layout, record, output.item, source)
        if plan.too_long is not None:  # the others are made all the same, for their own mistakes
            too_long.append(plan.too_long)
            continue
        path = f"{document.spec.folder}/{output.stem}" if document.spec.folder else output.stem
        made = OutputResult(document.name, path, output.place or task.datafile.display)
        made_here.append(made)
        result.outputs.append(made)  # staged files are discarded if a later one fails
        drawn: DrawnPages | None = None
        if "xlsx" in job.formats:
            made.staged["xlsx"] = stage(folder / f"{output.stem}.xlsx", write_xlsx(plan))
        if "pdf" in job.formats:
            pdf, drawn = write_pdf(plan)
            made.staged["pdf"] = stage(folder / f"{output.stem}.pdf", pdf)
        elif job.want_pages:  # the PDF is current: only its pages for the book
            drawn = draw_pages(plan)
        made.pages = plan.pages
        made.notes = [str(note) for note in plan.notes]
        if drawn is not None:
            made.part, made.drawn = BookPart.of(record, output.title, output.stem), drawn
            kept.append(KeptOutput(made.path, made.place, made.pages, made.notes, made.part, drawn))
    if too_long:
        raise DataError(too_long)
    if len(kept) == len(made_here):  # every output drawn: kept for the next stale book
        _keep(task, job, (record.area.number, result.area_line), kept, files)
    if not job.want_pages:
        for made in made_here:
            made.part = made.drawn = None  # no book wants them: not sent back
