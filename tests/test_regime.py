"""The regime of a commune, field by field, for a panel covering every regime,
and over the whole commune file.

Facts asserted here come from /work/shared/reference/regimes-and-powers.md (the
section is given in each test) and from the shipped commune data; the panel's
populations are INSEE's population municipale at 1 January 2023 (in force
from 1 January 2026), as the data file carries.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
import yaml

from motions import communes
from motions.errors import LibraryError, UnsupportedCommune
from motions.regime import LAW_CHECKED, Regime, regime_for
from motions.regime_build import SMALL_COMMUNE_BELOW, _forms
from motions.regime_rules import RULES_FILE, all_citation_keys, load_rules

ROOT = Path(__file__).resolve().parents[1]

#: Source keys the rules cite that arguments/sources/droit.yaml does not hold
#: yet: the lead adds them (full references in the report of the `regime` branch).
PROPOSED_KEYS = {
    "ce-1983-ville-de-lyon", "cgct-l2131-2", "cgct-l2212-1", "cgct-l2212-2", "cgct-l2511-10",
    "cgct-l2511-12", "cgct-l2512-1", "cgct-l2512-13", "cgct-l2512-2", "cgct-l2541-1", "cgct-l2541-12",
    "cgct-l2541-2", "cgct-l2541-5", "cgct-l2542-2", "cgct-l2542-3", "cgct-l2571-1", "cgct-l3611-1",
    "cgct-l3642-2", "cgct-l4421-1", "cgct-l5211-60", "cm-2025-07-16-bouches-du-rhone",
    "code-transports-l1241-1", "csi-r252-1", "loi-organique-2025-793", "ordonnance-2007-1434",
    "ordonnance-2018-1125", "ordonnance-2021-408",
}
MEUSE_VILLAGES = {"55039", "55050", "55139", "55189", "55239", "55307"}


@pytest.fixture(scope="module")
def index():
    return communes.load()


@pytest.fixture(scope="module")
def rules():
    from motions.regime_rules import load_rules

    return load_rules()


_RULES = {}


def regime(index, code: str, **kw) -> Regime:
    """The regime of ``code``, with the rules read once for the module (the
    caller of regime_for keeps them, as Resources does)."""
    from motions.regime_rules import load_rules

    rules = _RULES.setdefault("rules", load_rules())
    return regime_for(index.get(code), index=index, rules=rules, **kw)


def whats(r: Regime) -> str:
    return " | ".join(c.what for c in r.checks)


def voted_text(r: Regime) -> str:
    """Everything of the record that may reach the voted text."""
    return " ".join(r.voeu_visas + r.police_visas + r.data_protection.visas + (r.data_protection.purpose_clause,))


# -- common law -------------------------------------------------------------------


def test_villejuif_common_law(index):
    r = regime(index, "94076")
    assert (r.id, r.label) == ("common", "droit commun")
    assert r.council == "le conseil municipal"
    assert r.council_title == "Conseil municipal de Villejuif"
    assert (r.chair, r.chair_feminine) == ("le maire", "la maire")
    assert r.members == "conseillères et conseillers municipaux"
    assert r.running_head == "Commune de Villejuif"
    assert (r.signed_at, r.fait_a) == ("Villejuif", "Fait à Villejuif")
    assert r.act_recipient.name == "le préfet du Val-de-Marne"
    assert r.act_recipient.a == "au préfet du Val-de-Marne"
    assert r.act_recipient.de == "du préfet du Val-de-Marne"
    assert r.camera_authority.name == "le préfet du Val-de-Marne"
    assert "[@csi-l252-1" in r.camera_authority.basis or "@csi-l252-1" in r.camera_authority.basis
    assert r.police_authority.name == "le maire" and r.police_shared_with is None
    assert "@cgct-l2212-2" in r.police_authority.basis
    assert r.population == 60183
    assert "1er janvier 2023" in r.population_note and "1er janvier 2026" in r.population_note
    assert r.council_size == 49  # L2121-2: 60,000-79,999
    conv = r.convocation
    assert (conv.days, conv.franc, conv.urgency, conv.note_de_synthese) == (5, True, "1 jour franc", True)
    assert conv.basis == "[@cgct-l2121-12]" and conv.practice_days is None
    assert (r.reglement_interieur, r.reglement_interieur_from) == (True, 1000)
    fs = r.forced_session
    assert (fs.share, fs.members, fs.deadline_days, fs.basis) == ("un tiers", 17, 30, "[@cgct-l2121-9]")
    assert r.voeu_visas == (
        "Vu le code général des collectivités territoriales, et notamment son article L. 2121-29 [@cgct-l2121-29] ;",
        "Vu la décision du Conseil d'État du 4 avril 2025, Département de la Seine-Saint-Denis, n° 472245 "
        "[@ce-2025-472245] ;",
    )
    assert "L. 2212-1 et L. 2212-2" in r.police_visas[0]
    dp = r.data_protection
    assert (dp.rgpd, dp.directive, dp.lil, dp.ai_act) == (True, True, True, True)
    assert [v.split(" [@")[-1] for v in dp.visas] == ["rgpd] ;", "directive-2016-680] ;", "lil-1978, titre III] ;", "ai-act] ;"]
    assert dp.purpose_clause.startswith(
        "selon leur finalité, ces traitements relèvent soit du règlement (UE) 2016/679, soit de la directive "
        "(UE) 2016/680 et du titre III de la loi n° 78-17"
    )
    b = r.bodies
    assert b["epci"].name == "la Métropole du Grand Paris" and b["epci"].a == "à la Métropole du Grand Paris"
    assert b["ept"].name == "l'établissement public territorial Grand-Orly Seine Bièvre"
    assert b["departement"].name == "le conseil départemental du Val-de-Marne"
    assert b["region"].name == "le conseil régional d'Île-de-France"
    assert b["transport"].name == "Île-de-France Mobilités" and b["transport"].de == "d'Île-de-France Mobilités"
    assert b["prefet"] == r.camera_authority
    assert b["gouvernement"].a == "au Gouvernement" and b["parlement"].name == "le Parlement"
    assert all(body.decides for body in b.values())
    assert r.can_deliberate and not r.small and r.commune_nouvelle == ()
    assert any("règlement intérieur" in c.what for c in r.checks)
    assert any("60\u202f000 habitants" in c.what for c in r.checks)  # within 5 % of an L2121-2 step
    assert r.law_checked == LAW_CHECKED


@pytest.mark.parametrize(
    "code, size, epci, epci_a, departement, region",
    [
        ("06088", 69, "la Métropole Nice Côte d'Azur", "à la Métropole Nice Côte d'Azur",
         "le conseil départemental des Alpes-Maritimes", "le conseil régional de Provence-Alpes-Côte d'Azur"),
        ("42218", 59, "Saint-Étienne Métropole", "à Saint-Étienne Métropole",
         "le conseil départemental de la Loire", "le conseil régional d'Auvergne-Rhône-Alpes"),
        ("21231", 59, "Dijon Métropole", "à Dijon Métropole",
         "le conseil départemental de la Côte-d'Or", "le conseil régional de Bourgogne-Franche-Comté"),
        ("31555", 69, "Toulouse Métropole", "à Toulouse Métropole",
         "le conseil départemental de la Haute-Garonne", "le conseil régional d'Occitanie"),
    ],
)
def test_large_common_law_cities(index, code, size, epci, epci_a, departement, region):
    r = regime(index, code)
    assert r.id == "common"
    assert r.council_size == size
    assert r.bodies["epci"].name == epci and r.bodies["epci"].a == epci_a
    assert r.bodies["departement"].name == departement
    assert r.bodies["region"].name == region
    assert "ept" not in r.bodies
    assert r.convocation.days == 5 and r.forced_session.members == math.ceil(size / 3)


def test_transport_authority_only_where_confirmed(index):
    """Tisséo for Toulouse Métropole; no named AOM in Nice, Saint-Étienne or Dijon (§11.2)."""
    toulouse = regime(index, "31555")
    assert toulouse.bodies["transport"].name == "Tisséo Collectivités"
    for code in ("06088", "42218", "21231", "13055"):
        r = regime(index, code)
        assert "transport" not in r.bodies
        assert any("autorité organisatrice des mobilités" in n for n in r.notices)
    assert not any("autorité organisatrice des mobilités n'est nommée" in n for n in toulouse.notices)


def test_village_under_100(index):
    r = regime(index, "26274")  # Rochefourchat, Drôme
    assert r.population < 100 and r.small and SMALL_COMMUNE_BELOW == 1000
    assert r.label == "droit commun, petite commune (moins de 1 000 habitants)"
    assert r.council_size == 7
    assert (r.convocation.days, r.convocation.basis, r.convocation.note_de_synthese) == (3, "[@cgct-l2121-11]", False)
    assert (r.reglement_interieur, r.reglement_interieur_from) == (False, 1000)
    fs = r.forced_session
    assert (fs.share, fs.members, fs.deadline_days) == ("la majorité", 4, 30)
    assert not any("règlement intérieur du conseil" in c.what for c in r.checks)
    assert any("réputé complet dès 5 membres" in n for n in r.notices)
    assert any("la majorité d'entre eux" in n for n in r.notices)


# -- Paris ------------------------------------------------------------------------


def test_paris(index):
    r = regime(index, "75056")
    assert r.id == "paris"
    assert (r.council, r.council_title) == ("le Conseil de Paris", "Conseil de Paris")
    assert (r.chair, r.chair_feminine) == ("le maire de Paris", "la maire de Paris")
    assert r.members == "conseillères et conseillers de Paris"
    assert r.running_head == "Ville de Paris"
    assert (r.signed_at, r.fait_a) == ("Paris", "Fait à Paris")
    assert r.act_recipient.name == "le préfet de la région d'Île-de-France, préfet de Paris"
    assert r.act_recipient.confidence == "likely"
    assert r.camera_authority.name == "le préfet de police"
    assert r.police_authority.name == "le préfet de police"
    assert r.police_shared_with.name == "le maire de Paris"
    assert "bruits de voisinage" in r.police_shared_with.decides
    assert r.council_size == 163 and "163" in whats(r)
    conv = r.convocation
    assert (conv.days, conv.practice_days, conv.urgency, conv.note_de_synthese) == (5, 12, "1 jour franc", True)
    assert "douze jours francs" in whats(r)
    assert "demi-heure avant le début des commissions" in whats(r)
    assert r.reglement_interieur is True
    assert (r.forced_session.share, r.forced_session.members) == ("un tiers", 55)
    assert "L. 2121-29, L. 2512-1 et L. 2512-2" in r.voeu_visas[0]
    assert r.voeu_visas[1] == "Vu le règlement intérieur du Conseil de Paris ;"
    assert "L. 2512-13" in r.police_visas[0]
    assert "departement" not in r.bodies and "ept" not in r.bodies
    assert r.bodies["epci"].name == "la Métropole du Grand Paris"
    assert r.bodies["transport"].name == "Île-de-France Mobilités"
    assert r.bodies["prefet"].name == "le préfet de police"
    assert r.can_deliberate


def test_paris_is_never_commune_de_paris(index):
    for code in ["75056"] + [f"751{n:02d}" for n in range(1, 21)]:
        r = regime(index, code)
        fields = (r.council, r.council_title, r.chair, r.running_head, r.label, *r.notices)
        assert not any("Commune de Paris" in f or "commune de Paris" in f for f in fields)


def test_paris_arrondissement(index):
    r = regime(index, "75115")
    assert r.id == "paris-arrondissement"
    assert r.council == "le conseil du 15e arrondissement"
    assert r.council_title == "Conseil du 15e arrondissement de Paris"
    assert r.chair == "le maire du 15e arrondissement"
    assert r.members == "conseillères et conseillers d'arrondissement"
    assert r.running_head == "Ville de Paris – 15e arrondissement"
    assert (r.signed_at, r.fait_a) == ("Paris", "Fait à Paris")
    assert r.voeu_visas == (
        "Vu le code général des collectivités territoriales, et notamment son article L. 2511-12 [@cgct-l2511-12] ;",
    )
    assert not r.can_deliberate
    assert r.camera_authority.name == "le préfet de police"
    assert r.police_authority.name == "le préfet de police"
    assert r.council_size is None and r.forced_session is None and r.reglement_interieur is None
    assert r.convocation.days == 5 and "@cgct-l2511-10" in r.convocation.basis
    assert "douze jours" not in whats(r)  # the Conseil de Paris's practice is not the arrondissement's
    assert r.bodies["conseil"].name == "le Conseil de Paris"
    assert "quarante-cinq jours" in r.bodies["maire"].decides
    assert "transmission" in whats(r)


def test_paris_centre_is_one_body(index):
    records = [regime(index, f"7510{n}") for n in (1, 2, 3, 4)]
    keys = {(r.id, r.council, r.council_title, r.chair, r.running_head, r.population) for r in records}
    assert len(keys) == 1
    r = records[0]
    assert r.id == "paris-centre"
    assert r.council == "le conseil d'arrondissement de Paris Centre"
    assert r.council_title == "Conseil d'arrondissement de Paris Centre"
    assert r.chair == "le maire d'arrondissement de Paris Centre"
    assert r.running_head == "Ville de Paris – Paris Centre"
    assert r.population == sum(index.get(f"7510{n}").population for n in (1, 2, 3, 4))
    assert "Paris Centre" in r.population_note
    assert "L. 2511-12" in r.voeu_visas[0] and not r.can_deliberate


# -- Lyon and the Métropole de Lyon ----------------------------------------------------


def test_lyon_3e(index):
    r = regime(index, "69383")
    assert r.id == "lyon-arrondissement"
    assert r.council == "le conseil du 3e arrondissement"
    assert r.council_title == "Conseil du 3e arrondissement de Lyon"
    assert r.chair == "le maire du 3e arrondissement"
    assert r.running_head == "Ville de Lyon – 3e arrondissement"
    assert (r.signed_at, r.fait_a) == ("Lyon", "Fait à Lyon")
    assert r.members == "conseillères et conseillers d'arrondissement"
    assert not r.can_deliberate and "L. 2511-12" in r.voeu_visas[0]
    assert r.act_recipient.name == "le préfet du Rhône" and r.act_recipient.confidence == "likely"
    assert r.camera_authority.name == "le préfet du Rhône"
    assert r.police_authority.name == "le maire de Lyon"
    assert r.police_shared_with.name == "le président du conseil de la Métropole de Lyon"
    assert r.bodies["metropole-lyon"].name == "la Métropole de Lyon"
    assert r.bodies["transport"].name == "Sytral Mobilités"
    assert r.bodies["conseil"].name == "le conseil municipal de Lyon"
    assert "epci" not in r.bodies and "departement" not in r.bodies


def test_lyon_city(index):
    r = regime(index, "69123")
    assert r.id == "lyon" and r.can_deliberate
    assert (r.council_title, r.chair, r.running_head) == ("Conseil municipal de Lyon", "le maire de Lyon", "Ville de Lyon")
    assert r.council_size == 73 and "73" in whats(r)
    assert r.forced_session.members == 25


def test_villeurbanne_metropole_de_lyon(index):
    r = regime(index, "69266")
    assert r.id == "metropole-lyon"
    assert r.council_title == "Conseil municipal de Villeurbanne"
    assert r.running_head == "Commune de Villeurbanne"
    assert "epci" not in r.bodies and "departement" not in r.bodies
    metropole = r.bodies["metropole-lyon"]
    assert metropole.name == "la Métropole de Lyon" and metropole.de == "de la Métropole de Lyon"
    assert "collèges" in metropole.decides and "non un établissement public" in metropole.decides
    assert r.bodies["transport"].name == "Sytral Mobilités"
    assert r.police_shared_with.name == "le président du conseil de la Métropole de Lyon"
    assert r.act_recipient.name == "le préfet du Rhône"
    notices = " ".join(r.notices)
    assert "située sur le territoire de la Métropole de Lyon" in notices and "Grand Lyon" in notices
    assert not any("Grand Lyon" in b.name or "EPCI" in b.name for b in r.bodies.values())


# -- Marseille ---------------------------------------------------------------------------


def test_marseille_13e_is_the_13e_14e_council(index):
    r = regime(index, "13213")
    assert r.id == "marseille-secteur"
    assert r.council == "le conseil des 13e et 14e arrondissements"
    assert r.council_title == "Conseil des 13e et 14e arrondissements de Marseille"
    assert r.chair == "le maire des 13e et 14e arrondissements (7e secteur)"
    assert r.running_head == "Ville de Marseille – 13e et 14e arrondissements"
    assert (r.signed_at, r.fait_a) == ("Marseille", "Fait à Marseille")
    assert r.population == index.get("13213").population + index.get("13214").population
    assert not r.can_deliberate and "L. 2511-12" in r.voeu_visas[0]
    assert r.police_authority.name == "le maire de Marseille"
    assert r.camera_authority.name == "le préfet des Bouches-du-Rhône"
    assert r.camera_authority.confidence == "likely"
    assert "R252-2" in whats(r) and "redécoupé" in whats(r)
    assert r.bodies["conseil"].name == "le conseil municipal de Marseille"
    assert r.bodies["epci"].name == "la Métropole d'Aix-Marseille-Provence"
    assert "transport" not in r.bodies
    same = regime(index, "13214")
    assert (same.council, same.chair, same.population) == (r.council, r.chair, r.population)


@pytest.mark.parametrize(
    "secteur, pair", [(1, (1, 7)), (2, (2, 3)), (3, (4, 5)), (4, (6, 8)), (5, (9, 10)), (6, (11, 12)),
                      (7, (13, 14)), (8, (15, 16))],
)
def test_marseille_eight_pairs(index, secteur, pair):
    def ordinal(n):
        return "1er" if n == 1 else f"{n}e"

    names = f"{ordinal(pair[0])} et {ordinal(pair[1])} arrondissements"
    for n in pair:
        r = regime(index, f"132{n:02d}")
        assert r.council == f"le conseil des {names}"
        assert r.chair == f"le maire des {names} ({ordinal(secteur)} secteur)"
        fields = " ".join((r.council, r.council_title, r.chair, r.running_head, r.label))
        assert "conseil de secteur" not in fields and "conseil du" not in fields


def test_marseille_city_and_bouches_du_rhone(index):
    r = regime(index, "13055")
    assert r.id == "marseille" and r.can_deliberate
    assert (r.council_title, r.chair, r.running_head) == (
        "Conseil municipal de Marseille", "le maire de Marseille", "Ville de Marseille")
    assert r.council_size == 101 and "101" in whats(r)
    assert r.camera_authority.name == "le préfet des Bouches-du-Rhône"
    aix = regime(index, "13001")  # Aix-en-Provence: common law, same préfet rule since July 2025
    assert aix.id == "common"
    assert aix.camera_authority.name == "le préfet des Bouches-du-Rhône"
    assert "préfet de police délégué" in aix.camera_authority.decides
    assert "R252-2" in whats(aix)


def test_airport_communes_get_a_conditional_check(index):
    """R252-1: the préfet de police authorises on the emprises of CDG, Orly and Le Bourget only."""
    roissy = regime(index, "95527")
    assert roissy.camera_authority.name == "le préfet du Val-d'Oise"  # the commune's rule stays the préfet's
    assert "relève du préfet de police et non du préfet du Val-d'Oise" in whats(roissy)
    assert "aérodrome" not in whats(regime(index, "94076"))


def test_arrondissement_population_notes(index):
    assert regime(index, "69383").population_note.startswith(
        "Population municipale au 1er janvier 2023 du 3e arrondissement de Lyon")
    assert "somme de celles des arrondissements" in regime(index, "75056").population_note


# -- Alsace-Moselle ------------------------------------------------------------------------


def test_strasbourg_local_law(index):
    r = regime(index, "67482")
    assert r.id == "alsace-moselle" and r.label == "Alsace-Moselle (droit local)"
    assert "L. 2541-1, L. 2541-2 et L. 2541-12" in r.voeu_visas[0]
    assert "472245" in r.voeu_visas[1]
    assert "L. 2542-2 et L. 2542-3" in r.police_visas[0]
    assert "2121-29" not in voted_text(r) and "2212-1" not in voted_text(r)
    assert r.police_authority.basis.startswith("[@cgct-l2542-2")
    assert r.council_size == 65
    assert (r.convocation.days, r.convocation.basis) == (5, "[@cgct-l2121-12]")
    assert (r.reglement_interieur, r.reglement_interieur_from) == (True, 3500)
    fs = r.forced_session
    assert (fs.share, fs.members, fs.deadline_days, fs.basis) == ("un tiers", 22, None, "[@cgct-l2541-2]")
    assert r.bodies["departement"].name == "la Collectivité européenne d'Alsace"
    assert r.bodies["departement"].confidence == "likely"
    assert r.bodies["epci"].name == "l'Eurométropole de Strasbourg"
    assert r.act_recipient.name == "le préfet du Bas-Rhin"
    assert "Fondement du vœu en Alsace-Moselle" in whats(r)


def test_metz_and_a_small_moselle_commune(index):
    metz = regime(index, "57463")
    assert metz.id == "alsace-moselle"
    assert metz.bodies["departement"].name == "le conseil départemental de la Moselle"
    assert metz.bodies["epci"].name == "Metz Métropole"
    assert metz.forced_session.members == math.ceil(metz.council_size / 3)
    small = regime(index, "57001")  # Aboncourt
    assert small.small and small.population < 1000
    conv = small.convocation
    assert (conv.days, conv.urgency, conv.basis, conv.note_de_synthese) == (3, "la veille", "[@cgct-l2541-2]", False)
    assert (small.reglement_interieur, small.reglement_interieur_from) == (False, 3500)
    assert small.forced_session.share == "un tiers"  # one third at any population (L2541-2)
    assert not any("la majorité d'entre eux" in n for n in small.notices)


def test_alsace_moselle_between_1000_and_3500_has_no_compulsory_ri(index):
    r = next(regime(index, c.insee) for c in index.by_departement("68") if 1500 < c.population < 3000)
    assert r.reglement_interieur is False and r.convocation.days == 3
    assert r.forced_session.share == "un tiers"


# -- Corsica and overseas ------------------------------------------------------------------


def test_ajaccio_and_bastia(index):
    r = regime(index, "2A004")
    assert r.id == "corse"
    assert r.act_recipient.name == "le préfet de Corse, préfet de la Corse-du-Sud"
    assert r.act_recipient.a == "au préfet de Corse, préfet de la Corse-du-Sud"
    assert r.camera_authority.name == "le préfet de Corse, préfet de la Corse-du-Sud"
    assert r.bodies["collectivite"].name == "la Collectivité de Corse"
    assert "président du conseil exécutif de Corse" in r.bodies["collectivite"].decides
    assert "departement" not in r.bodies and "region" not in r.bodies
    assert "L. 2121-29" in r.voeu_visas[0]
    bastia = regime(index, "2B033")
    assert bastia.act_recipient.name == "le préfet de la Haute-Corse"
    assert bastia.camera_authority.name == "le préfet de la Haute-Corse"


def test_saint_denis_de_la_reunion(index):
    r = regime(index, "97411")
    assert r.id == "drom" and r.label == "département et région d'outre-mer (La Réunion)"
    assert r.council_title == "Conseil municipal de Saint-Denis"
    assert r.act_recipient.name == "le préfet de La Réunion"
    assert r.bodies["departement"].name == "le conseil départemental de La Réunion"
    assert r.bodies["region"].name == "le conseil régional de La Réunion"
    dp = r.data_protection
    assert (dp.rgpd, dp.directive, dp.lil, dp.ai_act) == (True, True, True, True)
    assert "2024/1689" in whats(r)
    assert "L. 2121-29" in r.voeu_visas[0]


def test_mamoudzou(index):
    r = regime(index, "97611")
    assert r.id == "drom" and "Mayotte" in r.label
    assert r.bodies["collectivite"].name == "le Département-Région de Mayotte"
    assert r.bodies["collectivite"].de == "du Département-Région de Mayotte"
    assert "departement" not in r.bodies and "region" not in r.bodies
    assert r.act_recipient.name == "le préfet de Mayotte"
    assert "2017" in r.population_note
    assert "authentifié" in whats(r)


@pytest.mark.parametrize("code, name", [("97209", "la Collectivité territoriale de Martinique"),
                                        ("97302", "la Collectivité territoriale de Guyane")])
def test_collectivites_territoriales_uniques(index, code, name):
    r = regime(index, code)
    assert r.bodies["collectivite"].name == name
    assert "departement" not in r.bodies and "region" not in r.bodies


def test_saint_pierre_needs_the_flag(index):
    with pytest.raises(UnsupportedCommune) as err:
        regime(index, "97502")
    assert "--allow-overseas" in err.value.message and "Saint-Pierre-et-Miquelon" in err.value.message
    r = regime(index, "97502", allow_overseas=True)
    assert r.id == "spm"
    assert r.council_title == "Conseil municipal de Saint-Pierre"
    assert r.act_recipient.name == "le préfet de Saint-Pierre-et-Miquelon"
    assert r.act_recipient.confidence == "likely"
    dp = r.data_protection
    assert (dp.rgpd, dp.directive, dp.lil, dp.ai_act) == (False, False, True, False)
    assert len(dp.visas) == 1 and "applicable à Saint-Pierre-et-Miquelon" in dp.visas[0]
    assert "règles applicables en métropole en vertu du règlement (UE) 2016/679" in dp.visas[0]
    assert "@rgpd" not in voted_text(r) and "@ai-act" not in voted_text(r)
    assert "L. 2571-1" in r.voeu_visas[0]
    assert r.population == 5194 and r.convocation.days == 5
    assert "titre III" in whats(r)
    miquelon = regime(index, "97501", allow_overseas=True)
    assert miquelon.small and miquelon.convocation.days == 3


def test_polynesie(index):
    with pytest.raises(UnsupportedCommune) as err:
        regime(index, "98735")
    assert "--allow-overseas" in err.value.message
    r = regime(index, "98735", allow_overseas=True)
    assert r.id == "polynesie"
    assert r.act_recipient.name == "le haut-commissaire de la République en Polynésie française"
    assert r.act_recipient.a == "au haut-commissaire de la République en Polynésie française"
    assert r.camera_authority.confidence == "likely"
    assert "ordonnance n° 2007-1434" in r.voeu_visas[0]
    assert r.data_protection.rgpd is False and "en Polynésie française" in r.data_protection.visas[0]


def test_noumea_is_refused_even_with_the_flag(index):
    for flag in (False, True):
        with pytest.raises(UnsupportedCommune) as err:
            regime(index, "98818", allow_overseas=flag)
        assert "code des communes de la Nouvelle-Calédonie" in err.value.message


@pytest.mark.parametrize("code, words", [("97701", "conseil territorial"), ("97801", "conseil territorial"),
                                         ("98613", "circonscriptions"), ("98412", "Terres australes"),
                                         ("98901", "uninhabited"), ("55189", "no inhabitants")])
def test_no_commune_territories(index, code, words):
    with pytest.raises(UnsupportedCommune) as err:
        regime(index, code, allow_overseas=True)
    assert words in err.value.message and index.get(code).insee in err.value.message


# -- communes nouvelles ----------------------------------------------------------------------


def test_saint_denis_93_commune_nouvelle(index):
    r = regime(index, "93066")
    assert r.id == "common" and r.label == "droit commun, commune nouvelle"
    assert "Pierrefitte-sur-Seine" in r.commune_nouvelle
    assert r.council == "le conseil municipal" and r.council_title == "Conseil municipal de Saint-Denis"
    assert r.council_size is None and "L2113-8" in " ".join(c.where for c in r.checks)
    assert r.forced_session.share == "un tiers" and r.forced_session.members is None
    assert r.police_authority.name == "le maire"
    assert any("maire délégué n'a pas de pouvoir de police propre" in n for n in r.notices)
    assert r.bodies["ept"].name == "l'établissement public territorial Plaine Commune"
    assert r.bodies["departement"].name == "le conseil départemental de la Seine-Saint-Denis"
    assert not r.small


def test_annecy_commune_nouvelle(index):
    r = regime(index, "74010")
    assert r.commune_nouvelle == ("Annecy", "Annecy-le-Vieux", "Cran-Gevrier", "Meythet", "Pringy", "Seynod")
    assert r.council_title == "Conseil municipal d'Annecy" and r.running_head == "Commune d'Annecy"
    assert r.bodies["epci"].name == "la communauté d'agglomération du Grand Annecy"
    assert "transport" not in r.bodies


def test_commune_nouvelle_in_alsace_moselle(index):
    r = regime(index, "67004")  # Sommerau, Bas-Rhin
    assert r.id == "alsace-moselle" and "Allenwiller" in r.commune_nouvelle
    assert r.council_size is None and "droit local d'Alsace-Moselle aux règles des communes nouvelles" in whats(r)


def test_communes_deleguees_accessor(index):
    assert ("93059", "Pierrefitte-sur-Seine") in index.communes_deleguees("93066")
    assert index.communes_deleguees("94076") == []


# -- the whole commune file -------------------------------------------------------------------

REFUSED_DEPARTEMENTS = {"988", "977", "978", "986", "984", "989"}
FLAGGED_DEPARTEMENTS = {"975", "987"}


def test_every_commune_and_arrondissement(index, rules):
    everything = list(index.all_communes(None))
    assert len(everything) == 34969 + 45
    refused, flagged = set(), set()
    for c in everything:
        try:
            r = regime_for(c, index=index, rules=rules)
        except UnsupportedCommune as exc:
            assert exc.message.endswith(".")
            try:
                regime_for(c, index=index, rules=rules, allow_overseas=True)
            except UnsupportedCommune:
                refused.add(c.insee)
            else:
                flagged.add(c.insee)
            continue
        _assert_complete(r, c)
    expected_refused = {c.insee for c in everything if c.departement.code in REFUSED_DEPARTEMENTS} | MEUSE_VILLAGES
    expected_flagged = {c.insee for c in everything if c.departement.code in FLAGGED_DEPARTEMENTS}
    assert refused == expected_refused
    assert flagged == expected_flagged
    assert len(expected_flagged) == 2 + 48


def _assert_complete(r: Regime, c) -> None:
    for name in ("id", "label", "council", "council_title", "chair", "chair_feminine", "members",
                 "running_head", "signed_at", "fait_a", "population_note"):
        value = getattr(r, name)
        assert value and "{" not in value and "  " not in value, (c.insee, name, value)
    for body in (r.act_recipient, r.camera_authority, r.police_authority):
        assert body.name and body.de and body.a and body.decides, (c.insee, body)
    assert r.voeu_visas and r.police_visas and r.data_protection.visas
    assert r.convocation is not None and r.population > 0
    assert r.bodies["prefet"] == r.camera_authority
    assert "gouvernement" in r.bodies and "parlement" in r.bodies
    for body in r.bodies.values():
        assert body.name and "  " not in body.name and "{" not in body.name and body.decides, (c.insee, body)
    for check in r.checks:
        assert check.what and check.where and check.why and check.ref
    assert r.small == (c.kind == "commune" and r.population < 1000)
    if c.is_alsace_moselle:  # L2541-1 excludes L2121-29 al. 4; L2542-1 excludes L2212-1/-2
        assert "2121-29" not in voted_text(r) and "2212-" not in voted_text(r)
    else:
        assert "2541-" not in voted_text(r) and "2542-" not in voted_text(r)
    if c.parent_insee == "13055":
        assert "secteur" not in r.council
    if r.forced_session and r.council_size:
        assert 0 < r.forced_session.members <= r.council_size


# -- the rules file ------------------------------------------------------------------------------


def test_rules_cite_known_or_proposed_sources():
    keys = all_citation_keys(load_rules())
    library = set()
    for path in (ROOT / "arguments" / "sources").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        library |= {entry["id"] for entry in (data["references"] if isinstance(data, dict) else data)}
    assert keys <= library, sorted(keys - library)


def test_rules_date_is_the_interface_date():
    assert load_rules().law_checked == LAW_CHECKED


def test_no_uncertainty_words_in_voted_text(index):
    for code in ("94076", "67482", "75056", "75101", "69383", "13213", "2A004", "97611", "93066"):
        text = voted_text(regime(index, code))
        assert not re.search(r"vérifier|probable|UNVERIFIED|LIKELY", text, re.I), code
    for code in ("97502", "98735"):
        text = voted_text(regime(index, code, allow_overseas=True))
        assert not re.search(r"vérifier|probable", text, re.I), code


def test_every_rule_group_names_its_reference_section():
    for spec in load_rules().regimes:
        if "refuse" in spec:
            assert spec["ref"]
            continue
        for group, value in spec.items():
            if isinstance(value, dict) and group not in ("match", "variants"):
                assert re.search(r"(regimes-and-powers|legal-facts|campaign-kit) §", value["ref"]), (spec["id"], group)


def test_a_broken_rules_file_names_file_and_line(tmp_path):
    broken = tmp_path / "regimes.yaml"
    shutil.copy(RULES_FILE, broken)
    text = broken.read_text(encoding="utf-8").replace("      body: prefet-paris\n", "      body: prefet-de-nulle-part\n", 1)
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(LibraryError) as err:
        load_rules(str(broken))
    assert any(re.match(rf"{re.escape(str(broken))}:\d+: unknown body", p) for p in err.value.problems)


def test_forms():
    assert _forms("le préfet du Rhône") == ("du préfet du Rhône", "au préfet du Rhône")
    assert _forms("la Collectivité de Corse") == ("de la Collectivité de Corse", "à la Collectivité de Corse")
    assert _forms("l'Eurométropole de Strasbourg") == ("de l'Eurométropole de Strasbourg", "à l'Eurométropole de Strasbourg")
    assert _forms("Metz Métropole") == ("de Metz Métropole", "à Metz Métropole")
    assert _forms("Île-de-France Mobilités") == ("d'Île-de-France Mobilités", "à Île-de-France Mobilités")


def test_describe_lists_every_part(index):
    lines = regime(index, "75056").describe()
    labels = [line.split(":")[0] for line in lines if not line.startswith(" ")]
    for label in ("regime", "council", "chair", "signatories", "running head", "act goes to",
                  "cameras authorised by", "police", "police shared with", "population", "convocation",
                  "règlement intérieur", "forced session", "vœu basis", "police visas", "data protection",
                  "bodies a vœu may address", "checks (3)", "notices", "law checked"):
        assert label in labels, label
    text = "\n".join(lines)
    assert "préfet de police" in text and "12 jours francs" in text and "55 of 163 members" in text
