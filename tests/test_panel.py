"""The panel of issue 12: one commune of every regime, every shipped motion.

Checked on the model (sections, articles with their lever and addressee,
citation keys, the selection), not only on strings: the regime facts a lawyer
checks first (the council, the basis of a vœu, who receives the act, who
authorises cameras, the bodies asked), and the absence of what must never be
there (another commune's local argument, a text that does not apply in this
territory, a vœu to a body the commune does not have).
"""

from __future__ import annotations

import pytest

from motions import typography
from motions.communes import lookup
from motions.compose.select import is_here
from motions.document import Cite, Note, Paragraph, block_inlines, plain_text
from motions.errors import UnsupportedCommune

from helpers import compose_for


def norm(text: str) -> str:
    """One space for any run of spaces (non-breaking ones included)."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())

#: Every shipped motion template.
MOTIONS = ["biometrie", "vsa", "capteurs-sonores", "controle-citoyen", "ville-numerique"]

#: query -> options; one commune per regime of the issue's panel.
PANEL = {
    "Villejuif": {}, "Strasbourg": {}, "Metz": {}, "Paris": {}, "Paris Centre": {}, "Lyon 3e": {},
    "Villeurbanne": {}, "Marseille 13e": {}, "Ajaccio": {}, "Saint-Denis (974)": {}, "Mamoudzou": {},
    "Saint-Pierre (975)": {"allow_overseas": True}, "Saint-Denis (93)": {}, "Rochefourchat": {}, "Nice": {},
    "Saint-Étienne": {}, "Toulouse": {}, "Dijon": {},
}


def cite_keys(doc, role: str | None = None) -> set[str]:
    """Every source key cited in the document (or in paragraphs of one role)."""
    keys = set()
    for _section, block in doc.walk():
        if role is not None and getattr(block, "role", None) != role:
            continue
        for inlines in block_inlines(block):
            for node in inlines:
                if isinstance(node, Note):  # a resolved citation keeps its keys
                    keys.update(node.keys)
                elif isinstance(node, Cite):
                    keys.update(item.key for item in node.items)
    return keys


def addressees(doc) -> dict[str, str]:
    """addressee key -> the article's text, for the vœu articles."""
    out = {}
    for article in doc.articles():
        if article.addressee:
            out[article.addressee] = norm(" ".join(plain_text(p.inlines) for p in article.blocks
                                                   if isinstance(p, Paragraph)))
    return out


@pytest.fixture(scope="module")
def compositions(shipped_resources):
    cache = {}

    def get(query, motion="biometrie"):
        if (query, motion) not in cache:
            cache[query, motion] = compose_for(shipped_resources, query, motion, **PANEL.get(query, {}))
        return cache[query, motion]
    return get


# -- regime facts ----------------------------------------------------------------


def test_strasbourg_rests_on_local_law_not_l2121_29(compositions):
    comp = compositions("Strasbourg")
    visas = cite_keys(comp.motion, "visa")
    assert "cgct-l2541-1" in visas and "cgct-l2541-12" in visas
    assert not {"cgct-l2121-29", "cgct-l2212-1", "cgct-l2212-2"} & cite_keys(comp.motion)
    assert {"cgct-l2542-2", "cgct-l2542-3"} <= visas
    assert comp.regime.id == "alsace-moselle"


def test_metz_is_alsace_moselle_too(compositions):
    comp = compositions("Metz")
    assert comp.regime.id == "alsace-moselle"
    assert "cgct-l2121-29" not in cite_keys(comp.motion)
    assert any("transmise au préfet de la Moselle" in norm(plain_text(p.inlines)) for p in comp.motion.paragraphs())


def test_paris_names_the_prefet_de_police_and_the_right_act_recipient(compositions):
    comp = compositions("Paris")
    doc = comp.motion
    text = norm(" ".join(plain_text(p.inlines) for p in doc.paragraphs()))
    assert doc.running_head == "Ville de Paris"
    assert "Conseil de Paris de Paris" not in text and "préfet de Paris" not in text.replace(
        "préfet de la région d’Île-de-France, préfet de Paris", "")
    # councillors table vœux only: the council's decisions are asked of the maire de Paris
    first = doc.articles()[0]
    assert first.addressee == "mayor" and norm(plain_text(first.blocks[0].inlines)).startswith(
        "Que le maire de Paris soumette au Conseil de Paris")
    assert comp.regime.act_recipient.name == "le préfet de la région d'Île-de-France, préfet de Paris"
    asked = addressees(doc)
    assert asked["prefet"].startswith("Que le préfet de police")
    assert "mayor" not in asked or "autorité de police" not in asked["mayor"]
    assert "departement" not in asked  # the Ville de Paris is its own département


