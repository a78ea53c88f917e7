"""Load and validate the library: settings, arguments, sources, themes, templates.

Everything is read and checked before anything renders, and every problem is
collected with its ``file:line`` and reported at once (MkDocs' ``load_config``
habit): argument files against their schema, the inline markup and citations of
every argument form (parsed once, here, and kept parsed), sources, themes,
every template compiled in the sandbox with the citations written in its text
resolved, the resources each writer declares (``reference.docx``, stylesheets),
and ``motions-library.yaml`` parsed into a validated :class:`Settings`.

A user's own library (``--library DIR``, or a folder holding
``motions-library.yaml`` in the working directory) is layered over the shipped
one: its arguments, sources and templates add to or override the shipped ones
by id. Libraries come from other people: no file is read through a link that
leads outside the library folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import inline, yamlfiles
from .citations import CitationSyntaxError
from .document import Cite, Inline
from .errors import LibraryError, MotionsError, UnknownItem
from .schema import (
    ID_PATTERN,
    PARAGRAPH_MAX_WORDS,
    PARAGRAPH_MIN_WORDS,
    SHORT_MAX_CHARS,
    Argument,
    Condition,
)

LIBRARY_MARKER = "motions-library.yaml"
CSL_TYPES = {
    "book", "chapter", "article", "article-journal", "article-magazine", "article-newspaper",
    "report", "webpage", "post-weblog", "post", "legislation", "legal_case", "bill", "thesis",
    "speech", "interview", "document", "manuscript", "paper-conference", "motion_picture",
    "regulation", "treaty", "hearing", "broadcast", "pamphlet", "entry-encyclopedia", "entry",
}
ARGUMENT_FORMS = ("title", "objection", "short", "considerant", "paragraph")


def shipped_root() -> Path:
    """The library shipped with the package: inside the wheel, or the repository."""
    here = Path(__file__).resolve().parent
    inside = here / "_shipped"
    if (inside / "arguments").is_dir():
        return inside
    return here.parent


# --------------------------------------------------------------------------- models


class Settings(BaseModel):
    """``motions-library.yaml``: the settings of a user's library."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="The library's name, for messages.")
    shipped_arguments: bool = Field(
        default=True, description="false: use only this library's arguments (the shipped templates, themes and "
                                  "bibliography stay available).",
    )
    logo: str | None = Field(default=None, description="A PNG, JPEG or SVG inside the library, printed on flyers.")


class MotionMeta(BaseModel):
    """The YAML header of a motion template."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    title: str
    description: str = Field(description="One line for `motions list`.")
    description_fr: str | None = Field(
        default=None, description="The same in French, for the web application's catalogue.")
    kind: Literal["voeu", "deliberation", "mixte"]
    themes: list[str] = Field(default_factory=list)
    arguments: list[str] = Field(
        default_factory=list, description="Argument ids drawn first, in this order."
    )
    considerants: tuple[int, int] = Field(
        default=(6, 8), description="How many arguments' considérants: at least, at most.",
    )
    small_considerants: tuple[int, int] = Field(
        default=(3, 5), description="The same for a small commune's short vœu.",
    )
    answers: list[str] = Field(
        default_factory=lambda: ["securite", "dissuasion"],
        description="Objections the motion must answer by default (argument 'answers' ids).",
    )
    expose_arguments: int = Field(default=3, ge=0, le=20)
    law_checked: dt.date
    annex_sources: bool = False
    flyer_headline: str | None = Field(
        default=None, description="The flyer's headline; {a} is « à Villejuif », {de} is « de Villejuif »."
    )
    requires: Condition | None = None


class DocumentMeta(BaseModel):
    """The YAML header of another document template (dossier, kit letters...)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    title: str
    description: str
    layout: Literal["note", "letter"] = "note"
    audience: str | None = Field(default=None, description="Who it is for or sent to, in French.")


@dataclass(frozen=True)
class ArgumentEntry:
    """An argument as loaded: the validated model, where it is, and its forms
    parsed once into inline nodes (citations included)."""

    argument: Argument
    path: Path
    lines: dict = field(default_factory=dict, compare=False, repr=False)
    forms: dict = field(default_factory=dict, compare=False, repr=False)

    def line(self, *key) -> int:
        return yamlfiles.line_of(self.lines, key)

    def cites(self, form: str | None = None) -> list[Cite]:
        forms = [form] if form else list(self.forms)
        return [c for f in forms for c in inline.cites(self.forms.get(f, ()))]

    def keys(self, form: str | None = None) -> list[str]:
        return [item.key for c in self.cites(form) for item in c.items]


