"""Benchmark of the decision memo renderers: one memo in each format, then PDFs in a row.

Run: ``.venv/bin/python bench/memo_bench.py [--repeat N] [--batch N]``. Pure Python, no Django.
The memo is the realistic one of the tests (7 criteria, red line, flags, footprint, decisions).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boussole.reports import (
    build_document,
    compass_svg,
    render_memo_html,
    render_memo_odt,
    render_memo_pdf,
)
from tests.reports.memo_fixture import sample_memo


def timed(label: str, repeat: int, fn: Callable[[], object]) -> None:
    fn()  # warm-up (the first PDF loads the embedded fonts)
    samples = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - start)
        size = len(out) if isinstance(out, str | bytes) else 0
    median = statistics.median(samples) * 1e3
    worst = max(samples) * 1e3
    extra = f"   {size / 1024:7.1f} Kio" if size else ""
    print(f"{label:<36} médiane {median:8.2f} ms   max {worst:8.2f} ms"
          f"   ({repeat} répétitions){extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    memo = sample_memo()

    start = time.perf_counter()
    render_memo_pdf(memo)
    print(f"{'premier PDF (polices chargées)':<36} {(time.perf_counter() - start) * 1e3:8.2f} ms")
    timed("contenu (validation + blocs)", args.repeat, lambda: build_document(memo))
    timed("boussole SVG", args.repeat, lambda: compass_svg(memo["criteria"]))
    timed("HTML", args.repeat, lambda: render_memo_html(memo))
    timed("ODT", args.repeat, lambda: render_memo_odt(memo))
    timed("PDF (PDF/A-2a + PDF/UA-1)", args.repeat, lambda: render_memo_pdf(memo))

    start = time.perf_counter()
    total = 0
    for index in range(args.batch):
        memo["case"]["reference"] = f"2026-{index:03d}"
        total += len(render_memo_pdf(memo))
    elapsed = time.perf_counter() - start
    print(f"{args.batch} PDF à la suite : {elapsed:.2f} s au total, "
          f"{elapsed / args.batch * 1e3:.1f} ms par note, {total / args.batch / 1024:.0f} Kio "
          "en moyenne")


if __name__ == "__main__":
    main()