@pytest.mark.warns("Paris Centre is the sector")
def test_arrondissement_councils_only_wish(compositions):
    for query, council in [("Lyon 3e", "Conseil du 3e arrondissement de Lyon"),
                           ("Marseille 13e", "Conseil des 13e et 14e arrondissements de Marseille"),
                           ("Paris Centre", "Conseil d’arrondissement de Paris Centre")]:
        comp = compositions(query)
        doc = comp.motion
        assert comp.regime.can_deliberate is False
        assert all(a.lever == "ask" for a in doc.articles()), query
        assert "cgct-l2511-12" in cite_keys(doc, "visa"), query
        header = [norm(plain_text(p.inlines)) for p in doc.section("header").blocks if isinstance(p, Paragraph)]
        assert council in header, (query, header)
        signature = norm(" ".join(plain_text(p.inlines) for p in doc.section("signature").blocks))
        assert "arrondissement" in signature, query
        assert "cgct-l2121-29" not in cite_keys(doc)


def test_lyon_area_asks_the_metropole_and_sytral(compositions):
    for query in ("Villeurbanne", "Lyon 3e"):
        asked = addressees(compositions(query).motion)
        assert asked["metropole-lyon"].startswith("Que la Métropole de Lyon"), query
        assert asked["transport"].startswith("Que Sytral Mobilités"), query
        assert "epci" not in asked and "departement" not in asked, query


def test_corsica_asks_the_collectivite_de_corse(compositions):
    asked = addressees(compositions("Ajaccio").motion)
    assert asked["collectivite"].startswith("Que la Collectivité de Corse")
    assert "departement" not in asked and "region" not in asked


def test_overseas_regimes(compositions):
    mamoudzou = compositions("Mamoudzou")
    assert "Mayotte" in norm(" ".join(plain_text(p.inlines) for p in mamoudzou.motion.paragraphs()))
    spm = compositions("Saint-Pierre (975)")
    keys = cite_keys(spm.motion)
    assert not {"rgpd", "directive-2016-680", "ai-act"} & keys, keys
    assert not {"rgpd", "directive", "ai-act"} & spm.regime.features


def test_noumea_is_refused_with_a_sentence(shipped_resources):
    with pytest.raises(UnsupportedCommune, match="code des communes de la Nouvelle-Calédonie"):
        compose_for(shipped_resources, "Nouméa")


def test_a_village_gets_the_short_vow(compositions):
    small, city = compositions("Rochefourchat"), compositions("Dijon")
    assert small.regime.small and not city.regime.small
    assert len(small.motion.paragraphs("considerant")) < len(city.motion.paragraphs("considerant"))
    assert len(small.motion.articles()) < len(city.motion.articles())


def test_toulouse_asks_its_transport_authority(compositions):
    asked = addressees(compositions("Toulouse").motion)
    assert "transport" in asked and "Tisséo" in asked["transport"]


# -- never there --------------------------------------------------------------------


@pytest.mark.warns("Paris Centre is the sector")
@pytest.mark.parametrize("motion", MOTIONS)
def test_no_other_communes_story_and_no_foreign_law(compositions, shipped_resources, motion):
    lib = shipped_resources.library
    local = [e for e in lib.arguments.values() if e.argument.place is not None]
    for query in PANEL:
        comp, commune = compositions(query, motion), lookup(query)
        chosen = {e.argument.id for e in comp.selection.chosen}
        text = norm(" ".join(plain_text(p.inlines) for p in comp.motion.paragraphs()))
        for entry in local:
            if is_here(entry, commune):
                continue
            assert entry.argument.id not in chosen, (query, motion, entry.argument.id)
            for form in ("considerant", "paragraph"):
                opening = norm(typography.french(plain_text(entry.forms.get(form, ()))))[:80]
                assert not opening or opening not in text, (query, motion, entry.argument.id, form)
        for key in cite_keys(comp.motion):
            needed = (lib.sources[key].get("custom") or {}).get("requires")
            assert needed is None or needed in comp.regime.features, (query, motion, key)
        for article in comp.motion.articles():
            assert article.addressee is None or article.addressee in comp.regime.bodies \
                or article.addressee == "mayor", (query, motion, article.addressee)


def test_local_arguments_come_first_where_they_belong(compositions):
    nice = compositions("Nice")
    assert nice.selection.chosen[0].argument.id == "carnaval-nice-2019"
    etienne = compositions("Saint-Étienne", "capteurs-sonores")
    assert etienne.selection.chosen[0].argument.id == "saint-etienne-micros-2019"
    text = norm(" ".join(plain_text(p.inlines) for p in etienne.motion.paragraphs()))
    assert "la ville de Saint-Étienne" not in text.lower().replace("saint-étienne métropole", "")


