"""CSL items in French bibliographic and legal form.

Why not citeproc-py: the CSL styles it can run do not follow French legal
convention ("CE, 4 avril 2025, n° 472245", "Cons. const., déc. n° 2023-850 DC du
17 mai 2023", "CGCT, art. L2121-29"), and French bibliographies put « » around
article titles and italics on books and reports. These rules are short, tested,
and produce the model's inline nodes directly, so DOCX and PDF show the same
entry, with the same italics.
"""

from __future__ import annotations

import re

import datetime as dt

from .document import Emph, Inline, Text, merge_texts
from .typography import MONTHS, date_fr

_COURTS = {
    "conseil d'état": "CE",
    "conseil d’état": "CE",
    "conseil constitutionnel": "Cons. const.",
    "cour de justice de l'union européenne": "CJUE",
    "cour de justice de l’union européenne": "CJUE",
    "cour de cassation": "Cass.",
    "cour européenne des droits de l'homme": "CEDH",
}


def court_abbrev(authority: str) -> str:
    low = authority.strip().lower()
    if low in _COURTS:
        return _COURTS[low]
    for prefix, abbr in (
        ("tribunal administratif de ", "TA "),
        ("tribunal administratif d'", "TA "),
        ("tribunal administratif d’", "TA "),
        ("cour administrative d'appel de ", "CAA "),
        ("cour administrative d’appel de ", "CAA "),
        ("cour administrative d'appel d'", "CAA "),
    ):
        if low.startswith(prefix):
            return abbr + authority.strip()[len(prefix):]
    return authority.strip()


def _date(item: dict, key: str = "issued") -> tuple[int, ...] | None:
    value = item.get(key)
    if not value:
        return None
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if parts and parts[0]:
            try:
                return tuple(int(x) for x in parts[0] if x is not None)
            except (TypeError, ValueError):
                return None
        if value.get("raw"):
            return _parse_raw(str(value["raw"]))
        if value.get("literal"):
            return None
    if isinstance(value, (dt.date,)):
        return (value.year, value.month, value.day)
    if isinstance(value, (str, int)):
        return _parse_raw(str(value))
    return None


def _parse_raw(raw: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(x) for x in raw.strip().split("-")[:3])
    except ValueError:
        return None


def date_text(parts: tuple[int, ...] | None) -> str:
    if not parts:
        return "s.d."
    if len(parts) >= 3:
        return date_fr(dt.date(*parts[:3]))
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def year(item: dict) -> str:
    parts = _date(item)
    return str(parts[0]) if parts else "s.d."


def _name(n: dict) -> str:
    if "literal" in n:
        return str(n["literal"])
    given, family = n.get("given", ""), n.get("family", "")
    particle = n.get("non-dropping-particle", "")
    family = f"{particle} {family}".strip() if particle else family
    return f"{given} {family}".strip()


def names(people) -> str:
    if not people:
        return ""
    if isinstance(people, str):
        return people
    items = [_name(p) for p in people if isinstance(p, dict)]
    if len(items) > 3:
        return f"{items[0]} et al."
    if len(items) > 1:
        return ", ".join(items[:-1]) + " et " + items[-1]
    return items[0] if items else ""


def _body(item: dict) -> list[Inline]:
    kind = item.get("type", "document")
    if kind == "legal_case":
        return _legal_case(item)
    if kind in ("legislation", "bill", "regulation", "treaty"):
        return _legislation(item)
    return _work(item, kind)


def _tail(item: dict) -> list[Inline]:
    """DOI and URL, after the descriptive part."""
    tail = []
    if item.get("DOI"):
        tail.append(f"DOI : {item['DOI']}")
    if item.get("URL"):
        url = str(item["URL"])
        acc = _date(item, "accessed")
        if acc:
            url += f" (consulté le {date_text(acc)})"
        tail.append(url)
    return [Text(". " + ". ".join(tail))] if tail else []


def format_entry(item: dict) -> list[Inline]:
    """One source, for the bibliography: description, then DOI and URL."""
    return _merge(_body(item) + _tail(item) + [Text(".")])


def format_citation(item: dict, locator: str | None) -> list[Inline]:
    """A note: the entry with the locator after the description, before the URL."""
    loc = [Text(f", {locator}")] if locator else []
    return _merge(_body(item) + loc + _tail(item) + [Text(".")])


