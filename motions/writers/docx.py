"""Document -> .docx (WordprocessingML), on the styles of ``reference.docx``.

The writer names styles (from ``roles.py``) and never sets a font, a size or
a colour: the reference document defines them, so users restyle their motions
in Word or LibreOffice (Pandoc's ``--reference-doc`` habit). What it writes:

- real Word footnotes (``footnotes.xml``: staff may delete a considérant and
  Word renumbers), or Word endnotes in end-note mode;
- live hyperlinks for URLs and DOIs;
- a modern document (compatibility mode 15, French hyphenation on, a clean
  ``app.xml``, no thumbnail), with the document's real creation date unless
  ``SOURCE_DATE_EPOCH`` fixes it, so the same inputs give the same bytes.

Why not python-docx for the output: it has no footnotes, hyperlinks or
endnotes API, and rebuilding its object tree for each of 35,000 documents is
slow. We take from the reference only its styles, theme, fonts, numbering and
page setup (never its macros, custom XML, thumbnail or relationships, so no
external resource of a user's reference ever reaches an output), and write
every other part ourselves, checked by tests that open the result with
python-docx and convert it with LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from .. import __version__
from ..document import Article, Document, Emph, ItemList, Link, Note, Paragraph, Section, Strong, Table, Text
from ..errors import LibraryError
from .common import xml_safe
from .roles import CHARACTER_STYLES, HEADING_ROLES, LINK_STYLE, NOTE_CALL_STYLE, RUNNING_STYLE, paragraph_styles, role

REFERENCE = "reference.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = (f'xmlns:w="{W}" xmlns:r="{R}"')
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
#: Parts copied from the reference: styles and what they rely on. Nothing else.
KEPT_PARTS = {
    "word/styles.xml": ("styles", "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"),
    "word/theme/theme1.xml": ("theme", "application/vnd.openxmlformats-officedocument.theme+xml"),
    "word/fontTable.xml": ("fontTable", "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"),
    "word/numbering.xml": ("numbering", "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"),
}


class DocxWriter:
    name = "docx"
    extension = ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    resources = (REFERENCE,)
    kinds = ("*",)

    def check(self, template_dirs) -> list[str]:
        from . import find_resource, missing_resources

        problems = missing_resources(template_dirs, self.resources)
        if problems:
            return problems
        path = find_resource(template_dirs, REFERENCE)
        try:
            read_reference(path.read_bytes(), str(path))
        except LibraryError as exc:
            return exc.problems
        return []

    def write(self, document: Document, resources, options=None) -> bytes:
        path = resources.find(REFERENCE)
        ref = resources.memo(("docx:reference", str(path), path.stat().st_mtime_ns),
                             lambda: read_reference(path.read_bytes(), str(path)))
        return render_docx(document, ref, resources.now)


# --------------------------------------------------------------------------- the reference


@dataclass(frozen=True)
class Reference:
    parts: dict  # name -> bytes (the kept parts)
    style_ids: dict  # style name -> id
    sect_pr: str  # the page setup, without header/footer references


def read_reference(data: bytes, where: str) -> Reference:
    """Read and check a reference document: every style of the role table
    present, and what we copy free of anything that could reach outside."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        names = set(z.namelist())
        styles = z.read("word/styles.xml")
        body = z.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise LibraryError([f"{where}:1: not a Word document ({exc}); rebuild it with "
                            "scripts/build_reference_docx.py or save it from Word as .docx"]) from None
    ids = {}
    root = ET.fromstring(styles)
    for st in root.findall(f"{{{W}}}style"):
        name = st.find(f"{{{W}}}name")
        if name is not None:
            ids[name.get(f"{{{W}}}val")] = st.get(f"{{{W}}}styleId")
    wanted = paragraph_styles() + list(CHARACTER_STYLES)
    missing = [s for s in wanted if s not in ids]
    if missing:
        raise LibraryError([f"{where}:1: the reference document lacks the style(s) {', '.join(missing)}; "
                            "add them in Word or LibreOffice, or rebuild it with scripts/build_reference_docx.py"])
    parts = {name: z.read(name) for name in KEPT_PARTS if name in names}
    return Reference(parts, ids, _sect_pr(body))


_SECT = re.compile(rb"<w:sectPr\b.*?</w:sectPr>", re.S)
_HF_REF = re.compile(rb"<w:(?:header|footer)Reference\b[^>]*/>")


