"""Time a flyer, warm, in-process: the target is under 40 ms for an A5 flyer.

usage: python bench/bench_flyer.py [--runs N] [--library DIR] [--format a5|a6x4|a4|all] [--print-shop] [--phases]

"Warm" is what a batch run or a second flyer in the same process sees: the
library loaded, WeasyPrint imported, fonts and stylesheets cached. Rows:
- compose: the flyer model (compose() of the motion, short forms, references);
- render: HTML, layout, fit check, PDF (``render_flyer_pdf``), for a flyer that
  fits at the first try;
- compose + render: what ``motions flyer`` does after start-up, less the write;
- bare WeasyPrint: the same HTML and stylesheets through WeasyPrint with no
  cache (new FontConfiguration and CSS objects every time), for the ratio;
- text floor: the flyer's words alone (headline, arguments, actions, session,
  contact, sources) as unstyled paragraphs in the same font, one page per side,
  through the same warm WeasyPrint: what any design of this flyer costs at the
  least with this engine on this machine.
With --phases, a second table splits one render into its steps: the HTML
template, WeasyPrint's parsing, its style and layout (``HTML.render``), and
drawing and writing the PDF (``Document.write_pdf``).
Medians of N runs after one warm-up run, wall clock; "render CPU" is the
same render in process CPU time, steadier when other programs load the machine.
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


def median_ms(fn, runs: int, clock=time.perf_counter) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        t0 = clock()
        fn()
        samples.append((clock() - t0) * 1000)
    return statistics.median(samples)


def text_floor_html(flyer, fmt) -> str:
    """The flyer's words with no design: a paragraph per text, a page per side."""
    from html import escape

    recto = [flyer.kicker, flyer.headline, *(p.text for p in flyer.points), flyer.group or ""]
    verso = [flyer.decide_heading or "", *flyer.decide, flyer.ask_heading or "", *flyer.ask, flyer.session or "",
             flyer.group or "", flyer.contact or "", flyer.url or "", "Sources : " + " ; ".join(flyer.references)]
    sides = [recto + verso] if fmt.pages == 1 else [recto, verso]
    body = "".join('<div class="side">' + "".join(f"<p>{escape(t)}</p>" for t in side if t) + "</div>"
                   for side in sides)
    return f'<html lang="fr"><body>{body}</body></html>'


