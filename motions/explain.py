"""``motions explain``: what a motion includes for a commune, and why.

Reads the composition (the decisions compose recorded) rather than re-deriving
them, so the explanation cannot disagree with the document. Which local facts a
template uses is found the same way: by composing again without each fact and
comparing the texts, so the answer is what the template does, not what a table
claims it does.
"""

from __future__ import annotations

from .bibliography import format_entry
from .compose import Composition, Options, compose
from .document import plain_text
from .facts import FIELD_NAMES, Facts
from .library import Library

#: Facts that are settings rather than facts about the commune's equipment.
_NOT_FACTS = ("commune",)


def explain_text(lib: Library, commune, comp: Composition, facts: Facts, options: Options | None = None) -> str:
    doc = comp.document
    regime = comp.regime
    prov = doc.metadata.provenance
    lines = [
        f"Motion '{prov.get('motion')}' for {commune.name} ({commune.departement.code}), INSEE {commune.insee}",
        f"  {doc.kind_label}: {doc.title}",
        f"  library version {lib.version}; commune data {prov.get('commune_data', '?')}; law checked {prov.get('law_checked')}",
        "",
        "Commune:",
        f"  population {commune.population}; zone {commune.zone}; département {commune.departement.name}",
        f"  EPCI: {commune.epci.display_name + ' (' + commune.epci.kind_label + ')' if commune.epci else 'none'}",
        f"  EPT: {commune.ept.display_name if commune.ept else 'none'}; métropole: {commune.metropole.display_name if commune.metropole else 'none'}",
    ]
    if regime is not None:
        lines += [
            "",
            "Procedure:",
            f"  council: {regime.council_name}; size (CGCT L2121-2): {regime.council_size or 'not stated'}",
            f"  note de synthèse (L2121-12, from 3,500 inhabitants): {_yes(regime.note_de_synthese)}",
            f"  règlement intérieur (L2121-8, from 1,000 inhabitants): {_yes(regime.reglement_interieur)}",
        ]
        for n in regime.notices:
            lines.append(f"  notice: {n}")
    lines += ["", "Local facts:"]
    lines += ["  " + line for line in _facts_lines(lib, commune, comp, facts, options)]
    lines += ["", "Arguments:"]
    for d in comp.decisions:
        mark = "+" if d.included else "-"
        lines.append(f"  {mark} {d.argument_id}: {d.reason}")
    lines += ["", "Clauses:"]
    for disp in doc.dispositifs:
        lines.append(f"  {disp.heading}: {len(disp.articles)} article(s)")
        for a in disp.articles:
            text = plain_text(a.body[0].inlines) if a.body else ""
            lines.append(f"    {a.label}: {text[:90]}{'…' if len(text) > 90 else ''}")
    if not any(d.kind == "voeu" for d in doc.dispositifs):
        why = "the template's vœu clauses do not apply here (no EPCI, EPT or métropole to address)" \
            if regime is None or regime.can_deliberate else "none"
        lines.append(f"  (no vœu part: {why})")
    lines += ["", "Sources cited:"]
    for src in doc.sources:
        lines.append(f"  @{src.key}: {plain_text(tuple(format_entry(lib.sources[src.key])))}")
    if not doc.sources:
        lines.append("  (no annex of sources in this document; its notes:)")
        for note in doc.notes:
            lines.append(f"  {note.number}. {note.body.text}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- facts


def _facts_lines(lib: Library, commune, comp: Composition, facts: Facts, options: Options | None) -> list[str]:
    """Which facts were given and change this motion, and which would if given."""
    options = options or _options_from(comp)
    motion = lib.motion(comp.document.metadata.provenance["motion"])
    given = facts.used() + (["mayor_title"] if "mayor_title" in facts.model_fields_set else [])
    out = []
    if facts.commune:
        mismatch = facts.commune_mismatch(commune)
        out.append(f"warning: {mismatch}" if mismatch else f"about: {facts.commune}")
    used, unused = [], []
    base = _sections(comp)
    for name in given:
        effect = _effect(base, _compose_without(lib, commune, motion, facts, options, name))
        (used if effect else unused).append(f"{name} ({effect})" if effect else name)
    out.append("given and used: " + (", ".join(used) if used else "none"))
    if unused:
        out.append("given, not used by this motion: " + ", ".join(unused))
    would = _would_use(lib, commune, motion, options, exclude=set(given))
    if would:
        out.append("not given; this motion would use: " + ", ".join(would) + " (see `motions facts new`)")
    return out


def _options_from(comp: Composition) -> Options:
    """The options compose was given, as far as the composition tells them."""
    explicit = [d.argument_id for d in comp.decisions if d.reason.startswith("chosen by the user")]
    chosen = [d.argument_id for d in comp.decisions if d.included]
    regime = comp.regime
    return Options(arguments=tuple(chosen) if explicit else (),
                   allow_overseas=bool(regime and regime.overseas_com))


def _compose_without(lib, commune, motion, facts: Facts, options: Options, name: str) -> Composition:
    default = Facts.model_fields[name].get_default(call_default_factory=True)
    return compose(lib, commune, motion, facts.model_copy(update={name: default}), options)


_SECTIONS = ("title", "exposé", "considérants", "délibération", "vœu", "signature")


def _sections(comp: Composition) -> dict[str, list[str]]:
    doc = comp.document
    return {
        "title": [doc.title, *doc.subtitle],
        "exposé": [p.text for p in doc.expose],
        "considérants": [p.text for p in doc.considerants],
        "délibération": [a.body[0].text for d in doc.dispositifs if d.kind == "deliberation" for a in d.articles],
        "vœu": [a.body[0].text for d in doc.dispositifs if d.kind == "voeu" for a in d.articles],
        "signature": [p.text for p in doc.signature],
    }


def _effect(base: dict[str, list[str]], other: Composition) -> str:
    """"considérants 1, délibération 2": paragraphs of ``base`` that differ without the fact."""
    theirs = _sections(other)
    parts = []
    for section in _SECTIONS:
        changed = sum(1 for p in base[section] if p not in theirs[section])
        if changed:
            parts.append(f"{section} {changed}")
    return ", ".join(parts)


def _would_use(lib, commune, motion, options: Options, exclude: set[str]) -> list[str]:
    """Facts not given that would change this motion (tried with the scaffold's examples)."""
    from .facts import parse_facts
    from .facts_scaffold import scaffold_text

    sample = parse_facts(scaffold_text(commented=False), "(scaffold examples)")
    full = compose(lib, commune, motion, sample, options)
    base = _sections(full)
    out = []
    for name in FIELD_NAMES:
        if name in _NOT_FACTS or name in exclude:
            continue
        if _effect(base, _compose_without(lib, commune, motion, sample, options, name)):
            out.append(name)
    return out


def _yes(value) -> str:
    return "not stated (local rules)" if value is None else ("yes" if value else "no")
