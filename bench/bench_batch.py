"""Many motions: batch throughput, the re-run with nothing changed, and LibreOffice.

usage: python bench/bench_batch.py [--library DIR] [--departement 94] [--jobs N] [--rounds 2]
                                   [--no-scaling] [--no-bare] [--no-france] [--no-libreoffice]

(c) ``motions batch --departement 94`` (Val-de-Marne, 47 communes, DOCX+PDF) in a
    new process, into an empty folder: wall time, the rendering phase's rate
    (communes/s, printed by the command), the extrapolation to all 34,969
    communes, the largest resident memory of a worker and of the parent; then the
    same with one worker (scaling with cores), and a pool of the bare engines
    (the same number of processes, each composing with our model, then
    python-docx and WeasyPrint used by hand, see bench_generate.py) on the same
    communes, for the ratio.
(d) The re-run with nothing changed: for the département (median of 3), and for
    all France: every output of the 34,969 communes is made up (small files,
    manifests recording their size and the right input hashes), then
    ``motions batch --all --allow-overseas`` is timed (median of 3; the first run
    also writes the index). --allow-overseas makes every commune drawable, so that
    nothing is out of date; then ``motions batch --all``, where the 94 communes of
    overseas collectivities are tried again and refused each time (exit code 10).
(e) The DOCX files of (c) converted to PDF by LibreOffice headless in one call
    (``soffice --headless --convert-to pdf --outdir D files...``, its profile
    created beforehand), side by side with our PDF writer, one process each.

Everything is measured in one run on this machine; other programs running at
the same time slow every row alike, so compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_generate import bare_docx, bare_pdf, table  # noqa: E402

ALL_FRANCE = 34_969


def rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def run_batch_cli(args: list[str], env: dict, cwd: str) -> dict:
    """Run ``motions batch`` and sample the resident memory of it and its workers."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "motions", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    peak = {"parent": 0.0, "worker": 0.0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak["parent"] = max(peak["parent"], rss_mib(proc.pid))
            for child in children(proc.pid):
                peak["worker"] = max(peak["worker"], rss_mib(child))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - t0
    m = re.search(r"([\d.]+) communes/s with (\d+) worker", out)
    return {"wall": wall, "code": proc.returncode, "out": out, "err": err, "rate": float(m.group(1)) if m else None,
            **peak}


# --------------------------------------------------------------------------- the bare engines' pool


_BARE: dict = {}


def _bare_init(library):
    from motions.library import load_library
    from motions.writers.docx import reference_docx
    from motions.writers.pdf import find_template_file, import_weasyprint

    import_weasyprint()
    lib = load_library(library, with_cwd=False)
    _BARE.update(lib=lib, reference=reference_docx(lib.template_dirs),
                 css=find_template_file(lib.template_dirs, "html/motion.css"))


def _bare_task(job):
    from motions.communes import get
    from motions.compose import Options, compose
    from motions.facts import Facts
    from motions.generate import output_stem, provenance
    from motions.writers.html import render_html

    insee, out = job
    lib = _BARE["lib"]
    commune = get(insee)
    document = compose(lib, commune, lib.motion("biometrie"), Facts(), Options(), provenance=provenance(lib)).document
    stem = Path(out) / output_stem(commune, "biometrie")
    stem.with_suffix(".docx").write_bytes(bare_docx(document, _BARE["reference"]))
    stem.with_suffix(".pdf").write_bytes(bare_pdf(render_html(document, lib.template_dirs), _BARE["css"]))
    return insee


def bare_pool(insees: list[str], jobs: int, library, out: Path) -> tuple[float, float]:
    """(wall s for all communes after the pool is warm, communes/s)."""
    import multiprocessing

    out.mkdir(parents=True, exist_ok=True)
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_bare_init, initargs=(library,)) as pool:
        pool.map(_bare_task, [(insees[0], str(out))] * jobs, chunksize=1)  # warm every worker
        t0 = time.perf_counter()
        pool.map(_bare_task, [(i, str(out)) for i in insees], chunksize=1)
        wall = time.perf_counter() - t0
    return wall, len(insees) / wall


# --------------------------------------------------------------------------- (d) all France, pre-filled


