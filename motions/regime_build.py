"""Build the :class:`~motions.regime.Regime` record of one commune from the rules.

The steps, each a small function: choose the regime whose ``match`` fits (or
refuse, with the rule's sentence), lay the département's variant and every
matching modifier over it, work out the population the thresholds use, then
fill each field from its rule group. Nothing here knows a département code or
a city: those live in ``motions/data/regimes.yaml``.
"""

from __future__ import annotations

import math
import re

from .regime import Body, Check, Convocation, DataProtection, ForcedSession, Regime
from .regime_rules import Rules, body_roles, load_rules, matches, merge
from .typography import number_fr, ordinal_fr

#: Below this population a commune is "small" (``Regime.small``), and the
#: campaign uses the short vœu. Why 1,000 and not another figure: it is where
#: the law of the council changes for the small commune. Below 1,000
#: inhabitants no règlement intérieur is compulsory (CGCT L2121-8), so no
#: tabling deadline is set by one and the agenda is the mayor's; forcing a
#: sitting takes a majority of the members, not a third (L2121-9); and the
#: « réputé complet » rule of loi n° 2025-444 (L2121-2-1) lets such councils sit
#: with 5, 9 or 13 members, its last bracket ending at 999
#: (regimes-and-powers §8).
SMALL_COMMUNE_BELOW = 1000
#: The Métropole du Grand Paris (SIREN): an EPCI whose motions never invoke L5211-60,
#: since nothing checked shows it holds the crime-prevention competence it needs.
GRAND_PARIS = "200054781"

_ARR_NUMBER = re.compile(r"^(\d+)(?:er|e) arrondissement")
_SHARES = {
    "un tiers": lambda size: math.ceil(size / 3),  # « le tiers au moins » (L2121-9, L2541-2)
    "la majorité": lambda size: size // 2 + 1,
}


def build(commune, *, allow_overseas: bool = False, index=None, rules: Rules | None = None) -> Regime:
    from . import communes as communes_module

    rules = rules or load_rules()
    index = index or communes_module.load()
    deleguees = [] if commune.kind == "arrondissement" else index.communes_deleguees(commune.insee)
    facts = _facts(commune, deleguees)
    spec = _choose(rules, facts)
    ctx = _context(commune, rules, spec, index)
    if "refuse" in spec:
        raise _unsupported(_fill(spec["refuse"], ctx))
    if spec.get("overseas") and not allow_overseas:
        raise _unsupported(_fill(spec["overseas"], ctx))
    variant = commune.departement.code if commune.departement.code in (spec.get("variants") or {}) else None
    spec = _with_variant(rules, spec["id"], variant)
    population, population_note = _population(commune, spec, rules, ctx, index)
    facts["population"] = population
    spec, extra_bodies, suffixes = _with_modifiers(rules, spec["id"], variant, _modifiers_for(rules, facts))
    ctx["population"] = number_fr(population)
    return _record(commune, spec, rules, ctx, population, population_note, extra_bodies, suffixes, deleguees)


# -- choosing the rules ---------------------------------------------------------


def _facts(commune, deleguees: list) -> dict:
    """What a rule's ``match`` may test about a commune."""
    return {
        "insee": commune.insee,
        "parent": commune.parent_insee or "",
        "departement": commune.departement.code,
        "region": commune.region.code,
        "epci": commune.epci.code if commune.epci else "",
        "population": commune.population,
        "has_deleguees": bool(deleguees),
    }


def _choose(rules: Rules, facts: dict) -> dict:
    """The first regime whose (non-empty) match fits; the default one otherwise."""
    default = None
    for regime in rules.regimes:
        match = regime.get("match") or {}
        if not match:
            default = regime
        elif matches(match, facts):
            return regime
    return default


def _modifiers_for(rules: Rules, facts: dict) -> tuple[int, ...]:
    """The positions of the modifiers that apply to the commune, in file order."""
    return tuple(
        i for i, modifier in enumerate(rules.modifiers)
        if matches(modifier["match"], facts)
        and not (modifier.get("exclude") and matches(modifier["exclude"], facts))
    )


# Merging copies the rule groups; a few hundred combinations of regime,
# variant and modifiers cover every commune, so each is merged once per Rules
# object (``rules.merged``). The results are never mutated.
def _with_variant(rules: Rules, regime_id: str, variant: str | None) -> dict:
    key = ("variant", regime_id, variant)
    if key not in rules.merged:
        spec = next(r for r in rules.regimes if r["id"] == regime_id)
        rules.merged[key] = merge(spec, spec["variants"][variant]) if variant else spec
    return rules.merged[key]


