"""Writing into a user's library: ``motions init`` and ``motions arguments new``.

Both write commented files that a person fills in an editor, and both are
careful: they never overwrite an existing file, and never write into the
installed package (a library of one's own is a folder of plain files, layered
over the shipped one; see ``library.load_library``).

A new argument starts as a **draft**, in the library's ``drafts/`` folder,
which the loader never reads: an empty or half-filled argument file among the
arguments would stop every command (the library is checked as a whole, exit
5) until it is filled. The draft joins ``arguments/<theme>/`` only once it is
valid (:func:`add_draft`, run when the editor closes, or by ``motions
arguments add``); a draft left unchanged in the editor is removed. Writing a
complete example instead was ruled out: example text that validates could
reach a motion tabled in council.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sysconfig
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlfiles
from .errors import LibraryError, MotionsError, UnknownItem, UsageError
from .library import LIBRARY_MARKER, find_user_library, inspect_library, shipped_root
from .output import atomic_write, is_inside
from .schema import ID_PATTERN, PARAGRAPH_MAX_WORDS, PARAGRAPH_MIN_WORDS, SHORT_MAX_CHARS, Argument, argument_json_schema

SCHEMA_FILE = Path("schema") / "argument.schema.json"
DRAFTS = "drafts"
MODELINE = "# yaml-language-server: $schema="


def schema_text() -> str:
    """The JSON Schema of argument files, as shipped in schema/ and written by `motions schema`."""
    return json.dumps(argument_json_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(library_dir: Path) -> Path | None:
    """Put (or refresh) the schema in a user library, for the modeline of its argument files.
    It is generated from the installed version, so it always matches what motions validates."""
    path = Path(library_dir) / SCHEMA_FILE
    text = schema_text()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return None
    atomic_write(path, text.encode("utf-8"))
    return path


def modeline(arg_file: Path, library_dir: Path) -> str:
    rel = os.path.relpath(Path(library_dir) / SCHEMA_FILE, Path(arg_file).parent)
    return MODELINE + Path(rel).as_posix()


# --------------------------------------------------------------------------- where to write


def _installed_dirs() -> list[Path]:
    dirs = {Path(__file__).resolve().parent}
    for name in ("purelib", "platlib"):
        try:
            dirs.add(Path(sysconfig.get_paths()[name]).resolve())
        except KeyError:
            pass
    return sorted(dirs)


def refuse_installed(path: Path) -> None:
    """Refuse to write inside the installed package (an upgrade would erase it)."""
    target = Path(path).resolve()
    for d in _installed_dirs():
        if target == d or d in target.parents:
            raise UsageError(
                f"{path} is inside the installed motions package ({d}); an upgrade would erase what you "
                "write there. Make a library of your own with `motions init DIR` and pass --library DIR."
            )


def user_library(explicit: Path | str | None) -> Path:
    """The library to write into: ``--library DIR`` or the working directory's."""
    found = find_user_library(explicit)
    if found is None:
        raise MotionsError(
            f"there is no library of your own here (a folder holding {LIBRARY_MARKER}). "
            "Make one with `motions init DIR`, then run motions inside it or pass --library DIR."
        )
    refuse_installed(found)
    return found


# --------------------------------------------------------------------------- an argument file


def _block(text: str, width: int = 86) -> str:
    return "\n".join(textwrap.wrap(text, width=width, initial_indent="  ", subsequent_indent="  ",
                                   break_long_words=False, break_on_hyphens=False)) or "  "


