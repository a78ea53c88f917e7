"""The document model: what a motion says, never how it looks.

``compose`` builds one :class:`Document`; every writer (DOCX, HTML/PDF, text)
walks the same tree, so the outputs cannot drift apart. Like Pandoc's AST, the
model carries meaning only (a visa, a considérant, an article), no fonts or sizes.
All texts are final: typography has already been applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emph:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Strong:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Link:
    """A live link: ``url`` is http(s), mailto: or a DOI resolver address."""

    url: str
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class NoteRef:
    """A call to note ``number`` of :attr:`Document.notes`."""

    number: int


Inline = Union[Text, Emph, Strong, Link, NoteRef]


def plain_text(inlines: tuple[Inline, ...], with_notes: bool = False) -> str:
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Emph, Strong, Link)):
            out.append(plain_text(node.children, with_notes))
        elif isinstance(node, NoteRef) and with_notes:
            out.append(f"[{node.number}]")
    return "".join(out)


def merge_texts(nodes) -> list[Inline]:
    """Join adjacent Text nodes (writers then emit one run per span of text)."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]

    @property
    def text(self) -> str:
        """The paragraph as plain text, without note calls."""
        return plain_text(self.inlines)


@dataclass(frozen=True)
class Article:
    label: str  # "Article 1er"
    body: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Dispositif:
    """One operative part: what the council decides, or the wish it expresses."""

    kind: Literal["deliberation", "voeu"]
    heading: str  # "Délibération" / "Vœu"
    intro: Paragraph  # "Le conseil municipal, après en avoir délibéré, décide :"
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Note:
    number: int
    body: Paragraph  # the formatted reference with its locator


@dataclass(frozen=True)
class Source:
    key: str
    body: Paragraph  # the formatted bibliographic entry


@dataclass(frozen=True)
class Metadata:
    """What goes into DOCX core properties and PDF metadata."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str
    date: str  # ISO date of the document (session date or generation date)
    provenance: dict = field(default_factory=dict, hash=False, compare=False)


#: Section headings, shared by every writer so the outputs say the same thing.
HEADINGS = {
    "expose": "Exposé des motifs",
    "text": "Texte soumis au vote",
    "procedure": "Procédure",
    "notes": "Notes",
    "sources": "Sources",
}


@dataclass(frozen=True)
class Document:
    running_head: str  # "Ville de Villejuif" — in every page's header
    title: str
    subtitle: tuple[str, ...]
    kind: Literal["voeu", "deliberation", "mixte"]
    kind_label: str
    notices: tuple[Paragraph, ...]
    expose: tuple[Paragraph, ...]
    visas: tuple[Paragraph, ...]
    considerants: tuple[Paragraph, ...]
    preamble: str  # "Le conseil municipal," before the visas
    dispositifs: tuple[Dispositif, ...]
    signature: tuple[Paragraph, ...]
    procedure: tuple[Paragraph, ...]  # dated procedure notes that depend on population
    notes: tuple[Note, ...]
    sources: tuple[Source, ...]
    metadata: Metadata

    def iter_paragraphs(self):
        """Every paragraph in reading order, with a role name (for tests and text output)."""
        for p in self.notices:
            yield "notice", p
        for p in self.expose:
            yield "expose", p
        for p in self.visas:
            yield "visa", p
        for p in self.considerants:
            yield "considerant", p
        for d in self.dispositifs:
            yield "dispositif", d.intro
            for a in d.articles:
                for p in a.body:
                    yield "article", p
        for p in self.signature:
            yield "signature", p
        for p in self.procedure:
            yield "procedure", p
        for n in self.notes:
            yield "note", n.body
        for s in self.sources:
            yield "source", s.body
