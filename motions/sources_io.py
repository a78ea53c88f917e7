"""Bibliography in and out: import CSL-JSON, CSL-YAML and BibTeX; export the merged sources.

People keep their sources in Zotero (which exports CSL-JSON, and BibTeX with
Better BibTeX); the library stores CSL-YAML, which is the same data, readable
and diffable. An import keeps Zotero's identity of each item (its citation key
as the library key, its item URI in ``custom.zotero_uri``), so that importing
the same collection again updates the entries in place, never adds them twice,
and says field by field what changed. Export writes what the library holds
(shipped + user) for Pandoc (``--citeproc``) and Zotero.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import yamlfiles
from .errors import LibraryError, UsageError
from .output import atomic_write, is_inside
from .citations import is_key

#: CSL date fields (values are ``{date-parts: [[y, m, d]]}``).
DATE_FIELDS = ("issued", "accessed", "event-date", "original-date", "submitted")
#: CSL "number" variables: strings or numbers in CSL-JSON; kept as strings here.
NUMBER_FIELDS = ("volume", "issue", "page", "number", "edition", "number-of-pages", "number-of-volumes",
                 "chapter-number", "collection-number")
NAME_FIELDS = ("author", "editor", "translator", "container-author", "director", "interviewer",
               "collection-editor", "composer", "recipient", "reviewed-author")
#: The order fields are written in, for people reading the file.
FIELD_ORDER = ("id", "type", "author", "editor", "translator", "title", "title-short", "container-title",
               "collection-title", "collection-number", "authority", "genre", "edition", "publisher",
               "publisher-place", "issued", "original-date", "volume", "issue", "number", "section", "page",
               "number-of-pages", "NOR", "ECLI", "DOI", "ISBN", "ISSN", "URL", "accessed", "language", "note",
               "custom")
FORMATS = ("csl-json", "csl-yaml", "bibtex")

IMPORTED_HEADER = """\
# Sources imported with `motions sources import` (CSL-YAML: the fields are CSL's,
# see docs/library-format.md). You may edit this file by hand. Importing the same
# items again (from Zotero or Better BibTeX) updates them in place, matched by
# citation key, Zotero item URI, then DOI, ISBN or URL with the title, and lists
# every field it changes; what you add under `custom:` (kind, checked, remark…)
# is kept.
"""

#: A Zotero item URI: ``http://zotero.org/users/123/items/ABCD2345`` (the ``id``
#: of Zotero's own CSL-JSON export) or ``zotero://select/items/1_ABCD2345``.
ZOTERO_URI = re.compile(r"(?:https?://zotero\.org/(?:users|groups)/(?:local/)?[^\s/]+/items/[A-Z0-9]+"
                        r"|zotero://select/\S+)")


# --------------------------------------------------------------------------- reading


@dataclass
class Incoming:
    """One entry read from a file, with where it stands (for messages)."""

    item: dict
    line: int
    generated_key: bool = False  # the file gave no citation key: we made one


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "csl-json"
    if suffix in (".yaml", ".yml"):
        return "csl-yaml"
    if suffix in (".bib", ".bibtex"):
        return "bibtex"
    head = text.lstrip()[:1]
    if head in "[{":
        return "csl-json"
    if head == "@" or re.search(r"^\s*@\w+\s*[{(]", text, re.M):
        return "bibtex"
    return "csl-yaml"


def read_entries(path: Path) -> tuple[list[Incoming], list[str], set[str]]:
    """Entries of a bibliography file as CSL items: (entries, problems, ignored BibTeX fields)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise LibraryError([f"{path}:1: not valid UTF-8; export the file as UTF-8"]) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror}).") from None
    fmt = detect_format(path, text)
    if fmt == "bibtex":
        from .sources_bibtex import read_bibtex

        read, problems, ignored = read_bibtex(text, path)
        entries = []
        for item, line in read:
            entries.append(Incoming(normalise(item), line))
            problems += [f"{path}:{line}: entry '{item['id']}': {p}" for p in date_problems(item)]
        return entries, problems, ignored
    entries, problems = _read_csl(text, path, fmt)
    return entries, problems, set()


