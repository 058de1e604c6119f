"""Writing outputs so that a reader never sees a half-written file, and a failed build changes nothing.

Each file is first *staged*: written to a temporary file in its own folder,
flushed to disk and given ordinary permissions (0644). Only when every file
of a build is staged are they *published*, all or nothing: a journal lists the
changes and a backup of every file replaced or removed; the journal is deleted
only when every change is made (the commit point). A failure rolls back at
once, and a build killed while publishing is rolled back by the next build of
the folder, which also removes every temporary file a killed build left.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import BuildError, InputError, shown

CACHE_FOLDER = ".cache"
"""formgen's own folder in the output folder (out/.cache): kept between builds, never published"""
TEMP_PREFIX = ".~formgen-"
"""starts the name of every file formgen writes besides its outputs (staged files, backups, the
journal, the lock): a name no output and no ordinary user file has"""
LOCK_NAME = TEMP_PREFIX + "lock"


def document_time() -> datetime:
    """The date written into documents: SOURCE_DATE_EPOCH when set, else a fixed date,
    so that building twice gives the same bytes (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime(2000, 1, 1, tzinfo=UTC)
    # digits only (int() would take '-1' and '1_700'); a zip file's dates end with 2107
    if epoch.isascii() and epoch.isdigit() and int(epoch) < _ZIP_DATES_END:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    raise InputError.single(
        "SOURCE_DATE_EPOCH",
        None,
        "",
        f"must be a whole number of seconds since 1970-01-01, before 2108, got {shown(epoch)}",
    )


_ZIP_DATES_END = int(datetime(2108, 1, 1, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Staged:
    """A complete file waiting to replace ``target``."""

    target: Path
    temporary: Path
    sha256: str
    size: int


def _temporary(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target`` (open descriptor, path), named to be recognised."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise BuildError(f"{target.parent}: cannot write there: {exc.strerror or exc}") from None
    return fd, Path(tmp)


def stage(target: Path, data: bytes) -> Staged:
    """Write ``data`` next to ``target`` under a temporary name."""
    writer = StagedWriter(target)
    writer.write(data)
    return writer.finish()


class StagedWriter:
    """A staged file written piece by piece (a book, as its parts come): :meth:`write`, then
    :meth:`finish` for the :class:`Staged` file, or :meth:`abort`. Its digest is taken as it is
    written, so a large file is never read back."""

    def __init__(self, target: Path):
        self.target = target
        fd, self.temporary = _temporary(target)
        self._file = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except OSError as exc:
            self.abort()
            raise BuildError(f"{self.target}: cannot write: {exc.strerror or exc}") from None
        self._digest.update(data)
        self.size += len(data)

    def finish(self) -> Staged:
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.chmod(self.temporary, 0o644)
        except OSError as exc:
            self.abort()
            raise BuildError(f"{self.target}: cannot write: {exc.strerror or exc}") from None
        return Staged(self.target, self.temporary, self._digest.hexdigest(), self.size)

    def abort(self) -> None:
        self._file.close()
        remove(self.temporary)


def commit(staged: Staged) -> None:
    """Put a staged file in place (atomic rename)."""
    try:
        os.replace(staged.temporary, staged.target)
    except OSError as exc:
        raise BuildError(f"{staged.target}: cannot write: {exc.strerror or exc}") from None


def discard(staged: list[Staged]) -> None:
    for item in staged:
        remove(item.temporary)


def remove(path: Path) -> None:
    """Remove a file if it is there."""
    try:
        path.unlink()
    except OSError:
        pass


def digest(*parts: bytes | str) -> str:
    """sha256 of ``parts``, each length-prefixed (so no two lists of parts give the same bytes)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def inside(folder: Path, path: Path) -> bool:
    """Whether ``path`` stays inside ``folder`` once resolved (no '..' or links out)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- publishing with a journal

JOURNAL_FILE = ".~formgen-journal.json"


def _rename(source: Path, target: Path) -> None:
    """Every rename of publishing goes through here (atomic; tests inject failures here)."""
    os.replace(source, target)


def _link(source: Path, target: Path) -> None:
    """A second name for a file about to be replaced: its backup until the build is committed.
    Where the file system has no hard links, a copy, complete before it takes the backup's name
    (a half-made backup must never be taken for the file)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        partial = target.with_name(target.name + ".part")
        shutil.copy2(source, partial, follow_symlinks=False)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)


