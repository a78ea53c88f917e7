"""``motions facts``: start a local facts file, and check one.

Thin commands: the scaffold is :mod:`motions.facts_scaffold`, the validation is
:func:`motions.facts.parse_facts`. A facts file is the user's own work, so
``facts new`` never overwrites an existing file, even one created a moment
before by another process.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import click

from motions.errors import FactsError, MotionsError, OutputError


def create_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, failing if ``path`` exists.

    The content goes to a temporary file first, then is linked into place:
    ``link`` fails when the target exists, so there is never a half-written
    file and never an overwrite.
    """
    path = Path(path)
    if path.exists():
        raise OutputError(f"{path} already exists; motions never overwrites a facts file. "
                          "Choose another name, or edit the file you have.")
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise OutputError(f"{path} already exists; motions never overwrites a facts file.") from None
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            # A file system without hard links: exclusive create, then copy the content in.
            with open(path, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
    except FileExistsError:
        raise OutputError(f"{path} already exists; motions never overwrites a facts file.") from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise OutputError(f"{path.parent}: this folder is not writable; choose another path.") from None
        if exc.errno == errno.ENOSPC:
            raise OutputError(f"{path}: the disk is full; nothing was written.") from None
        raise OutputError(f"{path}: cannot be written ({exc.strerror}).") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


@click.group("facts")
def facts() -> None:
    """Local facts about a commune (cameras, CSU, contracts…) that tailor the motions."""


@facts.command("new")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--commune", "-c", "commune_query", metavar="COMMUNE",
              help="The commune (name, INSEE or postal code): written into the file, and names it.")
def new_command(file, commune_query):
    """Write a commented facts file to fill in (default: facts.yaml, or facts-<commune>.yaml)."""
    from motions.communes import lookup
    from motions.facts_scaffold import scaffold_text
    from motions.generate import slug

    commune = lookup(commune_query) if commune_query else None
    if file is None:
        file = f"facts-{slug(commune.name)}.yaml" if commune is not None else "facts.yaml"
    create_new(Path(file), scaffold_text(commune).encode("utf-8"))
    click.echo(file)
    click.echo(f"Fill it in, then check it with `motions facts check {file}`.", err=True)


@facts.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def check_command(file):
    """Validate FILE; print each problem with file:line (exit 8 on error)."""
    from motions import yamlfiles
    from motions.communes import lookup
    from motions.facts import load_facts

    path = Path(file)
    facts_obj = load_facts(path)  # raises FactsError (exit 8) listing every problem
    text = path.read_text(encoding="utf-8")
    lines = yamlfiles.line_map(text)
    problems = []
    if facts_obj.commune:
        try:
            lookup(facts_obj.commune)
        except MotionsError as exc:
            problems.append(f"{path}:{yamlfiles.line_of(lines, ('commune',))}: commune: {exc.format_message()}")
    if problems:
        raise FactsError("the facts file has problems:\n  " + "\n  ".join(problems))
    for item in facts_obj.unsourced():
        dotted, _, what = item.partition(": ")
        loc = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
        click.secho(f"{path}:{yamlfiles.line_of(lines, loc)}: warning: {dotted}: {what}; "
                    "give each fact a source and a date", fg="yellow", err=True)
    used = facts_obj.used()
    click.echo(f"{path}: valid; facts given: {', '.join(used) if used else 'none'}.")
