"""Where people wait, in one run: cold generate, warm per document, flyer, batch, re-run, worker memory.

usage: .venv/bin/python bench/bench.py [--runs N] [--cold-runs N] [--rss-docs N] [--only SECTION,...]
                                       [--departement 94] [--jobs 2] [--skip-libreoffice]

Sections (all by default, in this order; --only picks some):
  cold     `motions generate Villejuif` (DOCX+PDF: the motion and its dossier) in a new
           process, each engine, interleaved (A B A B...), with Python's bytecode and
           motions' cache (XDG, in a temporary folder) warm as for an installed package;
           then the same with the levers off (MOTIONS_NO_CACHE=1 MOTIONS_FULL_EXIT=1).
  warm     per document in one warm process (what a batch worker does), over several
           communes, each row interleaved per commune: compose, DOCX, ODT, PDF with
           WeasyPrint and with Typst (the motion, then the dossier), bare WeasyPrint on
           the same HTML and stylesheet (what anyone would write), and LibreOffice
           converting our DOCX (its marginal cost per file in one batch call).
  flyer    the A5 flyer's writer, warm, WeasyPrint against Typst.
  batch    `motions batch --departement 94 -j 2` (DOCX+PDF), each engine, its rate once
           warm and the extrapolation to the 34,969 communes of France.
  rerun    `motions batch --all` when every output is up to date (all France pre-filled
           with placeholder files and manifests, as a finished batch leaves them).
  rss      one worker's resident memory after 1, 100 and N documents (--rss-docs, default
           1000) rendering DOCX+PDF without being recycled, each engine; the batch
           replaces its workers every RECYCLE_AFTER communes.

Times are CPU-time medians (user + system, from the operating system's accounting
of each process or of this one), with wall medians beside the cold runs: the
machine is shared, and CPU time is what other programs disturb least. Ratios are
taken on medians measured in the same run. Nothing here is a test: the tests
check outputs, never time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FRANCE = 34969
PANEL = ["Villejuif", "Le Mans", "Amiens", "Les Lilas", "La Rochelle (17)", "Marseille 1er", "L'Haÿ-les-Roses",
         "Cachan", "Ivry-sur-Seine", "Créteil"]


def med(values) -> float:
    return statistics.median(values) if values else float("nan")


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(fn) -> tuple[float, object]:
    """CPU ms of ``fn()`` in this process, and its result."""
    t = cpu_self()
    value = fn()
    return (cpu_self() - t) * 1000, value


def row(label: str, ms: float, ref: float | None = None, extra: str = "") -> None:
    ratio = f"  {ms / ref:5.2f}×" if ref else "        "
    print(f"  {label:<52} {ms:9.1f} ms{ratio}  {extra}")


def env_for(cache: Path, **more) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "MOTIONS_NO_CACHE",
                                                               "MOTIONS_FULL_EXIT", "SOURCE_DATE_EPOCH")}
    env.update(XDG_CACHE_HOME=str(cache), PYTHONPYCACHEPREFIX=str(cache / "pyc"))
    env.update(more)
    return env


def run_cli(args: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """(CPU ms, wall ms) of one `motions ARGS` process."""
    before = cpu_children()
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "motions", *args], env=env, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (cpu_children() - before) * 1000, (time.perf_counter() - t) * 1000


# --------------------------------------------------------------------------- cold


def cold(args, tmp: Path) -> None:
    print(f"\n[cold] motions generate Villejuif (DOCX+PDF, motion and dossier), {args.cold_runs} runs each, "
          "interleaved; median CPU and wall")
    cache = tmp / "cold-cache"
    variants = {
        "WeasyPrint, levers on": (["--pdf-engine", "weasyprint"], {}),
        "Typst, levers on": (["--pdf-engine", "typst"], {}),
        "WeasyPrint, levers off": (["--pdf-engine", "weasyprint"], {"MOTIONS_NO_CACHE": "1", "MOTIONS_FULL_EXIT": "1"}),
        "Typst, levers off": (["--pdf-engine", "typst"], {"MOTIONS_NO_CACHE": "1", "MOTIONS_FULL_EXIT": "1"}),
        "DOCX only, levers on": (["-f", "docx"], {}),
    }
    samples: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
    for label, (extra, more) in variants.items():  # untimed: bytecode and cache filled
        run_cli(["generate", "Villejuif", "-o", str(tmp / "cold-out"), "--force", *extra], env_for(cache, **more), tmp)
    for _ in range(args.cold_runs):
        for label, (extra, more) in variants.items():
            samples[label].append(run_cli(["generate", "Villejuif", "-o", str(tmp / "cold-out"), "--force", *extra],
                                          env_for(cache, **more), tmp))
    ref = med([c for c, _ in samples["WeasyPrint, levers on"]])
    for label, values in samples.items():
        row(label, med([c for c, _ in values]), ref, f"wall {med([w for _, w in values]):7.0f} ms")


# --------------------------------------------------------------------------- warm per document


def _bare_weasyprint(html: str, css_path: Path, base: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=base).write_pdf(stylesheets=[CSS(filename=str(css_path))],
                                                      pdf_variant="pdf/ua-1", pdf_tags=True)


def libreoffice_marginal(docx_files: list[Path], tmp: Path) -> float | None:
    """CPU ms per extra file when one `soffice --convert-to pdf` call converts all of them
    (one file alone, then all: the difference over the extra files)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    env = dict(os.environ, HOME=str(tmp))
    base = [exe, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless", "--convert-to", "pdf",
            "--outdir"]
    subprocess.run(base + [str(tmp / "lo0"), str(docx_files[0])], check=True, capture_output=True, env=env,
                   timeout=600)  # the profile is created once
    costs = []
    for files in ([docx_files[0]], docx_files):
        before = cpu_children()
        subprocess.run(base + [str(tmp / "lo"), *map(str, files)], check=True, capture_output=True, env=env,
                       timeout=1800)
        costs.append((cpu_children() - before) * 1000)
    return (costs[1] - costs[0]) / (len(docx_files) - 1)


