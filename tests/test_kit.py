"""The campaign kit: recipients, legal references, computed numbers and dates,
the statements no document may make, and the calendar.

A panel of communes, one per size band and per regime: a village under 1,000
inhabitants, a commune of 1,000-3,499, one of 3,500-9,999, one of 10,000 and
more, Paris, a Paris arrondissement, a Marseille arrondissement, Alsace-Moselle
and a DROM. Documents are composed once per commune (no bytes) and read as the
plain text a user would paste into an e-mail.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import pytest

from motions import deadlines
from motions.communes import resolve
from motions.kit import KitOptions, KitRequest, compose_kit, ics_bytes, kit_zip, plan
from motions.regime import regime_for
from motions.writers.text import render_text

from helpers import invoke

SESSION = dt.date(2027, 3, 14)

#: name -> (query, size band or regime)
PANEL = {
    "village": "Belcastel (12)",  # 189 inhabitants: majority of members, request split in two
    "bourg": "Marcillac-Vallon",  # 1,711: one third, no PRADA
    "ville": "Saint-Flour",  # 6,391: note de synthèse, no PRADA
    "grande": "Villejuif",  # 60,183: PRADA, EPT, Île-de-France Mobilités
    "paris": "Paris",
    "paris-arr": "Paris 15e",
    "marseille-arr": "Marseille 13e",
    "alsace": "Strasbourg",
    "drom": "Cayenne",
}

_KITS: dict = {}


def kit_of(resources, name: str, **options):
    """The composed kit of a panel commune (cached per options), with each document's text."""
    key = (name, tuple(sorted(options.items())))
    if key not in _KITS:
        commune = resolve(PANEL.get(name, name)).commune
        fields = {k: (dict(v) if k in ("gender", "sent", "refused") else v) for k, v in options.items()}
        opts = KitOptions(date=fields.pop("date", SESSION), **fields)
        kit = compose_kit(KitRequest(commune, options=opts), resources)
        texts = {i.id: render_text(kit.documents[i.id]).replace("\u00a0", " ").replace("\u202f", " ")
                 for i in kit.items}
        _KITS[key] = (commune, kit, texts)
    return _KITS[key]


def ids(kit) -> set[str]:
    return {i.id for i in kit.items}


def kit_texts(texts: dict) -> dict:
    """The kit's own documents (the motion and its dossier are `generate`'s)."""
    return {k: v for k, v in texts.items() if k not in ("proposition", "dossier")}


# --------------------------------------------------------------------------- which documents, to whom


@pytest.mark.parametrize("name", list(PANEL))
def test_every_regime_gets_its_kit(shipped_resources, name):
    commune, kit, texts = kit_of(shipped_resources, name)
    regime = regime_for(commune)
    have = ids(kit)
    assert {"index", "proposition", "dossier", "crpa-mairie", "crpa-prefecture", "cada-mairie",
            "demande-inscription", "question-ecrite", "question-orale", "fiche-debat", "communique",
            "plainte-cnil", "lettre-prefet"} <= have
    assert ("demande-convocation" in have) == (regime.forced_session is not None)
    assert ("amendements" in have) == regime.can_deliberate
    # a letter to each body the regime names, and to no other
    letters = {"epci": "lettre-epci", "ept": "lettre-ept", "metropole-lyon": "lettre-metropole",
               "departement": "lettre-departement", "region": "lettre-region",
               "collectivite": "lettre-collectivite", "transport": "lettre-transport"}
    for key, doc in letters.items():
        assert (doc in have) == (key in regime.bodies), (name, doc)
    for text in texts.values():
        assert "{{" not in text and "{%" not in text and "\\[" not in text