def _sect_pr(body: bytes) -> str:
    found = _SECT.findall(body)
    if not found:
        return ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1418" '
                'w:bottom="1247" w:left="1418" w:header="680" w:footer="680" w:gutter="0"/></w:sectPr>')
    sect = _HF_REF.sub(b"", found[-1]).decode("utf-8")
    sect = re.sub(r"\s+xmlns:\w+=\"[^\"]*\"", "", sect)
    return sect


# --------------------------------------------------------------------------- the body


def _esc(text: str) -> str:
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


class _Part:
    """One XML part being written: its runs, and the hyperlinks it needs."""

    def __init__(self, ref: Reference, notes: "_Notes | None"):
        self.ref = ref
        self.notes = notes
        self.links: dict[str, str] = {}  # url -> rId

    def sid(self, style: str) -> str:
        return self.ref.style_ids[style]

    def link_id(self, url: str) -> str:
        if url not in self.links:
            self.links[url] = f"rIdL{len(self.links) + 1}"
        return self.links[url]

    def paragraph(self, style: str, inlines, extra_ppr: str = "") -> str:
        ppr = f'<w:pPr><w:pStyle w:val="{self.sid(style)}"/>{extra_ppr}</w:pPr>'
        return f"<w:p>{ppr}{self.runs(inlines)}</w:p>"

    def runs(self, inlines, italic: bool = False, bold: bool = False, char_style: str | None = None) -> str:
        out = []
        for node in inlines:
            if isinstance(node, Text):
                out.append(_run(node.text, italic, bold, self.sid(char_style) if char_style else None))
            elif isinstance(node, Emph):
                out.append(self.runs(node.children, not italic, bold, char_style))
            elif isinstance(node, Strong):
                out.append(self.runs(node.children, italic, True, char_style))
            elif isinstance(node, Link):
                rid = self.link_id(node.url)
                out.append(f'<w:hyperlink r:id="{rid}" w:history="1">'
                           f"{self.runs(node.children, italic, bold, LINK_STYLE)}</w:hyperlink>")
            elif isinstance(node, Note) and self.notes is not None:
                out.append(self.notes.call(node))
        return "".join(out)


def _run(text: str, italic: bool, bold: bool, style_id: str | None) -> str:
    props = (f'<w:rStyle w:val="{style_id}"/>' if style_id else "") + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    pieces = []
    for i, line in enumerate(xml_safe(text).split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                space = ' xml:space="preserve"' if chunk != chunk.strip() else ""
                pieces.append(f"<w:t{space}>{_esc(chunk)}</w:t>")
    return f"<w:r>{rpr}{''.join(pieces)}</w:r>" if pieces else ""


class _Notes:
    """Word footnotes (or endnotes): the calls in the text and the notes part."""

    def __init__(self, ref: Reference, kind: str):
        self.kind = kind  # "footnote" or "endnote"
        self.part = _Part(ref, None)
        self.bodies: list[str] = []

    def call(self, note: Note) -> str:
        nid = len(self.bodies) + 1
        call_id = self.part.sid(NOTE_CALL_STYLE)
        text = self.part.runs(note.content)
        self.bodies.append(
            f'<w:{self.kind} w:id="{nid}"><w:p><w:pPr><w:pStyle w:val="{self.part.sid(role("note").style)}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{call_id}"/></w:rPr><w:{self.kind}Ref/></w:r>'
            f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{text}</w:p></w:{self.kind}>'
        )
        return f'<w:r><w:rPr><w:rStyle w:val="{call_id}"/></w:rPr><w:{self.kind}Reference w:id="{nid}"/></w:r>'

    def xml(self) -> str:
        tag = self.kind
        sep = (f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
               f'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:{tag}>'
               f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
               f'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>')
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{tag}s {NS}>'
                f"{sep}{''.join(self.bodies)}</w:{tag}s>")