def warm(args, tmp: Path) -> None:
    from motions import api
    from motions.communes import lookup
    from motions.resources import load
    from motions.writers import WriterOptions, get
    from motions.writers.html import STYLESHEET, page

    resources = load(with_cwd=False, cache=False)
    queries = PANEL[:args.runs]
    print(f"\n[warm] per document in one warm process, median over {len(queries)} communes (CPU)")
    wp, ty = WriterOptions(pdf_engine="weasyprint"), WriterOptions(pdf_engine="typst")
    for q in PANEL[-2:]:  # warm every writer and engine (on other communes: Typst memoises what it saw)
        c = api.compose(api.Request(lookup(q)), resources)
        for w, o in (("docx", wp), ("odt", wp), ("pdf", wp), ("pdf", ty)):
            get(w).write(c.motion, resources, o)
    css = resources.find(STYLESHEET)
    base = css.parent.as_uri() + "/"
    rows: dict[str, list[float]] = {k: [] for k in (
        "compose (motion and dossier)", "DOCX, motion", "ODT, motion", "PDF WeasyPrint (ours), motion",
        "bare WeasyPrint, same HTML and CSS, motion", "PDF Typst, motion", "PDF WeasyPrint (ours), dossier",
        "PDF Typst, dossier")}
    docx_files = []
    for i, q in enumerate(queries):
        ms, comp = timed(lambda: api.compose(api.Request(lookup(q)), resources))
        rows["compose (motion and dossier)"].append(ms)
        ms, data = timed(lambda: get("docx").write(comp.motion, resources, wp))
        rows["DOCX, motion"].append(ms)
        path = tmp / f"warm-{i}.docx"
        path.write_bytes(data)
        docx_files.append(path)
        rows["ODT, motion"].append(timed(lambda: get("odt").write(comp.motion, resources, wp))[0])
        rows["PDF WeasyPrint (ours), motion"].append(timed(lambda: get("pdf").write(comp.motion, resources, wp))[0])
        html = page(comp.motion, resources, footnotes="inline")
        rows["bare WeasyPrint, same HTML and CSS, motion"].append(timed(lambda: _bare_weasyprint(html, css, base))[0])
        rows["PDF Typst, motion"].append(timed(lambda: get("pdf").write(comp.motion, resources, ty))[0])
        rows["PDF WeasyPrint (ours), dossier"].append(timed(lambda: get("pdf").write(comp.dossier, resources, wp))[0])
        rows["PDF Typst, dossier"].append(timed(lambda: get("pdf").write(comp.dossier, resources, ty))[0])
    ref = med(rows["bare WeasyPrint, same HTML and CSS, motion"])
    for label, values in rows.items():
        row(label, med(values), ref if "motion" in label and "PDF" in label or "bare" in label else None)
    if not args.skip_libreoffice:
        lo = libreoffice_marginal(docx_files, tmp)
        if lo is None:
            print("  LibreOffice is not installed")
        else:
            row("LibreOffice on our DOCX (marginal, batch call), motion", lo, ref)
            row("  ratio: PDF Typst / LibreOffice", med(rows["PDF Typst, motion"]), lo)
            row("  ratio: PDF WeasyPrint / LibreOffice", med(rows["PDF WeasyPrint (ours), motion"]), lo)


