"""Every output a registered writer of the one model, read back with the tools
people use: python-docx and LibreOffice for DOCX, odfdo and LibreOffice for
ODT, pypdf and pdftotext for PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from motions import writers
from motions.document import Article, ItemList, Paragraph, plain_text
from motions.writers import WriterOptions, get
from motions.writers.html import body_html
from motions.writers.roles import ROLES, role

from helpers import compose_for, docx_paragraphs, norm, pdf_text, soffice_to_pdf


@pytest.fixture(scope="module")
def comp(shipped_resources):
    return compose_for(shipped_resources, "Villejuif")


def write(doc, resources, fmt, tmp_path: Path, **options) -> Path:
    writer = get(fmt)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"out{writer.extension}"
    path.write_bytes(writer.write(doc, resources, WriterOptions(**options)))
    return path


def model_texts(doc) -> list[str]:
    """Paragraph texts in reading order, headings and article labels included."""
    out = []

    def visit(section):
        if section.heading:
            out.append(section.heading)
        for block in section.blocks:
            if hasattr(block, "role") and hasattr(block, "blocks") and not isinstance(block, Article):
                visit(block)
            elif isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Article):
                out.append(block.label)
                out.extend(p.text for p in block.blocks)
            elif isinstance(block, ItemList):
                out.extend(plain_text(i) for i in block.items)
    for s in doc.sections:
        visit(s)
    return [t for t in out if t.strip()]


def test_every_writer_is_registered_with_one_protocol():
    for name in writers.REGISTRY:
        w = get(name)
        assert w.name == name and w.extension.startswith(".") and w.media_type
        assert isinstance(w.resources, tuple) and callable(w.write) and callable(w.check)
    assert {"docx", "odt", "pdf", "html", "txt", "flyer-a5", "flyer-a6x4", "flyer-a4"} <= set(writers.REGISTRY)


def test_the_section_order_is_the_models_in_every_writer(comp, shipped_resources, tmp_path):
    doc = comp.motion
    expected = [norm(t) for t in model_texts(doc)]
    docx_order = [norm(t) for _, t in docx_paragraphs(write(doc, shipped_resources, "docx", tmp_path)) if t.strip()]
    assert docx_order == expected
    html = body_html(doc, "none")
    html_texts = [norm(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<(?:p|h\d)[^>]*>(.*?)</(?:p|h\d)>", html, re.S)]
    assert [t for t in html_texts if t] == expected
    text = re.sub(r"\[\d+\]", "", get("txt").write(doc, shipped_resources).decode())
    flat, cursor = norm(text), 0
    for t in expected:
        found = flat.find(t, cursor)
        assert found >= 0, t[:60]
        cursor = found + len(t)


def test_docx_has_real_footnotes_live_links_and_named_styles(comp, shipped_resources, tmp_path):
    doc = comp.motion
    path = write(doc, shipped_resources, "docx", tmp_path)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        footnotes = z.read("word/footnotes.xml").decode()
        body = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode() + z.read("word/_rels/footnotes.xml.rels").decode()
        settings = z.read("word/settings.xml").decode()
        app = z.read("docProps/app.xml").decode()
    notes = doc.notes_in_order()
    assert body.count("<w:footnoteReference ") == len(notes)
    assert len(re.findall(r'<w:footnote w:id="\d+">', footnotes)) == len(notes)
    assert re.search(r'Type="[^"]+/hyperlink" Target="https?://[^"]+" TargetMode="External"', rels)
    assert 'w:val="15"' in settings and "compatibilityMode" in settings
    assert "<Application>motions" in app and "Macintosh" not in app
    assert not any(n.startswith(("docProps/thumbnail", "customXml", "word/vbaProject")) for n in names)
    used = {style for style, _ in docx_paragraphs(path)}
    assert used <= {r.style for r in ROLES.values()}
    assert role("visa").style in used and role("considerant").style in used


@pytest.mark.slow
def test_docx_and_odt_open_in_libreoffice_with_their_notes(comp, shipped_resources, tmp_path):
    doc = comp.motion
    first_note = plain_text(doc.notes_in_order()[0].content)
    for fmt in ("docx", "odt"):
        converted = soffice_to_pdf(write(doc, shipped_resources, fmt, tmp_path / fmt), tmp_path / f"lo-{fmt}")
        text = norm(pdf_text(converted))
        for wanted in (doc.title, "Article 1er", first_note[:60]):
            assert norm(wanted) in text, (fmt, wanted)


def test_odt_has_named_styles_notes_and_links(comp, shipped_resources, tmp_path):
    from odfdo import Document as OdfDocument

    doc = comp.motion
    odt = OdfDocument(str(write(doc, shipped_resources, "odt", tmp_path)))
    content = odt.body.serialize()
    assert content.count("<text:note ") == len(doc.notes_in_order())
    assert re.search(r'xlink:href="https?://', content)
    names = {s.display_name or s.name for s in odt.get_styles("paragraph")}
    assert role("considerant").style in names
    assert "Motion_20__2013__20_consid_e9_rant" in content


def test_pdf_is_tagged_for_accessibility_with_notes_and_links(comp, shipped_resources, tmp_path):
    doc = comp.motion
    path = write(doc, shipped_resources, "pdf", tmp_path)
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 and "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("fr")
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
            if a.get_object().get("/A", {}).get("/URI")]
    assert uris and all(u.startswith(("http", "mailto")) for u in uris)
    text = norm(pdf_text(path))
    assert norm(plain_text(doc.notes_in_order()[0].content))[:80] in text
    assert len(reader.pages) <= 8


def test_end_notes_are_an_option(shipped_resources, tmp_path):
    comp = compose_for(shipped_resources, "Villejuif", notes="endnotes")
    path = write(comp.motion, shipped_resources, "docx", tmp_path)
    with zipfile.ZipFile(path) as z:
        assert "word/endnotes.xml" in z.namelist() and "word/footnotes.xml" not in z.namelist()
    html = get("html").write(comp.motion, shipped_resources).decode()
    assert '<section class="notes" role="doc-endnotes">' in html


def test_same_inputs_give_the_same_bytes_and_the_epoch_sets_the_dates(shipped_resources, tmp_path, monkeypatch):
    import datetime as dt

    from motions.resources import Resources, fixed_now

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    res = Resources(shipped_resources.library, now=fixed_now())
    doc = compose_for(res, "Villejuif").motion
    for fmt in ("docx", "odt", "pdf", "html", "txt"):
        one, two = get(fmt).write(doc, res, WriterOptions()), get(fmt).write(doc, res, WriterOptions())
        assert one == two, fmt
    with zipfile.ZipFile(write(doc, res, "docx", tmp_path)) as z:
        assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z" in z.read("docProps/core.xml").decode()
    assert res.now == dt.datetime(2026, 1, 1)


def test_the_html_writer_escapes_everything(shipped_resources):
    from motions.document import Document, Metadata, Section, Text

    hostile = "<script>alert(1)</script> & </style>"
    doc = Document("motion", hostile, hostile, hostile,
                   (Section("text", hostile, (Paragraph((Text(hostile),), "considerant"),)),),
                   Metadata(hostile, hostile, hostile, (), "fr", ""))
    html = get("html").write(doc, shipped_resources).decode()
    assert "<script>" not in html and "&lt;script&gt;" in html
