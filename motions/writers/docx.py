"""Document -> .docx, on the styles of templates/reference.docx.

The writer names styles (see ``docx_styles.STYLES``) and never sets a font, a
size or a colour: the reference document defines them, so users restyle their
motions in Word or LibreOffice. Every style is checked to exist before writing,
because Word silently drops an undefined style. Output bytes are deterministic:
fixed core-property dates and zip-entry timestamps (``SOURCE_DATE_EPOCH``).

Speed (a batch writes 35,000 of these): python-docx is used once per reference
document and process, to build a *skeleton* — the reference with its body
emptied, header, footer and core properties set to placeholders, saved, and its
unchanging parts (styles, theme...) compressed once. Each document then only
writes its body as WordprocessingML text (``_Body`` mimics the few python-docx
calls we make, and serialises exactly as python-docx would), fills the
placeholders and assembles the zip. The skeleton is also kept in the user's
cache folder (``$XDG_CACHE_HOME/motions``, keyed by the reference's content and
this code), so a cold run does not import python-docx. Loading the reference with python-docx for
every document cost most of the time (its style look-up by name scans every
style; recompressing 800 KB of styles another 8 ms).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..document import HEADINGS, Document, Emph, Link, NoteRef, Paragraph, Strong, Text
from ..errors import LibraryError
from .docx_styles import STYLES
from .common import fixed_datetime, xml_safe


def reference_docx(template_dirs: list[Path]) -> Path:
    for d in template_dirs:
        candidate = d / "reference.docx"
        if candidate.is_file():
            return candidate
    raise LibraryError(["templates/reference.docx: not found in any template folder"])


# --------------------------------------------------------------------------- the body, as python-docx would write it


def _esc(text: str) -> str:
    """Escape text content as libxml2 serialises it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _t(text: str) -> str:
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{_esc(text)}</w:t>'
    return f"<w:t>{_esc(text)}</w:t>"


def _run_content(text: str) -> str:
    """python-docx's ``_RunContentAppender``: tabs become <w:tab/>, line breaks <w:br/>."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return _t(text) if text else ""
    out, buf = [], []
    for ch in text:
        if ch == "\t" or ch in "\r\n":
            if buf:
                out.append(_t("".join(buf)))
                buf.clear()
            out.append("<w:tab/>" if ch == "\t" else "<w:br/>")
        else:
            buf.append(ch)
    if buf:
        out.append(_t("".join(buf)))
    return "".join(out)


class _Run:
    """The part of python-docx's Run the writer uses: text, style, italic, bold."""

    __slots__ = ("text", "style", "italic", "bold")

    def __init__(self, text: str | None, style: str | None):
        self.text = text or ""
        self.style = style
        self.italic = None
        self.bold = None

    def xml(self, char_style_ids: dict) -> str:
        props = ""
        if self.style:
            sid = char_style_ids[self.style]
            props += f'<w:rStyle w:val="{sid}"/>' if sid is not None else ""
        if self.bold:
            props += "<w:b/>"
        if self.italic:
            props += "<w:i/>"
        has_rpr = bool(self.style) or self.bold or self.italic
        content = _run_content(self.text)
        if not has_rpr and not content:
            return "<w:r/>"
        return "<w:r>" + (f"<w:rPr>{props}</w:rPr>" if props else ("<w:rPr/>" if has_rpr else "")) + content + "</w:r>"


class _Par:
    __slots__ = ("style", "runs")

    def __init__(self, style: str):
        self.style = style
        self.runs: list[_Run] = []

    def add_run(self, text: str | None = None, style: str | None = None) -> _Run:
        run = _Run(text, style)
        self.runs.append(run)
        return run


class _Body:
    """Collects paragraphs with python-docx's ``add_paragraph(style=...)`` call."""

    def __init__(self):
        self.paragraphs: list[_Par] = []

    def add_paragraph(self, style: str) -> _Par:
        par = _Par(style)
        self.paragraphs.append(par)
        return par

    def xml(self, skeleton: _Skeleton) -> str:
        out = []
        for par in self.paragraphs:
            sid = skeleton.paragraph_style_ids[par.style]
            out.append(f'<w:p><w:pPr><w:pStyle w:val="{sid}"/></w:pPr>' if sid is not None else "<w:p><w:pPr/>")
            out.extend(run.xml(skeleton.character_style_ids) for run in par.runs)
            out.append("</w:p>")
        return "".join(out)


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
        elif isinstance(node, Link):  # hook for the bibliography's links: the text, until the writer links it
            _add_inlines(par, node.children, italic=italic, bold=bold)
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