def _read_csl(text: str, path: Path, fmt: str) -> tuple[list[Incoming], list[str]]:
    from .library import _json_item_lines

    if fmt == "csl-json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [f"{path}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}"]
        lines = _json_item_lines(text)
        ymap = None
    else:
        try:
            data = yamlfiles.load(text, path)
        except yamlfiles.YamlSyntaxError as exc:
            return [], [str(exc)]
        ymap = yamlfiles.line_map(text)
        lines = None
    prefix: tuple = ()
    if isinstance(data, dict) and "references" in data:
        data, prefix = data["references"], ("references",)
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [f"{path}:1: a bibliography is a list of CSL items (what Zotero exports as CSL JSON)"]
    out, problems = [], []
    for i, item in enumerate(data):
        line = (lines[i] if lines and i < len(lines) else 1) if ymap is None else yamlfiles.line_of(ymap, prefix + (i,))
        if not isinstance(item, dict):
            problems.append(f"{path}:{line}: entry {i + 1} is not a CSL item (a mapping of fields)")
            continue
        item, generated = from_csl(item)
        problems += [f"{path}:{line}: entry '{item['id']}': {p}" for p in date_problems(item)]
        out.append(Incoming(item, line, generated))
    return out, problems


def from_csl(raw: dict) -> tuple[dict, bool]:
    """A CSL item as the library stores it, and whether its key was made here.

    The key is Zotero's or Better BibTeX's citation key (``citation-key``, an
    ``id`` that is not a Zotero URI, or a « Citation Key: » line in ``note``);
    the Zotero item URI goes to ``custom.zotero_uri``; the ``note`` (Zotero's
    « Extra ») gives its CSL lines (« Original Date: 1975 », « NOR: … ») to
    their fields and the rest to ``custom.remark``, since a note is never printed."""
    item = {str(k): v for k, v in raw.items()}
    key = item.pop("citation-key", None)
    raw_id = item.pop("id", None)
    custom = dict(item.pop("custom", None) or {}) if isinstance(item.get("custom"), dict) else {}
    item.pop("custom", None)
    if raw_id is not None and ZOTERO_URI.fullmatch(str(raw_id)):
        custom.setdefault("zotero_uri", str(raw_id))
    elif raw_id is not None and not key and not _looks_generated(str(raw_id)):
        key = raw_id
    if custom:
        item["custom"] = custom
    note = item.pop("note", None)
    if note:
        parse_note(str(note), item)
    key = key or item.pop("_citation_key", None)
    item.pop("_citation_key", None)
    generated = not key
    item["id"] = str(key) if key else make_key(item)
    return normalise(item), generated


def _looks_generated(key: str) -> bool:
    """Zotero without Better BibTeX exports ids like ``http://zotero.org/...`` or numbers."""
    return key.isdigit() or "://" in key or not key.strip()


#: Lines of Zotero's « Extra » (CSL ``note``) that hold a field (« cheater
#: syntax »): label, in Zotero's or CSL's spelling -> CSL field.
NOTE_FIELDS = {
    "citation key": "_citation_key", "citation-key": "_citation_key",
    "original date": "original-date", "original-date": "original-date",
    "nor": "NOR", "ecli": "ECLI", "doi": "DOI", "isbn": "ISBN",
    "short title": "title-short", "title-short": "title-short",
    "series number": "collection-number", "collection-number": "collection-number",
    "edition": "edition", "language": "language", "place": "publisher-place",
    "publisher-place": "publisher-place", "original-title": "original-title",
    "translator": "translator", "editor": "editor",
}


