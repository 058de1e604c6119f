"""formgen: official Japanese municipal evaluation sheets from validated YAML records."""

from functools import cache

__version__ = "0.1.0"


@cache
def identity() -> str:
    """formgen's version and the sha256 of its own files (code, and data such as the sRGB
    profile, each by path and bytes; bytecode caches left out): every kept output and cache
    entry is keyed by it, so outputs count as current only when this very code made them, not
    merely a formgen of the same version number (3 ms, once a process). The libraries it writes
    with are pinned below their next major versions in pyproject.toml."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).parent
    code = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        code.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{__version__} {code.hexdigest()}"