def _blocks(part: _Part, section: Section, depth: int, out: list[str]) -> None:
    if section.heading:
        out.append(part.paragraph(role(HEADING_ROLES.get(depth, "heading-2")).style, (Text(section.heading),)))
    for block in section.blocks:
        if isinstance(block, Section):
            _blocks(part, block, depth + 1, out)
        elif isinstance(block, Paragraph):
            out.append(part.paragraph(role(block.role).style, block.inlines))
        elif isinstance(block, Article):
            out.append(part.paragraph(role("article-label").style, (Text(block.label),)))
            for p in block.blocks:
                out.append(part.paragraph(role(p.role).style, p.inlines))
        elif isinstance(block, ItemList):
            style = role(block.role).style
            for i, item in enumerate(block.items, 1):
                mark = f"{i}.\t" if block.ordered else "–\t"
                out.append(part.paragraph(style, (Text(mark), *item)))
        elif isinstance(block, Table):
            out.append(_table(part, block))


def _table(part: _Part, table: Table) -> str:
    cell_style = role("table-cell").style
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
    borders = "".join(border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    rows = []
    for i, row in enumerate([table.header, *table.rows] if table.header else list(table.rows)):
        header = i == 0 and bool(table.header)
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>'
            f"{part.paragraph(cell_style, (Strong(tuple(c)),) if header else c)}</w:tc>" for c in row)
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        rows.append(f"<w:tr>{trpr}{cells}</w:tr>")
    return (f'<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>{borders}</w:tblBorders>'
            f'<w:tblLook w:val="04A0"/></w:tblPr>{"".join(rows)}</w:tbl>')


# --------------------------------------------------------------------------- the package


def render_docx(document: Document, ref: Reference, now: dt.datetime) -> bytes:
    kind = "endnote" if document.notes == "endnotes" else "footnote"
    notes = _Notes(ref, kind)
    body = _Part(ref, notes)
    out: list[str] = []
    for section in document.sections:
        _blocks(body, section, 1, out)
    sect = ref.sect_pr.replace("<w:sectPr>", '<w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/>'
                               '<w:footerReference w:type="default" r:id="rIdF1"/>', 1)
    if "rIdH1" not in sect:  # a sectPr with attributes
        sect = re.sub(r"<w:sectPr([^>]*)>", r'<w:sectPr\1><w:headerReference w:type="default" r:id="rIdH1"/>'
                      r'<w:footerReference w:type="default" r:id="rIdF1"/>', sect, count=1)
    document_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}>'
                    f"<w:body>{''.join(out)}{sect}</w:body></w:document>")
    running = body.sid(RUNNING_STYLE)
    header_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {NS}>'
                  f'<w:p><w:pPr><w:pStyle w:val="{running}"/></w:pPr>{_run(document.running_head, False, False, None)}'
                  f"</w:p></w:hdr>")
    footer_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {NS}>'
                  f'<w:p><w:pPr><w:pStyle w:val="{running}"/></w:pPr>'
                  f'{_run(document.footer + " — page ", False, False, None)}{_field("PAGE")}'
                  f'{_run(" / ", False, False, None)}{_field("NUMPAGES")}</w:p></w:ftr>')
    files = {
        "word/document.xml": document_xml.encode("utf-8"),
        "word/header1.xml": header_xml.encode("utf-8"),
        "word/footer1.xml": footer_xml.encode("utf-8"),
        f"word/{kind}s.xml": notes.xml().encode("utf-8"),
        "word/settings.xml": _settings(kind).encode("utf-8"),
        "docProps/core.xml": _core(document, now).encode("utf-8"),
        "docProps/app.xml": _app().encode("utf-8"),
    }
    files.update(ref.parts)
    files["word/_rels/document.xml.rels"] = _document_rels(ref, kind, body.links).encode("utf-8")
    if notes.part.links:
        files[f"word/_rels/{kind}s.xml.rels"] = _rels(
            [(rid, HYPERLINK_TYPE, url, True) for url, rid in notes.part.links.items()]).encode("utf-8")
    files["_rels/.rels"] = _rels([
        ("rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", "word/document.xml", False),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml", False),
        ("rId3", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", "docProps/app.xml", False),
    ]).encode("utf-8")
    files["[Content_Types].xml"] = _content_types(files, kind).encode("utf-8")
    order = ["[Content_Types].xml", "_rels/.rels"] + sorted(n for n in files if n not in ("[Content_Types].xml", "_rels/.rels"))
    return deterministic_zip([(name, files[name]) for name in order], now)


def _field(instr: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _settings(kind: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {NS}>'
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="709"/><w:autoHyphenation/>'
            '<w:hyphenationZone w:val="425"/><w:characterSpacingControl w:val="doNotCompress"/>'
            f'<w:{kind}Pr><w:{kind} w:id="-1"/><w:{kind} w:id="0"/></w:{kind}Pr>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
            '<w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
            '<w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
            '<w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
            '</w:compat><w:themeFontLang w:val="fr-FR"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
            "</w:settings>")


def _core(document: Document, now: dt.datetime) -> str:
    meta = document.metadata
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    prov = "; ".join(f"{k}={v}" for k, v in sorted(meta.provenance.items(), key=lambda kv: (kv[0] == "arguments", kv[0])))
    prov = prov if len(prov) <= 255 else prov[:254] + "…"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_esc(meta.title)}</dc:title><dc:subject>{_esc(meta.subject)}</dc:subject>"
            f"<dc:creator>{_esc(meta.author or 'motions')}</dc:creator><cp:keywords>{_esc(', '.join(meta.keywords))}</cp:keywords>"
            f"<dc:description>{_esc(prov)}</dc:description><cp:lastModifiedBy>motions</cp:lastModifiedBy>"
            f"<cp:revision>1</cp:revision><cp:category>{_esc(document.kind)}</cp:category>"
            f"<dc:identifier>{_esc(str(meta.provenance.get('commune_insee', '')))}</dc:identifier>"
            f"<dc:language>{_esc(meta.language)}</dc:language>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>")


