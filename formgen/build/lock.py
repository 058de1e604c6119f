"""One build at a time per output folder: a lock file held for the whole build.

The lock is an advisory lock (``flock``) on ``<year folder>/.~formgen-lock``, which
the operating system releases when the process ends however it ends, so a
killed build never leaves a stale lock behind. The file holds the process id of
the build that holds it, so a second build can say which process it waits for,
and is removed when the build ends (a build that got the lock on a file removed
meanwhile tries again on the new one).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType

from ..errors import BuildError
from ..publish import LOCK_NAME

if sys.platform == "win32":  # pragma: no cover - formgen's CI runs on Linux
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class FolderLock:
    """Held while a build reads and writes ``folder``; ``wait`` seconds to get it, then a
    :class:`BuildError` (exit status 1) naming the process that holds it."""

    def __init__(self, folder: Path, wait: float = 0.0):
        self.path = folder / LOCK_NAME
        self.wait = wait
        self._fd: int | None = None
        self._made: list[Path] = []
        """folders made for the lock: removed again when the build leaves them empty"""

    def __enter__(self) -> FolderLock:
        deadline = time.monotonic() + self.wait
        while True:
            fd = self._open()
            if _try_lock(fd):
                if self._still_there(fd):
                    break
                os.close(fd)  # the holder removed the file as we locked it: lock the new one
                continue
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise BuildError(
                    f"{self.path.parent}: another formgen build{holder} is writing this folder; "
                    "wait for it to finish (or stop it) and build again, or give --wait"
                )
            time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._fd is not None:
            try:
                self.path.unlink()  # while still held: no one can be holding the file removed
            except OSError:
                pass
            os.close(self._fd)  # closing releases the lock
            self._fd = None
        for folder in self._made:  # innermost first: a failed first build leaves no empty folder
            try:
                folder.rmdir()
            except OSError:
                break

    def _open(self) -> int:
        try:
            missing = [p for p in (self.path.parent, *self.path.parent.parents) if not p.exists()]
            self.path.parent.mkdir(parents=True, exist_ok=True)  # every try: a build ending may remove it
            self._made = self._made or missing
            try:
                return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except FileNotFoundError:  # the folder went with a build that just ended: once more
                self.path.parent.mkdir(parents=True, exist_ok=True)
                return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise BuildError(f"{self.path.parent}: cannot write there: {exc.strerror or exc}") from None

    def _still_there(self, fd: int) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except OSError:
            return False


def _holder(fd: int) -> str:
    """' (process N)' from the lock file, when it says."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {text})" if text.isdigit() else ""
