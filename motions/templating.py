"""The Jinja2 environments: sandboxed, strict, bounded, with French filters.

Templates may come from other collectives, so they run in Jinja's
``SandboxedEnvironment`` (no access to ``__class__``, ``__mro__`` and friends)
with ``StrictUndefined`` (a misspelt variable is an error naming the template and
line, never an empty string). They are loaded only from the library's template
folders, never through a link leading outside them. Rendering is bounded in time
and output size, and huge repetitions (``'x' * 10**9``) are refused, so a
hostile template cannot hang or exhaust a machine.

Text templates (motions, dossiers, letters) fold every inserted value onto one
line, so a value can never open a new paragraph or article; HTML templates
autoescape, so ``<script>`` in an argument stays text. The environments are
built by :class:`motions.resources.Resources` and passed down: no module keeps
one.
"""

from __future__ import annotations

import operator
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import typography
from .errors import TemplateError

#: Bounds on one render: wall time, and characters produced.
RENDER_SECONDS = 5.0
RENDER_MAX_CHARS = 2_000_000
#: The longest string or list a template may build by repetition.
MAX_REPEAT = 100_000


class SafeLoader(jinja2.BaseLoader):
    """Loads ``name`` from the first template folder holding it, refusing any
    path that climbs out (``..``) or resolves, through a link, outside the
    folder. The YAML header of a template is blanked (line numbers kept)."""

    def __init__(self, folders: list[Path]):
        self.folders = [Path(f) for f in folders]

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".."
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not path.is_file():
                continue
            real, top = path.resolve(), folder.resolve()
            if not (top in real.parents):
                raise TemplateError(f"{path}: is a link to a file outside the library ({real}); "
                                    "templates may only use the library's own files")
            source = path.read_text(encoding="utf-8")
            from .library import split_front_matter

            _, body = split_front_matter(source) if path.name.endswith(".j2") else (None, source)
            mtime = path.stat().st_mtime
            return body, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        found = set()
        for folder in self.folders:
            for path in folder.rglob("*.j2"):
                found.add(path.relative_to(folder).as_posix())
        return sorted(found)


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, plus a deadline and refusal of huge repetitions."""

    intercepted_binops = frozenset(["*", "**"])

    @property
    def deadline(self) -> float:
        """This thread's deadline: the web server renders with one environment in
        several threads at once, and one render's end must not lift another's bound."""
        return getattr(self._deadlines(), "value", 0.0)

    @deadline.setter
    def deadline(self, value: float) -> None:
        self._deadlines().value = value

    def _deadlines(self):
        local = self.__dict__.get("_deadline_local")
        if local is None:
            local = self.__dict__.setdefault("_deadline_local", threading.local())
        return local

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise jinja2.sandbox.SecurityError("exponent too large")
            return operator.pow(left, right)
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and n * max(len(seq), 1) > MAX_REPEAT:
                raise jinja2.sandbox.SecurityError("repetition too large")
        return operator.mul(left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        __self.check_deadline()
        return SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)

    def check_deadline(self) -> None:
        if self.deadline and time.monotonic() > self.deadline:
            raise TemplateTimeout()


class TemplateTimeout(Exception):
    """A render ran past its deadline."""


class Markup(str):
    """Library text that holds inline markup (argument forms: *italics*,
    citations): inserted as it is. Every other value a text template inserts
    (a commune's name, a facts field) is plain text, its markup characters
    escaped, so a fact can never become italics or a citation."""


class MarkupView:
    """A read-only view of trusted library data (an argument, the regime record)
    whose strings are :class:`Markup`: their citations and emphasis are kept
    when a template inserts them. Everything else stays plain."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        object.__setattr__(self, "_obj", obj)

    def __getattr__(self, name):
        return markup(getattr(self._obj, name))

    def __getitem__(self, key):
        return markup(self._obj[key])

    def __iter__(self):
        return (markup(v) for v in self._obj)

    def __len__(self):
        return len(self._obj)

    def __bool__(self):
        return bool(self._obj)

    def __contains__(self, item):
        return item in self._obj

    def __eq__(self, other):
        return self._obj == (other._obj if isinstance(other, MarkupView) else other)

    def __hash__(self):
        return hash(self._obj)

    def __str__(self):
        return Markup(str(self._obj))


def markup(value):
    """``value`` with its strings marked as Markup, at any depth."""
    import datetime as _dt

    if isinstance(value, Markup) or value is None or isinstance(value, (bool, int, float, _dt.date)):
        return value
    if isinstance(value, str):
        return Markup(value)
    if isinstance(value, dict):
        return {k: markup(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(markup(v) for v in value) if isinstance(value, list) else tuple(markup(v) for v in value)
    if callable(value):
        return value
    return MarkupView(value)


_MARKUP_CHARS = str.maketrans({c: "\\" + c for c in "\\*_[]@`"})


def _fold(value) -> str:
    """Finalize hook for text templates: values are inline text, one line;
    plain values have their markup characters escaped."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if isinstance(value, Markup) else text.translate(_MARKUP_CHARS)


_VOWELS = "aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ"


def elide(word: str):
    """``de`` before a name: "de Thales", "d'Atos" (an h is not elided: it may be aspirate)."""
    def fn(value) -> str:
        value = " ".join(str(value).split())
        return f"{word[:-1]}'{value}" if value[:1] in _VOWELS else f"{word} {value}"
    return fn


def contract(preposition: str):
    """``à``/``de`` before a noun with its article: « le conseil » -> « au conseil »,
    « du conseil »; « la préfète » -> « à la préfète »; « l'État » -> « à l'État »;
    « les élus » -> « aux élus », « des élus »."""
    forms = {"à": {"le ": "au ", "les ": "aux "}, "de": {"le ": "du ", "les ": "des "}}[preposition]

    def fn(value) -> str:
        value = " ".join(str(value).split())
        low = value.lower()
        for article, contracted in forms.items():
            if low.startswith(article):
                return contracted + value[len(article):]
        if preposition == "de" and value[:1] in _VOWELS and not low.startswith(("la ", "l'", "l’")):
            return "d’" + value
        return f"{preposition} {value}"
    return fn


def apposition(value) -> str:
    """Close an apposition before the verb: « le préfet de Corse, préfet de la
    Corse-du-Sud » -> « le préfet de Corse, préfet de la Corse-du-Sud, »."""
    value = " ".join(str(value).split())
    return value + "," if ", " in value else value


FILTERS = {
    "apposition": apposition,
    "a_article": contract("à"),
    "de_article": contract("de"),
    "de": elide("de"),
    "que": elide("que"),
    "Que": elide("Que"),  # opens a vœu article: « Qu’Île-de-France Mobilités… »
    "date_fr": typography.date_fr,
    "nombre": typography.number_fr,
    "ordinal": typography.ordinal_fr,
    "capfirst": typography.capfirst,
}


def make_environment(template_dirs: list[Path], *, html: bool = False) -> BoundedEnvironment:
    env = BoundedEnvironment(
        loader=SafeLoader(template_dirs),
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


# --------------------------------------------------------------------------- errors


def template_error(exc: BaseException, name: str, template=None) -> TemplateError:
    """Turn any Jinja failure into a sentence naming the template file and line.

    Blocks rendered one by one skip Jinja's traceback rewriting, so the line of
    the generated code is mapped back to the template's with its debug info.
    """
    if isinstance(exc, TemplateError):
        return exc
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
        what = f"unsafe operation refused by the sandbox ({exc})"
    elif isinstance(exc, jinja2.UndefinedError):
        what = f"undefined value: {exc.message}; check the variable's spelling"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        what = f"template syntax error: {exc.message}"
    elif isinstance(exc, jinja2.TemplateNotFound):
        what = f"template not found: {exc.name}"
    elif isinstance(exc, TemplateTimeout):
        what = f"the template ran for more than {RENDER_SECONDS:g} s and was stopped"
    else:
        what = f"{type(exc).__name__}: {exc}"
    return TemplateError(f"{where}: {what}")


#: What a template's own code can raise at render time (a bug in the template,
#: never in motions): each becomes a TemplateError naming file and line.
RENDER_ERRORS = (jinja2.TemplateError, TemplateTimeout, TypeError, ValueError, AttributeError, KeyError,
                 IndexError, ZeroDivisionError, OverflowError, RecursionError)


def _bounded(chunks, env: BoundedEnvironment) -> str:
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > RENDER_MAX_CHARS:
            raise jinja2.sandbox.SecurityError(f"output larger than {RENDER_MAX_CHARS:,} characters")
        env.check_deadline()
        out.append(chunk)
    return "".join(out)


def render_blocks(env: BoundedEnvironment, name: str, blocks, context: dict) -> dict[str, str | None]:
    """Render the named ``{% block %}``s of a template (None for a missing one)."""
    tmpl = None
    env.deadline = time.monotonic() + RENDER_SECONDS
    try:
        tmpl = env.get_template(name)
        ctx = tmpl.new_context(context)
        out: dict[str, str | None] = {}
        for block in blocks:
            func = tmpl.blocks.get(block)
            out[block] = None if func is None else _bounded(func(ctx), env)
        return out
    except RENDER_ERRORS as exc:
        raise template_error(exc, name, tmpl) from None
    finally:
        env.deadline = 0.0


def render(env: BoundedEnvironment, name: str, context: dict) -> str:
    """Render a whole template (HTML pages)."""
    tmpl = None
    env.deadline = time.monotonic() + RENDER_SECONDS
    try:
        tmpl = env.get_template(name)
        return _bounded(tmpl.generate(context), env)
    except RENDER_ERRORS as exc:
        raise template_error(exc, name, tmpl) from None
    finally:
        env.deadline = 0.0


# --------------------------------------------------------------------------- load-time check


@dataclass(frozen=True)
class TemplateSyntaxProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def compile_all(template_dirs: list[Path], html_filters: dict | None = None) -> list[TemplateSyntaxProblem]:
    """Compile every template the library brings (the user's override the
    shipped ones): syntax errors and links leading outside, with file:line."""
    problems: list[TemplateSyntaxProblem] = []
    text_env = make_environment(template_dirs, html=False)
    html_env = make_environment(template_dirs, html=True)
    html_env.filters.update(html_filters or {})
    for name in SafeLoader(template_dirs).list_templates():
        env = html_env if ".html." in name else text_env
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(TemplateSyntaxProblem(exc.filename or name, exc.lineno or 1,
                                                  f"template syntax error: {exc.message}"))
        except TemplateError as exc:
            problems.append(TemplateSyntaxProblem(name, 1, exc.message))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(TemplateSyntaxProblem(name, 1, f"cannot be read ({exc})"))
    return problems
