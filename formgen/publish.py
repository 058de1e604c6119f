"""Writing outputs so that a reader never sees a half-written file, and a failed build changes nothing.

Each file is first *staged*: written to a temporary file in its own folder,
flushed to disk and given ordinary permissions (0644). Only when every file
of a build is staged are they *committed*, each by an atomic rename over the
old one. A build that fails discards its staged files, so every earlier
output stays exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import BuildError, InputError


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
        f"must be a whole number of seconds since 1970-01-01, before 2108, got {epoch!r}",
    )


_ZIP_DATES_END = int(datetime(2108, 1, 1, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Staged:
    """A complete file waiting to replace ``target``."""

    target: Path
    temporary: Path
    sha256: str
    size: int


def stage(target: Path, data: bytes) -> Staged:
    """Write ``data`` next to ``target`` under a temporary name."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise BuildError(f"{target.parent}: cannot write there: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        remove(Path(tmp))
        raise BuildError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return Staged(target, Path(tmp), hashlib.sha256(data).hexdigest(), len(data))


def commit(staged: Staged) -> None:
    """Put a staged file in place (atomic rename)."""
    try:
        os.replace(staged.temporary, staged.target)
    except OSError as exc:
        raise BuildError(f"{staged.target}: cannot write: {exc.strerror or exc}") from None


def discard(staged: list[Staged]) -> None:
    for item in staged:
        remove(item.temporary)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temporary file + rename)."""
    commit(stage(path, data))


def remove(path: Path) -> None:
    """Remove a file if it is there."""
    try:
        path.unlink()
    except OSError:
        pass


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