def parse_note(note: str, item: dict) -> None:
    """Move what Zotero's « Extra » holds to its fields (in place): known
    « Label: value » lines, the Zotero item URI; the rest is a remark."""
    rest = []
    for line in str(note).splitlines():
        m = re.match(r"^\s*([A-Za-z][\w .-]*?)\s*:\s*(.+?)\s*$", line)
        label = m.group(1).lower() if m else ""
        uri = ZOTERO_URI.search(line)
        if uri:
            item.setdefault("custom", {}).setdefault("zotero_uri", uri.group())
            line = line.replace(uri.group(), "").strip()
            line = "" if re.fullmatch(r"(?i)(zotero|uri|zotero uri|item uri)?\s*:?", line) else line
            if line:
                rest.append(line)
        elif m and label in NOTE_FIELDS:
            _set_note_field(item, NOTE_FIELDS[label], m.group(2))
        elif line.strip():
            rest.append(line.strip())
    if rest:
        custom = item.setdefault("custom", {})
        remark = "\n".join(rest)
        custom["remark"] = f"{custom['remark']}\n{remark}" if custom.get("remark") and remark not in custom["remark"] else remark


def _set_note_field(item: dict, csl: str, value: str) -> None:
    if csl in item:  # a real field wins over its copy in the note
        return
    if csl in ("translator", "editor"):
        family, _, given = value.partition("||")
        person = {"family": family.strip(), "given": given.strip()} if given.strip() else {"literal": family.strip()}
        item[csl] = [person]
    elif csl in DATE_FIELDS:
        parts = _date_parts(value)
        item[csl] = {"date-parts": [parts]} if parts else {"literal": value}
    else:
        item[csl] = value


# --------------------------------------------------------------------------- keys


_STOP_WORDS = {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "en", "au", "aux", "à", "a",
               "the", "an", "of", "and", "on", "in", "der", "die", "das", "el", "los", "las"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss", "ø": "o", "Ø": "O",
                            "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "’": "'"})


def ascii_text(text: str) -> str:
    """« Œuvres du cœur » -> « Oeuvres du coeur »: ligatures spelled out, accents dropped."""
    text = str(text).translate(_LIGATURES)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_text(text).lower()).strip("-") or "source"


def _first_word(text: str, skip: str = "") -> str:
    """The first word that says something: « La Quadrature du Net » -> quadrature."""
    words = re.findall(r"[a-z0-9]+", ascii_text(text).lower())
    for word in words:
        if word not in _STOP_WORDS and word != skip and not (len(word) == 1 and not word.isdigit()):
            return word
    return ""


def make_key(item: dict) -> str:
    """A readable key for an entry without one, ``author-year-firstword``:
    ``mucchielli-2018-vous``, ``cnil-2019-reconnaissance``, ``ce-2025-472245``,
    ``cgct-l2121-29``, ``oeuvres``… (ligatures spelled out, accents dropped)."""
    from . import bibliography

    kind = item.get("type")
    if kind == "legal_case":
        court = bibliography.court_abbrev(str(item.get("authority") or ""))
        return slug("-".join(x for x in (court, bibliography.year(item), str(item.get("number") or "")) if x))
    if kind in bibliography.LEGISLATION:
        title = bibliography.short_legal_title(item)
        return slug(" ".join(x for x in (title, str(item.get("section") or "")) if x))
    people = item.get("author") or item.get("editor") or []
    who = ""
    if isinstance(people, list) and people and isinstance(people[0], dict):
        first = people[0]
        if "literal" in first:
            short = bibliography._short_creator({**item, "author": [first]})
            who = _first_word(short)
        else:
            who = _first_word(first.get("family") or first.get("given") or "")
    parts = _date_parts(item.get("issued"))
    year = str(parts[0]) if parts else ""
    word = _first_word(str(item.get("title", "")), skip=year)
    return slug("-".join(x for x in (who, year, word or "source") if x))


# --------------------------------------------------------------------------- dates


def check_date_parts(parts: list[int], name: str, error=ValueError) -> None:
    """Raise ``error`` when ``parts`` is no date of the calendar (month 13, 31 April)."""
    shown = "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(parts))
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise error(f"{name} {shown} is not a date (there is no month {parts[1]}); write YYYY-MM-DD")
    if len(parts) >= 3:
        last = calendar.monthrange(parts[0], parts[1])[1]
        if not 1 <= parts[2] <= last:
            raise error(f"{name} {shown} is not a date ({calendar.month_name[parts[1]]} {parts[0]} has {last} days); "
                        "write YYYY-MM-DD")


