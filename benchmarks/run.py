"""Build a synthetic year with formgen and compare with LibreOffice printing the same workbooks.

    python benchmarks/run.py --areas 42 --jobs 2

1. writes N synthetic areas (benchmarks/synth.py) into a work folder;
2. runs `formgen build` (workbooks, PDFs and the book) in a fresh Python
   process, three times (forced, over the same folder), and measures its wall
   time, start-up and imports included, and the peak memory of the main process
   and of each worker;
3. has LibreOffice convert the same workbooks to PDF in one `soffice` call, three
   times (after a warm-up conversion, so its one-off profile creation is not
   counted), and reports the ratio of the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from synth import write_year  # noqa: E402

from formgen.publish import CACHE_FOLDER  # noqa: E402

# Runs formgen's build in a child process and reports the peak memory of that
# process (the main one) and of its direct children (the pool workers).
CHILD = """
import json, resource, sys
from pathlib import Path
from formgen.build import BuildOptions, build
from formgen.config.load import load_config
data, layouts, fonts, out, jobs, config, documents = sys.argv[1:8]
report = build(BuildOptions(data_dir=Path(data), layouts_dir=Path(layouts), fonts_dir=Path(fonts),
                            out_dir=Path(out), jobs=int(jobs), force=True, config=load_config(Path(config)),
                            documents=tuple(documents.split(",")) if documents else ()))
print(json.dumps({
    "main_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "worker_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "pages": report.pages, "book_pages": report.books.get("book.pdf", 0), "files": len(report.written),
}))
from formgen.cli import leave
leave(0)  # as the command ends (formgen.cli.run)
"""


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def interpreter(python: str) -> str:
    """An interpreter's version and where it is: a distribution's PGO/LTO build runs formgen
    ~15 % faster than an unoptimised one, so every report names the one it ran on."""
    code = "import platform, sys; print(platform.python_version(), sys.executable)"
    said = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    version, path = said.strip().split(maxsplit=1)
    return f"{version} ({os.path.realpath(path)})"


def child_env() -> dict[str, str]:
    """The environment of a timed formgen process: this tree's code, bytecode cached as installed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_formgen(work: Path, jobs: int, documents: str, python: str = sys.executable) -> dict:
    """A forced build of the whole year in a fresh process of ``python``, from an empty cache:
    every run makes everything (a forced build over a kept cache reuses the open data's
    per-area parts, 55 ms less at 42 areas), as the first build of a year does."""
    env = child_env()
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "formgen")], check=True, env=env)
    shutil.rmtree(work / "out" / CACHE_FOLDER, ignore_errors=True)
    args = [str(work / "data"), str(ROOT / "layouts"), str(ROOT / "fonts"), str(work / "out"), str(jobs)]
    args += [str(ROOT / "formgen.yaml"), documents]
    start = time.perf_counter()
    done = subprocess.run([python, "-c", CHILD, *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["seconds"] = seconds
    pdfs = [p for p in (work / "out" / "R7").glob("*.pdf") if p.name != "book.pdf"]
    result["pdf_bytes"] = sum(p.stat().st_size for p in pdfs)
    book = work / "out" / "R7" / "book.pdf"
    result["book_bytes"] = book.stat().st_size if book.exists() else 0
    return result


def run_command(work: Path, jobs: int, documents: str, *extra: str) -> float:
    """Seconds of ``formgen build`` as a clerk types it (the command, in a fresh process)."""
    env = child_env()
    folders = ["--data", str(work / "data"), "--layouts", str(ROOT / "layouts"), "--fonts", str(ROOT / "fonts")]
    folders += ["--out", str(work / "out"), "--config", str(ROOT / "formgen.yaml"), "--jobs", str(jobs)]
    chosen = [arg for name in documents.split(",") if name for arg in ("--document", name)]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "formgen.cli", "build", *folders, *chosen, *extra],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr)
    return seconds


def daily(work: Path, jobs: int, documents: str, runs: int = 3) -> dict[str, list[float]]:
    """What a clerk's day costs, each ``runs`` times, as ``formgen build`` commands: a forced full
    build, a rebuild with nothing changed, a rebuild after editing one area, one area alone."""
    times: dict[str, list[float]] = {"full": [], "unchanged": [], "one area edited": [], "one area alone": []}
    edited = sorted((work / "data" / "R7").glob("*.yaml"))[0]
    original = edited.read_bytes()
    for run in range(runs):
        times["full"].append(run_command(work, jobs, documents, "--force"))
        times["unchanged"].append(run_command(work, jobs, documents))
        edited.write_bytes(original + f"\n# edit {run}\n".encode())
        times["one area edited"].append(run_command(work, jobs, documents))
        times["one area alone"].append(run_command(work, jobs, documents, "--area", edited.stem))
    edited.write_bytes(original)
    return times


