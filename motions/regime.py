"""The regime of a commune: who votes, who decides what, which law applies.

This is where a regime is decided. Paris, the arrondissements of Paris, Lyon
and Marseille (and Marseille's two-arrondissement councils), the communes of
the Métropole de Lyon, Alsace-Moselle, Corsica, the DROM and Mayotte, the
overseas collectivities that have communes, communes nouvelles and small
communes differ in council name, who chairs, who receives the act, who
authorises cameras, convocation delays, the article a vœu rests on, the
applicable data-protection law and the bodies a vœu may address.

One :class:`Regime` record per commune, built by :func:`regime_for` from the
commune data and the rules in ``motions/data/regimes.yaml`` (itself drawn from
``shared/reference/regimes-and-powers.md``, whose section each rule cites).
Templates read the record; no code or template tests a département code.

Rules marked UNVERIFIED in the reference sheet never reach the voted text:
they become :class:`Check` items in the dossier, saying what to check and where.

This module holds the record and :func:`regime_for`; ``motions.regime_rules``
reads and checks the rules file, ``motions.regime_build`` fills the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: The date the rules below were checked against the reference sheets.
LAW_CHECKED = dt.date(2026, 11, 28)


@dataclass(frozen=True)
class Body:
    """An authority a motion names: as addressee of a vœu, receiver of the
    act, or authority over cameras.

    ``name`` is the form in running text with its article ("la Métropole du
    Grand Paris", "le préfet du Val-de-Marne"); ``de`` and ``a`` the forms after
    those prepositions ("de la Métropole du Grand Paris", "au préfet du
    Val-de-Marne"); ``decides`` says, in French, what it decides that concerns
    surveillance (for ``explain``, the dossier and letters); ``basis`` is a
    Pandoc citation of where that is stated, or "".
    """

    id: str
    name: str
    de: str
    a: str
    decides: str = ""
    basis: str = ""
    confidence: str = "confirmed"  # "confirmed" | "likely"


@dataclass(frozen=True)
class Check:
    """A point to check before tabling: uncertain law the text depends on, or
    a local rule we cannot know (the règlement intérieur). Printed in the
    dossier, never in the voted text."""

    what: str  # French: what to check
    where: str  # French: where to check it (a text, an office, a page)
    why: str = ""  # French: why it matters for this motion
    ref: str = ""  # the reference-sheet section the point comes from ("regimes-and-powers §1.4")


@dataclass(frozen=True)
class Convocation:
    """How far ahead the council is convened.

    ``days`` and ``franc`` give the legal delay ("5 jours francs"); ``urgency``
    the shortened delay ("1 jour franc", "la veille"); ``basis`` the Pandoc
    citation of the article; ``practice_days``, when set, a longer delay the
    règlement intérieur is known to use (Paris: 12 jours francs), to be checked.
    """

    days: int
    franc: bool
    urgency: str
    basis: str
    note_de_synthese: bool
    practice_days: int | None = None


@dataclass(frozen=True)
class ForcedSession:
    """The route by which members can force a sitting (CGCT L2121-9, L2541-2).

    ``share`` is "un tiers" or "la majorité"; ``members`` the number of
    members that makes, for this council's legal size (None when the size is
    unknown); ``deadline_days`` the delay the mayor has to convene (30, or
    None when the text sets none).
    """

    share: str
    members: int | None
    deadline_days: int | None
    basis: str


@dataclass(frozen=True)
class DataProtection:
    """Which data-protection and AI law a motion may cite for this territory.

    ``rgpd``, ``directive`` and ``ai_act`` are True where the instrument
    applies as such; where it does not (Saint-Pierre-et-Miquelon, Polynésie
    française), the loi Informatique et Libertés applies and refers to the
    rules in force in metropolitan France. ``visas`` are the visa lines a motion
    uses (Pandoc citations included), in order. ``purpose_clause`` is the
    clause a considérant uses to say which instrument applies, by purpose
    (« selon leur finalité, ces traitements relèvent soit du règlement (UE)
    2016/679, soit de la directive (UE) 2016/680 et du titre III de la loi
    n° 78-17 ... »), citations included, without "Considérant que".
    """

    rgpd: bool
    directive: bool
    lil: bool
    ai_act: bool
    visas: tuple[str, ...]
    purpose_clause: str = ""
    csi: bool = True  # the code de la sécurité intérieure's vidéoprotection title applies as such
    csi_visas: tuple[str, ...] = ()  # the visa lines for it, where it does


@dataclass(frozen=True)
class Regime:
    """Everything about a commune's council that a motion, its dossier and
    the campaign kit depend on. French strings are ready to print (typography
    is applied later by compose)."""

    id: str  # "common", "paris", "paris-arrondissement", "lyon-arrondissement", "marseille-secteur",
    #          "metropole-lyon", "alsace-moselle", "corse", "drom", "spm", "polynesie"...
    label: str  # French, for `communes show`: "droit commun", "Alsace-Moselle (droit local)"...
    council: str  # "le conseil municipal", "le Conseil de Paris", "le conseil des 13e et 14e arrondissements"
    council_title: str  # "Conseil municipal de Villejuif", "Conseil de Paris", "Conseil du 3e arrondissement de Lyon"
    chair: str  # "le maire", "le maire de Paris", "le maire des 13e et 14e arrondissements (7e secteur)"
    members: str  # "conseillères et conseillers municipaux", "conseillères et conseillers de Paris", "... d'arrondissement"
    running_head: str  # "Commune de Villejuif", "Ville de Paris", "Ville de Lyon – 3e arrondissement"
    signed_at: str  # "Villejuif", "Lyon", "Paris": the place in « Fait à … »
    act_recipient: Body  # who receives the act for the contrôle de légalité
    camera_authority: Body  # who authorises vidéoprotection (CSI L252-1, R252-1)
    police_authority: Body  # the mayor (or maire de Paris / préfet de police split), as police authority
    council_size: int | None  # legal number of members (None where unknown)
    population: int  # the population the thresholds use (see population_note)
    population_note: str  # French: which figure and year, and whether it is near a threshold
    convocation: Convocation | None
    reglement_interieur: bool | None  # compulsory here (threshold 1,000; 3,500 in Alsace-Moselle)
    forced_session: ForcedSession | None
    voeu_visas: tuple[str, ...]  # visa lines giving the council's power to adopt this text, with citations
    police_visas: tuple[str, ...]  # visa lines for the mayor's police powers (L2212-1/2 or L2542-2/3)
    data_protection: DataProtection
    bodies: dict[str, Body] = field(default_factory=dict)  # addressable by a vœu: "epci", "transport"...
    can_deliberate: bool = True  # False for arrondissement councils: vœux only
    members_table_deliberations: bool = True  # False where councillors may table only vœux (Paris)
    small: bool = False  # a small commune: the short vœu
    commune_nouvelle: tuple[str, ...] = ()  # names of its communes déléguées, when it has some
    checks: tuple[Check, ...] = ()  # points to check before tabling (dossier)
    notices: tuple[str, ...] = ()  # French sentences for the dossier about this regime
    law_checked: dt.date = LAW_CHECKED
    # -- added with regime_for --------------------------------------------------
    chair_feminine: str = ""  # "la maire", "la maire de Paris": the holder's gender is not ours to know
    fait_a: str = ""  # "Fait à Villejuif", "Fait au Mans", "Fait à Lyon" (for a Lyon arrondissement)
    police_shared_with: Body | None = None  # Paris: the maire de Paris's listed powers; Lyon area: traffic police
    reglement_interieur_from: int | None = None  # population from which the RI is compulsory (1,000; 3,500)
    refs: tuple[str, ...] = ()  # the reference-sheet sections this record rests on
    collectivity: str = "la commune"  # « les crédits de la commune », « de la Ville de Paris »
    territory_de: str = ""  # « de Villejuif », « de Paris Centre », « des 13e et 14e arrondissements de Marseille »
    territory_a: str = ""  # « à Villejuif », « dans les 13e et 14e arrondissements de Marseille »

    @property
    def mayor_holds_police(self) -> bool:
        """Is the mayor of this council's commune (under common or local law)
        its police authority? Not in Paris, where the préfet de police is, nor
        for an arrondissement council, whose city's mayor is."""
        return self.police_authority.id in ("maire", "maire-droit-local")

    @property
    def the_council(self) -> str:
        return self.council

    #: Regimes whose council does not follow the common-law CGCT articles on
    #: vœux and convocation (L2121-29 al. 4, L2121-9): local law, arrondissement
    #: councils (L2511-12), and the extension to Polynésie française (LIKELY only).
    _OWN_COUNCIL_LAW = ("alsace-moselle", "paris-arrondissement", "paris-centre", "lyon-arrondissement",
                        "marseille-secteur", "polynesie")

    #: Territories where a French statute may not apply as such (specialty
    #: principle in Polynésie française; not checked for Saint-Pierre-et-Miquelon).
    _OWN_STATUTE_LAW = ("spm", "polynesie")

    @property
    def features(self) -> frozenset[str]:
        """What holds here, for argument conditions (``applies_when: regime_has``):
        ``deliberation`` (the council can decide, not only wish), ``cgct-common``
        (the common-law articles on vœux and sittings apply), ``cgct-police``
        (the mayor's police rests on L2212-1 and L2212-2), ``rgpd``,
        ``directive``, ``ai-act``, ``csi`` (the instruments apply as such),
        ``fr-law`` (French statutes apply as such: not in Polynésie française,
        not checked for Saint-Pierre-et-Miquelon)."""
        dp = self.data_protection
        found = {"deliberation": self.can_deliberate, "cgct-common": self.id not in self._OWN_COUNCIL_LAW,
                 "cgct-police": self.id != "alsace-moselle",
                 "rgpd": dp.rgpd, "directive": dp.directive, "ai-act": dp.ai_act, "csi": dp.csi,
                 "fr-law": self.id not in self._OWN_STATUTE_LAW, "mayor-police": self.mayor_holds_police}
        return frozenset(k for k, v in found.items() if v)

    def describe(self) -> list[str]:
        """The record as English-labelled lines, for `motions communes show`.

        Values stay in French (they are what the motion prints); labels are
        English like the rest of the CLI. Citations are shown as written.
        """
        lines = [
            f"regime: {self.label} [{self.id}]",
            f"council: {self.council_title} ({self.council}; {_size(self.council_size)})",
            f"chair: {self.chair} / {self.chair_feminine}",
            f"signatories: {self.members}",
            f"running head: {self.running_head}; signed: « {self.fait_a} »",
            f"act goes to: {_body_line(self.act_recipient)}",
            f"cameras authorised by: {_body_line(self.camera_authority)}",
            f"police: {_body_line(self.police_authority)}",
        ]
        if self.police_shared_with is not None:
            lines.append(f"police shared with: {_body_line(self.police_shared_with)}")
        lines += [
            f"population: {self.population:,} — {self.population_note}",
            f"convocation: {_convocation_line(self.convocation)}",
            f"règlement intérieur: {_ri_line(self.reglement_interieur, self.reglement_interieur_from)}",
            f"forced session: {_forced_line(self.forced_session, self.council_size)}",
            f"can deliberate: {'yes' if self.can_deliberate else 'no (vœux only)'}",
            f"small commune: {'yes' if self.small else 'no'}",
        ]
        if self.commune_nouvelle:
            lines.append("communes déléguées: " + ", ".join(self.commune_nouvelle))
        lines.append("vœu basis:")
        lines += [f"  {v}" for v in self.voeu_visas]
        lines.append("police visas:")
        lines += [f"  {v}" for v in self.police_visas]
        dp = self.data_protection
        applies = ", ".join(
            f"{name} {'yes' if flag else 'no'}"
            for name, flag in (("RGPD", dp.rgpd), ("directive 2016/680", dp.directive),
                               ("LIL", dp.lil), ("AI Act", dp.ai_act))
        )
        lines.append(f"data protection: {applies}")
        lines += [f"  {v}" for v in dp.visas]
        if dp.purpose_clause:
            lines.append(f"  considérant: {dp.purpose_clause}")
        lines.append("bodies a vœu may address:")
        lines += [f"  {role}: {_body_line(body)}" for role, body in self.bodies.items()]
        if self.checks:
            lines.append(f"checks ({len(self.checks)}):")
            for c in self.checks:
                lines.append(f"  - {c.what}")
                lines.append(f"    where: {c.where}")
                if c.why:
                    lines.append(f"    why: {c.why}")
        if self.notices:
            lines.append("notices:")
            lines += [f"  - {n}" for n in self.notices]
        lines.append(f"law checked: {self.law_checked.isoformat()}; sources: {'; '.join(self.refs)}")
        return lines


def _size(size: int | None) -> str:
    return f"{size} members" if size else "size not stated"


def _body_line(body: Body) -> str:
    likely = " (likely)" if body.confidence == "likely" else ""
    return f"{body.name}{likely} — {body.decides}" + (f" {body.basis}" if body.basis else "")


def _convocation_line(conv: Convocation | None) -> str:
    if conv is None:
        return "not stated"
    unit = "jour franc" if conv.days == 1 else "jours francs" if conv.franc else "jours"
    text = f"{conv.days} {unit} before the sitting; urgency: {conv.urgency}"
    if conv.note_de_synthese:
        text += "; with a note explicative de synthèse"
    if conv.practice_days:
        text += f"; règlement intérieur practice {conv.practice_days} jours francs (to check)"
    return f"{text} {conv.basis}"


def _ri_line(compulsory: bool | None, threshold: int | None) -> str:
    if compulsory is None:
        return "unknown here (see checks)"
    when = f" (from {threshold:,} inhabitants)" if threshold else ""
    return ("compulsory" if compulsory else "not compulsory") + when


def _forced_line(forced: ForcedSession | None, size: int | None) -> str:
    if forced is None:
        return "no route stated for this council"
    count = f"{forced.members} of {size} members" if forced.members else "number unknown (size not stated)"
    deadline = (f"the mayor convenes within {forced.deadline_days} days" if forced.deadline_days
                else "no deadline set by the text")
    return f"{forced.share} des membres ({count}); {deadline} {forced.basis}"


def regime_for(commune, *, allow_overseas: bool = False, index=None, rules=None) -> Regime:
    """The regime of ``commune`` (a :class:`motions.communes.Commune`).

    Raises :class:`motions.errors.UnsupportedCommune` with a sentence saying why
    for the territories that have no commune or whose communes follow another
    code (New Caledonia, Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, the
    TAAF, Clipperton, the uninhabited villages of the Meuse), and for
    Saint-Pierre-et-Miquelon and French Polynesia unless ``allow_overseas``.
    ``index`` is the :class:`~motions.communes.CommuneIndex` the commune comes
    from (the shipped one by default): a commune nouvelle's communes déléguées
    and the arrondissements of a Paris or Marseille council are read from it.
    ``rules`` are the loaded regime rules (read from the shipped file when
    not given; a caller that builds many regimes passes
    ``Resources.regime_rules``).
    """
    from .regime_build import build

    return build(commune, allow_overseas=allow_overseas, index=index, rules=rules)
