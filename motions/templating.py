"""The one Jinja2 environment factory: sandboxed, strict, with French filters.

Templates may come from other collectives, so they run in Jinja's
``SandboxedEnvironment`` (no access to ``__class__``, ``__mro__`` and friends)
with ``StrictUndefined`` (a misspelt variable is an error naming the template and
line, never an empty string). Templates are loaded only from the library's
template folders. Text templates (motions) fold every inserted value onto one
line, so a value can never open a new paragraph or article; HTML templates
autoescape, so ``<script>`` in an argument stays text.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import typography
from .errors import TemplateError
from .library import split_front_matter


class _LibraryLoader(jinja2.FileSystemLoader):
    """A file loader that hides the YAML header (keeping line numbers)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        _, body = split_front_matter(source)
        return body, filename, uptodate


def _fold(value) -> str:
    """Finalize hook for text templates: values are inline text, one line."""
    if value is None:
        return ""
    return " ".join(str(value).split())


_VOWELS = "aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ"


def elide(word: str):
    """``de`` before a name: "de Thales", "d'Atos" (an h is not elided: it may be aspirate)."""
    def fn(value) -> str:
        value = " ".join(str(value).split())
        return f"{word[:-1]}'{value}" if value[:1] in _VOWELS else f"{word} {value}"
    return fn


FILTERS = {
    "de": elide("de"),
    "que": elide("que"),
    "date_fr": typography.date_fr,
    "nombre": typography.number_fr,
    "ordinal": typography.ordinal_fr,
    "capfirst": typography.capfirst,
}


def make_environment(template_dirs: list[Path], *, html: bool = False) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=_LibraryLoader([str(d) for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        finalize=None if html else _fold,
        # Text templates: a line holding only a tag becomes an empty line, so a
        # tag on its own line separates paragraphs and a tag inside a line does not.
        trim_blocks=html,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def template_error(exc: Exception, name: str, template=None) -> TemplateError:
    """Turn any Jinja failure into a sentence naming the template file and line.

    Blocks rendered one by one skip Jinja's traceback rewriting, so the line of
    the generated code is mapped back to the template's with its debug info.
    """
    line = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or (template.filename if template is not None else name)
    if line is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if template is not None and frame.filename == template.filename:
                filename, line = frame.filename, template.get_corresponding_lineno(frame.lineno)
                break
            if frame.filename and frame.filename.endswith(".j2"):
                filename, line = frame.filename, frame.lineno
                break
    where = f"{filename}:{line}" if line else filename
    if isinstance(exc, jinja2.exceptions.SecurityError):
        what = f"unsafe access refused by the sandbox ({exc})"
    elif isinstance(exc, jinja2.UndefinedError):
        what = f"undefined value: {exc.message}; check the variable's spelling"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        what = f"template syntax error: {exc.message}"
    else:
        what = f"{type(exc).__name__}: {exc}"
    return TemplateError(f"{where}: {what}")


def render_block(env: SandboxedEnvironment, name: str, block: str, context: dict) -> str | None:
    """Render one ``{% block %}`` of a template; None when it has no such block."""
    tmpl = None
    try:
        tmpl = env.get_template(name)
        func = tmpl.blocks.get(block)
        if func is None:
            return None
        return "".join(func(tmpl.new_context(context)))
    except TemplateError:
        raise
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError,
            ZeroDivisionError, OverflowError, RecursionError) as exc:
        raise template_error(exc, name, tmpl) from None
