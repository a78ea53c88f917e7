"""``motions explain``: what a motion includes for a commune, and why.

Reads the composition (the decisions compose recorded, the articles with their
lever and addressee) rather than re-deriving them, so the explanation cannot
disagree with the document. Which local facts a template uses is found by
composing again without each fact and comparing the texts.
"""

from __future__ import annotations

from dataclasses import replace

from .compose import Composition
from .document import Article, plain_text
from .facts import FIELD_NAMES, Facts

_NOT_FACTS = ("commune", "mayor_title", "session", "group")
LEVERS = {"decide": "the council decides, within its own powers", "ask": "a wish (vœu) addressed to"}


def explain_text(resources, request, comp: Composition) -> str:
    lib = resources.library
    commune = request.commune
    regime = comp.regime
    doc = comp.motion
    prov = doc.metadata.provenance
    lines = [
        f"Motion '{prov.get('motion')}' for {commune.label}, INSEE {commune.insee}",
        f"  {doc.title}",
        f"  library version {lib.version}; law checked {prov.get('law_checked')}",
        "",
        "Regime:",
    ]
    describe = getattr(regime, "describe", None)
    try:
        lines += ["  " + line for line in describe()] if describe else []
    except NotImplementedError:
        lines.append(f"  {regime.council_title}")
    lines += ["", "Local facts:"]
    lines += ["  " + line for line in _facts_lines(resources, request, comp)]
    lines += ["", "Arguments (+ included, - left out):"]
    for d in comp.decisions:
        mark = "+" if d.included else "-"
        local = " [local]" if d.local else ""
        lines.append(f"  {mark} {d.argument_id}{local}: {d.reason}")
    if comp.selection.unanswered:
        lines.append(f"  ! no argument answers: {', '.join(comp.selection.unanswered)}")
    lines += ["", "Articles:"]
    for article in doc.articles():
        lines.append(f"  {article.label}: {_lever(article, regime)}")
        text = plain_text(article.blocks[0].inlines) if article.blocks else ""
        lines.append(f"    {text[:100]}{'…' if len(text) > 100 else ''}")
    lines += ["", "Sources cited:"]
    for key in comp.cited:
        lines.append(f"  @{key}")
    return "\n".join(lines)


def _lever(article: Article, regime) -> str:
    if article.addressee is None:
        return LEVERS["decide"] if article.lever == "decide" else "a wish (vœu) that defines its terms"
    body = getattr(regime, "bodies", {}).get(article.addressee)
    if body is None and article.addressee == "mayor":
        return f"{LEVERS['ask']} {regime.chair}, as executive and police authority"
    if body is None:
        return f"{LEVERS['ask']} {article.addressee}"
    decides = f" (it decides: {body.decides})" if body.decides else ""
    return f"{LEVERS['ask']} {body.name}{decides}"


def _facts_lines(resources, request, comp: Composition) -> list[str]:
    from .api import compose

    facts = request.facts
    out = []
    if facts.commune:
        mismatch = facts.commune_mismatch(request.commune, resources.communes)
        out.append(f"warning: {mismatch}" if mismatch else f"about: {facts.commune}")
    base = _texts(comp)
    used, unused = [], []
    for name in facts.used():
        other = compose(replace(request, facts=_without(facts, name), dossier=False), resources)
        changed = _changed(base, _texts(other))
        (used if changed else unused).append(f"{name} ({changed})" if changed else name)
    out.append("given and used: " + (", ".join(used) if used else "none"))
    if unused:
        out.append("given, not used by this motion: " + ", ".join(unused))
    return out


def _without(facts: Facts, name: str) -> Facts:
    default = Facts.model_fields[name].get_default(call_default_factory=True)
    return facts.model_copy(update={name: default})


def _texts(comp: Composition) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for section, block in comp.motion.walk():
        paras = block.blocks if isinstance(block, Article) else (block,)
        for p in paras:
            out.setdefault(section.role, []).append(plain_text(p.inlines))
    return out


def _changed(base: dict, other: dict) -> str:
    parts = []
    for role, texts in base.items():
        n = sum(1 for t in texts if t not in other.get(role, []))
        if n:
            parts.append(f"{role} {n}")
    return ", ".join(parts)


__all__ = ["explain_text", "FIELD_NAMES"]
