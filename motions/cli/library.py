"""``motions arguments``, ``motions sources`` and ``motions init``: edit the library.

Thin commands: each parses its options and calls ``library_tools`` (list, show,
check), ``scaffold`` (new files) or ``sources_io`` (bibliography in and out).
The library folder comes from the main ``--library`` option (or the working
directory); ``new`` and ``sources import`` also take it after the command.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from ..errors import LibraryError, OutputError
from .options import TEXT

_LIBRARY_OPTION = click.option(
    "--library", "library_dir", metavar="DIR", type=click.Path(file_okay=False),
    help="Your library folder (default: the main --library option, or the working directory if it holds "
         "motions-library.yaml).",
)


def _library_dir(obj, override: str | None = None) -> str | None:
    return override or getattr(obj, "library_dir", None)


def _library(obj):
    """The loaded library: the one the main group already loaded, if any."""
    if obj is not None and hasattr(obj, "library"):
        return obj.library()
    from ..library import load_library

    return load_library(None)


def _warn(message: str) -> None:
    click.secho(f"Warning: {message}", fg="yellow", err=True)


# --------------------------------------------------------------------------- arguments


@click.group("arguments")
def arguments() -> None:
    """Browse, check and write the arguments of the library."""


@arguments.command("list")
@click.option("--theme", "-t", metavar="THEME", type=TEXT, help="Only this theme (see arguments/themes.yaml).")
@click.option("--search", "-s", metavar="TEXT", type=TEXT, help="Words to find in the id, title or text (accents and case ignored).")
@click.option("--kind", type=click.Choice(["argument", "rebuttal"]), help="Only arguments, or only rebuttals.")
@click.pass_obj
def list_command(obj, theme, search, kind) -> None:
    """List the arguments: id, kind, themes and title."""
    from ..library_tools import argument_table, find_arguments

    lib = _library(obj)
    found = find_arguments(lib, theme=theme, search=search, kind=kind)
    if not found:
        click.echo("No argument matches.", err=True)
        return
    width = shutil.get_terminal_size((120, 24)).columns
    for line in argument_table(found, width=width):
        click.echo(line)
    click.echo(f"({len(found)} of {len(lib.arguments)})", err=True)


@arguments.command("show")
@click.argument("arg_id", metavar="ID")
@click.pass_obj
def show_command(obj, arg_id) -> None:
    """Show an argument in every form, with its sources and where it is used."""
    from ..library_tools import describe_argument

    click.echo(describe_argument(_library(obj), arg_id))


@arguments.command("new")
@click.option("--id", "arg_id", metavar="ID", type=TEXT, help="The new argument's id (lowercase, hyphens); "
              "the id of a shipped argument copies it into your library, to replace it there.")
@click.option("--theme", "-t", metavar="THEME", type=TEXT, help="Its theme (and folder).")
@click.option("--kind", type=click.Choice(["argument", "rebuttal"]), default="argument", show_default=True)
@_LIBRARY_OPTION
@click.option("--edit/--no-edit", default=True, show_default=True,
              help="Open $EDITOR on the new draft, then check it and add it to the library.")
@click.pass_obj
def new_command(obj, arg_id, theme, kind, library_dir, edit) -> None:
    """Write a new argument as a draft (drafts/ID.yaml), open it in $EDITOR, then check it and add it.

    A draft is never read by the other commands: your library keeps working
    while you write it. `motions arguments add DRAFT` adds a draft you filled
    in yourself."""
    from ..library_tools import display_path
    from ..scaffold import new_argument, open_in_editor

    made = new_argument(_library_dir(obj, library_dir), arg_id, theme=theme, kind=kind)
    draft = display_path(made.path)
    click.echo(f"Wrote the draft {draft}")
    if made.copied_from:
        click.echo(f"  a copy of {display_path(made.copied_from)}: once added, yours replaces it in your library.")
    editor = os.environ.get("EDITOR") or os.environ.get("VISUAL")
    if not (edit and editor):
        why = "" if not edit else "No editor is set (the EDITOR and VISUAL variables are empty), so none was opened. "
        click.echo(f"{why}Open {draft} in a text editor, fill in every field (each has a comment), save it, then run\n"
                   f"  motions arguments add {draft}\n"
                   f"which checks it and moves it to {display_path(made.target)}. Until then the draft is not part "
                   "of your library, and every other command works as before."
                   + ("\nTo have motions open your editor next time: export EDITOR=nano (or your editor's command)."
                      if edit else ""))
        return
    if not open_in_editor(made.path, editor):
        made.path.unlink()
        click.echo("The draft was left unchanged: it is removed, nothing was added.")
        return
    _add(made.path, made.library)


@arguments.command("add")
@click.argument("draft", type=click.Path(dir_okay=False))
@_LIBRARY_OPTION
@click.pass_obj
def add_command(obj, draft, library_dir) -> None:
    """Check a draft written by `motions arguments new` and move it into arguments/<theme>/."""
    _add(Path(draft), _library_dir(obj, library_dir))


def _add(draft: Path, library_dir) -> None:
    from ..library_tools import display_path
    from ..scaffold import add_draft

    path, warnings = add_draft(draft, library_dir)
    for w in warnings:
        _warn(w)
    click.echo(f"{display_path(path)} is valid and part of your library. "
               f"See it with `motions arguments show {path.stem}`.")


@click.command("check")
@click.option("--strict", is_flag=True, help="Warnings fail too (those of your library, when you check one).")
@click.pass_obj
def check(obj, strict) -> None:
    """Check the whole library (arguments, sources, templates, styles) and report every problem with file:line."""
    _check(obj, strict)


@arguments.command("check")
@click.option("--strict", is_flag=True, help="Warnings fail too (those of your library, when you check one).")
@click.pass_obj
def check_command(obj, strict) -> None:
    """Check the whole library and report every problem with file:line (the same as `motions check`)."""
    _check(obj, strict)


def _check(obj, strict) -> None:
    from ..library_tools import check_library

    strict = strict or bool(getattr(obj, "strict", False))
    report = check_library(_library_dir(obj))
    if report.errors:
        for w in report.warnings if not strict else ():
            click.echo(f"warning: {w}")
        problems = report.errors + (report.warnings if strict else [])
        n, w = len(report.errors), len(report.warnings)
        raise LibraryError(problems, header=f"the library has {n} error{'s' if n != 1 else ''}"
                                            f" and {w} warning{'s' if w != 1 else ''}:")
    if strict and report.warnings:
        w = len(report.warnings)
        raise LibraryError(report.warnings, header=f"the library has {w} warning{'s' if w != 1 else ''}, "
                                                   "which --strict makes fail:")
    for w in report.warnings:
        click.echo(f"warning: {w}")
    click.echo(f"The library is valid: {report.describe_roots()}.")
    for line in report.stats.lines():
        click.echo(line)
    if report.hidden_warnings:
        click.echo(f"  ({report.hidden_warnings} warnings about the shipped library's files are not shown; "
                   "check it alone with `motions arguments check` outside your library)")


# --------------------------------------------------------------------------- sources


@click.group("sources")
def sources() -> None:
    """Import and export the bibliography (CSL-JSON, CSL-YAML, BibTeX)."""


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--into", "into", type=click.Path(dir_okay=False),
              help="The bibliography file to merge into (default: <library>/arguments/sources/imported.yaml).")
@click.option("--overwrite", is_flag=True, help="Override shipped entries whose data differ "
              "(entries already in the target file are always updated in place).")
@_LIBRARY_OPTION
@click.pass_obj
def import_command(obj, file, into, overwrite, library_dir) -> None:
    """Merge FILE (CSL-JSON from Zotero, CSL-YAML, or BibTeX) into your library's sources."""
    from ..library import find_user_library, inspect_library, shipped_root
    from ..library_tools import display_path
    from ..scaffold import refuse_installed, user_library
    from ..sources_io import import_sources

    chosen = _library_dir(obj, library_dir)
    if into:
        lib_dir = find_user_library(chosen)
        target = Path(into)
    else:
        lib_dir = user_library(chosen)
        target = lib_dir / "arguments" / "sources" / "imported.yaml"
    refuse_installed(target)
    lib, _errors = inspect_library(lib_dir, with_cwd=False)
    existing, where = lib.sources, lib.source_where
    if not lib.settings.shipped_arguments and lib_dir is not None:
        # a self-contained library: the shipped bibliography is only there for the
        # shipped templates, and an entry of the same key here simply overrides it
        mine = {k for k, (path, _) in where.items() if Path(lib_dir).resolve() in Path(path).resolve().parents}
        existing = {k: v for k, v in existing.items() if k in mine}
        where = {k: v for k, v in where.items() if k in mine}
    report = import_sources(Path(file), target, existing=existing, where=where,
                            same_root=lib_dir if lib_dir and lib_dir != shipped_root() else None,
                            overwrite=overwrite)
    for line in report.lines(display_path):
        click.echo(line)


