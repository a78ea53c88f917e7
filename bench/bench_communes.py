"""Time the commune data: cold start, warm lookups, fuzzy suggestions.

usage: python bench/bench_communes.py [--runs N]

Every command resolves a commune first, so its cost is paid on every run of the
program. "Cold" runs a fresh interpreter per sample (reported both as the time
spent inside the process from ``import motions.communes`` to the answer, and as
the whole process's wall time next to an empty interpreter's, for scale);
"warm" repeats calls in one process with the data already loaded. Medians.

Cold runs use compiled bytecode, as an installed package does: the subprocesses
get a temporary ``PYTHONPYCACHEPREFIX`` (nothing is written in the source tree)
even if ``PYTHONDONTWRITEBYTECODE`` is set; one line shows the cost without it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLD_SNIPPETS = {
    "import motions.communes only": "pass",
    "import + load (CommuneIndex, no lookup)": "C.load()",
    "import + load + lookup('Villejuif')": "C.lookup('Villejuif')",
    "import + load + lookup('94800') (postal)": "C.lookup('94800')",
    "import + load + lookup('Marseille 1er')": "C.lookup('Marseille 1er')",
    "import + load + nearest('Villejuiff') (fuzzy)": "C.load().nearest('Villejuiff')",
    "import + load + lookup('Villejuiff') -> error (fuzzy + click)": (
        "exec('try: C.lookup(\"Villejuiff\")\\nexcept Exception: pass')"
    ),
}

COLD_TEMPLATE = """
import time
t0 = time.perf_counter()
import motions.communes as C
{snippet}
print((time.perf_counter() - t0) * 1000)
"""


def _env(bytecode: bool) -> dict[str, str]:
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = PYCACHE
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


PYCACHE = tempfile.mkdtemp(prefix="motions-bench-pycache-")


def cold(snippet: str, runs: int, bytecode: bool = True) -> tuple[float, float]:
    """Median in-process ms and median wall ms of a fresh interpreter."""
    inner, wall = [], []
    code = COLD_TEMPLATE.format(snippet=snippet)
    env = _env(bytecode)
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True)  # compile
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        wall.append((time.perf_counter() - t) * 1000)
        inner.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(inner), statistics.median(wall)


def interpreter_wall(runs: int) -> float:
    wall = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=_env(True), check=True)
        wall.append((time.perf_counter() - t) * 1000)
    return statistics.median(wall)


def warm(fn, runs: int, inner: int) -> float:
    """Median ms per call over ``runs`` batches of ``inner`` calls."""
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t) * 1000 / inner)
    return statistics.median(samples)


def swallow(fn):
    def call():
        try:
            fn()
        except Exception:  # noqa: BLE001 - errors are the point of these cases
            pass

    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="samples per measure (default 21)")
    args = parser.parse_args()
    runs = max(3, args.runs)

    import motions.communes as C

    data_file = Path(C.DATA_FILE)
    print(f"data file: {data_file.relative_to(ROOT)}, {data_file.stat().st_size / 1e6:.2f} MB")
    print(f"python {sys.version.split()[0]}, {runs} samples per measure, medians\n")

    print("cold (fresh interpreter per sample)        in-process ms   process wall ms")
    print(f"  {'empty interpreter (python -c pass)':<62}{'':>9}   {interpreter_wall(runs):>8.1f}")
    for label, snippet in COLD_SNIPPETS.items():
        inner, wall = cold(snippet, runs)
        print(f"  {label:<62}{inner:>9.1f}   {wall:>8.1f}")
    inner, wall = cold(COLD_SNIPPETS["import + load + lookup('Villejuif')"], runs, bytecode=False)
    print(f"  {'same, lookup(Villejuif), source compiled each time (no .pyc)':<62}{inner:>9.1f}   {wall:>8.1f}")

    index = C.load()
    load_ms = warm(lambda: C.CommuneIndex(data_file.read_bytes()), runs, 1)
    print("\nwarm (data loaded, same process)                          ms per call")
    print(f"  {'read + index the data file (CommuneIndex)':<56}{load_ms:>10.3f}")
    cases = {
        "lookup('Villejuif')": lambda: index.lookup("Villejuif"),
        "lookup('saint etienne')": lambda: index.lookup("saint etienne"),
        "lookup('94076') (INSEE)": lambda: index.lookup("94076"),
        "lookup('94800') (postal)": lambda: index.lookup("94800"),
        "lookup('Sainte-Colombe (69)')": lambda: index.lookup("Sainte-Colombe (69)"),
        "lookup('Paris 15e')": lambda: index.lookup("Paris 15e"),
        "lookup('Sainte-Colombe') -> AmbiguousCommune": swallow(lambda: index.lookup("Sainte-Colombe")),
        "lookup('Villejuiff') -> CommuneNotFound (fuzzy)": swallow(lambda: index.lookup("Villejuiff")),
        "nearest('Villejuiff') (fuzzy)": lambda: index.nearest("Villejuiff"),
        "search('saint etienne', 10)": lambda: index.search("saint etienne", 10),
        "search('vilejuif', 10) (fuzzy)": lambda: index.search("vilejuif", 10),
    }
    for label, fn in cases.items():
        fn()  # first call builds caches
        slow = "fuzzy" in label or "search" in label
        print(f"  {label:<56}{warm(fn, runs, 5 if slow else 200):>10.3f}")
    t = time.perf_counter()
    n = sum(1 for _ in index.all_communes(None))
    print(f"  {f'all_communes(None): {n} objects, first time':<56}{(time.perf_counter() - t) * 1000:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