def argument_scaffold(arg_id: str, *, kind: str = "argument", themes: list[str] | None = None,
                      known_themes: dict[str, str] | None = None, today: dt.date | None = None,
                      schema_line: str | None = None, prefill: Argument | None = None) -> str:
    """A commented argument file with every field, which validates once filled.

    ``prefill`` copies an existing argument (to override a shipped one by id)."""
    today = today or dt.date.today()
    a = prefill
    themes = list(a.themes) if a else list(themes or [])
    known = ", ".join(known_themes or {}) or "see arguments/themes.yaml"
    lines = []
    if schema_line:
        lines.append(schema_line)
    lines += [
        "# One argument of the motions library, as a draft (drafts/ is never read by motions).",
        "# Fill every field, save, and run `motions arguments add` on this file: it checks it and",
        "# moves it into arguments/. Citations use Pandoc's syntax: [@key, p. 3] (the keys",
        "# are those of arguments/sources/*.yaml; `motions sources import` adds yours).",
        "# Straight apostrophes and plain spaces are fine: the documents get French typography.",
        "",
        "# Stable identifier: lowercase letters, digits and hyphens; the file is named <id>.yaml.",
        f"id: {arg_id}",
        "# argument, or rebuttal: an answer to an objection (then fill `objection` too).",
        f"kind: {a.kind if a else kind}",
        "# One line, in French.",
        f"title: {json.dumps(a.title, ensure_ascii=False) if a else chr(34) * 2}",
    ]
    is_rebuttal = (a.kind if a else kind) == "rebuttal"
    if is_rebuttal:
        lines += ["# The other side's claim, as it is usually put, in « ».",
                  "objection: >-", _block(a.objection) if a and a.objection else ""]
    lines += [
        *textwrap.wrap(f"Theme ids (one or more): {known}.", width=86, initial_indent="# ",
                       subsequent_indent="#   ", break_on_hyphens=False),
        f"themes: [{', '.join(themes)}]",
        "# The date (YYYY-MM-DD) you last checked the facts and the law stated here.",
        f"checked: {(a.checked if a else today).isoformat()}",
        f"# Flyer form: at most {SHORT_MAX_CHARS} characters, citations not counted.",
        "short: >-",
        _block(a.short) if a else "",
        "# One clause of the motion: begins with « Considérant que », ends with « ; »,",
        "# and cites its source.",
        "considerant: >-",
        _block(a.considerant) if a else "  Considérant que",
        f"# For the exposé des motifs: {PARAGRAPH_MIN_WORDS} to {PARAGRAPH_MAX_WORDS} words, sourced.",
        "paragraph: >-",
        _block(a.paragraph) if a else "",
        "# Optional: include the argument only where all of this holds. Remove the # to use.",
    ]
    cond = a.applies_when if a else None
    if cond is not None:
        data = cond.model_dump(exclude_defaults=True)
        lines.append("applies_when:")
        for k, v in data.items():
            lines.append(f"  {k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v}")
    else:
        lines += [
            "# applies_when:",
            "#   facts: [csu]          # cameras, csu, police_municipale, contracts, vsa_software,",
            "#                         # sound_sensors, projects, smart_city_project (from the facts file)",
            "#   commune_has: [epci]   # epci, ept, metropole",
            "#   min_population: 3500",
            "#   zones: [metro]        # metro, drom, com",
        ]
    lines += ["# Optional: notes for the editors of the library; never printed."]
    lines += (["notes: >-", _block(a.notes)] if a and a.notes else ["# notes: >-", "#   ..."])
    return "\n".join(lines) + "\n"


@dataclass
class NewArgument:
    path: Path  # the draft, in drafts/
    library: Path
    copied_from: Path | None = None
    schema_written: Path | None = None
    target: Path | None = None  # where it goes once valid


def _free_id(base: str, taken) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def new_argument(library_dir: Path | str | None, arg_id: str | None = None, *, theme: str | None = None,
                 kind: str = "argument", today: dt.date | None = None) -> NewArgument:
    """Write a new argument file into the user's library; never overwrite one."""
    lib_dir = user_library(library_dir)
    lib, _errors = inspect_library(lib_dir, with_cwd=False)  # a broken library must not stop a new file
    if theme and theme not in lib.themes:
        raise UnknownItem(
            f"there is no theme '{theme}' in the library; themes are: {', '.join(lib.themes)}. "
            f"Add it to {lib_dir / 'arguments' / 'themes.yaml'} (id: French label) first."
        )
    if arg_id is not None and not re.match(ID_PATTERN, arg_id):
        raise UsageError(f"'{arg_id}' cannot be an argument id: use lowercase letters, digits and hyphens, "
                         "e.g. reconnaissance-faciale-ecoles.")
    mine = {aid: e for aid, e in lib.arguments.items() if is_inside(e.path, lib_dir)}
    existing_files = {p.stem for p in (lib_dir / "arguments").rglob("*.yaml")} if (lib_dir / "arguments").is_dir() else set()
    if arg_id is None:
        arg_id = _free_id("nouvel-argument" if kind == "argument" else "nouvelle-reponse",
                          set(lib.arguments) | existing_files)
    elif arg_id in mine:
        raise MotionsError(f"your library already has the argument '{arg_id}' in {mine[arg_id].path}; "
                           "edit that file, or choose another id.")
    prefill = lib.arguments[arg_id] if arg_id in lib.arguments else None
    if prefill is not None:
        kind = prefill.argument.kind
    folder = theme or (prefill.argument.themes[0] if prefill else None) or default_folder(kind)
    target = lib_dir / "arguments" / folder / f"{arg_id}.yaml"
    path = lib_dir / DRAFTS / f"{arg_id}.yaml"
    for taken in (target, path):
        if taken.exists():
            raise MotionsError(f"{taken} exists already; it is left untouched. Choose another id with --id"
                               + (", or finish that draft and run `motions arguments add` on it." if taken == path
                                  else "."))
    refuse_installed(path)
    schema_written = write_schema(lib_dir)
    text = argument_scaffold(
        arg_id, kind=kind, themes=[theme] if theme else [], known_themes=lib.themes, today=today,
        schema_line=modeline(path, lib_dir), prefill=prefill.argument if prefill else None,
    )
    if path.exists():  # checked again just before writing
        raise MotionsError(f"{path} exists already; it is left untouched.")
    atomic_write(path, text.encode("utf-8"))
    return NewArgument(path, lib_dir, prefill.path if prefill else None, schema_written, target)