def test_the_small_commune_splits_its_request_and_the_big_one_writes_to_the_prada(shipped_resources):
    _, village, vt = kit_of(shipped_resources, "village")
    assert {"crpa-mairie", "crpa-mairie-suite"} <= ids(village)
    assert "une seconde demande suivra dans un mois" in vt["crpa-mairie"]
    assert "dont elle forme la seconde partie" in vt["crpa-mairie-suite"]
    first = re.findall(r"^\d+\. ", vt["crpa-mairie"], re.M)
    second = re.findall(r"^\d+\. ", vt["crpa-mairie-suite"], re.M)
    assert len(first) == 5 and len(second) == 5
    assert "PRADA" not in vt["crpa-mairie"]
    _, _, big = kit_of(shipped_resources, "grande")
    assert "À l’attention de la personne responsable de l’accès aux documents administratifs (PRADA)" in big["crpa-mairie"]
    assert len(re.findall(r"^\d+\. ", big["crpa-mairie"], re.M)) == 10
    assert "crpa-mairie-suite" not in ids(kit_of(shipped_resources, "grande")[1])


def test_recipients_and_forms_of_address(shipped_resources):
    _, _, vj = kit_of(shipped_resources, "grande")
    assert "Madame la Maire ou Monsieur le Maire de Villejuif" in vj["crpa-mairie"]
    assert "Madame la Maire, Monsieur le Maire,\n" in vj["crpa-mairie"]
    assert ("Je vous prie d’agréer, Madame la Maire, Monsieur le Maire, l’expression de ma haute considération."
            in vj["crpa-mairie"])
    assert "Madame la Préfète ou Monsieur le Préfet du Val-de-Marne" in vj["crpa-prefecture"]
    assert "Préfecture du Val-de-Marne" in vj["crpa-prefecture"]
    assert "Madame la Présidente ou Monsieur le Président du conseil départemental du Val-de-Marne" in vj[
        "lettre-departement"]
    assert "Présidente ou Monsieur le Président d’Île-de-France Mobilités" in vj["lettre-transport"]
    assert "établissement public territorial Grand-Orly Seine Bièvre" in vj["lettre-ept"]
    # Paris: the préfet de police authorises the cameras, and keeps « de police » in the salutation
    _, _, paris = kit_of(shipped_resources, "paris")
    assert "Madame la Préfète de police, Monsieur le Préfet de police,\n" in paris["crpa-prefecture"]
    assert "Préfecture de police" in paris["crpa-prefecture"]
    assert "lettre-departement" not in ids(kit_of(shipped_resources, "paris")[1])
    assert "il n’y a pas de conseil départemental de Paris" in paris["index"]
    # a Paris arrondissement: the city holds the documents and answers written questions
    _, arr, at = kit_of(shipped_resources, "paris-arr")
    assert "Madame la Maire ou Monsieur le Maire de Paris" in at["crpa-mairie"]
    assert "Madame la Maire ou Monsieur le Maire du 15e arrondissement" in at["demande-inscription"]
    assert "quarante-cinq jours" in at["question-ecrite"] and "Conseil de Paris" in at["question-ecrite"]
    assert "Pour le conseil d’arrondissement" in at["question-ecrite"]
    assert "ne contient donc pas d’amendements" in at["index"]
    # Marseille: the préfet des Bouches-du-Rhône, no préfet de police any more
    _, _, mt = kit_of(shipped_resources, "marseille-arr")
    assert "Préfet des Bouches-du-Rhône" in mt["crpa-prefecture"] and "de police" not in mt["crpa-prefecture"]
    assert "Monsieur le Maire de Marseille" in mt["crpa-mairie"]
    # Cayenne: the collectivité territoriale, whose executive's title is checked by hand
    _, _, cy = kit_of(shipped_resources, "drom")
    assert "Collectivité territoriale de Guyane" in cy["lettre-collectivite"]
    assert "Le titre exact de la personne qui dirige l’exécutif" in cy["index"]
    assert "Préfet de la Guyane" in cy["crpa-prefecture"]