def date_problems(item: dict) -> list[str]:
    """Each date of the item that is no date of the calendar, as a sentence."""
    problems = []
    for name in DATE_FIELDS:
        value = item.get(name)
        if not isinstance(value, dict) or not value.get("date-parts"):
            continue
        for parts in value["date-parts"]:
            try:
                nums = [int(x) for x in parts if x not in (None, "")]
                check_date_parts(nums, name)
            except ValueError as exc:
                problems.append(str(exc) if str(exc).startswith(name) else f"{name} {parts!r} is not a date")
    return problems


def _date_parts(value) -> list[int] | None:
    if isinstance(value, dt.date):
        return [value.year, value.month, value.day]
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            try:
                return [int(x) for x in parts[0] if x not in (None, "")]
            except (TypeError, ValueError):
                return None
        if value.get("raw"):
            return _date_parts(str(value["raw"]))
        return None
    if isinstance(value, (int, str)):
        m = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", str(value))
        if m:
            return [int(x) for x in m.groups() if x]
    return None


# --------------------------------------------------------------------------- normalising


def normalise(item: dict) -> dict:
    """The item as plain JSON data in one canonical spelling (so comparisons are fair):
    dates as date-parts of integers, CSL numbers as strings, no empty fields."""
    out: dict = {}
    for key, value in item.items():
        key = str(key)
        if value is None or value == "" or value == [] or value == {}:
            continue
        if key in DATE_FIELDS:
            parts = _date_parts(value)
            if parts:
                value = {"date-parts": [parts]}
            elif isinstance(value, dict):
                value = {k: v for k, v in value.items() if k in ("literal", "raw", "season", "circa")} or None
            else:
                value = {"literal": str(value)}
            if value is None:
                continue
        elif key in NUMBER_FIELDS:
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = _jsonable(value)
    if "id" in out:
        out["id"] = str(out["id"])
    return out


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def ordered(item: dict) -> dict:
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    return {k: item[k] for k in sorted(item, key=lambda k: (rank.get(k, len(rank)), k))}


def _flat(item: dict) -> dict:
    """Fields with ``custom`` spread out (``custom.remark``), for comparing."""
    out = {k: v for k, v in item.items() if k != "custom"}
    for k, v in (item.get("custom") or {}).items():
        out[f"custom.{k}"] = v
    return out


def differing_fields(old: dict, new: dict) -> list[str]:
    a, b = _flat(normalise(old)), _flat(normalise(new))
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    keys = sorted(set(a) | set(b), key=lambda k: (rank.get(k.split(".")[0], len(rank)), k))
    return [k for k in keys if k != "id" and a.get(k) != b.get(k)]


# --------------------------------------------------------------------------- writing


class _Flow(dict):
    """A mapping written on one line: names and dates."""


class _FlowList(list):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True))


def _styled(item: dict) -> dict:
    out = {}
    for key, value in ordered(item).items():
        if key in NAME_FIELDS and isinstance(value, list):
            value = [_Flow(p) if isinstance(p, dict) else p for p in value]
        elif key in DATE_FIELDS and isinstance(value, dict):
            value = _Flow({k: (_FlowList(_FlowList(p) if isinstance(p, list) else p for p in v)
                               if k == "date-parts" else v) for k, v in value.items()})
        out[key] = value
    return out


def dump_csl_yaml(items: list[dict], references: bool = False) -> str:
    """CSL-YAML that reads well: one entry after another, names and dates on one
    line. ``references``: under a top-level ``references:`` key, as Pandoc wants
    a YAML bibliography (a bare list is what the library's own files hold)."""
    if not items and not references:
        return ""
    data = [_styled(i) for i in items]
    return yaml.dump({"references": data} if references else data, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=4096, default_flow_style=False)


