"""Which arguments a motion carries, in which order, and why.

The rules, in order:

1. Arguments the user chose (``--arguments``) are taken as given, in order,
   unless they cannot apply here (a condition fails, or the argument is local
   to another place): then they are refused with the reason.
2. Otherwise the candidates are, in this order: the arguments local to this
   commune (its own story: ``place``), those the template lists, then those of
   the template's themes. A local argument of another place is never used.
3. A candidate is left out when its condition does not hold, when an argument
   already chosen makes the same ``point``, or when its considérant rests only
   on campaign pages or essays (those may inform the exposé des motifs,
   attributed, never a considérant).
4. The motion takes between the template's minimum and maximum number of
   considérants (fewer for a small commune's short vœu), and answers the
   objections the template requires (security and deterrence by default): if
   none of the chosen arguments answers one, the best candidate that does
   replaces the last argument that answers nothing required.

Every decision is recorded with its reason, for ``motions explain``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnknownItem
from ..facts import Facts
from ..library import ArgumentEntry, Library, MotionTemplate
from ..schema import AUTHORITATIVE_KINDS, Condition


@dataclass(frozen=True)
class Decision:
    """Why an argument was or was not included (for ``motions explain``)."""

    argument_id: str
    included: bool
    reason: str  # English, for `motions explain`
    local: bool = False
    fr: str = ""  # the same in French, for the group's dossier
    code: str = ""  # the kind of reason: a key of MESSAGES


#: Why an argument is in or out: (English for `explain`, French for the dossier).
MESSAGES = {
    "condition": ("{why}", "ne s’applique pas ici ({why_fr})"),
    "foreign-law": ("cites @{key}, which does not apply as such here ({regime})",
                    "cite un texte qui ne s’applique pas tel quel ici ({regime})"),
    "same-point": ("makes the same point ({point}) as {other}", "même point que « {other} »"),
    "not-authoritative": ("its considérant rests only on campaign pages or essays",
                          "son considérant ne repose que sur des pages de campagne ou des essais"),
    "count": ("the motion takes at most {n} considérants here", "le texte compte déjà {n} considérants"),
    "chosen": ("{origin}; {why}", "{origin_fr}"),
    "user": ("chosen by the user; {why}", "choisi par le groupe"),
    "user-refused": ("chosen by the user, but {why}", "choisi par le groupe, mais {why_fr}"),
    "gave-way": ("gave way to {other}, which answers the objection '{objection}'",
                 "remplacé par « {other} », qui répond à l’objection « {objection} »"),
    "answers": ("answers the objection '{objection}', which the motion must answer",
                "répond à l’objection « {objection} », à laquelle le texte doit répondre"),
    "too-few": ("only {n} arguments apply; the template asks for {low}",
                "seuls {n} arguments s’appliquent ici ; le modèle en prévoit {low}"),
    "deliberation-dropped": ("the délibération articles are left out: this council can only adopt vœux",
                             "les articles de délibération sont retirés : ce conseil ne peut adopter que des vœux"),
}


def decide(argument_id: str, included: bool, code: str, local: bool = False, **params) -> Decision:
    en, fr = MESSAGES[code]
    params.setdefault("why_fr", params.get("why", ""))
    return Decision(argument_id, included, en.format(**params), local, fr.format(**params), code)


@dataclass(frozen=True)
class Selection:
    chosen: tuple[ArgumentEntry, ...]
    decisions: tuple[Decision, ...]
    unanswered: tuple[str, ...] = ()  # required objections no argument answers


def condition_holds(cond: Condition | None, commune, facts: Facts, regime=None) -> tuple[bool, str]:
    if cond is None:
        return True, "always applies"
    if cond.regime_has and regime is not None:
        missing = [f for f in cond.regime_has if f not in regime.features]
        if missing:
            return False, f"the regime ({regime.id}) lacks: {', '.join(missing)}"
    for name in cond.facts:
        if not facts.known(name):
            return False, f"needs the local fact '{name}', not given"
    for feature in cond.commune_has:
        value = {"epci": commune.epci, "ept": commune.ept, "metropole": commune.metropole}[feature]
        if value is None:
            return False, f"the commune has no {feature}"
    if cond.min_population is not None and commune.population < cond.min_population:
        return False, f"population {commune.population} < {cond.min_population}"
    if cond.max_population is not None and commune.population > cond.max_population:
        return False, f"population {commune.population} > {cond.max_population}"
    if cond.zones and commune.zone not in cond.zones:
        return False, f"zone {commune.zone} not in {', '.join(cond.zones)}"
    return True, "condition holds: " + cond.describe()


def is_here(entry: ArgumentEntry, commune) -> bool:
    """Is this argument local to ``commune`` (its place names it, its EPCI,
    département or région)? Arguments without a place are not local anywhere."""
    place = entry.argument.place
    if place is None:
        return False
    insee = {commune.insee, getattr(commune, "parent_insee", None) or commune.insee}
    epci = commune.epci.code if commune.epci else None
    return bool(insee & set(place.communes) or (epci and epci in place.epci)
                or commune.departement.code in place.departements or commune.region.code in place.regions)


def inapplicable_source(lib: Library, entry: ArgumentEntry, regime) -> str | None:
    """A source the argument cites that does not apply in this regime
    (``custom.requires`` names the regime feature it needs: the RGPD as such,
    the common-law CGCT articles…), or None."""
    if regime is None:
        return None
    for key in entry.keys():
        custom = lib.sources.get(key, {}).get("custom") or {}
        needed = custom.get("requires") if isinstance(custom, dict) else None
        if needed and needed not in regime.features:
            return key
    return None


def authoritative(lib: Library, entry: ArgumentEntry) -> bool:
    """Does the considérant rest on at least one source of an authoritative
    kind (law, court, public authority, research)? Unknown kinds count as
    authoritative: the library check reports sources without a kind."""
    kinds = [lib.source_kind(k) for k in entry.keys("considerant")]
    return any(k is None or k in AUTHORITATIVE_KINDS for k in kinds)


def select(lib: Library, motion: MotionTemplate, commune, facts: Facts, *, explicit=(), themes=(),
           regime=None) -> Selection:
    meta = motion.meta
    small = bool(regime is not None and regime.small)
    if explicit:
        return _explicit(lib, commune, facts, explicit, regime)
    for theme in themes:
        if theme not in lib.themes:
            raise UnknownItem(f"there is no theme '{theme}'; themes are: {', '.join(lib.themes)}.")
    wanted = set(themes) or set(meta.themes)
    low, high = meta.small_considerants if small else meta.considerants
    decisions: list[Decision] = []
    chosen: list[ArgumentEntry] = []
    points: dict[str, str] = {}
    for entry, origin in _candidates(lib, meta, commune, wanted, bool(themes)):
        arg = entry.argument
        local = origin == "local"
        ok, why = condition_holds(arg.applies_when, commune, facts, regime)
        foreign = inapplicable_source(lib, entry, regime)
        if not ok:
            decisions.append(decide(arg.id, False, "condition", local, why=why, why_fr=_why_fr(arg.applies_when)))
        elif foreign:
            decisions.append(decide(arg.id, False, "foreign-law", local, key=foreign, regime=regime.label))
        elif arg.point and arg.point in points:
            decisions.append(decide(arg.id, False, "same-point", local, point=arg.point, other=points[arg.point]))
        elif not authoritative(lib, entry):
            decisions.append(decide(arg.id, False, "not-authoritative", local))
        elif len(chosen) >= high:
            decisions.append(decide(arg.id, False, "count", local, n=high))
        else:
            chosen.append(entry)
            if arg.point:
                points[arg.point] = arg.id
            decisions.append(decide(arg.id, True, "chosen", local, origin=_origin_text(origin, arg, wanted),
                                    origin_fr=_origin_fr(origin), why=why))
    chosen, decisions, unanswered = _answer(lib, meta, commune, facts, chosen, decisions, points, high, regime)
    if len(chosen) < low:
        decisions.append(decide("(count)", False, "too-few", n=len(chosen), low=low))
    return Selection(tuple(chosen), tuple(decisions), tuple(unanswered))


def _explicit(lib: Library, commune, facts: Facts, explicit, regime=None) -> Selection:
    decisions, chosen = [], []
    for aid in dict.fromkeys(explicit):  # a repeated id is taken once
        entry = lib.argument(aid)
        ok, why = condition_holds(entry.argument.applies_when, commune, facts, regime)
        if entry.argument.place is not None and not is_here(entry, commune):
            ok, why = False, f"it is local to {entry.argument.place.describe()}"
        foreign = inapplicable_source(lib, entry, regime)
        if ok and foreign:
            ok, why = False, f"it cites @{foreign}, which does not apply as such here"
        if not ok:
            decisions.append(decide(aid, False, "user-refused", why=why, why_fr=_why_fr(entry.argument.applies_when)))
            continue
        chosen.append(entry)
        decisions.append(decide(aid, True, "user", is_here(entry, commune), why=why))
    return Selection(tuple(chosen), tuple(decisions))


def _candidates(lib: Library, meta, commune, wanted: set[str], restricted: bool):
    """(entry, origin) in order: local, listed by the template, by theme."""
    seen: set[str] = set()
    args = [e for e in lib.arguments.values() if e.argument.kind in ("argument", "rebuttal")]
    for entry in args:
        if entry.argument.place is not None and is_here(entry, commune) and set(entry.argument.themes) & wanted:
            seen.add(entry.argument.id)
            yield entry, "local"
    for aid in meta.arguments:
        entry = lib.arguments.get(aid)
        if entry is None or aid in seen or (restricted and not set(entry.argument.themes) & wanted):
            continue
        seen.add(aid)
        if entry.argument.place is None:
            yield entry, "listed"
    for entry in args:
        arg = entry.argument
        if arg.id in seen or arg.kind != "argument" or arg.place is not None or not set(arg.themes) & wanted:
            continue
        seen.add(arg.id)
        yield entry, "theme"


def _origin_fr(origin: str) -> str:
    return {"local": "argument propre à la commune, placé en tête", "listed": "retenu par le modèle",
            "theme": "thème du modèle"}[origin]


def _why_fr(cond) -> str:
    if cond is None:
        return "condition non remplie"
    if cond.facts:
        return "il faut renseigner le fait local « " + ", ".join(cond.facts) + " »"
    return "condition non remplie pour cette commune"


def _origin_text(origin: str, arg, wanted: set[str]) -> str:
    if origin == "local":
        return f"local to this commune ({arg.place.describe()}), ranked first"
    if origin == "listed":
        return "listed by the template"
    return "theme " + ", ".join(sorted(set(arg.themes) & wanted))


def _answer(lib, meta, commune, facts, chosen, decisions, points, high, regime=None):
    """Make sure the required objections are answered (see the module docstring)."""
    unanswered = []
    for objection in meta.answers:
        if any(objection in e.argument.answers for e in chosen):
            continue
        remaining = {o for o in meta.answers if not any(o in e.argument.answers for e in chosen)}
        eligible = [e for e in lib.arguments.values()
                    if objection in e.argument.answers and e not in chosen
                    and (e.argument.place is None or is_here(e, commune))
                    and condition_holds(e.argument.applies_when, commune, facts, regime)[0]
                    and not inapplicable_source(lib, e, regime)
                    and not (e.argument.point and e.argument.point in points)
                    and authoritative(lib, e)]
        # one argument answering several required objections beats two; the
        # template's own list beats the rest of the library
        pick = min(eligible, default=None, key=lambda e: (
            -len(set(e.argument.answers) & remaining), e.argument.id not in meta.arguments,
            eligible.index(e)))
        if pick is None:
            unanswered.append(objection)
            continue
        if len(chosen) >= high:
            required = set(meta.answers)
            drop = next((e for e in reversed(chosen) if not set(e.argument.answers) & required
                         and not is_here(e, commune)), None)
            if drop is None:
                unanswered.append(objection)
                continue
            chosen.remove(drop)
            if drop.argument.point:
                points.pop(drop.argument.point, None)
            decisions = [d for d in decisions if d.argument_id != drop.argument.id]
            decisions.append(decide(drop.argument.id, False, "gave-way", other=pick.argument.id, objection=objection))
        chosen.append(pick)
        if pick.argument.point:
            points[pick.argument.point] = pick.argument.id
        decisions = [d for d in decisions if d.argument_id != pick.argument.id]
        decisions.append(decide(pick.argument.id, True, "answers", objection=objection))
    return chosen, decisions, unanswered
