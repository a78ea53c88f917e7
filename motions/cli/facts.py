"""``motions facts``: start a local facts file, and check one.

Thin commands: the scaffold is :mod:`motions.facts_scaffold`, the validation is
:func:`motions.facts.parse_facts`. A facts file is the user's own work, so
``facts new`` never overwrites an existing file, even one created a moment
before by another process.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import FactsError, MotionsError
from ..output import create_new


@click.group("facts")
def facts() -> None:
    """Local facts about a commune (cameras, CSU, contracts…) that tailor the motions."""


@facts.command("new")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--commune", "-c", "commune_query", metavar="COMMUNE",
              help="The commune (name, INSEE or postal code): written into the file, and names it.")
def new_command(file, commune_query):
    """Write a commented facts file to fill in (default: facts.yaml, or facts-<commune>.yaml)."""
    from ..communes import lookup
    from ..facts_scaffold import scaffold_text
    from ..api import slug

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
    from .. import yamlfiles
    from ..communes import lookup
    from ..facts import load_facts

    path = Path(file)
    facts_obj = load_facts(path)  # raises FactsError (exit 8) listing every problem
    from motions.limits import MAX_FACTS_BYTES, read_user_file

    text = read_user_file(path, "facts file", MAX_FACTS_BYTES, FactsError)
    lines = yamlfiles.line_map(text)
    problems = []
    if facts_obj.commune:
        try:
            lookup(facts_obj.commune)
        except MotionsError as exc:
            problems.append(f"{path}:{yamlfiles.line_of(lines, ('commune',))}: commune: {exc.format_message()}")
    if problems:
        raise FactsError("the facts file has problems:\n  " + "\n  ".join(problems))
    for warning in facts_obj.warnings():
        click.secho(warning.replace(": ", ": warning: ", 1), fg="yellow", err=True)
    for item in facts_obj.unsourced():
        dotted, _, what = item.partition(": ")
        loc = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
        click.secho(f"{path}:{yamlfiles.line_of(lines, loc)}: warning: {dotted}: {what}; "
                    "give each fact a source and a date", fg="yellow", err=True)
    used = facts_obj.used()
    click.echo(f"{path}: valid; facts given: {', '.join(used) if used else 'none'}.")