# --------------------------------------------------------------------------- header, footer, core properties


def _running_texts(document: Document) -> dict[str, str]:
    """The texts of the header's run and the footer's first run (the footer
    then holds the PAGE / NUMPAGES fields, set once in the skeleton)."""
    return {
        "header": xml_safe(document.running_head),
        "footer": xml_safe(f"{document.running_head} — {document.kind_label} — page "),
    }


def _field(par, instr: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    par._p.append(fld)


def _core_properties(document: Document) -> dict[str, str]:
    """Core properties, in the order they are set; every value a string. The
    dates (created, modified, last printed: the document's fixed date) and the
    revision (1) are set in the skeleton."""
    meta = document.metadata
    return {
        "title": xml_safe(meta.title),
        "author": xml_safe(meta.author or "motions"),
        "last_modified_by": "motions",
        "subject": xml_safe(meta.subject),
        "keywords": ", ".join(meta.keywords),
        "language": meta.language,
        "category": document.kind_label,
        "comments": _provenance_comment(meta.provenance),
        "identifier": str(meta.provenance.get("commune_insee", "")),
        "version": str(meta.provenance.get("library_version", "")),
    }


CORE_PROPERTIES = ("title", "author", "last_modified_by", "subject", "keywords", "language", "category",
                   "comments", "identifier", "version")


def _provenance_comment(provenance: dict) -> str:
    """The provenance as one line; core properties hold at most 255 characters,
    so the long argument list goes last and is cut (the full list is in `motions explain`)."""
    items = sorted(provenance.items(), key=lambda kv: (kv[0] == "arguments", kv[0]))
    text = xml_safe("; ".join(f"{k}={v}" for k, v in items))
    return text if len(text) <= 255 else text[:254] + "…"


# --------------------------------------------------------------------------- the skeleton


def _token(name: str) -> str:
    return f"motions-placeholder-{name}-9f1c"


_SENTINEL_DATE = dt.datetime(1901, 2, 3, 4, 5, 6)
_SENTINEL_TEXT = _SENTINEL_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
_BODY_PARAGRAPH = f"<w:p><w:r><w:t>{_token('body')}</w:t></w:r></w:p>"


def _token_run(name: str) -> str:
    return f"<w:r><w:t>{_token(name)}</w:t></w:r>"


@dataclass(frozen=True)
class _Part:
    name: str
    data: bytes  # uncompressed; for a templated part, its text with placeholders
    compressed: bytes | None  # static parts only: compressed once
    crc: int
    templated: bool


@dataclass(frozen=True)
class _Skeleton:
    parts: tuple[_Part, ...]
    paragraph_style_ids: dict
    character_style_ids: dict


@lru_cache(maxsize=4)
def _skeleton(path: str, _stamp: tuple) -> _Skeleton:
    """The skeleton of a reference document: once per file version and process,
    and kept on disk, so that a cold run need not import python-docx at all."""
    data = Path(path).read_bytes()
    key = _cache_key(data)
    skeleton = _cached(key)
    if skeleton is None:
        skeleton = _build_skeleton(path, data)
        _keep(key, skeleton)
    return skeleton


def _cache_key(reference: bytes) -> str:
    """The reference's bytes, the styles we use, this writer's code and python-docx's install."""
    import importlib.util

    h = hashlib.sha256(reference)
    h.update(repr(sorted(STYLES.items())).encode())
    h.update(Path(__file__).read_bytes())
    spec = importlib.util.find_spec("docx")
    if spec is not None and spec.origin:
        st = os.stat(spec.origin)
        h.update(f"{spec.origin}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()[:24]


def _cache_file(key: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "motions" / f"docx-skeleton-{key}.pickle"


def _cached(key: str) -> _Skeleton | None:
    try:
        with open(_cache_file(key), "rb") as fh:
            skeleton = pickle.load(fh)
    except Exception:  # noqa: BLE001 - no cache, or an unreadable one: build it
        return None
    return skeleton if isinstance(skeleton, _Skeleton) else None


def _keep(key: str, skeleton: _Skeleton) -> None:
    """Save the skeleton for the next runs; a cache that cannot be written is no error."""
    import tempfile

    target = _cache_file(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".docx-skeleton.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(skeleton, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        # keep the eight most recent skeletons (each version of the writer or the reference makes one)
        kept = sorted(target.parent.glob("docx-skeleton-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[8:]:
            old.unlink()
    except OSError:
        pass


def _build_skeleton(path: str, data: bytes) -> _Skeleton:
    from docx import Document as load_docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    doc = load_docx(io.BytesIO(data))
    names = {s.name for s in doc.styles}
    missing = [name for name in STYLES.values() if name not in names]
    if missing:
        raise LibraryError([f"{path}: the reference document lacks the style(s) {', '.join(missing)}; "
                            "rebuild it with scripts/build_reference_docx.py or add them in Word"])
    paragraph_ids, character_ids = {}, {}
    for key, name in STYLES.items():
        kind = doc.styles[name].type
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            paragraph_ids[name] = doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        elif kind == WD_STYLE_TYPE.CHARACTER:
            character_ids[name] = doc.part.get_style_id(name, WD_STYLE_TYPE.CHARACTER)

    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    doc.add_paragraph(_token("body"))

    section = doc.sections[0]
    header = section.header.paragraphs[0] if section.header.paragraphs else section.header.add_paragraph()
    header.style = doc.styles[STYLES["running"]]
    header.text = _token("header")
    footer = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
    footer.style = doc.styles[STYLES["running"]]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_token("footer"))
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")

    cp = doc.core_properties
    for name in CORE_PROPERTIES:
        setattr(cp, name, _token(name))
    cp.created = _SENTINEL_DATE
    cp.modified = _SENTINEL_DATE
    cp.last_printed = _SENTINEL_DATE
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)

    import zipfile

    tokens = [_token(n).encode() for n in ("body", "header", "footer", *CORE_PROPERTIES)] + [_SENTINEL_TEXT.encode()]
    parts = []
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        for info in z.infolist():
            content = z.read(info.filename)
            templated = any(t in content for t in tokens)
            if templated:
                parts.append(_Part(info.filename, content, None, 0, True))
            else:
                parts.append(_Part(info.filename, content, _deflate(content), zlib.crc32(content), False))
    found = b"".join(p.data for p in parts if p.templated)
    for needed in (_BODY_PARAGRAPH, _token_run("header"), _token_run("footer")):
        if found.count(needed.encode()) != 1:  # pragma: no cover - python-docx changed how it writes
            raise RuntimeError(f"the DOCX skeleton of {path} does not hold {needed} exactly once")
    return _Skeleton(tuple(parts), paragraph_ids, character_ids)


def _skeleton_for(ref: Path) -> _Skeleton:
    st = ref.stat()
    return _skeleton(str(ref), (st.st_mtime_ns, st.st_size))


def _deflate(data: bytes) -> bytes:
    """Raw deflate, as zipfile writes it (default level)."""
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _fill(part: _Part, values: dict[bytes, bytes]) -> bytes:
    data = part.data
    for token, value in values.items():
        if token in data:
            data = data.replace(token, value)
    return data


def render_docx(document: Document, template_dirs: list[Path]) -> bytes:
    """The .docx bytes of ``document``."""
    skeleton = _skeleton_for(reference_docx(template_dirs))
    doc = _Body()

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

    when = fixed_datetime(document.metadata.date)
    running = _running_texts(document)
    values = {
        _BODY_PARAGRAPH.encode(): doc.xml(skeleton).encode(),
        _token_run("header").encode(): _Run(running["header"], None).xml({}).encode(),
        _token_run("footer").encode(): _Run(running["footer"], None).xml({}).encode(),
        _SENTINEL_TEXT.encode(): when.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
    }
    for name, value in _core_properties(document).items():
        values[_token(name).encode()] = _esc(value).encode()
    return _zip(skeleton, values, when)


# --------------------------------------------------------------------------- a deterministic zip


_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def _zip(skeleton: _Skeleton, values: dict[bytes, bytes], when: dt.datetime) -> bytes:
    """The zip ``zipfile`` would write (deflated, fixed timestamps, mode 0600),
    reusing the compressed bytes of the unchanging parts."""
    year = max(when.year, 1980)
    dosdate = (year - 1980) << 9 | when.month << 5 | when.day
    dostime = when.hour << 11 | when.minute << 5 | (when.second // 2)
    out = io.BytesIO()
    central = []
    for part in skeleton.parts:
        if part.templated:
            data = _fill(part, values)
            compressed, crc = _deflate(data), zlib.crc32(data)
        else:
            data, compressed, crc = part.data, part.compressed, part.crc
        try:
            name, flags = part.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = part.name.encode("utf-8"), 0x800
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
