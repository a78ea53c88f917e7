"""compose(commune, motion template, arguments, facts) -> Document.

Pure: no file is written and no format is known here. The motion template is a
Jinja text template with one block per part of a motion (title, expose, visas,
considerants, deliberation, voeu, signature); each block renders to paragraphs
separated by blank lines. Paragraphs are then parsed for inline markup
(``*italics*``, ``**bold**``, citations ``[@key, p. 3]``), citations become
numbered notes, and every text run goes through the French typography pass.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import bibliography, typography
from .document import (
    Article,
    Dispositif,
    Document,
    Emph,
    Inline,
    Metadata,
    Note,
    NoteRef,
    Paragraph,
    Source,
    Strong,
    Text,
    merge_texts,
)
from .errors import UnknownItem, UnsupportedCommune
from .facts import Facts
from .library import ArgumentEntry, Library, MotionTemplate
from .procedure import Regime, procedure_lines, regime_for
from .schema import CITATION_GROUP, Condition, iter_citations, parse_citation_group
from .templating import make_environment, render_block

KIND_LABELS = {"voeu": "Proposition de vœu", "deliberation": "Projet de délibération", "mixte": "Projet de délibération et de vœu"}
BLOCKS = ("title", "subtitle", "expose", "visas", "considerants", "deliberation_intro", "deliberation",
          "voeu_intro", "voeu", "signature")


@dataclass(frozen=True)
class Options:
    """Everything the user chose, as one explicit record."""

    arguments: tuple[str, ...] = ()  # explicit selection, in order; empty: the template's
    themes: tuple[str, ...] = ()  # restrict the drawn arguments to these themes
    date: dt.date | None = None  # session date (else facts, else none)
    group: str | None = None  # presenting group (else facts)
    allow_overseas: bool = False
    annex_sources: bool | None = None  # None: as the template says


@dataclass(frozen=True)
class Decision:
    """Why an argument was or was not included (for ``motions explain``)."""

    argument_id: str
    included: bool
    reason: str


@dataclass
class Composition:
    """The document plus how it was made."""

    document: Document
    decisions: list[Decision] = field(default_factory=list)
    regime: Regime | None = None


# --------------------------------------------------------------------------- conditions


def condition_holds(cond: Condition | None, commune, facts: Facts) -> tuple[bool, str]:
    if cond is None:
        return True, "always applies"
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


def select_arguments(lib: Library, motion: MotionTemplate, commune, facts: Facts, options: Options):
    """The arguments to draw, in order, and the reason for each decision."""
    meta = motion.meta
    decisions: list[Decision] = []
    chosen: list[ArgumentEntry] = []
    if options.arguments:
        for aid in options.arguments:
            entry = lib.argument(aid)
            ok, why = condition_holds(entry.argument.applies_when, commune, facts)
            if not ok:
                decisions.append(Decision(aid, False, f"chosen by the user, but {why}"))
                continue
            chosen.append(entry)
            decisions.append(Decision(aid, True, "chosen by the user; " + why))
        return chosen, decisions
    themes = set(options.themes) or set(meta.themes)
    for theme in options.themes:
        if theme not in lib.themes:
            raise UnknownItem(f"there is no theme '{theme}'; themes are: {', '.join(lib.themes)}.")
    candidates = [lib.arguments[a] for a in meta.arguments if a in lib.arguments]
    if options.themes:
        candidates = [e for e in candidates if set(e.argument.themes) & themes]
    listed = {e.argument.id for e in candidates}
    candidates += [
        e for e in lib.arguments.values()
        if e.argument.id not in listed and e.argument.kind == "argument" and set(e.argument.themes) & themes
    ]
    for entry in candidates:
        aid = entry.argument.id
        ok, why = condition_holds(entry.argument.applies_when, commune, facts)
        if not ok:
            decisions.append(Decision(aid, False, why))
        elif len(chosen) >= meta.max_arguments:
            decisions.append(Decision(aid, False, f"the template takes at most {meta.max_arguments} arguments"))
        else:
            chosen.append(entry)
            source = "listed by the template" if aid in meta.arguments else f"theme {', '.join(sorted(set(entry.argument.themes) & themes))}"
            decisions.append(Decision(aid, True, f"{source}; {why}"))
    return chosen, decisions


# --------------------------------------------------------------------------- inline parsing


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # Only emphasis and backslash escapes: no HTML, no links, no images,
    # so content can never pull in a resource or inject markup.
    return MarkdownIt("zero").enable(["emphasis", "escape"])


class _Notes:
    def __init__(self, lib: Library):
        self.lib = lib
        self.numbers: dict[tuple[str, str | None], int] = {}
        self.order: list[tuple[str, str | None]] = []

    def number(self, key: str, locator: str | None) -> int:
        k = (key, locator)
        if k not in self.numbers:
            self.order.append(k)
            self.numbers[k] = len(self.order)
        return self.numbers[k]


def _text_with_citations(text: str, notes: _Notes, where: str) -> list[Inline]:
    out: list[Inline] = []
    last = 0
    for m in CITATION_GROUP.finditer(text):
        before = text[last:m.start()].rstrip(" ")
        if before:
            out.append(Text(typography.french(before)))
        try:
            items = parse_citation_group(m.group(1))
        except ValueError as exc:
            raise UnknownItem(f"{where}: {exc}") from None
        for key, locator in items:
            if key not in notes.lib.sources:
                raise UnknownItem(f"{where}: the citation [@{key}] names no source of the library.")
            out.append(NoteRef(notes.number(key, locator)))
        last = m.end()
    rest = text[last:]
    if rest:
        out.append(Text(typography.french(rest)))
    return out


def parse_inline(text: str, notes: _Notes, where: str) -> tuple[Inline, ...]:
    tokens = _markdown().parseInline(text)[0].children or []
    stack: list[list[Inline]] = [[]]
    kinds: list[str] = []
    for tok in tokens:
        if tok.type in ("em_open", "strong_open"):
            stack.append([])
            kinds.append(tok.type)
        elif tok.type in ("em_close", "strong_close"):
            children = tuple(stack.pop())
            kind = kinds.pop()
            stack[-1].append(Emph(children) if kind == "em_open" else Strong(children))
        elif tok.content:
            stack[-1].extend(_text_with_citations(tok.content, notes, where))
    while len(stack) > 1:  # unbalanced (should not happen with markdown-it)
        children = stack.pop()
        stack[-1].extend(children)
    return tuple(_tidy(stack[0]))


def _tidy(nodes: list[Inline]) -> list[Inline]:
    """Merge adjacent texts; no space before a note call."""
    out = merge_texts(nodes)
    for i, node in enumerate(out):
        if isinstance(node, Text) and i + 1 < len(out) and isinstance(out[i + 1], NoteRef):
            out[i] = Text(node.text.rstrip(" "))
    return [n for n in out if not (isinstance(n, Text) and not n.text)]


_BLANK = re.compile(r"\n[ \t]*\n")


def paragraphs_of(rendered: str | None) -> list[str]:
    """Blank-line separated paragraphs, each folded onto one line."""
    if not rendered:
        return []
    return [" ".join(p.split()) for p in _BLANK.split(rendered) if p.strip()]


# --------------------------------------------------------------------------- compose


def compose(lib: Library, commune, motion: MotionTemplate, facts: Facts | None = None,
            options: Options | None = None, *, provenance: dict | None = None) -> Composition:
    """Build the document of ``motion`` for ``commune``."""
    facts = facts or Facts()
    options = options or Options()
    meta = motion.meta
    regime = regime_for(commune, allow_overseas=options.allow_overseas)
    if meta.requires is not None:
        ok, why = condition_holds(meta.requires, commune, facts)
        if not ok:
            raise UnsupportedCommune(f"the motion '{meta.id}' does not apply to {commune.name}: {why}.")
    chosen, decisions = select_arguments(lib, motion, commune, facts, options)
    session_date = options.date or facts.session.date
    group = options.group or (facts.group.name if facts.group else None)
    context = {
        "commune": commune,
        "facts": facts,
        "regime": regime,
        "arguments": [e.argument for e in chosen],
        "expose_arguments": [e.argument for e in chosen[: meta.expose_arguments]],
        "rebuttals": [e.argument for e in lib.arguments.values() if e.argument.kind == "rebuttal"],
        "session_date": session_date,
        "group": group,
        "members": facts.group.member_names() if facts.group else [],
        "mayor": facts.mayor_title,
        "law_checked": meta.law_checked,
        "motion": meta,
    }
    env = _environment(lib)
    blocks = {b: render_block(env, motion.name, b, context) for b in BLOCKS}
    notes = _Notes(lib)
    where = motion.path.name

    def paras(block: str) -> tuple[Paragraph, ...]:
        return tuple(Paragraph(parse_inline(p, notes, f"{where} (block {block})")) for p in paragraphs_of(blocks[block]))

    title_paras = paragraphs_of(blocks["title"]) or [meta.title]
    title = typography.french(title_paras[0])
    subtitle = tuple(typography.french(p) for p in paragraphs_of(blocks["subtitle"]))
    notices = tuple(Paragraph((Text(typography.french(n)),)) for n in regime.notices)
    expose = paras("expose")
    visas = paras("visas")
    considerants = paras("considerants")
    dispositifs = []
    number = 0
    has_deliberation = regime.can_deliberate and bool(paragraphs_of(blocks["deliberation"]))
    for kind, heading, default_intro in (
        ("deliberation", "Délibération", "Après en avoir délibéré, décide :"),
        ("voeu", "Vœu", "Émet en outre le vœu :" if has_deliberation else "Émet le vœu :"),
    ):
        if kind == "deliberation" and not regime.can_deliberate:
            if blocks[kind] and paragraphs_of(blocks[kind]):
                decisions.append(Decision("(dispositif)", False, "the délibération articles are left out: an arrondissement council cannot adopt them"))
            continue
        items = paras(kind)
        if not items:
            continue
        intro_paras = paras(f"{kind}_intro") or (Paragraph((Text(typography.french(default_intro)),)),)
        articles = []
        for p in items:
            number += 1
            articles.append(Article("Article 1er" if number == 1 else f"Article {number}", (p,)))
        dispositifs.append(Dispositif(kind, heading, intro_paras[0], tuple(articles)))
    signature = paras("signature")
    procedure = tuple(
        Paragraph(parse_inline(line, notes, "procedure notes"))
        for line in procedure_lines(commune, regime)
        if all(k in lib.sources for k, _ in iter_citations(line))
    )

    note_list = []
    for (key, locator), n in notes.numbers.items():
        body = bibliography.format_citation(lib.sources[key], locator)
        note_list.append(Note(n, Paragraph(_typeset(body))))
    annex = meta.annex_sources if options.annex_sources is None else options.annex_sources
    sources = []
    if annex:
        keys = sorted({k for k, _ in notes.order}, key=lambda k: bibliography.sort_key(lib.sources[k]))
        sources = [Source(k, Paragraph(_typeset(bibliography.format_entry(lib.sources[k])))) for k in keys]

    kind = meta.kind
    if not regime.can_deliberate:
        kind = "voeu"
    elif kind == "mixte" and not any(d.kind == "voeu" for d in dispositifs):
        kind = "deliberation"
    doc_date = session_date
    prov = dict(provenance or {})
    prov.update({
        "motion": meta.id,
        "commune_insee": commune.insee,
        "arguments": ",".join(e.argument.id for e in chosen),
        "library_version": lib.version,
        "law_checked": meta.law_checked.isoformat(),
        "facts": ",".join(facts.used()),
    })
    metadata = Metadata(
        title=title,
        author=group or "",
        subject=f"{KIND_LABELS[kind]} — {regime.council_name} {commune.de}",
        keywords=tuple(sorted({t for e in chosen for t in e.argument.themes})),
        language="fr-FR",
        date=(doc_date.isoformat() if doc_date else ""),
        provenance=prov,
    )
    running = f"Commune {commune.de}" if commune.kind == "commune" else commune.display_name
    document = Document(
        running_head=typography.french(typography.capfirst(running)),
        title=title,
        subtitle=subtitle,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        notices=notices,
        expose=expose,
        visas=visas,
        considerants=considerants,
        preamble=f"{typography.capfirst(regime.the_council)},",
        dispositifs=tuple(dispositifs),
        signature=signature,
        procedure=procedure,
        notes=tuple(sorted(note_list, key=lambda n: n.number)),
        sources=tuple(sources),
        metadata=metadata,
    )
    return Composition(document, decisions, regime)


def _typeset(nodes) -> tuple[Inline, ...]:
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(Text(typography.french(node.text)))
        elif isinstance(node, Emph):
            out.append(Emph(_typeset(node.children)))
        elif isinstance(node, Strong):
            out.append(Strong(_typeset(node.children)))
        else:
            out.append(node)
    return tuple(out)


_ENVS: dict[tuple, object] = {}


def _environment(lib: Library):
    """One text environment per set of template folders (kept warm in a process)."""
    key = tuple(str(d) for d in lib.template_dirs)
    env = _ENVS.get(key)
    if env is None:
        env = _ENVS[key] = make_environment(lib.template_dirs, html=False)
    return env
