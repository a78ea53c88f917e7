"""The group's dossier: what it needs to table the motion, beside what is voted.

The voted text carries nothing uncertain; the dossier carries the rest: how
and by when to table the text in this commune (deadlines computed from the
session date), the points to check before tabling (every unverified rule the
text depends on, with where to check it), the state of the law and the date it
was checked (with a warning when that date is over six months old), the
answers to the usual objections, why each considérant was chosen, and the full
list of sources. Its text is the template ``templates/documents/dossier.md.j2``,
which users may edit like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from .. import bibliography, deadlines
from ..document import Paragraph, Section
from .build import typeset
from ..templating import markup
from .documents import compose_document

#: The law-checked date older than this (days) draws a warning in the dossier.
STALE_AFTER_DAYS = 183


def compose_dossier(resources, commune, regime, motion, facts, options, selection, motion_doc, cited):
    lib = resources.library
    template = lib.document("dossier")
    today = resources.now.date()
    session = options.date or facts.session.date
    law_checked = min(motion.meta.law_checked, regime.law_checked)
    reference_day = session or today
    rebuttals = relevant_rebuttals(lib, motion.meta, commune, regime, facts)
    context = {
        "commune": commune,
        "regime": markup(regime),
        "facts": facts,
        "motion": motion.meta,
        "motion_title": motion_doc.title,
        "motion_kind": motion_doc.sections[0].blocks[0].text if motion_doc.sections else "",
        "group": options.group or (facts.group.name if facts.group else None),
        "session_date": session,
        "today": today,
        "law_checked": law_checked,
        "law_age_days": (reference_day - law_checked).days,
        "law_stale": (reference_day - law_checked).days > STALE_AFTER_DAYS,
        "deadlines": _deadlines(regime, session),
        "decisions": [d for d in selection.decisions if d.argument_id.startswith("(") is False],
        "arguments": {e.argument.id: markup(e.argument) for e in lib.arguments.values()},
        "unanswered": selection.unanswered,
        "rebuttals": [markup(r) for r in rebuttals],
        "unsourced_facts": facts.unsourced(),
        "articles": motion_doc.articles(),
        "addressee_label": lambda key: addressee_label(regime, key),
    }
    doc, keys = compose_document(resources, template, context, kind="dossier",
                                 running_head=regime.running_head, notes=options.notes,
                                 provenance=dict(motion_doc.metadata.provenance, document="dossier"))
    all_keys = list(dict.fromkeys(list(cited) + list(keys)))
    return _with_sources(doc, lib, all_keys)


#: At most this many answers to objections in a dossier: the ones the motion
#: must answer first, then those on its themes.
MAX_REBUTTALS = 10


def relevant_rebuttals(lib, meta, commune, regime, facts=None) -> list:
    """The answers to objections that concern this motion, here: those
    answering the objections the motion names first, then those sharing one
    of its themes; never one local to another place, nor one citing a text
    that does not apply in this regime."""
    from ..facts import Facts
    from .select import condition_holds, inapplicable_source, is_here

    wanted, themes = set(meta.answers), set(meta.themes)
    scored = []
    for order, entry in enumerate(lib.arguments.values()):
        arg = entry.argument
        if arg.kind != "rebuttal" or (arg.place is not None and not is_here(entry, commune)):
            continue
        if inapplicable_source(lib, entry, regime) or not condition_holds(arg.applies_when, commune,
                                                                          facts or Facts(), regime)[0]:
            continue
        if set(arg.answers) & wanted:
            scored.append((0, order, arg))
        elif set(arg.themes) & themes:
            scored.append((1, order, arg))
    return [arg for _, _, arg in sorted(scored, key=lambda t: t[:2])][:MAX_REBUTTALS]


STANDING = {"mayor": "au maire", "state": "à l’État", "parliament": "au Parlement", "council": "au conseil",
            "prefet": "au préfet"}


def addressee_label(regime, key: str) -> str:
    """« au préfet du Val-de-Marne »: the body an article asks, after « adressé »."""
    body = regime.bodies.get(key)
    if body is not None:
        return body.a
    if key == "mayor":
        from ..templating import FILTERS

        return FILTERS["a_article"](regime.chair)
    return STANDING.get(key, key)


def _deadlines(regime, session: dt.date | None) -> dict:
    out: dict = {}
    conv = regime.convocation
    if session is None or conv is None:
        return out
    out["latest_convocation"] = deadlines.latest_convocation(session, conv.days)
    earliest = out["latest_convocation"]
    if conv.practice_days:
        # the known practice sends the convocation earlier: a request must arrive before it
        out["practice_convocation"] = earliest = deadlines.latest_convocation(session, conv.practice_days)
    out["request_by"] = earliest - dt.timedelta(days=1)
    out["session_minus_6"] = session - dt.timedelta(days=6)
    return out


def _with_sources(doc, lib, keys: list[str]):
    keys = sorted(dict.fromkeys(keys), key=lambda k: bibliography.sort_key(lib.sources[k]))
    if not keys:
        return doc
    entries = tuple(Paragraph(typeset(bibliography.format_entry(lib.sources[k])), "source-entry") for k in keys)
    return replace(doc, sections=doc.sections + (Section("sources", "Sources", entries),))
