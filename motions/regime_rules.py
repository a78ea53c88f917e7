"""The regime rules file (``motions/data/regimes.yaml``): loading and checking.

The rules are data so that a lawyer can read and correct them without reading
Python, and so that every rule carries the section of the reference sheet it
comes from. This module only reads the file, resolves ``extends`` between
regimes, and checks the whole file at once (every problem reported with its
``file:line``), so that a slip in the data fails loudly at the first use and in
the tests, never as a half-built motion. :mod:`motions.regime` builds the
:class:`~motions.regime.Regime` record from what this returns.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field

from . import yamlfiles

RULES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "regimes.yaml")

#: The groups every regime (other than a refusal) must end up with, after ``extends``.
GROUPS = (
    "names", "act_recipient", "camera_authority", "police", "council_size", "population",
    "convocation", "reglement_interieur", "forced_session", "voeu", "data_protection", "bodies",
)
#: The fields of the ``names`` group.
NAME_FIELDS = (
    "council", "council_title", "chair", "chair_feminine", "members", "running_head", "signed_at", "fait_a",
)
#: Lists a child regime adds to its parent's instead of replacing.
LISTS = ("checks", "notices")
MATCH_KEYS = frozenset(
    {"insee", "parent", "departement", "region", "epci", "population", "population_below", "has_deleguees"}
)
_CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
_KEY = re.compile(r"@([\w:.#$%&+?<>~/-]+)")


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key for the merged specs
class Rules:
    """The checked rules: regimes in matching order, already merged with their
    parents; modifiers; bodies; data-protection sets; the rest as read."""

    regimes: tuple[dict, ...]
    modifiers: tuple[dict, ...]
    bodies: dict
    data_protection: dict
    population: dict
    marseille_secteurs: dict
    no_transport_notice: dict
    law_checked: object
    raw: dict = field(repr=False, default_factory=dict)
    #: Specs merged for a (regime, variant, modifiers) combination, built once
    #: per Rules object (a few hundred cover every commune; never mutated).
    merged: dict = field(repr=False, default_factory=dict)


def matches(match: dict, facts: dict) -> bool:
    """Whether a ``match`` (every key must fit; a list means any of) fits the
    commune ``facts`` (see ``regime._facts``). An empty match fits everything."""
    for key, wanted in match.items():
        if key == "population_below":
            if not facts["population"] < wanted:
                return False
        elif key in ("population", "has_deleguees"):
            if facts[key] != wanted:
                return False
        elif facts.get(key) not in [str(w) for w in wanted]:
            return False
    return True


def citation_keys(text: str) -> set[str]:
    """The source keys cited in ``text`` ("[@a; @b, art. 3]" gives {"a", "b"})."""
    keys: set[str] = set()
    for cluster in _CITATION.findall(text or ""):
        keys.update(k.rstrip(".,;:") for k in _KEY.findall(cluster))
    return keys


def all_citation_keys(rules: Rules) -> set[str]:
    """Every source key the rules cite, for the check against the bibliography."""
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, str):
            keys.update(citation_keys(node))
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(rules.raw)
    return keys


def load_rules(path: str = RULES_FILE) -> Rules:
    """Read, merge and check the rules file; raise ``LibraryError`` listing every
    problem with its ``file:line``. Not cached here: the caller keeps it
    (``Resources.regime_rules``)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        raw = yamlfiles.load(text, path)
    except yamlfiles.YamlSyntaxError as exc:
        _fail([str(exc)])
    lines = yamlfiles.line_map(text)
    raw = _one_line(raw)
    problems: list[str] = []

    def problem(where: tuple, message: str) -> None:
        problems.append(f"{path}:{yamlfiles.line_of(lines, where)}: {message}")

    if not isinstance(raw, dict):
        _fail([f"{path}:1: the rules file must be a mapping"])
    for key in ("law_checked", "population", "bodies", "data_protection", "regimes", "modifiers",
                "marseille_secteurs", "no_transport_notice"):
        if key not in raw:
            problem((), f"missing top-level key {key!r}")
    if problems:
        _fail(problems)

    _check_bodies(raw["bodies"], problem)
    _check_data_protection(raw["data_protection"], problem)
    regimes = _merge_regimes(raw["regimes"], problem)
    by_index = {r["id"]: i for i, r in enumerate(raw["regimes"]) if isinstance(r, dict) and "id" in r}
    for regime in regimes:
        where = ("regimes", by_index.get(regime["id"], 0))
        _check_regime(regime, raw, where, problem)
    for i, modifier in enumerate(raw["modifiers"]):
        _check_modifier(modifier, raw, ("modifiers", i), problem)
    _check_population(raw["population"], problem)
    if problems:
        _fail(problems)
    return Rules(
        regimes=tuple(regimes),
        modifiers=tuple(raw["modifiers"]),
        bodies=raw["bodies"],
        data_protection=raw["data_protection"],
        population=raw["population"],
        marseille_secteurs=raw["marseille_secteurs"],
        no_transport_notice=raw["no_transport_notice"],
        law_checked=raw["law_checked"],
        raw=raw,
    )


