"""Load and validate the library: arguments, sources, themes, motion templates.

Everything is read and checked before anything renders; every problem is
collected with its ``file:line`` and reported at once (MkDocs' ``load_config``
habit). A user's own library (``--library DIR``, or a folder holding
``motions-library.yaml`` in the working directory) is layered over the shipped
one: its arguments, sources and templates add to or override the shipped ones
by id.
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

from . import yamlfiles
from .errors import LibraryError, UnknownItem
from .schema import (
    ID_PATTERN,
    PARAGRAPH_MAX_WORDS,
    PARAGRAPH_MIN_WORDS,
    SHORT_MAX_CHARS,
    Argument,
    Condition,
    CITATION_GROUP,
    parse_citation_group,
    strip_citations,
    word_count,
)

LIBRARY_MARKER = "motions-library.yaml"
CSL_TYPES = {
    "book", "chapter", "article", "article-journal", "article-magazine", "article-newspaper",
    "report", "webpage", "post-weblog", "post", "legislation", "legal_case", "bill", "thesis",
    "speech", "interview", "document", "manuscript", "paper-conference", "motion_picture",
    "regulation", "treaty", "hearing", "broadcast", "pamphlet", "entry-encyclopedia", "entry",
}


def shipped_root() -> Path:
    """The library shipped with the package: inside the wheel, or the repository."""
    here = Path(__file__).resolve().parent
    inside = here / "_shipped"
    if (inside / "arguments").is_dir():
        return inside
    return here.parent


class MotionMeta(BaseModel):
    """The YAML header of a motion template."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    title: str
    description: str = Field(description="One line for `motions list`.")
    kind: Literal["voeu", "deliberation", "mixte"]
    themes: list[str] = Field(default_factory=list)
    arguments: list[str] = Field(
        default_factory=list, description="Argument ids drawn first, in this order."
    )
    max_arguments: int = Field(default=8, ge=1, le=40)
    expose_arguments: int = Field(default=3, ge=0, le=20)
    law_checked: dt.date
    annex_sources: bool = True
    flyer_headline: str | None = Field(
        default=None, description="The flyer's headline; {a} is « à Villejuif », {de} is « de Villejuif »."
    )
    requires: Condition | None = None


@dataclass(frozen=True)
class ArgumentEntry:
    argument: Argument
    path: Path
    lines: dict = field(default_factory=dict, compare=False, repr=False)

    def line(self, *key) -> int:
        return yamlfiles.line_of(self.lines, key)


@dataclass(frozen=True)
class MotionTemplate:
    meta: MotionMeta
    path: Path
    name: str  # the Jinja name, e.g. "motions/biometrie.md.j2"


@dataclass
class Library:
    roots: list[Path]
    themes: dict[str, str]
    arguments: dict[str, ArgumentEntry]
    sources: dict[str, dict]
    source_where: dict[str, tuple[Path, int]]
    motions: dict[str, MotionTemplate]
    template_dirs: list[Path]
    version: str
    warnings: list[str] = field(default_factory=list)

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

    def usage(self) -> dict[str, list[str]]:
        """Which motion templates draw each argument (by id or by theme)."""
        used: dict[str, list[str]] = {}
        for m in self.motions.values():
            for arg_id, entry in self.arguments.items():
                if arg_id in m.meta.arguments or set(entry.argument.themes) & set(m.meta.themes):
                    used.setdefault(arg_id, []).append(m.meta.id)
        return used