def dump_csl_json(items: list[dict]) -> str:
    return json.dumps([ordered(normalise(i)) for i in items], ensure_ascii=False, indent=2) + "\n"


_BIBTEX_OUT = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article", "article": "article",
    "book": "book", "chapter": "incollection", "paper-conference": "inproceedings", "report": "techreport",
    "thesis": "phdthesis", "webpage": "online", "post-weblog": "online", "post": "online",
    "pamphlet": "booklet", "manuscript": "unpublished",
}
_SPECIAL = re.compile(r"([&%$#_])")


def _bib_escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", str(text))


def _bib_name(p: dict) -> str:
    if "literal" in p:
        return "{" + _bib_escape(p["literal"]) + "}"
    family = p.get("family", "")
    if p.get("non-dropping-particle"):
        family = f"{p['non-dropping-particle']} {family}"
    parts = [_bib_escape(family)]
    if p.get("suffix"):
        parts.append(_bib_escape(p["suffix"]))
    if p.get("given"):
        parts.append(_bib_escape(p["given"]))
    return ", ".join(parts)


def dump_bibtex(items: list[dict]) -> str:
    """BibTeX (UTF-8, for biblatex/biber): lossy for legal items, which BibTeX has no types for."""
    out = []
    for raw in items:
        item = normalise(raw)
        kind = item.get("type", "document")
        entry = _BIBTEX_OUT.get(kind, "misc")
        fields: list[tuple[str, str]] = []
        for name in ("author", "editor", "translator"):
            if isinstance(item.get(name), list):
                fields.append((name, " and ".join(_bib_name(p) for p in item[name] if isinstance(p, dict))))
        if item.get("title"):
            fields.append(("title", _bib_escape(item["title"])))
        container = item.get("container-title")
        if container:
            fields.append(("journal" if entry == "article" else "booktitle", _bib_escape(container)))
        body = item.get("publisher") or item.get("authority")
        if body:
            fields.append(("institution" if entry == "techreport" else "school" if entry == "phdthesis"
                           else "publisher", _bib_escape(body)))
        simple = (("collection-title", "series"), ("publisher-place", "address"), ("volume", "volume"),
                  ("issue", "number"), ("number", "number"), ("edition", "edition"), ("genre", "type"),
                  ("collection-number", "number"), ("section", "note"), ("title-short", "shorttitle"),
                  ("NOR", "nor"), ("ECLI", "ecli"))
        seen = {f for f, _ in fields}
        for csl, bib in simple:
            if item.get(csl) and bib not in seen:
                fields.append((bib, _bib_escape(item[csl])))
                seen.add(bib)
        if item.get("language"):
            from .sources_bibtex import LANGUAGES

            babel = {tag: name for name, tag in reversed(list(LANGUAGES.items()))}
            fields.append(("langid", babel.get(str(item["language"]), str(item["language"]))))
        if item.get("page"):
            fields.append(("pages", str(item["page"]).replace("-", "--")))
        parts = _date_parts(item.get("issued"))
        if parts:
            fields.append(("year", str(parts[0])))
            if len(parts) > 1:
                fields.append(("month", str(parts[1])))
            if len(parts) > 2:
                fields.append(("day", str(parts[2])))
        for csl, bib in (("DOI", "doi"), ("URL", "url"), ("ISBN", "isbn"), ("ISSN", "issn")):
            if item.get(csl):
                fields.append((bib, str(item[csl])))
        orig = _date_parts(item.get("original-date"))
        if orig:
            fields.append(("origdate", "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(orig))))
        acc = _date_parts(item.get("accessed"))
        if acc:
            fields.append(("urldate", "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(acc))))
        body_text = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        out.append(f"@{entry}{{{item['id']},\n{body_text}\n}}\n")
    return "\n".join(out)


def export_item(key: str, item: dict) -> dict:
    """An item as Pandoc and Zotero should read it: CSL fields, ``custom`` kept
    (Pandoc ignores it), and no ``note``, which some styles print: the
    library's notes are editors' remarks, moved to ``custom.remark``."""
    out = normalise({**item, "id": key})
    note = out.pop("note", None)
    if note:
        custom = dict(out.get("custom") or {})
        custom["remark"] = f"{custom['remark']}\n{note}" if custom.get("remark") else str(note)
        out["custom"] = custom
    return ordered(out)


def export_text(sources: dict[str, dict], fmt: str) -> str:
    """The whole bibliography in one format. CSL-YAML is a ``references:``
    mapping, the form Pandoc reads as a bibliography file or in a document's
    metadata; CSL-JSON is a plain list, as Zotero writes it."""
    items = [export_item(k, sources[k]) for k in sorted(sources)]
    if fmt == "csl-json":
        return dump_csl_json(items)
    if fmt == "csl-yaml":
        return dump_csl_yaml(items, references=True)
    if fmt == "bibtex":
        return dump_bibtex(items)
    raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}.")


# --------------------------------------------------------------------------- import


@dataclass
class Change:
    """One field of one entry, before and after an import."""

    field: str
    old: object
    new: object

    def describe(self) -> str:
        if self.old is None:
            return f"{self.field}: added {_show(self.new)}"
        if self.new is None:
            return f"{self.field}: removed (was {_show(self.old)})"
        return f"{self.field}: {_show(self.old)} -> {_show(self.new)}"


def _show(value) -> str:
    """A field's value on one line of the terminal."""
    if isinstance(value, dict) and "date-parts" in value:
        return "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(value["date-parts"][0]))
    if isinstance(value, list) and value and all(isinstance(p, dict) for p in value):
        from .bibliography import names

        return names(value)
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 70 else text[:67] + "...")


@dataclass
class Update:
    key: str
    changes: list[Change]
    matched_by: str  # "key", "Zotero URI", "DOI", "ISBN and title", "URL and title"
    file_key: str = ""  # the key the file gives, when it is not the library's


@dataclass
class Conflict:
    key: str
    fields: list[str]
    path: Path  # where the existing entry stands
    line: int
    overwritten: bool = False
    blocked: str = ""  # why it cannot be written: the entry is in another file of the library
    matched_by: str = "key"


@dataclass
class ImportReport:
    source: Path
    target: Path
    new: list[str] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    ignored_fields: set[str] = field(default_factory=set)
    written: bool = False

    def summary(self) -> str:
        n = len(self.conflicts)
        kept = sum(1 for c in self.conflicts if not c.overwritten)
        text = (f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{n} conflict{'s' if n != 1 else ''}")
        if n and kept == n:
            text += " (existing entries kept; --overwrite replaces them)"
        elif n:
            text += f" ({n - kept} overwritten, {kept} kept)"
        return text

    def lines(self, show_path=str) -> list[str]:
        """What the import did, for the terminal: one line per entry added,
        updated or in conflict, and one per field an update changed."""
        verb = "Imported" if self.written else "Nothing to write from"
        out = [f"{verb} {show_path(self.source)} into {show_path(self.target)}: {self.summary()}."]
        out += [f"  new        {key}" for key in self.new]
        for u in self.updated:
            how = f" (matched by {u.matched_by})" if u.matched_by != "key" else ""
            out.append(f"  updated    {u.key}{how}")
            if u.file_key:
                out.append(f"      the file calls it '{u.file_key}'; the library keeps the key '{u.key}', "
                           "which the arguments cite")
            out += [f"      {c.describe()}" for c in u.changes]
        for c in self.conflicts:
            state = "overwritten" if c.overwritten else "kept"
            how = f" (matched by {c.matched_by})" if c.matched_by != "key" else ""
            out.append(f"  conflict   {c.key}{how}: {', '.join(c.fields)} differ from {show_path(c.path)}:{c.line} "
                       f"({state}{'; ' + c.blocked if c.blocked else ''})")
        if self.ignored_fields:
            out.append(f"  BibTeX fields with no CSL place, left out: {', '.join(sorted(self.ignored_fields))}")
        return out


def zotero_uri(item: dict) -> str:
    return str((item.get("custom") or {}).get("zotero_uri") or "")


def _same_text(a, b) -> bool:
    def norm(x):
        return re.sub(r"\W+", " ", ascii_text(str(x or "")).lower()).strip()

    return bool(norm(a)) and norm(a) == norm(b)


def find_match(item: dict, candidates: dict[str, dict]) -> tuple[str, str] | None:
    """The library entry that is the same work as ``item``, and how it was
    recognised: by key, then Zotero item URI, then DOI, then ISBN or URL with
    the same title (a chapter shares its book's ISBN; a site, its URL)."""
    key = item["id"]
    if key in candidates:
        return key, "key"
    uri = zotero_uri(item)
    doi = str(item.get("DOI") or "").lower()
    for how, test in (
        ("Zotero URI", lambda c: uri and zotero_uri(c) == uri),
        ("DOI", lambda c: doi and str(c.get("DOI") or "").lower() == doi),
        ("ISBN and title", lambda c: item.get("ISBN") and c.get("ISBN") == item.get("ISBN")
         and _same_text(c.get("title"), item.get("title"))),
        ("URL and title", lambda c: item.get("URL") and c.get("URL") == item.get("URL")
         and _same_text(c.get("title"), item.get("title"))),
    ):
        for other_key, other in candidates.items():
            if test(other):
                return other_key, how
    return None


def _merged(old: dict, new: dict, key: str) -> dict:
    """The incoming item under the library's key, keeping the library's own
    ``custom`` fields (kind, checked, remark…) that the file does not set."""
    custom = {**(old.get("custom") or {}), **(new.get("custom") or {})}
    out = {**new, "id": key}
    if custom:
        out["custom"] = custom
    return normalise(out)


def _changes(old: dict, new: dict) -> list[Change]:
    a, b = _flat(normalise(old)), _flat(normalise(new))
    return [Change(f, a.get(f), b.get(f)) for f in differing_fields(old, new)]


def _check_incoming(source: Path, entries: list[Incoming], problems: list[str]) -> None:
    from .library import CSL_TYPES

    seen: dict[str, int] = {}
    for e in entries:
        key = e.item["id"]
        if not is_key(key):
            problems.append(f"{source}:{e.line}: '{key}' cannot be a citation key; use letters, digits and - _ : .")
        if key in seen and not e.generated_key:
            problems.append(f"{source}:{e.line}: duplicate key '{key}' (also at line {seen[key]})")
        seen.setdefault(key, e.line)
        if e.item.get("type") not in CSL_TYPES:
            problems.append(f"{source}:{e.line}: entry '{key}' has CSL type {e.item.get('type')!r}, which motions does not know")
        if not e.item.get("title"):
            problems.append(f"{source}:{e.line}: entry '{key}' has no title")


def _free_key(key: str, taken) -> str:
    """``key``, or ``key-b``, ``key-c``… when a made-up key is already another work's."""
    if key not in taken:
        return key
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if f"{key}-{suffix}" not in taken:
            return f"{key}-{suffix}"
    raise LibraryError([f"too many sources share the key '{key}'"])


def import_sources(source: Path, target: Path, *, existing: dict[str, dict], where: dict[str, tuple[Path, int]],
                   same_root: Path | None, overwrite: bool = False) -> ImportReport:
    """Merge the entries of ``source`` into the bibliography file ``target``.

    An entry already in ``target`` (same key, Zotero URI, DOI…) is updated in
    place, each changed field reported. An entry found elsewhere in the
    library (``existing``/``where``) is compared with it: the same data is
    unchanged; other data is a conflict, kept unless ``overwrite`` (which
    overrides a shipped entry in this library). A key held by another file of
    the same library (``same_root``) is never written, since the library would
    then hold it twice.
    """
    source, target = Path(source), Path(target)
    entries, problems, ignored = read_entries(source)
    _check_incoming(source, entries, problems)
    if problems:
        raise LibraryError(problems, header=f"{source} cannot be imported ({len(problems)} problem"
                                            f"{'s' if len(problems) != 1 else ''}); nothing was written:")
    current, shape = _read_target(target)
    report = ImportReport(source, target, ignored_fields=ignored)
    in_target = {i["id"]: i for i in current}
    index = {i["id"]: n for n, i in enumerate(current)}
    elsewhere = {k: from_csl({**v, "id": k})[0] for k, v in existing.items() if k not in in_target}
    replaced: dict[int, dict] = {}
    added: list[dict] = []
    for e in entries:
        item = e.item
        match = find_match(item, in_target)
        if match and match[0] not in index:  # an entry this import just added: another work, same made-up key
            match = None
        if match:
            key, how = match
            new = _merged(in_target[key], item, key)
            changes = _changes(in_target[key], new)
            if not changes:
                report.unchanged.append(key)
                continue
            replaced[index[key]] = new
            in_target[key] = new
            report.updated.append(Update(key, changes, how, item["id"] if item["id"] != key else ""))
            continue
        match = find_match(item, elsewhere)
        if match:
            key, how = match
            new = _merged(elsewhere[key], item, key)
            diff = differing_fields(elsewhere[key], new)
            if not diff:
                report.unchanged.append(key)
                continue
            path, line = where.get(key, (Path("?"), 0))
            c = Conflict(key, diff, Path(path), line, matched_by=how)
            if same_root is not None and is_inside(path, same_root):
                c.blocked = f"edit it in {Path(path).name}, the file of your library that holds it"
            elif overwrite:
                c.overwritten = True
                added.append(new)  # overrides the shipped entry in this library
            report.conflicts.append(c)
            continue
        if e.generated_key:
            item = {**item, "id": _free_key(item["id"], set(in_target) | set(existing) | {a["id"] for a in added})}
        report.new.append(item["id"])
        added.append(item)
        in_target[item["id"]] = item
    if added or replaced:
        _write_target(target, current, shape, replaced, added)
        report.written = True
    return report


@dataclass
class _Shape:
    kind: str  # "missing", "yaml-list", "yaml-references", "json"
    text: str = ""
    lines: list[int] = field(default_factory=list)


def _read_target(target: Path) -> tuple[list[dict], _Shape]:
    if not target.exists():
        return [], _Shape("missing")
    entries, problems, _ = read_entries(target)
    if problems:
        raise LibraryError(problems, header=f"{target} has problems; fix them before importing into it:")
    text = target.read_text(encoding="utf-8-sig")
    if target.suffix.lower() == ".json":
        kind = "json"
    else:
        data = yamlfiles.load(text, target)
        kind = "yaml-references" if isinstance(data, dict) else "yaml-list"
    return [e.item for e in entries], _Shape(kind, text, [e.line for e in entries])


def _write_target(target: Path, current: list[dict], shape: _Shape, replaced: dict[int, dict], added: list[dict]) -> None:
    if shape.kind == "missing":
        text = IMPORTED_HEADER + "\n" + dump_csl_yaml(added)
    elif shape.kind == "json":
        items = [replaced.get(i, it) for i, it in enumerate(current)] + added
        text = dump_csl_json(items)
    elif shape.kind == "yaml-references":
        items = [replaced.get(i, it) for i, it in enumerate(current)] + added
        text = dump_csl_yaml(items, references=True)
    else:
        text = _splice(shape.text, shape.lines, replaced)
        if added:
            if text and not text.endswith("\n"):
                text += "\n"
            text += dump_csl_yaml(added)
    atomic_write(target, text.encode("utf-8"))


def _splice(text: str, starts: list[int], replaced: dict[int, dict]) -> str:
    """Replace whole entries of a YAML list in place, keeping comments elsewhere."""
    if not replaced:
        return text
    lines = text.splitlines(keepends=True)
    bounds = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(lines)
        while end > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1  # leave trailing blank and comment lines to the next entry
        bounds.append((start, end))
    for i in sorted(replaced, reverse=True):
        start, end = bounds[i]
        lines[start - 1:end] = [dump_csl_yaml([replaced[i]])]
    return "".join(lines)
