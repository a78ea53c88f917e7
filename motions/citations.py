"""Pandoc's citation syntax, parsed once into :class:`~motions.document.Cite` nodes.

Everything downstream (notes, the flyer's short references, ``explain``, the
library check) works on the parsed nodes; nothing re-parses text. The syntax is
Pandoc's (https://pandoc.org/MANUAL.html#citation-syntax):

- ``[@key]``, ``[@key, p. 3]``, ``[see @key, chap. 2 and passim]``: a cluster
  in brackets, items separated by ``;``, each with an optional prefix, a key, an
  optional locator and suffix after a comma;
- ``[-@key]``: suppress the author (the text already names it);
- ``@key`` in running text (author in text), optionally followed by a
  bracketed locator: ``@key [p. 3]``;
- ``@{key}`` for a key holding characters a bare key cannot end with.

Locators are recognised by their term (French and English: ``p.``, ``chap.``,
``art.``, ``§``, ``n°``…) and normalised to the French form printed in notes;
a bare number is a page, as in Pandoc. Compound legal locators (``art. 5, § 1,
point h``) stay one locator. Anything that looks like a citation but does not
parse is a :class:`CitationSyntaxError` naming where it is, never printed raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Cite, CiteItem

#: Locator terms: spelling -> (CSL label, French form printed before the value).
LOCATOR_TERMS: dict[str, tuple[str, str]] = {}
for _label, _french, _spellings in (
    ("page", "p.", ("p.", "pp.", "p", "page", "pages")),
    ("chapter", "chap.", ("chap.", "ch.", "chapitre", "chapter", "chapitres")),
    ("article", "art.", ("art.", "art", "article", "articles", "arts.")),
    ("paragraph", "§", ("§", "§§", "para.", "paragraphe", "paragraph", "paras.")),
    ("section", "sect.", ("sect.", "sec.", "section", "sections")),
    ("number", "n°", ("n°", "no.", "nº", "num.", "numéro", "number", "nos")),
    ("volume", "vol.", ("vol.", "volume", "t.", "tome")),
    ("line", "l.", ("l.", "ligne", "line", "ll.")),
    ("verse", "al.", ("al.", "alinéa", "alinéas")),
    ("point", "point", ("point", "pt", "pt.", "points")),
    ("note", "note", ("note", "notes", "n.")),
    ("considerant", "cons.", ("cons.", "consid.", "considérant")),
    ("annex", "annexe", ("annexe", "ann.", "annex")),
    ("figure", "fig.", ("fig.", "figure", "figures")),
    ("folio", "fol.", ("fol.", "folio", "f.")),
    ("recital", "consid.", ("recital", "recitals")),
    ("part", "partie", ("partie", "parties", "part")),
    ("title", "titre", ("titre", "title")),
):
    for _s in _spellings:
        LOCATOR_TERMS[_s.lower()] = (_label, _french)

#: Locators that name a part of a work without a number: « résumé », « notice ».
WHOLE_PARTS = ("résumé", "conclusion", "conclusions", "introduction", "sommaire", "notice", "analyse",
               "préambule", "avant-propos", "4e de couverture", "abstract", "summary")
_ROMAN = re.compile(r"^[IVXLC]+$")

#: A bare key: Pandoc's rule (starts with a letter, digit or _, may hold
#: internal punctuation, never ends with it).
_KEY = r"[\w](?:[\w:.#$%&\-+?<>~/]*[\w])?"
_BRACED_KEY = r"\{[^{}\s]+\}"
_ITEM = re.compile(
    rf"^(?P<prefix>.*?)(?P<minus>-?)@(?P<key>{_KEY}|{_BRACED_KEY})(?P<rest>.*)$", re.S
)
_LOCATOR_VALUE = r"[\dIVXLCDMivxlcdm][\w.\-–/]*|[a-z]\b"
_TERM = re.compile(r"^\s*(?P<term>§§?|n°|nº|[A-Za-zÀ-ÿ]+\.?)\s*(?P<value>.*)$", re.S)


class CitationSyntaxError(ValueError):
    """Text that looks like a citation but does not parse; the message says how to write it."""


#: At a "[": a cluster whose brackets hold an @ that is not part of an e-mail
#: address (an @ preceded by a letter, digit or dot is not a citation).
CLUSTER_AT = re.compile(r"\[(?P<inner>[^\[\]]*?(?<![\w.])-?@[^\[\]]*)\]")
#: At an "@": a citation in running text, with an optional bracketed locator.
IN_TEXT_AT = re.compile(rf"@(?P<key>{_KEY}|{_BRACED_KEY})(?:\s?\[(?P<loc>[^\[\]@]*)\])?")
#: What a reader would see raw: a bracket holding an @ that did not parse, or
#: an @ starting a word outside any citation.
SUSPECT = re.compile(r"\[[^\[\]]*(?<![\w.])-?@|(?<![\w.@])-?@(?=\S)")


def is_key(key: str) -> bool:
    """Can ``key`` be written as a bare citation key (``@key``)?"""
    return re.fullmatch(_KEY, key) is not None


def in_text(key: str, loc: str | None, where: str = "") -> Cite:
    """``@key`` or ``@key [p. 3]`` in running text."""
    locator, label, suffix = parse_locator(loc) if loc else ("", "", "")
    return Cite((CiteItem(_unbrace(key), "", locator, label, suffix, "author-in-text"),), where)


def suspect(text: str) -> str | None:
    """A snippet of ``text`` that looks like a citation, or None."""
    m = SUSPECT.search(text)
    if not m:
        return None
    return text[max(0, m.start() - 10): m.end() + 20].strip()


def parse_cluster(inner: str, where: str = "") -> Cite:
    """Parse the inside of ``[...]``: ``see @a, p. 3; @b``."""
    items = []
    for part in _split_items(inner, where):
        m = _ITEM.match(part)
        if not m:
            raise CitationSyntaxError(
                f"{_at(where)}malformed citation [{inner.strip()}]: each item needs a key after @, as in [@key, p. 3]"
            )
        rest = m.group("rest")
        locator = label = suffix = ""
        if rest.strip():
            if not rest.lstrip().startswith(","):
                raise CitationSyntaxError(
                    f"{_at(where)}malformed citation [{inner.strip()}]: put a comma after the key, as in [@key, p. 3]"
                )
            locator, label, suffix = parse_locator(rest.lstrip()[1:])
        items.append(CiteItem(
            key=_unbrace(m.group("key")),
            prefix=" ".join(m.group("prefix").split()),
            locator=locator,
            label=label,
            suffix=suffix,
            mode="suppress-author" if m.group("minus") else "normal",
        ))
    return Cite(tuple(items), where)


def _split_items(inner: str, where: str) -> list[str]:
    parts = inner.split(";")
    if any("@" not in p for p in parts):
        raise CitationSyntaxError(
            f"{_at(where)}malformed citation [{inner.strip()}]: separate items with ';' and give each its @key"
        )
    return parts


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def parse_locator(text: str) -> tuple[str, str, str]:
    """``p. 3 and passim`` -> ("p. 3", "page", "and passim").

    Comma-separated parts that each start with a locator term belong to the
    locator (``art. 5, § 1, point h``); the rest is the suffix. A bare value
    is a page. Text that starts with no term and no number is all suffix.
    """
    text = " ".join(text.split())
    if not text:
        return "", "", ""
    parts = [p.strip() for p in text.split(",")]
    located: list[str] = []
    first_label = ""
    if any(parts[0].lower() == w or parts[0].lower().startswith(w + " ") for w in WHOLE_PARTS):
        return parts[0], "section", ", ".join(parts[1:])  # « résumé », « sommaire I A 1 »
    if _ROMAN.match(parts[0]):  # an outline position: « I, B, 1, a »
        kept = [parts[0]]
        for part in parts[1:]:
            if re.fullmatch(r"[A-Za-z0-9]{1,3}", part):
                kept.append(part)
            else:
                break
        return ", ".join(kept), "section", ", ".join(parts[len(kept):])
    for i, part in enumerate(parts):
        term = _term_of(part)
        if term is None:
            if i == 0 and re.match(rf"^({_LOCATOR_VALUE})(\s*[-–]\s*({_LOCATOR_VALUE}))?$", part) and re.match(r"^\d", part):
                located.append(f"p. {part}")
                first_label = "page"
                continue
            return ", ".join(located), first_label, ", ".join(parts[i:])
        label, french, value = term
        if not value:
            return ", ".join(located), first_label, ", ".join(parts[i:])
        value, _, extra = _value_and_rest(value)
        located.append(f"{french} {value}" if french != "§" else f"§ {value}")
        first_label = first_label or label
        if extra:
            return ", ".join(located), first_label, " ".join([extra] + parts[i + 1:]).strip()
    return ", ".join(located), first_label, ""


def _term_of(part: str):
    m = _TERM.match(part)
    if not m:
        return None
    term = m.group("term").lower()
    if term not in LOCATOR_TERMS:
        return None
    label, french = LOCATOR_TERMS[term]
    return label, french, m.group("value").strip()


def _value_and_rest(value: str) -> tuple[str, str, str]:
    """Split ``L2121-29 and passim`` into the locator value and the rest.

    A value is one token, or a range (``3-5``, ``3 à 5``), or a list of tokens
    joined by ``et``/``and``/``&`` (``art. 4 et 9``); what follows is suffix.
    """
    tokens = value.split()
    kept = [tokens[0]]
    i = 1
    if re.fullmatch(r"[LRDA]\.?", tokens[0]) and len(tokens) > 1 and tokens[1][:1].isdigit():
        kept, i = [tokens[0] + " " + tokens[1]], 2  # « L. 2121-29 »: a code article in two tokens
    while i + 1 < len(tokens) + 1 and i < len(tokens):
        if tokens[i] in ("et", "and", "&", "à", "to", "-", "–") and i + 1 < len(tokens) and re.match(r"^[\w.§°-]+$", tokens[i + 1]) and re.search(r"\d|^[a-z]$|^[IVXLC]+$", tokens[i + 1]):
            kept += tokens[i:i + 2]
            i += 2
            continue
        break
    return " ".join(kept), "", " ".join(tokens[i:])


def _unbrace(key: str) -> str:
    return key[1:-1] if key.startswith("{") and key.endswith("}") else key
