"""One motion: a cold ``motions generate``, and the warm per-document costs against the bare engines.

usage: python bench/bench_generate.py [--runs N] [--cold-runs N] [--library DIR] [--commune Q] [--no-bytecode]

(a) Cold: ``motions generate Villejuif`` in a new process (wall time, median of
    --cold-runs, default 5), for DOCX+PDF, DOCX only and PDF only, then where the
    time of one cold DOCX+PDF run goes. Python's bytecode cache is on, in a
    temporary folder (PYTHONPYCACHEPREFIX) filled by one untimed run, as for an
    installed package; --no-bytecode times what PYTHONDONTWRITEBYTECODE=1 gives.
(b) Warm, in process (what each batch worker does per commune), median of --runs:
    compose, DOCX and PDF with our writers, against what a user would write by
    hand on the same document: python-docx opening reference.docx and adding the
    same paragraphs by style name (then saving), and WeasyPrint rendering the same
    HTML with the same stylesheet and no cache (a new FontConfiguration and CSS
    every time). The check row says whether both DOCX bodies are identical.

Everything is measured in one run on this machine; other programs running at
the same time slow every row alike, which is why the ratios matter more than the
absolute numbers. The shipped library is used unless --library is given (the
small test library gives 3-page motions instead of 6).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_of(fn, runs: int) -> tuple[float, float]:
    """(wall ms, CPU ms), medians of ``runs`` calls after one warm-up call."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def table(title: str, header: tuple, rows: list[tuple]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = "  ".join(f"{{:<{widths[0]}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))


# --------------------------------------------------------------------------- (a) cold


PHASES = r"""
import sys, time
t = [time.perf_counter()]
def mark(): t.append(time.perf_counter())
from motions import cli; mark()
from motions.communes import lookup
from motions.compose import Options, compose
from motions.facts import Facts
from motions.generate import provenance; mark()
from motions.library import load_library
lib = load_library(sys.argv[1] or None, with_cwd=False); mark()
c = lookup(sys.argv[2]); comp = compose(lib, c, lib.motion("biometrie"), Facts(), Options(), provenance=provenance(lib)); mark()
from motions.writers.docx import render_docx
render_docx(comp.document, lib.template_dirs); mark()
from motions.writers.pdf import import_weasyprint
import_weasyprint(); mark()
from motions.writers.pdf import render_pdf
render_pdf(comp.document, lib.template_dirs); mark()
print(" ".join(f"{(b - a) * 1000:.0f}" for a, b in zip(t, t[1:])))
"""
PHASE_NAMES = ("import the CLI (click, motions)", "import compose (pydantic, Jinja, markdown-it)",
               "load the library (~100 YAML files)", "commune look-up + compose", "DOCX (python-docx skeleton, then ours)",
               "import WeasyPrint", "first PDF (fonts, layout, write)")


def cold(args, env) -> None:
    lib_args = ["--library", args.library] if args.library else []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"

        def run(fmt: str) -> float:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "motions", *lib_args, "generate", args.commune, "--format", fmt,
                            "-o", str(out)], check=True, capture_output=True, env=env, cwd=tmp)
            return (time.perf_counter() - t0) * 1000

        rows = []
        run("docx,pdf")  # fills the bytecode cache and the font caches
        for fmt in ("docx,pdf", "docx", "pdf"):
            samples = [run(fmt) for _ in range(args.cold_runs)]
            rows.append((f"motions generate {args.commune} --format {fmt}", f"{statistics.median(samples):.0f}",
                         f"{min(samples):.0f}", "under 750" if fmt == "docx,pdf" else ""))
        table(f"(a) cold runs, new process each, wall ms (median of {args.cold_runs})",
              ("command", "median", "min", "target"), rows)
        samples = []
        for _ in range(3):
            proc = subprocess.run([sys.executable, "-c", PHASES, args.library or "", args.commune], check=True,
                                  capture_output=True, text=True, env=env, cwd=tmp)
            samples.append([float(x) for x in proc.stdout.split()])
        phases = [statistics.median(col) for col in zip(*samples)]
        total = sum(phases)
        table("    where a cold DOCX+PDF run goes (median of 3, ms)", ("phase", "ms", "share"),
              [(name, f"{ms:.0f}", f"{ms / total:.0%}") for name, ms in zip(PHASE_NAMES, phases)]
              + [("total (without Python's own start-up)", f"{total:.0f}", "")])


# --------------------------------------------------------------------------- (b) warm


