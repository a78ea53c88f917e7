"""The Typst PDF engine (``--pdf-engine typst``): the same model as every writer,
the same text as WeasyPrint's PDF, and no text of a library can become Typst code.

The two engines' PDFs are read back as a user's tools would: poppler's
pdftotext for the text, pypdf for pages, bookmarks (headings), links, tags,
language and title, pdffonts for the fonts, zbarimg for the flyer's QR code.
Their text is compared with line breaks, hyphenation, running heads and the
place of each note on its page set aside (``_body`` and ``_notes_found``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from motions.document import (
    Article, Document, Emph, ItemList, Link, Metadata, Note, Paragraph, Section, Strong, Table, Text, plain_text,
)
from motions.errors import FitError, UsageError
from motions.writers import WriterOptions, get
from motions.writers.common import xml_safe
from motions.writers.typst import MOTION_NAMES, TypstWriter, check_template, document_typst, typst_string

from helpers import ROOT, body_text, compose_for, pdf_text, run

PANEL = ["Villejuif", "Le Mans", "Marseille 1er", "insee:97411"]
PANEL_MORE = ["Les Lilas", "L'Haÿ-les-Roses", "La Rochelle (17)", "Amiens"]
A4_PT = (595.3, 841.9)


# --------------------------------------------------------------------------- reading PDFs


def _flat(text: str) -> str:
    """Text without spaces, line breaks and hyphens: the engines break lines differently."""
    return re.sub(r"[\s\-‐\u00ad\u2011]+", "", text)


def _body(path: Path, document: Document) -> tuple[str, int]:
    """The PDF's text without running heads and with every note taken out (each
    engine puts a note at the foot of the page where its call falls), and how
    many of the document's notes were found."""
    text = _flat(body_text(pdf_text(path), document.running_head))
    found = 0
    for note in document.notes_in_order():
        needle = _flat(f"{note.number}.{plain_text(note.content)}")
        if needle in text:
            text = text.replace(needle, "", 1)
            found += 1
    return text, found


def _outline(path: Path) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title))
    walk(PdfReader(str(path)).outline)
    return out


def _uris(path: Path) -> set[str]:
    found = set()
    for page in PdfReader(str(path)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and action.get("/URI"):
                found.add(str(action["/URI"]))
    return found


def _fonts(path: Path) -> set[str]:
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils (pdffonts) is not installed")
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()}


def _write(resources, document, engine: str, path: Path) -> Path:
    path.write_bytes(get("pdf").write(document, resources, WriterOptions(pdf_engine=engine)))
    return path


# --------------------------------------------------------------------------- the two engines agree


@pytest.mark.parametrize("query", PANEL + [pytest.param(q, marks=pytest.mark.slow) for q in PANEL_MORE])
def test_typst_and_weasyprint_pdfs_say_the_same(shipped_resources, tmp_path, query):
    comp = compose_for(shipped_resources, query)
    for doc in (comp.motion, comp.dossier):
        wp = _write(shipped_resources, doc, "weasyprint", tmp_path / f"{doc.kind}-weasyprint.pdf")
        ty = _write(shipped_resources, doc, "typst", tmp_path / f"{doc.kind}-typst.pdf")
        readers = PdfReader(str(wp)), PdfReader(str(ty))
        # the same pages within one (the engines break lines a little differently, so a text
        # that ends near the foot of a page may take one more in one of them), the same size (A4)
        assert abs(len(readers[0].pages) - len(readers[1].pages)) <= 1, doc.kind
        for page in readers[1].pages:
            assert (round(float(page.mediabox[2]), 1), round(float(page.mediabox[3]), 1)) == A4_PT
        # the same text, word for word, and every note in both
        (text_wp, notes_wp), (text_ty, notes_ty) = _body(wp, doc), _body(ty, doc)
        assert notes_wp == notes_ty == len(doc.notes_in_order()) > 0
        assert text_ty == text_wp, doc.kind
        assert _flat(plain_text(doc.paragraphs("title")[0].inlines)) in text_ty
        # the same headings (PDF bookmarks), links, metadata, tags and fonts
        assert _outline(ty) == _outline(wp) and len(_outline(ty)) >= 3
        assert _uris(ty) == _uris(wp) and _uris(ty)
        root = readers[1].trailer["/Root"]
        assert root["/Lang"] == "fr"
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
        assert readers[1].metadata.title == readers[0].metadata.title == doc.metadata.title
        assert {"LiberationSerif", "LiberationSans-Bold"} <= _fonts(ty)
        # the running head and the footer, on every page
        pages = pdf_text(ty).split("\f")[:-1]
        for number, page in enumerate(pages, 1):
            assert doc.running_head in page
            assert f"{doc.footer} — page {number} / {len(pages)}" in page


