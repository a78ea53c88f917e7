"""Document -> PDF with WeasyPrint, through the HTML writer.

WeasyPrint is imported only here (and only when a PDF is asked for), because
importing it costs a third of a cold run. Fonts and the stylesheet are loaded
once per process and kept warm for batch runs. Every resource goes through
:class:`LocalOnlyFetcher`: no network, no file outside the template folders.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..document import Document
from ..errors import LibraryError
from .common import fixed_datetime
from .html import render_html

_CACHE: dict = {}


def _warn_slow_subsetting() -> None:
    from weasyprint.text import ffi

    if getattr(ffi, "harfbuzz_subset", None) is None and not _CACHE.get("warned"):
        _CACHE["warned"] = True
        logging.getLogger("motions").warning(
            "libharfbuzz-subset0 is not installed: WeasyPrint falls back to a font subsetter that is "
            "several times slower. Install it with: sudo apt install libharfbuzz-subset0"
        )


def find_template_file(template_dirs: list[Path], relative: str) -> Path:
    for d in template_dirs:
        candidate = d / relative
        if candidate.is_file():
            return candidate
    raise LibraryError([f"templates/{relative}: not found in any template folder"])


def _stylesheet(path: Path, fetcher, font_config):
    from weasyprint import CSS

    key = ("css", str(path), path.stat().st_mtime_ns)
    css = _CACHE.get(key)
    if css is None:
        css = _CACHE[key] = CSS(filename=str(path), url_fetcher=fetcher, font_config=font_config)
    return css


def render_pdf_from_html(html: str, template_dirs: list[Path], css_relative: str,
                         extra_roots: list[Path] | None = None, **options) -> tuple[bytes, list[str]]:
    """Render HTML with the given stylesheet; returns the PDF bytes and refused URLs."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import LocalOnlyFetcher

    _warn_slow_subsetting()
    font_config = _CACHE.get("fonts")
    if font_config is None:
        font_config = _CACHE["fonts"] = FontConfiguration()
    roots = list(template_dirs) + list(extra_roots or [])
    fetcher = LocalOnlyFetcher(roots)
    css_path = find_template_file(template_dirs, css_relative)
    css = _stylesheet(css_path, fetcher, font_config)
    base = css_path.parent.as_uri() + "/"
    pdf = HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
        stylesheets=[css], font_config=font_config, custom_metadata=True,
        pdf_identifier=options.pop("pdf_identifier", b"motions"), **options,
    )
    return pdf, fetcher.refused


def render_pdf(document: Document, template_dirs: list[Path]) -> tuple[bytes, list[str]]:
    created = fixed_datetime(document.metadata.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = render_html(document, template_dirs, created=created)
    return render_pdf_from_html(html, template_dirs, "html/motion.css")
