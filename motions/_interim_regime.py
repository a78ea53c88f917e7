"""Interim: a Regime built from the old procedure rules, until the regime data lands.

Deleted when ``motions.regime.regime_for`` exists (the regime work).
"""

from __future__ import annotations

from . import procedure
from .regime import Body, Convocation, DataProtection, ForcedSession, Regime


def _body(id_, name, de, a, decides=""):
    return Body(id_, name, de, a, decides)


def regime_for(commune, *, allow_overseas: bool = False) -> Regime:
    old = procedure.regime_for(commune, allow_overseas=allow_overseas)
    dep = commune.departement
    prefet = _body("prefet", f"le préfet {dep.de}", f"du préfet {dep.de}", f"au préfet {dep.de}")
    bodies = {"prefet": prefet, "state": _body("state", "l’État", "de l’État", "à l’État")}
    if commune.ept:
        bodies["ept"] = _body("ept", commune.ept.le, commune.ept.de, "à " + commune.ept.le)
    elif commune.epci and commune.epci.kind != "metropole":
        bodies["epci"] = _body("epci", commune.epci.le, commune.epci.de, "à " + commune.epci.le)
    if commune.metropole:
        bodies["metropole"] = _body("metropole", commune.metropole.le, commune.metropole.de, "à " + commune.metropole.le)
    if old.arrondissement and commune.parent is not None:
        bodies["parent-council"] = _body("parent-council", f"le conseil municipal {commune.parent.de}",
                                         f"du conseil municipal {commune.parent.de}", f"au conseil municipal {commune.parent.de}")
    council = "le " + old.council_name if not old.council_name.startswith("Conseil") else "le " + old.council_name
    running = f"Commune {commune.de}" if commune.kind == "commune" else commune.display_name
    size = old.council_size
    return Regime(
        id="alsace-moselle" if old.alsace_moselle else "arrondissement" if old.arrondissement else "common",
        label="interim", council=council, council_title=old.council_full, chair="le maire",
        members="conseillères et conseillers municipaux", running_head=running,
        signed_at=commune.parent.name if old.arrondissement and commune.parent else commune.name,
        act_recipient=prefet, camera_authority=prefet,
        police_authority=_body("mayor", "le maire", "du maire", "au maire"),
        council_size=size, population=commune.population, population_note="",
        convocation=Convocation(old.convocation_days or 3, True, "1 jour franc", "[@cgct-l2121-12]",
                                bool(old.note_de_synthese)) if old.convocation_days else None,
        reglement_interieur=old.reglement_interieur,
        forced_session=ForcedSession("un tiers", -(-size // 3) if size else None, 30, "") if size else None,
        voeu_visas=(), police_visas=(),
        data_protection=DataProtection(True, True, True, True, ()),
        bodies=bodies, can_deliberate=old.can_deliberate, small=commune.population < 1000,
        notices=old.notices,
    )
