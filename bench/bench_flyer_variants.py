"""What each part of the flyer's design costs WeasyPrint: the A5 flyer's HTML
and CSS, rendered warm with one thing changed at a time.

usage: python bench/bench_flyer_variants.py [--runs N]

Why: the flyer target is 40 ms warm and our A5 flyer takes about 85 ms. This
shows where a cheaper design could save time and how much: each row is the
median of N warm runs (parse, layout, PDF written to memory), in process CPU
time so that other programs on the machine disturb it less, and its difference
with the baseline. The last rows are the recto and the verso alone (what two
processes in parallel would each do) and the flyer's words with no design at
all, the floor for this engine on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def resolve_variables(css: str) -> str:
    """The stylesheets with every var() replaced by its value (no cascade: the
    flyer's variables are set once, on :root)."""
    values = dict(re.findall(r"(--[\w-]+):\s*([^;]+);", css))
    for _ in range(3):
        css = re.sub(r"var\((--[\w-]+)(?:,\s*([^)]+))?\)", lambda m: values.get(m.group(1), m.group(2) or ""), css)
    return css


def flatten(html: str) -> str:
    """The same content with no wrapper divs and no lists: paragraphs only."""
    html = html.replace('<div class="fit">', "").replace("</div></section>", "</section>")
    html = re.sub(r'<ol class="points">|</ol>|<ul class="actions \w+">|</ul>', "", html)
    html = re.sub(r'<li class="point" data-argument="[^"]*"><p>(.*?)</p></li>', r'<p class="point">\1</p>', html)
    html = re.sub(r"<li>(.*?)</li>", r'<p class="action">\1</p>', html)
    html = re.sub(r'<div class="verso-(?:actions|info)">', "", html)
    return re.sub(r">\s+<", "><", html)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from bench_flyer import median_ms, text_floor_css, text_floor_html
    from motions.communes import lookup
    from motions.flyer import FlyerOptions, compose_flyer
    from motions.library import load_library
    from motions.writers.flyer_pdf import format_for, render_flyer_html, render_flyer_pdf, stylesheets
    from motions.writers.pdf import find_template_file

    lib = load_library(ROOT / "tests" / "roots" / "flyer", with_cwd=False)
    options = FlyerOptions(session_date=dt.date(2026, 3, 14), place="salle du conseil, hôtel de ville",
                           contact="villejuif-en-commun@example.org", url="https://example.org/villejuif",
                           group="Villejuif en commun")
    flyer = compose_flyer(lib, lookup("Villejuif"), options=options)
    result = render_flyer_pdf(flyer, lib.template_dirs, "a5")
    fmt = format_for("a5", False)
    html = render_flyer_html(result.flyer, lib.template_dirs, fmt, scale=result.scale)
    css = resolve_variables("\n".join(find_template_file(lib.template_dirs, rel).read_text(encoding="utf-8")
                                      for rel in stylesheets(fmt, False, False)))
    fonts = FontConfiguration()

    def measure(page_html: str, page_css: str, **write_options) -> tuple[float, int]:
        """Median CPU ms of a warm render and PDF write, and the page count."""
        sheet = CSS(string=page_css, font_config=fonts)
        cache: dict = {}

        def layout():
            return HTML(string=page_html).render(stylesheets=[sheet], font_config=fonts, cache=cache)

        ms = median_ms(lambda: layout().write_pdf(**write_options), args.runs, time.process_time)
        return ms, len(layout().pages)

    recto = re.sub(r'<section class="panel verso">.*?</section>', "", html, flags=re.S)
    verso = re.sub(r'<section class="panel recto">.*?</section>', "", html, flags=re.S)
    variants = [
        ("baseline: the A5 flyer", html, css, {}),
        ("no hyphenation", html, css + "body { hyphens: manual }", {}),
        ("no list markers", html, css + ".actions { list-style: none }", {}),
        ("no float (QR code)", html, css + ".qr { float: none }", {}),
        ("no rounded corners", html, re.sub(r"border-radius:[^;]+;", "", css), {}),
        ("no letter spacing", html, css.replace("letter-spacing: 0.02em;", ""), {}),
        ("flat HTML: no wrappers, no lists", flatten(html), css, {}),
        ("uncompressed PDF", html, css, {"uncompressed_pdf": True}),
        ("all of the above", flatten(html), css + "body { hyphens: manual } .qr { float: none }",
         {"uncompressed_pdf": True}),
        ("the recto alone", recto, css, {}),
        ("the verso alone", verso, css, {}),
        ("floor: the words, no design", text_floor_html(result.flyer, fmt), text_floor_css(fmt), {}),
    ]
    print(f"A5 flyer, {args.runs} runs, medians of process CPU time in ms")
    base = None
    for label, page_html, page_css, write_options in variants:
        ms, pages = measure(page_html, page_css, **write_options)
        base = ms if base is None else base
        print(f"{label:<36} {ms:7.1f}  {ms - base:+7.1f}  {pages} page{'s' if pages > 1 else ''}")


if __name__ == "__main__":
    main()
