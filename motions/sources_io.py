"""Bibliography in and out: import CSL-JSON, CSL-YAML and BibTeX; export the merged sources.

People keep their sources in Zotero (which exports CSL-JSON) or in BibTeX files;
the library stores CSL-YAML, which is the same data, readable and diffable.
Import merges by citation key into one file of the user's library and never
replaces an entry silently: a key that already exists with other data is a
conflict, listed field by field, kept as it is unless ``overwrite``. Export
writes what the library holds (shipped + user) for Pandoc and Zotero.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import yamlfiles
from .errors import LibraryError, UsageError
from .output import atomic_write, is_inside
from .schema import CITATION_ITEM

#: CSL date fields (values are ``{date-parts: [[y, m, d]]}``).
DATE_FIELDS = ("issued", "accessed", "event-date", "original-date", "submitted")
#: CSL "number" variables: strings or numbers in CSL-JSON; kept as strings here.
NUMBER_FIELDS = ("volume", "issue", "page", "number", "edition", "number-of-pages", "number-of-volumes",
                 "chapter-number", "collection-number")
NAME_FIELDS = ("author", "editor", "translator", "container-author", "director", "interviewer",
               "collection-editor", "composer", "recipient", "reviewed-author")
#: The order fields are written in, for people reading the file.
FIELD_ORDER = ("id", "type", "author", "editor", "title", "container-title", "collection-title",
               "authority", "genre", "publisher", "publisher-place", "issued", "volume", "issue",
               "number", "section", "page", "number-of-pages", "edition", "DOI", "ISBN", "ISSN",
               "URL", "accessed", "language", "note")
FORMATS = ("csl-json", "csl-yaml", "bibtex")

IMPORTED_HEADER = """\
# Sources imported with `motions sources import` (CSL-YAML: the fields are CSL's,
# see docs/library-format.md). You may edit this file by hand; a later import adds
# new keys at the end and never changes an entry unless you pass --overwrite.
"""


# --------------------------------------------------------------------------- reading


@dataclass
class Incoming:
    """One entry read from a file, with where it stands (for messages)."""

    item: dict
    line: int


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
        return _read_bibtex(text, path)
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
        item = dict(item)
        key = item.pop("citation-key", None) or item.get("id")
        if key is None or _looks_generated(str(key)):
            key = make_key(item)
        item["id"] = str(key)
        out.append(Incoming(normalise(item), line))
    return out, problems


def _looks_generated(key: str) -> bool:
    """Zotero without Better BibTeX exports ids like ``http://zotero.org/...`` or numbers."""
    return key.isdigit() or "://" in key or not key.strip()


def make_key(item: dict) -> str:
    """A readable key for an entry without one: family-year-firstword."""
    who = ""
    people = item.get("author") or item.get("editor") or []
    if isinstance(people, list) and people and isinstance(people[0], dict):
        who = people[0].get("family") or people[0].get("literal") or ""
    year = ""
    parts = _date_parts(item.get("issued"))
    if parts:
        year = str(parts[0])
    words = [w for w in re.findall(r"\w+", str(item.get("title", ""))) if len(w) > 3]
    raw = "-".join(x for x in (who.split()[0] if who else "", year, words[0] if words else "source") if x)
    return slug(raw)


def slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "source"


# --------------------------------------------------------------------------- normalising


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


def normalise(item: dict) -> dict:
    """The item as plain JSON data in one canonical spelling (so comparisons are fair):
    dates as date-parts of integers, CSL numbers as strings, no empty fields."""
    out: dict = {}
    for key, value in item.items():
        key = str(key)
        if value is None or value == "" or value == []:
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


def differing_fields(old: dict, new: dict) -> list[str]:
    a, b = normalise(old), normalise(new)
    return [k for k in ordered({**a, **b}) if k != "id" and a.get(k) != b.get(k)]


# --------------------------------------------------------------------------- BibTeX -> CSL

BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
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
    "misc": "document",  # "webpage" when it has a URL
    "legislation": "legislation",
    "jurisdiction": "legal_case",
}
#: BibTeX field -> CSL field, the same for every entry type.
BIBTEX_FIELDS = {
    "title": "title",
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
    "note": "note",
    "language": "language",
    "langid": "language",
    "chapter": "chapter-number",
}
_USED_ELSEWHERE = {"author", "editor", "year", "month", "day", "date", "urldate", "number", "issue",
                   "institution", "school", "organization", "type", "howpublished"}
