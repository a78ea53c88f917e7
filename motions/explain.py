"""``motions explain``: what a motion includes for a commune, and why.

Reads the composition (the decisions compose recorded) rather than re-deriving
them, so the explanation cannot disagree with the document.
"""

from __future__ import annotations

from .bibliography import format_entry
from .compose import Composition
from .document import plain_text
from .facts import Facts
from .library import Library


def explain_text(lib: Library, commune, comp: Composition, facts: Facts) -> str:
    doc = comp.document
    regime = comp.regime
    prov = doc.metadata.provenance
    lines = [
        f"Motion '{prov.get('motion')}' for {commune.name} ({commune.departement.code}), INSEE {commune.insee}",
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
    used = facts.used()
    lines += ["", "Local facts used: " + (", ".join(used) if used else "none given")]
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
        lines.append("  (no vœu part)")
    lines += ["", "Sources cited:"]
    keys = sorted({k for k in _cited_keys(comp)})
    for key in keys:
        lines.append(f"  @{key}: {plain_text(tuple(format_entry(lib.sources[key])))}")
    return "\n".join(lines)


def _cited_keys(comp: Composition):
    for src in comp.document.sources:
        yield src.key
    if not comp.document.sources:
        yield from ()


def _yes(value) -> str:
    return "not stated (local rules)" if value is None else ("yes" if value else "no")
