"""The user's local facts: what they know about their commune, each with its source.

An optional YAML file (``motions facts new`` writes a commented scaffold,
``motions facts check`` validates one; docs/facts.md lists every field). Every
fact given changes the text where it matters; every fact missing leaves clean
text. Each fact carries where it comes from and when, because a council motion
that states a figure must be able to say where the figure comes from.

A fact with ``exists: false`` is a known absence ("the commune has no CSU"):
:meth:`Facts.known` is false for it, so conditions and clauses that need the
fact stay out, but templates may say that the commune has none.

A facts file is the user's own text, read as plain text and checked before it
reaches a motion (:func:`parse_facts`), each problem with file:line:

- a value holding Pandoc citation syntax (``[@key]``) is refused: the motion
  would turn it into a footnote citing the library's sources (or fail, blamed
  on the template), while the user typed text. Refused rather than escaped:
  a user who types ``[@key]`` wants a citation, which facts can't make (a fact
  cites its ``source``), and printing the brackets in a motion read in council
  would be as wrong;
- a value too long to render, or with a word too long to break
  (:func:`motions.limits.check_text`);
- a date outside ``EARLIEST_DATE``..``LATEST_DATE`` (year 1, year 9999: a typo);
- warnings (:meth:`Facts.warnings`): a contract "in force" whose end date is
  past, a source dated in the future.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from . import yamlfiles
from .errors import FactsError
from .limits import MAX_FACTS_BYTES, MAX_FACTS_FIELD_CHARS, MAX_WORD_CHARS, check_text, read_user_file

#: Dates outside this window are typos (year 1, year 9999), refused with file:line.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

#: What a contract, a project or a vendor's offer is about; templates pick the
#: ones that concern them (a contract on sound sensors shows in the sound motion,
#: not in the one on cameras).
Topic = Literal["video", "vsa", "biometrics", "sound", "drones", "data_platform", "other"]
TOPICS: tuple[str, ...] = Topic.__args__  # type: ignore[attr-defined]


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(
        default=None,
        description="Where this comes from (a document, its page, a URL); printed after the fact.",
    )
    date: dt.date | None = Field(default=None, description="When it was true or published (YYYY-MM-DD).")


class _Topical(_Sourced):
    covers: list[Topic] = Field(
        default_factory=list,
        description="What it is about: video, vsa, biometrics, sound, drones, data_platform, other.",
    )

    def is_about(self, *topics: str, unspecified: bool = False) -> bool:
        if not self.covers:
            return unspecified
        return bool(set(self.covers) & set(topics))


class Cameras(_Sourced):
    count: int = Field(ge=0, description="Number of cameras the commune runs on the public road.")


class Csu(_Sourced):
    exists: bool = Field(default=True, description="false: the commune has no CSU (a known absence).")
    name: str | None = Field(default=None, description="Its name, e.g. « centre de supervision urbain ».")
    shared_with: str | None = Field(default=None, description="Intercommunal CSU: with whom it is shared.")


class PoliceMunicipale(_Sourced):
    exists: bool = Field(default=True, description="false: the commune has no police municipale.")
    agents: int | None = Field(default=None, ge=0, description="Number of agents.")


class Contract(_Topical):
    vendor: str = Field(description="The company, e.g. « Briefcam ».")
    object: str = Field(description="What is bought or lent, e.g. « logiciel d'analyse vidéo ».")
    amount_eur: float | None = Field(default=None, ge=0, description="Amount in euros (tax included).")
    until: dt.date | None = Field(default=None, description="When it ends or must be renewed.")
    reference: str | None = Field(default=None, description="Its number or the délibération that approved it.")


class Software(_Sourced):
    exists: bool = Field(default=True, description="false: the commune has none (a known absence).")
    vendor: str | None = None
    product: str | None = None
    count: int | None = Field(default=None, ge=0, description="How many devices (sensors), if relevant.")
    location: str | None = Field(default=None, description="Where, e.g. « dans le quartier de la gare ».")


class Drones(_Sourced):
    exists: bool = Field(default=True, description="false: the commune has no drone.")
    count: int | None = Field(default=None, ge=0)
    use: str | None = Field(default=None, description="What they are used for, as the commune says.")


class Authorisations(_Sourced):
    systems: int | None = Field(
        default=None, ge=0,
        description="How many vidéoprotection systems the préfet's list authorises in the commune (CSI R252-10).",
    )
    reference: str | None = Field(default=None, description="The prefectoral order or the list's reference.")


class Offer(_Topical):
    vendor: str = Field(description="Who offers, e.g. a company or a foundation.")
    object: str = Field(description="What is offered, e.g. « dix capteurs sonores ».")
    terms: str | None = Field(default=None, description="On what terms, e.g. « prêt gratuit pendant un an ».")


class Project(_Topical):
    name: str = Field(description="The project's name as the commune calls it.")
    description: str | None = Field(default=None, description="One phrase, e.g. « plateforme de pilotage urbain ».")
    vendor: str | None = Field(default=None, description="The company that runs or sells it.")


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


#: Fields that are not facts about the commune's equipment (never "used" facts).
_SETTINGS = ("commune", "mayor_title")


class Facts(BaseModel):
    """Everything a user may tell about the commune; all optional."""

    model_config = ConfigDict(extra="forbid")
    _warnings: list[str] = PrivateAttr(default_factory=list)

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
    drones: Drones | None = None
    prefectoral_authorisations: Authorisations | None = None
    vendor_offer: Offer | None = None
    projects: list[Project] = Field(default_factory=list)
    smart_city_project: Project | None = None

    def known(self, name: str) -> bool:
        """Is fact ``name`` known and true? (used by argument conditions)."""
        value = getattr(self, name, None)
        if value is None:
            return False
        if isinstance(value, list):
            return bool(value)
        if isinstance(value, Session):
            return bool(value.date or value.place)
        if hasattr(value, "exists"):
            return bool(value.exists)
        if isinstance(value, Cameras):
            return value.count > 0
        return True

    def absent(self, name: str) -> bool:
        """Does the user say the commune has none (``exists: false``, or 0 cameras)?"""
        value = getattr(self, name, None)
        if value is None:
            return False
        if hasattr(value, "exists"):
            return not value.exists
        if isinstance(value, Cameras):
            return value.count == 0
        return False

    def used(self) -> list[str]:
        """Names of the facts given (for provenance and ``explain``)."""
        return [n for n in type(self).model_fields if n not in _SETTINGS and self.known(n)]

    def contracts_on(self, *topics: str, unspecified: bool = False) -> list[Contract]:
        """The contracts about any of ``topics``; those that say nothing count if ``unspecified``."""
        return [c for c in self.contracts if c.is_about(*topics, unspecified=unspecified)]

    def projects_on(self, *topics: str, unspecified: bool = False) -> list[Project]:
        return [p for p in self.projects if p.is_about(*topics, unspecified=unspecified)]

    def offer_on(self, *topics: str, unspecified: bool = False) -> Offer | None:
        """The vendor's offer if it is about one of ``topics``."""
        offer = self.vendor_offer
        return offer if offer is not None and offer.is_about(*topics, unspecified=unspecified) else None

    def unsourced(self) -> list[str]:
        """Dotted names of the facts given without a source or a date (for ``facts check``)."""
        out = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if isinstance(item, _Sourced):
                    where = f"{name}.{i}" if isinstance(value, list) else name
                    missing = [k for k in ("source", "date") if getattr(item, k) is None]
                    if missing:
                        out.append(f"{where}: no {' and no '.join(missing)}")
        return out

    def warnings(self) -> list[str]:
        """What :func:`parse_facts` found worth a warning (file:line: ...)."""
        return list(self._warnings)

    def commune_mismatch(self, commune, index=None) -> str | None:
        """A sentence if these facts name another commune than ``commune``, else None.

        ``commune:`` is resolved as a query ("Villejuif (94)", as the scaffold
        writes it, "94076", "insee:13001"); a commune déléguée counts as its
        commune nouvelle. A name the lookup can't settle (ambiguous) is compared
        by name only.
        """
        if not self.commune:
            return None
        from .communes import name_key, resolve
        from .errors import MotionsError

        home = {commune.insee, commune.parent_insee} - {None}
        try:
            if resolve(self.commune, index).commune.insee in home:
                return None
            same_name = False
        except MotionsError:
            wanted = name_key(self.commune.split("(")[0])
            same_name = wanted in {name_key(commune.name), name_key(commune.display_name)}
        if same_name:
            return None
        shown = self.commune if len(self.commune) <= 60 else self.commune[:60] + "…"
        return (f"the facts file is about « {shown} », not {commune.label}; "
                "check that you gave the right file with --facts.")


