"""Looking into the argument library: list, show, check.

What ``motions arguments list/show/check`` print, as plain functions returning
text or records, so they can be used and tested without click. Editors of the
library use them to find an argument, to read it in every form with its
sources as the documents will print them, and to see every problem at once
with its ``file:line`` before a motion is generated.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UnknownItem
from .library import ArgumentEntry, Library, inspect_library, shipped_root
from . import inline
from .schema import SHORT_MAX_CHARS

FORMS = ("title", "objection", "short", "considerant", "paragraph")


def fold(text: str) -> str:
    """Text for searching: no accents, no case, straight apostrophes, single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("œ", "oe").replace("æ", "ae"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


# --------------------------------------------------------------------------- list


def find_arguments(lib: Library, *, theme: str | None = None, search: str | None = None,
                   kind: str | None = None) -> list[ArgumentEntry]:
    """The arguments matching every filter given, by id."""
    if theme and theme not in lib.themes:
        import difflib

        close = difflib.get_close_matches(theme, list(lib.themes), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownItem(f"there is no theme '{theme}' in the library.{hint} Themes are: {', '.join(lib.themes)}.")
    needle = fold(search) if search else None
    found = []
    for entry in lib.arguments.values():
        arg = entry.argument
        if theme and theme not in arg.themes:
            continue
        if kind and arg.kind != kind:
            continue
        if needle:
            hay = fold(" ".join([arg.id] + [getattr(arg, f) or "" for f in FORMS]))
            if not all(word in hay for word in needle.split()):
                continue
        found.append(entry)
    return found


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]], width: int | None = None) -> list[str]:
    """A plain text table; the last column is cut to ``width`` characters in all."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    if width:
        room = width - sum(widths[:-1]) - 2 * (len(headers) - 1)
        widths[-1] = max(20, min(widths[-1], room))

    def fmt(cells) -> str:
        cells = list(cells)
        last = cells[-1]
        if len(last) > widths[-1]:
            cells[-1] = last[: widths[-1] - 1] + "…"
        return "  ".join(c.ljust(widths[i]) for i, c in enumerate(cells)).rstrip()

    return [fmt(headers), fmt("-" * w for w in widths)] + [fmt(r) for r in rows]


def argument_table(entries: list[ArgumentEntry], width: int | None = None) -> list[str]:
    rows = [(e.argument.id, e.argument.kind, ",".join(e.argument.themes), e.argument.title) for e in entries]
    return table(("ID", "KIND", "THEMES", "TITLE"), rows, width)


# --------------------------------------------------------------------------- show


def _wrap(text: str, indent: str = "  ", width: int = 88) -> str:
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """A path relative to the working directory when it is inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to((cwd or Path.cwd()).resolve()))
    except (ValueError, OSError):
        return str(path)


def cited(entry: ArgumentEntry) -> list[tuple[str, str | None]]:
    """Every (key, locator) the argument cites, in order of first appearance."""
    seen: dict[tuple[str, str | None], None] = {}
    for form in FORMS:
        for cite in entry.cites(form) if form in entry.forms else ():
            for item in cite.items:
                seen.setdefault((item.key, item.locator or None), None)
    return list(seen)


def describe_argument(lib: Library, arg_id: str) -> str:
    """Everything about one argument: its forms, condition, file, sources and use."""
    from .bibliography import format_full
    from .document import plain_text

    entry = lib.argument(arg_id)
    arg = entry.argument
    labels = [f"{t} ({lib.themes[t]})" if t in lib.themes else f"{t} (unknown theme)" for t in arg.themes]
    out = [
        f"{arg.id}  [{arg.kind}]",
        f"Title:        {arg.title}",
        f"Themes:       {', '.join(labels)}",
        f"Applies:      {arg.applies_when.describe() if arg.applies_when else 'always'}",
        f"Checked:      {arg.checked.isoformat()}",
        f"File:         {display_path(entry.path)}:{entry.line('id')}",
        "",
    ]
    if arg.objection:
        out += ["Objection:", _wrap(arg.objection), ""]
    short_len = len(inline.plain(entry.forms.get("short", ())))
    over = "  OVER THE LIMIT" if short_len > SHORT_MAX_CHARS else ""
    out += [f"Short form ({short_len}/{SHORT_MAX_CHARS} characters, citations not counted){over}:",
            _wrap(arg.short), ""]
    out += ["Considérant:", _wrap(arg.considerant), ""]
    words = len(inline.plain(entry.forms.get("paragraph", ())).split())
    out += [f"Paragraph ({words} words):", _wrap(arg.paragraph), ""]
    out.append("Sources:")
    refs = cited(entry)
    if not refs:
        out.append("  none (every argument must cite a source)")
    for key, loc in refs:
        label = f"[@{key}{', ' + loc if loc else ''}]"
        if key in lib.sources:
            text = plain_text(tuple(format_full(lib.sources[key], loc or "")))
            path, line = lib.source_where[key]
            out.append(textwrap.fill(f"{label} {text}", width=88, initial_indent="  ", subsequent_indent="      ",
                                     break_long_words=False, break_on_hyphens=False))
            out.append(f"      ({display_path(path)}:{line})")
        else:
            out.append(f"  {label} UNKNOWN SOURCE KEY")
    out.append("")
    users = lib.usage().get(arg.id, [])
    if users:
        out.append("Used by:      " + ", ".join(f"motion template '{m}'" for m in users))
    else:
        out.append(f"Used by:      no motion template draws it by theme or id; "
                   f"use it with `motions generate COMMUNE --arguments {arg.id}`")
    if arg.notes:
        out += ["", "Editors' notes (never printed):", _wrap(arg.notes)]
    return "\n".join(out)


