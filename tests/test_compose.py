"""compose() on the test panel of communes: the model, before any writer."""


import pytest

from motions.communes import lookup
from motions.compose import Options, compose
from motions.errors import UnsupportedCommune
from motions.facts import Facts


def doc_for(lib, query, facts=None, **opts):
    return compose(lib, lookup(query), lib.motion("biometrie"), facts or Facts(), Options(**opts)).document


def all_text(doc):
    return "\n".join(p.text for _, p in doc.iter_paragraphs()) + "\n" + doc.title + "\n" + "\n".join(doc.subtitle)


def article_texts(doc, kind):
    return [a.body[0].text for d in doc.dispositifs if d.kind == kind for a in d.articles]


def test_villejuif_names_ept_and_metropole(small_lib):
    doc = doc_for(small_lib, "Villejuif")
    text = all_text(doc)
    assert "de Villejuif" in text and "à Villejuif" in doc.title
    voeu = " ".join(article_texts(doc, "voeu"))
    assert "Grand-Orly Seine Bièvre" in voeu
    assert "Métropole du Grand Paris" in voeu
    assert "préfet du Val-de-Marne" in voeu
    assert [d.kind for d in doc.dispositifs] == ["deliberation", "voeu"]
    labels = [a.label for d in doc.dispositifs for a in d.articles]
    assert labels[0] == "Article 1er" and labels[1] == "Article 2"
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize("query, de_form, a_form", [
    ("Le Mans", "du Mans", "au Mans"),
    ("Les Lilas", "des Lilas", "aux Lilas"),
    ("L'Haÿ-les-Roses", "de L’Haÿ-les-Roses", "à L’Haÿ-les-Roses"),
    ("La Rochelle (17)", "de La Rochelle", "à La Rochelle"),
    ("Amiens", "d’Amiens", "à Amiens"),
])
def test_name_forms(small_lib, query, de_form, a_form):
    doc = doc_for(small_lib, query)
    assert a_form in doc.title
    assert de_form in doc.subtitle[0]
    assert de_form in doc.running_head


def test_le_mans_names_its_communaute_urbaine(small_lib):
    doc = doc_for(small_lib, "Le Mans")
    voeu = " ".join(article_texts(doc, "voeu"))
    assert "communauté urbaine Le Mans Métropole" in voeu
    assert "préfet de la Sarthe" in voeu
    assert "métropole" not in voeu.replace("Le Mans Métropole", "").lower().replace("Mans Métropole", "")


def test_commune_without_epci_leaves_the_clause_out(small_lib):
    from motions.communes import all_communes

    lonely = next(c for c in all_communes() if c.epci is None and c.zone == "metro")
    doc = compose(small_lib, lonely, small_lib.motion("biometrie")).document
    voeu = article_texts(doc, "voeu")
    assert len(voeu) == 1 and voeu[0].startswith("Que l’État")
    assert "communautaire" not in all_text(doc)
    assert "auprès de l’État" in all_text(doc)


def test_marseille_and_an_arrondissement(small_lib):
    doc = doc_for(small_lib, "Marseille (13)")
    assert "Métropole d’Aix-Marseille-Provence" in " ".join(article_texts(doc, "voeu"))
    arr = doc_for(small_lib, "Marseille 1er")
    assert arr.kind == "voeu"
    assert not article_texts(arr, "deliberation")
    assert any("conseil d’arrondissement" in n.text for n in arr.notices)
    assert arr.preamble == "Le conseil d’arrondissement,"


def test_drom_commune_follows_the_cgct(small_lib):
    doc = doc_for(small_lib, "insee:97411")
    assert doc.notices == ()
    assert "de La Réunion" in " ".join(article_texts(doc, "voeu"))


def test_com_commune_is_refused_unless_allowed(small_lib):
    with pytest.raises(UnsupportedCommune, match="overseas collectivity"):
        doc_for(small_lib, "97502")
    doc = doc_for(small_lib, "97502", allow_overseas=True)
    assert any("collectivité d’outre-mer" in n.text for n in doc.notices)


def test_alsace_moselle_is_flagged(small_lib):
    doc = doc_for(small_lib, "Strasbourg")
    assert any("Alsace-Moselle" in n.text for n in doc.notices)