def test_known_genders_are_used_alone(shipped_resources):
    _, _, texts = kit_of(shipped_resources, "grande", gender=(("maire", "f"), ("prefet", "m")))
    assert "Madame la Maire de Villejuif" in texts["crpa-mairie"] and "Monsieur le Maire" not in texts["crpa-mairie"]
    assert "Je vous prie d’agréer, Madame la Maire, l’expression" in texts["crpa-mairie"]
    assert "Monsieur le Préfet," in texts["lettre-prefet"] and "Préfète" not in texts["lettre-prefet"]


# --------------------------------------------------------------------------- numbers and references


@pytest.mark.parametrize("name", ["village", "bourg", "ville", "grande", "paris", "alsace", "drom"])
def test_the_forced_session_names_the_number_this_council_needs(shipped_resources, name):
    commune, _, texts = kit_of(shipped_resources, name)
    regime = regime_for(commune)
    size = regime.council_size
    needed = math.ceil(size / 3) if regime.forced_session.share == "un tiers" else size // 2 + 1
    text = texts["demande-convocation"]
    assert f"comptant {size} membres, la demande doit être signée par au moins {needed} d’entre eux" in text
    assert len(re.findall(r"^\d+\. \[Prénom Nom\], signature :$", text, re.M)) == needed
    if commune.population < 1000:
        assert "au moins la majorité des membres" in text
    else:
        assert "au moins un tiers des membres" in text
    if name == "alsace":
        assert "article L. 2541-2 du code général" in text and "30 jours" not in text
        assert "L2121-9" not in text
    else:
        assert re.search(r"articles? L\. 2121-9( et L\. 2512-2)? du code général", text) and "dans le délai de 30 jours" in text


def test_alsace_moselle_never_rests_on_the_common_law_articles(shipped_resources):
    _, _, texts = kit_of(shipped_resources, "alsace")
    common_law = re.compile(r"L\.? ?2121-29|L\.? ?2212-[12]\b|L\.? ?2121-9\b")
    for doc, text in kit_texts(texts).items():
        for sentence in re.split(r"(?<=[.;])\s+", text):
            warning = re.search(r"ne pas viser|ne jamais viser|ne s’y applique pas|est écarté", sentence, re.I)
            assert warning or not common_law.search(sentence), f"{doc}: {sentence}"
    assert "Alsace-Moselle" in texts["index"]  # the regime's notices reach the index


def test_debate_on_general_policy_and_convocation_dates(shipped_resources):
    commune, _, texts = kit_of(shipped_resources, "grande")
    assert "soit 5 élus sur 49" in texts["question-orale"]  # one tenth, rounded up
    # 5 jours francs before 14 March: convocations by 8 March, the request by 7 March
    assert "au plus tard le 8 mars 2027, soit 5 jours francs avant la séance" in texts["demande-inscription"]
    assert "Au plus tard le 7 mars 2027" in texts["index"]
    _, _, village = kit_of(shipped_resources, "village")
    assert "3 jours francs" in village["demande-inscription"]
    assert "note explicative de synthèse" not in village["demande-inscription"]


def test_legal_references_are_the_library_citations(shipped_resources):
    _, _, texts = kit_of(shipped_resources, "grande")
    crpa = texts["crpa-mairie"]
    for article in ("art. L311-1", "art. L300-2", "art. L311-5", "art. L311-6", "art. L311-9", "art. L311-2",
                    "art. R311-13"):
        assert f"Code des relations entre le public et l’administration, {article}" in crpa, article
    cada = texts["cada-mairie"]
    assert "art. R343-1" in cada and "n° 20190428" in cada and "n° 20234820" in cada
    assert "art. L253-5" in texts["index"] and "art. L342-1" in texts["index"]
    amend = texts["amendements"]
    assert "n° 05VE01393" in amend and "question écrite n° 15772" in amend and "n° 0107505" in amend
    assert "Loi n° 2023-380 du 19 mai 2023" in amend


# --------------------------------------------------------------------------- what no document may say


