"""A visitor's draft: the commune, the motion, the chosen arguments, the facts.

Everything a draft is lives in the page's address (``?commune=94076&motion=
biometrie&arguments=a,b&f.cameras.count=42``), so that a group can bookmark
it, send it to a member, or come back to it; nothing is kept on the server
(hosted mode serves many visitors and remembers none). The same draft can be
saved as a small JSON file and opened again (:func:`to_json`, :func:`from_json`).

Every value is checked on the way in: the commune is an INSEE code the index
holds, ids match the library's id pattern, facts fields are those of the
facts form, sizes are bounded. A wrong value is a :class:`BadDraft` with a
French sentence, never a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from .. import communes
from ..schema import ID_PATTERN
from . import facts_form

MAX_ARGUMENTS = 30
MAX_JSON_BYTES = 64 * 1024
JSON_FORMAT = "motions-projet"
JSON_VERSION = 1
_ID = re.compile(ID_PATTERN)
_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")


class BadDraft(ValueError):
    """The address or the file does not describe a draft; the message is French."""


@dataclass(frozen=True)
class Draft:
    commune: str  # INSEE code
    motion: str = "biometrie"
    arguments: tuple[str, ...] = ()  # empty: the template's own selection
    facts: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def place(self) -> communes.Commune:
        from .app import commune

        return commune(self.commune)

    def pairs(self, *, facts: bool = True) -> list[tuple[str, str]]:
        out = [("commune", self.commune), ("motion", self.motion)]
        if self.arguments:
            out.append(("arguments", ",".join(self.arguments)))
        if facts:
            out += facts_form.flatten(self.facts)
        return out

    def query(self, **extra) -> str:
        """The query string of this draft (``extra`` pairs appended)."""
        return urlencode(self.pairs() + [(k, v) for k, v in extra.items() if v is not None])

    def replace(self, **changes) -> "Draft":
        from dataclasses import replace

        return replace(self, **changes)


def commune_code(value: str | None) -> str:
    code = (value or "").strip().upper()
    if not _INSEE.match(code):
        raise BadDraft("L’adresse ne désigne pas de commune : recommencez depuis l’accueil.")
    from .app import commune

    try:
        commune(code)
    except KeyError:
        raise BadDraft(f"Aucune commune n’a le code INSEE {code} : recommencez depuis l’accueil.") from None
    return code


def ids(value: str | None, what: str = "argument") -> tuple[str, ...]:
    items = tuple(dict.fromkeys(a.strip() for a in (value or "").split(",") if a.strip()))
    if len(items) > MAX_ARGUMENTS:
        raise BadDraft(f"Un texte compte au plus {MAX_ARGUMENTS} arguments.")
    for item in items:
        if not _ID.match(item) or len(item) > 100:
            raise BadDraft(f"« {item[:40]} » n’est pas un identifiant d’{what}.")
    return items


def from_args(args) -> Draft:
    """The draft an address describes (``args``: the request's query, a MultiDict)."""
    motion = (args.get("motion") or "biometrie").strip()
    if not _ID.match(motion) or len(motion) > 100:
        raise BadDraft("L’adresse ne désigne pas de texte du catalogue.")
    return Draft(commune_code(args.get("commune")), motion, ids(args.get("arguments")),
                 facts_form.data_from_form(args))


def to_json(draft: Draft) -> str:
    """The draft as a small JSON file a group can keep and open again."""
    place = draft.place
    return json.dumps({
        "format": JSON_FORMAT, "version": JSON_VERSION,
        "commune": draft.commune, "commune_nom": place.label,
        "motion": draft.motion, "arguments": list(draft.arguments), "faits": draft.facts,
    }, ensure_ascii=False, indent=2) + "\n"


def from_json(data: bytes) -> Draft:
    """A draft from a saved file, checked as an address is."""
    if len(data) > MAX_JSON_BYTES:
        raise BadDraft(f"Ce fichier dépasse {MAX_JSON_BYTES // 1024} Ko : ce n’est pas un projet enregistré ici.")
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadDraft("Ce fichier n’est pas un projet enregistré ici (il n’est pas en JSON).") from None
    if not isinstance(obj, dict) or obj.get("format") != JSON_FORMAT:
        raise BadDraft("Ce fichier n’est pas un projet enregistré ici.")
    arguments = obj.get("arguments") or []
    facts = obj.get("faits") or {}
    if not isinstance(arguments, list) or not all(isinstance(a, str) for a in arguments) or not isinstance(facts, dict):
        raise BadDraft("Ce fichier de projet est abîmé (arguments ou faits illisibles).")
    args = MultiDict([("commune", str(obj.get("commune") or "")), ("motion", str(obj.get("motion") or "")),
                      ("arguments", ",".join(arguments))] + facts_form.flatten(facts))
    return from_args(args)