def test_endnotes_are_numbered_after_the_text(shipped_resources, tmp_path):
    comp = compose_for(shipped_resources, "Villejuif", notes="endnotes")
    wp = _write(shipped_resources, comp.motion, "weasyprint", tmp_path / "wp.pdf")
    ty = _write(shipped_resources, comp.motion, "typst", tmp_path / "ty.pdf")
    assert _body(ty, comp.motion) == _body(wp, comp.motion)
    text = pdf_text(ty)
    notes = comp.motion.notes_in_order()
    assert text.index("Notes") > text.index(comp.motion.paragraphs("signature")[-1].text.split()[0])
    assert _flat(f"{len(notes)}.{plain_text(notes[-1].content)}") in _flat(text)


# --------------------------------------------------------------------------- hostile text


HOSTILE = [
    '#import "/etc/passwd": *', '#read("motion.typ")', "#panic(\"boom\")", "$x^2 + y$", "*pas gras*",
    "_pas italique_", "@ref-inexistante", "<label>", "[crochets] ]", "anti\\slash \\ fin\\", "// commentaire",
    "/* bloc", "#let x = 1; #x", '"; #panic("évadé"); "', "'apostrophe' `raw`", "~ -- --- ...", "= Titre",
    "- liste", "+ énumération", "\\u{41}", "#{", "#[", "];#panic(\"x\");#[", "https://exemple.fr/lien",
]


def _hostile_document() -> Document:
    texts = [Text(t) for t in HOSTILE]
    note = Note(1, (Text(HOSTILE[0] + " " + HOSTILE[13]),))
    body = Paragraph(tuple(texts[:6]) + (Emph((texts[6],)), Strong((texts[7],)), note) + tuple(texts[8:]), "body")
    link = Paragraph((Link('https://exemple.fr/"];#panic("lien")//', (Text(HOSTILE[4]),)),), "body")
    return Document(
        kind="motion", title=HOSTILE[0], running_head=HOSTILE[11], footer=HOSTILE[2],
        sections=(
            Section("header", None, (Paragraph((Text(HOSTILE[13]),), "title"),)),
            Section("text", HOSTILE[10], (
                body, link,
                Article(HOSTILE[12], (Paragraph((Text(HOSTILE[9]),), "article-body"),)),
                ItemList(((Text(HOSTILE[14]),), (Text(HOSTILE[15]),)), False, "list-item"),
                Table(((Text(HOSTILE[16]),),), (((Text(HOSTILE[17]),),),), "table-cell"),
            )),
        ),
        metadata=Metadata(title=HOSTILE[13], author=HOSTILE[1], subject=HOSTILE[3], keywords=(HOSTILE[5],),
                          language="fr", date=""),
    )


def test_hostile_text_is_printed_never_run(resources, tmp_path):
    doc = _hostile_document()
    source = document_typst(doc, resources)
    assert "#import" not in source.split("\n", 1)[1].replace('#"#import', "")  # only the template's own import
    path = tmp_path / "hostile.pdf"
    path.write_bytes(TypstWriter().write(doc, resources, WriterOptions()))
    text = _flat(pdf_text(path))
    for hostile in HOSTILE + [HOSTILE[13]]:
        assert _flat(hostile) in text, hostile
    assert "évadé" not in text.replace(_flat(HOSTILE[13]), "")  # the only « évadé » is the printed one
    assert PdfReader(str(path)).metadata.title == HOSTILE[13]
    assert _uris(path) == {'https://exemple.fr/"];#panic("lien")//'}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_text_is_one_typst_string(text):
    import typst

    value = json.loads(typst.Compiler().eval(typst_string(text)))
    assert value == xml_safe(text)