def _sentences(text: str):
    for sentence in re.split(r"(?<=[.;:!?])\s+", text.replace("\n", " ")):
        low = sentence.lower()
        if "ne dites pas" in low or "ne disent pas" in low or "ne présentez pas" in low:
            continue  # advice about what not to say
        yield sentence


#: campaign-kit.md §0.4, and the sheet's other UNVERIFIED points, as affirmative statements.
FORBIDDEN = {
    "VSA lawful or unlawful now": re.compile(
        r"(vidéosurveillance algorithmique|traitements? algorithmiques?)[^.;]{0,40}\b(est|sont|reste|restent|demeure)"
        r" (aujourd’hui |désormais |actuellement )?(légale?s?|illégale?s?|interdite?s?|autorisée?s?|permise?s?)\b",
        re.I),
    "facial recognition authorised": re.compile(
        r"reconnaissance (faciale|biométrique)[^.;]{0,40}\b(est|sont) (autorisée|légale|permise)s?\b"
        r"|loi autorise (la|l’usage de la) reconnaissance", re.I),
    "a CADA opinion binds": re.compile(
        r"avis (de la CADA|de la Commission d’accès[^.;]*?) (s’impose|oblige|lie|contraint|est contraignant)"
        r"|la CADA (peut|va) (ordonner|enjoindre|contraindre)", re.I),
    "a vœu binds the mayor": re.compile(
        r"(?<!ne )\b(vœu|vœux)\b[^.;]{0,30}(?<!ne )\b(s’impose(nt)? au maire|oblige(nt)? le maire|lie(nt)? le maire"
        r"|est contraignant|sont contraignants)", re.I),
    "the presidential date as fact": re.compile(r"\b(11|18) avril 2027\b"),
    "loi 1881 art. 2 for the printer": re.compile(r"(article|art\.) 2 de la loi du 29 juillet 1881", re.I),
    "the CNIL fines communes": re.compile(r"CNIL[^.;]{0,40}\b(a (sanctionné|condamné)|peut (infliger|condamner))", re.I),
}


@pytest.mark.parametrize("name", list(PANEL))
def test_no_document_makes_a_forbidden_statement(shipped_resources, name):
    _, _, texts = kit_of(shipped_resources, name)
    for doc, text in kit_texts(texts).items():
        for sentence in _sentences(text):
            for what, pattern in FORBIDDEN.items():
                assert not pattern.search(sentence), f"{name}/{doc}: {what}: {sentence}"


def test_the_state_of_vsa_is_said_with_its_date(shipped_resources):
    _, _, texts = kit_of(shipped_resources, "grande")
    for doc in ("amendements", "fiche-debat", "plainte-cnil", "lettre-prefet"):
        assert "a pris fin le 31 mars 2025" in texts[doc], doc
        assert re.search(r"prolongation votée en février 2026[^.]*doit être vérifiée", texts[doc]), doc
    for doc in ("index", "amendements", "fiche-debat"):
        assert "État du droit au 28 novembre 2026" in texts[doc], doc
    assert "ne lie pas l’autorité à laquelle il s’adresse" in texts["demande-inscription"]
    assert "Son avis ne lie pas l’administration" in texts["index"]


def test_camera_locations_are_not_asked_for(shipped_resources):
    _, _, texts = kit_of(shipped_resources, "grande")
    assert "Je ne demande ni l’emplacement précis des caméras ni leur champ de vision" in texts["crpa-mairie"]
    assert "Je ne demande pas l’emplacement précis des caméras" in texts["crpa-prefecture"]
    assert "bordereau des prix unitaires" not in texts["crpa-mairie"]


# --------------------------------------------------------------------------- dates


