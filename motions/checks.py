"""Editorial checks of the argument library: sources, claims, quotations, locators.

The loader (``motions.library``) checks that a library is well formed. These
checks go further and ask what a careful reader of a motion would ask: does
each considérant rest on the law, a court, a public authority or research
rather than on a campaign page or an essay; is every quotation in « » the
source's own words; does every citation correspond to a recorded claim; is
every source complete enough to be found again, and checked recently; does
every citation of a paged or sectioned work say where to look.

``check_library(lib)`` returns a list of :class:`Finding` (file, line, message,
severity), sorted by file and line; it never raises on a library that loaded.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .schema import SOURCE_KINDS

Severity = Literal["error", "warning"]

#: Forms of an argument that print citations. ``objection`` and ``title`` carry
#: the other side's words or a headline, not quotations of a source.
CITING_FORMS = ("short", "considerant", "paragraph")

#: Source kinds that may inform an exposé, attributed, but never carry a considérant alone.
WEAK_KINDS = ("campaign", "essay")

#: How old a source's last check may be before it is due again.
RECHECK_AFTER = dt.timedelta(days=365)

QUOTATION = re.compile(r"«\s*(.+?)\s*»", re.S)
#: An elision inside a quotation: each part must be found on its own.
ELISION = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…")
#: An article number as written in French law: L2121-29, L. 2121-29, R252-10, 5.
ARTICLE = re.compile(r"\b(?:art(?:icle)?s?\.?\s*)?([LRD]\s*\.?\s*\d[\d-]*|\d+)", re.I)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, where it is, and how serious."""

    path: Path
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def check_library(lib, *, today: dt.date | None = None) -> list[Finding]:
    """Every finding on the arguments and sources of a loaded library.

    ``lib`` is a :class:`motions.library.Library`; ``today`` is the date a
    source's ``custom.checked`` is measured against (default: today).
    """
    today = today or dt.date.today()
    findings: list[Finding] = []
    for key, item in lib.sources.items():
        path, line = lib.source_where[key]
        findings.extend(_check_source(key, item, Path(path), line, today))
    for entry in lib.arguments.values():
        findings.extend(_check_argument(entry, lib.sources))
    return sorted(findings)


# --------------------------------------------------------------------------- sources


def _custom(item: dict) -> dict:
    custom = item.get("custom")
    return custom if isinstance(custom, dict) else {}


def _check_source(key: str, item: dict, path: Path, line: int, today: dt.date) -> list[Finding]:
    custom = _custom(item)
    out = []
    kind = custom.get("kind")
    if kind is None:
        out.append(Finding(path, line, f"source '{key}' has no custom.kind; give one of {', '.join(SOURCE_KINDS)}"))
    elif kind not in SOURCE_KINDS:
        out.append(Finding(path, line, f"source '{key}' has custom.kind {kind!r}; use one of {', '.join(SOURCE_KINDS)}"))
    checked = _as_date(custom.get("checked"))
    if custom.get("checked") is None:
        out.append(Finding(path, line, f"source '{key}' has no custom.checked: the date you last checked its data"))
    elif checked is None:
        out.append(Finding(path, line, f"source '{key}' has custom.checked {custom.get('checked')!r}; write a date, YYYY-MM-DD"))
    elif today - checked > RECHECK_AFTER:
        out.append(Finding(path, line, f"source '{key}' was last checked on {checked.isoformat()}, more than a year ago; "
                                       "check its data again and update custom.checked", "warning"))
    if "note" in item and not isinstance(item.get("note"), (int, float)):
        out.append(Finding(path, line, f"source '{key}' has a CSL 'note', which prints in every bibliography; "
                                       "move editors' remarks to custom.remark", "warning"))
    return out


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _excerpt(item: dict) -> str | None:
    """The verified passages stored with a source, as one text, or None."""
    excerpt = _custom(item).get("excerpt")
    if isinstance(excerpt, list):
        excerpt = "\n".join(str(x) for x in excerpt)
    return excerpt if isinstance(excerpt, str) and excerpt.strip() else None