def test_facts_change_the_text(small_lib):
    facts = Facts.model_validate({
        "mayor_title": "la maire",
        "session": {"date": "2026-03-14"},
        "group": {"name": "Villejuif en commun", "members": ["Ada Lovelace", "Louise Michel"]},
        "cameras": {"count": 212, "source": "Rapport d'orientation budgétaire 2025", "date": "2025-11-01"},
        "csu": {"name": "centre de supervision urbain"},
    })
    doc = doc_for(small_lib, "Villejuif", facts)
    text = all_text(doc)
    assert "212 caméras" in text.replace("\u202f", " ")
    assert "La maire est chargée" in text
    assert "séance du 14 mars 2026" in " ".join(doc.subtitle)
    assert "Louise Michel" in text
    ids = {d.argument_id for d in compose(small_lib, lookup("Villejuif"), small_lib.motion("biometrie"), facts).decisions if d.included}
    assert "csu-local" in ids


def test_missing_facts_leave_clean_text(small_lib):
    doc = doc_for(small_lib, "Villejuif")
    text = all_text(doc)
    for bad in ("None", "  ", " ,", "()", "{{", "}}"):
        assert bad not in text, bad
    excluded = {d.argument_id: d.reason for d in compose(small_lib, lookup("Villejuif"), small_lib.motion("biometrie")).decisions if not d.included}
    assert "csu" in excluded["csu-local"]


def test_citations_become_numbered_notes(small_lib):
    doc = doc_for(small_lib, "Villejuif", annex_sources=True)
    assert [n.number for n in doc.notes] == list(range(1, len(doc.notes) + 1))
    notes = {n.number: n.body.text for n in doc.notes}
    assert any("CE, 4 avril 2025" in t and "472245" in t for t in notes.values())
    assert any(t.startswith("CNIL") and "p.\u00a03" in t for t in notes.values())
    assert doc.sources, "the annex lists the cited sources"


def test_every_text_has_french_typography(small_lib):
    doc = doc_for(small_lib, "Villejuif")
    for role, p in doc.iter_paragraphs():
        assert "'" not in p.text, (role, p.text)
        assert " ;" not in p.text and " :" not in p.text, (role, p.text)


def test_considerants_begin_properly(small_lib):
    doc = doc_for(small_lib, "Villejuif")
    assert doc.considerants and all(p.text.startswith("Considérant") for p in doc.considerants)
    assert all(p.text.startswith("Vu ") for p in doc.visas)


@pytest.mark.parametrize("query, expects, absent", [
    ("Villejuif", ["note explicative de synthèse", "règlement intérieur", "49 membres"], []),
    ("Les Lilas", ["note explicative de synthèse", "règlement intérieur"], []),
])
def test_procedure_follows_population(small_lib, query, expects, absent):
    doc = doc_for(small_lib, query)
    text = " ".join(p.text for p in doc.procedure)
    for e in expects:
        assert e in text, e


def test_small_communes_procedure(small_lib):
    from motions.communes import all_communes

    tiny = next(c for c in all_communes() if 100 <= c.population < 500 and c.zone == "metro" and c.departement.code not in ("57", "67", "68"))
    doc = compose(small_lib, tiny, small_lib.motion("biometrie")).document
    text = " ".join(p.text for p in doc.procedure)
    assert "trois jours francs" in text and "note explicative" in text and "n’est exigée" in text
    assert "règlement intérieur" not in text
    assert "11 membres" in text
    mid = next(c for c in all_communes() if 1000 <= c.population < 3500 and c.zone == "metro" and c.departement.code not in ("57", "67", "68"))
    text = " ".join(p.text for p in compose(small_lib, mid, small_lib.motion("biometrie")).document.procedure)
    assert "trois jours francs" in text and "règlement intérieur" in text


def test_local_law_communes_state_no_threshold_rules(small_lib):
    for query in ("Strasbourg", "Marseille 1er"):
        assert doc_for(small_lib, query).procedure == ()


def test_annex_of_sources_is_optional(small_lib):
    assert doc_for(small_lib, "Villejuif").sources == ()
    with_annex = doc_for(small_lib, "Villejuif", annex_sources=True)
    keys = [s.key for s in with_annex.sources]
    assert len(keys) == len(set(keys)) == len({t for t in keys})
    assert all(n.body.text for n in with_annex.notes)
