"""Raw blocks -> model blocks: inline markup parsed, French typography applied.

The last text transformation before the model: every text run that a
template or an argument produced goes through :func:`typeset` once, so all
writers carry the same characters.
"""

from __future__ import annotations

from .. import inline, typography
from ..citations import CitationSyntaxError
from ..document import Emph, Inline, ItemList, Link, Paragraph, Section, Strong, Text
from ..errors import TemplateError
from .blocks import RawBlock, RawHeading, RawList, RawParagraph


def typeset(nodes) -> tuple[Inline, ...]:
    """French typography on every Text node (citations and notes untouched)."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(Text(typography.french(node.text)))
        elif isinstance(node, Emph):
            out.append(Emph(typeset(node.children)))
        elif isinstance(node, Strong):
            out.append(Strong(typeset(node.children)))
        elif isinstance(node, Link):
            out.append(Link(node.url, typeset(node.children)))
        else:
            out.append(node)
    return tuple(out)


def inlines(text: str, where: str) -> tuple[Inline, ...]:
    """Parse and typeset one paragraph's text; a citation error names ``where``."""
    try:
        return typeset(inline.parse(text, where))
    except CitationSyntaxError as exc:
        raise TemplateError(str(exc)) from None


def paragraph(text: str, role: str, where: str) -> Paragraph:
    return Paragraph(inlines(text, where), role)


def plain(text: str, role: str) -> Paragraph:
    """A paragraph of text that holds no markup (names, dates): typeset only."""
    return Paragraph((Text(typography.french(text)),), role)


def blocks_of(raw: list[RawBlock], role: str, where: str) -> list:
    """Paragraphs and lists of one role; ``##`` headings open nested sections."""
    out: list = []
    stack: list[tuple[int, str, list]] = []  # (level, heading, blocks)
    for block in raw:
        target = stack[-1][2] if stack else out
        if isinstance(block, RawHeading):
            while stack and stack[-1][0] >= block.level:
                _close(stack, out)
            stack.append((block.level, typography.french(block.text), []))
        elif isinstance(block, RawList):
            items = tuple(inlines(item, where) for item in block.items)
            target.append(ItemList(items, block.ordered, block.attrs.get("role", "list-item")))
        elif isinstance(block, RawParagraph):
            target.append(paragraph(block.text, block.attrs.get("role", role), where))
    while stack:
        _close(stack, out)
    return out


def _close(stack, out) -> None:
    level, heading, blocks = stack.pop()
    section = Section("section", heading, tuple(blocks))
    (stack[-1][2] if stack else out).append(section)
