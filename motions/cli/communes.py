"""``motions communes``: find a commune and see what the motions will say about it.

Users check here, before drafting, that their commune is the one they mean and
that its French forms, EPCI and EPT are right. The interface is in English; the
data and the French forms are printed as they will appear in documents.
"""

from __future__ import annotations

import click

from .. import communes as data
from ..errors import CommuneNotFound, UnsupportedCommune

_ZONES = {
    "metro": "metro (metropolitan France)",
    "drom": "drom (overseas département and région)",
    "com": "com (overseas collectivity: the CGCT mostly does not apply)",
}


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@click.group("communes")
def communes() -> None:
    """Find French communes and show their names, forms and groupings."""


@communes.command("search")
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 500), help="Most rows to print.")
def search_command(text: tuple[str, ...], limit: int) -> None:
    """Print the communes matching TEXT (a name, part of a name, an INSEE or postal code), best first."""
    query = " ".join(text)
    found = data.search(query, limit)
    if not found:
        raise CommuneNotFound(f"No commune matches \"{query}\": try fewer letters, or the postal code.")
    rows = [
        (
            c.display_name,
            c.departement.code,
            c.insee,
            _thousands(c.population),
            c.epci.display_name if c.epci else "—",
        )
        for c in found
    ]
    headers = ("Name", "Dept", "INSEE", "Population", "EPCI")
    rows = [(_cut(r[0], 40), r[1], r[2], r[3], _cut(r[4], 60)) for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = {3}

    def fmt(cells) -> str:
        return "  ".join(
            (cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])) for i, cell in enumerate(cells)
        ).rstrip()

    click.echo(fmt(headers))
    click.echo(fmt(["-" * w for w in widths]))
    for r in rows:
        click.echo(fmt(r))


def _group(obj) -> str:
    if obj is None:
        return "none"
    return f"{obj.display_name} ({obj.kind_label}, SIREN {obj.code}); {obj.de}"


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


@communes.command("show")
@click.argument("commune", nargs=-1, required=True)
@click.option("--allow-overseas", is_flag=True, help="Show the regime of Saint-Pierre-et-Miquelon or Polynésie française.")
def show_command(commune: tuple[str, ...], allow_overseas: bool) -> None:
    """Print everything known about COMMUNE, and the regime its council follows."""
    from .options import resolve_commune

    index = data.load()
    c = resolve_commune(" ".join(commune), index)
    dep, reg = c.departement, c.region
    lines = [
        ("Name", c.name),
        ("Display name", c.display_name),
        ("INSEE code", c.insee),
        ("Kind", c.kind),
        ("TNCC", str(c.tncc)),
        ("Without article", c.nom_sans_article),
        ("As subject", c.le),
        ("de / à", f"{c.de} / {c.a}"),
        ("Département", f"{dep.name} ({dep.code}); {dep.le}, {dep.de}, {dep.dans}"),
        ("Région", f"{reg.name} ({reg.code}); {reg.le}, {reg.de}, {reg.dans}"),
        ("EPCI", _group(c.epci)),
        ("EPT", _group(c.ept)),
        ("Métropole", c.metropole.display_name if c.metropole else "none"),
        ("Population", _thousands(c.population)),
        ("Postal codes", ", ".join(c.postal_codes) or "none"),
        ("Zone", _ZONES.get(c.zone, c.zone)),
        ("Overseas", _yes_no(c.is_overseas)),
        ("Alsace-Moselle", _yes_no(c.is_alsace_moselle)),
    ]
    if c.is_arrondissement:
        parent = index.get(c.parent_insee)
        lines.append(("Arrondissement", f"yes, of {parent.label} (INSEE {parent.insee})"))
    else:
        arrs = [a for a in index.all_communes("arrondissement") if a.parent_insee == c.insee]
        if arrs:
            lines.append(
                ("Arrondissements", f"{len(arrs)}, INSEE {arrs[0].insee} to {arrs[-1].insee}, e.g. \"{c.name} 1er\"")
            )
        else:
            lines.append(("Arrondissement", "no"))
    prov = index.provenance
    lines.append(("Data", f"{prov.get('source')} {prov.get('version')}, built {prov.get('built')}"))
    width = max(len(k) for k, _ in lines)
    click.echo(c.label)
    for key, value in lines:
        click.echo(f"  {key.ljust(width)}  {value}")
    click.echo("")
    click.echo("Regime (who votes, who decides, which law applies):")
    from ..regime import regime_for

    try:
        regime = regime_for(c, allow_overseas=allow_overseas, index=index)
    except UnsupportedCommune as exc:
        click.echo(f"  {exc.format_message()}")
        return
    try:
        for line in regime.describe():
            click.echo(f"  {line}")
    except NotImplementedError:
        click.echo(f"  {regime.council_title}")
