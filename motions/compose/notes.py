"""Where a citation becomes a note: the one place citations are resolved.

Compose parses every text into inlines holding :class:`~motions.document.Cite`
nodes; :func:`resolve` walks the finished document in reading order and
replaces each Cite with a :class:`~motions.document.Note` whose text is final:

- the first citation of a work gives its full reference, later ones a short
  form that still identifies the work on its own (a considérant may be deleted
  by the council's staff: a « préc. » or « op. cit. » would then point nowhere);
- a cluster ``[@a; @b]`` is one note, its references joined by « ; »;
- ``@key`` in running text prints the author in the text and the reference in
  the note; ``[-@key]`` leaves the author out of the note;
- the flyer's "author-date" style gives « CNIL, 2019 » forms instead.

Writers only place notes (footnotes, end notes, a flyer's list); they never
see a citation key.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import bibliography, typography
from ..document import (
    Article, Cite, CiteItem, Document, Emph, Inline, ItemList, Link, Note, Paragraph, Section, Strong,
    Table, Text, merge_texts,
)
from ..errors import UnknownItem


class Resolver:
    """Numbers notes in reading order and remembers which works were cited."""

    def __init__(self, sources: dict[str, dict], style: str = "notes"):
        self.sources = sources
        self.style = style
        self.count = 0
        self.seen: list[str] = []  # keys in order of first citation

    # -- documents

    def document(self, doc: Document) -> Document:
        return replace(doc, sections=tuple(self.section(s) for s in doc.sections))

    def section(self, section: Section) -> Section:
        return replace(section, blocks=tuple(self.block(b) for b in section.blocks))

    def block(self, block):
        if isinstance(block, Section):
            return self.section(block)
        if isinstance(block, Paragraph):
            return replace(block, inlines=self.inlines(block.inlines))
        if isinstance(block, Article):
            return replace(block, blocks=tuple(self.block(p) for p in block.blocks))
        if isinstance(block, ItemList):
            return replace(block, items=tuple(self.inlines(i) for i in block.items))
        if isinstance(block, Table):
            return replace(block, header=tuple(self.inlines(c) for c in block.header),
                           rows=tuple(tuple(self.inlines(c) for c in row) for row in block.rows))
        return block

    def inlines(self, nodes) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, Cite):
                out.extend(self.cite(node))
            elif isinstance(node, Emph):
                out.append(Emph(self.inlines(node.children)))
            elif isinstance(node, Strong):
                out.append(Strong(self.inlines(node.children)))
            elif isinstance(node, Link):
                out.append(Link(node.url, self.inlines(node.children)))
            else:
                out.append(node)
        return tuple(_no_space_before_notes(merge_texts(out)))

    # -- citations

    def cite(self, cite: Cite) -> list[Inline]:
        before: list[Inline] = []
        parts: list[list[Inline]] = []
        for item in cite.items:
            source = self.sources.get(item.key)
            if source is None:
                where = f"{cite.where}: " if cite.where else ""
                raise UnknownItem(f"{where}the citation @{item.key} names no source of the library; "
                                  "check the key or add the source to arguments/sources/.")
            if item.mode == "author-in-text":
                before.append(Text(typography.french(bibliography.author_in_text(source)) + " "))
            parts.append(self.reference(item, source))
            if item.key not in self.seen:
                self.seen.append(item.key)
        content: list[Inline] = []
        for i, part in enumerate(parts):
            if i:
                content.append(Text(" ; "))
            content.extend(part)
        content = _linked(_typeset(merge_texts(content)))
        if self.style == "notes" and content and _needs_full_stop(content[-1]):
            content.append(Text("."))
        self.count += 1
        note = Note(self.count, tuple(merge_texts(content)), tuple(i.key for i in cite.items))
        return [*before, note]

    def reference(self, item: CiteItem, source: dict) -> list[Inline]:
        locator = _locator(item, source)
        if item.mode == "suppress-author":
            source = {k: v for k, v in source.items() if k not in ("author", "editor")}
        if self.style == "author-date":
            body: list[Inline] = [Text(bibliography.format_author_date(source, locator))]
        elif item.key in self.seen:
            body = list(bibliography.format_short(source, locator))
        else:
            body = list(bibliography.format_full(source, locator))
        body = _strip_final_stop(body)
        if item.prefix:
            body.insert(0, Text(item.prefix + " "))
        if item.suffix:
            body.append(Text(", " + item.suffix if not item.suffix.startswith(",") else item.suffix))
        return body


def resolve(doc: Document, sources: dict[str, dict], style: str = "notes") -> tuple[Document, list[str]]:
    """``doc`` with every Cite replaced by a Note, and the keys cited, in order."""
    resolver = Resolver(sources, style)
    return resolver.document(doc), resolver.seen


def _locator(item: CiteItem, source: dict) -> str:
    """The locator, unless it only repeats the article the entry already is."""
    section = str(source.get("section") or "").strip()
    if section and item.locator and _same_locator(item.locator, section):
        return ""
    return item.locator


def _same_locator(locator: str, section: str) -> bool:
    def norm(s: str) -> str:
        return "".join(s.lower().replace("article", "art.").replace("\u00a0", " ").split())
    return norm(locator) == norm(section)


def _strip_final_stop(nodes: list[Inline]) -> list[Inline]:
    if nodes and isinstance(nodes[-1], Text) and nodes[-1].text.endswith(".") \
            and not nodes[-1].text.endswith(("..", "etc.", "p.", "art.", "coll.", "éd.", "dir.", "al.")):
        return nodes[:-1] + [Text(nodes[-1].text[:-1])]
    return nodes


def _typeset(nodes) -> list[Inline]:
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(Text(typography.french(node.text)))
        elif isinstance(node, Emph):
            out.append(Emph(tuple(_typeset(node.children))))
        elif isinstance(node, Strong):
            out.append(Strong(tuple(_typeset(node.children))))
        else:
            out.append(node)
    return out


_URL = re.compile(r"https?://[^\s<>«»\"]+[^\s<>«»\".,;:)\]]")
_DOI = re.compile(r"(?<=DOI\u00a0: |DOI : )(10\.\d{4,9}/[^\s]+[^\s.,;)])")


def _linked(nodes) -> list[Inline]:
    """URLs and DOIs in a note's text become live links (the bibliography may
    already give Link nodes; plain text is linked here, once)."""
    out: list[Inline] = []
    for node in nodes:
        if not isinstance(node, Text):
            out.append(node)
            continue
        text, pos = node.text, 0
        for m in sorted(list(_URL.finditer(text)) + list(_DOI.finditer(text)), key=lambda m: m.start()):
            if m.start() < pos:
                continue
            out.append(Text(text[pos:m.start()]))
            url = m.group(0) if m.group(0).startswith("http") else "https://doi.org/" + m.group(0)
            out.append(Link(url, (Text(m.group(0)),)))
            pos = m.end()
        out.append(Text(text[pos:]))
    return [n for n in out if not (isinstance(n, Text) and not n.text)]


def _no_space_before_notes(nodes: list[Inline]) -> list[Inline]:
    """A note call sticks to the word before it: « local¹ », not « local ¹ »."""
    out = list(nodes)
    for i, node in enumerate(out):
        if isinstance(node, Text) and i + 1 < len(out) and isinstance(out[i + 1], Note):
            out[i] = Text(node.text.rstrip(" "))
    return [n for n in out if not (isinstance(n, Text) and not n.text)]


def _needs_full_stop(last: Inline) -> bool:
    """A note ends with a full stop, after a link too (« https://… . » reads
    badly, but a note that just stops reads worse; the link itself stays clean)."""
    if isinstance(last, Link):
        return True
    return isinstance(last, Text) and not last.text.endswith((".", "…", "?", "!"))
