"""Flyers: a view of the motion's model, then the real PDFs read back by their clients.

Each PDF is checked the way a person would: page count and size (pypdf's
MediaBox and TrimBox), the text on the page (pdftotext), the QR code decoded
from the rendered page (pdftoppm + zbarimg), the layout of the four-up sheets
(WeasyPrint's boxes), and the refusal when a text cannot fit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from motions.communes import lookup
from motions.compose.flyer import FlyerOptions, compose_flyer, headline, shorten_article
from motions.document import Emph, ItemList, iter_notes, plain_text
from motions.errors import FitError, UsageError
from motions.writers import WriterOptions
from motions.writers.flyer import duplex_sheets, flyer_parts, inspect_layout, qr_data_uri, render_flyer

from helpers import ROOTS, invoke, norm, pdf_text

pytestmark = pytest.mark.library("flyer")

PANEL = ["Villejuif", "Le Mans", "Les Lilas", "L'Haÿ-les-Roses", "La Rochelle (17)", "Amiens", "Marseille 1er", "insee:97411"]
A_FORMS = {
    "Villejuif": "à Villejuif", "Le Mans": "au Mans", "Les Lilas": "aux Lilas",
    "L'Haÿ-les-Roses": "à L’Haÿ-les-Roses", "La Rochelle (17)": "à La Rochelle", "Amiens": "à Amiens",
    "Marseille 1er": "dans le 1er arrondissement de Marseille", "insee:97411": "à Saint-Denis",
}
URL = "https://example.org/non-a-la-reconnaissance-faciale?ville=1"
MM = 72 / 25.4
#: (page size without bleed, in mm, page count) per format and mode
SIZES = {("a5", False): ((148, 210), 2), ("a6x4", False): ((210, 297), 2), ("a4", False): ((210, 297), 1),
         ("a5", True): ((148, 210), 2), ("a6x4", True): ((105, 148), 2), ("a4", True): ((210, 297), 1)}
GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def options(**kw) -> FlyerOptions:
    base = dict(date=dt.date(2026, 3, 14), place="salle du conseil, hôtel de ville",
                contact="collectif@example.org", url=URL, group="Collectif Technopolice")
    base.update(kw)
    return FlyerOptions(**base)


def flyer(resources, query, **kw):
    return compose_flyer(resources, lookup(query), options=options(**kw))


def points(doc) -> list[str]:
    return [plain_text(p) for p in flyer_parts(doc)["points"]]


def pdf(resources, doc, layout="a5", **kw) -> bytes:
    return render_flyer(doc, resources, layout, WriterOptions(**kw))


def box_mm(box) -> tuple[float, float]:
    return (round((float(box[2]) - float(box[0])) / MM, 1), round((float(box[3]) - float(box[1])) / MM, 1))


def pdf_file(tmp_path: Path, data: bytes, name: str = "flyer.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def decode_qr(pdf_path: Path, page: int, tmp_path: Path) -> list[str]:
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("zbar-tools or poppler-utils is not installed")
    prefix = tmp_path / f"qr{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf_path), str(prefix)], check=True)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(prefix) + ".png"], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line]


# --------------------------------------------------------------------------- the model


@pytest.mark.parametrize("query", PANEL)
def test_headline_names_the_commune_in_its_french_form(resources, query):
    doc = flyer(resources, query)
    assert plain_text(flyer_parts(doc)["headline"]).replace("\u00a0", " ") == "Pas de reconnaissance faciale " + A_FORMS[query]
    assert 3 <= len(flyer_parts(doc)["points"]) <= 5
    for point in flyer_parts(doc)["points"]:
        assert "[@" not in plain_text(point) and list(iter_notes(point)), point


def test_the_flyer_is_a_view_of_the_motion_model(resources):
    """Its short forms are parsed like every text: *italics* stay italics (no literal asterisks)."""
    from motions.api import Request, compose

    doc = flyer(resources, "Villejuif")
    motion = compose(Request(lookup("Villejuif")), resources).motion
    ids = doc.metadata.provenance["arguments"].split(",")
    assert ids == motion.metadata.provenance["arguments"].split(",")[: len(ids)]
    doc = flyer(resources, "Villejuif", arguments=("visage-identifie", "conseil-decide", "ia-interdite"))
    italic = [p for p in flyer_parts(doc)["points"] if any(isinstance(n, Emph) for n in p)]
    assert italic, "the flyer test library has a short form with *italics*"
    assert not any("*" in plain_text(p) for p in flyer_parts(doc)["points"])


def test_arrondissement_flyer_asks_but_cannot_decide(resources):
    info = flyer_parts(flyer(resources, "Marseille 1er"))
    assert info["decide"] is None
    assert info["ask"][0].endswith("peut demander :")
    assert any("Gouvernement" in plain_text(a) or "préfet" in plain_text(a) for a in info["ask"][1])


def test_articles_are_shortened_not_rewritten(resources):
    info = flyer_parts(flyer(resources, "Villejuif"))
    decide = [plain_text(a) for a in info["decide"][1]]
    assert not any("exécution" in a for a in decide)  # the formal last article is left out
    assert all(plain_text(a).startswith("que ") for a in info["ask"][1])
    assert shorten_article("Le maire est chargé de l’exécution de la présente délibération.") is None
    assert shorten_article("Que l’État n’autorise, par la loi, rien ; et le reste.") == "que l’État n’autorise rien."


def test_short_references_come_from_the_one_resolver(resources):
    refs = flyer_parts(flyer(resources, "Villejuif"))["references"]
    assert refs and all(re.search(r"\d{4}|art\.", r) for r in refs), refs


def test_explicit_selection_is_kept_in_order_and_capped(resources, lib):
    chosen = ("ia-interdite", "visage-identifie", "conseil-decide")
    doc = flyer(resources, "Amiens", arguments=chosen)
    assert tuple(doc.metadata.provenance["arguments"].split(",")) == chosen
    assert doc.metadata.provenance["explicit"] == "1"
    with pytest.raises(UsageError, match="3 to 5 arguments"):
        flyer(resources, "Amiens", arguments=tuple(lib.arguments))


@pytest.mark.library("small")
@pytest.mark.warns("reads best with 3 to 5")
def test_small_library_flyer_warns_about_too_few_arguments(resources, tmp_path):
    doc = flyer(resources, "Villejuif")
    assert doc.metadata.provenance["arguments"] == "visage-identifie"
    data = pdf(resources, doc)
    assert norm(points(doc)[0]) in norm(pdf_text(pdf_file(tmp_path, data)))


def test_duplex_imposition_mirrors_each_row():
    rectos, versos = duplex_sheets()
    recto_at = {s["number"]: s["position"] for s in rectos["slots"]}
    verso_at = {s["number"]: s["position"] for s in versos["slots"]}
    assert recto_at == {1: "top-left", 2: "top-right", 3: "bottom-left", 4: "bottom-right"}
    assert verso_at == {1: "top-right", 2: "top-left", 3: "bottom-right", 4: "bottom-left"}


def test_qr_payload_is_the_url():
    if shutil.which("zbarimg") is None:
        pytest.skip("zbar-tools is not installed")
    import base64
    import tempfile

    uri = qr_data_uri(URL)
    with tempfile.NamedTemporaryFile(suffix=".png") as fh:
        fh.write(base64.b64decode(uri.split(",", 1)[1]))
        fh.flush()
        out = subprocess.run(["zbarimg", "--quiet", "--raw", fh.name], capture_output=True, text=True).stdout
    assert out.strip() == URL


@pytest.mark.parametrize("given, held", [
    (URL, URL),
    ("  http://example.org  ", "http://example.org"),
    ("mailto:collectif@example.org", "mailto:collectif@example.org"),
    ("tel:+33100000000", "tel:+33100000000"),
])
def test_qr_target_is_an_address_a_phone_opens(resources, given, held):
    assert flyer_parts(flyer(resources, "Villejuif", url=given))["url"] == held


@pytest.mark.parametrize("given, held", [
    ("example.org/villejuif", "https://example.org/villejuif"),
    ("www.technopolice.fr", "https://www.technopolice.fr"),
])
@pytest.mark.warns("has no https:// in front")
def test_a_bare_address_gets_https_with_a_warning(resources, warnings_seen, given, held):
    assert flyer_parts(flyer(resources, "Villejuif", url=given))["url"] == held
    assert any(held in m for m in warnings_seen.messages)


@pytest.mark.parametrize("given, says", [
    ("javascript:alert(1)", "not an address a phone opens"),
    ("ftp://example.org/tract.pdf", "not an address a phone opens"),
    ("notre site", "holds spaces"),
    ("villejuif", "not an address a phone opens"),
    ("https://", "no address after the scheme"),
    ("https://example.org/" + "a" * 200, "too dense to scan"),
])
def test_qr_target_refuses_what_a_phone_cannot_open(resources, given, says):
    with pytest.raises(UsageError, match=says):
        flyer(resources, "Villejuif", url=given)


@pytest.mark.parametrize("pattern", ["{a.__class__.__mro__}", "{a:>2000000000}", "{0}", "{commune!r}", "x" * 200])
def test_the_headline_is_never_str_format(pattern):
    with pytest.raises(UsageError):
        headline(pattern, lookup("Villejuif"))
    assert headline("Non {a}, {de} {commune}", lookup("Le Mans")).replace("\u00a0", " ") == "Non au Mans, du Mans Le Mans"


# --------------------------------------------------------------------------- the PDFs of the panel


@pytest.mark.slow
@pytest.mark.parametrize("print_shop", [False, True], ids=["home", "print-shop"])
@pytest.mark.parametrize("fmt", ["a5", "a6x4", "a4"])
@pytest.mark.parametrize("query", PANEL)
def test_panel_flyers_render_and_read_back(resources, tmp_path, query, fmt, print_shop):
    doc = flyer(resources, query)
    path = pdf_file(tmp_path, pdf(resources, doc, fmt, print_shop=print_shop))
    reader = PdfReader(str(path))
    (trim, pages) = SIZES[(fmt, print_shop)]
    assert len(reader.pages) == pages
    sheet = 20 if print_shop else 0  # 3 mm of bleed and the crop marks beyond, 10 mm each side
    for page in reader.pages:
        assert box_mm(page.trimbox) == trim
        assert box_mm(page.mediabox) == (trim[0] + sheet, trim[1] + sheet)
        if print_shop:
            assert box_mm(page.bleedbox) == (trim[0] + 6, trim[1] + 6)
    text = norm(pdf_text(path))
    assert norm(A_FORMS[query]) in text
    for point in points(doc):
        assert norm(point) in text
    for ref in flyer_parts(doc)["references"]:
        assert norm(ref) in text
    assert norm(URL) in text
    if fmt == "a6x4" and not print_shop:
        assert norm(pdf_text(path).split("\f")[0]).count(norm(plain_text(flyer_parts(doc)["headline"]))) == 4


@pytest.mark.parametrize("fmt,page,copies", [("a5", 2, 1), ("a6x4", 2, 4), ("a4", 1, 1)])
def test_qr_code_decodes_from_the_printed_page(resources, tmp_path, fmt, page, copies):
    path = pdf_file(tmp_path, pdf(resources, flyer(resources, "Le Mans"), fmt))
    assert decode_qr(path, page, tmp_path) == [URL] * copies


def test_a6x4_versos_back_their_rectos_on_a_long_edge_flip(resources):
    import weasyprint

    from motions.writers.flyer import FORMATS, flyer_html, stylesheets
    from motions.writers.pdf import fetcher_for, stylesheet

    doc = flyer(resources, "Les Lilas")
    html = flyer_html(doc, resources, FORMATS["a6x4"])
    fetcher = fetcher_for(resources)
    sheets = [stylesheet(resources, s, fetcher) for s in stylesheets(FORMATS["a6x4"], False, False)]
    layout = inspect_layout(weasyprint.HTML(string=html, base_url=resources.find("flyer/flyer.css").parent.as_uri() + "/",
                                            url_fetcher=fetcher).render(stylesheets=sheets))
    rectos = {p["copy"]: p for p in layout.panels if p["side"] == "recto"}
    versos = {p["copy"]: p for p in layout.panels if p["side"] == "verso"}
    assert sorted(rectos) == sorted(versos) == [1, 2, 3, 4]
    assert {p["page"] for p in rectos.values()} == {1} and {p["page"] for p in versos.values()} == {2}
    for copy, r in rectos.items():
        v = versos[copy]
        assert (r["width"], r["height"]) == pytest.approx((105, 148), abs=0.1)
        assert v["x"] == pytest.approx(210 - r["x"] - r["width"], abs=0.1)
        assert v["y"] == pytest.approx(r["y"], abs=0.1)
    assert rectos[1]["x"] == pytest.approx(0, abs=0.1) and versos[1]["x"] == pytest.approx(105, abs=0.1)


def test_print_shop_pdf_embeds_its_fonts_and_is_reproducible(resources, tmp_path):
    doc = flyer(resources, "Amiens")
    one = pdf(resources, doc, print_shop=True)
    assert one == pdf(resources, doc, print_shop=True)
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils is not installed")
    out = subprocess.run(["pdffonts", str(pdf_file(tmp_path, one))], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), out  # the "emb" column


@pytest.mark.skipif(not GS_CMYK.is_file(), reason="no CMYK profile (apt install libgs-common)")
def test_pdfx_declares_what_a_print_shop_checks(resources, tmp_path):
    doc = flyer(resources, "La Rochelle (17)")
    data = pdf(resources, doc, print_shop=True, icc=GS_CMYK)
    assert data.startswith(b"%PDF-1.4")
    assert data == pdf(resources, doc, print_shop=True, icc=GS_CMYK)
    reader = PdfReader(str(pdf_file(tmp_path, data)))
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    [intent] = reader.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object().get_data()
    assert profile[12:16] == b"prtr" and profile[16:20] == b"CMYK"
    for page in reader.pages:
        assert box_mm(page.trimbox) == (148, 210) and box_mm(page.bleedbox) == (154, 216)
        content = page.get_contents().get_data()
        assert not re.search(rb"\b(rg|RG)\b", content)  # no RGB colour
        for xobject in page["/Resources"].get("/XObject", {}).values():
            xobject = xobject.get_object()
            assert "/Group" not in xobject  # no transparency group
            assert xobject.get("/ColorSpace") != "/DeviceRGB"


# --------------------------------------------------------------------------- fitting


def _with_long_point(doc, index: int, text: str):
    from motions.document import Text

    def cut(section):
        blocks = []
        for b in section.blocks:
            if isinstance(b, ItemList) and b.role == "flyer-point":
                items = list(b.items)
                items[index] = (Text(text),)
                b = dataclasses.replace(b, items=tuple(items))
            blocks.append(b)
        return dataclasses.replace(section, blocks=tuple(blocks))
    return dataclasses.replace(doc, sections=tuple(cut(s) for s in doc.sections))


def test_an_argument_too_long_is_refused_naming_it(resources):
    doc = flyer(resources, "Villejuif", arguments=("visage-identifie", "donnee-sensible", "reidentification",
                                                   "conseil-decide"))
    doc = _with_long_point(doc, 2, " ".join(["Un argument bien trop long."] * 90))
    with pytest.raises(FitError) as err:
        pdf(resources, doc)
    message = str(err.value.message)
    assert "'reidentification'" in message and "longest" in message
    assert re.search(r"the recto is \d+ mm too long", message)
    assert err.value.exit_code == 11


@pytest.mark.warns("left out")
def test_long_text_is_set_smaller_then_drawn_arguments_give_way(tmp_path):
    from motions.library import load_library
    from motions.resources import Resources

    root = tmp_path / "lib"
    shutil.copytree(ROOTS / "flyer", root)
    (root / "templates" / "flyer").mkdir(parents=True)
    (root / "templates" / "flyer" / "theme.css").write_text(
        (ROOTS.parent.parent / "templates" / "flyer" / "theme.css").read_text(encoding="utf-8")
        + ":root { --recto-size: 17pt; }\n", encoding="utf-8")
    big = Resources(load_library(root, with_cwd=False))
    drawn = flyer(big, "Villejuif")
    data = pdf(big, drawn)
    assert len(PdfReader(str(pdf_file(tmp_path, data))).pages) == 2
    ids = drawn.metadata.provenance["arguments"].split(",")
    (root / "templates" / "flyer" / "theme.css").write_text(":root { --recto-size: 24pt; }\n", encoding="utf-8")
    bigger = Resources(load_library(root, with_cwd=False))
    chosen = flyer(bigger, "Villejuif", arguments=tuple(ids))
    with pytest.raises(FitError, match="drop the longest argument you chose"):
        pdf(bigger, chosen)


# --------------------------------------------------------------------------- the command


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (120, 60), (20, 120, 60)).save(path)
    return path


@pytest.mark.warns("Imprimé par nos soins", "pre-election period of the municipal elections")
def test_cli_writes_the_flyer_with_a_logo(tmp_path):
    logo = _png(tmp_path / "logo.png")
    out = tmp_path / "out"
    res = invoke("--library", ROOTS / "flyer", "flyer", "Le Mans", "--layout", "a5", "--url", URL,
                 "--date", "2026-03-14", "--logo", logo, "-o", out)
    assert res.code == 0, res.output
    path = out / "72181-le-mans-flyer-a5.pdf"
    assert path.is_file() and (out / ".motions-manifest.json").is_file()
    page = PdfReader(str(path)).pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert any(x.get("/Width") == 120 for x in images)  # the logo, on the recto
    assert "14 mars 2026" in pdf_text(path)


@pytest.mark.warns("deprecated", "Imprimé par nos soins", "pre-election period")
def test_old_option_spellings_still_work_with_a_warning(tmp_path):
    res = invoke("--library", ROOTS / "flyer", "flyer", "Le Mans", "--format", "a4", "--session-date", "2026-03-14",
                 "-o", tmp_path / "o")
    assert res.code == 0, res.output
    assert (tmp_path / "o" / "72181-le-mans-flyer-a4.pdf").is_file()


@pytest.mark.warns("Imprimé par nos soins")
def test_cli_refuses_a_library_logo_outside_the_library(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(ROOTS / "flyer", root)
    _png(tmp_path / "elsewhere.png")
    (root / "motions-library.yaml").write_text("shipped_arguments: false\nlogo: ../elsewhere.png\n")
    res = invoke("--library", root, "flyer", "Amiens", "-o", tmp_path / "o")
    assert res.code == 2 and "inside the library folder" in res.output
    (root / "motions-library.yaml").write_text("shipped_arguments: false\nlogo: logo.png\n")
    _png(root / "logo.png")
    res = invoke("--library", root, "flyer", "Amiens", "-o", tmp_path / "o")
    assert res.code == 0, res.output


@pytest.mark.warns("Imprimé par nos soins")
def test_cli_fit_refusal_exit_code(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(ROOTS / "flyer", root)
    (root / "templates" / "flyer").mkdir(parents=True)
    (root / "templates" / "flyer" / "theme.css").write_text(":root { --recto-size: 26pt; }\n")
    res = invoke("--library", root, "flyer", "Villejuif", "-o", tmp_path / "o",
                 "--arguments", "visage-identifie,donnee-sensible,ia-interdite")
    assert res.code == 11, res.output
    assert "'ia-interdite'" in res.output and not (tmp_path / "o").exists()


def test_kicker_names_the_council_once(resources):
    """The same council name as the motion: never « Conseil de Paris de Paris »."""
    def kicker(q):
        return plain_text(flyer_parts(compose_flyer(resources, lookup(q)))["kicker"])
    assert kicker("Paris") == "Conseil de Paris"
    assert kicker("Villejuif") == "Conseil municipal de Villejuif"
    assert kicker("Marseille 1er").startswith("Conseil")
