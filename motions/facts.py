"""The user's local facts: what they know about their commune, each with its source.

An optional YAML file (``motions facts new`` writes a commented scaffold). Every
fact given changes the text where it matters; every fact missing leaves clean
text. Each fact carries where it comes from and when, because a council motion
that states a figure must be able to say where the figure comes from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import yamlfiles
from .errors import FactsError


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(default=None, description="Where this comes from (document, page, URL).")
    date: dt.date | None = Field(default=None, description="When it was true or published.")


class Cameras(_Sourced):
    count: int = Field(ge=0, description="Number of public cameras the commune runs.")


class Csu(_Sourced):
    exists: bool = True
    name: str | None = Field(default=None, description="e.g. « centre de supervision urbain »")
    shared_with: str | None = Field(default=None, description="Intercommunal CSU: with whom.")


class PoliceMunicipale(_Sourced):
    exists: bool = True
    agents: int | None = Field(default=None, ge=0)


class Contract(_Sourced):
    vendor: str
    object: str = Field(description="What is bought or lent, e.g. « logiciel d'analyse vidéo »")
    amount_eur: float | None = Field(default=None, ge=0)
    until: dt.date | None = None


class Software(_Sourced):
    exists: bool = True
    vendor: str | None = None
    product: str | None = None


class Project(_Sourced):
    name: str
    description: str | None = None


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    role: str | None = None


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="The presenting group, e.g. « Villejuif en commun »")
    members: list[Member | str] = Field(default_factory=list)
    contact: str | None = None

    def member_names(self) -> list[str]:
        return [m if isinstance(m, str) else m.name for m in self.members]


class Session(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = None
    place: str | None = None


class Facts(BaseModel):
    """Everything a user may tell about the commune; all optional."""

    model_config = ConfigDict(extra="forbid")

    commune: str | None = Field(default=None, description="The commune these facts are about (checked).")
    mayor_title: Literal["le maire", "la maire"] = "le maire"
    session: Session = Field(default_factory=Session)
    group: Group | None = None
    cameras: Cameras | None = None
    csu: Csu | None = None
    police_municipale: PoliceMunicipale | None = None
    contracts: list[Contract] = Field(default_factory=list)
    vsa_software: Software | None = None
    sound_sensors: Software | None = None
    projects: list[Project] = Field(default_factory=list)
    smart_city_project: Project | None = None

    def known(self, name: str) -> bool:
        """Is fact ``name`` known and true? (used by argument conditions)."""
        value = getattr(self, name, None)
        if value is None:
            return False
        if isinstance(value, list):
            return bool(value)
        if hasattr(value, "exists"):
            return bool(value.exists)
        if isinstance(value, Cameras):
            return value.count > 0
        return True

    def used(self) -> list[str]:
        """Names of the facts given (for provenance and ``explain``)."""
        return [n for n in type(self).model_fields if n not in ("commune", "mayor_title") and self.known(n)] + (
            ["session"] if self.session.date or self.session.place else []
        )


def load_facts(path: Path | str | None) -> Facts:
    if path is None:
        return Facts()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FactsError(f"{path}: cannot read the facts file ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise FactsError(f"{path}: the facts file is not UTF-8 text; save it as UTF-8.") from None
    try:
        data = yamlfiles.load(text, path) or {}
    except yamlfiles.YamlSyntaxError as exc:
        raise FactsError(str(exc)) from None
    if not isinstance(data, dict):
        raise FactsError(f"{path}:1: the facts file is a YAML mapping (see `motions facts new`).")
    try:
        return Facts.model_validate(data)
    except ValidationError as exc:
        lines = yamlfiles.line_map(text)
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            problems.append(f"{path}:{yamlfiles.line_of(lines, loc)}: {'.'.join(map(str, loc))}: {err['msg']}")
        raise FactsError("the facts file has problems:\n  " + "\n  ".join(problems)) from None