def prefill_france(out: Path, library, allow_overseas: bool = True, files: bool = True) -> int:
    """Outputs for every commune, as a finished batch would leave them: a small file
    per output and, per département folder, a manifest with its size and input hash."""
    from motions.batch import _Hasher
    from motions.communes import all_communes
    from motions.compose import Options
    from motions.facts import Facts
    from motions.generate import output_stem
    from motions.library import load_library
    from motions.output import Manifest

    lib = load_library(library, with_cwd=False)
    hasher = _Hasher(lib, "biometrie", Options(allow_overseas=allow_overseas))
    facts = Facts()
    folders: dict[str, Manifest] = {}
    body = b"%PDF-1.7 placeholder for the benchmark\n" * 20
    n = 0
    for commune in all_communes():
        dep = commune.departement.code
        manifest = folders.get(dep)
        if manifest is None:
            (out / dep).mkdir(parents=True, exist_ok=True)
            manifest = folders[dep] = Manifest(out / dep)
        stem = output_stem(commune, "biometrie")
        if commune.zone == "com" and not allow_overseas:  # refused: no outputs
            for fmt in ("docx", "pdf"):
                (out / dep / f"{stem}.{fmt}").unlink(missing_ok=True)
            continue
        for fmt in ("docx", "pdf"):
            name = f"{stem}.{fmt}"
            if files:
                (out / dep / name).write_bytes(body)
            manifest.entries[name] = {"sha256": "0" * 64, "size": len(body), "inputs": hasher(commune, fmt, facts),
                                      "commune": commune.insee, "motion": "biometrie"}
        n += 1
    for manifest in folders.values():
        manifest.save()
    return n