def test_crpa_deadline_arithmetic():
    assert deadlines.implicit_refusal(dt.date(2027, 1, 11)).date == dt.date(2027, 2, 11)
    end = deadlines.implicit_refusal(dt.date(2027, 1, 31))
    assert end.date == dt.date(2027, 2, 28) and end.uncertain
    assert deadlines.court_limit(dt.date(2026, 6, 23)).date == dt.date(2026, 8, 24)  # francs
    t = deadlines.crpa_timeline(dt.date(2026, 12, 1))
    assert (t.refusal, t.cada_from, t.cada_by, t.express) == (
        dt.date(2027, 1, 1), dt.date(2027, 1, 1), dt.date(2027, 3, 1), False)
    express = deadlines.crpa_timeline(dt.date(2026, 12, 1), refused=dt.date(2026, 12, 10))
    assert express.express and express.refusal == dt.date(2026, 12, 10) and express.cada_by == dt.date(2027, 2, 10)
    late = deadlines.crpa_timeline(dt.date(2026, 12, 1), refused=dt.date(2027, 1, 20))
    assert not late.express and late.refusal == dt.date(2027, 1, 1)  # the earlier, implicit refusal counts
    c = deadlines.cada_timeline(dt.date(2027, 1, 20))
    assert (c.opinion_expected, c.confirmation, c.court_by) == (
        dt.date(2027, 2, 20), dt.date(2027, 3, 20), dt.date(2027, 5, 21))
    assert deadlines.forced_session_limit(dt.date(2027, 2, 20)) == dt.date(2027, 3, 22)
    assert deadlines.act_early(dt.date(2027, 3, 1)) == dt.date(2027, 2, 22)
    with pytest.raises(ValueError):
        deadlines.crpa_timeline(dt.date(2026, 12, 1), refused=dt.date(2026, 11, 1))


def test_election_periods_are_said_conditionally():
    assert [p.election_en for p in deadlines.election_periods_covering(dt.date(2026, 2, 1))] == [
        "the municipal elections of 15 and 22 March 2026"]
    presidential = deadlines.election_periods_covering(dt.date(2027, 3, 14))
    assert len(presidential) == 1 and not presidential[0].verified
    assert presidential[0].start == dt.date(2026, 10, 1)
    assert deadlines.election_periods_covering(dt.date(2027, 6, 15)) == []


def test_dates_given_by_the_user_reach_the_letters(shipped_resources):
    sent = (("crpa-mairie", dt.date(2026, 12, 1)), ("cada-mairie", dt.date(2027, 1, 20)),
            ("demande-convocation", dt.date(2027, 2, 20)))
    _, kit, texts = kit_of(shipped_resources, "grande", sent=sent)
    cada = texts["cada-mairie"]
    assert "Le 1er décembre 2026, le maire de Villejuif a reçu ma demande" in cada
    assert "ce refus est né le 1er janvier 2027" in cada and "qui expire le 1er mars 2027" in cada
    index = texts["index"]
    assert "À partir du 1er janvier 2027 et au plus tard le 1er mars 2027." in index
    assert "le conseil doit être réuni au plus tard le 22 mars 2027" in index
    days = {e.uid.split("-", 1)[1]: e.day for e in kit.events}
    assert days["crpa-mairie-cada"] == dt.date(2027, 3, 1)
    assert days["cada-mairie-tribunal"] == dt.date(2027, 5, 21)
    assert days["forced-session"] == dt.date(2027, 3, 22)
    assert days["session"] == SESSION and days["convocation"] == dt.date(2027, 3, 8)


def test_an_express_refusal_changes_the_referral(shipped_resources):
    _, _, texts = kit_of(shipped_resources, "grande", sent=(("crpa-mairie", dt.date(2026, 12, 1)),),
                         refused=(("crpa-mairie", dt.date(2026, 12, 15)),))
    cada = texts["cada-mairie"]
    assert "Par une décision du 15 décembre 2026" in cada and "qui expire le 15 février 2027" in cada
    assert "copie de la décision de refus" in cada


# --------------------------------------------------------------------------- the calendar


