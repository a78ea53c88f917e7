"""``motions kit``: every document a collective needs around the motion, in one folder."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (
    commune_argument, date_options, facts_option, group_option, load_facts, motion_option, overseas_option,
    parse_date, pass_state, resolve_commune, split_ids,
)
from .options import session_date as _session_date

ADDRESSEES = ("maire", "maire-commune", "prefet", "epci", "ept", "metropole-lyon", "departement", "region",
              "collectivite", "transport", "cada", "cnil")


def _dated(values, option: str, default_ids: tuple[str, ...]) -> dict:
    """``2026-12-01`` (every request for documents) or ``crpa-prefecture=2026-12-03``."""
    from ..kit import check_dated

    out = {}
    for value in values or ():
        key, _, day = value.rpartition("=")
        date = parse_date(day, option)
        for k in ((key.strip(),) if key.strip() else default_ids):
            out[k] = date
    return check_dated(out, option)


def _genders(madame, monsieur) -> dict:
    from ..errors import UsageError

    out = {}
    for value, gender, option in ((madame, "f", "--madame"), (monsieur, "m", "--monsieur")):
        for key in split_ids(value):
            if key not in ADDRESSEES:
                raise UsageError(f"{option} {key}: not an addressee of the kit; use among {', '.join(ADDRESSEES)}.")
            out[key] = gender
    return out


@click.command("kit")
@commune_argument
@motion_option
@date_options
@group_option
@facts_option
@click.option("--sent", "sent", multiple=True, metavar="[ID=]YYYY-MM-DD",
              help="The day an addressee received a document already sent: a bare date for the requests for "
                   "documents, or ID=DATE (crpa-prefecture, cada-mairie, demande-convocation, question-ecrite...). "
                   "Repeatable. The deadlines and the calendar are computed from it.")
@click.option("--refused", "refused", multiple=True, metavar="[ID=]YYYY-MM-DD",
              help="The day an express refusal of a request for documents was notified (e.g. crpa-mairie=2027-01-10).")
@click.option("--only", "only", metavar="ID,...", help="Make only these documents (e.g. crpa-mairie,index).")
@click.option("--format", "-f", "formats", default="docx,pdf,txt", show_default=True,
              help="Comma-separated: docx, odt, pdf, html, txt.")
@click.option("--madame", metavar="ROLE,...", help="Addressees known to be women (maire, prefet, epci, region...).")
@click.option("--monsieur", metavar="ROLE,...", help="Addressees known to be men; by default letters use both forms.")
@click.option("--series", type=click.IntRange(0, 10_000), default=0,
              help="How many other administrations you sent the same request for documents to, outside this tool.")
@click.option("--force", is_flag=True, help="Replace files even if they were edited since motions wrote them.")
@click.option("--output", "-o", "out_dir", default="motions-out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder; the kit goes into <INSEE>-<name>-kit/ inside it.")
@overseas_option
@pass_state
def kit(state, commune, motion_id, session_date, old_session_date, group, facts_file, sent, refused, only, formats,
        madame, monsieur, series, force, out_dir, allow_overseas):
    """Write COMMUNE's campaign kit: requests for documents, letters, amendments, debate brief, press release,
    CNIL complaint, an index and a calendar (.ics)."""
    from ..kit import ORDER, KitOptions, KitRequest, generate_kit
    from ..writers import parse_formats

    place = resolve_commune(commune, state.communes())
    facts = load_facts(state, facts_file)
    requests = tuple(i for i in ORDER if i.startswith("crpa-"))
    options = KitOptions(motion=motion_id, date=_session_date(session_date, old_session_date),
                         group=group, sent=_dated(sent, "--sent", requests),
                         refused=_dated(refused, "--refused", requests), gender=_genders(madame, monsieur),
                         only=split_ids(only), series=series, allow_overseas=allow_overseas)
    request = KitRequest(place, facts, options, parse_formats(formats))
    paths, _ = generate_kit(request, state.resources(), Path(out_dir), force=force)
    for path in paths:
        click.echo(str(path))