# --------------------------------------------------------------------------- the template


def _library_with_typst_template(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "lib" / "templates" / "typst"
    folder.mkdir(parents=True)
    (folder / "motion.typ").write_text(text, encoding="utf-8")
    return folder.parent


def test_a_template_that_calls_a_package_or_lacks_a_function_is_refused(tmp_path):
    shipped = (ROOT / "templates" / "typst" / "motion.typ").read_text(encoding="utf-8")
    assert check_template([ROOT / "templates"], "typst/motion.typ", MOTION_NAMES) == []
    user = _library_with_typst_template(tmp_path, '#import "@preview/cetz:0.3.0": *\n'
                                        + shipped.replace("#let m-table(", "#let m-tableau("))
    problems = check_template([user, ROOT / "templates"], "typst/motion.typ", MOTION_NAMES)
    assert any("motion.typ:1: imports a Typst package" in p and "offline" in p for p in problems)
    assert any("does not define `m-table`" in p for p in problems)


def test_a_template_cannot_read_outside_its_folder(tmp_path):
    from motions.library import load_library
    from motions.resources import Resources

    shipped = (ROOT / "templates" / "typst" / "motion.typ").read_text(encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    root = tmp_path / "lib"
    _library_with_typst_template(tmp_path, shipped + '\n#let leak = read("../../../secret.txt")\n')
    (root / "motions-library.yaml").write_text("name: test\n", encoding="utf-8")
    resources = Resources(load_library(root, with_cwd=False), now=dt.datetime(2026, 11, 29))
    doc = compose_for(resources, "Villejuif").motion
    from motions.errors import TemplateError

    with pytest.raises(TemplateError, match="motion.typ: Typst cannot typeset"):
        TypstWriter().write(doc, resources, WriterOptions())


# --------------------------------------------------------------------------- flyers


FLYER_URL = "https://example.org/non-a-la-reconnaissance-faciale?ville=1"


def _flyer(resources, query="Villejuif", **kw):
    from motions.communes import lookup
    from motions.compose.flyer import FlyerOptions, compose_flyer

    base = dict(date=dt.date(2026, 3, 14), place="salle du conseil, hôtel de ville",
                contact="collectif@example.org", url=FLYER_URL, group="Collectif Technopolice")
    return compose_flyer(resources, lookup(query), options=FlyerOptions(**(base | kw)))


def _flyer_pdf(resources, doc, layout="a5", **kw) -> bytes:
    return get(f"flyer-{layout}").write(doc, resources, WriterOptions(pdf_engine="typst", **kw))


@pytest.mark.library("flyer")
@pytest.mark.parametrize("layout,pages,size", [("a5", 2, (148, 210)), ("a6x4", 2, (210, 297)), ("a4", 1, (210, 297))])
def test_typst_flyers_hold_the_same_text(resources, tmp_path, layout, pages, size):
    from motions.writers.flyer import flyer_parts

    doc = _flyer(resources)
    path = tmp_path / "flyer.pdf"
    path.write_bytes(_flyer_pdf(resources, doc, layout))
    reader = PdfReader(str(path))
    assert len(reader.pages) == pages
    mm = 72 / 25.4
    assert (round(float(reader.pages[0].mediabox[2]) / mm), round(float(reader.pages[0].mediabox[3]) / mm)) == size
    text = _flat(pdf_text(path))
    parts = flyer_parts(doc)
    for inlines in [parts["headline"], parts["kicker"], parts["session"], parts["contact"], *parts["points"],
                    *parts["decide"][1]]:
        assert _flat(plain_text(inlines)) in text
    for ref in parts["references"]:
        assert _flat(ref) in text
    copies = 4 if layout == "a6x4" else 1
    assert _flat(pdf_text(path).split("\f")[0]).count(_flat(plain_text(parts["headline"]))) == copies
    assert reader.trailer["/Root"]["/Lang"] == "fr" and "/StructTreeRoot" in reader.trailer["/Root"]
    if shutil.which("zbarimg"):
        qr_page = 1 if layout == "a4" else 2
        png = tmp_path / "qr"
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(qr_page), "-l", str(qr_page), "-singlefile",
                        str(path), str(png)], check=True)
        out = subprocess.run(["zbarimg", "--quiet", "--raw", f"{png}.png"], capture_output=True, text=True).stdout
        assert out.split() == [FLYER_URL] * copies