def _unknown(what: str, key: str, known, hint_cmd: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return f"there is no {what} '{key}' in the library.{hint} Run `{hint_cmd}` to see them all."


# --------------------------------------------------------------------------- loading


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
    (warnings are in ``lib.warnings``). For ``motions arguments check``, which
    reports everything, and for tools that must work on a broken library."""
    roots = [shipped_root()]
    user = find_user_library(user_dir, None) if (user_dir or with_cwd) else None
    if user is not None and user.resolve() != roots[0].resolve():
        roots.append(user)
    if user is not None and (user / LIBRARY_MARKER).is_file():
        try:
            settings = yamlfiles.load((user / LIBRARY_MARKER).read_text(encoding="utf-8"), user / LIBRARY_MARKER) or {}
        except yamlfiles.YamlSyntaxError as exc:
            raise LibraryError([str(exc)]) from None
        if isinstance(settings, dict) and settings.get("shipped_arguments") is False:
            shipped_arguments = False
    loader = _Loader(roots, skip_arguments_of=None if shipped_arguments else roots[0])
    lib = loader.load()
    return lib, list(dict.fromkeys(loader.errors))


def load_library(user_dir: Path | str | None = None, *, strict: bool = False, with_cwd: bool = True,
                 shipped_arguments: bool = True) -> Library:
    """Load the shipped library and the user's one over it; raise on any problem.

    ``shipped_arguments=False`` keeps the shipped templates but not the shipped
    arguments and sources (a self-contained user library, and small test libraries).
    """
    lib, errors = inspect_library(user_dir, with_cwd=with_cwd, shipped_arguments=shipped_arguments)
    if errors or (strict and lib.warnings):
        raise LibraryError(errors + (lib.warnings if strict else []))
    return lib


class _Loader:
    def __init__(self, roots: list[Path], skip_arguments_of: Path | None = None):
        self.roots = roots
        self.skip_arguments_of = skip_arguments_of
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.digest = hashlib.sha256()

    def _read(self, path: Path) -> str | None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.errors.append(f"{path}: cannot be read ({exc.strerror})")
            return None
        self.digest.update(str(path.name).encode() + b"\0" + data)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.errors.append(f"{path}:{line}: not valid UTF-8; save the file as UTF-8")
            return None

    def load(self) -> Library:
        themes: dict[str, str] = {}
        sources: dict[str, dict] = {}
        where: dict[str, tuple[Path, int]] = {}
        arguments: dict[str, ArgumentEntry] = {}
        motions: dict[str, MotionTemplate] = {}
        template_dirs: list[Path] = []
        for root in self.roots:
            if root == self.skip_arguments_of:
                self._templates(root, template_dirs, motions)
                continue
            themes.update(self._themes(root / "arguments" / "themes.yaml"))
            root_sources: dict[str, tuple[Path, int]] = {}
            for path in _files(root / "arguments" / "sources", (".yaml", ".yml", ".json")):
                for key, item, line in self._sources(path):
                    if key in root_sources:
                        p0, l0 = root_sources[key]
                        self.errors.append(f"{path}:{line}: duplicate source key '{key}' (also at {p0}:{l0})")
                        continue
                    root_sources[key] = (path, line)
                    sources[key] = item
                    where[key] = (path, line)
            root_args: dict[str, Path] = {}
            for path in _files(root / "arguments", (".yaml", ".yml")):
                if path.parent.name == "sources" or path.name == "themes.yaml":
                    continue
                entry = self._argument(path)
                if entry is None:
                    continue
                aid = entry.argument.id
                if aid in root_args:
                    self.errors.append(
                        f"{path}:{entry.line('id')}: duplicate argument id '{aid}' (also in {root_args[aid]})"
                    )
                    continue
                root_args[aid] = path
                arguments[aid] = entry
            self._templates(root, template_dirs, motions)
        lib = Library(
            roots=self.roots,
            themes=themes,
            arguments=dict(sorted(arguments.items())),
            sources=sources,
            source_where=where,
            motions=dict(sorted(motions.items())),
            template_dirs=template_dirs,
            version="",
        )
        self._cross_check(lib)
        lib.version = self.digest.hexdigest()[:12]
        lib.warnings = self.warnings
        return lib

    def _templates(self, root: Path, template_dirs: list[Path], motions: dict) -> None:
        tdir = root / "templates"
        if tdir.is_dir():
            template_dirs.insert(0, tdir)  # the user's templates win
            for path in _files(tdir / "motions", (".j2",)):
                mt = self._motion(path, tdir)
                if mt is not None:
                    motions[mt.meta.id] = mt

    # -- files

    def _themes(self, path: Path) -> dict[str, str]:
        if not path.is_file():
            return {}
        text = self._read(path)
        if text is None:
            return {}
        try:
            data = yamlfiles.load(text, path) or {}
        except yamlfiles.YamlSyntaxError as exc:
            self.errors.append(str(exc))
            return {}
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            self.errors.append(f"{path}:1: themes.yaml must map each theme id to its French label")
            return {}
        return {str(k): v for k, v in data.items()}

    def _sources(self, path: Path):
        text = self._read(path)
        if text is None:
            return
        if path.suffix == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                self.errors.append(f"{path}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}")
                return
            lines = _json_item_lines(text)
        else:
            try:
                data = yamlfiles.load(text, path)
            except yamlfiles.YamlSyntaxError as exc:
                self.errors.append(str(exc))
                return
            lines = None
        if isinstance(data, dict) and "references" in data:
            data = data["references"]
        if data is None:
            return
        if not isinstance(data, list):
            self.errors.append(f"{path}:1: a bibliography is a list of CSL items (or 'references:' with one)")
            return
        ymap = yamlfiles.line_map(text) if lines is None else {}
        for i, item in enumerate(data):
            line = lines[i] if lines is not None and i < len(lines) else yamlfiles.line_of(ymap, (i,))
            if isinstance(data, list) and "references" in ymap and lines is None:
                line = yamlfiles.line_of(ymap, ("references", i))
            if not isinstance(item, dict) or "id" not in item:
                self.errors.append(f"{path}:{line}: each source needs an 'id' (its citation key)")
                continue
            key = str(item["id"])
            item = {k: _unquote(v) for k, v in item.items()}
            if item.get("type") not in CSL_TYPES:
                self.errors.append(f"{path}:{line}: source '{key}' has CSL type {item.get('type')!r}; use one of book, article-journal, report, webpage, legislation, legal_case, ...")
            if not item.get("title"):
                self.errors.append(f"{path}:{line}: source '{key}' has no title")
            if not item.get("issued"):
                self.warnings.append(f"{path}:{line}: source '{key}' has no date ('issued')")
            self.errors += [f"{path}:{line}: source '{key}': {p}" for p in _date_problems(item)]
            yield key, item, line

    def _argument(self, path: Path) -> ArgumentEntry | None:
        text = self._read(path)
        if text is None:
            return None
        try:
            data = yamlfiles.load(text, path)
        except yamlfiles.YamlSyntaxError as exc:
            self.errors.append(str(exc))
            return None
        lines = yamlfiles.line_map(text)
        if not isinstance(data, dict):
            self.errors.append(f"{path}:1: an argument file is a YAML mapping of fields (id, title, themes, ...)")
            return None
        try:
            arg = Argument.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                where = ".".join(str(x) for x in loc) or "(file)"
                self.errors.append(f"{path}:{yamlfiles.line_of(lines, loc)}: {where}: {err['msg']}")
            return None
        entry = ArgumentEntry(arg, path, lines)
        if path.stem != arg.id:
            self.warnings.append(f"{path}:{entry.line('id')}: the file name differs from the id '{arg.id}'")
        return entry

    def _motion(self, path: Path, tdir: Path) -> MotionTemplate | None:
        text = self._read(path)
        if text is None:
            return None
        header, _ = split_front_matter(text)
        if header is None:
            self.errors.append(f"{path}:1: a motion template starts with a YAML header between '---' lines")
            return None
        try:
            data = yamlfiles.load(header, path)
        except yamlfiles.YamlSyntaxError as exc:
            self.errors.append(str(exc))
            return None
        lines = yamlfiles.line_map(header)
        try:
            meta = MotionMeta.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                self.errors.append(
                    f"{path}:{yamlfiles.line_of(lines, loc) + 1}: {'.'.join(map(str, loc))}: {err['msg']}"
                )
            return None
        return MotionTemplate(meta, path, path.relative_to(tdir).as_posix())

    # -- cross-references

    def _cross_check(self, lib: Library) -> None:
        used: set[str] = set()
        for aid, entry in lib.arguments.items():
            arg, path = entry.argument, entry.path
            for theme in arg.themes:
                if theme not in lib.themes:
                    self.errors.append(
                        f"{path}:{entry.line('themes')}: unknown theme '{theme}'; themes are: {', '.join(lib.themes)}"
                    )
            if not arg.considerant.startswith("Considérant que"):
                self.errors.append(f"{path}:{entry.line('considerant')}: the considérant must begin with « Considérant que »")
            short_len = len(strip_citations(arg.short))
            if short_len > SHORT_MAX_CHARS:
                self.errors.append(
                    f"{path}:{entry.line('short')}: the short form has {short_len} characters; "
                    f"the limit is {SHORT_MAX_CHARS}: cut {short_len - SHORT_MAX_CHARS}"
                )
            words = word_count(arg.paragraph)
            if not PARAGRAPH_MIN_WORDS <= words <= PARAGRAPH_MAX_WORDS:
                self.errors.append(
                    f"{path}:{entry.line('paragraph')}: the paragraph has {words} words; "
                    f"write {PARAGRAPH_MIN_WORDS} to {PARAGRAPH_MAX_WORDS}"
                )
            cited_any = False
            for form in ("short", "considerant", "paragraph", "title", "objection"):
                text = getattr(arg, form) or ""
                cites = []
                for m in CITATION_GROUP.finditer(text):
                    try:
                        cites.extend(parse_citation_group(m.group(1)))
                    except ValueError as exc:
                        self.errors.append(f"{path}:{entry.line(form)}: {form}: {exc}")
                for key, locator in cites:
                    used.add(key)
                    cited_any = True
                    if key not in lib.sources:
                        self.errors.append(
                            f"{path}:{entry.line(form)}: {form}: unknown source key '@{key}'; "
                            "add it to a file in arguments/sources/ or fix the key"
                        )
                    elif not locator and _has_pages(lib.sources[key]):
                        self.warnings.append(
                            f"{path}:{entry.line(form)}: {form}: citation [@{key}] has no locator (p., §, art.)"
                        )
                if ("«" in text or "“" in text) and not cites and form not in ("objection", "title"):
                    self.errors.append(
                        f"{path}:{entry.line(form)}: {form}: a quotation in « » needs the citation of its source in the same form"
                    )
            if not cited_any:
                self.errors.append(f"{path}:{entry.line('considerant')}: the argument cites no source; tie each claim to a source with [@key, p. N]")
            for form in ("title", "objection", "short", "considerant", "paragraph", "notes"):
                bad = INVALID_XML_CHAR.search(getattr(arg, form) or "")
                if bad:
                    self.errors.append(f"{path}:{entry.line(form)}: {form}: {_invalid_char(bad.group())}")
        for key, item in lib.sources.items():
            for field_name, value in _strings(item):
                bad = INVALID_XML_CHAR.search(value)
                if bad:
                    path, line = lib.source_where[key]
                    self.errors.append(f"{path}:{line}: source '{key}', {field_name}: {_invalid_char(bad.group())}")
        for key in sorted(set(lib.sources) - used):
            path, line = lib.source_where[key]
            self.warnings.append(f"{path}:{line}: source '{key}' is cited by no argument")
        for mt in lib.motions.values():
            for aid in mt.meta.arguments:
                if aid not in lib.arguments:  # a user library may leave it out: it is skipped
                    self.warnings.append(f"{mt.path}: the header lists argument '{aid}', which the library does not hold")
            for theme in mt.meta.themes:
                if theme not in lib.themes:
                    self.warnings.append(f"{mt.path}: the header lists unknown theme '{theme}'")


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


def _has_pages(item: dict) -> bool:
    """Sources where a locator makes sense: long works, and codes or acts cited
    as a whole (an entry for one article, with a `section`, needs none)."""
    kind = item.get("type")
    if kind in ("legislation", "bill", "regulation", "treaty"):
        return not item.get("section")
    return kind in {"book", "report", "article-journal", "chapter", "thesis"}


def _json_item_lines(text: str) -> list[int]:
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


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes and not p.name.startswith("."))


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Split a template into its YAML header and its body; the body keeps the
    header's line count as blank lines, so Jinja's line numbers match the file."""
    m = _FRONT.match(text)
    if not m:
        return None, text
    header = m.group(1)
    return header, "\n" * m.group(0).count("\n") + text[m.end():]


def _date_problems(item: dict) -> list[str]:
    from .sources_io import date_problems  # here: sources_io imports this module

    return date_problems(item)