def libreoffice(docx_files: list[Path], tmp: Path) -> float | None:
    """ms per file for one ``soffice --convert-to pdf`` call over all the files."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    profile = (tmp / "lo-profile").as_uri()
    env = dict(os.environ, HOME=str(tmp))
    base = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir"]
    subprocess.run(base + [str(tmp / "lo-warm"), str(docx_files[0])], check=True, capture_output=True, env=env,
                   timeout=300)  # creates the profile
    t0 = time.perf_counter()
    subprocess.run(base + [str(tmp / "lo"), *map(str, docx_files)], check=True, capture_output=True, env=env,
                   timeout=1800)
    wall = time.perf_counter() - t0
    made = list((tmp / "lo").glob("*.pdf"))
    assert len(made) == len(docx_files), f"LibreOffice converted {len(made)} of {len(docx_files)} files"
    return wall * 1000 / len(docx_files)


def ours_pdf_ms(insees: list[str], library) -> float:
    """Our PDF writer, one warm process, ms per file over these communes (median)."""
    from motions.communes import get
    from motions.compose import Options, compose
    from motions.facts import Facts
    from motions.generate import provenance
    from motions.library import load_library
    from motions.writers.pdf import render_pdf

    lib = load_library(library, with_cwd=False)
    docs = [compose(lib, get(i), lib.motion("biometrie"), Facts(), Options(), provenance=provenance(lib)).document
            for i in insees]
    render_pdf(docs[0], lib.template_dirs)
    samples = []
    for d in docs:
        t0 = time.perf_counter()
        render_pdf(d, lib.template_dirs)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default=None, help="a library folder (default: the shipped library)")
    parser.add_argument("--departement", default="94")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=2, help="runs of ours and of the bare pool, alternating")
    parser.add_argument("--no-scaling", action="store_true", help="skip the one-worker run")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare engines' pool")
    parser.add_argument("--no-france", action="store_true", help="skip the all-France re-run")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()

    from motions.communes import by_departement

    print(f"motions bench_batch on {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    lib_args = ["--library", args.library] if args.library else []
    communes = by_departement(args.departement)
    insees = [c.insee for c in communes]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = dict(os.environ, PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "motions", "list"], env=env, capture_output=True, cwd=tmp)

        # (c) throughput: ours and the bare engines' pool alternate, so that a change in
        # the machine's load hits both; then ours with one worker, for the scaling.
        results: dict[str, list[dict]] = {}
        plan = []
        for round_ in range(args.rounds):
            plan.append(("ours", args.jobs, round_))
            if not args.no_bare:
                plan.append(("bare", args.jobs, round_))
        if not args.no_scaling and args.jobs > 1:
            plan.append(("ours", 1, 0))
        for kind, jobs, round_ in plan:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            if kind == "ours":
                out = tmp / f"out-{jobs}-{round_}"
                r = run_batch_cli([*lib_args, "batch", "--departement", args.departement, "--jobs", str(jobs),
                                   "-o", str(out)], env, tmp_name)
                if r["code"] != 0:
                    print(r["out"], r["err"])
                    raise SystemExit(f"motions batch failed with exit code {r['code']}")
            else:
                wall, rate = bare_pool(insees, jobs, args.library, tmp / f"bare-{round_}")
                r = {"wall": wall, "rate": rate, "worker": 0.0, "parent": 0.0}
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            r["cpu"] = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / len(insees)
            results.setdefault(f"{kind}-{jobs}", []).append(r)

        def med(key, field):
            return statistics.median(x[field] for x in results[key])

        rows = []
        for key, label in ((f"ours-{args.jobs}", f"motions batch, {args.jobs} workers"),
                           (f"bare-{args.jobs}", f"bare engines' pool, {args.jobs} processes"),
                           ("ours-1", "motions batch, 1 worker")):
            if key not in results:
                continue
            ours = key.startswith("ours")
            rate = med(key, "rate")
            rows.append((label, str(len(results[key])), f"{med(key, 'wall'):.1f}" if ours else "",
                         f"{rate:.2f}", f"{ALL_FRANCE / rate / 60:.0f}", f"{med(key, 'cpu') * 1000:.0f}",
                         f"{max(x['worker'] for x in results[key]):.0f}" if ours and key != "ours-1" else "",
                         f"{max(x['parent'] for x in results[key]):.0f}" if ours else ""))
        table(f"(c) département {args.departement}: {len(insees)} communes, DOCX+PDF (medians of the runs)",
              ("run", "runs", "wall s", "communes/s", "France min", "CPU ms/commune", "worker MiB", "parent MiB"),
              rows)
        print("    communes/s: ours once warm, as the command prints it (start-up and the first document, which\n"
              "    warms the caches, excluded; wall s includes them); the bare pool's after warming each process.\n"
              "    CPU ms/commune: all processes' CPU time over the communes (ours includes start-up).")
        main_rate = med(f"ours-{args.jobs}", "rate")
        print(f"    all France ({ALL_FRANCE} communes) at our rate: {ALL_FRANCE / main_rate / 60:.0f} min "
              f"(target: under 25 min); worker resident memory target: under 150 MiB")
        if "ours-1" in results:
            print(f"    scaling: {args.jobs} workers render {main_rate / med('ours-1', 'rate'):.2f}x as fast as 1")
        if f"bare-{args.jobs}" in results:
            print(f"    ours / bare engines' pool: {main_rate / med(f'bare-{args.jobs}', 'rate'):.2f}x the rate, "
                  f"{med(f'ours-{args.jobs}', 'cpu') / med(f'bare-{args.jobs}', 'cpu'):.2f}x the CPU per commune")

        # (d) re-runs with nothing changed
        rows = []
        out = tmp / f"out-{args.jobs}-0"
        samples = [run_batch_cli([*lib_args, "batch", "--departement", args.departement, "-o", str(out)], env,
                                 tmp_name)["wall"] for _ in range(3)]
        rows.append((f"département {args.departement} ({len(insees)} communes)", f"{statistics.median(samples):.2f}",
                     f"{min(samples):.2f}", ""))
        if not args.no_france:
            france = tmp / "france"
            t0 = time.perf_counter()
            n = prefill_france(france, args.library)
            print(f"\n    (pre-filled {n} communes, {2 * n} outputs, in {time.perf_counter() - t0:.0f} s)")
            samples = []
            for i in range(3):
                r = run_batch_cli([*lib_args, "batch", "--all", "--allow-overseas", "-o", str(france)], env, tmp_name)
                if r["code"] != 0 or f"{n} up to date" not in r["out"]:
                    print(r["out"], r["err"])
                    raise SystemExit("the all-France re-run did not find everything up to date")
                samples.append(r["wall"])
            rows.append((f"all France ({n} communes), first run (writes the index)", f"{samples[0]:.2f}", "", ""))
            rows.append(("all France, next runs", f"{statistics.median(samples[1:]):.2f}", f"{min(samples[1:]):.2f}",
                         "under 10"))
            index = json.loads((france / "index.json").read_text(encoding="utf-8"))
            assert len(index["outputs"]) == 2 * n, len(index["outputs"])
            prefill_france(france, args.library, allow_overseas=False, files=False)
            samples = []
            for i in range(3):
                r = run_batch_cli([*lib_args, "batch", "--all", "-o", str(france)], env, tmp_name)
                if r["code"] != 10 or f"{n - 94} up to date" not in r["out"]:
                    print(r["out"], r["err"])
                    raise SystemExit("the all-France re-run without --allow-overseas did not behave as expected")
                samples.append(r["wall"])
            rows.append(("all France without --allow-overseas (94 COM communes refused, exit 10)",
                         f"{statistics.median(samples):.2f}", f"{min(samples):.2f}", "under 10"))
            index = json.loads((france / "index.json").read_text(encoding="utf-8"))
            assert len(index["outputs"]) == 2 * (n - 94) and len(index["failures"]) == 94, len(index["outputs"])
        table("(d) re-run with nothing changed, new process, wall s", ("selection", "median", "min", "target"), rows)

        # (e) LibreOffice
        if not args.no_libreoffice:
            docx_files = sorted((tmp / f"out-{args.jobs}-0" / communes[0].departement.code).glob("*.docx"))
            lo = libreoffice(docx_files, tmp)
            ours = ours_pdf_ms(insees[:10], args.library)
            per_commune = 1000 / main_rate
            if lo is None:
                print("\n(e) LibreOffice is not installed: skipped")
            else:
                table(f"(e) DOCX -> PDF, {len(docx_files)} files, one process each, ms per file",
                      ("engine", "ms/file", "vs ours"),
                      [("LibreOffice headless, one --convert-to call", f"{lo:.0f}", f"{lo / ours:.2f}"),
                       ("ours: HTML + WeasyPrint, warm (median of 10 communes)", f"{ours:.0f}", "1.00"),
                       (f"ours: the whole batch per commune ({args.jobs} workers, DOCX+PDF)", f"{per_commune:.0f}", "")])
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
