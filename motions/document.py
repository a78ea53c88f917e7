"""The document model: what a document says, never how it looks.

``compose`` builds one :class:`Document` per output document (the motion that
the council votes, the group's dossier, a flyer, a letter); every writer (DOCX,
ODT, HTML/PDF, Typst, text) walks the same tree, so the outputs cannot drift
apart. Like Pandoc's AST, the model carries meaning only, never fonts or sizes:

- a Document is a list of :class:`Section` objects, each with a *role*
  ("expose", "text", "dossier-procedure"...) and an optional heading;
- a Section holds blocks: :class:`Paragraph` (with a role: "visa",
  "considerant"...), :class:`Article`, :class:`ItemList`, :class:`Table`, and
  nested Sections;
- a Paragraph holds inlines: :class:`Text`, :class:`Emph`, :class:`Strong`,
  :class:`Link`, and, once citations are resolved, :class:`Note`.

Citations are parsed once into :class:`Cite` nodes (``motions.citations``) and
resolved once into :class:`Note` nodes (``motions.compose.notes``); a writer
never sees a citation key. Each role maps to a Word style, an ODF style, an
HTML element and a text form in exactly one table, ``motions.writers.roles``.
The order of the sections is decided once, by ``compose``: writers walk the
list as it is. All texts are final: French typography has been applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

# --------------------------------------------------------------------------- inlines


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
class CiteItem:
    """One reference inside a citation, as Pandoc parses it.

    ``[see @cnil-2019, p. 3 and passim]`` gives prefix "see", key "cnil-2019",
    locator "p. 3" (label "page"), suffix "and passim". ``mode`` is "normal",
    "author-in-text" (``@key`` in running text) or "suppress-author"
    (``[-@key]``).
    """

    key: str
    prefix: str = ""
    locator: str = ""  # normalised French form: "p. 3", "art. 9", "§ 4"
    label: str = ""  # CSL locator label: "page", "article", "paragraph"...
    suffix: str = ""
    mode: str = "normal"


@dataclass(frozen=True)
class Cite:
    """A citation cluster: one note for all its items (``[@a; @b]``).

    ``where`` is the ``file:line`` the citation came from, for messages.
    """

    items: tuple[CiteItem, ...]
    where: str = ""


@dataclass(frozen=True)
class Note:
    """A resolved citation: a footnote whose text is final.

    ``number`` counts notes in document order (writers that number notes
    themselves, like Word, may ignore it). ``keys`` are the sources it cites.
    """

    number: int
    content: tuple["Inline", ...]
    keys: tuple[str, ...] = ()


Inline = Union[Text, Emph, Strong, Link, Cite, Note]


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]
    role: str = "body"

    @property
    def text(self) -> str:
        """The paragraph as plain text, without note calls."""
        return plain_text(self.inlines)


@dataclass(frozen=True)
class Article:
    """One numbered article of a dispositif.

    ``lever`` says how the council acts ("decide": within its own powers;
    "ask": a wish addressed to another authority); ``addressee`` names the body
    asked (a key of ``Regime.bodies``: "mayor", "epci", "prefet"...), or None
    when the council decides itself. ``explain`` shows both.
    """

    label: str  # "Article 1er"
    blocks: tuple[Paragraph, ...]
    lever: str = "decide"
    addressee: str | None = None


@dataclass(frozen=True)
class ItemList:
    items: tuple[tuple[Inline, ...], ...]
    ordered: bool = False
    role: str = "list"


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    role: str = "table"


@dataclass(frozen=True)
class Section:
    """A part of a document. ``role`` names what it is (and so its style);
    ``heading`` is printed when given; ``blocks`` may nest sections."""

    role: str
    heading: str | None
    blocks: tuple["Block", ...]


Block = Union[Paragraph, Article, ItemList, Table, Section]


# --------------------------------------------------------------------------- the document


@dataclass(frozen=True)
class Metadata:
    """What goes into DOCX/ODT core properties and PDF metadata."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str
    date: str  # ISO date of the document (session date or generation date), or ""
    provenance: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Document:
    """One output document.

    ``kind`` is "motion", "dossier", "flyer", "letter"...; ``running_head``
    and ``footer`` are printed on every page by paged writers. ``notes`` is how
    writers place :class:`Note` inlines: "footnotes" (at the foot of the page)
    or "endnotes" (a numbered list after the text).
    """

    kind: str
    title: str
    running_head: str
    footer: str
    sections: tuple[Section, ...]
    metadata: Metadata
    notes: str = "footnotes"

    def walk(self) -> Iterator[tuple[Section, Block]]:
        """Every block in reading order, with the innermost section holding it."""
        def visit(section: Section):
            for block in section.blocks:
                if isinstance(block, Section):
                    yield from visit(block)
                else:
                    yield section, block
        for section in self.sections:
            yield from visit(section)

    def section(self, role: str) -> Section | None:
        """The first section (at any depth) with this role."""
        def find(sections):
            for s in sections:
                if s.role == role:
                    return s
                inner = find([b for b in s.blocks if isinstance(b, Section)])
                if inner is not None:
                    return inner
            return None
        return find(self.sections)

    def paragraphs(self, role: str | None = None) -> list[Paragraph]:
        """Paragraphs in reading order (those inside articles included),
        optionally only those of one role."""
        out = []
        for _, block in self.walk():
            paras = block.blocks if isinstance(block, Article) else (block,) if isinstance(block, Paragraph) else ()
            out.extend(p for p in paras if role is None or p.role == role)
        return out

    def articles(self) -> list[Article]:
        return [b for _, b in self.walk() if isinstance(b, Article)]

    def notes_in_order(self) -> list[Note]:
        """Every Note inline, in reading order."""
        found: list[Note] = []
        for _, block in self.walk():
            for inlines in block_inlines(block):
                found.extend(iter_notes(inlines))
        return found


# --------------------------------------------------------------------------- helpers


def block_inlines(block) -> Iterator[tuple[Inline, ...]]:
    """Every run of inlines a block holds (paragraphs, list items, cells)."""
    if isinstance(block, Paragraph):
        yield block.inlines
    elif isinstance(block, Article):
        for p in block.blocks:
            yield p.inlines
    elif isinstance(block, ItemList):
        yield from block.items
    elif isinstance(block, Table):
        yield from block.header
        for row in block.rows:
            yield from row


def iter_notes(inlines) -> Iterator[Note]:
    for node in inlines:
        if isinstance(node, Note):
            yield node
        elif isinstance(node, (Emph, Strong, Link)):
            yield from iter_notes(node.children)


def plain_text(inlines, with_notes: bool = False) -> str:
    """The text of some inlines; note calls as ``[n]`` when ``with_notes``."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Emph, Strong, Link)):
            out.append(plain_text(node.children, with_notes))
        elif isinstance(node, Note) and with_notes:
            out.append(f"[{node.number}]")
    return "".join(out)


def merge_texts(nodes) -> list[Inline]:
    """Join adjacent Text nodes (writers then emit one run per span of text)."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        elif isinstance(node, Text) and not node.text:
            continue
        else:
            out.append(node)
    return out


def text(value: str, role: str = "body") -> Paragraph:
    """A paragraph of plain text (already typeset)."""
    return Paragraph((Text(value),), role)
