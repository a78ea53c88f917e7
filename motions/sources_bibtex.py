"""BibTeX and BibLaTeX entries as CSL items, for ``motions sources import``.

Separate from :mod:`motions.sources_io` because BibTeX is the one input format
that is not CSL already: its entry types, field names, LaTeX accents, ``\\url``
and ``\\href``, ``langid`` and month macros all need converting, and each
entry that cannot be converted must be named in the error (file, line, key),
never end in a traceback. bibtexparser splits the file; pylatexenc decodes
the LaTeX; the mapping below is ours.
"""

from __future__ import annotations

import re
from pathlib import Path

#: BibTeX/BibLaTeX entry type -> CSL type.
BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "manual": "report",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "misc": "document",  # "webpage" when it has a URL (url or howpublished = \url{…})
    "legislation": "legislation",
    "legal": "legislation",
    "jurisdiction": "legal_case",
    "newsarticle": "article-newspaper",
}
#: BibTeX field -> CSL field, the same for every entry type.
BIBTEX_FIELDS = {
    "title": "title",
    "shorttitle": "title-short",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "series": "collection-title",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "volume": "volume",
    "edition": "edition",
    "pages": "page",
    "pagetotal": "number-of-pages",
    "doi": "DOI",
    "url": "URL",
    "isbn": "ISBN",
    "issn": "ISSN",
    "chapter": "chapter-number",
    "nor": "NOR",
    "ecli": "ECLI",
}
#: Fields read by the code below rather than through the table.
_USED_ELSEWHERE = {"author", "editor", "translator", "year", "month", "day", "date", "urldate", "origdate",
                   "number", "issue", "institution", "school", "organization", "type", "howpublished",
                   "language", "langid", "note", "annotation", "annote", "extra", "titleaddon", "entrysubtype"}
_VERBATIM = {"url", "doi", "isbn", "issn", "nor", "ecli"}  # no LaTeX decoding: % and _ are literal there
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
#: biblatex/babel language names -> BCP 47 tags, as CSL's ``language`` wants.
LANGUAGES = {
    "french": "fr-FR", "francais": "fr-FR", "français": "fr-FR", "acadian": "fr-CA", "canadien": "fr-CA",
    "english": "en-US", "american": "en-US", "usenglish": "en-US", "british": "en-GB", "ukenglish": "en-GB",
    "canadian": "en-CA", "australian": "en-AU", "german": "de-DE", "ngerman": "de-DE", "austrian": "de-AT",
    "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH", "spanish": "es-ES",
    "italian": "it-IT", "portuguese": "pt-PT", "portuges": "pt-PT", "brazil": "pt-BR", "brazilian": "pt-BR",
    "dutch": "nl-NL", "catalan": "ca-AD", "polish": "pl-PL", "russian": "ru-RU", "swedish": "sv-SE",
    "danish": "da-DK", "norwegian": "nb-NO", "norsk": "nb-NO", "finnish": "fi-FI", "greek": "el-GR",
    "czech": "cs-CZ", "romanian": "ro-RO", "turkish": "tr-TR", "arabic": "ar", "chinese": "zh-CN",
    "japanese": "ja-JP",
}

_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_URL = re.compile(r"\\url\s*\{([^{}]*)\}")


class EntryError(ValueError):
    """One entry that cannot be converted; the message says which field and why."""


def _decoder():
    import pylatexenc.latex2text as l2t

    db = l2t.get_default_latex_context_db()
    db.add_context_category("motions-bibtex", prepend=True, macros=[l2t.MacroTextSpec("url", simplify_repl="%s")])
    return l2t.LatexNodes2Text(latex_context=db, math_mode="verbatim")


def _links_to_text(text: str) -> str:
    """``\\href{url}{text}`` -> text and ``\\url{x}`` -> x, before LaTeX decoding
    (pylatexenc's own \\href needs argument specs the BibTeX reader lacks)."""
    return _URL.sub(lambda m: m.group(1), _HREF.sub(lambda m: m.group(2), text))