_VERBATIM = {"url", "doi", "isbn", "issn"}  # no LaTeX decoding: % and _ are literal there
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def _decoder():
    import pylatexenc.latex2text as l2t

    db = l2t.get_default_latex_context_db()
    db.add_context_category("motions-bibtex", prepend=True, macros=[l2t.MacroTextSpec("url", simplify_repl="%s")])
    return l2t.LatexNodes2Text(latex_context=db, math_mode="verbatim")


def _read_bibtex(text: str, path: Path) -> tuple[list[Incoming], list[str], set[str]]:
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
    decode = _decoder().latex_to_text
    out: list[Incoming] = []
    ignored: set[str] = set()
    for entry in lib.entries:
        fields = {f.key.lower(): f.value for f in entry.fields}
        item, skipped = bibtex_to_csl(entry.entry_type.lower(), entry.key, fields, decode)
        ignored |= skipped
        out.append(Incoming(normalise(item), (entry.start_line or 0) + 1))
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


def bibtex_to_csl(entry_type: str, key: str, fields: dict, decode) -> tuple[dict, set[str]]:
    """One BibTeX entry as a CSL item, and the BibTeX fields it had no place for."""
    kind = BIBTEX_TYPES.get(entry_type, "document")
    if entry_type == "misc" and fields.get("url"):
        kind = "webpage"
    item: dict = {"id": key, "type": kind}
    for name in ("author", "editor"):
        if fields.get(name):
            item[name] = _bib_names(fields[name], decode)
    for bib, csl in BIBTEX_FIELDS.items():
        if bib in fields and csl not in item:
            value = str(fields[bib])
            if bib in _VERBATIM:
                value = value.strip().strip("{}").strip()
                if bib == "doi":
                    value = re.sub(r"^https?://(dx\.)?doi\.org/", "", value)
            elif bib == "pages":
                value = re.sub(r"\s*-{1,3}\s*", "-", value.strip())
            else:
                value = _clean(value, decode)
            item[csl] = value
    number = fields.get("number") or fields.get("issue")
    if number:
        item["issue" if kind == "article-journal" else "number"] = _clean(number, decode)
    body = fields.get("institution") or fields.get("school") or fields.get("organization")
    if body and "publisher" not in item:
        item["publisher"] = _clean(body, decode)
    if fields.get("type") and kind in ("report", "thesis"):
        item["genre"] = _clean(fields["type"], decode)
    elif entry_type == "phdthesis":
        item["genre"] = "thèse de doctorat"
    elif entry_type == "mastersthesis":
        item["genre"] = "mémoire de master"
    if fields.get("howpublished"):
        how = str(fields["howpublished"]).strip()
        m = re.match(r"^\\url\{(.+)\}$", how)
        if m and "URL" not in item:
            item["URL"] = m.group(1)
        elif "note" not in item:
            item["note"] = _clean(how, decode)
    issued = _bib_date(fields.get("date"), fields.get("year"), fields.get("month"), fields.get("day"))
    if issued:
        item["issued"] = {"date-parts": [issued]}
    accessed = _bib_date(fields.get("urldate"), None, None, None)
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    skipped = set(fields) - set(BIBTEX_FIELDS) - _USED_ELSEWHERE
    return item, skipped


def _bib_date(date, year, month, day) -> list[int] | None:
    if date:
        parts = _date_parts(str(date).split("/")[0])
        if parts:
            return parts
    if not year:
        return None
    m = re.search(r"\d{4}", str(year))
    if not m:
        return None
    parts = [int(m.group())]
    if month not in (None, ""):
        mon = month if isinstance(month, int) else _MONTHS.get(str(month).strip().lower()[:3])
        if mon is None and str(month).strip().isdigit():
            mon = int(str(month).strip())
        if mon and 1 <= mon <= 12:
            parts.append(mon)
            if day and str(day).strip().isdigit():
                parts.append(int(str(day).strip()))
    return parts


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


