"""Document -> .odt (OpenDocument text), on the styles of ``reference.odt``.

OpenDocument is the format the French administration's interoperability
framework (RGI) recommends, and what many town halls' LibreOffice saves by
default. Built with **odfdo**: a maintained, pure-Python library for the whole
ODF format (styles, notes, links, metadata), so we write no ODF XML by hand;
the alternative, odfpy, is older and lower level. Like the DOCX writer, this one
names the styles of ``roles.py`` (the same names, so restyling is the same in
both) and never sets a font; notes are real ODF footnotes (or endnotes), URLs
live links. Output bytes are deterministic for the same inputs.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from ..document import Article, Document, Emph, ItemList, Link, Note, Paragraph, Section, Strong, Table, Text
from ..errors import LibraryError
from .common import xml_safe
from .roles import HEADING_ROLES, LINK_STYLE, NOTE_CALL_STYLE, RUNNING_STYLE, paragraph_styles, role

REFERENCE = "reference.odt"
EMPHASIS = "Motion – italique"
STRONG = "Motion – gras"
FIXED = dt.datetime(2026, 11, 28, 12, 0, 0)


def odf_name(display: str) -> str:
    """An ODF style name (an NCName) for a display name, as LibreOffice encodes
    it: "Motion – titre" -> "Motion_20__2013__20_titre"."""
    out = []
    for ch in display:
        out.append(ch if (ch.isascii() and (ch.isalnum() or ch in "-.")) else f"_{ord(ch):x}_")
    name = "".join(out)
    return name if name[:1].isalpha() else "S" + name


class OdtWriter:
    name = "odt"
    extension = ".odt"
    media_type = "application/vnd.oasis.opendocument.text"
    resources = (REFERENCE,)
    kinds = ("*",)

    def check(self, template_dirs) -> list[str]:
        from . import find_resource, missing_resources

        problems = missing_resources(template_dirs, self.resources)
        if problems:
            return problems
        path = find_resource(template_dirs, REFERENCE)
        try:
            _style_names(path.read_bytes(), str(path))
        except LibraryError as exc:
            return exc.problems
        return []

    def write(self, document: Document, resources, options=None) -> bytes:
        data = resources.read_bytes(REFERENCE)
        names = resources.memo(("odt:styles", len(data), hash(data)), lambda: _style_names(data, REFERENCE))
        return render_odt(document, data, names, resources.now)


def _style_names(data: bytes, where: str) -> dict[str, str]:
    """display name -> style name, checking that every role's style is there."""
    from odfdo import Document as OdfDocument

    try:
        doc = OdfDocument(io.BytesIO(data))
    except Exception as exc:  # odfdo raises several kinds for a file that is not ODF
        raise LibraryError([f"{where}:1: not an OpenDocument text ({exc}); rebuild it with "
                            "scripts/build_reference_odt.py or save it from LibreOffice as .odt"]) from None
    names = {}
    for family in ("paragraph", "text"):
        for st in doc.get_styles(family):
            if st.name:
                names[st.display_name or st.name] = st.name
    wanted = paragraph_styles() + [NOTE_CALL_STYLE, LINK_STYLE, EMPHASIS, STRONG]
    missing = [s for s in wanted if s not in names]
    if missing:
        raise LibraryError([f"{where}:1: the reference document lacks the style(s) {', '.join(missing)}; add "
                            "them in LibreOffice (F11), or rebuild it with scripts/build_reference_odt.py"])
    return names


class _Builder:
    def __init__(self, names: dict[str, str], endnotes: bool):
        self.names = names
        self.note_class = "endnote" if endnotes else "footnote"
        self.count = 0

    def paragraph(self, style: str, inlines):
        from odfdo import Paragraph as OdfParagraph

        p = OdfParagraph(style=self.names[style])
        self.append(p, inlines, style)
        return p

    def append(self, element, inlines, para_style: str) -> None:
        from odfdo import Link as OdfLink
        from odfdo import Span

        for node in inlines:
            if isinstance(node, Text):
                if hasattr(element, "append_plain_text"):
                    element.append_plain_text(xml_safe(node.text))
                else:  # a link or a span: no space to protect inside a run
                    element.append(xml_safe(node.text))
            elif isinstance(node, Emph):
                span = Span(style=self.names[EMPHASIS])
                self.append(span, node.children, para_style)
                element.append(span)
            elif isinstance(node, Strong):
                span = Span(style=self.names[STRONG])
                self.append(span, node.children, para_style)
                element.append(span)
            elif isinstance(node, Link):
                link = OdfLink(node.url, style=self.names[LINK_STYLE])
                self.append(link, node.children, para_style)
                element.append(link)
            elif isinstance(node, Note):
                element.append(self.note(node))

    def note(self, note: Note):
        from odfdo import Note as OdfNote

        self.count += 1
        odf_note = OdfNote(note_class=self.note_class, note_id=f"{self.note_class[:3]}{self.count}",
                           citation=str(self.count))
        body = odf_note.get_element("text:note-body")
        body.append(self.paragraph(role("note").style, note.content))
        return odf_note