def read_bibtex(text: str, path: Path):
    """Entries of a BibTeX file as (CSL item, line, problems, ignored fields)."""
    import logging

    import bibtexparser
    from bibtexparser.middlewares import MonthIntMiddleware

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    lib = bibtexparser.parse_string(text, append_middleware=[MonthIntMiddleware(True)])
    problems = []
    for block in lib.failed_blocks:
        err = block.error
        what = (getattr(err, "abort_reason", None) or getattr(err, "message", None) or str(err)
                or type(err).__name__)
        if type(block).__name__ == "DuplicateBlockKeyBlock":
            what = f"duplicate key '{getattr(block, 'key', '?')}'"
        problems.append(f"{path}:{(block.start_line or 0) + 1}: malformed BibTeX entry: {what.strip().splitlines()[0]}")
    latex = _decoder()

    def decode(value) -> str:
        return latex.latex_to_text(_links_to_text(str(value)))

    out = []
    ignored: set[str] = set()
    for entry in lib.entries:
        line = (entry.start_line or 0) + 1
        fields = {f.key.lower(): f.value for f in entry.fields}
        try:
            item, skipped = bibtex_to_csl(entry.entry_type.lower(), entry.key, fields, decode)
        except EntryError as exc:
            problems.append(f"{path}:{line}: entry '{entry.key}': {exc}")
            continue
        except Exception as exc:  # pylatexenc and bibtexparser raise many kinds: name the entry, never a traceback
            problems.append(f"{path}:{line}: entry '{entry.key}' cannot be read ({type(exc).__name__}: {exc}); "
                            "check its LaTeX (unbalanced braces, unknown macros)")
            continue
        ignored |= skipped
        out.append((item, line))
    return out, problems, ignored


def _clean(text, decode) -> str:
    return " ".join(decode(str(text)).split())


def _bib_names(value: str, decode) -> list[dict]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    people = []
    for raw in split_multiple_persons_names(str(value)):
        raw = raw.strip()
        if raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _one_group(raw):
            people.append({"literal": _clean(raw[1:-1], decode)})
            continue
        parts = parse_single_name_into_parts(raw, strict=False)
        family = _clean(" ".join(parts.last), decode)
        given = _clean(" ".join(parts.first), decode)
        if not given and not parts.von:
            people.append({"literal": family})
            continue
        person = {"family": family, "given": given} if given else {"family": family}
        if parts.von:
            person["non-dropping-particle"] = _clean(" ".join(parts.von), decode)
        if parts.jr:
            person["suffix"] = _clean(" ".join(parts.jr), decode)
        people.append(person)
    return people