# --------------------------------------------------------------------------- check


@dataclass
class Stats:
    arguments: int
    rebuttals: int
    themes_used: int
    themes_defined: int
    sources_by_type: dict[str, int]
    warnings: int

    def lines(self) -> list[str]:
        by_type = ", ".join(f"{t} {n}" for t, n in self.sources_by_type.items())
        total = sum(self.sources_by_type.values())
        return [
            f"  arguments  {self.arguments}",
            f"  rebuttals  {self.rebuttals}",
            f"  themes     {self.themes_used} used / {self.themes_defined} defined",
            f"  sources    {total}" + (f" ({by_type})" if by_type else ""),
            f"  warnings   {self.warnings}",
        ]


def library_stats(lib: Library) -> Stats:
    kinds = Counter(e.argument.kind for e in lib.arguments.values())
    used = {t for e in lib.arguments.values() for t in e.argument.themes}
    types = Counter(str(item.get("type")) for item in lib.own_sources().values())
    themes = lib.own_themes()
    return Stats(
        arguments=kinds.get("argument", 0),
        rebuttals=kinds.get("rebuttal", 0),
        themes_used=len(used & set(themes)),
        themes_defined=len(themes),
        sources_by_type=dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        warnings=len(lib.warnings),
    )


@dataclass
class CheckReport:
    """Every problem of a library. When a user's library is layered over the
    shipped one, the shipped library's warnings are not the user's to fix: they
    are counted apart (``hidden_warnings``); its errors still block, so they show."""

    library: Library
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hidden_warnings: int = 0

    @property
    def stats(self) -> Stats:
        stats = library_stats(self.library)
        stats.warnings = len(self.warnings)
        return stats

    def user_root(self) -> Path | None:
        shipped = shipped_root().resolve()
        user = [Path(r) for r in self.library.roots if Path(r).resolve() != shipped]
        return user[0] if user else None

    def describe_roots(self) -> str:
        lib = self.library
        user = self.user_root()
        if user is None:
            return f"the shipped library ({shipped_root()})"
        shipped = shipped_root().resolve()
        has_shipped_args = any(_inside(e.path, shipped) and not _inside(e.path, user.resolve())
                               for e in lib.arguments.values())
        return f"{user}, over the shipped {'library' if has_shipped_args else 'templates (shipped_arguments: false)'}"


def check_library(user_dir: Path | str | None = None, *, with_cwd: bool = True) -> CheckReport:
    """Load the library without stopping at the first problem; every error and warning."""
    lib, errors = inspect_library(user_dir, with_cwd=with_cwd)
    warnings = [str(w) for w in lib.warnings]
    from .checks import check_library as content_checks

    # on a broken library too: what loaded is checked
    shipped = shipped_root().resolve()
    for finding in content_checks(lib):
        # the shipped library must be faultless; in a user's library the content
        # rules (claims recorded, kinds of sources) advise, and --strict enforces them
        ours = shipped in Path(finding.path).resolve().parents
        (errors if ours and finding.severity == "error" else warnings).append(str(finding))
    report = CheckReport(lib, errors, warnings)
    user = report.user_root()
    if user is not None:
        prefix = str(user.resolve()) + "/"
        report.warnings = [w for w in warnings if w.startswith(prefix)]
        report.hidden_warnings = len(warnings) - len(report.warnings)
    return report


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder)
        return True
    except ValueError:
        return False
