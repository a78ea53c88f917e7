"""The catalogue of motions on the test panel of communes.

Every template composes for every commune of the panel, with and without local
facts, into clean text (no blank left by a missing fact, no "None", no markup);
it names the commune, its intercommunality and its préfet with the right French
forms, and leaves out cleanly what does not apply (no EPCI, an arrondissement,
a COM). A subset is rendered to DOCX and PDF and read back with python-docx and
pdftotext. The library is tests/roots/catalogue: the shipped templates, a
handful of arguments and the sources they and the templates cite.
"""

from __future__ import annotations

import re

import docx
import pytest

from motions.communes import lookup
from motions.compose import Options, compose
from motions.document import plain_text
from motions.errors import UnsupportedCommune
from motions.facts import Facts, load_facts
from motions.generate import render_motion

from conftest import ROOTS, body_text, norm, pdf_text

TEMPLATES = ("biometrie", "vsa", "controle-citoyen", "capteurs-sonores", "ville-numerique")
NEW = ("vsa", "controle-citoyen", "capteurs-sonores", "ville-numerique")
PANEL = ("Villejuif", "Le Mans", "Les Lilas", "L'Haÿ-les-Roses", "La Rochelle (17)", "Amiens", "Marseille (13)",
         "Marseille 1er", "insee:97411", "97502", "85113", "Strasbourg")
FACTS = ROOTS / "catalogue" / "facts-villejuif.yaml"


@pytest.fixture(scope="module")
def lib():
    from motions.library import load_library

    return load_library(ROOTS / "catalogue", with_cwd=False)


@pytest.fixture(scope="module")
def full_facts():
    return load_facts(FACTS)


def doc_for(lib, query, motion, facts=None, **opts):
    commune = lookup(query)
    opts.setdefault("allow_overseas", commune.zone == "com")
    return compose(lib, commune, lib.motion(motion), facts or Facts(), Options(**opts)).document


