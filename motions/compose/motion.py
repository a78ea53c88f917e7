"""The motion: what the council votes, as one Document.

Where the order of a motion's sections is decided (once; writers walk the
list as it is): the heading block (nature, title, council and session), the
exposé des motifs, the text submitted to the vote (« Le conseil municipal, »,
visas, considérants, the délibération's articles, then the vœu's), and the
signature. Nothing uncertain goes here: procedure, points to check and the
state of the law go to the dossier (``compose.dossier``).

A motion template is a Jinja text template with one block per part (title,
subtitle, expose, visas, considerants, deliberation, voeu, signature); in the
deliberation and voeu blocks each paragraph is one article, numbered here, so
a clause left out by a condition never leaves a gap. An article may start
with attributes: ``{: to=epci}`` names the body a vœu asks (a key of
``regime.bodies``); délibération articles are decisions of the council itself.
"""

from __future__ import annotations

import re

from .. import typography
from ..document import Article, Paragraph, Section, Text, merge_texts, plain_text
from ..errors import TemplateError
from .blocks import RawParagraph, raw_blocks
from .build import blocks_of, paragraph, plain
from .select import Decision, decide

BLOCKS = ("title", "subtitle", "expose", "visas", "considerants", "deliberation_intro", "deliberation",
          "voeu_intro", "voeu", "signature")

KIND_LABELS = {"voeu": "Proposition de vœu", "deliberation": "Projet de délibération",
               "mixte": "Projet de délibération et de vœu"}

#: Addressees an article may name besides the regime's bodies.
STANDING_ADDRESSEES = ("mayor", "state", "parliament", "prefet", "council")


def build_sections(rendered: dict, name: str, regime, kind: str, decisions: list[Decision]) -> tuple[list[Section], str, str]:
    """The motion's sections from its rendered blocks; returns (sections, kind, title)."""
    where = name

    def raw(block):
        return raw_blocks(rendered.get(block), f"{where} (block {block})")

    title_raw = [b for b in raw("title") if isinstance(b, RawParagraph)]
    title = typography.french(title_raw[0].text) if title_raw else ""
    deliberation = _articles(raw("deliberation"), "decide", regime, f"{where} (block deliberation)")
    if deliberation and not regime.can_deliberate:
        decisions.append(decide("(dispositif)", False, "deliberation-dropped"))
        deliberation = []
    voeu = _articles(raw("voeu"), "ask", regime, f"{where} (block voeu)")
    if deliberation and not regime.members_table_deliberations:
        voeu = [_decisions_as_a_request(deliberation, regime)] + voeu
        deliberation = []
    kind = _kind(kind, bool(deliberation), bool(voeu), regime)
    header = [plain(KIND_LABELS[kind], "kind"), paragraph(title_raw[0].text, "title", where) if title_raw else plain("", "title")]
    header += blocks_of(raw("subtitle"), "subtitle", f"{where} (block subtitle)")
    sections = [Section("header", None, tuple(header))]
    expose = blocks_of(raw("expose"), "body", f"{where} (block expose)")
    if expose:
        sections.append(Section("expose", "Exposé des motifs", tuple(expose)))
    text: list = [plain(typography.capfirst(regime.council) + ",", "preamble")]
    text += blocks_of(raw("visas"), "visa", f"{where} (block visas)")
    text += blocks_of(raw("considerants"), "considerant", f"{where} (block considerants)")
    number = 0
    for articles, intro_block, default in (
        (deliberation, "deliberation_intro", "Après en avoir délibéré, décide :"),
        (voeu, "voeu_intro", "Émet en outre le vœu :" if deliberation else "Émet le vœu :"),
    ):
        if not articles:
            continue
        intro = blocks_of(raw(intro_block), "dispositif-intro", f"{where} (block {intro_block})")
        text += intro[:1] or [plain(default, "dispositif-intro")]
        for lever, addressee, para in articles:
            number += 1
            label = "Article 1er" if number == 1 else f"Article {number}"
            text.append(Article(label, (para,), lever, addressee))
    sections.append(Section("text", "Texte soumis au vote", tuple(text)))
    signature = blocks_of(raw("signature"), "signature", f"{where} (block signature)")
    if signature:
        sections.append(Section("signature", None, tuple(signature)))
    return sections, kind, title


_EXECUTION = re.compile(r"\bchargée? de l[’']exécution\b")
#: « au sens de l'article 1er » once the articles have become numbered dispositions.
_ARTICLE_ONE = re.compile(r"de l[’']article 1er\b")


def _decisions_as_a_request(articles, regime) -> tuple[str, str, Paragraph]:
    """Where councillors may table only vœux (Paris), the council's own
    decisions become one vœu asking the chair to submit them as a projet de
    délibération: « Que le maire de Paris soumette au Conseil de Paris … un
    projet de délibération reprenant les dispositions suivantes : 1° … ; 2° … ».
    The execution clause goes: it belongs to the délibération to come."""
    from ..templating import FILTERS

    kept = [para for _, _, para in articles if not _EXECUTION.search(plain_text(para.inlines))]
    inlines: list = [Text(f"Que {regime.chair} soumette {FILTERS['a_article'](regime.council)}, à l’une de ses "
                          "prochaines séances, un projet de délibération reprenant les dispositions suivantes : ")]
    for i, para in enumerate(kept, 1):
        body = [Text(_ARTICLE_ONE.sub("du 1°", n.text)) if isinstance(n, Text) else n for n in para.inlines]
        last = body[-1] if body else None
        end = " ;" if i < len(kept) else "."
        if isinstance(last, Text):
            body[-1] = Text(last.text.rstrip().rstrip(".") + end)
        else:
            body.append(Text(end))
        inlines += [Text(("" if i == 1 else " ") + f"{i}°\u00a0")] + body
    return "ask", "mayor", Paragraph(tuple(merge_texts(inlines)), "article-body")


def _articles(raw, lever: str, regime, where: str) -> list[tuple[str, str | None, Paragraph]]:
    out = []
    for block in raw:
        if not isinstance(block, RawParagraph):
            raise TemplateError(f"{where}: an article is one paragraph (no list or heading)")
        addressee = block.attrs.get("to")
        if addressee is not None and addressee not in regime.bodies and addressee not in STANDING_ADDRESSEES:
            raise TemplateError(f"{where}: the article names the addressee '{addressee}', which is neither a body "
                                f"of this commune's regime ({', '.join(regime.bodies) or 'none'}) nor one of "
                                f"{', '.join(STANDING_ADDRESSEES)}; guard it with {{% if regime.bodies.{addressee} %}}")
        art_lever = block.attrs.get("lever", "ask" if addressee else lever)
        out.append((art_lever, addressee, paragraph(block.text, "article-body", where)))
    return out


def _kind(kind: str, has_deliberation: bool, has_voeu: bool, regime) -> str:
    if not regime.can_deliberate or not has_deliberation:
        return "voeu"
    if kind == "mixte" and not has_voeu:
        return "deliberation"
    return kind