@pytest.mark.library("flyer")
def test_typst_flyer_refuses_an_argument_too_long_naming_it(resources):
    import dataclasses

    doc = _flyer(resources, arguments=("visage-identifie", "donnee-sensible", "reidentification", "conseil-decide"))

    def lengthen(section):
        blocks = []
        for b in section.blocks:
            if isinstance(b, ItemList) and b.role == "flyer-point":
                items = list(b.items)
                items[2] = (Text(" ".join(["Un argument bien trop long."] * 90)),)
                b = dataclasses.replace(b, items=tuple(items))
            blocks.append(b)
        return dataclasses.replace(section, blocks=tuple(blocks))
    doc = dataclasses.replace(doc, sections=tuple(lengthen(s) for s in doc.sections))
    with pytest.raises(FitError) as err:
        _flyer_pdf(resources, doc)
    assert "'reidentification'" in err.value.message and re.search(r"the recto is \d+ mm too long", err.value.message)


@pytest.mark.library("flyer")
def test_typst_flyer_is_not_for_print_shops(resources):
    with pytest.raises(UsageError, match="need the WeasyPrint engine"):
        _flyer_pdf(resources, _flyer(resources), print_shop=True)


# --------------------------------------------------------------------------- with nothing but Python


def _without_pango(tmp_path: Path) -> dict:
    """An environment where ``import weasyprint`` fails as it does without Pango."""
    fake = tmp_path / "no-pango" / "weasyprint"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "__init__.py").write_text(textwrap.dedent('''\
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
    '''), encoding="utf-8")
    return {"PYTHONPATH": str(fake.parent), "SOURCE_DATE_EPOCH": "1764417600"}


def test_without_pango_pdfs_are_made_with_typst_and_said_once(tmp_path):
    out = tmp_path / "out"
    result = run("generate", "Villejuif", "-o", out, env=_without_pango(tmp_path))
    assert result.code == 0, result.output
    warnings = [line for line in result.err.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1, result.err
    assert "Pango is missing" in warnings[0] and "Typst" in warnings[0] and "libpango-1.0-0" in warnings[0]
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 2
    for path in pdfs:
        assert "Typst" in (PdfReader(str(path)).metadata.creator or "")
        assert "Villejuif" in pdf_text(path)
    flyer = run("flyer", "Villejuif", "-o", out, "--printer", "nos soins – Collectif X, 1 rue Y, 94800 Villejuif",
                env=_without_pango(tmp_path))
    assert flyer.code == 0 and flyer.err.count("Warning:") == 1, flyer.output
    assert "Imprimé par nos soins – Collectif X" in pdf_text(out / "94076-villejuif-flyer-a5.pdf")


def test_without_pango_asking_for_weasyprint_says_what_to_install(tmp_path):
    result = run("generate", "Villejuif", "-o", tmp_path / "out", "--pdf-engine", "weasyprint",
                 env=_without_pango(tmp_path))
    assert result.code == 12
    assert "Pango" in result.err and "--pdf-engine typst" in result.err and "Traceback" not in result.err


# --------------------------------------------------------------------------- the batch


def test_a_typst_batch_with_two_workers_finishes(tmp_path):
    """Typst starts threads at its first compile; a worker forked after that would
    hang. The batch warms the parent without Typst: this run must end."""
    communes = tmp_path / "communes.txt"
    communes.write_text("94076\n94041\n94080\n94081\n", encoding="utf-8")
    result = run("batch", "--communes", communes, "-o", tmp_path / "out", "-j", "2", "--format", "pdf",
                 timeout=180)
    assert result.code == 0, result.output
    pdfs = sorted((tmp_path / "out" / "94").glob("*.pdf"))
    assert len(pdfs) == 4
    assert all("Typst" in (PdfReader(str(p)).metadata.creator or "") for p in pdfs)
