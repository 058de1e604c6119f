"""Writing outputs so that a reader never sees a half-written file.

Each file is written to a temporary file in its own folder, flushed to disk,
given ordinary permissions (0644) and renamed over the old one: the rename
is atomic, so the old file stays whole until the new one is complete.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from .errors import BuildError


def document_time() -> datetime:
    """The date written into documents: SOURCE_DATE_EPOCH when set, else a fixed date,
    so that building twice gives the same bytes (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime(2000, 1, 1, tzinfo=UTC)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temporary file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise BuildError(f"{path}: cannot write: {exc.strerror or exc}") from None


def inside(folder: Path, path: Path) -> bool:
    """Whether ``path`` stays inside ``folder`` once resolved (no '..' or links out)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
