"""The render cost of tagging: a motion and a flyer as PDF/UA-1 (tagged, the
default) and with no variant (untagged), warm, in-process.

usage: .venv/bin/python bench/bench_pdfua.py [--runs N] [--commune NAME]

Each row is the median of N renders (after one warm-up) in process CPU time
(``time.process_time``), so that other programs on the machine matter less.
"Warm": the library loaded, WeasyPrint imported, fonts and stylesheets cached,
as in a batch run. The model is composed once; only the writer is timed
(HTML, layout, drawing, tags, our finisher, PDF bytes). The PDF/A-3u row is
the archival variant, tagged too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


VARIANTS = ("none", "pdf/ua-1", "pdf/a-3u")


def medians_ms(render, runs: int) -> dict[str, float]:
    """Median CPU time per variant; the variants take turns within each round,
    so that a drift of the machine (or a cache warming) favours none of them."""
    for v in VARIANTS:
        render(v)  # warm-up
    samples: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for _ in range(runs):
        for v in VARIANTS:
            t0 = time.process_time()
            render(v)
            samples[v].append((time.process_time() - t0) * 1000)
    return {v: statistics.median(s) for v, s in samples.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--commune", default="Villejuif")
    args = parser.parse_args(argv)

    from motions.api import Request, compose
    from motions.communes import lookup
    from motions.compose.flyer import FlyerOptions, compose_flyer
    from motions.library import load_library
    from motions.resources import Resources
    from motions.writers import WriterOptions, get
    from motions.writers.flyer import render_flyer

    resources = Resources(load_library(None, with_cwd=False), now=dt.datetime(2026, 11, 29, 12))
    commune = lookup(args.commune)
    motion = compose(Request(commune, "biometrie"), resources).motion
    flyer = compose_flyer(resources, commune, options=FlyerOptions(
        date=dt.date(2026, 3, 14), place="salle du conseil", contact="collectif@example.org",
        url="https://example.org/v", group="Collectif"))

    rows = []
    for label, render in (
        ("motion", lambda v: get("pdf").write(motion, resources, WriterOptions(pdf_variant=v))),
        ("flyer a5", lambda v: render_flyer(flyer, resources, "a5", WriterOptions(pdf_variant=v))),
    ):
        times = medians_ms(render, args.runs)
        sizes = {v: len(render(v)) for v in ("none", "pdf/ua-1")}
        rows.append((label, times, sizes))

    print(f"{args.commune}, median of {args.runs} renders, process CPU time (ms)")
    print(f"{'document':10} {'none':>8} {'pdf/ua-1':>9} {'cost':>7} {'pdf/a-3u':>9} {'size none':>10} {'size ua':>9}")
    for label, t, s in rows:
        cost = (t["pdf/ua-1"] / t["none"] - 1) * 100
        print(f"{label:10} {t['none']:8.1f} {t['pdf/ua-1']:9.1f} {cost:+6.0f}% {t['pdf/a-3u']:9.1f} "
              f"{s['none'] / 1024:9.1f}k {s['pdf/ua-1'] / 1024:8.1f}k")


if __name__ == "__main__":
    main()