def bare_docx(document, reference: Path) -> bytes:
    """What a user would write with python-docx: open the reference, add the same
    paragraphs by style name, set the header, footer and properties, save."""
    from docx import Document as load_docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from motions.document import HEADINGS, Emph, NoteRef, Strong, Text
    from motions.writers.docx_styles import STYLES

    doc = load_docx(str(reference))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    def inlines(par, nodes, italic=False, bold=False):
        prev_note = False
        for node in nodes:
            if isinstance(node, Text):
                run = par.add_run(node.text)
                if italic:
                    run.italic = True
                if bold:
                    run.bold = True
            elif isinstance(node, Emph):
                inlines(par, node.children, not italic, bold)
            elif isinstance(node, Strong):
                inlines(par, node.children, italic, True)
            elif isinstance(node, NoteRef):
                if prev_note:
                    par.add_run(",", style=STYLES["noteref"])
                par.add_run(str(node.number), style=STYLES["noteref"])
            prev_note = isinstance(node, NoteRef)

    def para(style, p):
        par = doc.add_paragraph(style=STYLES[style])
        if isinstance(p, str):
            par.add_run(p)
        else:
            inlines(par, p.inlines)
        return par

    def field(par, instr):
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), instr)
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        fld.append(run)
        par._p.append(fld)

    section = doc.sections[0]
    header = section.header.paragraphs[0] if section.header.paragraphs else section.header.add_paragraph()
    header.style = doc.styles[STYLES["running"]]
    header.text = document.running_head
    footer = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
    footer.style = doc.styles[STYLES["running"]]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{document.running_head} — {document.kind_label} — page ")
    field(footer, "PAGE")
    footer.add_run(" / ")
    field(footer, "NUMPAGES")
    para("kind", document.kind_label)
    para("title", document.title)
    for line in document.subtitle:
        para("subtitle", line)
    for p in document.notices:
        para("notice", p)
    if document.expose:
        para("heading", HEADINGS["expose"])
        for p in document.expose:
            para("expose", p)
    para("heading", HEADINGS["text"])
    para("intro", document.preamble)
    for p in document.visas:
        para("visa", p)
    for p in document.considerants:
        para("considerant", p)
    for disp in document.dispositifs:
        para("intro", disp.intro)
        for article in disp.articles:
            para("article_label", article.label)
            for p in article.body:
                para("article", p)
    for p in document.signature:
        para("signature", p)
    if getattr(document, "procedure", None):
        para("heading", HEADINGS["procedure"])
        for p in document.procedure:
            para("notice", p)
    if document.notes:
        para("heading", HEADINGS["notes"])
        for note in document.notes:
            par = doc.add_paragraph(style=STYLES["note"])
            par.add_run(f"{note.number}.\t")
            inlines(par, note.body.inlines)
    if document.sources:
        para("heading", HEADINGS["sources"])
        for src in document.sources:
            para("source", src.body)
    doc.core_properties.title = document.metadata.title
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def bare_pdf(html: str, css_path: Path) -> bytes:
    """WeasyPrint on the same HTML and stylesheet, nothing cached."""
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=css_path.parent.as_uri() + "/").write_pdf(stylesheets=[CSS(filename=str(css_path))])


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


def warm(args) -> dict:
    from motions.communes import lookup
    from motions.compose import Options, compose
    from motions.facts import Facts
    from motions.generate import provenance
    from motions.library import load_library
    from motions.writers.docx import reference_docx, render_docx
    from motions.writers.html import render_html
    from motions.writers.pdf import find_template_file, import_weasyprint, render_pdf

    import_weasyprint()
    lib = load_library(args.library, with_cwd=False)
    commune = lookup(args.commune)
    motion = lib.motion("biometrie")
    prov = provenance(lib)

    def do_compose():
        return compose(lib, commune, motion, Facts(), Options(), provenance=prov)

    document = do_compose().document
    dirs = lib.template_dirs
    reference = reference_docx(dirs)
    css_path = find_template_file(dirs, "html/motion.css")
    html = render_html(document, dirs)
    pdf = render_pdf(document, dirs)[0]
    try:
        from pypdf import PdfReader  # a test dependency

        pages = str(len(PdfReader(io.BytesIO(pdf)).pages))
    except ImportError:
        pages = "?"
    same = document_xml(render_docx(document, dirs)) == document_xml(bare_docx(document, reference))

    r = {
        "compose": median_of(do_compose, args.runs),
        "docx": median_of(lambda: render_docx(document, dirs), args.runs),
        "bare_docx": median_of(lambda: bare_docx(document, reference), args.runs),
        "pdf": median_of(lambda: render_pdf(document, dirs), args.runs),
        "bare_pdf": median_of(lambda: bare_pdf(html, css_path), args.runs),
    }
    ours = tuple(r["compose"][i] + r["docx"][i] + r["pdf"][i] for i in (0, 1))
    bare = tuple(r["compose"][i] + r["bare_docx"][i] + r["bare_pdf"][i] for i in (0, 1))

    def ratio(a, b):
        return f"{a[0] / b[0]:.2f}" if b[0] else ""

    rows = [
        ("compose (the document model)", f"{r['compose'][0]:.1f}", f"{r['compose'][1]:.1f}", "", "", ""),
        ("DOCX", f"{r['docx'][0]:.1f}", f"{r['docx'][1]:.1f}", f"{r['bare_docx'][0]:.1f}", f"{r['bare_docx'][1]:.1f}",
         ratio(r["docx"], r["bare_docx"])),
        ("PDF (HTML + WeasyPrint)", f"{r['pdf'][0]:.1f}", f"{r['pdf'][1]:.1f}", f"{r['bare_pdf'][0]:.1f}",
         f"{r['bare_pdf'][1]:.1f}", ratio(r["pdf"], r["bare_pdf"])),
        ("compose + DOCX + PDF", f"{ours[0]:.1f}", f"{ours[1]:.1f}", f"{bare[0]:.1f}", f"{bare[1]:.1f}",
         ratio(ours, bare)),
    ]
    table(f"(b) warm, in process, per motion ({commune.name}, {len(document.considerants)} considérants, "
          f"{pages}-page PDF; median of {args.runs}, ms)",
          ("step", "ours wall", "ours CPU", "bare wall", "bare CPU", "ours/bare"), rows)
    print(f"    check: our DOCX body is identical to python-docx's: {'yes' if same else 'NO'}")
    print(f"    one worker, warm: {1000 / ours[0]:.2f} motions/s ours, {1000 / bare[0]:.2f} bare engines")
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--library", default=None, help="a library folder (default: the shipped library)")
    parser.add_argument("--commune", default="Villejuif")
    parser.add_argument("--no-bytecode", action="store_true")
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    print(f"motions bench_generate on {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    if not args.skip_cold:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ)
            if args.no_bytecode:
                env["PYTHONDONTWRITEBYTECODE"] = "1"
            else:
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                env["PYTHONPYCACHEPREFIX"] = cache
            cold(args, env)
    warm(args)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
