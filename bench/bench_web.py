"""The web application's server-side latencies, against their targets.

usage: python bench/bench_web.py [--runs N]

Times requests through Flask's test client (the application's own work, no
network, no browser), with one warm Resources as ``motions serve`` builds:

- commune suggestions as one types (target: under 50 ms), for prefixes,
  codes and misspellings;
- the draft page of a motion (target: under 150 ms), for communes of every
  regime, each first seen (a new composition; nothing cached);
- a motion's PDF, warm (target: under 600 ms): the Resources warm, but a new
  input each time (a session date the cache has not seen), so each one is a
  real render; and the same PDF again, from the render cache;
- the same downloads from a server started with ``--pdf-engine typst``.

Prints the median, the 95th percentile and the worst of each, and whether the
target holds at the 95th percentile. Figures are for this machine.
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

QUERIES = ["vi", "vil", "villej", "villejuif", "sain", "saint-e", "le mans", "lyon", "paris", "94800", "13001",
           "Vilejuif", "marsel", "bordeau", "l'hay", "Sainte-Colombe (69)", "st etienne", "aix en", "cp:13001"]
COMMUNES = ["94076", "75056", "75115", "69123", "69383", "13055", "13201", "67482", "57463", "2A004", "97411",
            "33063", "31555", "59350", "35238", "44109", "06088", "34172", "72181", "01001", "64445", "29019"]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed(client, url) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code >= 400:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed


def report(label: str, times: list[float], target: float | None) -> bool:
    p50, p95, worst = statistics.median(times), percentile(times, 0.95), max(times)
    ok = target is None or p95 < target
    verdict = "" if target is None else (f"  target < {target:.0f} ms: " + ("ok" if ok else "MISSED"))
    print(f"{label:<44} n={len(times):<4} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {worst:7.1f} ms{verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds over the queries (default 5)")
    args = parser.parse_args()

    import logging

    from motions.resources import load
    from motions.web import create_app

    logging.getLogger("motions").setLevel(logging.ERROR)
    start = time.perf_counter()
    resources = load(None, with_cwd=False, cache=False)
    app = create_app(resources, read_only=True)
    app.extensions["motions"].finder.suggestions.build()
    client = app.test_client()
    print(f"start-up (library, app, suggestion index): {time.perf_counter() - start:.2f} s")
    # warm-up, as the first visitors of a started server do
    timed(client, "/suggestions?q=vil")
    timed(client, "/projet?commune=94076&motion=biometrie")
    timed(client, "/telecharger/texte.pdf?commune=94076&motion=biometrie")

    results = []
    times = [timed(client, f"/suggestions?q={q}") for _ in range(args.runs) for q in QUERIES]
    results.append(report("suggestions (prefix, code, misspelling)", times, 50))
    times = [timed(client, f"/projet?commune={c}&motion=biometrie") for c in COMMUNES]
    results.append(report("draft page, each commune first seen", times, 150))
    times = [timed(client, f"/projet?commune={c}&motion=vsa&f.cameras.count=12") for c in COMMUNES]
    results.append(report("draft page, another motion, with facts", times, 150))
    results += pdf_rows(client, "WeasyPrint", args.runs, 2027)
    times = [timed(client, "/telecharger/texte.pdf?commune=94076&motion=biometrie") for _ in range(args.runs)]
    results.append(report("motion PDF, same inputs (render cache)", times, None))
    typst = create_app(resources, read_only=True, pdf_engine="typst").test_client()  # serve --pdf-engine typst
    timed(typst, "/telecharger/texte.pdf?commune=94076&motion=biometrie")
    results += pdf_rows(typst, "Typst", args.runs, 2029)
    return 0 if all(results) else 1


def pdf_rows(client, engine: str, runs: int, year: int) -> list[bool]:
    """A motion's PDF, its dossier's and the A5 flyer, each a real render (a
    session date in ``year`` that no earlier request used), with ``engine``."""
    def dated(path: str, day: dt.date) -> str:
        return f"{path}?commune=94076&motion=biometrie&f.session.date={day.isoformat()}"

    first = dt.date(year, 1, 4)
    times = [timed(client, dated("/telecharger/texte.pdf", first + dt.timedelta(days=i))) for i in range(max(runs, 5))]
    results = [report(f"motion PDF, warm, new inputs, {engine}", times, 600)]
    times = [timed(client, dated("/telecharger/dossier.pdf", dt.date(year + 1, 1, i + 1))) for i in range(3)]
    results.append(report(f"dossier PDF, warm, new inputs, {engine}", times, None))
    times = [timed(client, dated("/tract/a5.pdf", dt.date(year + 1, 2, i + 1))) for i in range(3)]
    results.append(report(f"A5 flyer, warm, new inputs, {engine}", times, None))
    return results


if __name__ == "__main__":
    sys.exit(main())