def publish_all(folder: Path, staged: list[Staged], removed: list[Path]) -> None:
    """Put every staged file in place and remove ``removed``, all or nothing.

    A journal in ``folder`` lists every change and a backup (a hard link) of every file about to
    be replaced or removed; only when every change is made is the journal deleted, which commits
    the build. A failure rolls back at once; a build killed meanwhile is rolled back by the next
    build of the folder (:func:`recover`). Raises :class:`BuildError` saying what failed."""
    journal = folder / JOURNAL_FILE
    entries = [_Change.of(folder, item.target, item.temporary) for item in staged]
    # a file written now is never also removed (on a case-insensitive disk Sheet.pdf is sheet.pdf)
    written = {os.path.normcase(os.path.abspath(item.target)) for item in staged}
    removed = [p for p in removed if os.path.normcase(os.path.abspath(p)) not in written]
    gone = [_Change.of(folder, path, None) for path in removed if os.path.lexists(path)]
    _write_journal(journal, entries, gone)
    step = ""
    try:
        for entry in entries + gone:
            if entry.backup is not None:
                step = f"{entry.target}: cannot keep a copy of the last build's file"
                _link(folder / entry.target, folder / entry.backup)
        for entry in entries:
            step = f"{entry.target}: cannot put the new file in place"
            _rename(folder / str(entry.temporary), folder / entry.target)
        for entry in gone:
            step = f"{entry.target}: cannot remove the file no longer made"
            (folder / entry.target).unlink()
        step = f"{journal.name}: cannot finish publishing"
        for changed in {(folder / e.target).parent for e in entries + gone}:
            _sync_folder(changed)  # every change on disk before the commit point
        journal.unlink()  # the commit point: from here on the new build stands
        _sync_folder(folder)
    except OSError as exc:
        restored = recover(folder)
        state = "every file is as the last build left it" if restored else "the next build restores it"
        raise BuildError(f"{folder / step}: {exc.strerror or exc}; nothing was published: {state}") from None
    except BaseException:  # interrupted (Ctrl-C): put everything back now, not at the next build
        recover(folder)
        raise
    for entry in entries + gone:
        if entry.backup is not None:
            remove(folder / entry.backup)
    _prune(folder, [folder / entry.target for entry in gone])


def _prune(folder: Path, removed: list[Path]) -> None:
    """Remove the folders inside ``folder`` that the removed files left empty (the open data's,
    once it is turned off), so that a folder of outputs never stays behind with none."""
    for path in removed:
        parent = path.parent
        while parent != folder and inside(folder, parent):
            try:
                parent.rmdir()  # only an empty folder
            except OSError:
                break
            parent = parent.parent


def recover(folder: Path) -> bool:
    """Roll back a publishing that did not finish (its journal is still there): every replaced or
    removed file gets its backup back, every new file goes. True when the folder is whole again."""
    journal = folder / JOURNAL_FILE
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    try:
        for entry in data.get("files", []) + data.get("removed", []):
            _restore(folder, _Change(**entry))
        journal.unlink()
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class _Change:
    """One change publishing makes, as the journal lists it (paths inside the folder)."""

    target: str
    temporary: str | None
    """the staged file to put in place; None for a file removed"""
    backup: str | None
    """the last build's file, kept under this name until the build is committed"""

    @classmethod
    def of(cls, folder: Path, target: Path, temporary: Path | None) -> _Change:
        backup = target.with_name(f"{TEMP_PREFIX}old-{uuid.uuid4().hex[:12]}-{target.name}")
        return cls(
            _inside(folder, target),
            _inside(folder, temporary) if temporary is not None else None,
            _inside(folder, backup) if os.path.lexists(target) else None,
        )


def _inside(folder: Path, path: Path) -> str:
    """``path`` relative to ``folder`` (either may be relative to the working folder)."""
    return Path(os.path.relpath(path, folder)).as_posix()


def _restore(folder: Path, entry: _Change) -> None:
    target = folder / entry.target
    temporary = folder / entry.temporary if entry.temporary else None
    backup = folder / entry.backup if entry.backup else None
    if backup is not None:
        if backup.exists():
            _rename(backup, target)  # the old file back (a no-op when still the same file)
            remove(backup)
    elif temporary is not None and not temporary.exists():
        remove(target)  # a new file, already in place: gone again
    if temporary is not None:
        remove(temporary)


def _write_journal(journal: Path, files: list[_Change], removed: list[_Change]) -> None:
    content = {"files": [vars(c) for c in files], "removed": [vars(c) for c in removed]}
    data = json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")
    item = stage(journal, data)
    try:
        _rename(item.temporary, journal)
    except OSError as exc:
        remove(item.temporary)
        raise BuildError(f"{journal}: cannot write: {exc.strerror or exc}; nothing was published") from None
    _sync_folder(journal.parent)


def _sync_folder(folder: Path) -> None:
    """Make the folder's new entries durable (a power cut after this keeps the journal)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sweep(folder: Path) -> bool:
    """Before a build writes ``folder`` (holding its lock): roll back what a killed build left
    half-published, and remove every temporary file a killed build left. Returns whether there
    was a half-published build to roll back."""
    interrupted = (folder / JOURNAL_FILE).exists()
    if interrupted and not recover(folder):
        raise BuildError(
            f"{folder / JOURNAL_FILE}: an interrupted build's changes cannot be rolled back; "
            "remove the folder's outputs and build again"
        )
    if folder.is_dir():
        for path in folder.rglob(f"{TEMP_PREFIX}*"):
            if path.is_file() and path.name not in (LOCK_NAME, JOURNAL_FILE):
                remove(path)
    return interrupted