def normalise(text: str) -> str:
    """Text as compared for quotations: case, apostrophes, quotation marks and
    spaces (including non-breaking ones) do not matter."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[’‘ʼ`´]", "'", text)
    text = re.sub(r"[«»“”„\"]", " ", text)
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    return " ".join(text.lower().split())


def _found_in(quote: str, excerpt: str) -> bool:
    haystack = normalise(excerpt)
    parts = [normalise(p) for p in ELISION.split(quote)]
    return all(p.strip(" .,;:") in haystack for p in parts if p.strip(" .,;:"))


# --------------------------------------------------------------------------- arguments


def _check_argument(entry, sources: dict) -> list[Finding]:
    arg, path = entry.argument, Path(entry.path)
    out: list[Finding] = []
    recorded: set[tuple[str, str]] = set()
    for i, claim in enumerate(arg.claims):
        line = entry.line("claims", i, "cite")
        cites = _citations(claim.cite)
        if not cites:
            out.append(Finding(path, line, f"claim {i + 1} has no citation: write cite: [@key, p. 3]"))
            continue
        for key, locator in cites:
            recorded.add((key, _norm_locator(locator)))
            out.extend(_check_citation(key, locator, sources, path, line, f"claim {i + 1}"))
        if claim.quote:
            out.extend(_check_quote(claim.quote, [k for k, _ in cites], sources, path,
                                    entry.line("claims", i, "quote"), f"claim {i + 1}", missing_is="warning"))
    for form in CITING_FORMS:
        text = getattr(arg, form) or ""
        line = entry.line(form)
        cites = _citations(text)
        for key, locator in cites:
            out.extend(_check_citation(key, locator, sources, path, line, form))
            if key in sources and (key, _norm_locator(locator)) not in recorded:
                shown = f"@{key}, {locator}" if locator else f"@{key}"
                out.append(Finding(path, line, f"{form}: the citation [{shown}] is recorded by no claim; "
                                               "add a claim with this cite (or fix the locator)"))
        for m in QUOTATION.finditer(text):
            out.extend(_check_quote(m.group(1), [k for k, _ in cites], sources, path, line, form))
        if form == "considerant":
            out.extend(_check_considerant_sources(cites, sources, path, line))
    return out


def _citations(text: str) -> list[tuple[str, str | None]]:
    """(key, locator) of every citation, through the one citation parser."""
    from . import inline
    from .citations import CitationSyntaxError

    try:
        nodes = inline.parse(text or "")
    except CitationSyntaxError:
        return []  # the loader reports malformed citations
    return [(item.key, item.locator or None) for cite in inline.cites(nodes) for item in cite.items]


def _norm_locator(locator: str | None) -> str:
    return " ".join((locator or "").split())


def _check_citation(key, locator, sources, path, line, where) -> list[Finding]:
    item = sources.get(key)
    if item is None:
        return [Finding(path, line, f"{where}: unknown source key '@{key}'; add it to arguments/sources/ or fix the key")]
    out = []
    section = item.get("section")
    if locator and section and _repeats_section(locator, str(section)):
        out.append(Finding(path, line, f"{where}: [@{key}, {locator}] repeats the article the source already is "
                                       f"({section}); cite [@{key}] or only what narrows it (al. 2, 3°)"))
    if not locator and not _is_single_unit(item):
        out.append(Finding(path, line, f"{where}: [@{key}] has no locator (p., §, art., n°); add one, or mark the "
                                       "source custom.no_locator: true if it has no pages or sections", "warning"))
    return out


def _is_single_unit(item: dict) -> bool:
    """A source cited whole without a locator: one article of a code (``section``),
    a court decision identified by its number (the way decisions are cited; a
    paragraph locator such as « pt 5 » may still narrow it), or a work marked
    ``custom.no_locator`` because it has no pages or sections to point to."""
    if item.get("section") or _custom(item).get("no_locator"):
        return True
    return item.get("type") == "legal_case" and bool(item.get("number"))


def _article_tokens(text: str) -> list[str]:
    return [re.sub(r"[\s.]", "", m.group(1)).lower() for m in ARTICLE.finditer(text)]


def _repeats_section(locator: str, section: str) -> bool:
    """True when a locator names again the article a one-article source is."""
    loc, sec = normalise(locator), normalise(section)
    if loc == sec or loc.startswith(sec + ",") or loc.startswith(sec + " "):
        return True
    sec_articles = _article_tokens(section)
    loc_articles = _article_tokens(locator)
    return bool(sec_articles) and bool(loc_articles) and loc_articles[0] == sec_articles[0]


def _check_quote(quote, keys, sources, path, line, where, missing_is: Severity | None = None) -> list[Finding]:
    excerpts = [(k, _excerpt(sources[k])) for k in keys if k in sources]
    stored = [(k, e) for k, e in excerpts if e]
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    if not stored:
        if missing_is:
            return [Finding(path, line, f"{where}: the quotation « {short} » cannot be checked: store the passage "
                                        "in the source's custom.excerpt", missing_is)]
        return []
    if any(_found_in(quote, e) for _, e in stored):
        return []
    names = ", ".join(k for k, _ in stored)
    return [Finding(path, line, f"{where}: the quotation « {short} » is not in the stored excerpt of {names}; "
                                "quote the source's exact words, or drop the guillemets")]


def _check_considerant_sources(cites, sources, path, line) -> list[Finding]:
    kinds = [_custom(sources[k]).get("kind") for k, _ in cites if k in sources]
    known = [k for k in kinds if k in SOURCE_KINDS]
    if known and all(k in WEAK_KINDS for k in known):
        return [Finding(path, line, "considerant: it rests only on campaign pages or essays; a considérant rests on "
                                    "the law, a court, a public authority or research (cite one), and a campaign "
                                    "page may only inform the exposé, attributed")]
    return []
