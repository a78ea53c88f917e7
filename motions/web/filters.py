"""Small Jinja filters for the pages: French numbers and dates, plain argument forms."""

from __future__ import annotations

import datetime as dt

from .. import inline

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
FACT_NAMES_FR = {
    "cameras": "caméras", "csu": "centre de supervision urbain", "police_municipale": "police municipale",
    "contracts": "contrats", "vsa_software": "logiciel de VSA", "sound_sensors": "capteurs sonores",
    "projects": "projets", "smart_city_project": "projet de ville intelligente", "drones": "drones",
    "prefectoral_authorisations": "autorisations préfectorales", "vendor_offer": "offre d’un fournisseur",
    "session": "séance", "group": "groupe",
}
FEATURES_FR = {"epci": "une intercommunalité", "ept": "un établissement public territorial",
               "metropole": "une métropole"}
ZONES_FR = {"metro": "métropole", "drom": "outre-mer (DROM)", "com": "collectivités d’outre-mer"}


def milliers(n: int) -> str:
    """55490 -> « 55 490 » (narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def date_fr(day) -> str:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def forme(entry, name: str) -> str:
    """An argument's form as a reader sees it, citations left out."""
    return typo(inline.plain(entry.forms.get(name, ())))


def extract(key, mapping) -> str:
    return mapping.get(key, key)


def condition_fr(cond) -> str:
    parts = []
    if cond.facts:
        parts.append("si ces faits locaux sont renseignés : " + ", ".join(FACT_NAMES_FR.get(f, f) for f in cond.facts))
    if cond.commune_has:
        parts.append("si la commune appartient à " + " et à ".join(FEATURES_FR.get(f, f) for f in cond.commune_has))
    if cond.min_population is not None:
        parts.append(f"à partir de {milliers(cond.min_population)} habitants")
    if cond.max_population is not None:
        parts.append(f"jusqu’à {milliers(cond.max_population)} habitants")
    if cond.zones:
        parts.append("en " + ", ".join(ZONES_FR.get(z, z) for z in cond.zones))
    return " ; ".join(parts) or "toujours"


def fact_name(name: str) -> str:
    return FACT_NAMES_FR.get(name, name)


def majuscule(text: str) -> str:
    """The first letter in capitals, the rest untouched (Jinja's capitalize lowers it)."""
    return text[:1].upper() + text[1:]


def typo(text: str) -> str:
    """French typography (apostrophes, spaces before « ; : ! ? »), as the documents have it."""
    from ..typography import french

    return french(text or "")


def install(app) -> None:
    for f in (milliers, date_fr, forme, extract, condition_fr, fact_name, majuscule, typo):
        app.add_template_filter(f)