def default_folder(kind: str) -> str:
    return "objections" if kind == "rebuttal" else "mes-arguments"


def draft_target(draft: Path, library_dir: Path) -> Path:
    """Where a draft goes once valid: ``arguments/<its first theme>/<its id>.yaml``."""
    try:
        data = yamlfiles.load(draft.read_text(encoding="utf-8"), draft)
    except (yamlfiles.YamlSyntaxError, UnicodeDecodeError):
        data = None
    data = data if isinstance(data, dict) else {}
    arg_id = data.get("id") if isinstance(data.get("id"), str) and re.match(ID_PATTERN, data["id"]) else draft.stem
    themes = data.get("themes") if isinstance(data.get("themes"), list) else []
    folder = next((t for t in themes if isinstance(t, str) and re.match(ID_PATTERN, t)), None)
    return Path(library_dir) / "arguments" / (folder or default_folder(str(data.get("kind", "argument")))) / \
        f"{arg_id}.yaml"


def add_draft(draft: Path | str, library_dir: Path | str | None = None) -> tuple[Path, list[str]]:
    """Check a draft where it belongs and move it there; return its path and warnings.

    The draft is moved into ``arguments/``, the library is inspected, and if
    the file has errors it goes back to ``drafts/`` and a LibraryError lists
    them with the draft's own path and lines: the library is never left
    broken, the draft never lost.
    """
    draft = Path(draft)
    if not draft.is_file():
        raise UsageError(f"{draft}: no such draft; `motions arguments new` writes drafts into the drafts/ folder "
                         "of your library.")
    lib_dir = user_library(library_dir) if library_dir is not None else _library_of(draft)
    target = draft_target(draft, lib_dir)
    if target.exists():
        raise MotionsError(f"{target} exists already; it is left untouched. Change the id in {draft} "
                           "(the file is named after it), then run `motions arguments add` again.")
    refuse_installed(target)
    text = draft.read_text(encoding="utf-8", errors="surrogateescape")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, _with_modeline(text, target, lib_dir).encode("utf-8", "surrogateescape"))
    errors, warnings = problems_of(target, lib_dir)
    if errors:
        target.unlink()
        here = str(target.resolve())
        mapped = [e.replace(here, str(draft)).replace(str(target), str(draft)) for e in errors]
        n = len(errors)
        raise LibraryError(mapped, header=f"{draft} has {n} problem{'s' if n != 1 else ''} to fix; it stays a "
                                          "draft (the library is unchanged). Fix it, then run "
                                          f"`motions arguments add {draft}`:")
    draft.unlink()
    return target, warnings


def _library_of(draft: Path) -> Path:
    """The library a draft belongs to: the folder above its drafts/ folder."""
    resolved = draft.resolve()
    if resolved.parent.name == DRAFTS:
        return user_library(resolved.parent.parent)
    return user_library(None)