def _legal_case(item: dict) -> list[Inline]:
    court = court_abbrev(str(item.get("authority") or item.get("publisher") or ""))
    parts = _date(item)
    number = str(item.get("number") or "").strip()
    if court == "Cons. const.":
        text = f"Cons. const., déc. n° {number} du {date_text(parts)}" if number else f"Cons. const., {date_text(parts)}"
        out: list[Inline] = [Text(text)]
        if item.get("title"):
            out += [Text(", "), Emph((Text(str(item["title"])),))]
        return out
    head = court
    if item.get("genre"):
        head += f" ({item['genre']})"
    out = [Text(f"{head}, {date_text(parts)}")]
    if item.get("title"):
        out += [Text(", "), Emph((Text(str(item["title"])),))]
    if number:
        nums = number if number.lower().startswith(("n°", "c-", "aff")) else f"n° {number}"
        out.append(Text(f", {nums}"))
    return out


def _legislation(item: dict) -> list[Inline]:
    title = str(item.get("title", ""))
    out: list[Inline] = [Text(title)]
    if item.get("section"):
        out.append(Text(f", {item['section']}"))
    if item.get("container-title"):
        out += [Text(", "), Emph((Text(str(item["container-title"])),))]
    return out


def _work(item: dict, kind: str) -> list[Inline]:
    out: list[Inline] = []
    who = names(item.get("author")) or names(item.get("editor"))
    if who:
        out.append(Text(who + ", "))
    title = str(item.get("title", ""))
    container = item.get("container-title")
    if kind in ("book", "report", "thesis", "motion_picture", "pamphlet") or not container:
        out.append(Emph((Text(title),)))
    else:
        out.append(Text(f"« {title} »"))
        if kind == "chapter" and item.get("editor"):
            out.append(Text(f", in {names(item.get('editor'))} (dir.),"))
        out += [Text(", " if kind != "chapter" else " "), Emph((Text(str(container)),))]
    if item.get("collection-title"):
        out.append(Text(f", coll. « {item['collection-title']} »"))
    if item.get("genre") and kind in ("report", "thesis", "speech"):
        out.append(Text(f", {item['genre']}"))
    if item.get("volume"):
        out.append(Text(f", vol. {item['volume']}"))
    if item.get("issue"):
        out.append(Text(f", n° {item['issue']}"))
    if item.get("number") and kind not in ("book",):
        out.append(Text(f", n° {item['number']}"))
    place = item.get("publisher-place")
    publisher = item.get("publisher")
    if place:
        out.append(Text(f", {place}"))
    if publisher and publisher != who:
        out.append(Text(f", {publisher}"))
    out.append(Text(f", {date_text(_date(item))}"))
    if item.get("page"):
        pages = str(item["page"])
        out.append(Text(f", p. {pages}" if "-" in pages or "–" in pages else f", p. {pages}"))
    elif item.get("number-of-pages"):
        out.append(Text(f", {item['number-of-pages']} p."))
    if item.get("ISBN"):
        out.append(Text(f", ISBN {item['ISBN']}"))
    return out


def _merge(nodes: list[Inline]) -> list[Inline]:
    out = merge_texts(nodes)
    # avoid ".." when a title ends with a full stop or an ellipsis
    cleaned = []
    for node in out:
        if isinstance(node, Text):
            node = Text(node.text.replace("..", ".").replace("?.", "?").replace("!.", "!").replace("….", "…"))
        cleaned.append(node)
    return cleaned


def sort_key(item: dict) -> tuple:
    """Bibliography order: legal texts, then case law by date, then works by author."""
    kind = item.get("type")
    group = 0 if kind in ("legislation", "bill", "regulation", "treaty") else 1 if kind == "legal_case" else 2
    who = names(item.get("author")) or str(item.get("authority") or item.get("title", ""))
    # section and id break ties (several articles of one code share author, year and
    # title): without them the order would follow set iteration, which varies per run.
    section = tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(item.get("section", "")).lower()))
    return (group, who.lower(), year(item), str(item.get("title", "")).lower(), section, str(item.get("id", "")))