# --------------------------------------------------------------------------- flyer


def flyer(args, tmp: Path) -> None:
    import datetime as dt

    from motions.communes import lookup
    from motions.compose.flyer import FlyerOptions, compose_flyer
    from motions.resources import load
    from motions.writers import WriterOptions, get

    resources = load(with_cwd=False, cache=False)
    options = FlyerOptions(date=dt.date(2026, 3, 14), place="salle du conseil, hôtel de ville",
                           contact="collectif@example.org", url="https://example.org/non?ville=1", group="Collectif")
    docs = [compose_flyer(resources, lookup(q), options=options) for q in PANEL[:args.runs]]
    print(f"\n[flyer] A5 flyer, the writer alone (composed beforehand), median over {len(docs)} communes (CPU)")
    samples: dict[str, list[float]] = {"WeasyPrint": [], "Typst": []}
    warm_doc = compose_flyer(resources, lookup(PANEL[-1]), options=options)  # not one of those measured
    for engine in ("weasyprint", "typst"):
        get("flyer-a5").write(warm_doc, resources, WriterOptions(pdf_engine=engine))
    for doc in docs:
        for label, engine in (("WeasyPrint", "weasyprint"), ("Typst", "typst")):
            samples[label].append(timed(lambda: get("flyer-a5").write(doc, resources,
                                                                        WriterOptions(pdf_engine=engine)))[0])
    ref = med(samples["WeasyPrint"])
    for label, values in samples.items():
        row(f"A5 flyer, {label}", med(values), ref)


# --------------------------------------------------------------------------- batch


def batch(args, tmp: Path) -> None:
    import re

    print(f"\n[batch] motions batch --departement {args.departement} -j {args.jobs} (DOCX+PDF), each engine: "
          "rate once warm, and all France at that rate")
    cache = tmp / "batch-cache"
    for engine in ("typst", "weasyprint"):
        out = tmp / f"batch-{engine}"
        shutil.rmtree(out, ignore_errors=True)
        before = cpu_children()
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "motions", "batch", "--departement", args.departement,
                               "-j", str(args.jobs), "-o", str(out), "--pdf-engine", engine],
                              env=env_for(cache), cwd=tmp, capture_output=True, text=True, check=True)
        wall, cpu = time.perf_counter() - t, cpu_children() - before
        m = re.search(r"(\d+) rendered.*in ([\d.]+) s(?:, ([\d.]+) communes/s)?", proc.stdout)
        n, rate = int(m.group(1)), float(m.group(3) or 0)
        france = FRANCE / rate / 60 if rate else float("nan")
        print(f"  {engine:<10} {n} communes in {wall:6.1f} s wall, {cpu / n * 1000:6.0f} ms CPU per commune, "
              f"{rate:5.2f} communes/s once warm -> all France {france:5.1f} min with {args.jobs} workers "
              f"(CPU-bound estimate: {FRANCE * cpu / n / args.jobs / 60:5.1f} min)")


