"""French communes: who they are, how to name them in French, how to find them.

The data is INSEE's Code officiel géographique as packaged by
``@etalab/decoupage-administratif`` (see ``DATA_PROVENANCE``). It is shipped in
``motions/data/communes.tsv``, built by ``scripts/build_communes.py``; this
module never reads the source folder, so the program works offline and gives the
same answer on every machine.

Speed matters because every command resolves a commune first: loading reads one
plain UTF-8 file and indexes nothing, as its sections are sorted and searched by
bisection; ``Commune`` objects are only made when asked for, and rapidfuzz is
only imported for "did you mean".

French forms. INSEE's TNCC ("type de nom en clair", field ``tncc``) says which
article a name carries and so how to join it: for communes the name keeps its
article ("Le Mans", TNCC 2, gives "du Mans" and "au Mans"); for départements and
régions the name has no article and TNCC says which one to add ("Val-de-Marne",
TNCC 2, gives "le Val-de-Marne", "du Val-de-Marne").
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

# Imports are kept to what a lookup needs: no typing or pathlib (a few ms each
# at start-up), and motions.errors (which imports click) only when raising.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

#: Paths of the shipped data, as strings.
DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
DATA_FILE = os.path.join(DATA_DIR, "communes.tsv")
META_FILE = os.path.join(DATA_DIR, "communes.meta.json")

__all__ = [
    "Area",
    "Intercommunality",
    "Commune",
    "CommuneIndex",
    "Resolution",
    "DATA_PROVENANCE",
    "load",
    "lookup",
    "resolve",
    "search",
    "get",
    "all_communes",
    "by_departement",
    "by_region",
    "by_epci",
    "name_key",
]

# --------------------------------------------------------------------------
# Normalisation of names, shared with scripts/build_communes.py so that the keys
# stored in the data file and the keys computed from a query always agree.
# --------------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
_WORD_TOKEN = r"[^\W_]+"  # patterns kept as strings are compiled (and cached by re) on first use


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """The matching key of a name: lower case, no accents, no spaces, hyphens or
    apostrophes, and "St"/"Ste" spelt "saint"/"sainte".

    "ST-ETIENNE", "saint etienne" and "Saint-Étienne" all give "saintetienne";
    "lhay les roses" and "L'Haÿ-les-Roses" both give "lhaylesroses". Dropping the
    spaces makes the key forgiving about apostrophes, at the price of a few
    collisions ("La Tour"/"Latour") that ``CommuneIndex.lookup`` separates again.
    """
    tokens = _ASCII_TOKEN.findall(_strip_accents(text.lower().translate(_LIGATURES)))
    return "".join(_ABBREVIATIONS.get(t, t) for t in tokens)


def _spaced_key(text: str, keep_accents: bool) -> str:
    """A finer key than ``name_key``: word boundaries kept, accents optionally kept."""
    s = text.lower().translate(_LIGATURES)
    if not keep_accents:
        s = _strip_accents(s)
    return " ".join(_ABBREVIATIONS.get(t, t) for t in re.findall(_WORD_TOKEN, s))


def _thousands(n: int) -> str:
    """French digit grouping with a no-break space: 2 110, 60 183."""
    return f"{n:,}".replace(",", "\u00a0")


def _starts_with_vowel(text: str) -> bool:
    return _strip_accents(text[:1]).lower() in "aeiouy"


# --------------------------------------------------------------------------
# Départements and régions
# --------------------------------------------------------------------------

#: TNCC of an area name without article -> the article in running text.
_AREA_ARTICLE = {0: "", 1: "", 2: "le ", 3: "la ", 4: "les ", 5: "l'"}
_AREA_DE = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'"}

#: The data gives TNCC 0 to the collectivités d'outre-mer; French usage puts an
#: article before some of them ("la Polynésie française").
_AREA_TNCC_FIXES = {"984": 4, "987": 3, "988": 3, "989": 5}

#: Where the general ``dans``/``en`` rule gives the wrong preposition, by level and
#: code: islands and the city of Paris take "à"; Guadeloupe, Martinique and
#: Guyane take "en" as départements too.
_DANS_OVERRIDES = {
    ("departement", "75"): "à Paris",
    ("departement", "971"): "en Guadeloupe",
    ("departement", "972"): "en Martinique",
    ("departement", "973"): "en Guyane",
    ("departement", "974"): "à La Réunion",
    ("departement", "976"): "à Mayotte",
    ("region", "04"): "à La Réunion",
    ("region", "06"): "à Mayotte",
}
for _code, _form in {
    "975": "à Saint-Pierre-et-Miquelon",
    "977": "à Saint-Barthélemy",
    "978": "à Saint-Martin",
    "986": "à Wallis et Futuna",
    "987": "en Polynésie française",
    "988": "en Nouvelle-Calédonie",
    "989": "sur l'Île de Clipperton",
}.items():
    _DANS_OVERRIDES[("departement", _code)] = _form
    _DANS_OVERRIDES[("region", _code)] = _form


@dataclass(frozen=True)
class Area:
    """A département or a région, its name without article as INSEE spells it.

    ``level`` is "departement" or "region"; ``zone`` is "metro", "drom" or "com".
    """

    code: str
    name: str
    tncc: int
    level: str = "departement"
    zone: str = "metro"
    region_code: str | None = None

    @property
    def le(self) -> str:
        """The name with its article, in running text: "le Val-de-Marne", "l'Ain", "Paris"."""
        return _AREA_ARTICLE.get(self.tncc, "") + self.name

    @property
    def de(self) -> str:
        """"du Val-de-Marne", "de la Somme", "de l'Ain", "des Yvelines", "de Paris", "d'Ille-et-Vilaine"."""
        if self.tncc in (0, 1):
            return ("d'" if self.tncc == 1 else "de ") + self.name
        return _AREA_DE[self.tncc] + self.name

    @property
    def dans(self) -> str:
        """Where something happens: "dans le Val-de-Marne", "en Ille-et-Vilaine".

        Rule: a name with an article takes "dans" + article ("dans la Somme",
        "dans l'Ain", "dans les Yvelines"); a name without article takes "en"
        ("en Seine-et-Marne", "en Île-de-France", "en Occitanie"); régions whose
        article is "la" take "en" as usage wants ("en Nouvelle-Aquitaine",
        "en Guadeloupe"); islands and Paris take "à" (see ``_DANS_OVERRIDES``).
        "dans la Gironde" is correct French, if less usual than "en Gironde".
        """
        override = _DANS_OVERRIDES.get((self.level, self.code))
        if override:
            return override
        if self.tncc in (0, 1):
            return "en " + self.name
        if self.level == "region" and self.tncc == 3:
            return "en " + self.name
        return "dans " + self.le

    @property
    def label(self) -> str:
        """"Val-de-Marne (94)", for lists."""
        return f"{self.name} ({self.code})"


# --------------------------------------------------------------------------
# EPCI and EPT
# --------------------------------------------------------------------------

_EPCI_KINDS = {"METRO": "metropole", "MET69": "metropole", "CU": "cu", "CA": "ca", "CC": "cc", "EPT": "ept"}
_KIND_LABELS = {
    "metropole": "métropole",
    "cu": "communauté urbaine",
    "ca": "communauté d'agglomération",
    "cc": "communauté de communes",
    "ept": "établissement public territorial",
}
_ABBREVIATED_PREFIXES = {
    "CC ": "Communauté de communes ",
    "CA ": "Communauté d'agglomération ",
    "CU ": "Communauté urbaine ",
}
_SELF_DESCRIBING = ("Communauté ", "Agglo ", "Agglomération ")
_QUOTED = r"''(.+?)''|\"(.+?)\""
_SAINT_ABBREV = r"\b(St|Ste)(?=[- ])"
_LEADING_PARTICLES = r"(?i)^(?:(?:de|du|des|de la|d'|l'|la|le|les)\s*)+"


#: Names the data abbreviates beyond what the rules below can mend, with the
#: name the EPCI itself uses (and whether its first words are generic).
_OFFICIAL_EPCI_NAMES = {
    "CA Intercommunale du Nord de la Réunion (CINOR)":
        ("Communauté intercommunale du Nord de La Réunion (CINOR)", False),
    "CA de Dembeni / Mamoudzou": ("Communauté d'agglomération de Dembéni-Mamoudzou", True),
}


def _clean_epci_name(name: str) -> tuple[str, bool]:
    """Expand the data's abbreviations into the name a document should print.

    "CC Faucigny - Glières" -> "Communauté de communes Faucigny-Glières";
    "CA de Lens - Liévin" -> "Communauté d'agglomération de Lens-Liévin";
    "CC Gartempe - Saint Pardoux" -> "... Gartempe – Saint Pardoux" (a spaced
    hyphen between multi-word parts becomes a spaced en dash, the French
    typographic separator); quotes become guillemets; "St-" becomes "Saint-".
    A name that already says what it is ("CA Communauté Paris-Saclay", "CA
    Agglomération d'Agen") is kept without the generic prefix. The boolean tells
    whether the generic prefix was added.
    """
    if name in _OFFICIAL_EPCI_NAMES:
        return _OFFICIAL_EPCI_NAMES[name]
    prefix = ""
    for short, full in _ABBREVIATED_PREFIXES.items():
        if name.startswith(short):
            name = name[len(short):]
            if not name.startswith(_SELF_DESCRIBING):
                prefix = full
            break
    name = name.strip()
    if len(name) > 2 and name[0] == name[-1] == '"':
        name = name[1:-1]
    name = re.sub(_QUOTED, lambda m: "«\u00a0" + (m.group(1) or m.group(2)) + "\u00a0»", name)
    name = re.sub(_SAINT_ABBREV, lambda m: "Saint" if m.group(1) == "St" else "Sainte", name)
    if " - " in name:
        parts = name.split(" - ")
        bare = [re.sub(_LEADING_PARTICLES, "", parts[0])] + parts[1:]
        joiner = "-" if all(p and " " not in p and "-" not in p for p in bare) else " – "
        name = joiner.join(parts)
    return prefix + name, bool(prefix)


@dataclass(frozen=True)
class Intercommunality:
    """An EPCI à fiscalité propre or an EPT of the Métropole du Grand Paris.

    ``name`` is as in the data ("CC Faucigny - Glières"); ``display_name`` is the
    clean full name for documents; ``kind`` is "metropole", "cu", "ca", "cc" or
    "ept".
    """

    code: str
    name: str
    kind: str

    @property
    def kind_label(self) -> str:
        """"communauté d'agglomération", "établissement public territorial"..."""
        return _KIND_LABELS[self.kind]

    @property
    def display_name(self) -> str:
        """"Communauté de communes Faucigny-Glières", "Métropole du Grand Paris"."""
        if self.kind in ("metropole", "ept"):
            return self.name
        return _clean_epci_name(self.name)[0]

    @property
    def le(self) -> str:
        """The name with its article in running text.

        "la Métropole du Grand Paris", "l'Eurométropole de Strasbourg", "Metz
        Métropole" (a name that is a proper noun takes no article), "la
        communauté d'agglomération du Grand Angoulême", "l'établissement public
        territorial Grand-Orly Seine Bièvre".
        """
        if self.kind == "ept":
            return "l'établissement public territorial " + self.name
        if self.kind == "metropole":
            display, generic = self.name, False
        else:
            display, generic = _clean_epci_name(self.name)
        if generic:  # the generic noun takes a small letter in running text
            return "la " + display[0].lower() + display[1:]
        if display.startswith(("Métropole", "Communauté")):
            return "la " + display
        if display.startswith(("Eurométropole", "Agglo")):
            return "l'" + display
        return display

    @property
    def de(self) -> str:
        """"de la Métropole du Grand Paris", "de la communauté de communes ...",
        "de l'établissement public territorial Grand-Orly Seine Bièvre",
        "d'Orléans Métropole", "de Metz Métropole"."""
        le = self.le
        if le.startswith("la "):
            return "de " + le
        if le.startswith("l'"):
            return "de " + le
        return ("d'" if _starts_with_vowel(le) else "de ") + le

    @property
    def label(self) -> str:
        return self.display_name


# --------------------------------------------------------------------------
# Communes
# --------------------------------------------------------------------------

#: TNCC -> (article as written at the start of the name, "de" form, "à" form).
#: TNCC 3, 5, 7, 8 keep the article after the preposition ("de La Rochelle");
#: 2, 4, 6 contract it ("du Mans", "des Lilas", "aux Lilas", "des Marais").
_COMMUNE_FORMS = {
    0: ("", "de ", "à "),
    1: ("", "d'", "à "),
    2: ("Le ", "du ", "au "),
    3: ("La ", "de ", "à "),
    4: ("Les ", "des ", "aux "),
    5: ("L'", "de ", "à "),
    6: ("Aux ", "des ", "aux "),
    7: ("Las ", "de ", "à "),
    8: ("Los ", "de ", "à "),
}
_CONTRACTED = (2, 4, 6)
_ARRONDISSEMENT_NAME = r"^(?P<city>.+) (?P<n>\d+)(?P<suffix>er|e) Arrondissement$"
_ALSACE_MOSELLE = frozenset({"57", "67", "68"})


@dataclass(frozen=True)
class Commune:
    """A current commune (``kind == "commune"``) or an arrondissement municipal
    of Paris, Lyon or Marseille (``kind == "arrondissement"``).

    ``name`` is INSEE's, article included ("Le Mans"); ``epci`` is the EPCI à
    fiscalité propre (the Métropole du Grand Paris for its communes, the
    Métropole de Lyon for Lyon's); ``ept`` is set for Grand Paris communes other
    than Paris. Arrondissements carry their parent's EPCI and EPT and their own
    population and postal codes.
    """

    insee: str
    name: str
    tncc: int
    kind: str
    parent_insee: str | None
    departement: Area
    region: Area
    epci: Intercommunality | None
    ept: Intercommunality | None
    population: int
    postal_codes: tuple[str, ...]
    zone: str

    # -- forms -------------------------------------------------------------

    @property
    def nom_sans_article(self) -> str:
        """"Mans" for "Le Mans", "Lilas", "Marais" for "Aux Marais", "Haÿ-les-Roses"."""
        if self.is_arrondissement:
            return self.display_name
        article = _COMMUNE_FORMS.get(self.tncc, ("",))[0]
        if article and self.name.startswith(article):
            return self.name[len(article):]
        return self.name

    @property
    def le(self) -> str:
        """The name as a subject: "Villejuif", "Le Mans"; for an arrondissement
        "le 15e arrondissement de Paris"."""
        if self.insee in PARIS_CENTRE:
            return "Paris Centre"
        if self.is_arrondissement:
            return "le " + self.display_name
        return self.name

    @property
    def de(self) -> str:
        """"de Villejuif", "d'Amiens", "du Mans", "de La Rochelle", "des Lilas",
        "de L'Haÿ-les-Roses", "des Marais"; "du 1er arrondissement de Marseille"."""
        if self.insee in PARIS_CENTRE:
            return "de Paris Centre"
        if self.is_arrondissement:
            return "du " + self.display_name
        _, de, _ = _COMMUNE_FORMS.get(self.tncc, _COMMUNE_FORMS[0])
        return de + (self.nom_sans_article if self.tncc in _CONTRACTED else self.name)

    @property
    def a(self) -> str:
        """"à Villejuif", "au Mans", "aux Lilas", "à L'Haÿ-les-Roses", "aux Marais";
        "dans le 1er arrondissement de Marseille"."""
        if self.insee in PARIS_CENTRE:
            return "à Paris Centre"
        if self.is_arrondissement:
            return "dans le " + self.display_name
        _, _, a = _COMMUNE_FORMS.get(self.tncc, _COMMUNE_FORMS[0])
        return a + (self.nom_sans_article if self.tncc in _CONTRACTED else self.name)

    @property
    def display_name(self) -> str:
        """The name for documents: the commune's name, or "1er arrondissement de
        Marseille" (French usage) for "Marseille 1er Arrondissement"."""
        if self.is_arrondissement:
            m = re.match(_ARRONDISSEMENT_NAME, self.name)
            if m:
                return f"{m['n']}{m['suffix']} arrondissement de {m['city']}"
        return self.name

    @property
    def label(self) -> str:
        """"Villejuif (94)": the name and the département code, for lists and errors."""
        return f"{self.display_name} ({self.departement.code})"

    # -- flags -------------------------------------------------------------

    @property
    def metropole(self) -> Intercommunality | None:
        """The métropole the commune belongs to, if its EPCI is one."""
        return self.epci if self.epci is not None and self.epci.kind == "metropole" else None

    @property
    def is_alsace_moselle(self) -> bool:
        """Bas-Rhin, Haut-Rhin and Moselle keep local law (cultes, some CGCT rules)."""
        return self.departement.code in _ALSACE_MOSELLE

    @property
    def is_arrondissement(self) -> bool:
        return self.kind == "arrondissement"

    @property
    def is_overseas(self) -> bool:
        """DROM or COM; in a COM the CGCT mostly does not apply."""
        return self.zone != "metro"

    @property
    def parent(self) -> Commune | None:
        """For an arrondissement, the commune it belongs to (Paris, Lyon, Marseille),
        read from the shipped index; code holding an index uses
        ``index.get(commune.parent_insee)`` instead."""
        return load().get(self.parent_insee) if self.parent_insee else None

    @property
    def summary(self) -> str:
        """"Sainte-Colombe (69) — INSEE 69189, Rhône, 2 036 hab.", for candidate lists."""
        return (
            f"{self.label} — INSEE {self.insee}, {self.departement.name}, "
            f"{_thousands(self.population)} hab."
        )


@dataclass(frozen=True)
class Resolution:
    """What a commune query resolved to: the commune, and the notices the user
    must see about how it was chosen (a name taken for its prominent homonym, a
    commune déléguée routed to its commune nouvelle). Each notice is one line.
    The CLI, the batch and the web app all show them."""

    commune: Commune
    notices: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------

_QUALIFIED = r"^(?P<name>.*?\S)\s*(?:\((?P<paren>[^()]+)\)|,\s*(?P<comma>[^,()]+))\s*$"
_ARR_QUERY = (
    r"^(?P<city>paris|lyon|marseille)(?P<n>\d{1,2})(?:er|re|eme|e|)(?:arrondissement|arrdt|arr|)$",
    r"^(?P<n>\d{1,2})(?:er|re|eme|e|)(?:arrondissement|arrdt|arr)(?:de|du|)(?P<city>paris|lyon|marseille)$",
)


def _is_code(text: str) -> bool:
    """Five digits, or a Corsican INSEE code ("2A004"): an INSEE or postal code."""
    return len(text) == 5 and (text.isdigit() or (text[:2] in ("2A", "2B") and text[2:].isdigit()))


def _qualified(query: str):
    """Split "Name (94)" or "Name, 94" into name and qualifier; None otherwise."""
    if not query.endswith(")") and "," not in query:
        return None
    return re.match(_QUALIFIED, query)


def _arrondissement_query(key: str):
    """Match "paris15e", "marseille1erarrondissement", "3earrondissementdelyon"."""
    if not (key[:1].isdigit() or key.startswith(("paris", "lyon", "marseille"))):
        return None
    for pattern in _ARR_QUERY:
        m = re.match(pattern, key)
        if m:
            return m
    return None


#: The 1st to 4th arrondissements of Paris form one sector, Paris Centre, with
#: one council and one mayor (loi n° 2017-257; regimes-and-powers §2.7): its
#: documents speak of Paris Centre, whichever of the four codes was given.
PARIS_CENTRE = ("75101", "75102", "75103", "75104")
_ARR_CODE = {"paris": "751{:02d}", "lyon": "6938{:d}", "marseille": "132{:02d}"}
_ARR_CITY = {"paris": "75056", "lyon": "69123", "marseille": "13055"}
_ARR_LAST = {"paris": 20, "lyon": 9, "marseille": 16}
#: A commune query longer than this is refused (the longest commune name has 45
#: characters; with a département in parentheses a real query stays far below).
MAX_QUERY_CHARS = 200
#: Error messages echo at most this many characters of what the user typed.
ECHO_CHARS = 60
#: See ``CommuneIndex.prominent_homonym``.
PROMINENT_POPULATION = 10_000
TINY_POPULATION = 2_000
TINY_SHARE = 20

#: Punctuation that commune names, département names and the query syntax use
#: ("Saint-Denis (93)", "Sainte-Colombe, 69", "St. Malo", "insee:13001").
_QUERY_PUNCTUATION = frozenset("-'’ʼ‘`().,/:–—_")
_PREFIXES = {"insee": "insee", "cp": "cp", "postal": "cp", "code postal": "cp"}
_PREFIX = r"(?i)^\s*(insee|cp|postal|code postal)\s*:\s*(.*)$"


def _shown(text: str, limit: int = ECHO_CHARS) -> str:
    """``text`` made safe to echo in a message: control and format characters
    (ANSI escapes, bidirectional overrides) written as escapes, and cut to
    ``limit`` characters."""
    out = []
    for ch in text[: limit + 1]:
        out.append(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch)[0] == "C" else ch)
    shown = "".join(out)
    return shown if len(text) <= limit and len(shown) <= limit * 2 else shown[:limit] + "…"


def _odd_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` that no commune query needs: anything
    but letters, combining marks, digits, spaces and ``_QUERY_PUNCTUATION``."""
    odd: dict[str, None] = {}
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LMN" or ch == " " or ch in _QUERY_PUNCTUATION:
            continue
        odd.setdefault(ch, None)
    return list(odd)


def _clean_query(query) -> str:
    """The query with its white space collapsed; refuses (naming them) control
    characters, bidirectional overrides, emoji and the like, and queries too
    long to be a commune, rather than silently dropping what it can't read."""
    text = query if isinstance(query, str) else ""
    if len(text) > MAX_QUERY_CHARS:
        raise _error(
            "CommuneNotFound",
            f"The commune query \"{_shown(text)}\" has {len(text)} characters; no commune name has more than 45. "
            f"{_HOW_TO_CHOOSE[0].upper()}{_HOW_TO_CHOOSE[1:]}.",
        )
    q = " ".join(text.replace("\u00a0", " ").split())
    if not q:
        raise _error("CommuneNotFound", f"No commune was given: {_HOW_TO_CHOOSE}.")
    odd = _odd_characters(q)
    if odd:
        named = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}" for ch in odd[:5])
        more = f" and {len(odd) - 5} more" if len(odd) > 5 else ""
        raise _error(
            "CommuneNotFound",
            f"The commune query \"{_shown(q)}\" holds characters that no commune name has ({named}{more}); "
            "nothing was ignored: type the name with letters, spaces, hyphens and apostrophes only, "
            "or the INSEE or postal code.",
        )
    return q


def _split_prefix(q: str) -> tuple[str | None, str]:
    """("insee", "13001") for "insee:13001", ("cp", "13001") for "cp:13001"
    (also "postal:" and "code postal:"), (None, q) otherwise."""
    if ":" not in q:
        return None, q
    m = re.match(_PREFIX, q)
    if m is None:
        return None, q
    return _PREFIXES[" ".join(m[1].lower().split())], m[2].strip()


def _same_place(commune: Commune, served: list[Commune]) -> bool:
    """Does a postal code serve only this commune (or, for an arrondissement,
    only its city)? Then reading the code as INSEE or postal gives one place."""
    home = commune.parent_insee or commune.insee
    return all(c.insee == home for c in served)


_HOW_TO_CHOOSE = "give the name as INSEE writes it, the INSEE code (e.g. 94076) or the postal code (e.g. 94800)"


class _Table:
    """One section of the data file: lines ``key<TAB>...`` sorted by key.

    A line is found by bisection on the raw bytes, so nothing is parsed or
    indexed at load time: a cold lookup costs a file read and a few dozen
    string operations instead of building dictionaries of 35,000 entries.
    """

    __slots__ = ("blob", "_lines")

    def __init__(self, blob: bytes):
        self.blob = blob  # every line ends with b"\n"
        self._lines: list[bytes] | None = None

    def find(self, key: str) -> bytes | None:
        """The line whose first field is ``key``, or None."""
        blob, k = self.blob, key.encode("utf-8")
        lo, hi = 0, len(blob)
        while lo < hi:
            start = blob.rfind(b"\n", 0, (lo + hi) // 2) + 1
            if start < lo:  # only possible when lo + hi is odd and lo is a line start
                start = lo
            end = blob.index(b"\n", start)
            tab = blob.find(b"\t", start, end)
            first = blob[start:tab if tab >= 0 else end]
            if first == k:
                return blob[start:end]
            if first < k:
                lo = end + 1
            else:
                hi = start
        return None

    def lines(self) -> list[bytes]:
        if self._lines is None:
            self._lines = self.blob.split(b"\n")[:-1]
        return self._lines

    def first_fields(self) -> list[str]:
        """Every key of the table, in order (for fuzzy matching). Each line holds
        exactly one tab, so splitting on both separators alternates key, rest."""
        return self.blob.decode("utf-8").replace("\t", "\n").split("\n")[:-1:2]


_new = object.__new__
_SECTIONS = ("regions", "departements", "epci", "communes", "keys", "sans_article", "postal", "anciennes",
             "chefs_lieux")


class CommuneIndex:
    """Every commune, arrondissement, département, région, EPCI and EPT, with the
    look-ups that ``lookup`` and ``search`` need. Build it with ``load()``."""

    def __init__(self, data: bytes, provenance: dict | None = None):
        tables: dict[str, bytes] = {}
        pos = data.find(b"\n@")
        while pos >= 0:
            head_end = data.index(b"\n", pos + 1)
            nxt = data.find(b"\n@", head_end)
            name = data[pos + 2 : head_end].split(b"\t", 1)[0].decode("ascii")
            tables[name] = data[head_end + 1 : (nxt + 1 if nxt >= 0 else len(data))]
            pos = nxt
        missing = set(_SECTIONS) - set(tables)
        if missing:
            raise ValueError(f"the commune data file lacks the sections {sorted(missing)}: rebuild it")
        self._provenance = provenance
        self.regions: dict[str, Area] = {}
        for line in tables["regions"].decode("utf-8").splitlines():
            code, name, tncc, zone = line.split("\t")
            self.regions[code] = Area(code, name, _AREA_TNCC_FIXES.get(code, int(tncc)), "region", zone)
        self.departements: dict[str, Area] = {}
        for line in tables["departements"].decode("utf-8").splitlines():
            code, name, tncc, region, zone = line.split("\t")
            self.departements[code] = Area(
                code, name, _AREA_TNCC_FIXES.get(code, int(tncc)), "departement", zone, region
            )
        self._epci_table = _Table(tables["epci"])
        self._rows = _Table(tables["communes"])
        self._keys = _Table(tables["keys"])
        self._sans_article = _Table(tables["sans_article"])
        self._postal = _Table(tables["postal"])
        self._former = _Table(tables["anciennes"])
        self._seats = _Table(tables["chefs_lieux"])
        self._communes: dict[str, Commune] = {}
        self._epcis: dict[str, Intercommunality] = {}
        self._key_list: list[str] | None = None
        self._area_keys: dict[str, tuple[str, Area]] | None = None

    # -- construction of objects ------------------------------------------

    def _epci(self, siren: str) -> Intercommunality | None:
        if not siren:
            return None
        obj = self._epcis.get(siren)
        if obj is None:
            line = self._epci_table.find(siren)
            if line is None:
                return None
            _, kind, name = line.decode("utf-8").split("\t")
            obj = self._epcis[siren] = Intercommunality(siren, name, _EPCI_KINDS[kind])
        return obj

    def epci(self, siren: str) -> Intercommunality:
        """The EPCI or EPT with this SIREN; KeyError if none."""
        obj = self._epci(siren.strip())
        if obj is None:
            raise KeyError(f"no EPCI or EPT has the SIREN {siren!r}")
        return obj

    def get(self, insee: str) -> Commune:
        """The commune or arrondissement with this INSEE code; KeyError if none."""
        obj = self._communes.get(insee)
        if obj is not None:
            return obj
        code = insee.strip().upper()
        if len(code) == 4 and code.isdigit():
            code = "0" + code
        line = self._rows.find(code) if code.isascii() else None
        if line is None:
            raise KeyError(f"no commune has the INSEE code {insee!r}")
        obj = self._communes[insee] = self._communes[code] = self._make(line)
        return obj

    def _make(self, line: bytes) -> Commune:
        insee, kind, name, tncc, dep, epci, ept, pop, postal, parent = line.decode("utf-8").split("\t")
        departement = self.departements[dep]
        # Filling __dict__ skips the frozen dataclass's __init__ (one
        # object.__setattr__ per field): five times faster, which matters when
        # all 35,000 communes are made. The fields are exactly the same.
        obj = _new(Commune)
        obj.__dict__.update(
            insee=insee,
            name=name,
            tncc=int(tncc),
            kind="arrondissement" if kind == "a" else "commune",
            parent_insee=parent or None,
            departement=departement,
            region=self.regions[departement.region_code],
            epci=self._epci(epci),
            ept=self._epci(ept),
            population=int(pop),
            postal_codes=tuple(postal.split()),
            zone=departement.zone,
        )
        return obj

    def _get_many(self, line: bytes | None) -> list[Commune]:
        """The communes listed after the key of a ``keys``-like line."""
        if line is None:
            return []
        return [self.get(i) for i in line.decode("ascii").split("\t", 1)[1].split()]

    @property
    def provenance(self) -> dict:
        """Source, version, build date and counts of the data (``communes.meta.json``)."""
        if self._provenance is None:
            import json

            with open(META_FILE, encoding="utf-8") as f:
                self._provenance = json.load(f)
        return self._provenance

    # -- iteration ---------------------------------------------------------

    def _iter(self, kind: str | None, test=None) -> Iterator[Commune]:
        if kind not in ("commune", "arrondissement", None):
            raise ValueError(f"kind must be 'commune', 'arrondissement' or None, not {kind!r}")
        flag = {"commune": b"c", "arrondissement": b"a", None: None}[kind]
        for line in self._rows.lines():
            if flag is not None and line[6:7] != flag:
                continue
            fields = line.split(b"\t", 7)
            if test is not None and not test(fields):
                continue
            code = fields[0].decode("ascii")
            obj = self._communes.get(code)
            if obj is None:
                obj = self._communes[code] = self._make(line)
            yield obj

    def all_communes(self, kind: str | None = "commune") -> Iterator[Commune]:
        """Communes (``kind="commune"``), arrondissements (``"arrondissement"``) or
        both (``None``), in INSEE code order."""
        return self._iter(kind)

    def by_departement(self, code: str) -> list[Commune]:
        """The communes of a département (code "94", "2A", "974"), without arrondissements."""
        dep = self._area_code(code, self.departements).encode("ascii")
        return list(self._iter("commune", lambda f: f[4] == dep))

    def by_region(self, code: str) -> list[Commune]:
        """The communes of a région (code "11", "84", "04"), without arrondissements."""
        reg = self._area_code(code, self.regions)
        deps = {d.code.encode("ascii") for d in self.departements.values() if d.region_code == reg}
        return list(self._iter("commune", lambda f: f[4] in deps))

    def by_epci(self, siren: str) -> list[Commune]:
        """The member communes of an EPCI or an EPT, by SIREN, without arrondissements."""
        s = self.epci(siren).code.encode("ascii")
        return list(self._iter("commune", lambda f: s in (f[5], f[6])))

    @staticmethod
    def _area_code(code: str, table: dict[str, Area]) -> str:
        c = code.strip().upper()
        if c.isdigit() and len(c) == 1:
            c = "0" + c
        if c not in table:
            raise KeyError(f"no département or région has the code {code!r}")
        return c

    def _area_filter(self, text: str):
        """Turn "94", "2a", "Val-de-Marne", "la Réunion" or a région name into
        (predicate on communes, area); None if the text names no area."""
        t = text.strip().upper()
        if t.isdigit() and len(t) == 1:
            t = "0" + t
        if t in self.departements:
            area = self.departements[t]
            return (lambda c: c.departement.code == area.code), area
        if self._area_keys is None:
            keys: dict[str, tuple[str, Area]] = {}
            for areas, attr in ((self.regions, "region"), (self.departements, "departement")):
                for area in areas.values():  # a département wins over a région of the same name
                    for form in (area.name, area.le):
                        keys[name_key(form)] = (attr, area)
            self._area_keys = keys
        found = self._area_keys.get(name_key(text))
        if found is None:
            return None
        attr, area = found
        return (lambda c: getattr(c, attr).code == area.code), area

    # -- lookup ------------------------------------------------------------

    def lookup(self, query: str) -> Commune:
        """The commune of :meth:`resolve`, for callers that only want the commune.

        Its notices (a name taken for its prominent homonym, a commune déléguée
        routed to its commune nouvelle) are logged as warnings on the
        ``motions.communes`` logger, so that even these callers never choose a
        commune silently; new callers should use :meth:`resolve` and show them.
        """
        found = self.resolve(query)
        if found.notices:
            import logging

            for notice in found.notices:
                logging.getLogger("motions.communes").warning(notice)
        return found.commune

    def resolve(self, query: str) -> Resolution:
        """Resolve what a user typed to exactly one commune or arrondissement,
        with the notices the user must see about how it was chosen.

        Accepts an INSEE code, a postal code, a name in any case and with or
        without accents, hyphens, apostrophes or "St" abbreviations, a name with
        its département or région in parentheses ("Sainte-Colombe (69)",
        "Saint-Denis (La Réunion)"), and arrondissements ("Paris 15e",
        "Marseille 1er arrondissement").

        Never the wrong commune:

        - five characters that are both an INSEE code and a postal code of
          another commune ("13001": Aix-en-Provence's INSEE code, a Marseille
          postal code) are ambiguous; ``insee:13001`` or ``cp:13001`` chooses;
        - a name shared by several communes is ambiguous, unless one of them is
          prominent and all the others are tiny next to it (see
          :meth:`prominent_homonym`): then it resolves to the prominent one with
          a notice naming the others;
        - a commune déléguée or associée (a former commune merged into a
          commune nouvelle) resolves to the commune nouvelle, whose council
          votes, with a notice saying so;
        - a query holding control characters, bidirectional overrides, emoji or
          other characters no commune name has is refused, naming them; so is a
          query longer than ``MAX_QUERY_CHARS``. Error messages echo at most
          ``ECHO_CHARS`` characters of a query, control characters escaped.

        Raises ``AmbiguousCommune`` when several communes fit and
        ``CommuneNotFound`` (with the nearest names) when none does.
        """
        q = _clean_query(query)
        forced, q = _split_prefix(q)
        code = q.upper()
        if len(code) == 4 and code.isdigit():
            code = "0" + code
        if _is_code(code):
            return self._resolve_code(code, forced)
        if forced is not None:
            raise _error(
                "CommuneNotFound",
                f"\"{forced}:\" takes a five-character code, e.g. insee:13001 or cp:13001; "
                f"\"{_shown(q)}\" is not one.",
            )
        if name_key(q) == "pariscentre":
            return Resolution(self.get(PARIS_CENTRE[0]), (
                "Paris Centre is the sector of the 1st to 4th arrondissements of Paris, with one council; "
                f"using the 1st (INSEE {PARIS_CENTRE[0]}); any of the four gives the same motion.",))
        return self._resolve_name(q)

    # codes

    def _resolve_code(self, code: str, forced: str | None) -> Resolution:
        by_insee = self._insee_reading(code)
        served = sorted(self._get_many(self._postal.find(code)), key=_list_order)
        if forced == "insee":
            if by_insee is not None:
                return by_insee
            hint = f"; {code} is a postal code: write cp:{code}" if served else ""
            raise _error("CommuneNotFound", f"No commune has the INSEE code {code}{hint}.")
        if forced == "cp":
            if served:
                return self._postal_reading(code, served)
            hint = f"; {code} is an INSEE code: write insee:{code}" if by_insee is not None else ""
            raise _error("CommuneNotFound", f"No commune has the postal code {code}{hint}.")
        if by_insee is not None and served and not _same_place(by_insee.commune, served):
            raise _error("AmbiguousCommune", self._code_clash_message(code, by_insee.commune, served))
        if by_insee is not None:
            return by_insee
        if served:
            return self._postal_reading(code, served)
        raise _error(
            "CommuneNotFound",
            f"No commune has the INSEE code or postal code {code}: check the digits, or give the commune's name.",
        )

    def _insee_reading(self, code: str) -> Resolution | None:
        """The commune whose INSEE code this is: a current commune or
        arrondissement, or the commune nouvelle of a former commune."""
        if self._rows.find(code) is not None:
            return Resolution(self.get(code))
        former = self._former.find(code)
        if former is not None:
            return self._route_former([former.decode("utf-8").split("\t")], code)
        return None

    def _postal_reading(self, code: str, served: list[Commune]) -> Resolution:
        if len(served) == 1:
            return Resolution(served[0])
        example = max(served, key=lambda c: c.population)
        listing = "\n".join(f"  {c.summary}" for c in served)
        raise _error(
            "AmbiguousCommune",
            f"The postal code {code} is shared by {len(served)} communes:\n{listing}\n"
            f"Give the name instead, e.g. \"{example.name} ({example.departement.code})\", "
            f"or the INSEE code, e.g. {self._insee_form(example)}.",
        )

    def _code_clash_message(self, code: str, named: Commune, served: list[Commune]) -> str:
        postal = "\n".join(f"  cp:{code}     postal code of {c.summary}" for c in served[:8])
        if len(served) > 8:
            postal += f"\n  … and {len(served) - 8} more communes share this postal code"
        return (
            f"{code} is both an INSEE code and a postal code, of different communes:\n"
            f"  insee:{code}  INSEE code of {named.summary}\n{postal}\n"
            f"Write insee:{code} or cp:{code} to choose, or give the commune's name, "
            f"e.g. \"{named.name} ({named.departement.code})\"."
        )

    def _insee_form(self, commune: Commune) -> str:
        """How to write a commune's INSEE code so that it can't be read as a
        postal code: "94076", but "insee:13001"."""
        served = self._get_many(self._postal.find(commune.insee))
        return commune.insee if not served or _same_place(commune, served) else f"insee:{commune.insee}"

    # names

    def _resolve_name(self, q: str) -> Resolution:
        name, area_filter, area = q, None, None
        m = _qualified(q)
        if m:
            found = self._area_filter(m["paren"] or m["comma"])
            if found is not None:
                name = m["name"]
                area_filter, area = found
        candidates = self._candidates(name)
        if not candidates and m and area is None and m["paren"]:
            # Some names hold parentheses ("Château-Chinon (Ville)"); otherwise
            # the text in parentheses was meant as a département and is unknown.
            if self._candidates(m["name"]):
                raise _error(
                    "CommuneNotFound",
                    f"\"{_shown(m['paren'].strip())}\" in \"{_shown(q)}\" is neither a département nor a région: "
                    f"write the département code or name in parentheses, e.g. \"Sainte-Colombe (69)\".",
                )
            name = m["name"]
        if area_filter is not None:
            elsewhere = candidates
            candidates = [c for c in candidates if area_filter(c)]
            if elsewhere and not candidates:
                others = sorted(elsewhere, key=_list_order)
                raise _error(
                    "CommuneNotFound",
                    f"No commune is named \"{_shown(name)}\" in {area.label}; there "
                    + ("is " if len(others) == 1 else "are ")
                    + _or_list([c.label for c in others[:8]])
                    + (f" and {len(others) - 8} more" if len(others) > 8 else "")
                    + ".",
                )
        if not candidates:
            # "Haÿ-les-Roses", "Mans": the name without its article.
            candidates = self._get_many(self._sans_article.find(name_key(name)))
            if area_filter is not None:
                candidates = [c for c in candidates if area_filter(c)]
        if not candidates:
            former = self._formers_by_name(name, area_filter)
            if former:
                return self._route_former(former, name)
            raise _error("CommuneNotFound", self._not_found_message(name, area_filter, area))
        chosen = _narrow(name, candidates)
        if len(chosen) == 1:
            return Resolution(chosen[0])
        top = self.prominent_homonym(chosen)
        if top is not None:
            return Resolution(top, (self._prominence_notice(name, top, chosen),))
        raise _error("AmbiguousCommune", _ambiguous_message(name, chosen, area, self._insee_form))

    def seat(self, commune: Commune) -> str | None:
        """"préfecture" if the commune is the seat of its département,
        "sous-préfecture" if it is the seat of an arrondissement, else None."""
        line = self._seats.find(commune.insee)
        if line is None:
            return None
        return "préfecture" if line.endswith(b"\tp") else "sous-préfecture"

    def prominent_homonym(self, communes: list[Commune]) -> Commune | None:
        """The commune a shared name means without a doubt, or None.

        The rule: the most populous of the homonyms is *prominent* if it is a
        préfecture or a sous-préfecture, or has at least
        ``PROMINENT_POPULATION`` (10,000) inhabitants; every other homonym is
        *tiny* next to it if it is neither préfecture nor sous-préfecture, has
        fewer than ``TINY_POPULATION`` (2,000, INSEE's historical threshold of
        a rural commune) inhabitants, and at most 1/``TINY_SHARE`` (1/20) of the
        prominent commune's population. The name means the prominent commune
        only when every other homonym is tiny: « La Rochelle » (79,851, the
        préfecture) against La Rochelle (70) (40 inhabitants). Two seats, or a
        village of 2,000 or more, or a ratio under 20, stay ambiguous: Saint-
        Denis (93)/(974), Valence (26)/(82), Saint-Pierre (974)/(975).
        """
        if len(communes) < 2:
            return None
        top = max(communes, key=lambda c: c.population)
        if self.seat(top) is None and top.population < PROMINENT_POPULATION:
            return None
        for other in communes:
            if other is top:
                continue
            if (self.seat(other) is not None or other.population >= TINY_POPULATION
                    or other.population * TINY_SHARE > top.population):
                return None
        return top

    def _prominence_notice(self, name: str, top: Commune, communes: list[Commune]) -> str:
        seat = self.seat(top)
        status = f", {seat} {top.departement.de}" if seat == "préfecture" else f", {seat}" if seat else ""
        others = sorted((c for c in communes if c is not top), key=lambda c: -c.population)
        shown = [f"{c.label}, {_thousands(c.population)} hab." for c in others[:5]]
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        example = others[0]
        return (
            f"\"{_shown(name)}\" is taken as {top.label}{status}, {_thousands(top.population)} hab.; "
            f"the far smaller {'homonym is' if len(others) == 1 else 'homonyms are'} "
            f"{'; '.join(shown)}{more}: write \"{example.name} ({example.departement.code})\" to draft for "
            f"{'it' if len(others) == 1 else 'one of them'}."
        )

    # former communes

    def _formers_by_name(self, name: str, area_filter) -> list[list[str]]:
        """The communes déléguées or associées with this name (former communes
        merged into a commune nouvelle), in the area if one is given."""
        key = name_key(name)
        if not key:
            return []
        needle = b"\t" + key.encode("ascii") + b"\t"
        found = []
        for line in self._former.lines():
            if needle in line:  # a quick filter; the key is the second field (a short key also matches the kind)
                fields = line.decode("utf-8").split("\t")
                if fields[1] == key and (area_filter is None or area_filter(self.get(fields[4]))):
                    found.append(fields)
        return found

    def _route_former(self, former: list[list[str]], query: str) -> Resolution:
        """A former commune resolves to the commune nouvelle whose council votes."""
        parents = {fields[4] for fields in former}
        if len(parents) == 1:
            code, _key, name, kind, parent_code = former[0][:5]
            parent = self.get(parent_code)
            status = "commune déléguée" if kind == "d" else "commune associée"
            return Resolution(parent, (
                f"{name} ({code}) is no longer a commune of its own but a {status} of {parent.label}, "
                f"whose municipal council votes: drafting for {parent.name} (INSEE {parent.insee}).",
            ))
        lines = []
        for code, _key, name, kind, parent_code in sorted((f[:5] for f in former), key=lambda f: f[4])[:12]:
            status = "commune déléguée" if kind == "d" else "commune associée"
            lines.append(f"  {name} ({code}), {status} of {self.get(parent_code).summary}")
        if len(former) > 12:
            lines.append(f"  … and {len(former) - 12} more")
        example = self.get(sorted(parents)[0])
        raise _error(
            "AmbiguousCommune",
            f"\"{_shown(query)}\" is a former commune merged into {len(parents)} different communes:\n"
            + "\n".join(lines)
            + f"\nGive the commune that votes, with its département, e.g. "
            f"\"{example.name} ({example.departement.code})\", or its INSEE code.",
        )

    def _candidates(self, name: str) -> list[Commune]:
        """Every commune or arrondissement whose key equals the query's key."""
        key = name_key(name)
        if not key:
            return []
        m = _arrondissement_query(key)
        if m:
            n = int(m["n"])
            code = _ARR_CODE[m["city"]].format(n)
            if n >= 1 and self._rows.find(code) is not None:
                return [self.get(code)]
        return self._get_many(self._keys.find(key))

    def _not_found_message(self, name: str, area_filter, area: Area | None) -> str:
        where = f" in {area.label}" if area is not None else ""
        m = _arrondissement_query(name_key(name))
        if m:
            city = self.get(_ARR_CITY[m["city"]])
            last = _ARR_LAST[m["city"]]
            return (
                f"{city.name} has no arrondissement number {int(m['n'])}: its arrondissements run "
                f"from 1 to {last}, e.g. \"{city.name} 1er\" or \"{city.name} {last}e\"."
            )
        near = self.nearest(name, 5, area_filter)
        if near:
            return (
                f"No commune is named \"{_shown(name)}\"{where}. Did you mean "
                + _or_list([c.label for c in near])
                + f"? If not, {_HOW_TO_CHOOSE}."
            )
        return f"No commune is named \"{_shown(name)}\"{where}, nor anything close: {_HOW_TO_CHOOSE}."

    # -- fuzzy -------------------------------------------------------------

    def _fuzzy_keys(self) -> list[str]:
        if self._key_list is None:
            self._key_list = self._keys.first_fields()
        return self._key_list

    def nearest(self, text: str, limit: int = 5, area_filter=None) -> list[Commune]:
        """The communes whose names are closest to ``text`` (typos), best first."""
        from rapidfuzz import fuzz, process  # only here: importing it costs ~10 ms

        key = name_key(text)
        if not key:
            return []
        keys = self._fuzzy_keys()
        hits = process.extract(key, keys, scorer=fuzz.ratio, limit=limit * 4 + 10, score_cutoff=60)
        ranked: list[tuple[float, Commune]] = []
        for found, score, _ in hits:
            for c in self._get_many(self._keys.find(found)):
                if area_filter is None or area_filter(c):
                    ranked.append((score, c))
        ranked.sort(key=lambda sc: (-sc[0], -sc[1].population))
        return [c for _, c in ranked[:limit]]

    def search(self, text: str, limit: int = 10) -> list[Commune]:
        """Communes matching ``text``, best first: exact names (largest first),
        names starting with the text, then fuzzy matches. Codes work too. A
        query with characters no commune name has, or too long, is refused as
        in :meth:`resolve`."""
        if not " ".join((text or "").split()) or limit <= 0:
            return []
        forced, q = _split_prefix(_clean_query(text))
        code = q.upper()
        if _is_code(code):
            found = [self.get(code)] if self._rows.find(code) is not None else []
            found += [c for c in self._get_many(self._postal.find(code)) if c.insee != code]
            return found[:limit]
        area_filter = None
        m = _qualified(q)
        if m:
            found_area = self._area_filter(m["paren"] or m["comma"])
            if found_area is not None:
                q, area_filter = m["name"], found_area[0]
        key = name_key(q)
        if not key:
            return []
        seen: set[str] = set()
        results: list[Commune] = []

        def add(communes):
            for c in sorted(communes, key=lambda c: -c.population):
                if c.insee not in seen and (area_filter is None or area_filter(c)):
                    seen.add(c.insee)
                    results.append(c)

        exact = self._candidates(q)
        add(_narrow(q, exact))
        add(exact)
        add(self._get_many(self._sans_article.find(key)))
        keys = self._fuzzy_keys()
        if len(results) < limit:
            import bisect

            i = bisect.bisect_left(keys, key)
            prefixed = []
            while i < len(keys) and keys[i].startswith(key):
                prefixed.extend(self._get_many(self._keys.find(keys[i])))
                i += 1
            add(prefixed)
        if len(results) < limit:
            from rapidfuzz import fuzz, process

            for found, _, _ in process.extract(key, keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60):
                add(self._get_many(self._keys.find(found)))
        return results[:limit]

    def communes_deleguees(self, insee: str) -> list[tuple[str, str]]:
        """The communes déléguées (INSEE code, name) of a commune nouvelle, in code
        order; [] for any other commune. The regime needs them: the council of the
        commune nouvelle is the only one that votes. Indexed on first use."""
        by_parent = getattr(self, "_deleguees_by_parent", None)
        if by_parent is None:
            by_parent = {}
            for line in self._former.lines():
                code, _key, name, kind, parent = line.decode("utf-8").split("\t")[:5]
                if kind == "d":
                    by_parent.setdefault(parent, []).append((code, name))
            self._deleguees_by_parent = by_parent
        return sorted(by_parent.get(insee, []))


def _error(kind: str, message: str) -> Exception:
    """Make a user-facing error; ``motions.errors`` (and click) is only imported
    when there is an error to raise, to keep a successful lookup fast."""
    from motions import errors

    return getattr(errors, kind)(message)


def _code(obj: Intercommunality | None) -> str | None:
    return obj.code if obj is not None else None


def _list_order(c: Commune) -> tuple:
    return (c.departement.code.zfill(3), c.insee)


def _narrow(name: str, candidates: list[Commune]) -> list[Commune]:
    """Among communes sharing a key, keep those that match the query most closely.

    A query typed with accents is taken at its word: same spelling, then same
    letters ignoring case, then same words with accents ("Saint-Étienne" is
    never ambiguous, "Saint-Rémy" leaves out "Saint-Remy"). A query without
    accents may have lost them, so it only separates names by their words
    ("Latour" is not "La Tour") and "saint remy" lists both spellings.
    """
    if len(candidates) <= 1:
        return candidates
    tests = []
    if _strip_accents(name) != name:
        tests += [
            lambda c: c.name == name,
            lambda c: c.name.casefold() == name.casefold(),
            lambda c: _spaced_key(c.name, True) == _spaced_key(name, True),
        ]
    tests.append(lambda c: _spaced_key(c.name, False) == _spaced_key(name, False))
    for test in tests:
        kept = [c for c in candidates if test(c)]
        if kept:
            return kept
    return candidates


def _ambiguous_message(query: str, communes: list[Commune], area: Area | None, insee_form=None) -> str:
    """The list of communes a name fits and how to choose; ``insee_form`` writes
    an INSEE code so that it can't be read as a postal code (``insee:13001``)."""
    communes = sorted(communes, key=_list_order)
    listing = "\n".join(f"  {c.summary}" for c in communes)
    example = max(communes, key=lambda c: c.population)
    code = insee_form(example) if insee_form is not None else example.insee
    where = f" in {area.label}" if area is not None else ""
    deps = {c.departement.code for c in communes}
    if area is None and len(deps) == len(communes):
        how = (
            f"Add the département in parentheses to choose one, e.g. "
            f"\"{example.name} ({example.departement.code})\", or give the INSEE code, e.g. {code}."
        )
    else:
        how = f"Give the INSEE code to choose one, e.g. {code}."
    return f"{len(communes)} communes{where} match \"{_shown(query)}\":\n{listing}\n{how}"


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


# --------------------------------------------------------------------------
# Module-level API
# --------------------------------------------------------------------------


def load() -> CommuneIndex:
    """The index, read from the shipped file (about 70 ms). Not cached here:
    the caller keeps it (``Resources.communes``); the functions below take it
    as ``index`` and read the file when they are not given one."""
    try:
        with open(DATA_FILE, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"The commune data file {DATA_FILE} is missing: run scripts/build_communes.py to create it."
        ) from None
    return CommuneIndex(data)


def lookup(query: str, index: CommuneIndex | None = None) -> Commune:
    """See ``CommuneIndex.lookup``: the commune only (notices are logged)."""
    return (index or load()).lookup(query)


def resolve(query: str, index: CommuneIndex | None = None) -> Resolution:
    """See ``CommuneIndex.resolve``: the commune and the notices to show."""
    return (index or load()).resolve(query)


def search(text: str, limit: int = 10, index: CommuneIndex | None = None) -> list[Commune]:
    """See ``CommuneIndex.search``."""
    return (index or load()).search(text, limit)


def get(insee: str, index: CommuneIndex | None = None) -> Commune:
    """The commune or arrondissement with this INSEE code; KeyError if absent."""
    return (index or load()).get(insee)


def all_communes(kind: str | None = "commune", index: CommuneIndex | None = None) -> Iterator[Commune]:
    """The 34,969 current communes, the 45 arrondissements, or (None) both."""
    return (index or load()).all_communes(kind)


def by_departement(code: str, index: CommuneIndex | None = None) -> list[Commune]:
    return (index or load()).by_departement(code)


def by_region(code: str, index: CommuneIndex | None = None) -> list[Commune]:
    return (index or load()).by_region(code)


def by_epci(siren: str, index: CommuneIndex | None = None) -> list[Commune]:
    return (index or load()).by_epci(siren)


def __getattr__(name: str):
    """``DATA_PROVENANCE`` is read on first use from the small metadata file, so
    that importing this module costs nothing."""
    if name == "DATA_PROVENANCE":
        import json

        with open(META_FILE, encoding="utf-8") as f:
            value = json.load(f)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