def _one_group(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def language_tag(value: str) -> str:
    """``french`` -> ``fr-FR``; a value that is already a tag (``fr``, ``en-GB``) is kept."""
    text = str(value).strip()
    low = text.lower()
    if low in LANGUAGES:
        return LANGUAGES[low]
    if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", text):
        return text
    return text


def _csl_type(entry_type: str, fields: dict) -> str:
    kind = BIBTEX_TYPES.get(entry_type, "document")
    sub = str(fields.get("entrysubtype", "")).strip().lower()
    if kind == "article-journal" and sub in ("newspaper", "magazine"):
        kind = f"article-{sub}"
    if entry_type == "misc" and (fields.get("url") or _URL.search(str(fields.get("howpublished", "")))
                                 or _HREF.search(str(fields.get("howpublished", "")))):
        kind = "webpage"
    return kind


def bibtex_to_csl(entry_type: str, key: str, fields: dict, decode) -> tuple[dict, set[str]]:
    """One BibTeX entry as a CSL item, and the BibTeX fields it had no place for."""
    from .sources_io import parse_note

    kind = _csl_type(entry_type, fields)
    item: dict = {"id": key, "type": kind}
    for name in ("author", "editor", "translator"):
        if fields.get(name):
            item[name] = _bib_names(fields[name], decode)
    for bib, csl in BIBTEX_FIELDS.items():
        if bib in fields and csl not in item:
            item[csl] = _field(bib, fields[bib], decode)
    _numbers(item, entry_type, kind, fields, decode)
    _bodies(item, entry_type, fields, decode)
    _howpublished(item, fields, decode)
    lang = fields.get("langid") or fields.get("language")
    if lang:
        item["language"] = language_tag(_clean(lang, decode))
    _dates(item, fields)
    notes = ["\n".join(_clean(line, decode) for line in str(fields[f]).splitlines())
             for f in ("note", "annotation", "annote", "extra") if fields.get(f)]
    if notes:
        parse_note("\n".join(notes), item)
    skipped = set(fields) - set(BIBTEX_FIELDS) - _USED_ELSEWHERE
    return item, skipped


def _field(bib: str, value, decode) -> str:
    text = str(value)
    if bib in _VERBATIM:
        text = _links_to_text(text).strip().strip("{}").strip()
        if bib == "doi":
            text = re.sub(r"^https?://(dx\.)?doi\.org/", "", text)
        return text
    if bib == "pages":
        return re.sub(r"\s*-{1,3}\s*", "-", text.strip())
    return _clean(text, decode)


def _numbers(item: dict, entry_type: str, kind: str, fields: dict, decode) -> None:
    """``number`` means an issue for an article, a series number for a book
    (biblatex), a report's or a statute's or a decision's own number otherwise."""
    if fields.get("issue"):
        item["issue"] = _clean(fields["issue"], decode)
    number = fields.get("number")
    if not number:
        return
    number = _clean(number, decode)
    if kind.startswith("article") and "issue" not in item:
        item["issue"] = number
    elif entry_type in ("book", "mvbook", "collection", "incollection", "inbook", "proceedings", "inproceedings") \
            and item.get("collection-title"):
        item["collection-number"] = number
    else:
        item["number"] = number


def _bodies(item: dict, entry_type: str, fields: dict, decode) -> None:
    """Institution, school and organization: a court for a decision, a site's
    name for a web page, the publisher otherwise; ``type`` is a genre."""
    kind = item["type"]
    body = fields.get("institution") or fields.get("school") or fields.get("organization")
    site = fields.get("organization") or fields.get("titleaddon")
    if kind == "legal_case" and body:
        item["authority"] = _clean(body, decode)
    elif kind == "webpage" and site and "container-title" not in item:
        item["container-title"] = _clean(site, decode)
    elif body and "publisher" not in item:
        item["publisher"] = _clean(body, decode)
    if fields.get("type") and kind in ("report", "thesis", "legal_case"):
        item["genre"] = _clean(fields["type"], decode)
    elif entry_type == "phdthesis":
        item["genre"] = "thèse de doctorat"
    elif entry_type == "mastersthesis":
        item["genre"] = "mémoire de master"


def _howpublished(item: dict, fields: dict, decode) -> None:
    """``howpublished = \\url{…}`` or ``\\href{url}{Site}``: the URL, and the site's name."""
    how = str(fields.get("howpublished") or "").strip()
    if not how:
        return
    m = _HREF.fullmatch(how) or _URL.fullmatch(how)
    if m:
        item.setdefault("URL", m.group(1).strip())
        label = _clean(m.group(2), decode) if m.re is _HREF else ""
        if label and label != m.group(1).strip() and "container-title" not in item:
            item["container-title"] = label
    elif "publisher" not in item and "container-title" not in item:
        item["container-title" if item["type"] == "webpage" else "publisher"] = _clean(how, decode)


def _dates(item: dict, fields: dict) -> None:
    issued = _bib_date(fields.get("date"), fields.get("year"), fields.get("month"), fields.get("day"), "date")
    if issued:
        item["issued"] = {"date-parts": [issued]}
    for bib, csl in (("urldate", "accessed"), ("origdate", "original-date")):
        parts = _bib_date(fields.get(bib), None, None, None, bib)
        if parts:
            item[csl] = {"date-parts": [parts]}


def _bib_date(date, year, month, day, name: str) -> list[int] | None:
    from .sources_io import check_date_parts

    if date:
        raw = str(date).split("/")[0].strip()
        m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:T.*)?", raw)
        if not m:
            if re.fullmatch(r"\d{4}", raw[:4] or ""):
                return [int(raw[:4])]
            raise EntryError(f"{name} '{date}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(x) for x in m.groups() if x]
        check_date_parts(parts, name, EntryError)
        return parts
    if not year:
        return None
    m = re.search(r"\d{4}", str(year))
    if not m:
        raise EntryError(f"year '{year}' is not a year; write four digits")
    parts = [int(m.group())]
    if month not in (None, ""):
        mon = month if isinstance(month, int) else _MONTHS.get(str(month).strip().lower()[:3])
        if mon is None and str(month).strip().isdigit():
            mon = int(str(month).strip())
        if mon is None:
            raise EntryError(f"month '{month}' is not a month; write 1 to 12 or jan … dec")
        parts.append(mon)
        if day not in (None, ""):
            if not str(day).strip().isdigit():
                raise EntryError(f"day '{day}' is not a day of the month")
            parts.append(int(str(day).strip()))
    check_date_parts(parts, "date", EntryError)
    return parts
