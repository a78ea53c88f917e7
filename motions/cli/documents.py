"""``motions generate``, ``motions explain``, ``motions list``."""

from __future__ import annotations

from pathlib import Path

import click

from ..log import warn
from .options import (
    commune_argument, date_options, facts_option, group_option, load_facts, motion_option, output_options,
    overseas_option, pass_state, pdf_engine, pdf_engine_option, selection_options, session_date, split_ids,
)


def _resolve(state, query: str):
    from .options import resolve_commune

    return resolve_commune(query, state.communes())


def _request(state, commune, motion_id, facts_file, argument_ids, themes, new_date, old_date, group,
             allow_overseas, annex=None, notes="footnotes", formats=("docx", "pdf"), pdf_variant="pdf/ua-1",
             engine=None):
    from ..api import Request
    from ..compose import Options
    from ..writers import WriterOptions

    place = _resolve(state, commune)
    facts = load_facts(state, facts_file)
    mismatch = facts.commune_mismatch(place, state.communes())
    if mismatch:
        warn(mismatch, path=facts_file)
    options = Options(arguments=split_ids(argument_ids), themes=tuple(themes),
                      date=session_date(new_date, old_date), group=group, allow_overseas=allow_overseas,
                      annex_sources=annex, notes=notes)
    return Request(place, motion_id, facts, options, formats, writer_options=WriterOptions(pdf_variant=pdf_variant,
                                                                                      pdf_engine=engine))


@click.command("generate")
@commune_argument
@motion_option
@click.option("--format", "-f", "formats", default="docx,odt,pdf", show_default=True,
              help="Comma-separated: docx, odt, pdf, html, txt.")
@output_options
@date_options
@group_option
@facts_option
@selection_options
@overseas_option
@click.option("--annex/--no-annex", "annex", default=None,
              help="Add (or leave out) an annex listing every source cited; the notes give full references either way.")
@click.option("--notes", type=click.Choice(["footnotes", "endnotes"]), default="footnotes", show_default=True,
              help="Notes at the foot of each page, or numbered at the end.")
@click.option("--pdf-variant", default="pdf/ua-1", show_default=True,
              help="pdf/ua-1 (tagged, accessible), pdf/a-3u (archival), or none.")
@pdf_engine_option()
@pass_state
def generate(state, commune, motion_id, formats, out_dir, force, session_date, old_session_date, group, facts_file,
             argument_ids, themes, allow_overseas, annex, notes, pdf_variant, pdf_engine_name):
    """Write COMMUNE's motion and its dossier (name, INSEE code or postal code)."""
    from ..api import generate as run
    from ..writers import parse_formats

    fmts = parse_formats(formats)
    request = _request(state, commune, motion_id, facts_file, argument_ids, themes, session_date, old_session_date,
                       group, allow_overseas, annex, notes, fmts, pdf_variant,
                       pdf_engine(state, pdf_engine_name, fmts))
    paths, _ = run(request, state.resources(), Path(out_dir), force=force)
    for path in paths:
        click.echo(str(path))


@click.command("explain")
@commune_argument
@motion_option
@date_options
@group_option
@facts_option
@selection_options
@overseas_option
@pass_state
def explain(state, commune, motion_id, session_date, old_session_date, group, facts_file, argument_ids, themes,
            allow_overseas):
    """Show which arguments and articles a motion includes for COMMUNE, and why."""
    from ..api import compose
    from ..explain import explain_text

    request = _request(state, commune, motion_id, facts_file, argument_ids, themes, session_date, old_session_date,
                       group, allow_overseas)
    resources = state.resources()
    comp = compose(request, resources)
    click.echo(explain_text(resources, request, comp))


@click.command("list")
@pass_state
def list_command(state):
    """List the motion templates and the other documents."""
    lib = state.library()
    width = max((len(i) for i in [*lib.motions, *lib.documents]), default=10)
    for mid, mt in lib.motions.items():
        click.echo(f"{mid:<{width}}  {mt.meta.kind:<12}  {mt.meta.title}")
        click.echo(f"{'':<{width}}  {'':<12}  {mt.meta.description}")
    if lib.documents:
        click.echo("")
        click.echo("Other documents (motions kit, and the dossier written beside each motion):")
        for did, dt_ in lib.documents.items():
            click.echo(f"{did:<{width}}  {dt_.meta.layout:<12}  {dt_.meta.description}")
