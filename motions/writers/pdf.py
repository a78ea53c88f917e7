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
from .html import render_html

_CACHE: dict = {}


def _import_without_library_search() -> None:
    """Import WeasyPrint without ctypes' library search, which costs ~0.3 s cold.

    WeasyPrint tries several names per system library; every name cffi cannot
    open directly goes through ``ctypes.util.find_library``, which on Linux runs
    ldconfig, then gcc and ld, in subprocesses. The names it tries last
    (``libpango-1.0.so.0``, ``libpango-1.0.dylib``) open directly, so we import
    with ``find_library`` answering "not found"; if that fails (an unusual
    layout), WeasyPrint is imported again the ordinary way.
    """
    import ctypes.util
    import sys

    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        from weasyprint.text import ffi

        ok = ffi.harfbuzz_subset is not None or real("harfbuzz-subset") is None
    except (OSError, ImportError):
        ok = False
    finally:
        ctypes.util.find_library = real
    if not ok:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]


def import_weasyprint():
    """Import WeasyPrint, or say which system libraries to install."""
    import sys

    if "weasyprint.text.ffi" not in sys.modules:
        _import_without_library_search()
    try:
        import weasyprint  # noqa: F401
        from weasyprint.text import ffi  # noqa: F401
    except (OSError, ImportError) as exc:
        from ..errors import SystemDependencyError

        raise SystemDependencyError(
            f"WeasyPrint cannot start ({exc}). It needs Pango and HarfBuzz: on Debian or Ubuntu run "
            "`sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0`, "
            "or generate DOCX only with --format docx."
        ) from None
    return weasyprint


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


def render_pdf_from_html(html: str, template_dirs: list[Path], css_relative: str | list[str],
                         extra_roots: list[Path] | None = None, *, inspect=None,
                         **options) -> tuple[bytes, list[str]]:
    """Render HTML with the given stylesheet(s); returns the PDF bytes and refused URLs.

    ``css_relative`` may list several stylesheets, applied in order (relative
    URLs in the HTML resolve against the first one's folder). ``inspect``, if
    given, is called with WeasyPrint's laid-out document before the PDF is
    written: it may check the layout (pages, boxes) and raise to stop there.
    """
    import_weasyprint()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import LocalOnlyFetcher

    _warn_slow_subsetting()
    font_config = _CACHE.get("fonts")
    if font_config is None:
        font_config = _CACHE["fonts"] = FontConfiguration()
    roots = list(template_dirs) + list(extra_roots or [])
    fetcher = LocalOnlyFetcher(roots)
    relatives = [css_relative] if isinstance(css_relative, str) else list(css_relative)
    css_paths = [find_template_file(template_dirs, rel) for rel in relatives]
    stylesheets = [_stylesheet(path, fetcher, font_config) for path in css_paths]
    base = css_paths[0].parent.as_uri() + "/"
    options.setdefault("pdf_identifier", b"motions")
    options.setdefault("custom_metadata", True)
    # render() then write_pdf() is what HTML.write_pdf() does, with room to inspect.
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=font_config, **options)
    if inspect is not None:
        inspect(document)
    pdf = document.write_pdf(**options)
    return pdf, fetcher.refused


def render_pdf(document: Document, template_dirs: list[Path]) -> tuple[bytes, list[str]]:
    html = render_html(document, template_dirs)
    return render_pdf_from_html(html, template_dirs, "html/motion.css")
