"""Inline markup of library texts: ``*italics*``, ``**bold**``, ``\\`` escapes
and Pandoc citations, parsed into the model's inline nodes.

The library loader parses every argument text with this (so a malformed
citation is a load error with file:line), and compose parses every rendered
template block with it. markdown-it-py does the emphasis and escapes, with the
"zero" preset: no HTML, no links, no images, so content can never pull in a
resource or inject markup. Citations are a markdown-it inline rule of ours,
so that ``*voir [@cnil-2019]*`` and ``\\@`` behave as in Pandoc.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from . import citations
from .citations import CitationSyntaxError
from .document import Cite, Emph, Inline, Strong, Text, merge_texts


def _citation_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    ch = src[pos]
    if ch == "[":
        m = citations.CLUSTER_AT.match(src, pos)
        if not m:
            return False
        if not silent:
            token = state.push("cite", "", 0)
            token.meta = {"cite": citations.parse_cluster(m.group("inner"), state.env.get("where", ""))}
        state.pos = m.end()
        return True
    if ch == "@" or (ch == "-" and src.startswith("-@", pos)):
        if pos > 0 and (src[pos - 1].isalnum() or src[pos - 1] in "._@"):
            return False
        if ch == "-":
            return False  # [-@key] only exists inside brackets
        m = citations.IN_TEXT_AT.match(src, pos)
        if not m:
            return False
        if not silent:
            token = state.push("cite", "", 0)
            token.meta = {"cite": citations.in_text(m.group("key"), m.group("loc"), state.env.get("where", ""))}
        state.pos = m.end()
        return True
    return False


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero").enable(["emphasis", "escape"])
    md.inline.ruler.before("escape", "citation", _citation_rule)
    md.core.ruler.disable("text_join")  # keep escaped characters apart from text
    return md


_MD = _parser()  # stateless and immutable once built: safe to share


def parse(text: str, where: str = "") -> tuple[Inline, ...]:
    """Parse one paragraph of library text into inline nodes (no typography).

    Raises :class:`CitationSyntaxError` (with ``where``) for text a reader
    would see raw: a bracket holding an @ that is not a citation, a stray @key.
    """
    tokens = _MD.parseInline(text, {"where": where})[0].children or []
    stack: list[list[Inline]] = [[]]
    for tok in tokens:
        if tok.type in ("em_open", "strong_open"):
            stack.append([])
        elif tok.type in ("em_close", "strong_close"):
            children = tuple(merge_texts(stack.pop()))
            stack[-1].append(Emph(children) if tok.type == "em_close" else Strong(children))
        elif tok.type == "cite":
            stack[-1].append(tok.meta["cite"])
        elif tok.type == "text_special":  # an escaped character: never a citation
            stack[-1].append(Text(tok.content))
        elif tok.type == "softbreak":
            stack[-1].append(Text(" "))
        elif tok.content:
            snippet = citations.suspect(tok.content)
            if snippet:
                prefix = f"{where}: " if where else ""
                raise CitationSyntaxError(
                    f"{prefix}this looks like a citation but does not parse: « {snippet} »; "
                    "write [@key], [@key, p. 3] or @key, and escape a literal @ as \\@"
                )
            stack[-1].append(Text(tok.content))
    while len(stack) > 1:  # unbalanced markers cannot happen with markdown-it, but be safe
        children = stack.pop()
        stack[-1].extend(children)
    nodes = tuple(merge_texts(stack[0]))
    _refuse_unclosed(nodes, where)
    return nodes


def _refuse_unclosed(nodes, where: str) -> None:
    """``[see @key, p. 3`` without its closing bracket would print raw."""
    for before, after in zip(nodes, nodes[1:]):
        if isinstance(before, Text) and isinstance(after, Cite) and after.items[0].mode == "author-in-text":
            tail = before.text.rsplit("]", 1)[-1]
            if "[" in tail:
                prefix = f"{where}: " if where else ""
                raise CitationSyntaxError(
                    f"{prefix}this looks like a citation but does not parse: « {tail.strip()}@{after.items[0].key} »; "
                    "close the bracket: [see @key, p. 3]")


def cites(inlines) -> list[Cite]:
    """Every citation in some inlines, in order."""
    found: list[Cite] = []
    for node in inlines:
        if isinstance(node, Cite):
            found.append(node)
        elif isinstance(node, (Emph, Strong)):
            found.extend(cites(node.children))
    return found


def plain(inlines) -> str:
    """What a reader sees, without citations: for lengths and word counts."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Emph, Strong)):
            out.append(plain(node.children))
    return " ".join("".join(out).split()).replace(" .", ".").replace(" ,", ",")


__all__ = ["parse", "cites", "plain", "CitationSyntaxError"]
