"""End to end: DOCX and PDF written, then read back by their real clients.

The DOCX is opened with python-docx and converted by LibreOffice headless; the
PDF's text is extracted with pdftotext. Both must hold the title, every
considérant and every article, and say the same thing.
"""


import docx
import pytest
from pypdf import PdfReader

from motions.communes import lookup
from motions.compose import Options
from motions.generate import render_motion
from motions.writers.docx_styles import STYLES

from conftest import body_text, norm, pdf_text, soffice_to_pdf


@pytest.fixture(scope="module")
def villejuif(tmp_path_factory, small_lib):
    out = tmp_path_factory.mktemp("out")
    result = render_motion(small_lib, lookup("Villejuif"), "biometrie",
                           options=Options(date=__import__("datetime").date(2026, 3, 14), group="Villejuif en commun"),
                           formats=("docx", "pdf"), out_dir=out)
    return result, out


def expected_texts(doc):
    texts = [doc.title] + [p.text for p in doc.considerants]
    texts += [a.body[0].text for d in doc.dispositifs for a in d.articles]
    return texts


def test_paths_and_names(villejuif):
    result, out = villejuif
    names = sorted(p.name for p in result.paths)
    assert names == ["94076-villejuif-biometrie.docx", "94076-villejuif-biometrie.pdf"]
    assert (out / ".motions-manifest.json").is_file()


def test_docx_structure_with_python_docx(villejuif):
    result, out = villejuif
    doc = result.composition.document
    d = docx.Document(str(out / "94076-villejuif-biometrie.docx"))
    by_style = {}
    for p in d.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert by_style[STYLES["title"]] == [doc.title]
    assert len(by_style[STYLES["considerant"]]) == len(doc.considerants)
    assert len(by_style[STYLES["visa"]]) == len(doc.visas)
    n_articles = sum(len(x.articles) for x in doc.dispositifs)
    assert by_style[STYLES["article_label"]][:2] == ["Article 1er", "Article 2"]
    assert len(by_style[STYLES["article"]]) == n_articles
    body = norm("\n".join(p.text for p in d.paragraphs))
    for text in expected_texts(doc):
        assert norm(text) in body
    assert "Villejuif" in d.sections[0].header.paragraphs[0].text
    cp = d.core_properties
    assert cp.title == doc.title and cp.language == "fr-FR"
    assert "library_version=" in cp.comments and "commune_insee=94076" in cp.comments


def test_docx_opens_in_libreoffice(villejuif, tmp_path):
    result, out = villejuif
    pdf = soffice_to_pdf(out / "94076-villejuif-biometrie.docx", tmp_path)
    text = norm(body_text(pdf_text(pdf), result.composition.document.running_head))
    for expected in expected_texts(result.composition.document):
        assert norm(expected) in text


def test_pdf_text_structure_and_metadata(villejuif):
    result, out = villejuif
    doc = result.composition.document
    path = out / "94076-villejuif-biometrie.pdf"
    reader = PdfReader(str(path))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = norm(body_text(pdf_text(path), doc.running_head))
    for expected in expected_texts(doc):
        assert norm(expected) in text
    raw = norm(pdf_text(path))
    assert norm("page 1 / ") in raw and norm("Commune de Villejuif") in raw
    meta = reader.metadata
    assert meta.title == doc.title
    assert meta.get("/motionscommuneinsee") == "94076"
    assert meta.get("/motionslibraryversion")


def test_docx_and_pdf_carry_the_same_text(villejuif, tmp_path):
    result, out = villejuif
    d = docx.Document(str(out / "94076-villejuif-biometrie.docx"))
    docx_text = norm("".join(p.text for p in d.paragraphs))
    pdf = norm(body_text(pdf_text(out / "94076-villejuif-biometrie.pdf"), result.composition.document.running_head))
    # the PDF adds only the running head and the page numbers
    for p in d.paragraphs:
        if p.text.strip():
            assert norm(p.text) in pdf, p.text[:80]
    assert len(pdf) >= len(docx_text)


def test_outputs_are_deterministic(small_lib, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        render_motion(small_lib, lookup("Le Mans"), "biometrie", formats=("docx", "pdf"), out_dir=out)
    for name in ("72181-le-mans-biometrie.docx", "72181-le-mans-biometrie.pdf"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize("query", ["Les Lilas", "L'Haÿ-les-Roses", "Amiens", "La Rochelle (17)", "Marseille 1er", "insee:97411"])
def test_panel_renders(small_lib, tmp_path, query):
    result = render_motion(small_lib, lookup(query), "biometrie", formats=("docx", "pdf"), out_dir=tmp_path)
    doc = result.composition.document
    d = docx.Document(str(result.paths[0]))
    assert d.paragraphs and any(p.text == doc.title for p in d.paragraphs)
    text = norm(body_text(pdf_text(result.paths[1]), doc.running_head))
    assert norm(doc.title) in text
    for p in doc.considerants:
        assert norm(p.text) in text


@pytest.mark.parametrize("query, forms", [
    ("Villejuif", ["de Villejuif", "Grand-Orly Seine Bièvre", "Métropole du Grand Paris"]),
    ("Le Mans", ["du Mans", "au Mans", "Le Mans Métropole"]),
])
def test_shipped_library_motion_opens_in_word_and_libreoffice(shipped_lib, tmp_path, query, forms):
    """The real thing: the shipped library, the DOCX through LibreOffice, the PDF's text."""
    result = render_motion(shipped_lib, lookup(query), "biometrie", formats=("docx", "pdf"), out_dir=tmp_path)
    doc = result.composition.document
    assert len(doc.considerants) >= 6
    d = docx.Document(str(result.paths[0]))
    assert any(p.text == doc.title for p in d.paragraphs)
    lo_text = norm(body_text(pdf_text(soffice_to_pdf(result.paths[0], tmp_path / "lo")), doc.running_head))
    our_text = norm(body_text(pdf_text(result.paths[1]), doc.running_head))
    for expected in expected_texts(doc):
        assert norm(expected) in lo_text, expected[:60]
        assert norm(expected) in our_text, expected[:60]
    everything = norm(" ".join(p.text for _, p in doc.iter_paragraphs()) + doc.title + " ".join(doc.subtitle))
    for form in forms:
        assert norm(form) in everything, form
    for note in doc.notes:
        assert norm(note.body.text) in our_text


def test_source_date_epoch_is_honoured(small_lib, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1773489600")  # 2026-03-14 12:00:00 UTC
    result = render_motion(small_lib, lookup("Amiens"), "biometrie", formats=("docx", "pdf"), out_dir=tmp_path)
    d = docx.Document(str(result.paths[0]))
    assert d.core_properties.created.isoformat().startswith("2026-03-14T12:00:00")
    import zipfile

    with zipfile.ZipFile(result.paths[0]) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 14, 12, 0, 0)}
    meta = PdfReader(str(result.paths[1])).metadata
    assert meta["/CreationDate"].startswith("D:20260314120000")
