"""CSL items in French bibliographic and legal form.

Why not citeproc-py: the CSL styles it can run do not follow French legal
convention ("CE, 4 avril 2025, n° 472245", "Cons. const., déc. n° 2023-850 DC du
17 mai 2023", "CGCT, art. L2121-29"), and French bibliographies put « » around
article titles and italics on books and reports. These rules are short, tested
against a CSL processor (``scripts/compare_citeproc.py``; the differences are
explained in docs/library-format.md), and produce the model's inline nodes
directly, so DOCX and PDF show the same entry, with the same italics and live
links.

Five forms, one per place a source appears:

- :func:`format_full`: the first note citing a work (description, locator, links);
- :func:`format_short`: later notes, a short form that still names the work on
  its own (no « op. cit. », which breaks when the first note is deleted);
- :func:`format_entry`: one entry of the list of sources (the dossier);
- :func:`format_author_date`: the flyer's « CNIL, 2019 »;
- :func:`author_in_text`: « la CNIL » for ``@key says…`` in running text.

Never printed: ``custom`` (the project's own fields: kind, checked, remark…)
and ``note`` (Zotero's « Extra », editors' remarks).
"""

from __future__ import annotations

import datetime as dt
import re

from .document import Emph, Inline, Link, Text, merge_texts
from .typography import MONTHS, date_fr

LEGISLATION = ("legislation", "bill", "regulation", "treaty")
#: Works that are part of a larger one: their title goes in « », the larger
#: one's (journal, site, book) in italics. Every other title is in italics.
PART_KINDS = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "chapter", "entry",
    "entry-dictionary", "entry-encyclopedia", "paper-conference", "webpage", "post", "post-weblog",
    "speech", "interview", "review", "review-book",
})