@sources.command("export")
@click.option("--format", "-f", "fmt", type=click.Choice(["csl-json", "csl-yaml", "bibtex"]), default="csl-json",
              show_default=True, help="CSL-JSON is what Pandoc and Zotero read.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@click.pass_obj
def export_command(obj, fmt, output) -> None:
    """Print the whole bibliography (shipped and yours merged)."""
    from ..output import atomic_write
    from ..sources_io import export_text

    text = export_text(_library(obj).own_sources(), fmt)
    if output:
        atomic_write(Path(output), text.encode("utf-8"))
        click.echo(output)
    else:
        click.echo(text, nl=False)


# --------------------------------------------------------------------------- init


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Add the missing files to a folder that is not empty "
              "(existing files are never overwritten).")
def init_command(folder, force) -> None:
    """Create FOLDER as a library of your own, ready to edit."""
    from ..library_tools import display_path
    from ..scaffold import init_library

    report = init_library(Path(folder), force=force)
    for path in report.created:
        click.echo(f"  created  {display_path(path)}")
    for path in report.kept:
        click.echo(f"  kept     {display_path(path)} (exists)")
    click.echo(f"Your library is ready in {display_path(report.folder)}. Next: cd into it and run "
               "`motions arguments new`, or pass --library to any command.")


# --------------------------------------------------------------------------- schema


@click.command("schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def schema(output):
    """Print the JSON Schema of argument files (for editor autocompletion)."""
    import json

    from ..output import atomic_write
    from ..schema import argument_json_schema

    text = json.dumps(argument_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        atomic_write(Path(output), text.encode())
        click.echo(output)
        return
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()
        raise OutputError(f"cannot write the schema to standard output ({exc.strerror or exc}); "
                          "free some space, or write it to a file with --output FILE.") from None


def _silence_stdout() -> None:
    """After a failed write to standard output, point it at /dev/null so that
    Python's own flush at exit does not fail a second time, with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
