"""The law of council procedure that depends on who the commune is.

Population thresholds (CGCT L2121-2, L2121-8, L2121-11, L2121-12), the special
cases (Paris, Lyon, Marseille and their arrondissements; Alsace-Moselle, whose
councils follow the local-law articles L2541-1 and following; overseas
collectivities, where the CGCT does not apply or applies differently) and the
notices a document must carry. Every statement here comes from
``shared/reference/legal-facts.md`` (sections 1.6, 1.7, 2.1) and is dated by
:data:`LAW_CHECKED`. Where we could not check the law, we say so or refuse:
we never print law that may be wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import UnsupportedCommune

LAW_CHECKED = dt.date(2026, 11, 22)

#: CGCT L2121-2: (population below which, number of councillors)
COUNCIL_SIZE = (
    (100, 7), (500, 11), (1500, 15), (2500, 19), (3500, 23), (5000, 27), (10000, 29),
    (20000, 33), (30000, 35), (40000, 39), (50000, 43), (60000, 45), (80000, 49),
    (100000, 53), (150000, 55), (200000, 59), (250000, 61), (300000, 65),
)
PLM_COUNCIL_SIZE = {"75056": 163, "13055": 101, "69123": 73}
PLM_COUNCIL_NAME = {"75056": "Conseil de Paris"}


def council_size(population: int) -> int:
    for limit, size in COUNCIL_SIZE:
        if population < limit:
            return size
    return 69


@dataclass(frozen=True)
class Regime:
    """What the procedure of this commune's council looks like, as far as we checked."""

    council_name: str  # "conseil municipal", "Conseil de Paris", "conseil d'arrondissement"
    council_full: str  # "Conseil municipal de Villejuif", "Conseil de Paris", "Conseil du 1er arrondissement de Marseille"
    council_size: int | None
    note_de_synthese: bool | None  # None: unknown (local law) -> say nothing
    reglement_interieur: bool | None
    convocation_days: int | None
    alsace_moselle: bool
    arrondissement: bool
    overseas_com: bool
    plm: bool
    law_checked: dt.date
    notices: tuple[str, ...]

    @property
    def the_council(self) -> str:
        """With its article: « le conseil municipal », « le Conseil de Paris »."""
        return "le " + self.council_name

    @property
    def can_deliberate(self) -> bool:
        """An arrondissement council has no power over the commune's cameras."""
        return not self.arrondissement


def regime_for(commune, *, allow_overseas: bool = False) -> Regime:
    """The procedure regime of ``commune``; refuses where the CGCT does not apply."""
    notices: list[str] = []
    pop = commune.population
    insee = commune.insee
    arrondissement = commune.kind == "arrondissement"
    parent_insee = commune.parent_insee if arrondissement else insee
    plm = parent_insee in PLM_COUNCIL_SIZE
    alsace_moselle = commune.departement.code in ("57", "67", "68")
    com = commune.zone == "com"

    if com:
        if not allow_overseas:
            raise UnsupportedCommune(
                f"{commune.name} ({commune.departement.code}) is in an overseas collectivity (COM), where the "
                "CGCT articles this motion cites do not apply, or apply with local rules we have not checked. "
                "We will not print law that may be wrong. Re-run with --allow-overseas to get a draft marked "
                "« à vérifier », and check it against the local code."
            )
        notices.append(
            "Avertissement : cette commune relève d’une collectivité d’outre-mer régie par l’article 74 de la "
            "Constitution ou par un statut propre ; les articles du code général des collectivités territoriales "
            "cités ici peuvent ne pas s’y appliquer ou s’y appliquer avec des adaptations. Texte à vérifier "
            "au regard du droit local avant tout dépôt."
        )
    if alsace_moselle:
        notices.append(
            "Avertissement : commune d’Alsace-Moselle. Le fonctionnement du conseil municipal y relève en "
            "partie du droit local (articles L2541-1 et suivants du code général des collectivités "
            "territoriales) ; les délais de convocation et les seuils de population de la procédure de droit "
            "commun ne sont pas repris ici et doivent être vérifiés au regard du droit local."
        )
    if arrondissement:
        notices.append(
            "Avertissement : un conseil d’arrondissement n’exerce pas les compétences de la commune sur ses "
            "caméras, ses marchés ou sa police municipale. Ce texte lui est présenté comme un vœu ; les mesures "
            "de délibération relèvent du conseil municipal de la commune."
        )

    if plm and not arrondissement:
        council_name = PLM_COUNCIL_NAME.get(insee, "conseil municipal")
        size = PLM_COUNCIL_SIZE[insee]
    elif arrondissement:
        council_name = "conseil d’arrondissement"
        size = None
    else:
        council_name = "conseil municipal"
        size = council_size(pop)

    local_rules_known = not alsace_moselle and not com
    if council_name.startswith("Conseil de"):
        council_full = council_name
    elif arrondissement:
        council_full = f"Conseil {commune.de}"
    else:
        council_full = f"Conseil municipal {commune.de}"
    return Regime(
        council_name=council_name,
        council_full=council_full,
        council_size=size if local_rules_known else None,
        note_de_synthese=(pop >= 3500) if local_rules_known and not arrondissement else None,
        reglement_interieur=(pop >= 1000) if local_rules_known and not arrondissement else None,
        convocation_days=(5 if pop >= 3500 else 3) if local_rules_known and not arrondissement else None,
        alsace_moselle=alsace_moselle,
        arrondissement=arrondissement,
        overseas_com=com,
        plm=plm,
        law_checked=LAW_CHECKED,
        notices=tuple(notices),
    )


def procedure_lines(commune, regime: Regime) -> list[str]:
    """The procedure notes a motion carries, each with the article it follows.

    Text only where the law is known for this commune (see :func:`regime_for`);
    the citations use the library's CGCT source keys.
    """
    from .typography import number_fr

    lines: list[str] = []
    pop = number_fr(commune.population)
    if regime.arrondissement or regime.overseas_com or regime.alsace_moselle:
        return lines
    if regime.note_de_synthese:
        lines.append(
            f"Commune de {pop} habitants : la convocation est adressée cinq jours francs au moins avant "
            "la séance, accompagnée d'une note explicative de synthèse sur les affaires soumises à "
            "délibération [@cgct-l2121-12]. La présente proposition peut y être jointe."
        )
    else:
        lines.append(
            f"Commune de {pop} habitants : la convocation est adressée trois jours francs au moins avant "
            "la séance [@cgct-l2121-11] ; aucune note explicative de synthèse n'est exigée."
        )
    if regime.reglement_interieur:
        lines.append(
            "Le dépôt et l'inscription de la proposition suivent les règles du règlement intérieur du "
            "conseil, obligatoire dans les communes de 1 000 habitants et plus [@cgct-l2121-8]."
        )
    if regime.council_size:
        if regime.plm:
            lines.append(f"Le {regime.council_name} compte {regime.council_size} membres.")
        else:
            lines.append(
                f"Le conseil municipal compte {regime.council_size} membres pour cette population "
                "[@cgct-l2121-2]."
            )
    return lines