def test_the_calendar_parses_back_with_the_right_dates(shipped_resources):
    import icalendar

    sent = (("crpa-prefecture", dt.date(2027, 1, 31)),)
    commune, kit, _ = kit_of(shipped_resources, "grande", sent=sent)
    data = ics_bytes(kit.events, commune, shipped_resources.now)
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(events) == len(kit.events) >= 5
    session = events["94076-session@motions"]
    assert session.decoded("dtstart") == SESSION and session.decoded("dtend") == SESSION + dt.timedelta(days=1)
    assert "VALUE=DATE" in data.decode().split("UID:94076-session")[0].rsplit("BEGIN:VEVENT", 1)[1]
    # 31 January + 1 month: the last day of February, flagged as uncertain in the description
    refusal = events["94076-crpa-prefecture-refus@motions"]
    assert refusal.decoded("dtstart") == dt.date(2027, 2, 28)
    assert "date à vérifier" in str(refusal["description"])
    cada = events["94076-crpa-prefecture-cada@motions"]
    assert cada.decoded("dtstart") == dt.date(2027, 4, 28)
    alarm = next(iter(cada.walk("VALARM")))
    assert alarm.decoded("trigger") == dt.timedelta(days=-7)
    assert str(cal["prodid"]).startswith("-//motions//") and str(cal["version"]) == "2.0"


# --------------------------------------------------------------------------- the command and the outputs


def test_plan_is_data_driven_for_every_panel_commune():
    from motions.facts import Facts

    for query in PANEL.values():
        commune = resolve(query).commune
        regime = regime_for(commune)
        items = plan(commune, regime, Facts(), KitOptions())
        assert [i.position for i in items] == list(range(len(items)))


@pytest.mark.slow
def test_the_command_writes_the_folder_in_every_format(tmp_path):
    out = tmp_path / "out"
    res = invoke("kit", "Villejuif", "--date", "2027-03-14", "-f", "docx,odt,pdf,txt", "-o", out)
    assert res.code == 0, res.output
    folder = out / "94076-villejuif-kit"
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert "94076-villejuif-calendrier.ics" in names
    for stem in ("00-index", "03-crpa-mairie", "10-demande-convocation", "22-lettre-transport"):
        for ext in (".docx", ".odt", ".pdf", ".txt"):
            assert stem + ext in names, stem + ext
    assert (folder / ".motions-manifest.json").is_file()


def test_only_one_document_and_never_over_an_edit(tmp_path):
    out = tmp_path / "out"
    res = invoke("kit", "Villejuif", "--date", "2027-03-14", "--only", "crpa-mairie", "-f", "txt", "-o", out)
    assert res.code == 0, res.output
    folder = out / "94076-villejuif-kit"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["03-crpa-mairie.txt"]
    (folder / "03-crpa-mairie.txt").write_text("edited", encoding="utf-8")
    res = invoke("kit", "Villejuif", "--date", "2027-03-14", "--only", "crpa-mairie", "-f", "txt", "-o", out)
    assert res.code == 9 and "changed since motions wrote it" in res.output
    assert (folder / "03-crpa-mairie.txt").read_text(encoding="utf-8") == "edited"
    res = invoke("kit", "Villejuif", "--only", "amendements,nothing", "-o", out)
    assert res.code == 2 and "not a document of the kit" in res.output
    res = invoke("kit", "Paris 15e", "--only", "amendements", "-o", out)
    assert res.code == 2 and "gives it no such document" in res.output
    res = invoke("kit", "Villejuif", "--sent", "crpa-nowhere=2026-12-01", "-o", out)
    assert res.code == 2 and "is not a document of the kit" in res.output


@pytest.mark.warns(r"crpa-mairie: this request for documents now goes to 4 administrations",
                   r"crpa-mairie: the same request for documents goes to 5 administrations")