# Builds the year in one process (one job) with a CPU-time counter around each stage of
# formgen.build.render and the book's writer: where an area's time goes.
STAGES = """
import functools, json, sys, time
from pathlib import Path
import formgen.book_writer as book
import formgen.build.render as render
from formgen.build import BuildOptions, build
from formgen.config.load import load_config
spent = {}
def counted(owner, name, key):
    function = getattr(owner, name)
    @functools.wraps(function)
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[key] = spent.get(key, 0.0) + time.process_time() - start
    setattr(owner, name, timed)
for name, key in [("load", "load record"), ("compose", "compose"), ("write_xlsx", "workbook"),
                  ("write_pdf", "PDF"), ("draw_pages", "pages for the book only")]:
    counted(render, name, key)
counted(book.BookBuilder, "add", "book: an area's pages")
counted(book.BookBuilder, "finish", "book: front matter, fonts, outline")
data, layouts, fonts, out, config, documents = sys.argv[1:7]
start = time.process_time()
build(BuildOptions(data_dir=Path(data), layouts_dir=Path(layouts), fonts_dir=Path(fonts), out_dir=Path(out),
                   jobs=1, force=True, config=load_config(Path(config)), documents=tuple(documents.split(","))))
spent["whole build"] = time.process_time() - start
print(json.dumps(spent))
"""