@dataclass(frozen=True)
class MotionTemplate:
    meta: MotionMeta
    path: Path
    name: str  # the Jinja name, e.g. "motions/biometrie.md.j2"


@dataclass(frozen=True)
class DocumentTemplate:
    meta: DocumentMeta
    path: Path
    name: str  # e.g. "documents/dossier.md.j2"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Library:
    roots: list[Path]
    settings: Settings
    themes: dict[str, str]
    arguments: dict[str, ArgumentEntry]
    sources: dict[str, dict]
    source_where: dict[str, tuple[Path, int]]
    motions: dict[str, MotionTemplate]
    documents: dict[str, DocumentTemplate]
    template_dirs: list[Path]
    version: str
    warnings: list[Finding] = field(default_factory=list)
    regime_rules: object = field(default=None, repr=False, compare=False)  # read while checking citations

    @property
    def user_root(self) -> Path | None:
        return self.roots[-1] if len(self.roots) > 1 else None

    def own_sources(self) -> dict[str, dict]:
        """The library's bibliography: all of it, or, for a self-contained user
        library (``shipped_arguments: false``), only the user's own entries (the
        shipped ones are only there for the shipped templates)."""
        if self.settings.shipped_arguments or self.user_root is None:
            return self.sources
        root = self.user_root.resolve()
        return {k: v for k, v in self.sources.items() if root in Path(self.source_where[k][0]).resolve().parents}

    def own_themes(self) -> dict[str, str]:
        if self.settings.shipped_arguments or self.user_root is None:
            return self.themes
        path = self.user_root / "arguments" / "themes.yaml"
        try:
            data = yamlfiles.load(path.read_text(encoding="utf-8"), path) if path.is_file() else {}
        except (OSError, yamlfiles.YamlSyntaxError):
            data = {}
        return {k: v for k, v in self.themes.items() if isinstance(data, dict) and k in data}

    def argument(self, arg_id: str) -> ArgumentEntry:
        try:
            return self.arguments[arg_id]
        except KeyError:
            raise UnknownItem(_unknown("argument", arg_id, self.arguments, "motions arguments list")) from None

    def motion(self, motion_id: str) -> MotionTemplate:
        try:
            return self.motions[motion_id]
        except KeyError:
            raise UnknownItem(_unknown("motion", motion_id, self.motions, "motions list")) from None

    def document(self, doc_id: str) -> DocumentTemplate:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise UnknownItem(_unknown("document template", doc_id, self.documents, "motions list")) from None

    def usage(self) -> dict[str, list[str]]:
        """Which motion templates draw each argument (by id or by theme)."""
        used: dict[str, list[str]] = {}
        for m in self.motions.values():
            for arg_id, entry in self.arguments.items():
                if arg_id in m.meta.arguments or set(entry.argument.themes) & set(m.meta.themes):
                    used.setdefault(arg_id, []).append(m.meta.id)
        return used

    def source_kind(self, key: str) -> str | None:
        custom = self.sources.get(key, {}).get("custom") or {}
        return custom.get("kind") if isinstance(custom, dict) else None