def _one_line(node):
    """Every string of the rules on one line with single spaces (YAML block
    scalars may keep line breaks), so that filling a template is a plain format."""
    if isinstance(node, str):
        return " ".join(node.split())
    if isinstance(node, dict):
        return {k: _one_line(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_one_line(v) for v in node]
    return node


def merge(parent: dict, child: dict) -> dict:
    """A child regime (or variant, or modifier) over its parent: whole groups are
    replaced, ``checks`` and ``notices`` are added to the parent's."""
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if key in LISTS:
            out[key] = list(out.get(key) or []) + list(value or [])
        else:
            out[key] = copy.deepcopy(value)
    return out


def _fail(problems: list[str]):
    from .errors import LibraryError

    raise LibraryError(problems, header=f"the regime rules have {len(problems)} problem(s):")


def _merge_regimes(items: list, problem) -> list[dict]:
    """Resolve ``extends`` (a parent may come later in the file), keeping file order."""
    by_id: dict[str, dict] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            problem(("regimes", i), "each regime needs an id")
            continue
        if item["id"] in by_id:
            problem(("regimes", i), f"regime id {item['id']!r} is used twice")
        by_id[item["id"]] = item
    merged: dict[str, dict] = {}

    def resolve(rid: str, seen: tuple) -> dict:
        if rid in merged:
            return merged[rid]
        item = by_id[rid]
        parent_id = item.get("extends")
        if parent_id is None:
            result = copy.deepcopy(item)
        elif parent_id in seen or parent_id not in by_id:
            index = next(i for i, it in enumerate(items) if it is item)
            problem(("regimes", index, "extends"), f"regime {rid!r} extends unknown or circular {parent_id!r}")
            result = copy.deepcopy(item)
        else:
            base = {k: v for k, v in resolve(parent_id, seen + (rid,)).items()
                    if k not in ("id", "match", "extends", "variants", "overseas")}
            result = merge(base, item)
        merged[rid] = result
        return result

    return [resolve(rid, ()) for rid in by_id]


def _check_bodies(bodies: dict, problem) -> None:
    for bid, body in bodies.items():
        where = ("bodies", bid)
        if not isinstance(body, dict):
            problem(where, f"body {bid!r} must be a mapping")
            continue
        for key in ("ref", "name", "decides"):
            if not body.get(key):
                problem(where, f"body {bid!r} lacks {key!r}")
        if body.get("confidence", "confirmed") not in ("confirmed", "likely"):
            problem(where, f"body {bid!r}: confidence must be 'confirmed' or 'likely'")


def _check_data_protection(sets: dict, problem) -> None:
    for sid, dp in sets.items():
        where = ("data_protection", sid)
        for key in ("ref", "rgpd", "directive", "lil", "ai_act", "visas", "purpose_clause"):
            if key not in dp:
                problem(where, f"data_protection {sid!r} lacks {key!r}")
        if not dp.get("visas"):
            problem(where, f"data_protection {sid!r} has no visa")


def _check_body_ref(ref: dict, raw: dict, where: tuple, problem) -> None:
    if not isinstance(ref, dict) or ref.get("body") not in raw["bodies"]:
        problem(where, f"unknown body {ref.get('body') if isinstance(ref, dict) else ref!r}")


def _check_regime(regime: dict, raw: dict, where: tuple, problem) -> None:
    rid = regime["id"]
    if not set(regime.get("match", {})) <= MATCH_KEYS:
        problem(where + ("match",), f"regime {rid!r}: unknown match keys {sorted(set(regime['match']) - MATCH_KEYS)}")
    if "refuse" in regime:
        if not regime.get("ref"):
            problem(where, f"refusal {rid!r} lacks its 'ref'")
        return
    if not regime.get("label"):
        problem(where, f"regime {rid!r} lacks a label")
    for variant_code, variant in (regime.get("variants") or {}).items():
        _check_groups(merge(regime, variant), raw, where + ("variants", variant_code), problem)
    _check_groups(regime, raw, where, problem)


def _check_groups(regime: dict, raw: dict, where: tuple, problem) -> None:
    rid = regime["id"]
    for group in GROUPS:
        value = regime.get(group)
        if not isinstance(value, dict):
            problem(where, f"regime {rid!r} lacks the group {group!r}")
            continue
        if not value.get("ref"):
            problem(where + (group,), f"regime {rid!r}: group {group!r} lacks its 'ref'")
    if problems_in_names := [f for f in NAME_FIELDS if not (regime.get("names") or {}).get(f)]:
        problem(where + ("names",), f"regime {rid!r}: names lack {problems_in_names}")
    for group in ("act_recipient", "camera_authority"):
        if isinstance(regime.get(group), dict):
            _check_body_ref(regime[group], raw, where + (group,), problem)
    police = regime.get("police") or {}
    _check_body_ref(police.get("authority"), raw, where + ("police",), problem)
    if police.get("shared_with") is not None:
        _check_body_ref(police["shared_with"], raw, where + ("police",), problem)
    if not police.get("visas"):
        problem(where + ("police",), f"regime {rid!r}: no police visa")
    size = regime.get("council_size") or {}
    if size.get("rule") not in ("table", "fixed", "none") or (size.get("rule") == "fixed" and not size.get("size")):
        problem(where + ("council_size",), f"regime {rid!r}: council_size rule must be table, fixed (with size) or none")
    pop = regime.get("population") or {}
    if pop.get("rule") not in ("own", "sum") or (pop.get("rule") == "sum" and not pop.get("group")):
        problem(where + ("population",), f"regime {rid!r}: population rule must be own or sum (with group)")
    if pop.get("note") and pop["note"] not in raw["population"]:
        problem(where + ("population",), f"regime {rid!r}: unknown population note {pop['note']!r}")
    for group in ("convocation", "forced_session"):
        value = regime.get(group) or {}
        rules = value.get("rules")
        if value.get("none"):
            continue
        if not rules or any("below" in r for r in rules[-1:]) or any("below" not in r for r in rules[:-1]):
            problem(where + (group,), f"regime {rid!r}: {group} needs rules, each but the last with 'below'")
    ri = regime.get("reglement_interieur") or {}
    if sum(k in ri for k in ("from", "always", "unknown")) != 1:
        problem(where + ("reglement_interieur",), f"regime {rid!r}: reglement_interieur needs one of from/always/unknown")
    if not (regime.get("voeu") or {}).get("visas"):
        problem(where + ("voeu",), f"regime {rid!r}: no vœu visa")
    if (regime.get("data_protection") or {}).get("use") not in raw["data_protection"]:
        problem(where + ("data_protection",), f"regime {rid!r}: unknown data_protection set")
    for item in (regime.get("bodies") or {}).get("list", []):
        pairs = [(item, item)] if isinstance(item, str) else list(item.items()) if isinstance(item, dict) else []
        if len(pairs) != 1 or pairs[0][1] not in raw["bodies"]:
            problem(where + ("bodies",), f"regime {rid!r}: unknown body {item!r}")
    for kind in LISTS:
        for i, item in enumerate(regime.get(kind) or []):
            needed = ("ref", "what", "where", "why") if kind == "checks" else ("ref", "text")
            if not isinstance(item, dict) or any(not item.get(k) for k in needed):
                problem(where + (kind, i), f"regime {rid!r}: each of its {kind} needs {needed}")


def _check_modifier(modifier: dict, raw: dict, where: tuple, problem) -> None:
    mid = modifier.get("id", "?")
    for key in ("match", "exclude"):
        if not set(modifier.get(key) or {}) <= MATCH_KEYS:
            problem(where + (key,), f"modifier {mid!r}: unknown {key} keys")
    for key, bid in (modifier.get("add_bodies") or {}).items():
        if bid not in raw["bodies"]:
            problem(where + ("add_bodies",), f"modifier {mid!r}: unknown body {bid!r}")
    for group in ("camera_authority", "act_recipient"):
        if group in modifier:
            _check_body_ref(modifier[group], raw, where + (group,), problem)
    for i, item in enumerate(modifier.get("checks") or []):
        if any(not item.get(k) for k in ("ref", "what", "where", "why")):
            problem(where + ("checks", i), f"modifier {mid!r}: each check needs ref, what, where, why")


def _check_population(population: dict, problem) -> None:
    table = population.get("council_size", {}).get("table") or []
    limits = [row[0] for row in table]
    if limits != sorted(limits) or not population.get("council_size", {}).get("above"):
        problem(("population", "council_size"), "the council-size table must be sorted, with 'above'")


def body_roles(items: list) -> list[tuple[str, str]]:
    """``[epci, {departement: cea}]`` -> ``[("epci", "epci"), ("departement", "cea")]``."""
    return [(item, item) if isinstance(item, str) else next(iter(item.items())) for item in items]