def run_stages(work: Path, documents: str) -> dict[str, float]:
    """CPU seconds of each stage over the year, built in one process."""
    env = child_env()
    args = [str(work / "data"), str(ROOT / "layouts"), str(ROOT / "fonts"), str(work / "stages-out")]
    args += [str(ROOT / "formgen.yaml"), documents]
    done = subprocess.run([sys.executable, "-c", STAGES, *args], capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compression_floor(folder: Path) -> float:
    """CPU seconds to compress, once, what the year's workbooks and PDFs hold compressed (zlib 6 for
    the workbooks' parts, as XlsxWriter; libdeflate 6 for the PDFs' streams and object streams,
    as formgen): the part of a build no writer can avoid."""
    import zipfile
    import zlib

    import deflate
    import pikepdf

    blobs: list[tuple[str, bytes]] = []
    for path in sorted(folder.glob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            blobs += [("zlib", archive.read(name)) for name in archive.namelist()]
    for path in sorted(folder.glob("*.pdf")):
        if path.name == "book.pdf":
            continue
        with pikepdf.open(path) as pdf:
            blobs += [("deflate", obj.read_bytes()) for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
            # the small objects qpdf shows unpacked went into object streams: their syntax, compressed
            small = b"\n".join(bytes(obj.unparse()) for obj in pdf.objects if not isinstance(obj, pikepdf.Stream))
            blobs.append(("deflate", small))
    start = time.process_time()
    for kind, data in blobs:
        zlib.compress(data, 6) if kind == "zlib" else deflate.zlib_compress(data, 6)
    return time.process_time() - start


RUNS = 3
"""runs of the full build and of LibreOffice's print: their medians are compared"""


def run_libreoffice(work: Path) -> dict:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed")
    books = work / "lo"
    books.mkdir()
    for path in sorted((work / "out" / "R7").glob("*.xlsx")):
        shutil.copy(path, books / path.name)
    profile = (work / "lo-profile").as_uri()
    warm = work / "warm"
    warm.mkdir()
    shutil.copy(next(books.glob("*.xlsx")), warm / "warm.xlsx")
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(warm), str(warm / "warm.xlsx")], check=True, capture_output=True)
    files = sorted(str(p) for p in books.glob("*.xlsx"))
    runs = []
    for _ in range(RUNS):
        shutil.rmtree(work / "lo-pdf", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([*command, "--outdir", str(work / "lo-pdf"), *files], check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    pages = {p.stem: pdf_pages(p) for p in (work / "lo-pdf").glob("*.pdf")}
    ours = {p.stem: pdf_pages(p) for p in (work / "out" / "R7").glob("*.pdf") if p.name != "book.pdf"}
    differ = sorted(area for area in ours if pages.get(area) != ours[area])
    seconds = statistics.median(runs)
    return {"seconds": seconds, "runs": runs, "pages": sum(pages.values()), "files": len(files), "differ": differ}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=42)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-libreoffice", action="store_true", help="only time formgen")
    parser.add_argument("--keep", type=Path, help="keep the work folder here instead of a temporary one")
    parser.add_argument(
        "--daily", action="store_true", help="also time a clerk's day: rebuilds unchanged, after one edit, one area"
    )
    parser.add_argument("--stages", action="store_true", help="also: CPU ms an area by stage, in one process")
    parser.add_argument(
        "--documents",
        default="policy_area",
        help="documents of formgen.yaml to build, comma-separated, or '' for all (default: policy_area, "
        "the 施策評価票 LibreOffice is compared with)",
    )
    parser.add_argument(
        "--python",
        help="also time the full build with this interpreter (formgen's dependencies installed), alternating "
        "with the builds of the one running this script, against the same LibreOffice runs",
    )
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="formgen-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        write_year(args.areas, work / "data")
        builds, others = [], []
        for _ in range(RUNS):  # each forced, in place; a second interpreter's builds alternate with them
            builds.append(run_formgen(work, args.jobs, args.documents))
            if args.python:
                others.append(run_formgen(work, args.jobs, args.documents, args.python))
        fg = sorted(builds, key=lambda b: b["seconds"])[len(builds) // 2]  # the median build (RUNS is odd)
        print(f"areas                  {args.areas}")
        print(f"cores                  {os.cpu_count()}")
        print(f"python                 {interpreter(sys.executable)}")
        print(f"formgen jobs           {args.jobs}")
        print(f"documents              {args.documents or 'all'} ({fg['files']} files)")
        print(f"pages                  {fg['pages']} (each as xlsx and PDF) + book {fg['book_pages']}")
        shown = ", ".join(f"{b['seconds']:.2f}" for b in builds)
        print(f"formgen wall           {fg['seconds']:.2f} s median (runs: {shown}; whole process: imports to exit)")
        if others:
            other = statistics.median(b["seconds"] for b in others)
            shown = ", ".join(f"{b['seconds']:.2f}" for b in others)
            print(f"formgen wall, --python {other:.2f} s median (runs: {shown}; {interpreter(args.python)})")
        print(f"formgen pages/s        {fg['pages'] / fg['seconds']:.0f}")
        print(f"peak RSS main          {fg['main_rss_kb'] / 1024:.0f} MB")
        print(f"peak RSS per worker    {fg['worker_rss_kb'] / 1024:.0f} MB")
        per_page = fg["pdf_bytes"] / 1024 / fg["pages"]
        book_per_page = fg["book_bytes"] / 1024 / fg["book_pages"]
        print(f"KB per PDF page        {per_page:.1f} (book {book_per_page:.1f})")
        if args.stages:
            for name, seconds in run_stages(work, args.documents).items():
                print(f"{name:<36} {seconds * 1000 / args.areas:6.1f} ms an area (CPU, one process)")
            floor = compression_floor(work / "stages-out" / "R7")
            print(f"{'floor: compressing what is written':<36} {floor * 1000 / args.areas:6.1f} ms an area")
        if args.daily:
            for name, seconds in daily(work, args.jobs, args.documents).items():
                shown = ", ".join(f"{t:.2f}" for t in seconds)
                print(f"{name + ' (median)':<26} {statistics.median(seconds):.2f} s (runs: {shown})")
        if not args.no_libreoffice:
            lo = run_libreoffice(work)
            what = f"PDF only, {lo['files']} workbooks, {lo['pages']} pages, one call"
            shown = ", ".join(f"{t:.2f}" for t in lo["runs"])
            print(f"LibreOffice wall       {lo['seconds']:.2f} s median (runs: {shown}; {what})")
            print(f"LibreOffice pages/s    {lo['pages'] / lo['seconds']:.0f}")
            same = "yes" if not lo["differ"] else f"no, areas {', '.join(lo['differ'])}"
            print(f"same page count        {same} (LibreOffice's print of each workbook vs formgen's PDF)")
            print(f"ratio                  {lo['seconds'] / fg['seconds']:.1f}x (medians: LibreOffice / formgen)")
            if others:
                print(f"ratio, --python        {lo['seconds'] / other:.1f}x (medians: LibreOffice / formgen)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
