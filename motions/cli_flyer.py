"""`motions flyer`: a flyer to print, from the same arguments as the motion.

Thin: parse the options, then call :func:`render_flyer_file`, which composes the
flyer (``motions.flyer``), lays it out and checks that it fits
(``motions.writers.flyer_pdf``), and writes it atomically with the manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .cli import _parse_date, _warn, pass_state
from .output import file_sha256


def flyer_file_name(commune, fmt: str, print_shop: bool, pdfx: bool) -> str:
    from .generate import slug

    suffix = "-print" if print_shop else ""
    suffix += "-pdfx" if pdfx else ""
    return f"{commune.insee}-{slug(commune.name)}-flyer-{fmt}{suffix}.pdf"


def render_flyer_file(lib, commune, *, facts=None, options=None, fmt: str = "a5", print_shop: bool = False,
                      icc: Path | None = None, logo: Path | None = None, out_dir: Path = Path("motions-out"),
                      force: bool = False):
    """Compose, render and write one flyer; returns (path, FlyerPdf)."""
    from . import __version__
    from .facts import Facts
    from .flyer import FlyerOptions, compose_flyer
    from .generate import digest_payload, options_record, provenance
    from .output import write_outputs
    from .writers.flyer_pdf import library_logo, render_flyer_pdf

    facts = facts or Facts()
    options = options or FlyerOptions()
    flyer = compose_flyer(lib, commune, facts, options, provenance=provenance(lib))
    logo = logo if logo is not None else library_logo(lib)
    result = render_flyer_pdf(flyer, lib.template_dirs, fmt, print_shop=print_shop, icc=icc, logo=logo)
    result.warnings[:0] = list(flyer.warnings)
    name = flyer_file_name(commune, fmt, print_shop, icc is not None)
    payload = {
        "tool": __version__, "library": lib.version, "commune": commune.insee, "format": fmt,
        "print_shop": print_shop, "facts": facts.model_dump(mode="json"),
        "options": options_record(options),
        "icc": _file_hash(icc), "logo": _file_hash(logo),
    }
    inputs = digest_payload(json.dumps(payload, sort_keys=True))
    paths = write_outputs(Path(out_dir), {name: result.data}, force=force, inputs_hash=inputs,
                          extra={"commune": commune.insee, "flyer": fmt})
    return paths[0], result


def _file_hash(path: Path | None) -> str | None:
    return file_sha256(Path(path))[:16] if path and Path(path).is_file() else None


@click.command("flyer")
@click.argument("commune")
@click.option("--arguments", "-a", "argument_ids", metavar="ID,...",
              help="Use exactly these 3 to 5 arguments, in this order (never dropped to fit).")
@click.option("--theme", "themes", multiple=True, help="Draw the arguments from this theme (repeatable).")
@click.option("--motion", "-m", "motion_id", default="biometrie", show_default=True,
              help="The motion whose dispositif the back summarises (see `motions list`).")
@click.option("--format", "-f", "fmt", type=click.Choice(["a5", "a6x4", "a4"]), default="a5", show_default=True,
              help="a5: A5 recto-verso; a6x4: four A6 flyers on A4 sheets, for duplex printing at home; "
                   "a4: one-page poster.")
@click.option("--session-date", metavar="YYYY-MM-DD", help="Date of the council session.")
@click.option("--place", metavar="TEXT", help="Where the session takes place.")
@click.option("--contact", metavar="TEXT", help="How to reach the group (e-mail, phone, address).")
@click.option("--url", metavar="URL", help="Web page the QR code points to.")
@click.option("--group", metavar="NAME", help="The group that hands out the flyer.")
@click.option("--headline", metavar="TEXT",
              help="Your own headline; {a} is « à Villejuif », {de} « de Villejuif », {commune} the name.")
@click.option("--facts", "facts_file", type=click.Path(dir_okay=False),
              help="Local facts file (session date and place, group and contact are taken from it).")
@click.option("--logo", "logo", type=click.Path(dir_okay=False),
              help="A logo image (PNG, JPEG, SVG) on this computer; default: `logo:` in your library.")
@click.option("--print-shop", is_flag=True, help="For a print shop: 3 mm bleed, crop marks, CMYK colours.")
@click.option("--icc", "icc", type=click.Path(dir_okay=False),
              help="With --print-shop: the print shop's CMYK profile (.icc); the PDF is then PDF/X-1a.")
@click.option("--allow-overseas", is_flag=True, help="Draft for an overseas collectivity (COM) anyway.")
@click.option("--output", "-o", "out_dir", default="motions-out", show_default=True,
              type=click.Path(file_okay=False), help="Output folder.")
@click.option("--force", is_flag=True, help="Replace the flyer even if it was edited since motions wrote it.")
@pass_state
def flyer_command(state, commune, argument_ids, themes, motion_id, fmt, session_date, place, contact, url, group,
                  headline, facts_file, logo, print_shop, icc, allow_overseas, out_dir, force):
    """Write a flyer for COMMUNE as a PDF ready to print (name, INSEE code or postal code)."""
    from .communes import lookup
    from .facts import load_facts
    from .flyer import FlyerOptions

    place_ = lookup(commune)
    facts = load_facts(facts_file)
    lib = state.library()
    options = FlyerOptions(
        arguments=tuple(a.strip() for a in (argument_ids or "").split(",") if a.strip()),
        themes=tuple(themes), motion=motion_id, session_date=_parse_date(session_date), place=place,
        contact=contact, url=url, group=group, headline=headline, allow_overseas=allow_overseas,
    )
    path, result = render_flyer_file(lib, place_, facts=facts, options=options, fmt=fmt, print_shop=print_shop,
                                     icc=Path(icc) if icc else None, logo=Path(logo) if logo else None,
                                     out_dir=Path(out_dir), force=force)
    for w in result.warnings:
        _warn(w)
    click.echo(str(path))