def plain(text: str) -> str:
    """Non-breaking spaces as plain ones, so expectations read as typed."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def everything(doc) -> str:
    return plain("\n".join([doc.title, *doc.subtitle] + [p.text for _, p in doc.iter_paragraphs()]))


def articles(doc, kind) -> list[str]:
    return [plain(a.body[0].text) for d in doc.dispositifs if d.kind == kind for a in d.articles]


# --------------------------------------------------------------------------- the catalogue


def test_list_shows_the_five_templates_with_their_kind(lib):
    from click.testing import CliRunner

    from motions.cli import cli

    out = CliRunner().invoke(cli, ["--library", str(ROOTS / "catalogue"), "list"]).output
    for mid in TEMPLATES:
        assert re.search(rf"^{mid}\s+mixte\s+\S", out, re.M), out
    for mid in NEW:
        meta = lib.motion(mid).meta
        assert meta.description in out and "\n" not in meta.description
        assert meta.annex_sources is False and meta.law_checked.isoformat() == "2026-11-22"


def test_every_cited_key_is_in_the_shipped_bibliography():
    """Templates cite only sources of arguments/sources (checked against the real files)."""
    from motions.library import shipped_root

    keys = set()
    for path in (shipped_root() / "arguments" / "sources").glob("*.yaml"):
        keys |= set(re.findall(r"(?m)^- id: (\S+)", path.read_text(encoding="utf-8")))
    for mid in NEW:
        text = (shipped_root() / "templates" / "motions" / f"{mid}.md.j2").read_text(encoding="utf-8")
        cited = set(re.findall(r"@([a-z0-9][a-z0-9-]*)", text))
        assert cited and cited <= keys, (mid, cited - keys)


# --------------------------------------------------------------------------- the panel


_DIRT = re.compile(r"None|\{\{|\{%|\[@|\s[,.;:]\S|\(\s*\)|\s{2,}| ,|,,|\.\.(?!\.)| \.$")


@pytest.mark.parametrize("motion", TEMPLATES)
@pytest.mark.parametrize("query", PANEL)
def test_composes_clean_text_for_the_panel(lib, full_facts, query, motion):
    commune = lookup(query)
    for facts in (Facts(), full_facts):
        doc = doc_for(lib, query, motion, facts)
        for line in everything(doc).split("\n"):
            assert not _DIRT.search(line), (query, motion, line)
        assert "État du droit vérifié au 22 novembre 2026" in doc.subtitle
        assert commune.a.replace("'", "’") in doc.title or commune.de.replace("'", "’") in doc.title
        assert doc.visas and all(v.text.startswith("Vu ") and plain(v.text).endswith(" ;") for v in doc.visas)
        assert all(c.text.startswith("Considérant") and plain(c.text).endswith(" ;") for c in doc.considerants)
        assert doc.notes and not doc.sources  # the annex is optional (--annex)
        labels = [a.label for d in doc.dispositifs for a in d.articles]
        assert labels[0] == "Article 1er" and labels == [f"Article {i}" if i > 1 else "Article 1er"
                                                        for i in range(1, len(labels) + 1)]
        for text in articles(doc, "voeu"):
            assert text.startswith("Que "), text


@pytest.mark.parametrize("motion", NEW)
def test_villejuif_names_its_ept_metropole_and_prefet(lib, motion):
    doc = doc_for(lib, "Villejuif", motion)
    voeu = " ".join(articles(doc, "voeu"))
    assert "conseil de territoire de l’établissement public territorial Grand-Orly Seine Bièvre" in voeu
    assert "conseil de la Métropole du Grand Paris" in voeu
    assert "préfet du Val-de-Marne" in " ".join(articles(doc, "deliberation"))
    assert doc.subtitle[0] == "Conseil municipal de Villejuif"


@pytest.mark.parametrize("motion", NEW)
@pytest.mark.parametrize("query, de, a, epci, prefet", [
    ("Le Mans", "du Mans", "au Mans", "conseil communautaire de la communauté urbaine Le Mans Métropole", "préfet de la Sarthe"),
    ("Les Lilas", "des Lilas", "aux Lilas", "Est Ensemble", "préfet de la Seine-Saint-Denis"),
    ("L'Haÿ-les-Roses", "de L’Haÿ-les-Roses", "à L’Haÿ-les-Roses", "Grand-Orly Seine Bièvre", "préfet du Val-de-Marne"),
    ("La Rochelle (17)", "de La Rochelle", "à La Rochelle", "communauté d’agglomération de La Rochelle", "préfet de la Charente-Maritime"),
    ("Amiens", "d’Amiens", "à Amiens", "communauté d’agglomération Amiens Métropole", "préfet de la Somme"),
    ("Marseille (13)", "de Marseille", "à Marseille", "conseil de la Métropole d’Aix-Marseille-Provence", "préfet des Bouches-du-Rhône"),
])
def test_name_forms_and_addressees(lib, motion, query, de, a, epci, prefet):
    doc = doc_for(lib, query, motion)
    assert a in doc.title or de in doc.title
    assert plain(doc.subtitle[0]).endswith(de) and plain(doc.running_head).endswith(de)
    assert epci in " ".join(articles(doc, "voeu"))
    assert prefet in " ".join(articles(doc, "deliberation"))
    signature = plain(" ".join(p.text for p in doc.signature))
    assert signature.startswith(f"Fait {a}.")


@pytest.mark.parametrize("motion", NEW)
def test_no_epci_leaves_the_intercommunal_clauses_out(lib, motion):
    commune = lookup("85113")
    assert commune.epci is None and commune.ept is None
    doc = doc_for(lib, "85113", motion)
    text = everything(doc)
    for absent in ("conseil communautaire", "conseil de territoire", "Métropole", "métropole"):
        assert absent not in text.replace("Saint-Étienne Métropole", ""), absent
    assert "auprès  " not in text and "auprès et" not in text
    assert "préfet de la Vendée" in " ".join(articles(doc, "deliberation"))
    if motion == "ville-numerique":  # its vœu addresses only the intercommunality
        assert doc.kind == "deliberation" and [d.kind for d in doc.dispositifs] == ["deliberation"]


@pytest.mark.parametrize("motion", NEW)
def test_arrondissement_gets_a_voeu_to_its_city_council(lib, motion):
    doc = doc_for(lib, "Marseille 1er", motion)
    assert doc.kind == "voeu" and [d.kind for d in doc.dispositifs] == ["voeu"]
    voeu = articles(doc, "voeu")
    assert voeu[0].startswith("Que le conseil municipal de Marseille ")
    assert "Métropole d’Aix-Marseille-Provence" in " ".join(voeu)
    assert any("conseil d’arrondissement" in p.text for p in doc.notices)
    assert doc.subtitle[0] == "Conseil d’arrondissement du 1er arrondissement de Marseille"


@pytest.mark.parametrize("motion", NEW)
def test_com_is_refused_without_allow_overseas(lib, motion):
    commune = lookup("97502")
    with pytest.raises(UnsupportedCommune, match="--allow-overseas"):
        compose(lib, commune, lib.motion(motion), Facts(), Options())
    doc = doc_for(lib, "97502", motion, allow_overseas=True)
    assert any("collectivité d’outre-mer" in p.text for p in doc.notices)
    assert not doc.procedure  # no procedure law stated where we have not checked it


@pytest.mark.parametrize("motion", NEW)
def test_drom_and_alsace_moselle(lib, motion):
    reunion = doc_for(lib, "insee:97411", motion)
    assert "préfet de La Réunion" in " ".join(articles(reunion, "deliberation"))
    assert not reunion.notices
    strasbourg = doc_for(lib, "Strasbourg", motion)
    assert any("Alsace-Moselle" in p.text for p in strasbourg.notices)
    assert "Eurométropole de Strasbourg" in " ".join(articles(strasbourg, "voeu"))
    assert "préfet du Bas-Rhin" in " ".join(articles(strasbourg, "deliberation"))


def test_paris_addresses_the_prefet_de_police(lib):
    doc = doc_for(lib, "Paris", "vsa")
    assert "préfet de police" in " ".join(articles(doc, "voeu"))
    assert "préfet de Paris" not in everything(doc)


# --------------------------------------------------------------------------- facts change the text


#: template -> the facts that must change its text where they are given
RELEVANT = {
    "vsa": ("session", "group", "mayor_title", "cameras", "csu", "police_municipale", "contracts",
            "vsa_software", "drones"),
    "controle-citoyen": ("session", "group", "mayor_title", "cameras", "csu", "police_municipale", "contracts",
                         "vsa_software", "sound_sensors", "drones", "prefectoral_authorisations", "vendor_offer",
                         "projects", "smart_city_project"),
    "capteurs-sonores": ("session", "group", "mayor_title", "sound_sensors", "csu", "contracts", "vendor_offer",
                         "projects"),
    "ville-numerique": ("session", "group", "mayor_title", "cameras", "contracts", "vsa_software",
                        "sound_sensors", "vendor_offer", "projects", "smart_city_project"),
}


@pytest.mark.parametrize("motion", NEW)
def test_each_relevant_fact_changes_the_text(lib, full_facts, motion):
    full = everything(doc_for(lib, "Villejuif", motion, full_facts))
    for name in RELEVANT[motion]:
        default = Facts.model_fields[name].get_default(call_default_factory=True)
        without = everything(doc_for(lib, "Villejuif", motion, full_facts.model_copy(update={name: default})))
        assert without != full, f"{motion}: the fact '{name}' changes nothing"


@pytest.mark.parametrize("motion", NEW)
def test_facts_appear_with_their_values(lib, full_facts, motion):
    text = everything(doc_for(lib, "Villejuif", motion, full_facts))
    assert "La maire est chargée de l’exécution" in text
    assert "Fait à Villejuif, le 14 mars 2026." in text and "Pour Villejuif en commun" in text
    assert "séance du 14 mars 2026" in text
    expected = {
        "vsa": ["212 caméras", "Analyse Vidéo Pro", "2 drones", "Vidéo Analyse SA (marché n° 2024-17)",
                "Vidéo Analyse SA : 31 décembre 2027", "sa police municipale"],
        "controle-citoyen": ["4 systèmes autorisés", "arrêté préfectoral du 2 avril 2024", "48 agents",
                             "« Villejuif 2030 »", "faite par Écoute Urbaine (dix capteurs sonores supplémentaires",
                             "les 6 capteurs sonores"],
        "capteurs-sonores": ["6 capteurs sonores sur la place du marché",
                             "décline en conséquence la proposition faite par Écoute Urbaine",
                             "s’est vu proposer dix capteurs sonores supplémentaires en prêt gratuit pendant un an par Écoute Urbaine",
                             "« Écoute des nuisances »", "celui conclu avec Écoute Urbaine"],
        "ville-numerique": ["« Villejuif 2030 »", "Données Urbaines SAS", "212 caméras", "« Quartiers connectés »"],
    }[motion]
    for fragment in expected:
        assert fragment in text, (motion, fragment)


def test_topics_keep_contracts_where_they_belong(lib, full_facts):
    sound = everything(doc_for(lib, "Villejuif", "capteurs-sonores", full_facts))
    assert "Citéo Maintenance" not in sound and "Vidéo Analyse SA" not in sound
    vsa = everything(doc_for(lib, "Villejuif", "vsa", full_facts))
    assert "Écoute Urbaine" not in vsa  # the offer and the contract are about sound


def test_known_absence_is_said_and_its_clauses_left_out(lib):
    facts = Facts.model_validate({"sound_sensors": {"exists": False, "source": "réponse du maire"}})
    doc = doc_for(lib, "Villejuif", "capteurs-sonores", facts)
    text = everything(doc)
    assert "n’a installé aucun capteur sonore" in text and "(source : réponse du maire)" in text
    assert "mis hors service" not in text and "Les contrats relatifs" not in text
    assert not facts.known("sound_sensors")
    csu_absent = Facts.model_validate({"csu": {"exists": False}})
    assert "supervision" not in " ".join(articles(doc_for(lib, "Villejuif", "vsa", csu_absent), "deliberation"))


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("query, motion", [
    ("Marseille 1er", "vsa"), ("97502", "controle-citoyen"), ("85113", "capteurs-sonores"),
    ("Strasbourg", "ville-numerique"),
])
def test_renders_docx_and_pdf(lib, tmp_path, query, motion):
    commune = lookup(query)
    result = render_motion(lib, commune, motion, options=Options(allow_overseas=commune.zone == "com"),
                           formats=("docx", "pdf"), out_dir=tmp_path)
    doc = result.composition.document
    d = docx.Document(str(result.paths[0]))
    paras = [p.text for p in d.paragraphs]
    assert doc.title in paras
    body = norm("\n".join(paras))
    pdf = norm(body_text(pdf_text(result.paths[1]), doc.running_head))
    texts = [p for p in (*doc.notices, *doc.considerants)]
    texts += [a.body[0] for d in doc.dispositifs for a in d.articles]
    for p in texts:  # with the note calls, which both outputs print as numbers
        expected = norm(plain_text(p.inlines, with_notes=True))
        assert expected in body and expected in pdf, p.text[:80]
