"""Document -> HTML: one walk over the sections, one element per role.

The body is built here, escaped node by node, from the role table
(``roles.py``); the page template ``templates/html/page.html.j2`` only frames it
(head, metadata, running heads) and can never emit unescaped content. Two
forms of notes:

- ``footnotes="inline"`` (for the PDF): each note is a ``<span
  class="footnote">`` where it is called; the stylesheet floats it to the
  foot of the page (``float: footnote``, which WeasyPrint supports) and
  numbers it with the ``footnote`` counter;
- ``footnotes="end"`` (the html format and the web view): a call linking to a
  numbered list after the text, and back.

URLs and DOIs are live links in both.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..document import Article, Document, Emph, ItemList, Link, Note, Paragraph, Section, Strong, Table, Text
from .common import xml_safe
from .roles import HEADING_ROLES, role

PAGE_TEMPLATE = "html/page.html.j2"
STYLESHEET = "html/motion.css"


class HtmlWriter:
    name = "html"
    extension = ".html"
    media_type = "text/html; charset=utf-8"
    resources = (PAGE_TEMPLATE, STYLESHEET)
    kinds = ("*",)

    def check(self, template_dirs) -> list[str]:
        from . import missing_resources

        return missing_resources(template_dirs, self.resources)

    def write(self, document: Document, resources, options=None) -> bytes:
        css = resources.read_bytes(STYLESHEET).decode("utf-8")
        return page(document, resources, footnotes="end", inline_css=css).encode("utf-8")


# --------------------------------------------------------------------------- inlines


class _Inlines:
    def __init__(self, footnotes: str):
        self.footnotes = footnotes

    def render(self, nodes) -> str:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(str(escape(xml_safe(node.text))))
            elif isinstance(node, Emph):
                out.append(f"<em>{self.render(node.children)}</em>")
            elif isinstance(node, Strong):
                out.append(f"<strong>{self.render(node.children)}</strong>")
            elif isinstance(node, Link):
                out.append(f'<a href="{escape(node.url)}">{self.render(node.children)}</a>')
            elif isinstance(node, Note):
                out.append(self.note(node))
        return "".join(out)

    def note(self, note: Note) -> str:
        if self.footnotes == "none":  # the flyer lists its references apart
            return ""
        if self.footnotes == "inline":
            return f'<span class="footnote">{self.render(note.content)}</span>'
        n = note.number
        return (f'<sup class="note-call"><a href="#note-{n}" id="call-{n}" role="doc-noteref" '
                f'aria-label="note {n}">{n}</a></sup>')


def inline_html(nodes, footnotes: str = "end") -> Markup:
    """Escaped HTML of some inlines (a Paragraph's, a list item's)."""
    if isinstance(nodes, Paragraph):
        nodes = nodes.inlines
    return Markup(_Inlines(footnotes).render(nodes))


# --------------------------------------------------------------------------- blocks


def body_html(document: Document, footnotes: str = "end") -> str:
    """The document's body: its sections, then (end notes) the list of notes."""
    r = _Inlines(footnotes)
    out: list[str] = []
    for section in document.sections:
        _section(section, 1, r, out)
    if footnotes == "end" or document.notes == "endnotes":
        notes = document.notes_in_order()
        if notes:
            out.append('<section class="notes" role="doc-endnotes"><h2 class="heading">Notes</h2><ol>')
            for note in notes:
                back = f' <a href="#call-{note.number}" class="back" role="doc-backlink" aria-label="retour au texte">↩</a>'
                out.append(f'<li id="note-{note.number}" value="{note.number}">{r.render(note.content)}{back}</li>')
            out.append("</ol></section>")
    return "\n".join(out)


def _section(section: Section, depth: int, r: _Inlines, out: list[str]) -> None:
    out.append(f'<section class="{escape(section.role)}">')
    if section.heading:
        h = role(HEADING_ROLES.get(depth, "heading-2"))
        out.append(f'<{h.tag} class="{h.css}">{escape(xml_safe(section.heading))}</{h.tag}>')
    for block in section.blocks:
        if isinstance(block, Section):
            _section(block, depth + 1, r, out)
        elif isinstance(block, Paragraph):
            ro = role(block.role)
            out.append(f'<{ro.tag} class="{ro.css}">{r.render(block.inlines)}</{ro.tag}>')
        elif isinstance(block, Article):
            label = role("article-label")
            out.append(f'<div class="article" data-lever="{escape(block.lever)}"'
                       + (f' data-addressee="{escape(block.addressee)}"' if block.addressee else "") + ">")
            out.append(f'<{label.tag} class="{label.css}">{escape(block.label)}</{label.tag}>')
            for p in block.blocks:
                ro = role(p.role)
                out.append(f'<{ro.tag} class="{ro.css}">{r.render(p.inlines)}</{ro.tag}>')
            out.append("</div>")
        elif isinstance(block, ItemList):
            tag = "ol" if block.ordered else "ul"
            ro = role(block.role)
            items = "".join(f"<li>{r.render(item)}</li>" for item in block.items)
            out.append(f'<{tag} class="{ro.css}">{items}</{tag}>')
        elif isinstance(block, Table):
            out.append(_table(block, r))
    out.append("</section>")


def _table(table: Table, r: _Inlines) -> str:
    head = "".join(f'<th scope="col">{r.render(c)}</th>' for c in table.header)
    rows = "".join("<tr>" + "".join(f"<td>{r.render(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return f'<table class="{escape(role(table.role).css)}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


# --------------------------------------------------------------------------- the page


def css_string(value: str) -> Markup:
    """A quoted CSS string safe inside <style>: every non-alphanumeric character
    is a hex escape, so content can neither close the string nor the element."""
    out = []
    for ch in xml_safe(str(value)):
        out.append(ch if ch.isalnum() and ord(ch) < 0x80 else f"\\{ord(ch):06x}")
    return Markup('"' + "".join(out) + '"')


def safe_css(css: str) -> Markup:
    """A stylesheet to inline in <style>: it may not close the element."""
    return Markup(str(css).replace("</", "<\\/"))


#: The filters every HTML template may use (the loader compiles templates with them).
FILTERS = {"inline": inline_html, "css_string": css_string, "safe_css": safe_css}


def install_filters(env) -> None:
    env.filters.update(FILTERS)


def page(document: Document, resources, *, footnotes: str, inline_css: str | None = None,
         stylesheet_href: str | None = None) -> str:
    from ..templating import render

    env = resources.html_env()
    created = resources.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return render(env, PAGE_TEMPLATE, {
        "doc": document,
        "body": Markup(body_html(document, footnotes)),
        "created": created,
        "inline_css": inline_css,
        "stylesheet_href": stylesheet_href,
    })
