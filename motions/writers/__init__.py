"""Writers: one per output format, each a function Document -> bytes.

The registry maps a format name to its writer; adding ODT later means one new
module and one line here, and no change to ``compose``. Writers are imported
lazily so that a DOCX-only run never loads WeasyPrint.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..document import Document

#: format name -> (module, function, file extension)
REGISTRY = {
    "docx": ("motions.writers.docx", "render_docx", ".docx"),
    "pdf": ("motions.writers.pdf", "render_pdf", ".pdf"),
    "html": ("motions.writers.html", "render_html_standalone", ".html"),
    "txt": ("motions.writers.text", "render_text", ".txt"),
}


def write(fmt: str, document: Document, template_dirs: list[Path]) -> tuple[bytes, list[str]]:
    """Render ``document`` as ``fmt``; returns the bytes and any warnings."""
    module, func, _ = REGISTRY[fmt]
    result = getattr(import_module(module), func)(document, template_dirs)
    if isinstance(result, tuple):
        data, refused = result
        return data, [f"refused to load {url}: only files of the library may be used" for url in refused]
    if isinstance(result, str):
        result = result.encode("utf-8")
    return result, []


def extension(fmt: str) -> str:
    return REGISTRY[fmt][2]