def _with_modeline(text: str, path: Path, library_dir: Path) -> str:
    """The schema line of a file, relative to where it now is."""
    lines = text.split("\n")
    if lines and lines[0].startswith(MODELINE):
        lines[0] = modeline(path, library_dir)
    return "\n".join(lines)


def open_in_editor(path: Path, editor: str) -> bool:
    """Run the user's editor on ``path`` and wait for it (``$EDITOR`` may hold options).
    True when the file was changed."""
    before = path.read_bytes()
    try:
        cmd = shlex.split(editor, posix=os.name != "nt")
    except ValueError:
        cmd = [editor]
    try:
        proc = subprocess.run(cmd + [str(path)], check=False)
    except FileNotFoundError:
        raise MotionsError(f"cannot run the editor '{editor}' (from $EDITOR); the draft {path} was written: "
                           f"open it yourself, fill it in, then run `motions arguments add {path}`.") from None
    if proc.returncode != 0:
        raise MotionsError(f"the editor '{editor}' stopped with code {proc.returncode}; the draft {path} is kept as "
                           f"it is: finish it, then run `motions arguments add {path}`.")
    return path.is_file() and path.read_bytes() != before


def problems_of(path: Path, library_dir: Path) -> tuple[list[str], list[str]]:
    """The errors and warnings that name this file, in the library it belongs to."""
    lib, errors = inspect_library(library_dir, with_cwd=False)
    here = str(Path(path).resolve())

    def mine(p: str) -> bool:
        return p.startswith(here + ":") or p.startswith(str(path) + ":")

    return [e for e in errors if mine(e)], [str(w) for w in lib.warnings if mine(str(w))]


# --------------------------------------------------------------------------- motions init

LIBRARY_YAML = """\
# This file marks the folder as a motions library. Run motions from this folder,
# or pass --library {dir} (or set MOTIONS_LIBRARY), and what the folder holds is
# layered over the library shipped with motions:
#   arguments/<theme>/<id>.yaml   your arguments; an id the shipped library has
#                                 replaces the shipped argument
#   arguments/sources/*.yaml      your sources (CSL-YAML or CSL-JSON); same key, same rule
#   arguments/themes.yaml         more themes (id: French label)
#   templates/                    your templates (see templates/README.txt)
#   facts/exemple.yaml            local facts about a commune, for
#                                 motions generate COMMUNE --facts facts/exemple.yaml
# Commands: motions arguments new | list | show ID | check; motions sources import FILE.

# true: use the shipped arguments and sources too, yours adding to or replacing them.
# false: only the arguments and sources of this folder (the shipped templates are
#        still used): then define in arguments/themes.yaml every theme that your
#        arguments and the motion templates name, and the sources the templates cite.
shipped_arguments: true
"""

THEMES_YAML = """\
# Themes: id -> French label, shown in documents. Themes here add to the shipped
# ones; the same id renames a shipped theme. The shipped themes are:
{shipped}
# (With `shipped_arguments: false` in motions-library.yaml, list here every
# theme you use, including those the motion templates name.)
exemples: Exemples (à remplacer par vos propres arguments)
"""

SOURCES_YAML = """\
# Your sources, in CSL-YAML: the fields are CSL's (see docs/library-format.md).
# `motions sources import FILE` adds entries exported from Zotero (CSL JSON) or a
# BibTeX file. A key that the shipped library has replaces the shipped source.
- id: exemple-rgpd
  type: legislation
  title: Règlement (UE) 2016/679 du Parlement européen et du Conseil du 27 avril 2016 relatif à la protection des personnes physiques à l'égard du traitement des données à caractère personnel et à la libre circulation de ces données (règlement général sur la protection des données)
  issued: {date-parts: [[2016, 4, 27]]}
  URL: https://eur-lex.europa.eu/eli/reg/2016/679/oj
  custom:
    kind: legislation       # legislation, court, authority, academic, press, campaign or essay
    checked: {checked}      # when you last checked this entry
"""

EXAMPLE_ID = "exemple-biometrie-interdite"

