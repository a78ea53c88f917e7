"""Finding the commune a visitor means: suggestions while typing, and the
choice between homonyms, codes and misspellings, in French.

``motions.communes.search`` ranks well but builds a Commune for every name
sharing a prefix: « sain » makes four thousand of them (about 150 ms). A
visitor's suggestions must come in under 50 ms, so :class:`SuggestionIndex`
keeps, once per application (on its :class:`Finder`), a sorted list of (name key, population, INSEE code)
and only makes the few communes it shows; misspellings and codes still go to
``communes.search`` (fuzzy matching, postal codes), which is the one authority
on what a query means. Resolution is ``communes.resolve``; its English
messages are for the CLI, so the candidates shown here are recomputed and
described in French.
"""

from __future__ import annotations

import bisect
import heapq
import re
import threading
from dataclasses import dataclass, field

from .. import communes
from ..errors import AmbiguousCommune, CommuneNotFound, MotionsError

MAX_SUGGESTIONS = 8
MAX_CANDIDATES = 30


class SuggestionIndex:
    """Name keys of every commune and arrondissement, sorted, for prefix search."""

    def __init__(self, index: communes.CommuneIndex):
        self.index = index
        self._rows: list[tuple[str, int, str, bool]] | None = None  # key, population, INSEE, the name itself
        self._keys: list[str] = []
        self._lock = threading.Lock()

    def build(self) -> None:
        with self._lock:
            if self._rows is not None:
                return
            rows = []
            for c in self.index.all_communes(None):
                own = communes.name_key(c.name)
                keys = {communes.name_key(c.nom_sans_article)}
                if c.is_arrondissement:
                    keys.add(communes.name_key(c.display_name))
                rows.append((own, c.population, c.insee, True))
                rows += [(k, c.population, c.insee, False) for k in keys - {own} if k]
            rows.sort()
            self._keys = [r[0] for r in rows]
            self._rows = rows

    def prefix(self, key: str, limit: int) -> list[str]:
        """INSEE codes of the most populous communes whose name starts with ``key``;
        an exact name first."""
        self.build()
        lo = bisect.bisect_left(self._keys, key)
        hi = bisect.bisect_left(self._keys, key + "\uffff")
        rows = self._rows[lo:hi]
        exact = sorted((r for r in rows if r[0] == key and r[3]), key=lambda r: -r[1])  # « Saint » is not « Le Saint »
        best = heapq.nlargest(limit + len(exact), rows, key=lambda r: r[1])
        out: list[str] = []
        for r in exact + best:
            if r[2] not in out:
                out.append(r[2])
        return out[:limit]


_CODE = re.compile(r"^\s*(?:(?:insee|cp)\s*:\s*)?\d[0-9AB]\d{2,3}\s*$", re.I)


