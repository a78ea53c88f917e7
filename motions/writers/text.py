"""Document -> plain text, for e-mail, review and golden tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ..document import HEADINGS, Document, Paragraph, plain_text


def _fill(p: Paragraph | str, indent: str = "") -> str:
    text = p if isinstance(p, str) else plain_text(p.inlines, with_notes=True)
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False)


def render_text(document: Document, template_dirs: list[Path] | None = None) -> str:
    out = [document.running_head, "", document.kind_label.upper(), document.title, ""]
    out += list(document.subtitle)
    for p in document.notices:
        out += ["", _fill(p)]
    if document.expose:
        out += ["", HEADINGS["expose"].upper(), ""]
        out += [_fill(p) + "\n" for p in document.expose]
    out += ["", HEADINGS["text"].upper(), "", document.preamble, ""]
    out += [_fill(p) for p in document.visas]
    out.append("")
    out += [_fill(p) for p in document.considerants]
    for d in document.dispositifs:
        out += ["", _fill(d.intro), ""]
        for a in d.articles:
            out.append(a.label)
            out += [_fill(p, "  ") for p in a.body]
    if document.signature:
        out.append("")
        out += [_fill(p) for p in document.signature]
    if document.procedure:
        out += ["", HEADINGS["procedure"].upper()]
        out += [_fill(p) for p in document.procedure]
    if document.notes:
        out += ["", HEADINGS["notes"].upper()]
        out += [_fill(f"{n.number}. " + plain_text(n.body.inlines)) for n in document.notes]
    if document.sources:
        out += ["", HEADINGS["sources"].upper()]
        out += [_fill(s.body) for s in document.sources]
    return "\n".join(out) + "\n"