def _with_modifiers(rules: Rules, regime_id: str, variant: str | None,
                    applied: tuple[int, ...]) -> tuple[dict, dict, list]:
    key = ("modifiers", regime_id, variant, applied)
    if key not in rules.merged:
        rules.merged[key] = _lay_modifiers(rules, regime_id, variant, applied)
    return rules.merged[key]


def _lay_modifiers(rules: Rules, regime_id: str, variant: str | None,
                   applied: tuple[int, ...]) -> tuple[dict, dict, list]:
    """Lay the applicable modifiers over the regime, in file order."""
    spec = _with_variant(rules, regime_id, variant)
    extra_bodies: dict[str, str] = {}
    suffixes: list[str] = []
    for i in applied:
        modifier = rules.modifiers[i]
        groups = {k: v for k, v in modifier.items()
                  if k not in ("id", "match", "exclude", "ref", "label_suffix", "add_bodies")}
        spec = merge(spec, groups)
        extra_bodies.update(modifier.get("add_bodies") or {})
        if modifier.get("label_suffix"):
            suffixes.append(modifier["label_suffix"])
    return spec, extra_bodies, suffixes


# -- the words of a commune -------------------------------------------------------


def _context(commune, rules: Rules, spec: dict, index) -> dict:
    """The values the rules' French strings may use ({de}, {dep_de}, {pair}...)."""
    city = index.get(commune.parent_insee) if commune.kind == "arrondissement" else commune
    dep, region = commune.departement, commune.region
    ctx = {
        "label": f"{commune.display_name} ({commune.insee})",
        "name": city.name,
        "de": city.de,
        "a": city.a,
        "city": city.name,
        "dep_de": dep.de,
        "dep_le": dep.le,
        "dep_name": dep.name,
        "dans": dep.dans,
        "region_de": region.de,
        "epci_le": commune.epci.le if commune.epci else "",
        "ept_le": commune.ept.le if commune.ept else "",
        "arr": "",
        "pair": "",
        "secteur": "",
        "population": number_fr(commune.population),
    }
    ctx = {k: " ".join(v.split()) for k, v in ctx.items()}  # data names may hold double spaces
    m = _ARR_NUMBER.match(commune.display_name) if commune.kind == "arrondissement" else None
    if m:
        n = int(m.group(1))
        ctx["arr"] = f"{ordinal_fr(n)} arrondissement"
        secteurs = rules.marseille_secteurs
        if commune.parent_insee == secteurs["parent"]:
            number, pair = _secteur_of(n, secteurs)
            ctx["pair"] = f"{ordinal_fr(pair[0])} et {ordinal_fr(pair[1])} arrondissements"
            ctx["secteur"] = f"{ordinal_fr(number)} secteur"
            ctx["secteur_codes"] = [f"{secteurs['parent'][:2]}2{k:02d}" for k in pair]
    return ctx


def _secteur_of(n: int, secteurs: dict) -> tuple[int, list[int]]:
    for number, pair in secteurs["pairs"].items():
        if n in pair:
            return int(number), sorted(pair)
    raise ValueError(f"arrondissement {n} of Marseille is in no secteur of the rules")


def _fill(text: str, ctx: dict) -> str:
    """A rule's French string with its placeholders filled (the rules' strings
    are already on one line: see ``regime_rules._one_line``)."""
    return text.format_map(ctx)


# -- population -----------------------------------------------------------------


def _population(commune, spec: dict, rules: Rules, ctx: dict, index) -> tuple[int, str]:
    """The population the thresholds use, and the French note saying which it is."""
    rule = spec["population"]
    notes = rules.population
    if rule["rule"] == "sum":
        codes = ctx["secteur_codes"] if rule["group"] == "secteur" else rule["group"]
        population = sum(index.get(code).population for code in codes)
        note = _fill(notes["note_sum"], {**ctx, "population": number_fr(population),
                                         "parts": _fill(rule["parts"], ctx)})
        return population, note
    template = notes["note_by_departement"].get(commune.departement.code) or notes[rule.get("note", "note")]
    return commune.population, _fill(template, ctx)