def _walk(builder: _Builder, section: Section, depth: int, body) -> None:
    if section.heading:
        body.append(builder.paragraph(role(HEADING_ROLES.get(depth, "heading-2")).style, (Text(section.heading),)))
    for block in section.blocks:
        if isinstance(block, Section):
            _walk(builder, block, depth + 1, body)
        elif isinstance(block, Paragraph):
            body.append(builder.paragraph(role(block.role).style, block.inlines))
        elif isinstance(block, Article):
            body.append(builder.paragraph(role("article-label").style, (Text(block.label),)))
            for p in block.blocks:
                body.append(builder.paragraph(role(p.role).style, p.inlines))
        elif isinstance(block, ItemList):
            for i, item in enumerate(block.items, 1):
                mark = f"{i}.\t" if block.ordered else "–\t"
                body.append(builder.paragraph(role(block.role).style, (Text(mark), *item)))
        elif isinstance(block, Table):
            body.append(_table(builder, block))


def _table(builder: _Builder, table: Table):
    from odfdo import Cell, Row
    from odfdo import Table as OdfTable

    rows = [table.header, *table.rows] if table.header else list(table.rows)
    width = max((len(r) for r in rows), default=1)
    odf = OdfTable("Tableau", width=width, height=0)
    for i, row in enumerate(rows):
        odf_row = Row()
        for cell in row:
            c = Cell()
            inl = (Strong(tuple(cell)),) if i == 0 and table.header else cell
            c.append(builder.paragraph(role("table-cell").style, inl))
            odf_row.append(c)
        odf.append(odf_row)
    return odf


def render_odt(document: Document, reference: bytes, names: dict[str, str], now: dt.datetime) -> bytes:
    from odfdo import Document as OdfDocument
    from odfdo import Paragraph as OdfParagraph
    from odfdo import VarPageCount, VarPageNumber

    doc = OdfDocument(io.BytesIO(reference))
    body = doc.body
    for child in list(body.children):
        if child.tag in ("text:p", "text:h", "text:list", "table:table", "text:section"):
            body.delete(child)
    builder = _Builder(names, document.notes == "endnotes")
    for section in document.sections:
        _walk(builder, section, 1, body)
    master = doc.get_style("master-page", "Standard")
    if master is not None:
        running = names[RUNNING_STYLE]
        master.set_page_header(OdfParagraph(xml_safe(document.running_head), style=running))
        footer = OdfParagraph(xml_safe(document.footer) + " — page ", style=running)
        footer.append(VarPageNumber())
        footer.append(" / ")
        footer.append(VarPageCount())
        master.set_page_footer(footer)
    meta = doc.meta
    md = document.metadata
    meta.set_title(xml_safe(md.title))
    meta.set_subject(xml_safe(md.subject))
    meta.set_keywords(", ".join(md.keywords))
    meta.set_description(xml_safe("; ".join(f"{k}={v}" for k, v in sorted(md.provenance.items()))))
    meta.set_language(md.language)
    meta.set_creator(xml_safe(md.author or "motions"))
    meta.set_initial_creator(xml_safe(md.author or "motions"))
    meta.set_creation_date(now)
    meta.set_modification_date(now)
    meta.set_generator("motions")
    meta.set_editing_cycles(1)
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_odf(buf.getvalue(), now)


def deterministic_odf(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an ODF package with fixed timestamps and a fixed order: the
    ``mimetype`` entry first and stored, as the format requires."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        ordered = ["mimetype"] + sorted(n for n in names if n != "mimetype")
        for name in ordered:
            if name not in names:
                continue
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()
