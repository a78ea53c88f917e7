"""Document -> PDF with WeasyPrint, through the HTML writer.

Notes sit at the foot of their page (CSS ``float: footnote``); the PDF is
tagged PDF/UA-1 by default (headings, lists, notes, links, language, title
displayed), so that a council can publish it as the RGAA requires; another
variant (``pdf/a-3u`` for archives) is an option. WeasyPrint is imported only
here, and only when a PDF is asked for: importing it is a large part of a cold
run. Fonts and stylesheets are built once per :class:`~motions.resources.Resources`
and reused. Every resource goes through :class:`LocalOnlyFetcher`: no network,
no file outside the template folders.
"""

from __future__ import annotations

import logging

from ..document import Document
from ..errors import SystemDependencyError, UsageError
from . import missing_resources
from .html import PAGE_TEMPLATE, STYLESHEET, page
from .pdf_finish import finisher

#: The PDF variants a user may ask for (WeasyPrint's names).
VARIANTS = ("pdf/ua-1", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "none")


def import_weasyprint():
    """Import WeasyPrint, or say which system libraries to install."""
    try:
        import weasyprint
        from weasyprint.text import ffi  # noqa: F401 - the part that loads Pango
    except (OSError, ImportError) as exc:
        raise SystemDependencyError(
            f"WeasyPrint cannot start ({exc}). It needs Pango and HarfBuzz: on Debian or Ubuntu run "
            "`sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0`, "
            "or choose the Typst engine with --pdf-engine typst."
        ) from None
    return weasyprint


#: The PDF engines (``--pdf-engine``): WeasyPrint (HTML and CSS) and Typst.
ENGINES = ("weasyprint", "typst")
MISSING_PANGO = ("WeasyPrint cannot start because its system library Pango is missing, so this PDF is made "
                 "with Typst instead; for WeasyPrint's PDFs install Pango (Debian or Ubuntu: "
                 "`sudo apt install libpango-1.0-0 libpangoft2-1.0-0`, macOS: `brew install pango`)")


def weasyprint_starts(resources) -> bool:
    """True when WeasyPrint and its system libraries load (tried once per Resources)."""
    def attempt():
        try:
            import_weasyprint()
            return True
        except SystemDependencyError:
            logging.getLogger("motions").warning(MISSING_PANGO)
            return False
    return resources.memo("weasyprint:starts", attempt)


def choose_engine(asked: str | None, resources) -> str:
    """The PDF engine to use: the one asked for, or WeasyPrint when it starts,
    else Typst (said once, in one sentence naming what to install)."""
    if asked not in (None, "auto"):
        if asked not in ENGINES:
            raise UsageError(f"unknown PDF engine '{asked}'; choose {' or '.join(ENGINES)}.")
        return asked
    return "weasyprint" if weasyprint_starts(resources) else "typst"


def restyled_for_weasyprint(resources) -> bool:
    """True when the user's library restyles WeasyPrint's PDFs (its own
    templates/html/motion.css) and not Typst's (no templates/typst/motion.typ):
    the faster engine would silently drop that style."""
    from .typst import TEMPLATE as TYPST_TEMPLATE

    user = resources.library.user_root
    if user is None:
        return False
    mine = (user / "templates")
    return (mine / STYLESHEET).is_file() and not (mine / TYPST_TEMPLATE).is_file()


def font_config(resources):
    def build():
        from weasyprint.text.fonts import FontConfiguration

        from weasyprint.text import ffi
        if getattr(ffi, "harfbuzz_subset", None) is None:
            logging.getLogger("motions").warning(
                "libharfbuzz-subset0 is not installed: WeasyPrint falls back to a font subsetter that is "
                "several times slower. Install it with: sudo apt install libharfbuzz-subset0")
        return FontConfiguration()
    return resources.memo("weasyprint:fonts", build)


def stylesheet(resources, relative: str, fetcher):
    path = resources.find(relative)

    def build():
        from weasyprint import CSS

        return CSS(filename=str(path), url_fetcher=fetcher, font_config=font_config(resources))
    return resources.memo(("weasyprint:css", str(path), path.stat().st_mtime_ns), build)


def fetcher_for(resources, extra_roots=()):
    from .fetcher import LocalOnlyFetcher

    return LocalOnlyFetcher(list(resources.template_dirs) + list(extra_roots))


def html_to_pdf(html: str, resources, stylesheets: list[str], *, variant: str | None = "pdf/ua-1",
                extra_roots=(), inspect=None, print_marks=None, **options) -> bytes:
    """Render HTML with the given stylesheets (template-relative paths).

    ``print_marks`` (a :class:`~motions.writers.pdf_finish.PrintMarks`) sets a
    print shop's boxes and draws crop marks outside the bleed.

    ``inspect``, if given, is called with WeasyPrint's laid-out document before
    the PDF is written: it may check the layout and raise to stop there.
    Refused resources are reported as warnings naming each URL.
    """
    import_weasyprint()
    from weasyprint import HTML

    if variant not in (None, "none") and variant not in VARIANTS and not variant.startswith("pdf/x"):
        raise UsageError(f"unknown PDF variant '{variant}'; choose among {', '.join(VARIANTS)}.")
    fetcher = fetcher_for(resources, extra_roots)
    sheets = [stylesheet(resources, rel, fetcher) for rel in stylesheets]
    base = resources.find(stylesheets[0]).parent.as_uri() + "/"
    options.setdefault("pdf_identifier", b"motions")
    options.setdefault("custom_metadata", True)
    if variant not in (None, "none"):
        options["pdf_variant"] = variant
        options.setdefault("pdf_tags", True)
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=font_config(resources), **options)
    if inspect is not None:
        inspect(document)
    tagged = bool(options.get("pdf_tags"))
    pdf = document.write_pdf(finisher=finisher(variant, tagged, print_marks), **options)
    for url in fetcher.refused:
        logging.getLogger("motions").warning(
            f"refused to load {url}: only files of the library may be used (no network, no other files)")
    return pdf


class PdfWriter:
    name = "pdf"
    extension = ".pdf"
    media_type = "application/pdf"
    resources = (PAGE_TEMPLATE, STYLESHEET)
    kinds = ("*",)

    def check(self, template_dirs) -> list[str]:
        return missing_resources(template_dirs, self.resources)

    def write(self, document: Document, resources, options=None) -> bytes:
        if choose_engine(options.pdf_engine if options is not None else None, resources) == "typst":
            from .typst import TypstWriter

            return TypstWriter().write(document, resources, options)
        variant = options.pdf_variant if options is not None else "pdf/ua-1"
        footnotes = "end" if document.notes == "endnotes" else "inline"
        html = page(document, resources, footnotes=footnotes)
        return html_to_pdf(html, resources, [STYLESHEET], variant=variant)
