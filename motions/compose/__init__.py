"""compose(request, resources) -> Documents: pure, no I/O, no format, no globals.

The stages, each short and in its own module:

1. ``select``: which arguments, in which order, and why (local first, one per
   point, the required objections answered, the right count);
2. render the template's blocks in the sandbox (``motions.templating``) with
   the context built here (commune, regime, facts, arguments, options);
3. build sections (``motion``, ``dossier``, ``documents``): rendered text ->
   raw blocks (``blocks``) -> model blocks with inline markup parsed and French
   typography applied (``build``); the section order is decided there, once;
4. resolve citations (``notes``): every Cite becomes a Note, in one place.

The CLI, the batch and the web application all call :func:`compose_motion`
(through ``motions.api``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..document import Document, Metadata
from ..facts import Facts
from ..templating import markup, render_blocks
from . import motion as motion_builder
from .notes import resolve
from .select import Decision, Selection, condition_holds, select

__all__ = ["Options", "Composition", "Decision", "compose_motion", "motion_context", "condition_holds"]


@dataclass(frozen=True)
class Options:
    """Everything the user chose, as one explicit record."""

    arguments: tuple[str, ...] = ()  # explicit selection, in order; empty: the template's
    themes: tuple[str, ...] = ()  # restrict the drawn arguments to these themes
    date: dt.date | None = None  # session date (else facts, else none)
    group: str | None = None  # presenting group (else facts)
    allow_overseas: bool = False
    annex_sources: bool | None = None  # None: as the template says
    notes: str = "footnotes"  # "footnotes" or "endnotes"


@dataclass
class Composition:
    """The documents of one motion, and how they were made."""

    motion: Document
    dossier: Document | None
    selection: Selection
    regime: object
    cited: list[str] = field(default_factory=list)

    @property
    def document(self) -> Document:
        return self.motion

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return self.selection.decisions




def motion_context(lib, commune, regime, motion, facts: Facts, options: Options, selection: Selection) -> dict:
    """What a motion template may read."""
    chosen = [markup(e.argument) for e in selection.chosen]
    return {
        "commune": commune,
        "regime": markup(regime),
        "facts": facts,
        "arguments": chosen,
        "expose_arguments": chosen[: motion.meta.expose_arguments],
        "rebuttals": [markup(e.argument) for e in lib.arguments.values() if e.argument.kind == "rebuttal"],
        "session_date": options.date or facts.session.date,
        "group": options.group or (facts.group.name if facts.group else None),
        "members": facts.group.member_names() if facts.group else [],
        "mayor": regime.chair_feminine if facts.mayor_title == "la maire" and regime.chair_feminine else regime.chair,
        "law_checked": motion.meta.law_checked,
        "motion": motion.meta,
    }


def compose_motion(resources, commune, motion_id: str, facts: Facts | None = None, options: Options | None = None,
                   *, provenance: dict | None = None, dossier: bool = True) -> Composition:
    """The motion of ``motion_id`` for ``commune`` (and its dossier)."""
    lib = resources.library
    facts = facts or Facts()
    options = options or Options()
    motion = lib.motion(motion_id)
    regime = resources.regime_for(commune, allow_overseas=options.allow_overseas)
    if motion.meta.requires is not None:
        ok, why = condition_holds(motion.meta.requires, commune, facts, regime)
        if not ok:
            from ..errors import UnsupportedCommune

            raise UnsupportedCommune(f"the motion '{motion.meta.id}' does not apply to {commune.name}: {why}.")
    selection = select(lib, motion, commune, facts, explicit=options.arguments, themes=options.themes,
                       regime=regime)
    context = motion_context(lib, commune, regime, motion, facts, options, selection)
    rendered = render_blocks(resources.text_env(), motion.name, motion_builder.BLOCKS, context)
    decisions = list(selection.decisions)
    sections, kind, title = motion_builder.build_sections(rendered, motion.name, regime, motion.meta.kind, decisions)
    selection = Selection(selection.chosen, tuple(decisions), selection.unanswered)
    session_date = context["session_date"]
    prov = dict(provenance or {})
    prov.update({
        "motion": motion.meta.id,
        "commune_insee": commune.insee,
        "arguments": ",".join(e.argument.id for e in selection.chosen),
        "library_version": lib.version,
        "law_checked": motion.meta.law_checked.isoformat(),
        "facts": ",".join(facts.used()),
    })
    metadata = Metadata(
        title=title,
        author=context["group"] or "",
        subject=f"{motion_builder.KIND_LABELS[kind]} — {regime.council_title}",
        keywords=tuple(sorted({t for e in selection.chosen for t in e.argument.themes})),
        language="fr-FR",
        date=session_date.isoformat() if session_date else "",
        provenance=prov,
    )
    doc = Document(
        kind="motion",
        title=title,
        running_head=regime.running_head,
        footer=f"{regime.running_head} — {motion_builder.KIND_LABELS[kind]}",
        sections=tuple(sections),
        metadata=metadata,
        notes=options.notes,
    )
    doc, cited = resolve(doc, lib.sources)
    _check_law_applies(cited, lib.sources, regime, motion.name)
    annex = motion.meta.annex_sources if options.annex_sources is None else options.annex_sources
    if annex:
        doc = _with_annex(doc, lib, cited)
    dossier_doc = None
    if dossier:
        from .dossier import compose_dossier

        dossier_doc = compose_dossier(resources, commune, regime, motion, facts, options, selection, doc, cited)
    return Composition(doc, dossier_doc, selection, regime, cited)


def _check_law_applies(cited: list[str], sources: dict, regime, where: str) -> None:
    """Refuse a motion that cites, in this commune, a text that does not apply
    here as such (the RGPD in Saint-Pierre-et-Miquelon, L2121-29 in
    Alsace-Moselle): arguments are filtered before, so only a template's own
    text can do it, and that is a bug of the template, worse than a crash."""
    from ..errors import TemplateError

    for key in dict.fromkeys(cited):
        custom = sources.get(key, {}).get("custom") or {}
        needed = custom.get("requires") if isinstance(custom, dict) else None
        if needed and needed not in regime.features:
            raise TemplateError(f"{where}: the motion cites @{key}, which does not apply as such under the regime "
                                f"'{regime.id}' (it needs '{needed}'); guard that text with "
                                f"{{% if \"{needed}\" in regime.features %}}.")


def _with_annex(doc: Document, lib, cited: list[str]) -> Document:
    from dataclasses import replace

    from .. import bibliography
    from ..document import Paragraph, Section
    from .build import typeset

    keys = sorted(dict.fromkeys(cited), key=lambda k: bibliography.sort_key(lib.sources[k]))
    entries = tuple(Paragraph(typeset(bibliography.format_entry(lib.sources[k])), "source-entry") for k in keys)
    return replace(doc, sections=doc.sections + (Section("sources", "Sources", entries),))