class Finder:
    """The application's way to find communes: the commune index (the
    Resources' one) and the suggestion index built over it."""

    def __init__(self, index: communes.CommuneIndex):
        self.index = index
        self.suggestions = SuggestionIndex(index)

    def suggest(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[communes.Commune]:
        return suggest(self, text, limit)

    def choose(self, query: str) -> "Choice":
        return choose(self, query)


def suggest(finder: Finder, text: str, limit: int = MAX_SUGGESTIONS) -> list[communes.Commune]:
    """What to propose while the visitor types: prefixes first, then the
    nearest names (a misspelling), then codes. Never raises for odd input."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    try:
        if _CODE.match(text) or "(" in text or "," in text:
            return finder.index.search(text, limit)
        key = communes.name_key(text)
        if not key:
            return []
        found = [finder.index.get(code) for code in finder.suggestions.prefix(key, limit)]
        if len(found) < limit:
            seen = {c.insee for c in found}
            found += [c for c in finder.index.search(text, limit) if c.insee not in seen]
        return found[:limit]
    except MotionsError:
        return []


# --------------------------------------------------------------------------- resolution, in French


@dataclass
class Choice:
    """What a query leads to: one commune (``commune``), or a list to choose
    from with a French sentence saying why (``message``)."""

    query: str
    commune: communes.Commune | None = None
    notices: tuple[str, ...] = ()
    message: str = ""
    candidates: list[communes.Commune] = field(default_factory=list)
    code_readings: list[tuple[str, communes.Commune, str]] = field(default_factory=list)


def choose(finder: Finder, query: str) -> Choice:
    """Resolve what the visitor typed. A clean match gives the commune; a name
    shared by several communes, a code that is both an INSEE and a postal code,
    or a name that matches nothing give candidates and a sentence."""
    q = " ".join((query or "").split())
    if not q:
        return Choice(q, message="Tapez le nom d’une commune, son code postal ou son code INSEE.")
    try:
        found = finder.index.resolve(q)
    except AmbiguousCommune:
        return _ambiguous(finder.index, q)
    except CommuneNotFound:
        return _not_found(finder.index, q)
    except MotionsError:
        return Choice(q, message="Ce texte ne peut pas être le nom d’une commune : n’utilisez que des lettres, "
                                 "des chiffres, des espaces, des traits d’union et des apostrophes.")
    if found.notices:
        return _prominent(finder.index, q, found)
    return Choice(q, commune=found.commune)


def _ambiguous(index, q: str) -> Choice:
    code = q.replace(" ", "").upper()
    if re.fullmatch(r"\d[0-9AB]\d{3}", code):
        readings = []
        try:
            readings.append(("insee:" + code, index.resolve("insee:" + code).commune, "code INSEE"))
        except MotionsError:
            pass
        served = [c for c in index.search(code, MAX_CANDIDATES) if c.insee != code]
        readings += [(c.insee, c, "code postal") for c in served]
        return Choice(q, message=f"{code} est à la fois un code INSEE et un code postal, de communes différentes. "
                                 "Choisissez celle que vous voulez.", code_readings=readings,
                      candidates=[c for _, c, _ in readings])
    same = _same_name(index, q)
    if len(same) > 1:
        msg = f"{len(same)} communes portent le nom « {q} ». Choisissez la vôtre d’après son département."
    else:
        msg = f"Plusieurs communes correspondent à « {q} ». Choisissez la vôtre."
        same = index.search(q, MAX_CANDIDATES)
    return Choice(q, message=msg, candidates=same)


def _same_name(index, q: str) -> list[communes.Commune]:
    key = communes.name_key(q.split("(")[0])
    found = [c for c in index.search(q, MAX_CANDIDATES) if communes.name_key(c.name) == key]
    return sorted(found, key=lambda c: (c.departement.code.zfill(3), c.insee))


def _not_found(index, q: str) -> Choice:
    near = index.search(q, 8)
    if near:
        return Choice(q, message=f"Aucune commune ne s’appelle « {q} ». Vouliez-vous dire :", candidates=near)
    return Choice(q, message=f"Aucune commune ne s’appelle « {q} », ni rien d’approchant. Vérifiez l’orthographe, "
                             "ou tapez le code postal (par exemple 94800) ou le code INSEE.")


def _prominent(index, q: str, found: communes.Resolution) -> Choice:
    """A name taken for its prominent homonym: the commune, and the others."""
    others = [c for c in _same_name(index, q) if c.insee != found.commune.insee]
    msg = (f"Nous avons retenu {found.commune.display_name} ({found.commune.departement.name}), la plus peuplée "
           f"des communes nommées « {q} ». Si vous pensiez à une autre, choisissez-la ci-dessous.")
    return Choice(q, commune=found.commune, notices=found.notices, message=msg,
                  candidates=[found.commune] + others)


def describe(c: communes.Commune) -> str:
    """« Villejuif — Val-de-Marne (94), 55 490 habitants »."""
    pop = f"{c.population:,}".replace(",", "\u202f")
    return f"{c.display_name} — {c.departement.name} ({c.departement.code}), {pop} habitants"
