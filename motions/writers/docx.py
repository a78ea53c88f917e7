"""Document -> .docx, on the styles of templates/reference.docx.

The writer names styles (see ``docx_styles.STYLES``) and never sets a font, a
size or a colour: the reference document defines them, so users restyle their
motions in Word or LibreOffice. Every style is checked to exist before writing,
because Word silently drops an undefined style. Output bytes are deterministic:
fixed core-property dates and zip-entry timestamps (``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import lru_cache
from pathlib import Path

from docx import Document as load_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..document import HEADINGS, Document, Emph, NoteRef, Paragraph, Strong, Text
from ..errors import LibraryError
from .docx_styles import STYLES
from .common import fixed_datetime, xml_safe


@lru_cache(maxsize=4)
def _reference_bytes(path: str) -> bytes:
    data = Path(path).read_bytes()
    doc = load_docx(io.BytesIO(data))
    names = {s.name for s in doc.styles}
    missing = [name for name in STYLES.values() if name not in names]
    if missing:
        raise LibraryError([f"{path}: the reference document lacks the style(s) {', '.join(missing)}; "
                            "rebuild it with scripts/build_reference_docx.py or add them in Word"])
    return data


def reference_docx(template_dirs: list[Path]) -> Path:
    for d in template_dirs:
        candidate = d / "reference.docx"
        if candidate.is_file():
            return candidate
    raise LibraryError(["templates/reference.docx: not found in any template folder"])


def _add_inlines(par, inlines, *, italic=False, bold=False):
    prev_was_note = False
    for node in inlines:
        if isinstance(node, Text):
            run = par.add_run(xml_safe(node.text))
            if italic:
                run.italic = True
            if bold:
                run.bold = True
        elif isinstance(node, Emph):
            _add_inlines(par, node.children, italic=not italic, bold=bold)
        elif isinstance(node, Strong):
            _add_inlines(par, node.children, italic=italic, bold=True)
        elif isinstance(node, NoteRef):
            if prev_was_note:  # adjacent calls: ¹,²  not ¹²
                par.add_run(",", style=STYLES["noteref"])
            par.add_run(str(node.number), style=STYLES["noteref"])
        prev_was_note = isinstance(node, NoteRef)


def _para(doc, style: str, paragraph: Paragraph | str):
    par = doc.add_paragraph(style=STYLES[style])
    if isinstance(paragraph, str):
        par.add_run(xml_safe(paragraph))
    else:
        _add_inlines(par, paragraph.inlines)
    return par


def _field(par, instr: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    par._p.append(fld)


def render_docx(document: Document, template_dirs: list[Path]) -> bytes:
    """The .docx bytes of ``document``."""
    ref = reference_docx(template_dirs)
    doc = load_docx(io.BytesIO(_reference_bytes(str(ref))))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    section = doc.sections[0]
    header = section.header.paragraphs[0] if section.header.paragraphs else section.header.add_paragraph()
    header.style = doc.styles[STYLES["running"]]
    header.text = xml_safe(document.running_head)
    footer = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
    footer.style = doc.styles[STYLES["running"]]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(xml_safe(f"{document.running_head} — {document.kind_label} — page "))
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")

    _para(doc, "kind", document.kind_label)
    _para(doc, "title", document.title)
    for line in document.subtitle:
        _para(doc, "subtitle", line)
    for p in document.notices:
        _para(doc, "notice", p)
    if document.expose:
        _para(doc, "heading", HEADINGS["expose"])
        for p in document.expose:
            _para(doc, "expose", p)
    _para(doc, "heading", HEADINGS["text"])
    _para(doc, "intro", document.preamble)
    for p in document.visas:
        _para(doc, "visa", p)
    for p in document.considerants:
        _para(doc, "considerant", p)
    for disp in document.dispositifs:
        _para(doc, "intro", disp.intro)
        for article in disp.articles:
            _para(doc, "article_label", article.label)
            for p in article.body:
                _para(doc, "article", p)
    for p in document.signature:
        _para(doc, "signature", p)
    if document.procedure:
        _para(doc, "heading", HEADINGS["procedure"])
        for p in document.procedure:
            _para(doc, "notice", p)
    if document.notes:
        _para(doc, "heading", HEADINGS["notes"])
        for note in document.notes:
            par = doc.add_paragraph(style=STYLES["note"])
            par.add_run(f"{note.number}.\t")
            _add_inlines(par, note.body.inlines)
    if document.sources:
        _para(doc, "heading", HEADINGS["sources"])
        for src in document.sources:
            _para(doc, "source", src.body)

    meta = document.metadata
    when = fixed_datetime(meta.date)
    cp = doc.core_properties
    cp.title = xml_safe(meta.title)
    cp.author = xml_safe(meta.author or "motions")
    cp.last_modified_by = "motions"
    cp.subject = xml_safe(meta.subject)
    cp.keywords = ", ".join(meta.keywords)
    cp.language = meta.language
    cp.category = document.kind_label
    cp.comments = _provenance_comment(meta.provenance)
    cp.identifier = str(meta.provenance.get("commune_insee", ""))
    cp.version = str(meta.provenance.get("library_version", ""))
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue(), when)


def _provenance_comment(provenance: dict) -> str:
    """The provenance as one line; core properties hold at most 255 characters,
    so the long argument list goes last and is cut (the full list is in `motions explain`)."""
    items = sorted(provenance.items(), key=lambda kv: (kv[0] == "arguments", kv[0]))
    text = xml_safe("; ".join(f"{k}={v}" for k, v in items))
    return text if len(text) <= 255 else text[:254] + "…"


def _normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the zip with fixed timestamps so the same input gives the same bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=stamp)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            dst.writestr(new, src.read(info.filename))
    return out.getvalue()