@pytest.mark.parametrize("query", ["Villejuif", "Strasbourg", "Paris", "Lyon 3e", "Mamoudzou"])
def test_security_and_deterrence_are_answered_by_default(compositions, shipped_resources, query):
    comp = compositions(query)
    answered = {a for e in comp.selection.chosen for a in e.argument.answers}
    assert {"securite", "dissuasion"} <= answered or not comp.selection.unanswered
    assert not comp.selection.unanswered


# -- the motions rewritten by lever after biometrie ----------------------------------

BY_LEVER = ["controle-citoyen", "ville-numerique"]


def text_of(doc) -> str:
    return norm(" ".join(plain_text(p.inlines) for p in doc.paragraphs()))


@pytest.mark.warns("Paris Centre is the sector")
@pytest.mark.parametrize("motion", BY_LEVER)
def test_by_lever_regimes(compositions, motion):
    strasbourg = compositions("Strasbourg", motion)
    assert "cgct-l2121-29" not in cite_keys(strasbourg.motion)
    assert "mayor" in addressees(strasbourg.motion)  # the mayor heads the police locale there too
    paris = addressees(compositions("Paris", motion).motion)
    assert all("autorité de police" not in paris[k] for k in paris if k == "mayor")
    assert paris.get("prefet", "Que le préfet de police").startswith("Que le préfet de police")
    for query in ("Lyon 3e", "Marseille 13e", "Paris Centre"):
        doc = compositions(query, motion).motion
        assert all(a.lever == "ask" for a in doc.articles()), (query, motion)
        assert "conseil" in addressees(doc), (query, motion)
    assert "des 13e et 14e arrondissements de Marseille" in text_of(compositions("Marseille 13e", motion).motion)
    lyon = addressees(compositions("Lyon 3e", motion).motion)
    assert lyon["metropole-lyon"].startswith("Que la Métropole de Lyon") and "Sytral" in lyon["transport"]
    small, city = compositions("Rochefourchat", motion), compositions("Dijon", motion)
    assert len(small.motion.articles()) < len(city.motion.articles())
    assert "ccp-l6" in cite_keys(city.motion) and "ccp-l6" not in cite_keys(small.motion)
    assert {"cgct-l2122-22", "cgct-l2122-23"} <= cite_keys(city.motion)


@pytest.mark.warns("Paris Centre is the sector")
@pytest.mark.parametrize("motion", BY_LEVER)
def test_by_lever_answers_and_count(compositions, motion):
    for query in ("Villejuif", "Strasbourg", "Paris", "Lyon 3e", "Mamoudzou"):
        comp = compositions(query, motion)
        assert not comp.selection.unanswered, (query, motion)
        n = len(comp.motion.paragraphs("considerant"))
        assert 6 <= n <= 8, (query, motion, n)


@pytest.mark.warns("Paris Centre is the sector")
@pytest.mark.parametrize("motion", MOTIONS)
def test_san_francisco_never_without_its_2024_amendment(compositions, motion):
    for query in PANEL:
        keys = cite_keys(compositions(query, motion).motion)
        if "san-francisco-2019-ordinance" in keys:
            assert "sf-2024-prop-e" in keys, (query, motion)


def test_ville_numerique_quotes_the_cnil_foreword_not_a_blog(compositions):
    doc = compositions("Villejuif", "ville-numerique").motion
    text = text_of(doc)
    assert "laminer" not in text
    assert "déjà dépassés" in text and "falque-pierrotin-2017-avant-propos" in cite_keys(doc)


# -- the motions on algorithmic video-surveillance and on sound sensors, by lever -----

LEVER_MOTIONS = ["vsa", "capteurs-sonores"]


def asked_all(doc) -> dict[str, list[str]]:
    """addressee key -> the texts of every vœu article addressed to it."""
    out: dict[str, list[str]] = {}
    for article in doc.articles():
        if article.addressee:
            out.setdefault(article.addressee, []).append(norm(" ".join(
                plain_text(p.inlines) for p in article.blocks if isinstance(p, Paragraph))))
    return out


def voted_text(doc) -> str:
    return norm(" ".join(plain_text(b.inlines) for b in doc.section("text").blocks if isinstance(b, Paragraph))
                + " " + " ".join(plain_text(p.inlines) for a in doc.articles() for p in a.blocks))


