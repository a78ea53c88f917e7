"""Document -> plain text (UTF-8): for e-mails, diffs and a quick read.

Notes are numbered calls ``[1]`` with the notes listed at the end; headings
are underlined; articles are labelled. Every paragraph is one line, so the
text pastes cleanly into an e-mail or a web form.
"""

from __future__ import annotations

from ..document import Article, Document, ItemList, Paragraph, Section, Table, iter_notes, plain_text
from . import missing_resources


class TextWriter:
    name = "txt"
    extension = ".txt"
    media_type = "text/plain; charset=utf-8"
    resources: tuple[str, ...] = ()
    kinds = ("*",)

    def check(self, template_dirs) -> list[str]:
        return missing_resources(template_dirs, self.resources)

    def write(self, document: Document, resources=None, options=None) -> bytes:
        return render_text(document).encode("utf-8")


def render_text(document: Document) -> str:
    lines: list[str] = []
    for section in document.sections:
        _section(section, 1, lines)
    notes = document.notes_in_order()
    if notes:
        _heading("Notes", 1, lines)
        for note in notes:
            lines.append(f"[{note.number}] {plain_text(note.content)}")
            lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _heading(text: str, depth: int, lines: list[str]) -> None:
    lines.append(text)
    lines.append(("=" if depth == 1 else "-") * len(text))
    lines.append("")


def _section(section: Section, depth: int, lines: list[str]) -> None:
    if section.heading:
        _heading(section.heading, depth, lines)
    for block in section.blocks:
        if isinstance(block, Section):
            _section(block, depth + 1, lines)
        elif isinstance(block, Paragraph):
            text = plain_text(block.inlines, with_notes=True)
            lines.append(text.upper() if block.role == "kind" else text)
            if block.role == "title":
                lines.append("")
            lines.append("")
        elif isinstance(block, Article):
            lines.append(block.label)
            for p in block.blocks:
                lines.append(plain_text(p.inlines, with_notes=True))
            lines.append("")
        elif isinstance(block, ItemList):
            for i, item in enumerate(block.items, 1):
                mark = f"{i}." if block.ordered else "–"
                lines.append(f"{mark} {plain_text(item, with_notes=True)}")
            lines.append("")
        elif isinstance(block, Table):
            rows = [block.header, *block.rows] if block.header else list(block.rows)
            for row in rows:
                lines.append(" | ".join(plain_text(c, with_notes=True) for c in row))
            lines.append("")


__all__ = ["TextWriter", "render_text", "iter_notes"]