def _app() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>motions {_esc(__version__)}</Application><DocSecurity>0</DocSecurity>"
            "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            "<HyperlinksChanged>false</HyperlinksChanged></Properties>")


def _rels(items) -> str:
    rows = []
    for rid, kind, target, external in items:
        mode = ' TargetMode="External"' if external else ""
        rows.append(f'<Relationship Id="{rid}" Type="{kind}" Target="{_attr(target)}"{mode}/>')
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{REL}">{"".join(rows)}</Relationships>'


def _document_rels(ref: Reference, kind: str, links: dict) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    items = [("rIdS", base + "styles", "styles.xml", False),
             ("rIdSet", base + "settings", "settings.xml", False),
             ("rIdH1", base + "header", "header1.xml", False),
             ("rIdF1", base + "footer", "footer1.xml", False),
             ("rIdN", base + f"{kind}s", f"{kind}s.xml", False)]
    for name, (rel, _) in KEPT_PARTS.items():
        if name in ref.parts and rel != "styles":
            items.append((f"rId{rel}", base + rel, name.removeprefix("word/"), False))
    items += [(rid, HYPERLINK_TYPE, url, True) for url, rid in links.items()]
    return _rels(items)


def _content_types(files: dict, kind: str) -> str:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    overrides = {
        "word/document.xml": f"{main}.document.main+xml",
        "word/header1.xml": f"{main}.header+xml",
        "word/footer1.xml": f"{main}.footer+xml",
        f"word/{kind}s.xml": f"{main}.{kind}s+xml",
        "word/settings.xml": f"{main}.settings+xml",
        "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    for name, (_, ctype) in KEPT_PARTS.items():
        if name in files:
            overrides[name] = ctype
    rows = "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in overrides.items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{rows}</Types>")


# --------------------------------------------------------------------------- a deterministic zip


_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def deterministic_zip(entries, when: dt.datetime) -> bytes:
    """A zip of ``(name, bytes)`` entries, deflated, with one fixed timestamp
    and mode 0600, so the same contents always give the same bytes."""
    year = max(when.year, 1980)
    dosdate = (year - 1980) << 9 | when.month << 5 | when.day
    dostime = when.hour << 11 | when.minute << 5 | (when.second // 2)
    out = io.BytesIO()
    central = []
    for name_str, data in entries:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        compressed = c.compress(data) + c.flush()
        crc = zlib.crc32(data)
        try:
            name, flags = name_str.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = name_str.encode("utf-8"), 0x800
        offset = out.tell()
        out.write(_LOCAL.pack(b"PK\x03\x04", 20, 0, flags, 8, dostime, dosdate, crc, len(compressed), len(data),
                              len(name), 0))
        out.write(name)
        out.write(compressed)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, flags, 8, dostime, dosdate, crc,
                                     len(compressed), len(data), len(name), 0, 0, 0, 0, 0o600 << 16, offset) + name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()
