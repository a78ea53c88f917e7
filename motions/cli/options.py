"""Options shared by several commands, defined once (MkDocs' ``common_options``).

Every command that names a commune, a motion, facts, a session date, a group,
an output folder or formats uses these decorators, so an option has one
spelling, one help text and one parser everywhere. Renamed options keep their
old spelling for one release, with a deprecation warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..errors import UsageError
from ..log import warn


@dataclass
class State:
    """What the main group's options set, shared by every command."""

    library_dir: str | None = None
    debug: bool = False
    strict: bool = False
    user_paths: list[Path] = field(default_factory=list)  # the user's own files, for --strict
    _resources: object = None
    _communes: object = None

    def communes(self):
        """The commune index, read once per command (before the library, so
        that a misspelt commune is reported at once)."""
        if self._communes is None:
            from .. import communes

            self._communes = communes.load()
        return self._communes

    def resources(self):
        """The library and its resources, loaded once per command."""
        if self._resources is None:
            from ..resources import load

            self._resources = load(self.library_dir, communes=self.communes())
            lib = self._resources.library
            if lib.user_root is not None:
                self.user_paths.append(lib.user_root)
                root = lib.user_root.resolve()
                for finding in lib.warnings:  # the shipped library's are its maintainers' (`motions check`)
                    if root in Path(finding.path).resolve().parents:
                        warn(str(finding), path=finding.path)
        return self._resources

    def library(self):
        return self.resources().library


pass_state = click.make_pass_decorator(State, ensure=True)


class Utf8Text(click.ParamType):
    """Free text from the command line, refused with a sentence when it is not UTF-8.

    Python hands bytes that are not UTF-8 over as "surrogate escapes" (one
    lone surrogate per byte, PEP 383); they would pass every check and fail
    much later, when a writer encodes the text (an internal error, exit 70).
    File paths are not of this type: on Linux a file name may be any bytes.
    """

    name = "text"

    def convert(self, value, param, ctx):
        if isinstance(value, bytes):
            value = value.decode("utf-8", "surrogateescape")
        bad = [ch for ch in str(value) if "\udc80" <= ch <= "\udcff"]
        if bad:
            option = param.opts[0] if param is not None and param.opts else "a value"
            raise UsageError(
                f"{option}: the text is not valid UTF-8 (byte 0x{ord(bad[0]) - 0xDC00:02X}); type it again, or set "
                "your terminal to UTF-8 (e.g. export LANG=C.UTF-8) or use the command from a UTF-8 file.")
        return value


#: The type of every free-text option.
TEXT = Utf8Text()


def parse_date(value: str | None, option: str = "--date") -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-14.") from None
    if not 2000 <= day.year <= 2100:
        raise UsageError(f"{option}: {day.isoformat()} is not a plausible session date.")
    return day


def _deprecated(old: str, new: str):
    def callback(ctx, param, value):
        if value is not None and value != param.default and value != ():
            warn(f"{old} is deprecated and will be removed in the next release; use {new}")
        return value
    return callback


def commune_argument(f):
    return click.argument("commune")(f)


def motion_option(f):
    return click.option("--motion", "-m", "motion_id", default="biometrie", show_default=True, type=TEXT,
                        help="Motion template id (see `motions list`).")(f)


def facts_option(f):
    return click.option("--facts", "facts_file", type=click.Path(dir_okay=False),
                        help="Local facts file (YAML, see `motions facts new`).")(f)


def date_options(f):
    f = click.option("--session-date", "old_session_date", metavar="YYYY-MM-DD", hidden=True,
                     callback=_deprecated("--session-date", "--date"))(f)
    return click.option("--date", "session_date", metavar="YYYY-MM-DD", type=TEXT,
                        help="Date of the council session (deadlines are computed from it).")(f)


def group_option(f):
    return click.option("--group", metavar="NAME", type=TEXT, help="The presenting group, e.g. « Villejuif en commun ».")(f)


def output_options(f):
    f = click.option("--force", is_flag=True,
                     help="Replace outputs even if they were edited since motions wrote them.")(f)
    return click.option("--output", "-o", "out_dir", default="motions-out", show_default=True,
                        type=click.Path(file_okay=False), help="Output folder.")(f)


def selection_options(f):
    f = click.option("--theme", "themes", multiple=True, type=TEXT, help="Draw arguments from this theme (repeatable).")(f)
    return click.option("--arguments", "-a", "argument_ids", metavar="ID,...", type=TEXT,
                        help="Use exactly these arguments, in this order.")(f)


def overseas_option(f):
    return click.option("--allow-overseas", is_flag=True,
                        help="Draft for Saint-Pierre-et-Miquelon or Polynésie française (their own rules apply; "
                             "read the dossier's points to check).")(f)


def pdf_engine_option(default: str | None = None, batch: bool = False):
    """``--pdf-engine``: which engine makes the PDFs (Pandoc's option of the same name)."""
    if batch:
        fallback = (" Default: Typst, or WeasyPrint when your library restyles templates/html/motion.css "
                    "and not templates/typst/motion.typ.")
    else:
        fallback = " Default: WeasyPrint, or Typst when WeasyPrint's system libraries are missing."

    def decorate(f):
        return click.option("--pdf-engine", "pdf_engine_name", type=click.Choice(["weasyprint", "typst"]),
                            default=default, help="weasyprint (restyle with CSS, templates/html/) or typst "
                            "(several times faster, restyle templates/typst/)." + fallback)(f)
    return decorate


def pdf_engine(state: State, asked: str | None, formats=("pdf",), prefer: str | None = None) -> str | None:
    """The engine the PDFs will be made with, decided once before rendering (so
    that it is part of what an output depends on): None when no PDF is asked.
    ``prefer`` is a command's default when the user did not choose (the batch:
    Typst, unless the user's library restyles WeasyPrint's CSS only)."""
    if "pdf" not in formats:
        return asked
    from ..writers.pdf import choose_engine, restyled_for_weasyprint

    resources = state.resources()
    if asked is None and prefer is not None:
        asked = "weasyprint" if restyled_for_weasyprint(resources) else prefer
    return choose_engine(asked, resources)


def split_ids(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip() for a in (value or "").split(",") if a.strip()))


def session_date(new: str | None, old: str | None) -> dt.date | None:
    return parse_date(new or old)


def load_facts(state: State, facts_file: str | None):
    from ..facts import load_facts as load

    if facts_file:
        state.user_paths.append(Path(facts_file))
    facts = load(facts_file)
    for message in facts.warnings():
        warn(message, path=facts_file)
    return facts


def resolve_commune(query: str, index=None):
    """The commune a query names; notices (a homonym chosen, a commune déléguée
    routed to its commune nouvelle) are printed as warnings."""
    from .. import communes

    found = communes.resolve(query, index)
    for notice in found.notices:
        warn(notice)
    return found.commune
