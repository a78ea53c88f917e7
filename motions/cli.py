"""The command line: thin commands that parse options and call the library.

Every user mistake is a :class:`~motions.errors.MotionsError`, printed by click
as one sentence with a documented exit code. Anything else is a bug: we print a
short message and the way to get the traceback (``--debug``).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .errors import MotionsError, UsageError

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70


class _State:
    def __init__(self, library: str | None, debug: bool, strict: bool):
        self.library_dir = library
        self.debug = debug
        self.strict = strict
        self._lib = None

    def library(self):
        if self._lib is None:
            from .library import load_library

            self._lib = load_library(self.library_dir, strict=self.strict)
        return self._lib


pass_state = click.make_pass_decorator(_State)


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14.") from None


def _warn(message: str) -> None:
    click.secho(f"Warning: {message}", fg="yellow", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="motions")
@click.option("--library", "library", metavar="DIR", envvar="MOTIONS_LIBRARY",
              help="Your own library folder, layered over the shipped one (default: the working "
                   "directory if it holds motions-library.yaml).")
@click.option("--strict", is_flag=True, help="Treat library warnings as errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx, library, strict, debug):
    """Draft French municipal council motions against automated biometric surveillance."""
    ctx.obj = _State(library, debug, strict)
    logging.basicConfig(format="Warning: %(message)s", level=logging.WARNING)
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


# --------------------------------------------------------------------------- generate


@cli.command("generate")
@click.argument("commune")
@click.option("--motion", "-m", "motion_id", default="biometrie", show_default=True, help="Motion template id (see `motions list`).")
@click.option("--format", "-f", "formats", default="docx,pdf", show_default=True, help="Comma-separated: docx, pdf, html, txt.")
@click.option("--output", "-o", "out_dir", default="motions-out", show_default=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--date", "session_date", metavar="YYYY-MM-DD", help="Date of the council session.")
@click.option("--group", metavar="NAME", help="The presenting group, e.g. « Villejuif en commun ».")
@click.option("--facts", "facts_file", type=click.Path(dir_okay=False), help="Local facts file (YAML, see `motions facts new`).")
@click.option("--arguments", "-a", "argument_ids", metavar="ID,...", help="Use exactly these arguments, in this order.")
@click.option("--theme", "themes", multiple=True, help="Draw arguments from this theme (repeatable).")
@click.option("--allow-overseas", is_flag=True, help="Draft for an overseas collectivity (COM) anyway, marked « à vérifier ».")
@click.option("--annex/--no-annex", "annex", default=None,
              help="Add (or leave out) an annex listing every source cited; the notes give full references either way.")
@click.option("--force", is_flag=True, help="Replace outputs even if they were edited since motions wrote them.")
@pass_state
def generate_command(state, commune, motion_id, formats, out_dir, session_date, group, facts_file,
                     argument_ids, themes, allow_overseas, annex, force):
    """Write COMMUNE's motion as DOCX and PDF (name, INSEE code or postal code)."""
    from .communes import lookup
    from .compose import Options
    from .facts import load_facts
    from .generate import parse_formats, render_motion

    fmts = parse_formats(formats)
    place = lookup(commune)  # its notices (homonym, commune déléguée) are logged as warnings
    facts = load_facts(facts_file)
    for w in facts.warnings():
        _warn(w)
    mismatch = facts.commune_mismatch(place)
    if mismatch:
        _warn(mismatch)
    lib = state.library()
    options = Options(
        arguments=tuple(a.strip() for a in (argument_ids or "").split(",") if a.strip()),
        themes=tuple(themes),
        date=_parse_date(session_date),
        group=group,
        allow_overseas=allow_overseas,
        annex_sources=annex,
    )
    result = render_motion(lib, place, motion_id, facts=facts, options=options, formats=fmts,
                           out_dir=Path(out_dir), force=force)
    for w in result.warnings:
        _warn(w)
    for path in result.paths:
        click.echo(str(path))


@cli.command("list")
@pass_state
def list_command(state):
    """List the motion templates."""
    lib = state.library()
    width = max((len(i) for i in lib.motions), default=10)
    for mid, mt in lib.motions.items():
        click.echo(f"{mid:<{width}}  {mt.meta.kind:<12}  {mt.meta.title}")
        click.echo(f"{'':<{width}}  {'':<12}  {mt.meta.description}")


@cli.command("explain")
@click.argument("commune")
@click.option("--motion", "-m", "motion_id", default="biometrie", show_default=True)
@click.option("--facts", "facts_file", type=click.Path(dir_okay=False))
@click.option("--arguments", "-a", "argument_ids", metavar="ID,...")
@click.option("--theme", "themes", multiple=True)
@click.option("--allow-overseas", is_flag=True)
@pass_state
def explain_command(state, commune, motion_id, facts_file, argument_ids, themes, allow_overseas):
    """Show which arguments and clauses a motion includes for COMMUNE, and why."""
    from .communes import lookup
    from .compose import Options, compose
    from .explain import explain_text
    from .facts import load_facts
    from .generate import provenance

    lib = state.library()
    place = lookup(commune)
    facts = load_facts(facts_file)
    options = Options(arguments=tuple(a.strip() for a in (argument_ids or "").split(",") if a.strip()),
                      themes=tuple(themes), allow_overseas=allow_overseas)
    comp = compose(lib, place, lib.motion(motion_id), facts, options, provenance=provenance(lib))
    click.echo(explain_text(lib, place, comp, facts, options))


@cli.command("schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def schema_command(output):
    """Print the JSON Schema of argument files (for editor autocompletion)."""
    import json

    from .output import atomic_write
    from .schema import argument_json_schema

    text = json.dumps(argument_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        atomic_write(Path(output), text.encode())
        click.echo(output)
    else:
        click.echo(text, nl=False)


def _register_optional() -> None:
    """Command groups that live in their own modules."""
    import importlib

    for module, attr in (
        ("motions.cli_communes", "communes"),
        ("motions.cli_arguments", "arguments"),
        ("motions.cli_arguments", "sources"),
        ("motions.cli_arguments", "init_command"),
        ("motions.cli_facts", "facts"),
        ("motions.cli_flyer", "flyer_command"),
        ("motions.cli_batch", "batch_command"),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        cmd = getattr(mod, attr, None)
        if cmd is not None:
            cli.add_command(cmd)


_register_optional()


def main(argv=None) -> None:
    """Entry point: run the CLI; turn stray exceptions into a sentence."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="motions", standalone_mode=False)
    except MotionsError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Interrupted: no partial file was left behind.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted: no partial file was left behind.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001
        if debug:
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}). "
                   "This is a bug in motions; run again with --debug for the traceback and report it.", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(0)