def test_identical_requests_to_many_administrations_warn_before_the_series(tmp_path):
    out = tmp_path / "out"
    for query in ("Marcillac-Vallon", "Rodez", "Millau", "Espalion"):
        res = invoke("kit", query, "--only", "crpa-mairie", "-f", "txt", "-o", out)
        assert res.code == 0, res.output
    res = invoke("kit", "Bozouls", "--only", "crpa-mairie,cada-mairie,index", "-f", "txt", "-o", out)
    assert res.code == 0, res.output
    folder = out / "12033-bozouls-kit"
    cada = (folder / next(p.name for p in folder.iterdir() if "cada-mairie" in p.name)).read_text(encoding="utf-8")
    assert "fait partie d’une série de demandes ayant le même objet, adressées par moi à 5 administrations" in cada
    index = (folder / "00-index.txt").read_text(encoding="utf-8")
    assert "elle fait partie d’une série" in index


def test_the_web_application_gets_one_zip(shipped_resources):
    commune = resolve("Strasbourg").commune
    data = kit_zip(KitRequest(commune, options=KitOptions(date=SESSION, only=("index", "lettre-prefet")),
                              formats=("txt",)), shipped_resources)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == ["67482-strasbourg-kit/00-index.txt", "67482-strasbourg-kit/17-lettre-prefet.txt",
                             "67482-strasbourg-kit/67482-strasbourg-calendrier.ics"]
    assert data == kit_zip(KitRequest(commune, options=KitOptions(date=SESSION, only=("index", "lettre-prefet")),
                                      formats=("txt",)), shipped_resources)


# --------------------------------------------------------------------------- printed matter (flyers, posters)


def test_every_flyer_carries_the_printers_mention(shipped_resources):
    from motions.compose.flyer import FlyerOptions, compose_flyer, printer_mention
    from motions.writers.flyer import flyer_parts
    from motions.document import plain_text

    commune = resolve("Villejuif").commune
    doc = compose_flyer(shipped_resources, commune, options=FlyerOptions(group="Villejuif en commun"))
    mention = plain_text(flyer_parts(doc)["printer"]).replace("\u00a0", " ")
    assert mention == "Imprimé par nos soins – Villejuif en commun – Ne pas jeter sur la voie publique"
    assert printer_mention("Imprimerie Durand, 3 rue des Lilas, 94800 Villejuif", None) == (
        "Imprimé par Imprimerie Durand, 3 rue des Lilas, 94800 Villejuif – Ne pas jeter sur la voie publique")
    assert printer_mention("Imprimé par nos soins – Collectif X, 1 rue Y", "G").startswith("Imprimé par nos soins – Collectif X")


def test_printing_warnings_say_the_law_and_the_unconfirmed_election_conditionally():
    from motions.compose.flyer import FlyerOptions, printing_warnings

    warned = printing_warnings(FlyerOptions(date=dt.date(2027, 3, 14)))
    assert any("loi du 29 juillet 1881, art. 3" in w for w in warned)
    election = [w for w in warned if "pre-election" in w]
    assert len(election) == 1 and "presidential" in election[0] and "not confirmed" in election[0]
    assert "L51" in election[0]
    assert printing_warnings(FlyerOptions(date=dt.date(2027, 6, 15), printer="Imprimerie X, 1 rue Y, Paris")) == []


def test_the_a4_poster_is_not_printed_on_plain_white(shipped_resources, tmp_path):
    import subprocess

    from PIL import Image

    from motions.api import FlyerRequest, render_flyer

    files = render_flyer(FlyerRequest(resolve("Villejuif").commune, layout="a4"), shipped_resources).files
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(next(iter(files.values())))
    subprocess.run(["pdftoppm", "-r", "10", "-png", "-singlefile", str(pdf), str(tmp_path / "poster")], check=True)
    image = Image.open(tmp_path / "poster.png").convert("RGB")
    corner = image.getpixel((1, 1))  # the page margin, outside any text
    assert corner != (255, 255, 255) and corner[2] < 240  # a tinted paper, not white
