"""Flyers: the model, then the real PDFs read back by their clients.

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
from motions.errors import FitError, UsageError
from motions.flyer import FlyerOptions, compose_flyer, short_reference, shorten_article
from motions.library import load_library
from motions.writers.flyer_pdf import duplex_sheets, qr_data_uri, render_flyer_pdf

from conftest import ROOTS, norm, pdf_text

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


@pytest.fixture(scope="module")
def lib():
    return load_library(ROOTS / "flyer", with_cwd=False)


def options(**kw) -> FlyerOptions:
    base = dict(session_date=dt.date(2026, 3, 14), place="salle du conseil, hôtel de ville",
                contact="collectif@example.org", url=URL, group="Collectif Technopolice")
    base.update(kw)
    return FlyerOptions(**base)


def box_mm(box) -> tuple[float, float]:
    return (round((float(box[2]) - float(box[0])) / MM, 1), round((float(box[3]) - float(box[1])) / MM, 1))


def pdf_file(tmp_path: Path, data: bytes, name: str = "flyer.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def decode_qr(pdf: Path, page: int, tmp_path: Path) -> list[str]:
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("zbar-tools or poppler-utils is not installed")
    prefix = tmp_path / f"qr{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(prefix)], check=True)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(prefix) + ".png"], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line]


# --------------------------------------------------------------------------- the model


@pytest.mark.parametrize("query", PANEL)
def test_headline_names_the_commune_in_its_french_form(lib, query):
    flyer = compose_flyer(lib, lookup(query), options=options())
    assert flyer.headline.replace("\u00a0", " ") == "Pas de reconnaissance faciale " + A_FORMS[query]
    assert 3 <= len(flyer.points) <= 5
    for point in flyer.points:
        assert "[@" not in point.text and point.references


def test_arrondissement_flyer_asks_but_cannot_decide(lib):
    flyer = compose_flyer(lib, lookup("Marseille 1er"), options=options())
    assert flyer.decide == () and flyer.decide_heading is None
    assert flyer.ask_heading.startswith("Le conseil d’arrondissement peut demander")
    assert any("l’État" in a for a in flyer.ask)


def test_articles_are_shortened_not_rewritten(lib):
    flyer = compose_flyer(lib, lookup("Villejuif"), options=options())
    assert flyer.decide[0] == ("La commune refuse et interdit la mise en œuvre de tout dispositif "
                               "de surveillance biométrique automatisée.")
    assert not any("exécution" in a for a in flyer.decide)  # the formal last article is left out
    assert all(a.startswith("que ") for a in flyer.ask)
    assert shorten_article("Le maire est chargé de l’exécution de la présente délibération.") is None
    assert shorten_article("Que l’État n’autorise, par la loi, rien ; et le reste.") == "que l’État n’autorise rien."


def test_short_references(lib):
    s = lib.sources
    assert short_reference(s["cnil-2019-rf"]) == "CNIL, 2019"
    assert short_reference(s["ce-2025-472245"]) == "CE, 2025, n°\u00a0472245"
    assert short_reference(s["cgct-l2121-29"]) == "CGCT, art.\u00a0L2121-29"
    assert short_reference(s["rgpd"], "art. 9") == "RGPD, art.\u00a09"
    assert short_reference(s["rocher-2019"]) == "Rocher et al., 2019"
    assert short_reference(s["ta-marseille-2020"]) == "TA Marseille, 2020, n°\u00a01901249"
    assert short_reference(s["ai-act"], "art. 5") == "Règlement (UE) 2024/1689, art.\u00a05"


def test_explicit_selection_is_kept_in_order_and_capped(lib):
    chosen = ("ia-interdite", "visage-identifie", "conseil-decide")
    flyer = compose_flyer(lib, lookup("Amiens"), options=options(arguments=chosen))
    assert tuple(p.argument_id for p in flyer.points) == chosen and flyer.explicit
    with pytest.raises(UsageError, match="3 to 5 arguments"):
        compose_flyer(lib, lookup("Amiens"), options=options(arguments=tuple(lib.arguments)))


def test_small_library_flyer_warns_about_too_few_arguments(small_lib, tmp_path):
    flyer = compose_flyer(small_lib, lookup("Villejuif"), options=options())
    assert [p.argument_id for p in flyer.points] == ["visage-identifie"]
    assert any("reads best with 3 to 5" in w for w in flyer.warnings)
    result = render_flyer_pdf(flyer, small_lib.template_dirs, "a5")
    assert norm(flyer.points[0].text) in norm(pdf_text(pdf_file(tmp_path, result.data)))


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


@pytest.mark.parametrize("given, held, warned", [
    (URL, URL, False),
    ("  http://example.org  ", "http://example.org", False),
    ("mailto:collectif@example.org", "mailto:collectif@example.org", False),
    ("tel:+33100000000", "tel:+33100000000", False),
    ("example.org/villejuif", "https://example.org/villejuif", True),
    ("www.technopolice.fr", "https://www.technopolice.fr", True),
])
def test_qr_target_is_an_address_a_phone_opens(lib, given, held, warned):
    flyer = compose_flyer(lib, lookup("Villejuif"), options=options(url=given))
    assert flyer.url == held
    assert any(held in w and "https://" in w for w in flyer.warnings) == warned


@pytest.mark.parametrize("given, says", [
    ("javascript:alert(1)", "not an address a phone opens"),
    ("ftp://example.org/tract.pdf", "not an address a phone opens"),
    ("notre site", "holds spaces"),
    ("villejuif", "not an address a phone opens"),
    ("https://example.org/" + "a" * 200, "too dense to scan"),
])
def test_qr_target_refuses_what_a_phone_cannot_open(lib, given, says):
    with pytest.raises(UsageError, match=says):
        compose_flyer(lib, lookup("Villejuif"), options=options(url=given))


# --------------------------------------------------------------------------- the PDFs of the panel


@pytest.mark.parametrize("print_shop", [False, True], ids=["home", "print-shop"])
@pytest.mark.parametrize("fmt", ["a5", "a6x4", "a4"])
@pytest.mark.parametrize("query", PANEL)
def test_panel_flyers_render_and_read_back(lib, tmp_path, query, fmt, print_shop):
    commune = lookup(query)
    flyer = compose_flyer(lib, commune, options=options())
    result = render_flyer_pdf(flyer, lib.template_dirs, fmt, print_shop=print_shop)
    path = pdf_file(tmp_path, result.data)
    reader = PdfReader(str(path))
    (trim, pages) = SIZES[(fmt, print_shop)]
    assert len(reader.pages) == pages
    bleed = 6 if print_shop else 0
    for page in reader.pages:
        assert box_mm(page.trimbox) == trim
        assert box_mm(page.mediabox) == (trim[0] + bleed, trim[1] + bleed)
    text = norm(pdf_text(path))
    assert norm(A_FORMS[query]) in text
    for point in result.flyer.points:
        assert norm(point.text) in text, point.argument_id
    for ref in result.flyer.references:
        assert norm(ref) in text
    assert norm(URL) in text
    if fmt == "a6x4" and not print_shop:
        assert norm(pdf_text(path).split("\f")[0]).count(norm(flyer.headline)) == 4


@pytest.mark.parametrize("fmt,page,copies", [("a5", 2, 1), ("a6x4", 2, 4), ("a4", 1, 1)])
def test_qr_code_decodes_from_the_printed_page(lib, tmp_path, fmt, page, copies):
    flyer = compose_flyer(lib, lookup("Le Mans"), options=options())
    path = pdf_file(tmp_path, render_flyer_pdf(flyer, lib.template_dirs, fmt).data)
    assert decode_qr(path, page, tmp_path) == [URL] * copies


def test_a6x4_versos_back_their_rectos_on_a_long_edge_flip(lib, tmp_path):
    flyer = compose_flyer(lib, lookup("Les Lilas"), options=options())
    result = render_flyer_pdf(flyer, lib.template_dirs, "a6x4")
    panels = result.layout.panels
    rectos = {p["copy"]: p for p in panels if p["side"] == "recto"}
    versos = {p["copy"]: p for p in panels if p["side"] == "verso"}
    assert sorted(rectos) == sorted(versos) == [1, 2, 3, 4]
    assert {p["page"] for p in rectos.values()} == {1} and {p["page"] for p in versos.values()} == {2}
    for copy, r in rectos.items():
        v = versos[copy]
        assert (r["width"], r["height"]) == pytest.approx((105, 148), abs=0.1)
        # flipped on the long edge, x mirrors around the sheet's middle and y stays
        assert v["x"] == pytest.approx(210 - r["x"] - r["width"], abs=0.1)
        assert v["y"] == pytest.approx(r["y"], abs=0.1)
    # and the recto at top-left is backed by its own verso: sheet 2, top-right
    assert rectos[1]["x"] == pytest.approx(0, abs=0.1) and versos[1]["x"] == pytest.approx(105, abs=0.1)


def test_print_shop_pdf_embeds_its_fonts_and_is_reproducible(lib, tmp_path):
    flyer = compose_flyer(lib, lookup("Amiens"), options=options())
    one = render_flyer_pdf(flyer, lib.template_dirs, "a5", print_shop=True).data
    two = render_flyer_pdf(flyer, lib.template_dirs, "a5", print_shop=True).data
    assert one == two
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils is not installed")
    out = subprocess.run(["pdffonts", str(pdf_file(tmp_path, one))], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), out  # the "emb" column


@pytest.mark.skipif(not GS_CMYK.is_file(), reason="no CMYK profile (apt install libgs-common)")
def test_pdfx_declares_what_a_print_shop_checks(lib, tmp_path):
    flyer = compose_flyer(lib, lookup("La Rochelle (17)"), options=options())
    result = render_flyer_pdf(flyer, lib.template_dirs, "a5", print_shop=True, icc=GS_CMYK)
    assert result.pdfx == "pdf/x-1a"
    assert result.data.startswith(b"%PDF-1.4")
    assert result.data == render_flyer_pdf(flyer, lib.template_dirs, "a5", print_shop=True, icc=GS_CMYK).data
    reader = PdfReader(str(pdf_file(tmp_path, result.data)))
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    assert reader.metadata["/Trapped"] == "/False"
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


def test_an_argument_too_long_is_refused_naming_it(lib):
    flyer = compose_flyer(lib, lookup("Villejuif"), options=options(
        arguments=("visage-identifie", "donnee-sensible", "reidentification", "conseil-decide")))
    long_point = dataclasses.replace(flyer.points[2], text=" ".join(["Un argument bien trop long."] * 90))
    flyer = dataclasses.replace(flyer, points=flyer.points[:2] + (long_point,) + flyer.points[3:])
    with pytest.raises(FitError) as err:
        render_flyer_pdf(flyer, lib.template_dirs, "a5")
    message = str(err.value.message)
    assert "'reidentification'" in message and "longest" in message
    assert re.search(r"the recto is \d+ mm too long", message)
    assert err.value.exit_code == 11


def test_long_text_is_set_smaller_then_drawn_arguments_give_way(lib, tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(ROOTS / "flyer", root)
    (root / "templates" / "flyer").mkdir(parents=True)
    (root / "templates" / "flyer" / "theme.css").write_text(
        (ROOTS.parent.parent / "templates" / "flyer" / "theme.css").read_text(encoding="utf-8")
        + ":root { --recto-size: 17pt; }\n", encoding="utf-8")
    big = load_library(root, with_cwd=False)
    drawn = compose_flyer(big, lookup("Villejuif"), options=options())
    result = render_flyer_pdf(drawn, big.template_dirs, "a5")
    assert result.scale["recto"] < 1 or len(result.flyer.points) < len(drawn.points)
    assert len(PdfReader(str(pdf_file(tmp_path, result.data))).pages) == 2
    if len(result.flyer.points) < len(drawn.points):
        assert any("left out" in w for w in result.warnings)
    chosen = compose_flyer(big, lookup("Villejuif"), options=options(arguments=tuple(p.argument_id for p in drawn.points)))
    (root / "templates" / "flyer" / "theme.css").write_text(":root { --recto-size: 24pt; }\n", encoding="utf-8")
    with pytest.raises(FitError, match="drop the longest argument you chose"):
        render_flyer_pdf(chosen, load_library(root, with_cwd=False).template_dirs, "a5")


# --------------------------------------------------------------------------- the command


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (120, 60), (20, 120, 60)).save(path)
    return path


def test_cli_writes_the_flyer_with_a_logo(tmp_path):
    from click.testing import CliRunner

    from motions.cli import cli

    logo = _png(tmp_path / "logo.png")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["--library", str(ROOTS / "flyer"), "flyer", "Le Mans", "--format", "a5",
                                   "--url", URL, "--session-date", "2026-03-14", "--logo", str(logo),
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    path = out / "72181-le-mans-flyer-a5.pdf"
    assert path.is_file() and (out / ".motions-manifest.json").is_file()
    page = PdfReader(str(path)).pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert any(x.get("/Width") == 120 for x in images)  # the logo, on the recto
    assert "14 mars 2026" in pdf_text(path)


def test_cli_refuses_a_library_logo_outside_the_library(tmp_path):
    from click.testing import CliRunner

    from motions.cli import cli

    root = tmp_path / "lib"
    shutil.copytree(ROOTS / "flyer", root)
    _png(tmp_path / "elsewhere.png")
    (root / "motions-library.yaml").write_text("shipped_arguments: false\nlogo: ../elsewhere.png\n")
    res = CliRunner().invoke(cli, ["--library", str(root), "flyer", "Amiens", "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "inside the library folder" in res.output
    (root / "motions-library.yaml").write_text("shipped_arguments: false\nlogo: logo.png\n")
    _png(root / "logo.png")
    res = CliRunner().invoke(cli, ["--library", str(root), "flyer", "Amiens", "-o", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output


def test_cli_fit_refusal_exit_code(tmp_path):
    from click.testing import CliRunner

    from motions.cli import cli

    root = tmp_path / "lib"
    shutil.copytree(ROOTS / "flyer", root)
    (root / "templates" / "flyer").mkdir(parents=True)
    (root / "templates" / "flyer" / "theme.css").write_text(":root { --recto-size: 26pt; }\n")
    res = CliRunner().invoke(cli, ["--library", str(root), "flyer", "Villejuif", "-o", str(tmp_path / "o"),
                                   "--arguments", "visage-identifie,donnee-sensible,ia-interdite"])
    assert res.exit_code == 11, res.output
    assert "'ia-interdite'" in res.output and not (tmp_path / "o").exists()


def test_kicker_names_the_council_once():
    """The same council name as the motion: never « Conseil de Paris de Paris »."""
    from motions.flyer import compose_flyer
    from motions.library import load_library

    lib = load_library(ROOTS / "flyer", with_cwd=False)
    assert compose_flyer(lib, lookup("Paris")).kicker == "Conseil de Paris"
    assert compose_flyer(lib, lookup("Villejuif")).kicker == "Conseil municipal de Villejuif"
    assert compose_flyer(lib, lookup("Marseille 1er")).kicker == "Conseil du 1er arrondissement de Marseille"
