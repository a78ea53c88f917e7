"""The command line: thin commands that parse options and call ``motions.api``.

Commands are registered explicitly here (``cli.add_command``), each from the
module of its group; a module that fails to import fails loudly. Every user
mistake is a :class:`~motions.errors.MotionsError`, printed in one place
(:func:`main`) as one sentence with a documented exit code; anything else is
a bug, printed as such with the way to get the traceback (``--debug``).
Warnings go through ``logging`` (``motions.log``), are printed once each, and
``--strict`` makes those about the user's own files fail the command.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys

import click

from .. import __version__, log
from ..errors import MotionsError, StrictWarnings
from .options import State

EXIT_INTERNAL = 70


class _Printer(logging.Handler):
    """Prints each warning once, in one line, to standard error."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message in self.seen:
            return
        self.seen.add(message)
        color = not os.environ.get("NO_COLOR") and sys.stderr.isatty()
        click.secho(f"Warning: {message}", fg="yellow" if color else None, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="motions")
@click.option("--library", "library", metavar="DIR", envvar="MOTIONS_LIBRARY",
              help="Your own library folder, layered over the shipped one (default: the working directory if it "
                   "holds motions-library.yaml; also MOTIONS_LIBRARY).")
@click.option("--strict", is_flag=True, help="Fail (exit 13) on warnings about your own files.")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx, library, strict, debug):
    """Draft French municipal council motions against automated biometric surveillance."""
    ctx.obj = State(library, debug, strict)


def _register() -> None:
    from . import batch, communes, documents, facts, flyer, kit, library, serve

    for command in (documents.generate, documents.explain, documents.list_command, communes.communes,
                    library.check, library.arguments, library.sources, library.init_command, library.schema,
                    facts.facts, flyer.flyer, kit.kit, batch.batch, serve.serve):
        cli.add_command(command)


_register()


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


def _exit_now(code: int) -> None:
    """Leave without the interpreter's teardown (destroying every module and
    object one by one, with a last garbage collection: about 0.1 s after a PDF),
    once every output is written and closed and the streams are flushed. Only
    for a process that runs one command (the ``motions`` program), never when
    ``main`` is called from Python."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    logging.shutdown()
    os._exit(code)


#: Commands that run for long (a batch, a server): the garbage collector stays on for them.
LONG_RUNNING = frozenset({"batch", "serve"})


def _command_name(args: list[str]) -> str | None:
    """The command named on the command line (after the group's own options)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--library":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv=None) -> None:
    """Entry point: run the CLI; every outcome is an exit code and at most a sentence.

    A short command keeps what it builds until it ends: the garbage collector,
    which would walk the library, the templates and the PDF engine's objects
    again and again for nothing to free, is off for the run of such a command
    in its own process (never for a batch or a server, never when ``main`` is
    called from Python)."""
    whole_process = argv is None
    args = list(argv if argv is not None else sys.argv[1:])
    if whole_process and _command_name(args) not in LONG_RUNNING:
        gc.disable()
    debug = "--debug" in args
    printer = log.install(_Printer())
    collector = log.install(log.Collector())
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, _on_sigterm)
    code = 0
    state = None
    try:
        ctx = cli.make_context("motions", args)
        with ctx:
            cli.invoke(ctx)
        state = ctx.obj
        if state is not None and state.strict:
            mine = collector.about(state.user_paths)
            if mine:
                raise StrictWarnings(f"--strict: {len(mine)} warning{'s' if len(mine) != 1 else ''} about your "
                                     "own files (above); fix them or run without --strict.")
    except MotionsError as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("Interrupted: no partial file was left behind.", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted: no partial file was left behind.", err=True)
        code = 130
    except BrokenPipeError:
        code = 0
    except OSError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc.strerror or exc} ({exc.filename or 'output'}).", err=True)
        code = 9
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes a sentence
        if debug:
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}). "
                   "This is a bug in motions; run again with --debug for the traceback and report it.", err=True)
        code = EXIT_INTERNAL
    finally:
        log.uninstall(printer)
        log.uninstall(collector)
    if whole_process and not os.environ.get("MOTIONS_FULL_EXIT"):
        _exit_now(code)
    sys.exit(code)
