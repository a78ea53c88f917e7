"""Documents other than the motion: the dossier, and the campaign kit's letters and notes.

A document template (``templates/documents/*.md.j2``) has a YAML header
(id, title, description, layout) and blocks:

- ``title`` and ``subtitle``: the heading block;
- ``body``: the text, in the small Markdown subset of ``compose.blocks``
  (``##`` headings open sections, ``- `` lists, ``{: role=aside}``);
- for letters (``layout: letter``), also ``sender``, ``recipient``,
  ``place_date``, ``subject``, and ``signature``, laid out in that order, as
  French correspondence expects.

The sections' order is decided here, once, for each layout.
"""

from __future__ import annotations

from ..document import Document, Metadata, Section
from ..templating import render_blocks
from .blocks import RawParagraph, raw_blocks
from .build import blocks_of, paragraph, plain
from .notes import resolve

NOTE_BLOCKS = ("title", "subtitle", "body")
LETTER_BLOCKS = ("title", "sender", "recipient", "place_date", "subject", "body", "signature")


def compose_document(resources, template, context: dict, *, kind: str, running_head: str,
                     provenance: dict | None = None, notes: str = "footnotes") -> tuple[Document, list[str]]:
    """Render ``template`` with ``context`` into one Document; returns it and the keys it cites."""
    lib = resources.library
    layout = template.meta.layout
    names = LETTER_BLOCKS if layout == "letter" else NOTE_BLOCKS
    rendered = render_blocks(resources.text_env(), template.name, names, context)
    where = template.name

    def raw(block):
        return raw_blocks(rendered.get(block), f"{where} (block {block})")

    title_raw = [b for b in raw("title") if isinstance(b, RawParagraph)]
    title = title_raw[0].text if title_raw else template.meta.title
    sections: list[Section] = []
    if layout == "letter":
        for block, role in (("sender", "letter-sender"), ("recipient", "letter-recipient"),
                            ("place_date", "letter-place-date"), ("subject", "letter-subject")):
            found = blocks_of(raw(block), role, f"{where} (block {block})")
            if found:
                sections.append(Section(block.replace("_", "-"), None, tuple(found)))
        body = blocks_of(raw("body"), "body", f"{where} (block body)")
        sections.append(Section("body", None, tuple(body)))
        signature = blocks_of(raw("signature"), "signature", f"{where} (block signature)")
        if signature:
            sections.append(Section("signature", None, tuple(signature)))
    else:
        header = [paragraph(title, "title", where)]
        header += blocks_of(raw("subtitle"), "subtitle", f"{where} (block subtitle)")
        sections.append(Section("header", None, tuple(header)))
        body = blocks_of(raw("body"), "body", f"{where} (block body)")
        top = [b for b in body if not isinstance(b, Section)]
        if top:
            sections.append(Section("intro", None, tuple(top)))
        sections += [Section(b.role if b.role != "section" else "part", b.heading, b.blocks)
                     for b in body if isinstance(b, Section)]
    from ..typography import french

    metadata = Metadata(title=french(title), author=str(context.get("group") or ""), subject=template.meta.description,
                        keywords=(), language="fr-FR", date="", provenance=dict(provenance or {}))
    doc = Document(kind=kind, title=french(title), running_head=running_head,
                   footer=f"{running_head} — {french(template.meta.title)}", sections=tuple(sections),
                   metadata=metadata, notes=notes)
    return resolve(doc, lib.sources)


__all__ = ["compose_document", "plain"]