def rerun(args, tmp: Path) -> None:
    from motions import api
    from motions.batch import BatchSettings, _Hasher
    from motions.communes import all_communes
    from motions.facts import Facts
    from motions.output import Manifest
    from motions.resources import load

    print("\n[rerun] motions batch --all with every output up to date (all France pre-filled)")
    out = tmp / "france"
    from motions.compose import Options

    resources = load(with_cwd=False, cache=False)
    settings = BatchSettings(options=Options(allow_overseas=True))
    hasher = _Hasher(resources, settings)
    body = b"%PDF-1.7 placeholder for the benchmark\n" * 20
    folders: dict[str, Manifest] = {}
    facts = Facts()
    for commune in all_communes():
        dep = commune.departement.code
        manifest = folders.get(dep)
        if manifest is None:
            (out / dep).mkdir(parents=True, exist_ok=True)
            manifest = folders[dep] = Manifest(out / dep)
        for fmt in settings.formats:
            for name in api.output_names(commune, settings.motion_id, fmt, settings.dossier):
                (out / dep / name).write_bytes(body)
                manifest.entries[name] = {"sha256": "0" * 64, "size": len(body), "inputs": hasher(commune, fmt, facts),
                                          "commune": commune.insee, "motion": settings.motion_id}
    for manifest in folders.values():
        manifest.save()
    cache = tmp / "rerun-cache"
    samples = []
    for i in range(4):
        cpu, wall = run_cli(["batch", "--all", "--allow-overseas", "-j", str(args.jobs), "-o", str(out)],
                            env_for(cache), tmp)
        if i:  # the first fills the caches
            samples.append((cpu, wall))
    row("re-run, nothing changed, all France", med([c for c, _ in samples]), None,
        f"wall {med([w for _, w in samples]):7.0f} ms")


# --------------------------------------------------------------------------- worker memory


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _rss_child(engine: str, n: int, conn) -> None:
    from motions import api
    from motions.communes import all_communes
    from motions.resources import load
    from motions.writers import WriterOptions

    resources = load(with_cwd=False, cache=False)
    communes = [c for c in all_communes() if c.zone != "com"][:n]
    marks = {1, 10, 100, 200, 500, n}
    seen = []
    for i, commune in enumerate(communes, 1):
        api.render(api.Request(commune, dossier=False, writer_options=WriterOptions(pdf_engine=engine)), resources)
        if i in marks:
            seen.append((i, _rss_kib()))
    conn.send(seen)
    conn.close()


def rss(args, tmp: Path) -> None:
    import multiprocessing

    print("\n[rss] one worker's resident memory rendering DOCX+PDF, never recycled (MiB after n documents)")
    ctx = multiprocessing.get_context("spawn")
    for engine in ("typst", "weasyprint"):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_rss_child, args=(engine, args.rss_docs, child))
        proc.start()
        seen = parent.recv()
        proc.join()
        points = "  ".join(f"{i}: {kib / 1024:6.1f}" for i, kib in seen)
        growth = (seen[-1][1] - seen[2][1]) / max(1, seen[-1][0] - seen[2][0]) if len(seen) > 2 else 0
        print(f"  {engine:<10} {points}   (+{growth:.1f} KiB per document after 100)")


def calibration() -> float:
    """CPU ms of a fixed piece of pure Python (median of 5): other programs on the
    machine slow this down too, so it says how loaded the run was."""
    def work():
        return sum(i * i for i in range(1_000_000))
    return med([timed(work)[0] for _ in range(5)])


SECTIONS = {"cold": cold, "warm": warm, "flyer": flyer, "batch": batch, "rerun": rerun, "rss": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="communes for the warm and flyer rows (at most 8)")
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--rss-docs", type=int, default=1000)
    parser.add_argument("--departement", default="94")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--skip-libreoffice", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"motions bench, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load average {load:.1f} at the start, Python {sys.version.split()[0]}")
    print(f"calibration: a fixed pure-Python loop takes {calibration():.0f} ms of CPU here (compare runs with it)")
    with tempfile.TemporaryDirectory(prefix="motions-bench-") as folder:
        tmp = Path(folder)
        for name in args.only.split(","):
            SECTIONS[name.strip()](args, tmp)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
