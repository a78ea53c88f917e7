"""The schema of argument files, as pydantic models.

These models validate every argument file when the library loads, and the JSON
Schema that editors use (``motions schema``) is generated from them, so the two
can never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SHORT_MAX_CHARS = 280
PARAGRAPH_MIN_WORDS = 60
PARAGRAPH_MAX_WORDS = 200

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

#: Names of the local facts that a condition may require (see ``motions.facts``).
FACT_NAMES = (
    "cameras",
    "csu",
    "police_municipale",
    "contracts",
    "vsa_software",
    "sound_sensors",
    "projects",
    "smart_city_project",
    "drones",
    "prefectoral_authorisations",
    "vendor_offer",
)

CommuneFeature = Literal["epci", "ept", "metropole"]
#: What the regime of a commune offers (``motions.regime.Regime.features``).
RegimeFeature = Literal["deliberation", "cgct-common", "cgct-police", "rgpd", "directive", "ai-act", "csi",
                        "fr-law", "mayor-police"]
Zone = Literal["metro", "drom", "com"]


class Condition(BaseModel):
    """When an argument or clause applies. Every field given must hold.

    Example, in YAML::

        applies_when:
          facts: [csu]            # only where the user says the commune runs a CSU
          min_population: 3500
    """

    model_config = ConfigDict(extra="forbid")

    facts: list[Literal[FACT_NAMES]] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Local facts that must be known and true (see the facts file).",
    )
    commune_has: list[CommuneFeature] = Field(
        default_factory=list,
        description="Features the commune must have: an EPCI, an EPT, a métropole.",
    )
    min_population: int | None = Field(default=None, ge=0)
    max_population: int | None = Field(default=None, ge=0)
    zones: list[Zone] = Field(
        default_factory=list, description="Zones where it applies (metro, drom, com); empty means all."
    )
    regime_has: list[RegimeFeature] = Field(
        default_factory=list,
        description="What the commune's regime must offer: deliberation (not an arrondissement council), "
                    "cgct-common (the common-law CGCT rules on vœux and sittings; not Alsace-Moselle), rgpd, "
                    "directive, ai-act, csi (the instrument applies as such; not in Saint-Pierre-et-Miquelon "
                    "or Polynésie française), fr-law (French statutes apply as such: not in Polynésie "
                    "française, not checked for Saint-Pierre-et-Miquelon).",
    )

    def describe(self) -> str:
        """The condition in one English line, for ``motions explain``."""
        parts = []
        if self.facts:
            parts.append("facts known: " + ", ".join(self.facts))
        if self.commune_has:
            parts.append("commune has: " + ", ".join(self.commune_has))
        if self.min_population is not None:
            parts.append(f"population >= {self.min_population}")
        if self.max_population is not None:
            parts.append(f"population <= {self.max_population}")
        if self.zones:
            parts.append("zone in: " + ", ".join(self.zones))
        if self.regime_has:
            parts.append("regime has: " + ", ".join(self.regime_has))
        return "; ".join(parts) or "always"


#: What a source is, for deciding where it may be cited: a considérant or a
#: visa rests on the first four kinds; campaign pages and essays may inform the
#: exposé des motifs, attributed, and never carry a fact alone. Recorded in a
#: CSL item's ``custom.kind``.
SOURCE_KINDS = ("legislation", "court", "authority", "academic", "press", "campaign", "essay")
AUTHORITATIVE_KINDS = ("legislation", "court", "authority", "academic")


class Place(BaseModel):
    """Where a local argument belongs. A local argument is used only in the
    communes it names (or those of the EPCI, département or région it names),
    and ranked first there. Codes are INSEE codes (communes, départements,
    régions) and SIREN numbers (EPCI)."""

    model_config = ConfigDict(extra="forbid")

    communes: list[str] = Field(default_factory=list, description="INSEE codes, e.g. 94076 for Villejuif.")
    epci: list[str] = Field(default_factory=list, description="SIREN numbers of EPCI.")
    departements: list[str] = Field(default_factory=list, description="Département codes, e.g. 06, 2A, 974.")
    regions: list[str] = Field(default_factory=list, description="Région codes, e.g. 93.")

    def describe(self) -> str:
        parts = []
        for label, values in (("communes", self.communes), ("EPCI", self.epci),
                              ("départements", self.departements), ("régions", self.regions)):
            if values:
                parts.append(f"{label} {', '.join(values)}")
        return "; ".join(parts) or "nowhere"


class Claim(BaseModel):
    """One factual or legal statement an argument makes, and what it rests on.

    ``cite`` is a Pandoc citation with its locator (``[@key, p. 70]``);
    ``quote``, when given, is the source's own words, which the check looks for
    in the source's stored excerpt; ``true_on`` is the date a legal statement
    was true (the state of the law it describes)."""

    model_config = ConfigDict(extra="forbid")

    claim: str = Field(min_length=5, description="The statement, in French, in one sentence.")
    cite: str = Field(description="The source and locator it rests on: [@key, p. 3].")
    quote: str | None = Field(default=None, description="The source's exact words, if the argument quotes it.")
    true_on: dt.date | None = Field(default=None, description="For a legal statement: the date it was true.")


class Argument(BaseModel):
    """One argument of the library, in the three forms a motion and a flyer need."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN, description="Stable identifier, lowercase with hyphens.")
    kind: Literal["argument", "rebuttal"] = Field(
        default="argument", description="'rebuttal' for an answer to an objection."
    )
    title: str = Field(min_length=3, description="A one-line title, in French.")
    objection: str | None = Field(
        default=None, description="For a rebuttal: the claim it answers, in French."
    )
    themes: list[str] = Field(min_length=1, description="Theme ids, from themes.yaml.")
    short: str = Field(
        min_length=10,
        description=f"Flyer form: at most {SHORT_MAX_CHARS} characters (citations not counted).",
    )
    considerant: str = Field(
        min_length=20, description="One clause of a motion, beginning with 'Considérant que'."
    )
    paragraph: str = Field(
        min_length=20,
        description=f"Exposé des motifs form: {PARAGRAPH_MIN_WORDS} to {PARAGRAPH_MAX_WORDS} words.",
    )
    checked: dt.date = Field(description="The date the facts and law stated were last checked.")
    applies_when: Condition | None = Field(
        default=None, description="Only include where this holds; omit when it always applies."
    )
    place: Place | None = Field(
        default=None,
        description="A local argument: used only in these places, and ranked first there.",
    )
    point: str | None = Field(
        default=None, pattern=ID_PATTERN,
        description="The point it makes (an id); a motion never carries two arguments on the same point.",
    )
    answers: list[str] = Field(
        default_factory=list,
        description="Objections it answers (ids such as securite, dissuasion): motions require some.",
    )
    claims: list[Claim] = Field(
        default_factory=list,
        description="Each factual or legal statement, with the source and locator it rests on.",
    )
    notes: str | None = Field(default=None, description="Editors' notes; never printed.")

    @field_validator("title", "short", "considerant", "paragraph", "objection")
    @classmethod
    def _fold(cls, value: str | None) -> str | None:
        return " ".join(value.split()) if value is not None else None

    @model_validator(mode="after")
    def _rebuttal_has_objection(self) -> Argument:
        if self.kind == "rebuttal" and not self.objection:
            raise ValueError("a rebuttal needs an 'objection': the claim it answers")
        return self


def argument_json_schema() -> dict:
    """JSON Schema for argument files, generated from :class:`Argument`."""
    schema = Argument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "motions argument file"
    return schema