def dump_csl_yaml(items: list[dict]) -> str:
    """CSL-YAML that reads well: one entry after another, names and dates on one line."""
    if not items:
        return ""
    return yaml.dump([_styled(i) for i in items], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=4096, default_flow_style=False)


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
        for name in ("author", "editor"):
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
                  ("section", "note"), ("note", "note"), ("language", "language"))
        seen = {f for f, _ in fields}
        for csl, bib in simple:
            if item.get(csl) and bib not in seen:
                fields.append((bib, _bib_escape(item[csl])))
                seen.add(bib)
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
        acc = _date_parts(item.get("accessed"))
        if acc:
            fields.append(("urldate", "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(acc))))
        body_text = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        out.append(f"@{entry}{{{item['id']},\n{body_text}\n}}\n")
    return "\n".join(out)


def export_text(sources: dict[str, dict], fmt: str) -> str:
    items = [normalise({**sources[k], "id": k}) for k in sorted(sources)]
    if fmt == "csl-json":
        return dump_csl_json(items)
    if fmt == "csl-yaml":
        return dump_csl_yaml(items)
    if fmt == "bibtex":
        return dump_bibtex(items)
    raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}.")


# --------------------------------------------------------------------------- import


@dataclass
class Conflict:
    key: str
    fields: list[str]
    path: Path  # where the existing entry stands
    line: int
    overwritten: bool = False
    blocked: str = ""  # why --overwrite cannot apply


@dataclass
class ImportReport:
    source: Path
    target: Path
    new: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    ignored_fields: set[str] = field(default_factory=set)
    written: bool = False

    def summary(self) -> str:
        n = len(self.conflicts)
        kept = sum(1 for c in self.conflicts if not c.overwritten)
        text = (f"{len(self.new)} new, {len(self.unchanged)} unchanged, "
                f"{n} conflict{'s' if n != 1 else ''}")
        if n and kept == n:
            text += " (existing entries kept; --overwrite replaces them)"
        elif n:
            text += f" ({n - kept} overwritten, {kept} kept)"
        return text


def import_sources(source: Path, target: Path, *, existing: dict[str, dict], where: dict[str, tuple[Path, int]],
                   same_root: Path | None, overwrite: bool = False) -> ImportReport:
    """Merge the entries of ``source`` into the bibliography file ``target``.

    ``existing``/``where`` are the library's sources and their locations: a key
    found elsewhere in the library is compared with it (same data: unchanged;
    other data: a conflict). A key held by another file of the same library
    (``same_root``) is never written, since the library would then hold it twice.
    """
    from .library import CSL_TYPES

    source, target = Path(source), Path(target)
    entries, problems, ignored = read_entries(source)
    seen: dict[str, int] = {}
    for e in entries:
        key = e.item["id"]
        if not CITATION_ITEM.match("@" + key) or CITATION_ITEM.match("@" + key).group("key") != key:
            problems.append(f"{source}:{e.line}: '{key}' cannot be a citation key; use letters, digits and - _ : .")
        if key in seen:
            problems.append(f"{source}:{e.line}: duplicate key '{key}' (also at line {seen[key]})")
        seen[key] = e.line
        if e.item.get("type") not in CSL_TYPES:
            problems.append(f"{source}:{e.line}: entry '{key}' has CSL type {e.item.get('type')!r}, which motions does not know")
        if not e.item.get("title"):
            problems.append(f"{source}:{e.line}: entry '{key}' has no title")
    if problems:
        raise LibraryError(problems, header=f"{source} cannot be imported ({len(problems)} problem"
                                            f"{'s' if len(problems) != 1 else ''}); nothing was written:")
    current, shape = _read_target(target)
    report = ImportReport(source, target, ignored_fields=ignored)
    in_target = {i["id"]: n for n, i in enumerate(current)}
    target_lines = {i["id"]: line for i, line in zip(current, shape.lines)}
    replaced: dict[int, dict] = {}
    added: list[dict] = []
    for e in entries:
        key, item = e.item["id"], e.item
        if key in in_target:
            old = current[in_target[key]]
            diff = differing_fields(old, item)
            if not diff:
                report.unchanged.append(key)
                continue
            c = Conflict(key, diff, target, target_lines[key], overwritten=overwrite)
            if overwrite:
                replaced[in_target[key]] = item
            report.conflicts.append(c)
            continue
        if key in existing:
            path, line = where.get(key, (Path("?"), 0))
            diff = differing_fields(existing[key], item)
            if not diff:
                report.unchanged.append(key)
                continue
            c = Conflict(key, diff, Path(path), line)
            if same_root is not None and is_inside(path, same_root):
                c.blocked = f"edit it in {path.name}, the file of your library that holds it"
            elif overwrite:
                c.overwritten = True
                added.append(item)  # overrides the shipped entry in this library
            report.conflicts.append(c)
            continue
        report.new.append(key)
        added.append(item)
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
        text = yaml.dump({"references": [_styled(i) for i in items]}, Dumper=_Dumper, allow_unicode=True,
                         sort_keys=False, width=4096)
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

