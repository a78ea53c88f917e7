"""``motions flyer``: a flyer to print, a view of the same motion."""

from __future__ import annotations

from pathlib import Path

import click

from ..log import warn
from .options import (
    TEXT, commune_argument, date_options, facts_option, group_option, load_facts, motion_option, output_options,
    overseas_option, pass_state, pdf_engine, pdf_engine_option, resolve_commune, selection_options, session_date,
    split_ids,
)


def _layout_deprecated(ctx, param, value):
    if value is not None:
        warn("motions flyer --format is deprecated and will be removed in the next release; use --layout")
    return value


@click.command("flyer")
@commune_argument
@selection_options
@motion_option
@click.option("--layout", "layout", type=click.Choice(["a5", "a6x4", "a4"]), default=None,
              help="a5: A5 recto-verso (default); a6x4: four A6 flyers on A4 sheets, for duplex printing at home; "
                   "a4: one-page poster.")
@click.option("--format", "-f", "old_layout", type=click.Choice(["a5", "a6x4", "a4"]), default=None, hidden=True,
              callback=_layout_deprecated)
@date_options
@click.option("--place", metavar="TEXT", type=TEXT, help="Where the session takes place.")
@click.option("--contact", metavar="TEXT", type=TEXT, help="How to reach the group (e-mail, phone, address).")
@click.option("--url", metavar="URL", type=TEXT, help="Web page the QR code points to.")
@group_option
@click.option("--printer", metavar="TEXT", type=TEXT,
              help="Who printed the flyer, with their address, as the press law asks (loi du 29 juillet 1881, "
                   "art. 3): a print shop's « Imprimerie X, 1 rue Y, 75000 Paris », or « nos soins – Collectif X, "
                   "1 rue Y, 94800 Villejuif » if you print it yourselves. Default: « Imprimé par nos soins » and "
                   "the group's name.")
@click.option("--headline", metavar="TEXT", type=TEXT,
              help="Your own headline; {a} is « à Villejuif », {de} « de Villejuif », {commune} the name.")
@facts_option
@click.option("--logo", "logo", type=click.Path(dir_okay=False),
              help="A logo image (PNG, JPEG, SVG) on this computer; default: `logo:` in your library.")
@click.option("--print-shop", is_flag=True, help="For a print shop: 3 mm bleed, crop marks, CMYK colours.")
@click.option("--icc", "icc", type=click.Path(dir_okay=False),
              help="With --print-shop: the print shop's CMYK profile (.icc); the PDF is then PDF/X-1a.")
@overseas_option
@output_options
@pdf_engine_option()
@pass_state
def flyer(state, commune, argument_ids, themes, motion_id, layout, old_layout, session_date, old_session_date,
          place, contact, url, group, printer, headline, facts_file, logo, print_shop, icc, allow_overseas, out_dir,
          force, pdf_engine_name):
    """Write a flyer for COMMUNE as a PDF ready to print (name, INSEE code or postal code)."""
    from ..api import FlyerRequest, generate_flyer
    from ..compose.flyer import FlyerOptions
    from ..writers import WriterOptions

    target = resolve_commune(commune, state.communes())
    facts = load_facts(state, facts_file)
    resources = state.resources()
    options = FlyerOptions(arguments=split_ids(argument_ids), themes=tuple(themes), motion=motion_id,
                           date=session_date_of(session_date, old_session_date), place=place, contact=contact,
                           url=url, group=group, headline=headline, allow_overseas=allow_overseas, printer=printer)
    from ..compose.flyer import printing_warnings

    for message in printing_warnings(options, facts):
        warn(message)
    logo_path = Path(logo) if logo else library_logo(resources.library)
    writer_options = WriterOptions(print_shop=print_shop, icc=Path(icc) if icc else None, logo=logo_path,
                                   pdf_engine=pdf_engine(state, pdf_engine_name))
    request = FlyerRequest(target, options, facts, layout or old_layout or "a5", writer_options)
    for path in generate_flyer(request, resources, Path(out_dir), force=force):
        click.echo(str(path))


def session_date_of(new, old):
    return session_date(new, old)


def library_logo(lib) -> Path | None:
    """The ``logo:`` of the user's library settings, a file inside that library."""
    from ..errors import UsageError

    if not lib.settings.logo or lib.user_root is None:
        return None
    root = lib.user_root.resolve()
    path = (root / lib.settings.logo).resolve()
    if root not in path.parents:
        raise UsageError(f"{lib.user_root / 'motions-library.yaml'}: the logo '{lib.settings.logo}' must be a file "
                         "inside the library folder.")
    return path