FIELD_NAMES: tuple[str, ...] = tuple(Facts.model_fields)


def _problems(exc: ValidationError, path: Path, text: str) -> list[str]:
    lines = yamlfiles.line_map(text)
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        # pydantic reports union members (Member | str) as extra path items; keep the readable part
        loc = tuple(x for x in loc if x not in ("Member", "str"))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            parent = _model_at(loc[:-1])
            known = list(parent.model_fields) if parent is not None else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            msg = f"unknown field '{loc[-1]}'" + (f"; did you mean '{close[0]}'?" if close else
                                                   f"; the fields here are: {', '.join(known)}")
        problems.append(f"{path}:{yamlfiles.line_of(lines, loc)}: {'.'.join(map(str, loc))}: {msg}")
    return problems


def _model_at(loc: tuple):
    """The pydantic model that a location path points into (for 'did you mean')."""
    model = Facts
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        ann = field.annotation
        inner = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not inner:
            for a in getattr(ann, "__args__", ()):
                inner += [b for b in getattr(a, "__args__", ()) if isinstance(b, type) and issubclass(b, BaseModel)]
        if not inner:
            return None
        model = inner[0]
    return model


def _values(value, loc: tuple = ()):
    """Every (location, leaf value) of a dumped model, locations as YAML key paths."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values(item, loc + (i,))
    else:
        yield loc, value


def _citation_in(value: str) -> str | None:
    """The citation-like text in a value, if any (parsed by the one citation parser)."""
    from . import citations

    m = citations.CLUSTER_AT.search(value) or citations.SUSPECT.search(value)
    return m.group(0) if m else None


def _content_problems(facts: Facts) -> list[tuple[tuple, str]]:
    """(location, sentence) for each value that is not plain, renderable text or
    a plausible date."""
    found = []
    for loc, value in _values(facts.model_dump(exclude_defaults=True)):
        if isinstance(value, str):
            cite = _citation_in(value)
            if cite:
                found.append((loc, f"« {cite[:40]} » is citation syntax, and a facts value is plain text; "
                                   "say where the fact comes from in its `source:` field instead"))
            too_long = check_text(value, MAX_FACTS_FIELD_CHARS, MAX_WORD_CHARS)
            if too_long:
                found.append((loc, too_long))
        elif isinstance(value, dt.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
            found.append((loc, f"the date {value.isoformat()} can't be right (a typo in the year?); "
                               f"write a date between {EARLIEST_DATE.year} and {LATEST_DATE.year} as YYYY-MM-DD"))
    return found


def _content_warnings(facts: Facts, today: dt.date) -> list[tuple[tuple, str]]:
    found = []
    for i, contract in enumerate(facts.contracts):
        if contract.until is not None and contract.until < today:
            found.append((("contracts", i, "until"),
                          f"this contract ended on {contract.until.isoformat()}, yet the motions present contracts "
                          "as in force; remove it, or give its new end date"))
    for loc, value in _values(facts.model_dump(exclude_defaults=True)):
        if loc and loc[-1] == "date" and loc[0] != "session" and isinstance(value, dt.date) and value > today:
            found.append((loc, f"the source is dated {value.isoformat()}, in the future; check the year"))
    return found


def parse_facts(text: str, path: Path | str, today: dt.date | None = None) -> Facts:
    """Validate the text of a facts file; raise :class:`FactsError` listing every
    problem with file:line. Warnings (file:line: warning: ...) are kept on the
    result: :meth:`Facts.warnings`. ``today`` is for the tests."""
    path = Path(path)
    try:
        data = yamlfiles.load(text, path) or {}
    except yamlfiles.YamlSyntaxError as exc:
        raise FactsError(str(exc)) from None
    if not isinstance(data, dict):
        raise FactsError(f"{path}:1: the facts file is a YAML mapping (see `motions facts new`).")
    try:
        facts = Facts.model_validate(data)
    except ValidationError as exc:
        raise FactsError("the facts file has problems:\n  " + "\n  ".join(_problems(exc, path, text))) from None
    problems = _content_problems(facts)
    warnings = _content_warnings(facts, today or dt.date.today())
    if problems or warnings:
        lines = yamlfiles.line_map(text)
        where = lambda loc: f"{path}:{yamlfiles.line_of(lines, loc)}: {'.'.join(map(str, loc))}"  # noqa: E731
        if problems:
            raise FactsError("the facts file has problems:\n  "
                             + "\n  ".join(f"{where(loc)}: {msg}" for loc, msg in problems))
        facts._warnings = [f"{where(loc)}: {msg}" for loc, msg in warnings]
    return facts


def load_facts(path: Path | str | None, today: dt.date | None = None) -> Facts:
    """Read and check a facts file: a regular file of at most ``MAX_FACTS_BYTES``
    (``/dev/zero``, a FIFO or a folder are refused with a sentence)."""
    if path is None:
        return Facts()
    text = read_user_file(path, "facts file", MAX_FACTS_BYTES, FactsError)
    return parse_facts(text, Path(path), today)
