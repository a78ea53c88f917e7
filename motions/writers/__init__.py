"""Writers: one per output format, all with one protocol (Pandoc's ``Writers.hs`` habit).

A writer turns a :class:`~motions.document.Document` into bytes. It declares
its name, file extension and media type, the template files it needs
(checked when the library loads), and the options it understands. The registry
maps names to writers, imported lazily so that a DOCX-only run never loads
WeasyPrint. Adding a format is one module and one line here; ``compose`` never
changes (the ``odt`` writer was added that way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..document import Document
from ..errors import UsageError

if TYPE_CHECKING:
    from ..resources import Resources


@dataclass(frozen=True)
class WriterOptions:
    """Options a writer may read; each writer ignores those it does not know."""

    pdf_variant: str | None = "pdf/ua-1"  # WeasyPrint's PDF variant: pdf/ua-1 (accessible), pdf/a-3u...
    print_shop: bool = False  # flyers: bleed, crop marks, CMYK
    icc: Path | None = None  # flyers: the print shop's CMYK profile -> PDF/X
    logo: Path | None = None  # flyers: a local image
    pdf_engine: str | None = None  # "weasyprint", "typst", or None: WeasyPrint if it can start, else Typst
    extra: dict = field(default_factory=dict)


class Writer(Protocol):
    name: str
    extension: str
    media_type: str
    resources: tuple[str, ...]  # template files (relative to a template folder) it needs
    kinds: tuple[str, ...]  # document kinds it writes ("*" for any)

    def write(self, document: Document, resources: "Resources", options: WriterOptions) -> bytes: ...

    def check(self, template_dirs: list[Path]) -> list[str]: ...


#: name -> (module, class). The motion formats come first.
REGISTRY: dict[str, tuple[str, str]] = {
    "docx": ("motions.writers.docx", "DocxWriter"),
    "odt": ("motions.writers.odt", "OdtWriter"),
    "pdf": ("motions.writers.pdf", "PdfWriter"),
    "pdf-typst": ("motions.writers.typst", "TypstWriter"),  # the "pdf" format through --pdf-engine typst
    "html": ("motions.writers.html", "HtmlWriter"),
    "txt": ("motions.writers.text", "TextWriter"),
    "flyer-a5": ("motions.writers.flyer", "FlyerA5"),
    "flyer-a6x4": ("motions.writers.flyer", "FlyerA6x4"),
    "flyer-a4": ("motions.writers.flyer", "FlyerA4"),
    "flyer-typst": ("motions.writers.typst", "TypstFlyerWriter"),  # the flyers through --pdf-engine typst
}

DOCUMENT_FORMATS = ("docx", "odt", "pdf", "html", "txt")


def get(name: str) -> Writer:
    try:
        module, cls = REGISTRY[name]
    except KeyError:
        raise UsageError(f"unknown format '{name}'; formats are: {', '.join(DOCUMENT_FORMATS)}.") from None
    return getattr(import_module(module), cls)()


def parse_formats(value: str | None, default: str = "docx,pdf") -> tuple[str, ...]:
    """``"docx, pdf"`` -> ("docx", "pdf"), refusing unknown names with the list of known ones."""
    items = tuple(dict.fromkeys(f.strip().lower() for f in (value or default).split(",") if f.strip()))
    bad = [f for f in items if f not in DOCUMENT_FORMATS]
    if bad or not items:
        raise UsageError(f"unknown format {', '.join(bad) or '(none)'}; choose among "
                         f"{', '.join(DOCUMENT_FORMATS)} (comma-separated).")
    return items


def check_resources(template_dirs: list[Path]) -> list[str]:
    """Every writer's declared resources exist and are valid (run at load)."""
    problems: list[str] = []
    for name in REGISTRY:
        try:
            writer = get(name)
        except ImportError as exc:  # an optional engine not installed: its writer is unavailable
            problems.append(f"the {name} writer cannot be loaded ({exc})")
            continue
        problems.extend(writer.check(template_dirs))
    return list(dict.fromkeys(problems))


def find_resource(template_dirs: list[Path], relative: str) -> Path | None:
    for folder in template_dirs:
        path = Path(folder) / relative
        if path.is_file():
            return path
    return None


def missing_resources(template_dirs: list[Path], relatives) -> list[str]:
    """Problems for declared files that no template folder holds, or that are
    links leading outside their folder."""
    problems = []
    for rel in relatives:
        path = find_resource(template_dirs, rel)
        if path is None:
            problems.append(f"templates/{rel}: not found in any template folder (a writer needs it)")
            continue
        folder = next(Path(f) for f in template_dirs if (Path(f) / rel).is_file())
        if folder.resolve() not in path.resolve().parents:
            problems.append(f"{path}:1: is a link to a file outside the library ({path.resolve()})")
    return problems
