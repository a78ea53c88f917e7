"""The web application in a real browser (Debian's Chromium, driven by Playwright).

A visitor's whole journey for Villejuif (suggestions as one types, the
motion, a considérant swapped, facts with an error then corrected, every
download opened with the tools a user has), an ambiguous and a misspelt
name, an argument written with a schema error, the main journey with the
keyboard alone, and axe-core (vendored in tests/vendor/axe-core) on every
page with 0 violations. A screenshot of each step, at phone and desktop
widths, is saved under tests/artifacts/ (git-ignored).

The server is the real one (waitress, on a free port of 127.0.0.1, in a
thread), over the shipped library.
"""

from __future__ import annotations

import io
import re
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("flask")
playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = {"telephone": 390, "ordinateur": 1280}
#: A form sent back with its errors answers 422: the browser logs it, as it should.
EXPECTED_STATUS = re.compile(r"status of 422")


@pytest.fixture(scope="module")
def server(shipped_lib, tmp_path_factory):
    import datetime as dt

    from waitress import create_server

    from motions.resources import Resources
    from motions.web import create_app

    app = create_app(Resources(shipped_lib, now=dt.datetime(2026, 11, 29)),
                     edit_dir=tmp_path_factory.mktemp("web") / "bibliotheque", secret_key="browser-tests")
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    srv.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt install chromium)")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """A page with the habits of these tests: console errors collected (a CSP
    refusal is one), screenshots named by step."""

    def __init__(self, browser, base: str, name: str, width: int = 1280, **context):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True,
                                           locale="fr-FR", **context)
        self.page = self.context.new_page()
        self.base, self.name = base, name
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" and not
                     EXPECTED_STATUS.search(m.text) else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.step = 0

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def shot(self, label: str) -> Path:
        self.step += 1
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def download(self, locator) -> tuple[str, bytes]:
        with self.page.expect_download() as info:
            locator.click()
        dl = info.value
        return dl.suggested_filename, Path(dl.path()).read_bytes()

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def make(name, **kw):
        v = Visit(browser, server, name, **kw)
        opened.append(v)
        return v
    yield make
    for v in opened:
        v.close()


def pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    from tests.helpers import pdf_text as read

    path = tmp_path / name
    path.write_bytes(data)
    return read(path)


def docx_text(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


# --------------------------------------------------------------------------- the journey


def test_the_whole_journey_for_villejuif(visit, tmp_path):
    v = visit("villejuif")
    page = v.go("/")
    v.shot("accueil")
    page.fill("#q", "Villej")
    suggestion = page.locator("#suggestions a", has_text="Villejuif (94)")
    suggestion.wait_for()  # htmx, under the strict CSP
    v.shot("suggestions")
    suggestion.click()
    page.wait_for_url(re.compile(r"/textes\?commune=94076"))
    assert "Métropole du Grand Paris" in page.inner_text("main")
    v.shot("textes")
    page.get_by_role("link", name=re.compile("Rédiger ce texte : Refus de la surveillance biométrique")).click()
    page.wait_for_url(re.compile(r"/projet\?"))
    main = page.inner_text("main")
    assert "Considérant que" in main and "Pourquoi il est là" in main and "préfet du Val-de-Marne" in main
    v.shot("projet")

    # swap the second considérant for the first alternative offered
    second = page.locator("ol.considerants > li").nth(1)
    old_id = second.get_attribute("id")
    select = second.locator("select")
    new_id = select.locator("option").first.get_attribute("value")
    new_title = select.locator("option").first.inner_text()
    second.get_by_role("button", name=re.compile("^Remplacer")).click()
    page.wait_for_url(re.compile(r"arguments="))
    assert page.locator(f"#c-{new_id}").count() == 1 and page.locator(f"#{old_id}").count() == 0
    assert new_title in page.inner_text("ol.considerants") and "choisi par le groupe" in page.inner_text("main")
    v.shot("considerant-remplace")

    # facts: an error, then corrected
    page.get_by_role("link", name="Renseigner les faits locaux").click()
    page.fill("#f-cameras-count", "beaucoup")
    page.fill("#f-group-name", "Villejuif en commun")
    page.get_by_role("button", name="Vérifier et revenir au texte").click()
    error = page.locator("#f-cameras-count-erreur")
    assert "nombre entier" in error.inner_text()
    assert page.locator("#f-cameras-count").get_attribute("aria-invalid") == "true"
    assert "Caméras — Nombre de caméras" in page.inner_text(".resume-erreurs")
    v.shot("faits-erreur")
    page.fill("#f-cameras-count", "42")
    page.fill("#f-cameras-source", "Rapport d’activité de la police municipale")
    page.fill("#f-cameras-date", "2025-06-01")
    page.get_by_role("button", name="Vérifier et revenir au texte").click()
    page.wait_for_url(re.compile(r"/projet\?.*f\.cameras\.count=42"))
    assert "caméras" in page.inner_text("#faits-ok")
    assert f"#c-{new_id}" and page.locator(f"#c-{new_id}").count() == 1  # the swap survived
    v.shot("faits-corriges")

    # every download, opened as a user would
    texts = {}
    for which in ("texte", "dossier"):
        for fmt in ("docx", "odt", "pdf"):
            name, data = v.download(page.locator(f'a[href^="/telecharger/{which}.{fmt}?"]'))
            assert name.startswith("94076-villejuif-biometrie") and name.endswith("." + fmt)
            assert ("-dossier" in name) == (which == "dossier")
            if fmt == "docx":
                text = docx_text(data)
            elif fmt == "odt":
                text = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
            else:
                text = pdf_text(data, tmp_path, name)
            assert "Villejuif" in text, name
            texts[(which, fmt)] = text
    assert "Considérant que" in texts[("texte", "docx")] and "Villejuif en commun" in texts[("texte", "docx")]
    assert "42" in texts[("texte", "pdf")] or "42" in texts[("dossier", "pdf")]
    assert texts[("texte", "docx")] != texts[("dossier", "docx")]
    for layout in ("a5", "a6x4", "a4", "a5-imprimeur"):
        name, data = v.download(page.locator(f'a[href^="/tract/{layout}.pdf?"]'))
        assert data.startswith(b"%PDF") and "Villejuif" in pdf_text(data, tmp_path, name), layout
        assert ("-print" in name) == (layout == "a5-imprimeur")
    name, data = v.download(page.get_by_role("link", name="enregistrer le projet dans un fichier"))
    assert name.endswith(".json") and b'"commune": "94076"' in data
    name, data = v.download(page.locator("#kit-zip"))
    assert name.endswith("-kit.zip") and data[:2] == b"PK"  # the whole campaign kit, one zip
    assert not v.errors, v.errors


def test_an_ambiguous_name_offers_the_homonyms(visit):
    v = visit("homonymes")
    page = v.go("/")
    page.fill("#q", "Saint-Denis")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url(re.compile(r"/commune\?q="))
    assert "4 communes portent le nom « Saint-Denis »" in page.inner_text("main")
    v.shot("choix")
    page.get_by_role("link", name="Saint-Denis (93)").click()
    page.wait_for_url(re.compile(r"/textes\?commune=93066"))
    assert "Seine-Saint-Denis" in page.inner_text("main")
    assert not v.errors, v.errors


def test_a_misspelt_name_is_corrected(visit):
    v = visit("faute")
    page = v.go("/")
    page.fill("#q", "Vilejuif")
    page.locator("#suggestions a", has_text="Villejuif (94)").wait_for()
    page.get_by_role("button", name="Chercher").click()
    assert "Vouliez-vous dire" in page.inner_text("main")
    v.shot("vouliez-vous-dire")
    page.get_by_role("link", name="Villejuif (94)").click()
    page.wait_for_url(re.compile(r"/textes\?commune=94076"))


PARAGRAPH = " ".join(["Le règlement général sur la protection des données range les données biométriques parmi "
                      "les catégories particulières de données, dont le traitement est interdit par principe, "
                      "sauf exceptions limitativement énumérées [@rgpd, art. 9]."] * 3)


def test_writing_an_argument_with_a_schema_error_then_fixing_it(visit):
    v = visit("bibliotheque")
    page = v.go("/bibliotheque")
    page.get_by_role("link", name="Écrire un nouvel argument").click()
    page.fill("#a-id", "exemple-navigateur")
    page.fill("#a-title", "Un argument écrit dans le navigateur")
    page.get_by_label("Biométrie", exact=False).first.check()
    page.fill("#a-short", "Le RGPD interdit par principe de traiter des données biométriques [@rgpd, art. 9].")
    page.fill("#a-considerant", "Le règlement interdit le traitement de données biométriques [@rgpd, art. 9] ;")
    page.fill("#a-paragraph", PARAGRAPH)
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    error = page.locator("#a-considerant-erreur")
    assert "Considérant que" in error.inner_text()
    assert page.locator("#a-considerant").get_attribute("aria-invalid") == "true"
    assert "n’est pas enregistré" in page.inner_text(".resume-erreurs")
    v.shot("erreur-schema")
    page.fill("#a-considerant", "Considérant que le règlement interdit par principe le traitement de données "
                                "biométriques [@rgpd, art. 9] ;")
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    page.wait_for_url(re.compile(r"/bibliotheque/argument/exemple-navigateur"))
    assert "L’argument est enregistré" in page.inner_text("main")
    v.shot("enregistre")
    assert not v.errors, v.errors


# --------------------------------------------------------------------------- keyboard only


def tab_to(page, test: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes ``test`` (JavaScript on ``e``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!({test}); }})()"):
            return
    raise AssertionError(f"the keyboard never reached: {test}")


def test_the_main_journey_with_the_keyboard_alone(visit, tmp_path):
    v = visit("clavier")
    page = v.go("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    tab_to(page, "e.id === 'q'")
    page.keyboard.type("Villejuif")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/textes\?commune=94076"))
    tab_to(page, "e.textContent.includes('Rédiger ce texte : Refus')")
    v.shot("focus-rediger")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/projet\?"))
    tab_to(page, "e.tagName === 'SELECT' && e.name === 'par'")
    first_choice = page.evaluate("document.activeElement.options[1].value")
    page.keyboard.press("ArrowDown")
    tab_to(page, "e.tagName === 'BUTTON' && e.textContent.startsWith('Remplacer')", limit=3)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"arguments="))
    assert page.locator(f"#c-{first_choice}").count() == 1
    tab_to(page, "e.getAttribute('href') && e.getAttribute('href').startsWith('/telecharger/texte.pdf')", limit=400)
    v.shot("focus-pdf")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    data = Path(info.value.path()).read_bytes()
    assert "Villejuif" in pdf_text(data, tmp_path, "clavier.pdf")
    focus_visible = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_visible != "none"


# --------------------------------------------------------------------------- accessibility


AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

PAGES = {
    "accueil": "/",
    "suggestions": None,  # the home page with suggestions shown
    "communes-homonymes": "/commune?q=Saint-Denis",
    "communes-faute": "/commune?q=Vilejuif",
    "textes": "/textes?commune=94076",
    "projet": "/projet?commune=94076&motion=biometrie",
    "projet-arrondissement": "/projet?commune=75115&motion=vsa",
    "faits": "/faits?commune=94076&motion=biometrie",
    "faits-erreurs": "/faits?commune=94076&motion=biometrie&verifier=1&f.cameras.count=beaucoup&f.contracts.0.vendor=X",
    "ajouter": "/projet/ajouter?commune=94076&motion=biometrie&theme=biometrie",
    "bibliotheque": "/bibliotheque",
    "argument": "/bibliotheque/argument/villejuif-fonctions-activables",
    "nouvel-argument": "/bibliotheque/nouveau",
    "importer": "/bibliotheque/sources/importer",
    "ouvrir": "/projet/ouvrir",
    "erreur-404": "/nulle-part",
    "erreur-adresse": "/projet?commune=99999",
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_no_violation(visit, name, width):
    v = visit(f"axe-{name}", width=WIDTHS[width], bypass_csp=True)  # to inject axe; the pages' CSP is tested apart
    if PAGES[name] is None:
        page = v.go("/")
        page.fill("#q", "Saint")
        page.locator("#suggestions a").first.wait_for()
    else:
        page = v.go(PAGES[name])
    v.shot(width)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    assert violations == [], "\n".join(f"{x['id']} ({x['impact']}): {x['help']} at {x['nodes']}" for x in violations)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a {WIDTHS[width]}px screen"