_COURTS = {
    "conseil d'état": "CE",
    "conseil d’état": "CE",
    "conseil constitutionnel": "Cons. const.",
    "cour de justice de l'union européenne": "CJUE",
    "cour de justice de l'union européenne": "CJUE",
    "cour de cassation": "Cass.",
    "cour européenne des droits de l'homme": "CEDH",
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


# --------------------------------------------------------------------------- dates


def _date(item: dict, key: str = "issued") -> tuple[int, ...] | None:
    value = item.get(key)
    if not value:
        return None
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if parts and parts[0]:
            try:
                return tuple(int(x) for x in parts[0] if x not in (None, ""))
            except (TypeError, ValueError):
                return None
        if value.get("raw"):
            return _parse_raw(str(value["raw"]))
        return None
    if isinstance(value, dt.date):
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
    """« 4 avril 2025 », « mai 2023 », « 2021 », « s.d. ». An impossible date
    (refused at import and by the check) is shown as written, never a crash."""
    if not parts:
        return "s.d."
    try:
        if len(parts) >= 3:
            return date_fr(dt.date(*parts[:3]))
        if len(parts) == 2:
            if not 1 <= parts[1] <= 12:
                raise ValueError
            return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    except ValueError:
        return "-".join(str(p) for p in parts)
    return str(parts[0])


def year(item: dict) -> str:
    parts = _date(item)
    return str(parts[0]) if parts else "s.d."


def _year_with_original(item: dict) -> str:
    """« 2004 [1975] »: the date of the edition cited (as precise as the data),
    then the first edition's year."""
    text = date_text(_date(item))
    orig = _date(item, "original-date")
    if orig and str(orig[0]) != year(item):
        text += f" [{orig[0]}]"
    return text


# --------------------------------------------------------------------------- names


def _name(n: dict) -> str:
    if "literal" in n:
        return str(n["literal"])
    given, family = n.get("given", ""), n.get("family", "")
    particle = n.get("non-dropping-particle", "")
    family = f"{particle} {family}".strip() if particle else family
    dropping = n.get("dropping-particle", "")
    given = f"{given} {dropping}".strip() if dropping else given
    text = f"{given} {family}".strip()
    return f"{text} {n['suffix']}" if n.get("suffix") else text


def _family(n: dict) -> str:
    if "literal" in n:
        return str(n["literal"])
    particle = n.get("non-dropping-particle", "")
    family = str(n.get("family") or n.get("given") or "")
    return f"{particle} {family}".strip() if particle else family


def _join(items: list[str]) -> str:
    if len(items) > 3:
        return f"{items[0]} et al."
    if len(items) > 1:
        return ", ".join(items[:-1]) + " et " + items[-1]
    return items[0] if items else ""


def names(people) -> str:
    """« Léa Martin et Paul Bernard »; four people or more: « Léa Martin et al. »."""
    if not people:
        return ""
    if isinstance(people, str):
        return people
    return _join([_name(p) for p in people if isinstance(p, dict)])


def family_names(people) -> str:
    """« Martin et Bernard »; three people or more: « Martin et al. »."""
    if not people:
        return ""
    if isinstance(people, str):
        return people
    items = [_family(p) for p in people if isinstance(p, dict)]
    return f"{items[0]} et al." if len(items) > 2 else _join(items)


def _people(item: dict, key: str) -> list[dict]:
    value = item.get(key)
    return [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []


def _short_creator(item: dict) -> str:
    """Family names, or the institution; a long corporate name gives way to a
    shorter publisher (« Commission nationale de l'informatique… » -> « CNIL »)."""
    people = _people(item, "author") or _people(item, "editor")
    who = family_names(people) if people else str(item.get("author") or "")
    publisher = str(item.get("publisher") or "")
    corporate = bool(people) and all("literal" in p for p in people)
    if corporate and len(who) > 30 and publisher and len(publisher) < len(who):
        return publisher
    return who


# --------------------------------------------------------------------------- titles


def quoted(title: str) -> str:
    """« Titre », with guillemets already in the title turned to “ ” (French
    quotes inside quotes) instead of « « nested » »."""
    text = " ".join(str(title).split())
    if text.startswith("«") and text.endswith("»") and text.count("«") == 1:
        text = text[1:-1].strip()
    text = re.sub(r"«\s*(.*?)\s*»", r"“\1”", text)
    return f"« {text} »"


def _title_node(item: dict, title: str) -> Inline:
    if item.get("type") in PART_KINDS:
        return Text(quoted(title))
    return Emph((Text(" ".join(title.split())),))


def short_title(item: dict) -> str:
    """The title cut to what names the work: ``title-short`` when given, else the
    title before its subtitle (« Reconnaissance faciale » for « Reconnaissance
    faciale : pour un débat… »)."""
    if item.get("title-short"):
        return str(item["title-short"])
    title = " ".join(str(item.get("title", "")).split())
    for cut in (" : ", ": ", ". ", " — ", " – ", " ! ", " ? "):
        i = title.find(cut)
        if i >= 8:
            title = title[:i] + (cut.rstrip() if cut.strip() in "!?" else "")  # « Vous êtes filmés ! »
    return title.strip()


_ACRONYM_AT_END = re.compile(r"\(([A-Z][A-Z0-9-]{1,11})\)\s*$")
_EU_TAG = re.compile(r"\((UE|CE|CEE|EU|Euratom)\)")
_SMALL_WORDS = {"de", "des", "du", "la", "le", "les", "et", "l", "d", "à", "au", "aux"}
_ACT_WORDS = ("Loi organique", "Loi", "Ordonnance", "Décret", "Arrêté")


def legal_title(item: dict) -> str:
    """A statute's title, with its number and date when the title lacks them:
    « Loi n° 2023-380 du 19 mai 2023 relative… » from title « Loi relative… »,
    number « 2023-380 » and issued 2023-05-19."""
    title = " ".join(str(item.get("title", "")).split())
    number = str(item.get("number") or "").strip()
    if not number or number in title:
        return title
    for word in _ACT_WORDS:
        if title.startswith(word + " "):
            parts = _date(item)
            when = f" du {date_text(parts)}" if parts and len(parts) == 3 else ""
            return f"{word} n° {number}{when} {title[len(word) + 1:]}"
    return f"{title}, n° {number}"


def short_legal_title(item: dict) -> str:
    """« CGCT », « RGPD », « Loi n° 2023-380 du 19 mai 2023 », « Règlement (UE) 2016/679 »."""
    if item.get("title-short"):
        return str(item["title-short"])
    title = legal_title(item)
    m = _ACRONYM_AT_END.search(title)
    if m:
        return m.group(1)
    if title.startswith("Code ") and len(title.split()) > 2:
        words = re.findall(r"[^\W\d_]+", title)
        return "".join(w[0].upper() for w in words if w.lower() not in _SMALL_WORDS)
    cuts = [" relative ", " relatif ", " portant ", " établissant ", " tendant ", " visant ", " pour ", " (", " : "]
    if _EU_TAG.search(title):
        cuts.insert(0, " du ")  # « Règlement (UE) 2016/679 du Parlement européen… »
    for cut in cuts:
        i = title.find(cut)
        if i >= 8 and not (cut == " (" and _EU_TAG.match(title[i + 1:])):
            title = title[:i]
    return title


# --------------------------------------------------------------------------- locators


def _norm(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", str(text)).strip().rstrip(".").lower()


def _article_locator(section: str, locator: str) -> list[str]:
    """A statute's section and the citation's locator, each said once: « art. 10 »
    cited « art. 10 » is « art. 10 »; an entry for art. 10 cited at « al. 2 » is
    « art. 10, al. 2 »; cited at another article, the locator wins."""
    if not locator:
        return [section] if section else []
    if not section or _norm(section) == _norm(locator):
        return [locator]
    if _norm(locator).startswith("art") and _norm(section).startswith("art"):
        return [locator]
    return [section, locator]


def _new_locator(body: list[Inline], locator: str) -> str:
    """The locator unless the description already says it (« n° 12, n° 12 »)."""
    if not locator:
        return ""
    text = _norm(_plain(body))
    return "" if re.search(r"(^|, )" + re.escape(_norm(locator)) + r"(,|$)", text) else locator


def _plain(nodes: list[Inline]) -> str:
    from .document import plain_text

    return plain_text(tuple(nodes))


# --------------------------------------------------------------------------- pieces


def _edition(value) -> str:
    text = str(value).strip()
    if text.isdigit():
        n = int(text)
        return "" if n == 1 else f"{n}e éd."  # a first edition goes without saying
    m = re.fullmatch(r"(\d+)\s*(?:e|è|ème|eme|nd|rd|th|st)\.?", text)
    if m:
        return _edition(m.group(1))
    return text


def _collection(item: dict) -> str:
    title = item.get("collection-title")
    if not title:
        return ""
    text = f"coll. {quoted(str(title))}"
    if item.get("collection-number"):
        text += f", n° {item['collection-number']}"
    return text


def _links(item: dict) -> list[Inline]:
    """DOI and URL as live links, the access date after the URL."""
    out: list[Inline] = []
    doi = str(item.get("DOI") or "").strip()
    if doi:
        doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
        out += [Text(", "), Link(f"https://doi.org/{doi}", (Text(f"doi:{doi}"),))]
    url = str(item.get("URL") or "").strip()
    if url and not (doi and re.sub(r"^https?://(dx\.)?doi\.org/", "", url, flags=re.I).lower() == doi.lower()):
        out += [Text(", "), Link(url, (Text(url),))]
        acc = _date(item, "accessed")
        if acc:
            out.append(Text(f" (consulté le {date_text(acc)})"))
    return out


def _identifiers(item: dict) -> list[Inline]:
    out: list[Inline] = []
    if item.get("NOR"):
        out.append(Text(f", NOR : {item['NOR']}"))
    if item.get("ECLI"):
        ecli = str(item["ECLI"]).strip()
        out.append(Text(", " + (ecli if ecli.upper().startswith("ECLI:") else f"ECLI:{ecli}")))
    return out


# --------------------------------------------------------------------------- bodies


def _legal_case_head(item: dict, with_title: bool) -> list[Inline]:
    court = court_abbrev(str(item.get("authority") or item.get("publisher") or ""))
    parts = _date(item)
    number = str(item.get("number") or "").strip()
    if court == "Cons. const.":
        text = f"Cons. const., déc. n° {number} du {date_text(parts)}" if number else f"Cons. const., {date_text(parts)}"
        out: list[Inline] = [Text(text)]
        if with_title and item.get("title"):
            out += [Text(", "), Emph((Text(str(item["title"])),))]
        return out
    head = court
    if with_title and item.get("genre"):
        head += f" ({item['genre']})"
    out = [Text(f"{head}, {date_text(parts)}")]
    if with_title and item.get("title"):
        out += [Text(", "), Emph((Text(str(item["title"])),))]
    if number:
        nums = number if number.lower().startswith(("n°", "c-", "aff")) else f"n° {number}"
        out.append(Text(f", {nums}"))
    return out


def _legislation(item: dict, locator: str, short: bool) -> list[Inline]:
    title = short_legal_title(item) if short else legal_title(item)
    out: list[Inline] = [Text(title)]
    for part in _article_locator(str(item.get("section") or ""), locator):
        out.append(Text(f", {part}"))
    if not short and item.get("container-title"):
        out += [Text(", "), Emph((Text(str(item["container-title"])),))]
        if item.get("issue"):
            out.append(Text(f" n° {item['issue']}"))
        if item.get("page"):
            out.append(Text(f", p. {item['page']}"))
    return out


def _creators(item: dict) -> list[Inline]:
    """Who made the work, before the title: authors, or the editors « (dir.) »."""
    authors = names(item.get("author"))
    if authors:
        return [Text(authors + ", ")]
    editors = names(item.get("editor"))
    if editors:
        return [Text(f"{editors} (dir.), ")]
    return []


def _container(item: dict) -> list[Inline]:
    container = item.get("container-title")
    if not container:
        return []
    kind = item.get("type")
    out: list[Inline] = [Text(", ")]
    if kind == "chapter" or kind == "entry-encyclopedia" or kind == "paper-conference":
        heads = names(item.get("container-author"))
        if not heads and item.get("author") and item.get("editor"):
            heads = f"{names(item.get('editor'))} (dir.)"
        out.append(Text(f"in {heads}, " if heads else "in "))
    out.append(Emph((Text(str(container)),)))
    return out


def _work(item: dict, *, locator: str, entry: bool) -> list[Inline]:
    kind = item.get("type", "document")
    out = _creators(item) + [_title_node(item, str(item.get("title", "")))]
    authored = bool(item.get("author"))
    if authored and item.get("editor") and kind not in ("chapter", "entry-encyclopedia", "paper-conference"):
        out.append(Text(f", éd. par {names(item.get('editor'))}"))
    if item.get("translator"):
        out.append(Text(f", trad. par {names(item.get('translator'))}"))
    out += _container(item)
    if item.get("genre") and kind in ("report", "thesis", "speech", "manuscript"):
        out.append(Text(f", {item['genre']}"))
    if item.get("volume"):
        out.append(Text(f", vol. {item['volume']}"))
    if item.get("issue"):
        out.append(Text(f", n° {item['issue']}"))
    if item.get("number"):
        out.append(Text(f", n° {item['number']}"))
    if item.get("edition") and _edition(item["edition"]):
        out.append(Text(f", {_edition(item['edition'])}"))
    if item.get("publisher-place"):
        out.append(Text(f", {item['publisher-place']}"))
    publisher = item.get("publisher")
    if publisher and publisher != names(item.get("author")) and publisher != item.get("container-title"):
        out.append(Text(f", {publisher}"))
    if _collection(item):
        out.append(Text(f", {_collection(item)}"))
    out.append(Text(f", {_year_with_original(item)}"))
    if item.get("page") and not locator:
        out.append(Text(f", p. {item['page']}"))
    if entry:
        if item.get("number-of-pages") and not item.get("page"):
            out.append(Text(f", {item['number-of-pages']} p."))
        if item.get("ISBN"):
            out.append(Text(f", ISBN {item['ISBN']}"))
    return out


def _body(item: dict, locator: str, *, entry: bool) -> list[Inline]:
    kind = item.get("type", "document")
    if kind in LEGISLATION:
        return _legislation(item, locator, short=False) + _identifiers(item)
    if kind == "legal_case":
        body = _legal_case_head(item, with_title=True)
    else:
        body = _work(item, locator=locator, entry=entry)
    loc = _new_locator(body, locator)
    return body + ([Text(f", {loc}")] if loc else []) + _identifiers(item)


# --------------------------------------------------------------------------- the five forms


def format_full(item: dict, locator: str = "") -> list[Inline]:
    """The first note citing a work: its description, the locator (« p. 70 »,
    « art. 9 », « § 4 »), then NOR or ECLI, the DOI and the URL as live links.
    A page count and an ISBN describe the whole book: a note leaves them out,
    and a cited page replaces an article's or a chapter's page range."""
    locator = (locator or "").strip()
    return _merge(_body(item, locator, entry=False) + _links(item) + [Text(".")])


def format_short(item: dict, locator: str = "") -> list[Inline]:
    """Later notes citing the same work: enough to find it in the list of
    sources even if the first note is deleted (« Dupont, *Villes sous
    surveillance*, 2021, p. 12 », « CE, 4 avril 2025, n° 472245 », « CGCT,
    art. L2121-29 »)."""
    locator = (locator or "").strip()
    kind = item.get("type", "document")
    if kind in LEGISLATION:
        return _merge(_legislation(item, locator, short=True) + [Text(".")])
    if kind == "legal_case":
        body = _legal_case_head(item, with_title=False)
    else:
        who = _short_creator(item) or str(item.get("container-title") or "")
        body = ([Text(who + ", ")] if who else []) + [_title_node(item, short_title(item)), Text(f", {year(item)}")]
    loc = _new_locator(body, locator)
    return _merge(body + ([Text(f", {loc}")] if loc else []) + [Text(".")])


def format_entry(item: dict) -> list[Inline]:
    """One source in the list of sources: the full description with the page
    range, the page count and the ISBN, then the links."""
    return _merge(_body(item, "", entry=True) + _links(item) + [Text(".")])


def format_citation(item: dict, locator: str | None) -> list[Inline]:
    """The older name of :func:`format_full`, kept for the callers not yet moved."""
    return format_full(item, locator or "")


def format_author_date(item: dict, locator: str = "") -> str:
    """The flyer's form: « CNIL, 2019 », « CE, 2025, n° 472245 », « Cour des
    comptes, 2020, p. 70 », « CGCT, art. L2121-29 ». Plain text, before the
    typography pass."""
    locator = (locator or "").strip()
    kind = item.get("type")
    if kind in LEGISLATION:
        title = short_legal_title(item)
        parts = _article_locator(str(item.get("section") or ""), locator)
        if not parts and year(item) not in title:
            parts = [year(item)]
        return ", ".join([title] + parts)
    if kind == "legal_case":
        court = court_abbrev(str(item.get("authority") or item.get("publisher") or ""))
        number = str(item.get("number") or "").strip()
        if court == "Cons. const." and number:
            text = f"{court}, n° {number}"
        else:
            text = f"{court}, {year(item)}"
            if number:
                text += f", {number}" if number.lower().startswith(("n°", "c-", "aff")) else f", n° {number}"
    else:
        who = _short_creator(item) or str(item.get("container-title") or "") or short_title(item)
        text = f"{who}, {year(item)}"
    if locator and not re.search(r"(^|, )" + re.escape(_norm(locator)) + "$", _norm(text)):
        text += f", {locator}"
    return text


#: Institutions a text speaks of with an article: « selon la CNIL ».
_ARTICLES = {
    "cnil": "la", "ldh": "la", "cncdh": "la", "cepd": "le", "edpb": "le", "anssi": "l'", "cada": "la",
    "ce": "le", "cjue": "la", "cedh": "la",
}
_LEGAL_WORD = re.compile(r"^(Code|Loi|Ordonnance|Décret|Arrêté|Règlement|Directive|Traité|Convention)\b")
_FEMININE_HEADS = ("commission", "campagne", "loi", "directive", "ordonnance", "convention", "cour", "ligue", "fédération", "quadrature", "défenseure", "direction",
                   "délégation", "mission", "inspection", "haute autorité", "chambre", "agence", "autorité",
                   "association", "assemblée", "union", "organisation")
_MASCULINE_HEADS = ("conseil", "comité", "défenseur", "contrôleur", "sénat", "parlement", "gouvernement",
                    "ministère", "syndicat", "collectif", "haut conseil", "tribunal", "observatoire", "institut",
                    "secrétariat", "bureau", "centre", "groupe", "réseau", "code", "règlement", "décret",
                    "arrêté", "traité")


def _with_article(name: str) -> str:
    """« la CNIL », « le Conseil d'État », « l'Assemblée nationale »; names that
    already open with an article (« La Quadrature du Net ») or take none
    (« Amnesty International ») are left as they are."""
    low = name.lower()
    if re.match(r"^(la|le|les)\s|^l['’]", low):
        return name
    if low in _ARTICLES:
        article = _ARTICLES[low]
        return f"{article}{name}" if article.endswith("'") else f"{article} {name}"
    gender = ""
    for head in _FEMININE_HEADS:
        if low.startswith(head):
            gender = "la"
            break
    for head in _MASCULINE_HEADS:
        if not gender and low.startswith(head):
            gender = "le"
    if not gender:
        return name
    if low[:1] in "aeiouyéèêàâîôûh":
        return f"l'{name}"
    return f"{gender} {name}"


def author_in_text(item: dict) -> str:
    """Who says it, for ``@key says…`` in running text: « la CNIL », « Laurent
    Mucchielli », « le Conseil d'État », « le code général des collectivités
    territoriales ». Plain text, before the typography pass."""
    kind = item.get("type")
    if kind == "legal_case":
        authority = str(item.get("authority") or item.get("publisher") or "").strip()
        if authority.lower().startswith(("tribunal ", "cour administrative d")):
            authority = authority[:1].lower() + authority[1:]  # « le tribunal administratif de Caen »
        return _with_article(authority) if authority else ""
    if kind in LEGISLATION:
        title = short_legal_title(item)
        if legal_title(item).startswith("Code ") and not item.get("title-short"):
            title = legal_title(item)  # « le code général des collectivités territoriales », not « le CGCT »
        return _with_article(title[:1].lower() + title[1:]) if _LEGAL_WORD.match(title) else title
    people = _people(item, "author") or _people(item, "editor")
    if people and all("literal" in p for p in people):
        who = _short_creator(item)
        if len(people) == 1 and who != people[0]["literal"]:  # « CELN » for « Commission d'exemple… »
            full = _with_article(people[0]["literal"])
            article = full[: len(full) - len(people[0]["literal"])]
            if article:
                return f"l'{who}" if who[:1].lower() in "aeiouyéh" else f"{article.strip()} {who}"
        return _join([_with_article(w) for w in who.split(" et ")]) if " et " in who else _with_article(who)
    if people:
        return names(people)
    return quoted(short_title(item)) if kind in PART_KINDS else short_title(item)


# --------------------------------------------------------------------------- helpers


def _merge(nodes: list[Inline]) -> list[Inline]:
    out = merge_texts(nodes)
    # avoid ".." when a title ends with a full stop or an ellipsis
    cleaned = []
    for node in out:
        if isinstance(node, Text):
            node = Text(node.text.replace("..", ".").replace("?.", "?").replace("!.", "!").replace("….", "…"))
        cleaned.append(node)
    return _end_once(cleaned)


def _end_once(nodes: list[Inline]) -> list[Inline]:
    """A title in italics that ends with « ? » or « . » takes no full stop after it."""
    if len(nodes) >= 2 and isinstance(nodes[-1], Text) and nodes[-1].text == "." and isinstance(nodes[-2], Emph):
        inner = _plain(list(nodes[-2].children))
        if inner.endswith((".", "?", "!", "…")):
            return nodes[:-1]
    return nodes


def sort_key(item: dict) -> tuple:
    """Bibliography order: legal texts, then case law by date, then works by author."""
    kind = item.get("type")
    group = 0 if kind in LEGISLATION else 1 if kind == "legal_case" else 2
    who = names(item.get("author")) or names(item.get("editor")) or str(item.get("authority") or item.get("title", ""))
    # section and id break ties (several articles of one code share author, year and
    # title): without them the order would follow set iteration, which varies per run.
    section = tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(item.get("section", "")).lower()))
    return (group, who.lower(), year(item), str(item.get("title", "")).lower(), section, str(item.get("id", "")))