def text_floor_css(fmt) -> str:
    """The floor's only style: the page size, one font, a page per side."""
    return (f"@page {{ size: {fmt.trim_mm[0]}mm {fmt.trim_mm[1]}mm; margin: 10mm }} "
            "body { font: 11pt 'Liberation Sans', sans-serif } p { margin: 0 0 0.4em } "
            ".side + .side { break-before: page }")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--library", default=str(ROOT / "tests" / "roots" / "flyer"))
    parser.add_argument("--format", default="all")
    parser.add_argument("--print-shop", action="store_true")
    parser.add_argument("--phases", action="store_true", help="also time each step of one render")
    args = parser.parse_args()

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from motions.communes import lookup
    from motions.flyer import FlyerOptions, compose_flyer
    from motions.library import load_library
    from motions.writers import flyer_pdf
    from motions.writers.flyer_pdf import format_for, inspect_layout, render_flyer_html, render_flyer_pdf, stylesheets

    def render_flyer_pdf_inspect(flyer, dirs, name, print_shop, documents):
        """One render that keeps WeasyPrint's laid-out document, to time the fit check alone."""
        original = flyer_pdf.inspect_layout
        flyer_pdf.inspect_layout = lambda doc: (documents.append(doc), original(doc))[1]
        try:
            render_flyer_pdf(flyer, dirs, name, print_shop=print_shop)
        finally:
            flyer_pdf.inspect_layout = original
    from motions.writers.pdf import find_template_file

    warm_fonts = FontConfiguration()
    lib = load_library(args.library, with_cwd=False)
    commune = lookup("Villejuif")
    options = FlyerOptions(session_date=dt.date(2026, 3, 14), place="salle du conseil, hôtel de ville",
                           contact="villejuif-en-commun@example.org", url="https://example.org/villejuif",
                           group="Villejuif en commun")
    formats = ["a5", "a6x4", "a4"] if args.format == "all" else [args.format]
    phases: dict[str, dict[str, float]] = {}
    print(f"library {args.library}, {args.runs} runs, medians in ms{' (print shop)' if args.print_shop else ''}")
    print(f"{'format':<8} {'compose':>8} {'render':>8} {'render CPU':>11} {'fit check':>10} {'both':>8} "
          f"{'bare WP':>8} {'bare/render':>12} {'floor':>7}  scale")
    for name in formats:
        flyer = compose_flyer(lib, commune, options=options)
        result = render_flyer_pdf(flyer, lib.template_dirs, name, print_shop=args.print_shop)
        flyer = result.flyer  # as it fits, so every run renders once
        fmt = format_for(name, args.print_shop)
        compose_ms = median_ms(lambda: compose_flyer(lib, commune, options=options), args.runs)
        render_ms = median_ms(lambda: render_flyer_pdf(flyer, lib.template_dirs, name, print_shop=args.print_shop),
                              args.runs)
        both_ms = median_ms(lambda: render_flyer_pdf(compose_flyer(lib, commune, options=options), lib.template_dirs,
                                                     name, print_shop=args.print_shop), args.runs)
        cpu_ms = median_ms(lambda: render_flyer_pdf(flyer, lib.template_dirs, name, print_shop=args.print_shop),
                           args.runs, time.process_time)
        documents = []
        render_flyer_pdf_inspect(flyer, lib.template_dirs, name, args.print_shop, documents)
        check_ms = median_ms(lambda: inspect_layout(documents[0]), args.runs)
        html = render_flyer_html(flyer, lib.template_dirs, fmt, print_shop=args.print_shop, scale=result.scale)
        paths = [find_template_file(lib.template_dirs, rel) for rel in stylesheets(fmt, args.print_shop, False)]
        base = paths[0].parent.as_uri() + "/"

        def bare():
            fonts = FontConfiguration()
            sheets = [CSS(filename=str(p), font_config=fonts) for p in paths]
            HTML(string=html, base_url=base).write_pdf(stylesheets=sheets, font_config=fonts)

        bare_ms = median_ms(bare, args.runs)
        floor_html = text_floor_html(flyer, fmt)
        floor_css = CSS(string=text_floor_css(fmt), font_config=warm_fonts)
        floor_ms = median_ms(lambda: HTML(string=floor_html).write_pdf(stylesheets=[floor_css], font_config=warm_fonts),
                             args.runs)
        if args.phases:
            phases[name] = time_phases(flyer, lib.template_dirs, fmt, args.print_shop, result.scale, paths, base,
                                       args.runs)
        scale = ", ".join(f"{k} {v:.2f}" for k, v in result.scale.items())
        print(f"{name:<8} {compose_ms:8.1f} {render_ms:8.1f} {cpu_ms:11.1f} {check_ms:10.1f} {both_ms:8.1f} "
              f"{bare_ms:8.1f} {bare_ms / render_ms:11.2f}x {floor_ms:7.1f}  {scale}")

    if phases:
        steps = list(next(iter(phases.values())))
        print("\none render, step by step (medians in ms)")
        print(f"{'format':<8} " + " ".join(f"{step:>12}" for step in steps))
        for name, row in phases.items():
            print(f"{name:<8} " + " ".join(f"{row[step]:12.1f}" for step in steps))


def time_phases(flyer, template_dirs, fmt, print_shop, scale, paths, base, runs) -> dict[str, float]:
    """One render split into its steps, through the same caches as render_flyer_pdf
    (``paths`` are the format's stylesheets, ``base`` the URL their folder gives)."""
    from weasyprint import HTML

    from motions.writers.fetcher import LocalOnlyFetcher
    from motions.writers.flyer_pdf import _IMAGE_CACHE, render_flyer_html
    from motions.writers.pdf import _CACHE, _stylesheet
    samples: dict[str, list[float]] = {"html": [], "parse": [], "style+layout": [], "write PDF": [], "total": []}
    for i in range(runs + 1):
        t0 = time.perf_counter()
        html = render_flyer_html(flyer, template_dirs, fmt, print_shop=print_shop, scale=scale)
        t1 = time.perf_counter()
        fetcher = LocalOnlyFetcher(template_dirs)
        sheets = [_stylesheet(p, fetcher, _CACHE["fonts"]) for p in paths]
        parsed = HTML(string=html, base_url=base, url_fetcher=fetcher)
        t2 = time.perf_counter()
        document = parsed.render(stylesheets=sheets, font_config=_CACHE["fonts"], cache=_IMAGE_CACHE)
        t3 = time.perf_counter()
        document.write_pdf()
        t4 = time.perf_counter()
        if i:  # the first run warms up
            for key, value in zip(samples, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
                samples[key].append(value * 1000)
    return {key: statistics.median(values) for key, values in samples.items()}


if __name__ == "__main__":
    main()