def _near_thresholds(population: int, spec: dict, rules: Rules, ctx: dict) -> list[Check]:
    """A check for each threshold the population is within the margin of."""
    found: dict[int, list[str]] = {}
    thresholds = spec["population"].get("thresholds") or []
    if not thresholds or population <= 0:
        return []
    for item in thresholds:
        found.setdefault(item["at"], []).append(_fill(item["rules"], ctx))
    size_rules = rules.population["council_size"]
    if spec["council_size"]["rule"] == "table":
        for limit, _ in size_rules["table"]:
            found.setdefault(limit, []).append(size_rules["rules"])
    margin = rules.population["margin"]
    template = rules.population["near_threshold"]
    checks = []
    for at in sorted(found):
        if abs(population - at) <= margin * at:
            values = {**ctx, "threshold": number_fr(at), "rules": " ; ".join(found[at])}
            checks.append(Check(_fill(template["what"], values), _fill(template["where"], values),
                                _fill(template["why"], values), ref=spec["population"]["ref"]))
    return checks


def _council_size(population: int, group: dict, rules: Rules) -> int | None:
    if group["rule"] == "fixed":
        return int(group["size"])
    if group["rule"] == "none":
        return None
    table = rules.population["council_size"]
    for limit, size in table["table"]:
        if population < limit:
            return size
    return table["above"]


# -- the record -----------------------------------------------------------------


def _body(bid: str, rules: Rules, ctx: dict, overrides: dict | None = None) -> Body:
    spec = {**rules.bodies[bid], **{k: v for k, v in (overrides or {}).items() if k != "body" and k != "ref"}}
    name = _fill(spec["name"], ctx)
    de, a = _forms(name)
    return Body(
        id=bid,
        name=name,
        de=_fill(spec["de"], ctx) if "de" in spec else de,
        a=_fill(spec["a"], ctx) if "a" in spec else a,
        decides=_fill(spec.get("decides", ""), ctx),
        basis=spec.get("basis", ""),
        confidence=spec.get("confidence", "confirmed"),
    )


def _forms(name: str) -> tuple[str, str]:
    """The "de" and "à" forms of a name in running text: "le préfet du Rhône" ->
    ("du préfet du Rhône", "au préfet du Rhône"); "Île-de-France Mobilités" ->
    ("d'Île-de-France Mobilités", "à Île-de-France Mobilités")."""
    for article, de, a in (("le ", "du ", "au "), ("les ", "des ", "aux "), ("la ", "de la ", "à la "),
                           ("l'", "de l'", "à l'")):
        if name.startswith(article):
            rest = name[len(article):]
            return de + rest, a + rest
    from .communes import _starts_with_vowel

    return ("d'" if _starts_with_vowel(name) else "de ") + name, "à " + name


def _pick(rules_list: list[dict], population: int) -> dict:
    """The first rule whose ``below`` the population is under; the last otherwise."""
    for rule in rules_list:
        if "below" not in rule or population < rule["below"]:
            return rule
    return rules_list[-1]


def _convocation(group: dict, population: int) -> Convocation | None:
    if group.get("none"):
        return None
    rule = _pick(group["rules"], population)
    return Convocation(
        days=rule["days"], franc=rule["franc"], urgency=rule["urgency"], basis=rule["basis"],
        note_de_synthese=rule["note_de_synthese"], practice_days=rule.get("practice_days"),
    )


def _forced_session(group: dict, population: int, size: int | None) -> ForcedSession | None:
    if group.get("none"):
        return None
    rule = _pick(group["rules"], population)
    share = rule["share"]
    return ForcedSession(
        share=share,
        members=_SHARES[share](size) if size else None,
        deadline_days=rule.get("deadline_days"),
        basis=rule["basis"],
    )


def _reglement_interieur(group: dict, population: int) -> tuple[bool | None, int | None]:
    if group.get("always"):
        return True, None
    if group.get("unknown"):
        return None, None
    return population >= group["from"], group["from"]


def _data_protection(spec: dict, rules: Rules, ctx: dict) -> DataProtection:
    dp = rules.data_protection[spec["data_protection"]["use"]]
    return DataProtection(
        rgpd=dp["rgpd"], directive=dp["directive"], lil=dp["lil"], ai_act=dp["ai_act"],
        visas=tuple(_fill(v, ctx) for v in dp["visas"]),
        purpose_clause=_fill(dp["purpose_clause"], ctx),
        csi=bool(dp.get("csi_visas")),
        csi_visas=tuple(_fill(v, ctx) for v in dp.get("csi_visas", ())),
    )


