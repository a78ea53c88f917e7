"""Accessible and archival PDF, checked by a validator rather than by our own reading.

The validator is ``page`` (PyPI ``page-validation``): a PDF/UA-1 and PDF/A-1…3
validator that passes veraPDF's test corpus and needs no Java. The three
layouts — a motion, a dossier, the flyers — must have no failed rule. The
checks a validator cannot make on its own (running heads as artifacts, notes
as ``Note`` elements, the logo's alternative text) are read from the
structure tree with pypdf.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from motions.communes import lookup
from motions.compose.flyer import FlyerOptions, compose_flyer
from motions.writers import WriterOptions, get
from motions.writers.flyer import render_flyer
from motions.writers.pdf import VARIANTS

from helpers import compose_for

page = pytest.importorskip("page", reason="the PDF validator (pip install page-validation) is not installed")

URL = "https://example.org/villejuif"


def failures(data: bytes, profile: str) -> list[str]:
    report = page.validate_pdf_bytes(data, profile=profile)
    return [f"{f.rule_id}: {f.message}" for f in report.failures]


@pytest.fixture(scope="module")
def villejuif(shipped_resources):
    return compose_for(shipped_resources, "Villejuif")


@pytest.fixture(scope="module")
def motion_pdf(villejuif, shipped_resources) -> bytes:
    return get("pdf").write(villejuif.motion, shipped_resources, WriterOptions())


def _structure(data: bytes, tmp_path: Path):
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    reader = PdfReader(str(path))
    elements: list = []

    def walk(node):
        node = node.get_object()
        if hasattr(node, "get") and "/S" in node:
            elements.append(node)
        kids = node.get("/K") if hasattr(node, "get") else None
        if kids is None:
            return
        for kid in (kids if isinstance(kids, list) else [kids]):
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid)
    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return reader, elements


# --------------------------------------------------------------------------- PDF/UA-1


def test_the_motion_is_pdf_ua_1(motion_pdf):
    assert failures(motion_pdf, "ua1") == []


@pytest.mark.parametrize("notes", ["footnotes", "endnotes"])
def test_the_dossier_is_pdf_ua_1(shipped_resources, notes):
    comp = compose_for(shipped_resources, "Le Mans", notes=notes)
    assert comp.dossier is not None
    data = get("pdf").write(comp.dossier, shipped_resources, WriterOptions())
    assert failures(data, "ua1") == []


def test_a_pdf_without_tags_fails_the_validator(villejuif, shipped_resources):
    """The validator does check: the untagged variant fails it."""
    data = get("pdf").write(villejuif.motion, shipped_resources, WriterOptions(pdf_variant="none"))
    assert any("TAGGED" in f or "STRUCT-TREE" in f for f in failures(data, "ua1"))


def test_running_heads_are_pagination_artifacts(motion_pdf, tmp_path):
    reader, elements = _structure(motion_pdf, tmp_path)
    contents = [p.get_contents().get_data() for p in reader.pages]
    assert all(re.search(rb"/Artifact\s*<</Type /Pagination>>\s*BDC", c) for c in contents)
    # every marked content left is in the tree (nothing orphaned for a screen reader)
    tree = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]
    for entries in tree[1::2]:
        entries = entries.get_object()
        if isinstance(entries, list):
            assert all(e is None or hasattr(e, "get_object") for e in entries)


def test_notes_are_note_elements_with_their_number(villejuif, motion_pdf, tmp_path):
    _, elements = _structure(motion_pdf, tmp_path)
    notes = [e for e in elements if e["/S"] == "/Note"]
    assert len(notes) == len(villejuif.motion.notes_in_order())
    assert [str(n["/ID"]) for n in notes] == [f"note-{i}" for i in range(1, len(notes) + 1)]
    first_kid = notes[0]["/K"][0].get_object()
    assert first_kid["/S"] == "/Lbl"  # the « 1. » before the note's text


def test_links_print_and_say_where_they_go(motion_pdf, tmp_path):
    reader, _ = _structure(motion_pdf, tmp_path)
    links = [a.get_object() for p in reader.pages for a in p.get("/Annots", [])]
    assert links
    for link in links:
        assert link["/F"] & 4  # printed
        assert str(link["/Contents"]).startswith(("http", "mailto"))


# --------------------------------------------------------------------------- flyers


@pytest.fixture(scope="module")
def flyer_doc(shipped_resources):
    options = FlyerOptions(date=dt.date(2026, 3, 14), place="salle du conseil", contact="collectif@example.org",
                           url=URL, group="Villejuif en commun")
    return compose_flyer(shipped_resources, lookup("Villejuif"), options=options)


@pytest.fixture(scope="module")
def logo(tmp_path_factory) -> Path:
    from PIL import Image

    path = tmp_path_factory.mktemp("logo") / "logo.png"
    Image.new("RGBA", (120, 60), (20, 120, 60, 255)).save(path)
    return path


@pytest.mark.parametrize("layout,print_shop", [("a5", False), ("a6x4", False), ("a4", False), ("a5", True),
                                                ("a6x4", True)])
def test_every_flyer_layout_is_pdf_ua_1(flyer_doc, shipped_resources, logo, layout, print_shop, tmp_path):
    data = render_flyer(flyer_doc, shipped_resources, layout, WriterOptions(logo=logo, print_shop=print_shop))
    assert failures(data, "ua1") == []
    _, elements = _structure(data, tmp_path)
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)
    assert any(str(f["/Alt"]) == "Logo : Villejuif en commun" for f in figures)
    assert any(str(f["/Alt"]) == f"QR code : {URL}" for f in figures)


def test_the_flyer_address_is_a_live_link(flyer_doc, shipped_resources, tmp_path):
    reader, _ = _structure(render_flyer(flyer_doc, shipped_resources, "a5", WriterOptions()), tmp_path)
    uris = [a.get_object()["/A"]["/URI"] for p in reader.pages for a in p.get("/Annots", [])]
    assert URL in uris


# --------------------------------------------------------------------------- PDF/A


def _xmp(data: bytes) -> str:
    match = re.search(rb"<\?xpacket begin.*?<\?xpacket end=\"r\"\?>", data, re.S)
    assert match, "no uncompressed XMP packet"
    return match.group(0).decode("utf-8")


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v.startswith("pdf/a-")])
def test_archival_variants_declare_and_pass_pdf_a(villejuif, shipped_resources, variant):
    data = get("pdf").write(villejuif.motion, shipped_resources, WriterOptions(pdf_variant=variant))
    part, level = variant[len("pdf/a-"):-1], variant[-1]
    xmp = _xmp(data)
    assert re.search(rf'pdfaid:part="{part}"', xmp) and re.search(rf'pdfaid:conformance="{level.upper()}"', xmp)
    if part == "4":  # PDF 2.0: the validator stops at PDF/A-3; PDF/UA-2 is another standard
        assert data.startswith(b"%PDF-2.0") and "pdfuaid" not in xmp
        return
    assert failures(data, f"{part}{level}") == []
    # tagged, so accessible too: it says so, and the PDF/UA validator agrees
    assert 'pdfuaid:part="1"' in xmp and "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    assert failures(data, "ua1") == []


def test_the_default_pdf_declares_pdf_ua_1(motion_pdf):
    assert 'pdfuaid:part="1"' in _xmp(motion_pdf)