EXAMPLE_ARGUMENT = """\
{modeline}
# An example: copy it (or run `motions arguments new`) and write your own.
# Its theme, `exemples`, is named by no motion template, so it appears in a
# motion only when you ask for it: motions generate COMMUNE --arguments {id}
id: {id}
title: Le droit européen interdit par principe l'identification biométrique
themes: [exemples]
checked: {today}
short: >-
  Le RGPD interdit par principe de traiter des données biométriques pour identifier
  une personne [@exemple-rgpd, art. 9].
considerant: >-
  Considérant que le règlement général sur la protection des données interdit par
  principe le traitement de données biométriques aux fins d'identifier une personne
  physique de manière unique, sauf dans des cas limitativement énumérés [@exemple-rgpd, art. 9] ;
paragraph: >-
  Un visage, une démarche ou une voix ne sont pas des données comme les autres. Le
  règlement général sur la protection des données range les données biométriques
  traitées aux fins d'identifier une personne de manière unique parmi les catégories
  particulières de données, dont le traitement est interdit par principe ; il n'est
  permis que dans des cas limitativement énumérés, comme le consentement explicite de
  la personne ou un motif d'intérêt public important prévu par le droit [@exemple-rgpd, art. 9].
  Une commune qui envisagerait d'identifier les passants par leur visage se placerait
  donc d'emblée sur le terrain de l'exception, qu'elle devrait justifier.
# Each factual or legal statement, with the source and locator it rests on
# (`motions arguments check` verifies that every citation above is recorded here).
point: exemple-donnees-biometriques
claims:
  - claim: Le RGPD interdit par principe le traitement de données biométriques aux fins d'identifier une personne de manière unique, sauf exceptions limitativement énumérées.
    cite: "[@exemple-rgpd, art. 9]"
    true_on: {today}
"""

TEMPLATES_README = """\
Your templates. A file placed here replaces the shipped file of the same name:

  templates/motions/biometrie.md.j2   the motion template « biometrie »: copy the
                                      shipped one here and edit it
  templates/motions/<new-id>.md.j2    a new motion template (its YAML header gives
                                      its id; see `motions list`)
  templates/reference.docx            the Word styles of every DOCX (open the shipped
                                      one in Word or LibreOffice, change the styles
                                      named « Motion – … », save it here)
  templates/html/motion.css           the look of every PDF

The shipped templates are in:
  {shipped}

Templates run in a sandbox (Jinja2, strict undefined variables): an error names
the template and the line.
"""


@dataclass
class InitReport:
    folder: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def init_library(folder: Path | str, *, force: bool = False, today: dt.date | None = None) -> InitReport:
    """Create a library of one's own, ready to edit; never overwrite a file."""
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; give a folder (new or empty) to `motions init`.")
    refuse_installed(folder)
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UsageError(f"{folder} is not empty; choose a new or empty folder, or pass --force to add the "
                         "missing files (existing files are never overwritten).")
    today = today or dt.date.today()
    shipped = shipped_root()
    shipped_themes = _read_themes(shipped / "arguments" / "themes.yaml")
    example = folder / "arguments" / "exemples" / f"{EXAMPLE_ID}.yaml"
    files: dict[Path, str] = {
        folder / LIBRARY_MARKER: LIBRARY_YAML.format(dir=folder),
        folder / "arguments" / "themes.yaml": THEMES_YAML.format(
            shipped="\n".join(f"#   {k}: {v}" for k, v in shipped_themes.items()) or "#   (none)"),
        example: EXAMPLE_ARGUMENT.format(modeline=modeline(example, folder), id=EXAMPLE_ID, today=today.isoformat()),
        folder / "arguments" / "sources" / "mes-sources.yaml": SOURCES_YAML.replace("{checked}", today.isoformat()),
        folder / "templates" / "README.txt": TEMPLATES_README.format(shipped=shipped / "templates"),
        folder / SCHEMA_FILE: schema_text(),
    }
    facts = _facts_example()
    if facts is not None:
        files[folder / "facts" / "exemple.yaml"] = facts
    report = InitReport(folder)
    for path, text in files.items():
        if path.exists():
            report.kept.append(path)
            continue
        atomic_write(path, text.encode("utf-8"))
        report.created.append(path)
    return report


def _facts_example() -> str | None:
    """The commented facts scaffold of `motions facts new` (valid as it is), if this version has it."""
    try:
        from .facts_scaffold import scaffold_text
    except ImportError:
        return None
    return scaffold_text(None)


def _read_themes(path: Path) -> dict[str, str]:
    try:
        data = yamlfiles.load(path.read_text(encoding="utf-8"), path)
    except (OSError, yamlfiles.YamlSyntaxError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