# ---------------------------------------------------------------------------
# Interim forms (the bibliography branch replaces these with complete ones).


def format_full(item: dict, locator: str = "") -> list[Inline]:
    return format_citation(item, locator or None)


def format_short(item: dict, locator: str = "") -> list[Inline]:
    kind = item.get("type")
    if kind in ("legislation", "bill", "regulation", "treaty", "legal_case"):
        out = _body(item)
    else:
        who = names(item.get("author")) or str(item.get("publisher") or "")
        title = str(item.get("title", "")).split(" : ")[0]
        out = ([Text(who + ", ")] if who else []) + [Emph((Text(title),)), Text(f", {year(item)}")]
    if locator:
        out = out + [Text(f", {locator}")]
    return _merge(out + [Text(".")])


import re as _re

_ACRONYM_AT_END = _re.compile(r"\(([A-Z][A-Z0-9-]{1,11})\)\s*$")
_EU_TAG = _re.compile(r" \((UE|CE|CEE|EU|Euratom)\)")
_SMALL_WORDS = {"de", "des", "du", "la", "le", "les", "et", "l", "d", "à", "au", "aux"}


def _short_title(item: dict) -> str:
    """« RGPD », « CGCT », « Loi n° 78-17 », « Directive (UE) 2016/680 »."""
    if item.get("title-short"):
        return str(item["title-short"])
    title = " ".join(str(item.get("title", "")).split())
    m = _ACRONYM_AT_END.search(title)
    if m:
        return m.group(1)
    if title.startswith("Code ") and len(title.split()) > 2:
        words = _re.findall(r"[^\W\d_]+", title)
        return "".join(w[0].upper() for w in words if w.lower() not in _SMALL_WORDS)
    title = _EU_TAG.sub(lambda m: "\0" + m.group(1) + "\1", title)  # keep « (UE) » whole
    for cut in (" du ", " relative ", " relatif ", " établissant ", " (", " : ", ". "):
        i = title.find(cut)
        if i >= 8:
            title = title[:i]
    return title.replace("\0", " (").replace("\1", ")")


def _short_names(item: dict) -> str:
    """Family names only (« Rocher et al. »); a long corporate author gives way
    to a shorter publisher (« CNIL »)."""
    people = item.get("author") or item.get("editor")
    who = ""
    if isinstance(people, list):
        kept = []
        for p in people:
            if not isinstance(p, dict):
                continue
            if "literal" in p:
                kept.append({"literal": p["literal"]})
            else:
                kept.append({k: p[k] for k in ("family", "non-dropping-particle") if k in p})
        if len(kept) > 2:
            kept = kept[:1]
            who = names(kept) + " et al."
        else:
            who = names(kept)
    elif isinstance(people, str):
        who = people
    publisher = str(item.get("publisher") or "")
    if (not who or len(who) > 30) and publisher and len(publisher) < len(who or publisher + "x"):
        who = publisher
    if not who:
        who = str(item.get("container-title") or "") or _short_title(item)
    return who


def format_author_date(item: dict, locator: str = "") -> str:
    """A source as a flyer cites it: « CNIL, 2019 », « CE, 2025, n° 472245 »,
    « CGCT, art. L2121-29 », « RGPD, art. 9 », « Rocher et al., 2019 »."""
    kind = item.get("type")
    if kind == "legal_case":
        court = court_abbrev(str(item.get("authority") or item.get("publisher") or ""))
        number = str(item.get("number") or "").strip()
        if court == "Cons. const." and number:
            text = f"{court}, n° {number}"
        else:
            text = f"{court}, {year(item)}"
            if number:
                text += f", {number}" if number.lower().startswith(("n°", "c-", "aff")) else f", n° {number}"
    elif kind in ("legislation", "bill", "regulation", "treaty"):
        where = item.get("section") or locator
        text = f"{_short_title(item)}, {where or year(item)}"
    else:
        text = f"{_short_names(item)}, {year(item)}"
        if locator:
            text += f", {locator}"
    return text



def author_in_text(item: dict) -> str:
    people = item.get("author") or []
    if people and isinstance(people[0], dict):
        return names(people)
    return str(item.get("authority") or item.get("publisher") or item.get("title", ""))
