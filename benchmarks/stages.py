"""Time each pipeline stage on one data file (default: the shipped area 37).

    python benchmarks/stages.py [DATA_FILE] [--repeat N]

Prints the best of N runs per stage in milliseconds: reading the layout and
fonts (once per process), loading the record, composing the plan, writing
the workbook, writing the PDF.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best(fn, repeat: int):  # noqa: ANN001, ANN201
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datafile", nargs="?", type=Path, default=ROOT / "data" / "R7" / "37.yaml")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    from formgen.build import area_layout
    from formgen.compose import compose
    from formgen.config.load import load_config
    from formgen.datafiles import describe, load
    from formgen.writers.pdf import write_pdf
    from formgen.writers.xlsx import write_xlsx

    imports = (time.perf_counter() - start) * 1000
    config = load_config(ROOT / "formgen.yaml")
    layout_ms, layout = best(lambda: area_layout(ROOT / "layouts", ROOT / "fonts", config), 1)
    record_ms, sourced = best(lambda: load(describe(args.datafile), config=config), args.repeat)
    record = sourced.record
    compose_ms, plan = best(lambda: compose(layout, record), args.repeat)
    xlsx_ms, xlsx = best(lambda: write_xlsx(plan), args.repeat)
    pdf_ms, pdf = best(lambda: write_pdf(plan)[0], args.repeat)
    merges = sum(
        1 for s in plan.sheets for r in s.title_rows + s.rows for c in r.cells if c.colspan > 1 or c.rowspan > 1
    )
    print(f"data file        {args.datafile}")
    print(f"pages            {plan.pages}")
    print(f"merged ranges    {merges}")
    print(f"imports          {imports:8.1f} ms (once per process)")
    print(f"layout + fonts   {layout_ms:8.1f} ms (once per process)")
    print(f"load record      {record_ms:8.1f} ms")
    print(f"compose          {compose_ms:8.1f} ms")
    print(f"write xlsx       {xlsx_ms:8.1f} ms  ({len(xlsx) / 1024:.0f} KB)")
    print(f"write pdf        {pdf_ms:8.1f} ms  ({len(pdf) / 1024:.0f} KB, {len(pdf) / 1024 / plan.pages:.1f} KB/page)")


if __name__ == "__main__":
    main()