def _unknown(what: str, key: str, known, hint_cmd: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return f"there is no {what} '{key}' in the library.{hint} Run `{hint_cmd}` to see them all."


# --------------------------------------------------------------------------- entry points


def find_user_library(explicit: Path | str | None, cwd: Path | None = None) -> Path | None:
    """``--library DIR`` if given, else a library folder in the working directory."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise LibraryError([f"{path}: no such folder (given with --library)"])
        return path.resolve()
    cwd = cwd or Path.cwd()
    if (cwd / LIBRARY_MARKER).is_file():
        return cwd.resolve()
    return None


def inspect_library(user_dir: Path | str | None = None, *, with_cwd: bool = True,
                    shipped_arguments: bool = True) -> tuple[Library, list[str]]:
    """Load without raising: the library as far as it loads, and its errors
    (warnings are in ``lib.warnings``). For ``motions check``, which reports
    everything, and for tools that must work on a broken library."""
    roots = [shipped_root()]
    user = find_user_library(user_dir, None) if (user_dir or with_cwd) else None
    if user is not None and user.resolve() != roots[0].resolve():
        roots.append(user)
    loader = _Loader(roots)
    settings = loader.settings(user)
    if not settings.shipped_arguments:
        shipped_arguments = False
    loader.skip_arguments_of = None if shipped_arguments else roots[0]
    lib = loader.load(settings)
    return lib, list(dict.fromkeys(loader.errors))


def load_library(user_dir: Path | str | None = None, *, with_cwd: bool = True,
                 shipped_arguments: bool = True) -> Library:
    """Load the shipped library and the user's one over it; raise on any error.

    ``shipped_arguments=False`` keeps the shipped templates but not the shipped
    arguments and sources (a self-contained user library, and test libraries).
    """
    lib, errors = inspect_library(user_dir, with_cwd=with_cwd, shipped_arguments=shipped_arguments)
    if errors:
        raise LibraryError(errors)
    return lib


# --------------------------------------------------------------------------- the loader


class _Loader:
    def __init__(self, roots: list[Path]):
        self.roots = roots
        self.skip_arguments_of: Path | None = None
        self.errors: list[str] = []
        self.warnings: list[Finding] = []
        self.digest = hashlib.sha256()

    # -- reading files safely

    def _inside(self, path: Path, root: Path) -> bool:
        real, top = path.resolve(), root.resolve()
        return real == top or top in real.parents

    def _read(self, path: Path, root: Path) -> str | None:
        """The text of a library file, or None with the problem recorded: a link
        leading outside the library, a special or oversized file, bad UTF-8."""
        from .errors import MotionsError
        from .limits import MAX_LIBRARY_FILE_BYTES, read_user_file

        if not self._inside(path, root):
            self.errors.append(f"{path}:1: is a link to a file outside the library ({path.resolve()}); "
                               "libraries may only use their own files: replace the link by the file itself")
            return None
        try:
            text = read_user_file(path, "library file", MAX_LIBRARY_FILE_BYTES)
        except MotionsError as exc:
            self.errors.append(exc.format_message())
            return None
        self.digest.update(path.name.encode() + b"\0" + text.encode("utf-8"))
        return text

    def _yaml(self, text: str, path: Path):
        try:
            return yamlfiles.load(text, path), True
        except yamlfiles.YamlSyntaxError as exc:
            self.errors.append(str(exc))
            return None, False
        except MotionsError as exc:  # the YAML bounds (alias bombs)
            self.errors.append(exc.format_message())
            return None, False

    # -- settings

    def settings(self, user: Path | None) -> Settings:
        if user is None or not (user / LIBRARY_MARKER).is_file():
            return Settings()
        path = user / LIBRARY_MARKER
        text = self._read(path, user)
        if text is None:
            return Settings()
        data, ok = self._yaml(text, path)
        if not ok:
            return Settings()
        try:
            return Settings.model_validate(data or {})
        except ValidationError as exc:
            lines = yamlfiles.line_map(text)
            for err in exc.errors():
                loc = tuple(err["loc"])
                self.errors.append(f"{path}:{yamlfiles.line_of(lines, loc)}: {'.'.join(map(str, loc)) or '(file)'}: {err['msg']}")
            return Settings()

    # -- everything

    def load(self, settings: Settings) -> Library:
        themes: dict[str, str] = {}
        sources: dict[str, dict] = {}
        where: dict[str, tuple[Path, int]] = {}
        arguments: dict[str, ArgumentEntry] = {}
        motions: dict[str, MotionTemplate] = {}
        documents: dict[str, DocumentTemplate] = {}
        template_dirs: list[Path] = []
        for root in self.roots:
            # a library that leaves out the shipped arguments keeps the shipped
            # themes and bibliography: the shipped templates name and cite them
            themes.update(self._themes(root / "arguments" / "themes.yaml", root))
            self._root_sources(root, sources, where)
            if root != self.skip_arguments_of:
                self._root_arguments(root, arguments)
            self._templates(root, template_dirs, motions, documents)
        lib = Library(
            roots=self.roots, settings=settings, themes=themes,
            arguments=dict(sorted(arguments.items())), sources=sources, source_where=where,
            motions=dict(sorted(motions.items())), documents=dict(sorted(documents.items())),
            template_dirs=template_dirs, version="",
        )
        used = self._cross_check(lib)
        used |= self._check_templates(lib)
        used |= self._check_regime_citations(lib)
        for key in sorted(set(lib.sources) - used):
            path, line = lib.source_where[key]
            self.warnings.append(Finding(path, line, f"source '{key}' is cited by no argument and no template"))
        self._check_writer_resources(lib)
        lib.version = self.digest.hexdigest()[:12]
        lib.warnings = self.warnings
        return lib

    def _root_sources(self, root: Path, sources: dict, where: dict) -> None:
        seen: dict[str, tuple[Path, int]] = {}
        for path in _files(root / "arguments" / "sources", (".yaml", ".yml", ".json")):
            for key, item, line in self._sources(path, root):
                if key in seen:
                    p0, l0 = seen[key]
                    self.errors.append(f"{path}:{line}: duplicate source key '{key}' (also at {p0}:{l0})")
                    continue
                seen[key] = (path, line)
                sources[key] = item
                where[key] = (path, line)

    def _root_arguments(self, root: Path, arguments: dict) -> None:
        seen: dict[str, Path] = {}
        for path in _files(root / "arguments", (".yaml", ".yml")):
            if path.parent.name == "sources" or path.name == "themes.yaml":
                continue
            entry = self._argument(path, root)
            if entry is None:
                continue
            aid = entry.argument.id
            if aid in seen:
                self.errors.append(f"{path}:{entry.line('id')}: duplicate argument id '{aid}' (also in {seen[aid]})")
                continue
            seen[aid] = path
            arguments[aid] = entry

    def _templates(self, root: Path, template_dirs: list[Path], motions: dict, documents: dict) -> None:
        tdir = root / "templates"
        if not tdir.is_dir():
            return
        template_dirs.insert(0, tdir)  # the user's templates win
        for path in _files(tdir / "motions", (".j2",)):
            if path.name.startswith("_"):
                continue  # shared macros, not a motion
            header = self._header(path, tdir, MotionMeta)
            if header is not None:
                motions[header.id] = MotionTemplate(header, path, path.relative_to(tdir).as_posix())
        for path in _files(tdir / "documents", (".j2",)):
            if path.name.startswith("_"):
                continue
            header = self._header(path, tdir, DocumentMeta)
            if header is not None:
                documents[header.id] = DocumentTemplate(header, path, path.relative_to(tdir).as_posix())

    # -- files

    def _themes(self, path: Path, root: Path) -> dict[str, str]:
        if not path.is_file():
            return {}
        text = self._read(path, root)
        if text is None:
            return {}
        data, ok = self._yaml(text, path)
        if not ok:
            return {}
        data = data or {}
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            self.errors.append(f"{path}:1: themes.yaml must map each theme id to its French label")
            return {}
        return {str(k): v for k, v in data.items()}

    def _sources(self, path: Path, root: Path):
        text = self._read(path, root)
        if text is None:
            return
        if path.suffix == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                self.errors.append(f"{path}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}")
                return
            lines = json_item_lines(text)
            ymap = {}
        else:
            data, ok = self._yaml(text, path)
            if not ok:
                return
            lines = None
            ymap = yamlfiles.line_map(text)
        nested = isinstance(data, dict) and "references" in data
        if nested:
            data = data["references"]
        if data is None:
            return
        if not isinstance(data, list):
            self.errors.append(f"{path}:1: a bibliography is a list of CSL items (or 'references:' with one)")
            return
        for i, item in enumerate(data):
            if lines is not None:
                line = lines[i] if i < len(lines) else 1
            else:
                line = yamlfiles.line_of(ymap, ("references", i) if nested else (i,))
            if not isinstance(item, dict) or "id" not in item:
                self.errors.append(f"{path}:{line}: each source needs an 'id' (its citation key)")
                continue
            key = str(item["id"])
            item = {k: _unquote(v) for k, v in item.items()}
            if item.get("type") not in CSL_TYPES:
                self.errors.append(f"{path}:{line}: source '{key}' has CSL type {item.get('type')!r}; use one of "
                                   "book, article-journal, report, webpage, legislation, legal_case, ...")
            if not item.get("title"):
                self.errors.append(f"{path}:{line}: source '{key}' has no title")
            if not item.get("issued") and not (item.get("type") == "legislation" and item.get("section")):
                self.warnings.append(Finding(path, line, f"source '{key}' has no date ('issued')"))
            from .sources_io import date_problems  # here: sources_io imports this module

            self.errors += [f"{path}:{line}: source '{key}': {p}" for p in date_problems(item)]
            for field_name, value in _strings(item):
                bad = INVALID_XML_CHAR.search(value)
                if bad:
                    self.errors.append(f"{path}:{line}: source '{key}', {field_name}: {_invalid_char(bad.group())}")
            yield key, item, line

    def _argument(self, path: Path, root: Path) -> ArgumentEntry | None:
        text = self._read(path, root)
        if text is None:
            return None
        data, ok = self._yaml(text, path)
        if not ok:
            return None
        lines = yamlfiles.line_map(text)
        if not isinstance(data, dict):
            self.errors.append(f"{path}:1: an argument file is a YAML mapping of fields (id, title, themes, ...); "
                               "fill it in, or delete it")
            return None
        try:
            arg = Argument.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                where = ".".join(str(x) for x in loc) or "(file)"
                self.errors.append(f"{path}:{yamlfiles.line_of(lines, loc)}: {where}: {err['msg']}")
            return None
        entry = ArgumentEntry(arg, path, lines, {})
        for form in ARGUMENT_FORMS:
            value = getattr(arg, form)
            if value is None:
                continue
            bad = INVALID_XML_CHAR.search(value)
            if bad:
                self.errors.append(f"{path}:{entry.line(form)}: {form}: {_invalid_char(bad.group())}")
                continue
            try:
                entry.forms[form] = inline.parse(value, f"{path}:{entry.line(form)}")
            except CitationSyntaxError as exc:
                self.errors.append(str(exc))
        if path.stem != arg.id:
            self.warnings.append(Finding(path, entry.line("id"), f"the file name differs from the id '{arg.id}'"))
        return entry

    def _header(self, path: Path, tdir: Path, model):
        text = self._read(path, tdir.parent)
        if text is None:
            return None
        header, _ = split_front_matter(text)
        if header is None:
            self.errors.append(f"{path}:1: a template starts with a YAML header between '---' lines")
            return None
        data, ok = self._yaml(header, path)
        if not ok:
            return None
        lines = yamlfiles.line_map(header)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                self.errors.append(
                    f"{path}:{yamlfiles.line_of(lines, loc) + 1}: {'.'.join(map(str, loc))}: {err['msg']}"
                )
            return None

    # -- cross-references

    def _cross_check(self, lib: Library) -> set[str]:
        used: set[str] = set()
        for entry in lib.arguments.values():
            used.update(self._check_argument(lib, entry))
        for mt in lib.motions.values():
            for aid in mt.meta.arguments:
                if aid not in lib.arguments:  # a user library may leave it out: it is skipped
                    self.warnings.append(Finding(mt.path, 1, f"the header lists argument '{aid}', which the library does not hold"))
            for theme in mt.meta.themes:
                if theme not in lib.themes:
                    self.warnings.append(Finding(mt.path, 1, f"the header lists unknown theme '{theme}'"))
        return used

    def _check_argument(self, lib: Library, entry: ArgumentEntry) -> set[str]:
        arg, path = entry.argument, entry.path
        used: set[str] = set()
        for theme in arg.themes:
            if theme not in lib.themes:
                self.errors.append(f"{path}:{entry.line('themes')}: unknown theme '{theme}'; themes are: {', '.join(lib.themes)}")
        if not arg.considerant.startswith(("Considérant que", "Considérant qu'", "Considérant qu’")):
            self.errors.append(f"{path}:{entry.line('considerant')}: the considérant must begin with "
                               "« Considérant que » (or « Considérant qu’ »)")
        short = entry.forms.get("short")
        if short is not None and len(inline.plain(short)) > SHORT_MAX_CHARS:
            n = len(inline.plain(short))
            self.errors.append(f"{path}:{entry.line('short')}: the short form has {n} characters; the limit is "
                               f"{SHORT_MAX_CHARS}: cut {n - SHORT_MAX_CHARS}")
        para = entry.forms.get("paragraph")
        if para is not None:
            words = len(inline.plain(para).split())
            if not PARAGRAPH_MIN_WORDS <= words <= PARAGRAPH_MAX_WORDS:
                self.errors.append(f"{path}:{entry.line('paragraph')}: the paragraph has {words} words; "
                                   f"write {PARAGRAPH_MIN_WORDS} to {PARAGRAPH_MAX_WORDS}")
        for form, nodes in entry.forms.items():
            cites = inline.cites(nodes)
            for cite in cites:
                for item in cite.items:
                    used.add(item.key)
                    if item.key not in lib.sources:
                        self.errors.append(f"{path}:{entry.line(form)}: {form}: unknown source key '@{item.key}'; "
                                           "add it to a file in arguments/sources/ or fix the key")
            text = getattr(arg, form) or ""
            if ("«" in text or "“" in text) and not cites and form not in ("objection", "title"):
                self.errors.append(f"{path}:{entry.line(form)}: {form}: a quotation in « » needs the citation "
                                   "of its source in the same form")
        for i, claim in enumerate(arg.claims):
            try:
                for cite in inline.cites(inline.parse(claim.cite, f"{path}:{entry.line('claims', i, 'cite')}")):
                    for item in cite.items:
                        used.add(item.key)
                        if item.key not in lib.sources:
                            self.errors.append(f"{path}:{entry.line('claims', i, 'cite')}: claims: unknown source key '@{item.key}'")
            except CitationSyntaxError as exc:
                self.errors.append(str(exc))
        if not used:
            self.errors.append(f"{path}:{entry.line('considerant')}: the argument cites no source; "
                               "tie each claim to a source with [@key, p. N]")
        return used

    def _check_templates(self, lib: Library) -> set[str]:
        """Compile every template; resolve the citations written in its text."""
        used: set[str] = set()
        from .templating import TemplateSyntaxProblem, compile_all
        from .writers.html import FILTERS

        for problem in compile_all(lib.template_dirs, FILTERS):
            if isinstance(problem, TemplateSyntaxProblem):
                self.errors.append(str(problem))
        for path, line, text in _template_text_lines(lib.template_dirs):
            try:
                nodes = inline.parse(text, f"{path}:{line}")
            except CitationSyntaxError as exc:
                self.errors.append(str(exc))
                continue
            for cite in inline.cites(nodes):
                for item in cite.items:
                    used.add(item.key)
                    if item.key not in lib.sources:
                        self.errors.append(f"{path}:{line}: the citation @{item.key} names no source of the library")
        return used

    def _check_regime_citations(self, lib: Library) -> set[str]:
        """The regime rules (shipped data) cite the library's legal sources."""
        from .regime_rules import RULES_FILE, all_citation_keys, load_rules

        lib.regime_rules = load_rules()
        keys = all_citation_keys(lib.regime_rules)
        for key in sorted(keys - set(lib.sources)):
            self.errors.append(f"{RULES_FILE}:1: the regime rules cite @{key}, which no source of the library holds")
        return keys

    def _check_writer_resources(self, lib: Library) -> None:
        from .writers import check_resources

        self.errors.extend(check_resources(lib.template_dirs))


#: Characters XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates,
#: U+FFFE/U+FFFF): a DOCX holding one does not open, so they are refused early.
INVALID_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _invalid_char(ch: str) -> str:
    return (f"contains the control character U+{ord(ch):04X}, which a DOCX cannot hold "
            "(Word refuses to open the file); delete it (often pasted from a PDF)")


def _strings(value, where: str = ""):
    """Every string inside a CSL item, with its field name."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, where or str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, where)


def _unquote(value):
    """Titles and URLs copied verbatim from a source text may be marked as
    quotations with “ ” in the bibliography; the marks are not part of the data."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "“" and value[-1] == "”":
        return value[1:-1]
    return value


def json_item_lines(text: str) -> list[int]:
    """Line of each top-level item's opening brace in a CSL-JSON array (best effort)."""
    lines, depth, line = [], 0, 1
    in_str = esc = False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            if depth == 1 and ch == "{":
                lines.append(line)
            depth += 1
        elif ch in "]}":
            depth -= 1
    return lines


_json_item_lines = json_item_lines  # the name sources_io imports


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes and not p.name.startswith("."))


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Split a template into its YAML header and its body; the body keeps the
    header's line count as blank lines, so Jinja's line numbers match the file."""
    m = _FRONT.match(text)
    if not m:
        return None, text
    header = m.group(1)
    return header, "\n" * m.group(0).count("\n") + text[m.end():]


def _template_text_lines(template_dirs: list[Path]):
    """The literal text of every text template, line by line, Jinja tags blanked
    (so their citations can be checked at load, with file:line)."""
    seen: set[str] = set()
    for tdir in template_dirs:
        for path in _files(tdir, (".j2",)):
            if not path.name.endswith(".md.j2"):
                continue
            rel = path.relative_to(tdir).as_posix()
            if rel in seen:
                continue  # overridden by the user's library
            seen.add(rel)
            try:
                _, body = split_front_matter(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue  # reported by the loader
            blanked = _JINJA.sub(lambda m: " " * 0 + re.sub(r"[^\n]", "", m.group()), body)
            for number, line in enumerate(blanked.splitlines(), 1):
                if "@" in line:
                    yield path, number, line
