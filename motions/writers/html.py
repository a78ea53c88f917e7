"""Document -> HTML, through templates/html/motion.html.j2 (autoescaped).

Inline nodes are turned into escaped markup here (``inline_html``), so the
template only places paragraphs and can never emit unescaped content.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup, escape

from ..document import HEADINGS, Document, Emph, Link, NoteRef, Paragraph, Strong, Text
from ..templating import make_environment, template_error
from .common import fixed_datetime, xml_safe


def inline_html(value) -> Markup:
    """Render a Paragraph, a tuple of inlines or a string as escaped HTML."""
    if isinstance(value, Paragraph):
        value = value.inlines
    if isinstance(value, str):
        return escape(xml_safe(value))
    parts = []
    prev_was_note = False
    for node in value:
        if isinstance(node, Text):
            parts.append(str(escape(xml_safe(node.text))))
        elif isinstance(node, Emph):
            parts.append(f"<em>{inline_html(node.children)}</em>")
        elif isinstance(node, Strong):
            parts.append(f"<strong>{inline_html(node.children)}</strong>")
        elif isinstance(node, Link):
            parts.append(f'<a href="{escape(xml_safe(node.url))}">{inline_html(node.children)}</a>')
        elif isinstance(node, NoteRef):
            sep = '<span class="noteref">,</span>' if prev_was_note else ""
            parts.append(f'{sep}<a class="noteref" href="#note-{node.number}">{node.number}</a>')
        prev_was_note = isinstance(node, NoteRef)
    return Markup("".join(parts))


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


_ENVS: dict[tuple, object] = {}


def html_environment(template_dirs: list[Path]):
    key = tuple(map(str, template_dirs))
    env = _ENVS.get(key)
    if env is None:
        env = make_environment(template_dirs, html=True)
        env.filters["inline"] = inline_html
        env.filters["css_string"] = css_string
        env.filters["safe_css"] = safe_css
        _ENVS[key] = env
    return env


def render_html(document: Document, template_dirs: list[Path], *, template: str = "html/motion.html.j2",
                stylesheet_href: str | None = None, **extra) -> str:
    env = html_environment(template_dirs)
    extra.setdefault("created", fixed_datetime(document.metadata.date).strftime("%Y-%m-%dT%H:%M:%SZ"))
    extra.setdefault("inline_css", None)
    try:
        tmpl = env.get_template(template)
        return tmpl.render(doc=document, headings=HEADINGS, stylesheet_href=stylesheet_href, **extra)
    except Exception as exc:  # noqa: BLE001 - any template failure becomes a located sentence
        raise template_error(exc, template) from None


def render_html_standalone(document: Document, template_dirs: list[Path]) -> str:
    """The ``html`` output format: one self-contained file with its stylesheet inline."""
    css = None
    for d in template_dirs:
        candidate = d / "html" / "motion.css"
        if candidate.is_file():
            css = candidate.read_text(encoding="utf-8")
            break
    return render_html(document, template_dirs, inline_css=css)
