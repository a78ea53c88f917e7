"""A bounded load test of ``motions serve`` on 127.0.0.1.

usage: python bench/bench_web_load.py [--visitors 20] [--seconds 60] [--threads 8]

Starts ``motions serve --read-only`` (waitress) on a free port of this
machine, then VISITORS concurrent visitors each run, for SECONDS, the journey
of a group generating its motion, each for different communes (the 2,000 most
populous communes of metropolitan France, dealt out between visitors, so the
render cache does not answer for them):

  suggestions as one types -> the commune by name -> the draft page -> the motion's PDF

and reports the throughput (requests and PDFs per second), p50 and p95 latency
per kind of request and overall, and the errors (any HTTP status >= 400, any
connection error or timeout), then stops the server. Only 127.0.0.1 is ever
contacted; every loop is bounded by the deadline and every request by a timeout.
Exit status 1 if there was any error.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REQUEST_TIMEOUT = 120


def start_server(threads: int) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "motions", "serve", "--host", "127.0.0.1", "--port", "0",
                             "--read-only", "--threads", str(threads)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    line = proc.stdout.readline()
    m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return proc, m.group(1)


def communes_for(visitors: int) -> list[list]:
    from motions import communes

    metro = [c for c in communes.all_communes() if c.zone == "metro"]
    top = sorted(metro, key=lambda c: -c.population)[:2000]
    return [top[i::visitors] for i in range(visitors)]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, kind: str, ms: float):
        with self.lock:
            self.times[kind].append(ms)

    def error(self, text: str):
        with self.lock:
            self.errors.append(text)


def get(base: str, path: str, kind: str, stats: Stats) -> bytes | None:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=REQUEST_TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        stats.error(f"{kind} {path[:80]}: HTTP {exc.code}")
        return None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        stats.error(f"{kind} {path[:80]}: {exc}")
        return None
    stats.add(kind, (time.perf_counter() - start) * 1000)
    return body


def visitor(base: str, places: list, deadline: float, stats: Stats) -> None:
    for place in places:
        if time.monotonic() >= deadline:
            return
        name = place.name
        get(base, "/suggestions?q=" + urllib.parse.quote(name[:4]), "suggestions", stats)
        get(base, "/commune?q=" + urllib.parse.quote(f"{name} ({place.departement.code})"), "commune", stats)
        query = f"commune={place.insee}&motion=biometrie"
        get(base, f"/projet?{query}", "draft page", stats)
        if time.monotonic() >= deadline:
            return
        body = get(base, f"/telecharger/texte.pdf?{query}", "motion PDF", stats)
        if body is not None and not body.startswith(b"%PDF"):
            stats.error(f"motion PDF {place.insee}: not a PDF")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=32, help="waitress worker threads (motions serve --threads)")
    args = parser.parse_args()
    proc, base = start_server(args.threads)
    try:
        deals = communes_for(args.visitors)
        urllib.request.urlopen(base + "/sante", timeout=30).read()
        stats = Stats()
        start = time.monotonic()
        deadline = start + args.seconds
        threads = [threading.Thread(target=visitor, args=(base, deals[i], deadline, stats)) for i in range(args.visitors)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + REQUEST_TIMEOUT + 10)
        elapsed = time.monotonic() - start
    finally:
        proc.terminate()
        proc.wait(30)
    every = [t for ts in stats.times.values() for t in ts]
    print(f"{args.visitors} visitors, {args.seconds:.0f} s, waitress {args.threads} threads, {base} "
          f"({os.cpu_count()} CPUs; load average at the end {os.getloadavg()[0]:.1f})")
    print(f"requests: {len(every)} in {elapsed:.1f} s = {len(every) / elapsed:.1f}/s; "
          f"motion PDFs: {len(stats.times['motion PDF'])} = {len(stats.times['motion PDF']) / elapsed:.2f}/s")
    for kind in ("suggestions", "commune", "draft page", "motion PDF"):
        ts = stats.times.get(kind, [])
        if ts:
            print(f"  {kind:<12} n={len(ts):<5} p50 {statistics.median(ts):8.0f} ms  p95 {percentile(ts, 0.95):8.0f} ms"
                  f"  max {max(ts):8.0f} ms")
    if every:
        print(f"  {'all':<12} n={len(every):<5} p50 {statistics.median(every):8.0f} ms  "
              f"p95 {percentile(every, 0.95):8.0f} ms")
    print(f"errors: {len(stats.errors)}")
    for e in stats.errors[:20]:
        print("  " + e)
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