@pytest.mark.warns("Paris Centre is the sector")
@pytest.mark.parametrize("motion", LEVER_MOTIONS)
def test_lever_motions_name_the_right_authority_in_each_regime(compositions, motion):
    for query in ("Lyon 3e", "Marseille 13e", "Paris Centre"):
        doc = compositions(query, motion).motion
        articles = doc.articles()
        assert all(a.lever == "ask" for a in articles), (query, motion)
        assert norm(plain_text(articles[0].blocks[0].inlines)).startswith("Au sens du présent vœu"), query
        assert {"conseil", "maire"} <= set(asked_all(doc)), (query, motion)
    paris = asked_all(compositions("Paris", motion).motion)
    assert all(t.startswith("Que le préfet de police") for t in paris["prefet"])
    assert not any("autorité de police" in t for t in paris.get("mayor", []))
    for query in ("Strasbourg", "Villejuif", "Ajaccio"):  # local law or common law: the mayor holds the police
        assert any("en sa qualité d’autorité de police" in t for t in asked_all(compositions(query, motion).motion)["mayor"]), query


@pytest.mark.parametrize("motion", LEVER_MOTIONS)
def test_lever_motions_define_their_scope_and_handle_contracts(compositions, motion):
    doc = compositions("Villejuif", motion).motion
    definition = norm(plain_text(doc.articles()[0].blocks[0].inlines))
    assert definition.startswith("Au sens de la présente délibération")
    assert "à des fins de surveillance, de détection ou d’alerte" in definition and "N’en relèvent pas" in definition
    outside = {"vsa": ["comptage", "visionnage", "plaques d’immatriculation"],
               "capteurs-sonores": ["sonomètres", "boucles d’induction magnétique", "interphones",
                                    "bornes d’appel d’urgence", "sonorisation"]}[motion]
    assert all(word in definition for word in outside), definition
    assert "ccp-l6" in cite_keys(doc)
    assert any("résiliation pour motif d’intérêt général" in t and "non-renouvellement" in t
               for t in asked_all(doc)["mayor"])


@pytest.mark.warns("Paris Centre is the sector")
@pytest.mark.parametrize("motion", LEVER_MOTIONS)
def test_lever_motions_hold_whatever_became_of_the_2030_law(compositions, motion):
    for query in ("Villejuif", "Paris", "Paris Centre", "Saint-Pierre (975)"):
        text = voted_text(compositions(query, motion).motion).lower()
        for uncertain in ("vérifi", "saisine", "déféré", "2027", "contrairement à l’idée", " nous "):
            assert uncertain not in text, (query, motion, uncertain)
    if motion == "vsa":
        asked = asked_all(compositions("Villejuif", motion).motion)
        assert "expérimentation prévue par la loi" in asked["prefet"][0]


@pytest.mark.parametrize("motion", LEVER_MOTIONS)
def test_lever_motions_count_and_answer(compositions, motion):
    for query in ("Villejuif", "Dijon", "Toulouse", "Strasbourg"):
        n = len(compositions(query, motion).motion.paragraphs("considerant"))
        assert 6 <= n <= 8, (query, motion, n)
    for query in ("Villejuif", "Paris", "Lyon 3e", "Mamoudzou", "Saint-Pierre (975)", "Rochefourchat"):
        comp = compositions(query, motion)
        answered = {a for e in comp.selection.chosen for a in e.argument.answers}
        assert {"securite", "dissuasion"} <= answered, (query, motion)
    small, city = compositions("Rochefourchat", motion), compositions("Dijon", motion)
    assert len(small.motion.paragraphs("considerant")) < len(city.motion.paragraphs("considerant"))
    assert len(small.motion.articles()) < len(city.motion.articles())


def test_nice_tells_its_own_school_cameras_story_and_saint_etienne_its_microphones(compositions):
    nice = compositions("Nice", "vsa")
    chosen = [e.argument.id for e in nice.selection.chosen]
    assert "nice-cameras-augmentees-ecoles-2025" in chosen
    assert "ce-2026-analyse-algorithmique-non-autorisee" not in chosen  # the same point, told by Nice itself
    assert "nice-cameras-augmentees-ecoles-2025" not in [e.argument.id for e in compositions("Dijon", "vsa").selection.chosen]
    etienne = compositions("Saint-Étienne", "capteurs-sonores")
    text = norm(" ".join(plain_text(p.inlines) for p in etienne.motion.paragraphs())).lower()
    assert "aucun micro n’a donc été installé" in text
    assert "micros installés" not in text and "capteurs installés dans le quartier" not in text
    ids = [e.argument.id for e in etienne.selection.chosen]
    assert "technopolice-experimentations-sonores" not in ids  # same point as the commune's own story