def _bodies(commune, spec: dict, rules: Rules, ctx: dict, extra: dict, camera: Body) -> dict[str, Body]:
    """The bodies a vœu may address: the regime's list (an EPCI or EPT only where
    the commune has one), then the transport authority a modifier names, then the
    camera authority under "prefet"."""
    bodies: dict[str, Body] = {}
    for role, bid in body_roles(spec["bodies"]["list"]):
        if bid == "epci" and commune.epci is None or bid == "ept" and commune.ept is None:
            continue
        if bid == "epci" and commune.epci.code == GRAND_PARIS:
            bid = "mgp"  # filed as "epci", but not asked to act under L5211-60
        bodies[role] = _body(bid, rules, ctx)
    for role, bid in extra.items():
        bodies[role] = _body(bid, rules, ctx)
    bodies["prefet"] = camera
    return bodies


def _checks(spec: dict, rules: Rules, ctx: dict, population: int, ri: bool | None,
            commune) -> tuple[Check, ...]:
    checks: list[Check] = []
    for group_name in ("council_size", "convocation", "reglement_interieur"):
        group = spec[group_name]
        if group.get("check") and not (group_name == "reglement_interieur" and ri is False):
            checks.append(_check(group["check"], group["ref"], ctx))
    extra = rules.population.get("check_by_departement", {}).get(commune.departement.code)
    if extra:
        checks.append(_check(extra, rules.population["ref"], ctx))
    checks += _near_thresholds(population, spec, rules, ctx)
    checks += [_check(item, item["ref"], ctx) for item in spec.get("checks") or []]
    return tuple(checks)


def _check(item: dict, ref: str, ctx: dict) -> Check:
    return Check(_fill(item["what"], ctx), _fill(item["where"], ctx), _fill(item.get("why", ""), ctx), ref=ref)


def _refs(spec: dict) -> tuple[str, ...]:
    found: list[str] = []
    for value in spec.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and item.get("ref") and item["ref"] not in found:
                found.append(item["ref"])
    return tuple(found)


def _record(commune, spec, rules, ctx, population, population_note, extra_bodies, suffixes, deleguees) -> Regime:
    names = {k: _fill(v, ctx) for k, v in spec["names"].items() if k != "ref"}
    police = spec["police"]
    camera = _body(spec["camera_authority"]["body"], rules, ctx, spec["camera_authority"])
    size = _council_size(population, spec["council_size"], rules)
    ri, ri_from = _reglement_interieur(spec["reglement_interieur"], population)
    bodies = _bodies(commune, spec, rules, ctx, extra_bodies, camera)
    notices = [_fill(n["text"], ctx) for n in spec.get("notices") or []]
    if "transport" not in bodies:
        notices.append(_fill(rules.no_transport_notice["text"], ctx))
    label = ", ".join([_fill(spec["label"], ctx)] + suffixes)
    return Regime(
        id=spec["id"],
        label=label,
        council=names["council"],
        council_title=names["council_title"],
        chair=names["chair"],
        members=names["members"],
        running_head=names["running_head"],
        collectivity=names.get("collectivity", "la commune"),
        territory_de=names.get("territory_de") or commune.de,
        territory_a=names.get("territory_a") or commune.a,
        signed_at=names["signed_at"],
        act_recipient=_body(spec["act_recipient"]["body"], rules, ctx, spec["act_recipient"]),
        camera_authority=camera,
        police_authority=_body(police["authority"]["body"], rules, ctx, police["authority"]),
        council_size=size,
        population=population,
        population_note=population_note,
        convocation=_convocation(spec["convocation"], population),
        reglement_interieur=ri,
        forced_session=_forced_session(spec["forced_session"], population, size),
        voeu_visas=tuple(_fill(v, ctx) for v in spec["voeu"]["visas"]),
        police_visas=tuple(_fill(v, ctx) for v in police["visas"]),
        data_protection=_data_protection(spec, rules, ctx),
        bodies=bodies,
        can_deliberate=bool(spec["voeu"]["can_deliberate"]),
        members_table_deliberations=bool(spec["voeu"].get("members_table_deliberations", True)),
        small=commune.kind == "commune" and population < SMALL_COMMUNE_BELOW,
        commune_nouvelle=tuple(name for _, name in deleguees),
        checks=_checks(spec, rules, ctx, population, ri, commune),
        notices=tuple(notices),
        law_checked=rules.law_checked,
        chair_feminine=names["chair_feminine"],
        fait_a=names["fait_a"],
        police_shared_with=(_body(police["shared_with"]["body"], rules, ctx, police["shared_with"])
                            if police.get("shared_with") else None),
        reglement_interieur_from=ri_from,
        refs=_refs(spec),
    )


def _unsupported(message: str):
    from .errors import UnsupportedCommune

    return UnsupportedCommune(message)
