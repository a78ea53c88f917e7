"""The web application through Flask's test client: each page's content, the
draft kept in the address, the facts checked as the CLI does, downloads read
back, the security rules, hosted mode and library editing.

The browser journeys (htmx, keyboard, axe-core) are in test_web_browser.py.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytest.importorskip("flask")

from motions.web import create_app  # noqa: E402
from motions.web import facts_form  # noqa: E402
from motions.typography import french  # noqa: E402
from motions.web.state import Draft, from_json, to_json  # noqa: E402

VILLEJUIF = "/projet?commune=94076&motion=biometrie"


@pytest.fixture(scope="module")
def app(shipped_lib, tmp_path_factory):
    import datetime as dt

    from motions.resources import Resources

    resources = Resources(shipped_lib, now=dt.datetime(2026, 11, 29))
    app = create_app(resources, edit_dir=tmp_path_factory.mktemp("bibliotheque") / "lib", secret_key="test")
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def text_of(response) -> str:
    import html

    return html.unescape(response.get_data(as_text=True))


def csrf_token(client, url: str) -> str:
    page = text_of(client.get(url))
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


# --------------------------------------------------------------------------- communes


def test_suggestions_cover_prefixes_codes_and_misspellings(client):
    assert "Villejuif (94)" in text_of(client.get("/suggestions?q=villej"))
    assert "Villejuif (94)" in text_of(client.get("/suggestions?q=94800"))
    assert "Villejuif (94)" in text_of(client.get("/suggestions?q=Vilejuif"))
    page = text_of(client.get("/suggestions?q=sain"))
    assert page.count("<li>") == 8 and "Saint-Étienne (42)" in page
    assert "<ul" not in text_of(client.get("/suggestions?q=%00%01"))


def test_a_clear_name_goes_straight_to_the_catalogue(client):
    response = client.get("/commune?q=Villejuif")
    assert response.status_code == 303 and response.headers["Location"].endswith("/textes?commune=94076")


def test_homonyms_are_listed_with_their_departement(client):
    page = text_of(client.get("/commune?q=Saint-Denis"))
    assert "communes portent le nom" in page
    assert "Saint-Denis (93)" in page and "Saint-Denis (974)" in page
    assert 'href="/textes?commune=93066"' in page


def test_a_code_that_is_insee_and_postal_offers_both_readings(client):
    page = text_of(client.get("/commune?q=13001"))
    assert "à la fois un code INSEE et un code postal" in page
    assert "Aix-en-Provence (13)" in page and "Marseille" in page


def test_a_misspelt_name_is_answered_with_the_nearest(client):
    response = client.get("/commune?q=Vilejuif")
    page = text_of(response)
    assert "Vouliez-vous dire" in page and 'href="/textes?commune=94076"' in page


def test_the_catalogue_has_a_french_description_of_every_motion(client, shipped_lib):
    page = text_of(client.get("/textes?commune=94076"))
    for motion in shipped_lib.motions.values():
        assert french(motion.meta.title) in page
        assert motion.meta.description_fr, motion.meta.id  # every shipped template describes itself in French
        assert french(motion.meta.description_fr)[:40] in page
    assert "membre de la Métropole du Grand Paris" in page


# --------------------------------------------------------------------------- the draft


def test_the_draft_page_shows_the_text_its_addressees_and_each_considerant_reason(client, shipped_resources):
    from motions.api import Request, compose
    from motions.communes import get

    page = text_of(client.get(VILLEJUIF))
    comp = compose(Request(get("94076"), dossier=False), shipped_resources)
    assert "Considérant que" in page and "Villejuif" in page
    assert "Métropole du Grand Paris" in page and "préfet du Val-de-Marne" in page
    included = [d for d in comp.decisions if d.included]
    assert page.count('class="pourquoi"') == len(included)
    for d in included:
        assert f'id="c-{d.argument_id}"' in page
    assert "<h1" in page and page.count("<h1") == 1  # the text's own title is moved under the page's
    assert "Points à vérifier avant de déposer" in page and "règlement intérieur" in page


def _redirect_args(response) -> dict:
    assert response.status_code == 303
    return {k: v[0] for k, v in parse_qs(urlparse(response.headers["Location"]).query).items()}


def test_swapping_removing_and_moving_a_considerant_keep_the_choice_in_the_address(client, shipped_resources):
    page = text_of(client.get(VILLEJUIF))
    first = re.search(r'id="c-([a-z0-9-]+)"', page).group(1)
    alternative = re.search(rf'id="par-{first}" name="par">\s*<option value="([a-z0-9-]+)"', page).group(1)
    args = _redirect_args(client.get(f"{VILLEJUIF}&action=remplacer&cible={first}&par={alternative}"))
    chosen = args["arguments"].split(",")
    assert chosen[0] == alternative and first not in chosen
    swapped = text_of(client.get("/projet?" + "&".join(f"{k}={v}" for k, v in args.items())))
    assert f'id="c-{alternative}"' in swapped and f'id="c-{first}"' not in swapped
    assert "choisi par le groupe" in swapped
    removed = _redirect_args(client.get(f"/projet?commune=94076&motion=biometrie&arguments={args['arguments']}"
                                        f"&action=retirer&cible={chosen[1]}"))
    assert removed["arguments"].split(",") == [chosen[0]] + chosen[2:]
    moved = _redirect_args(client.get(f"/projet?commune=94076&motion=biometrie&arguments={args['arguments']}"
                                      f"&action=descendre&cible={chosen[0]}"))
    assert moved["arguments"].split(",")[:2] == [chosen[1], chosen[0]]


def test_adding_offers_only_arguments_that_may_stand_here(client):
    page = text_of(client.get("/projet/ajouter?commune=94076&motion=biometrie&theme=biometrie"))
    assert "Ajouter au texte" in page
    assert "villejuif-fonctions-activables" not in re.findall(r'name="cible" value="([^"]+)"', page)  # already in
    other_place = text_of(client.get("/projet/ajouter?commune=75056&motion=biometrie"))
    assert 'value="villejuif-fonctions-activables"' not in other_place  # another commune's story


def test_a_bad_address_is_a_french_sentence(client):
    response = client.get("/projet?commune=99999")
    assert response.status_code == 400 and "Aucune commune n’a le code INSEE 99999" in text_of(response)
    assert client.get("/projet?commune=94076&arguments=../../etc").status_code == 400


# --------------------------------------------------------------------------- facts


def test_every_field_of_the_facts_model_has_a_french_label():
    missing = [key for key in facts_form.all_leaf_keys() if not facts_form.label_of(*key)[0]]
    assert not missing, f"add a French label to facts_form.LABELS for {missing}"
    assert set(facts_form.FIELDSETS) == {k for k in facts_form.Facts.model_fields if k not in facts_form.SKIPPED}


def test_facts_errors_are_shown_next_to_their_field_in_french(client):
    response = client.get("/faits?commune=94076&motion=biometrie&verifier=1&f.cameras.count=beaucoup"
                          "&f.contracts.0.vendor=Briefcam&f.session.date=2026-13-45")
    page = text_of(response)
    cameras = re.search(r'<p class="erreur" id="f-cameras-count-erreur">(.*?)</p>', page, re.S).group(1)
    assert "nombre entier" in cameras
    assert 'id="f-cameras-count"' in page and 'aria-invalid="true"' in page
    assert "obligatoire" in re.search(r'id="f-contracts-0-object-erreur">(.*?)</p>', page, re.S).group(1)
    assert "AAAA-MM-JJ" in re.search(r'id="f-session-date-erreur">(.*?)</p>', page, re.S).group(1)
    cited = text_of(client.get("/faits?commune=94076&verifier=1&f.group.name=%5B%40cnil%5D"))  # checked once typed right
    assert "citations entre crochets" in re.search(r'id="f-group-name-erreur">(.*?)</p>', cited, re.S).group(1)
    assert "Valeur refusée" not in page  # every message of the check has its French sentence
    assert 'value="beaucoup"' in page  # what was typed is kept


def test_valid_facts_go_back_to_the_draft_and_change_the_text(client):
    response = client.get("/faits?commune=94076&motion=biometrie&verifier=1&f.cameras.count=42"
                          "&f.cameras.source=Rapport+annuel&f.cameras.date=2025-06-01&f.group.name=Villejuif+en+commun")
    args = _redirect_args(response)
    assert args["f.cameras.count"] == "42"
    page = text_of(client.get(response.headers["Location"]))
    assert "caméras" in re.search(r"Faits renseignés : (.*?)</p>", page).group(1) and "Villejuif en commun" in page


def test_unsourced_facts_are_warned_as_the_cli_does(client):
    page = text_of(client.get("/faits?commune=94076&motion=biometrie&verifier=1&rester=1&f.cameras.count=42"))
    assert "Les faits sont valides" in page and "Donnez la source et la date" in page


def test_the_form_round_trips_its_data():
    data = {"cameras": {"count": "12", "source": "x"}, "csu": {"exists": False},
            "contracts": [{"vendor": "A", "object": "B", "covers": ["vsa", "video"]}],
            "group": {"name": "G", "members": ["Une", "Deux"]}}
    from werkzeug.datastructures import MultiDict

    assert facts_form.data_from_form(MultiDict(facts_form.flatten(data))) == data


# --------------------------------------------------------------------------- downloads


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, text_of(response)[:500]
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def test_documents_download_in_each_format_with_their_content(client, tmp_path):
    import docx

    from tests.helpers import pdf_text

    query = "commune=94076&motion=biometrie&f.group.name=Villejuif+en+commun"
    texte = _download(client, f"/telecharger/texte.docx?{query}")
    assert "94076-villejuif-biometrie.docx" in texte.headers["Content-Disposition"]
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(texte.data)).paragraphs)
    assert "Villejuif" in body and "Considérant que" in body
    dossier = _download(client, f"/telecharger/dossier.docx?{query}")
    assert "dossier" in dossier.headers["Content-Disposition"]
    odt = zipfile.ZipFile(io.BytesIO(_download(client, f"/telecharger/texte.odt?{query}").data))
    assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    assert "Villejuif" in odt.read("content.xml").decode()
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(_download(client, f"/telecharger/texte.pdf?{query}").data)
    assert "Villejuif" in pdf_text(pdf)


def test_a_server_started_with_typst_makes_its_pdfs_and_flyers_with_typst(shipped_lib, tmp_path):
    """``motions serve --pdf-engine typst``: the downloads are Typst's PDFs
    (its producer string), with the motion's text and the flyer's."""
    from motions.resources import Resources
    from tests.helpers import pdf_text

    client = create_app(Resources(shipped_lib), read_only=True, secret_key="test", pdf_engine="typst").test_client()
    query = "commune=94076&motion=biometrie&f.group.name=Villejuif+en+commun"
    for url, words in ((f"/telecharger/texte.pdf?{query}", ("Villejuif", "Considérant")),
                       (f"/telecharger/dossier.pdf?{query}", ("Villejuif",)),
                       (f"/tract/a5.pdf?{query}", ("Villejuif",))):
        data = _download(client, url).data
        assert data[:5] == b"%PDF-" and b"Typst" in data, url
        pdf = tmp_path / "t.pdf"
        pdf.write_bytes(data)
        text = pdf_text(pdf)
        assert all(w in text for w in words), (url, text[:300])


def test_a_render_is_cached_by_its_inputs(app, client):
    cache = app.extensions["motions"].cache
    query = "commune=94076&motion=biometrie&f.session.date=2027-01-15"
    _download(client, f"/telecharger/texte.docx?{query}")
    renders, hits = cache.renders, cache.hits
    _download(client, f"/telecharger/texte.docx?{query}")
    assert (cache.renders, cache.hits) == (renders, hits + 1)
    _download(client, f"/telecharger/dossier.docx?{query}")  # the dossier is its own file
    assert cache.renders == renders + 1
    renders = cache.renders
    _download(client, f"/telecharger/texte.docx?{query}&f.group.name=Autre")
    assert cache.renders == renders + 1


def test_flyer_downloads(client, tmp_path):
    from tests.helpers import pdf_text

    out = tmp_path / "tract.pdf"
    response = _download(client, "/tract/a5.pdf?commune=94076&motion=biometrie")
    out.write_bytes(response.data)
    assert "flyer-a5" in response.headers["Content-Disposition"] and "Villejuif" in pdf_text(out)
    assert client.get("/tract/a3.pdf?commune=94076").status_code == 404


def test_the_kit_downloads_as_one_zip(client):
    """The draft page offers the whole campaign kit; the zip holds the index,
    the calendar and each document in PDF and DOCX, for this commune."""
    import io
    import zipfile

    assert 'id="kit-zip"' in text_of(client.get(VILLEJUIF))
    response = _download(client, "/kit.zip?commune=94076&motion=biometrie")
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert all(n.startswith("94076-villejuif-kit/") for n in names)
    assert any(n.endswith(".ics") for n in names) and any(n.endswith("index.pdf") for n in names)
    assert any("crpa-mairie" in n and n.endswith(".docx") for n in names)


def test_a_draft_saved_as_json_opens_again(app, client):
    draft = Draft("94076", "vsa", ("cnil-surveillance-de-tous",), {"cameras": {"count": "3"}})
    with app.app_context():  # the draft's commune comes from the application's index
        assert from_json(to_json(draft).encode()) == draft
    saved = _download(client, "/projet.json?commune=94076&motion=vsa&arguments=cnil-surveillance-de-tous"
                              "&f.cameras.count=3")
    token = csrf_token(client, "/projet/ouvrir")
    response = client.post("/projet/ouvrir", data={"csrf_token": token,
                                                   "fichier": (io.BytesIO(saved.data), "projet.json")})
    args = _redirect_args(response)
    assert args == {"commune": "94076", "motion": "vsa", "arguments": "cnil-surveillance-de-tous",
                    "f.cameras.count": "3"}
    bad = client.post("/projet/ouvrir", data={"csrf_token": token, "fichier": (io.BytesIO(b"{}"), "x.json")})
    assert bad.status_code == 400 and "pas un projet enregistré" in text_of(bad)


# --------------------------------------------------------------------------- security


PAGES = ["/", "/commune?q=Saint-Denis", "/textes?commune=94076", VILLEJUIF, "/faits?commune=94076",
         "/projet/ajouter?commune=94076", "/bibliotheque", "/bibliotheque/argument/visage-inalterable",
         "/bibliotheque/nouveau", "/bibliotheque/sources/importer", "/projet/ouvrir", "/nulle-part"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_a_strict_policy_and_no_inline_script_or_style(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = text_of(response)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert not re.search(r"\sstyle=", page) and "<style" not in page, "inline style"
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", response.get_data(as_text=True)), "event handler attribute"
    assert '<html lang="fr">' in page


def test_posts_without_their_csrf_token_are_refused(client):
    response = client.post("/bibliotheque/nouveau", data={"id": "x"})
    assert response.status_code == 400 and "expiré" in text_of(response)
    assert client.post("/projet/ouvrir", data={}).status_code == 400


def test_no_request_path_reaches_the_file_system(client):
    for url in ("/telecharger/..%2F..%2Fetc%2Fpasswd.pdf", "/telecharger/texte.exe?commune=94076",
                "/bibliotheque/argument/..%2F..%2Fpyproject", "/static/..%2F..%2Fapp.py"):
        assert client.get(url).status_code == 404, url


def test_an_unexpected_error_shows_a_reference_not_a_traceback(app, client, monkeypatch, caplog):
    from motions.web import views

    def boom(*a, **k):
        raise RuntimeError("secret detail")
    monkeypatch.setattr(views, "compose_view", boom)
    response = client.get(VILLEJUIF)
    page = text_of(response)
    assert response.status_code == 500 and "Erreur inattendue" in page
    reference = re.search(r"Référence : <code>([0-9a-f]{10})</code>", page).group(1)
    assert "secret detail" not in page and "Traceback" not in page
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)


def test_health(client, shipped_lib):
    data = client.get("/sante").get_json()
    assert data["status"] == "ok" and data["library"] == shipped_lib.version


def test_resources_memo_builds_once_across_threads(shipped_lib):
    from motions.resources import Resources

    resources = Resources(shipped_lib)
    calls = []

    def build():
        calls.append(1)
        time.sleep(0.05)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(resources.memo("k", build))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1
    import pickle

    assert pickle.loads(pickle.dumps(resources)).memo("k", lambda: 2) == 2  # the lock is rebuilt


# --------------------------------------------------------------------------- hosted mode


@pytest.fixture(scope="module")
def hosted(shipped_lib):
    from motions.resources import Resources

    app = create_app(Resources(shipped_lib), read_only=True, secret_key="test")
    return app.test_client()


def test_hosted_mode_refuses_every_edit(hosted):
    for url in ("/bibliotheque/nouveau", "/bibliotheque/argument/visage-inalterable/modifier",
                "/bibliotheque/sources/importer"):
        assert hosted.get(url).status_code == 403
        assert hosted.post(url, data={}).status_code in (400, 403)
    page = text_of(hosted.get("/bibliotheque"))
    assert "ne se modifie pas" in page and "/bibliotheque/nouveau" not in page
    assert "Modifier cet argument" not in text_of(hosted.get("/bibliotheque/argument/visage-inalterable"))


def test_hosted_mode_bounds_uploads(hosted):
    token = csrf_token(hosted, "/projet/ouvrir")
    response = hosted.post("/projet/ouvrir", data={"csrf_token": token,
                                                   "fichier": (io.BytesIO(b"x" * 200_000), "p.json")})
    assert response.status_code == 413 and "dépasse" in text_of(response)


# --------------------------------------------------------------------------- the library


NEW_ARGUMENT = {
    "id": "exemple-web", "kind": "argument", "title": "Un argument écrit dans le navigateur",
    "themes": "biometrie", "checked": "2026-11-01",
    "short": "Le RGPD interdit par principe de traiter des données biométriques [@rgpd, art. 9].",
    "considerant": "Le règlement interdit par principe le traitement de données biométriques [@rgpd, art. 9] ;",
    "paragraph": " ".join(["Le règlement général sur la protection des données range les données biométriques "
                             "parmi les catégories particulières de données, dont le traitement est interdit par "
                             "principe, sauf exceptions limitativement énumérées [@rgpd, art. 9]."] * 3),
}


def test_library_pages_show_every_form_and_its_sources(client, shipped_lib):
    page = text_of(client.get("/bibliotheque/argument/visage-inalterable"))
    entry = shipped_lib.arguments["visage-inalterable"]
    assert french(entry.argument.title) in page
    for label in ("Forme courte (tract)", "Considérant (texte voté)", "Paragraphe (exposé des motifs)"):
        assert label in page
    assert 'id="source-1"' in page and 'href="#source-1"' in page
    listing = text_of(client.get("/bibliotheque?theme=biometrie&recherche=visage"))
    assert "/bibliotheque/argument/visage-inalterable" in listing


def test_an_argument_with_a_schema_error_is_not_saved_and_the_error_is_next_to_its_field(app, client):
    if "rgpd" not in app.extensions["motions"].resources.library.sources:
        pytest.skip("the shipped library has no source 'rgpd'")
    token = csrf_token(client, "/bibliotheque/nouveau")
    response = client.post("/bibliotheque/nouveau", data=dict(NEW_ARGUMENT, csrf_token=token))
    page = text_of(response)
    assert response.status_code == 422
    assert "commencer par « Considérant que »" in re.search(r'id="a-considerant-erreur">(.*?)</p>', page, re.S).group(1)
    edit_dir = app.extensions["motions"].edit_dir
    assert not list(edit_dir.rglob("exemple-web.yaml"))
    fixed = dict(NEW_ARGUMENT, csrf_token=token, considerant="Considérant que " + NEW_ARGUMENT["considerant"][0].lower()
                 + NEW_ARGUMENT["considerant"][1:])
    response = client.post("/bibliotheque/nouveau", data=fixed)
    assert response.status_code == 303, text_of(response)[-1500:]
    saved = edit_dir / "arguments" / "biometrie" / "exemple-web.yaml"
    assert saved.is_file() and "Considérant que le règlement" in saved.read_text()
    assert "Un argument écrit dans le navigateur" in text_of(client.get("/bibliotheque/argument/exemple-web"))


def test_a_zotero_export_is_imported_into_the_users_library(app, client):
    token = csrf_token(client, "/bibliotheque/sources/importer")
    export = (b'[{"id": "dupont-2024", "type": "report", "title": "Rapport sur les cam\xc3\xa9ras", '
              b'"issued": {"date-parts": [[2024, 3, 1]]}, "publisher": "Observatoire"}]')
    response = client.post("/bibliotheque/sources/importer",
                           data={"csrf_token": token, "fichier": (io.BytesIO(export), "zotero.json")})
    page = text_of(response)
    assert response.status_code == 200 and "Import terminé" in page and "[@dupont-2024]" in page
    target = app.extensions["motions"].edit_dir / "arguments" / "sources" / "imported.yaml"
    assert "dupont-2024" in target.read_text()
    assert "dupont-2024" in app.extensions["motions"].resources.library.sources
    wrong = client.post("/bibliotheque/sources/importer",
                        data={"csrf_token": token, "fichier": (io.BytesIO(b"x"), "notes.txt")})
    assert wrong.status_code == 422


def test_the_edit_folder_is_never_inside_the_package(app):
    from motions.scaffold import _installed_dirs

    edit_dir = Path(app.extensions["motions"].edit_dir).resolve()
    assert not any(d == edit_dir or d in edit_dir.parents for d in _installed_dirs())
