"""The flyer model: what a flyer says, from the same library, commune and motion.

A flyer is not a second pipeline: it composes the motion (``compose``) and
keeps what a passer-by reads in a minute — the short form of 3 to 5 of the
motion's arguments, the articles of its dispositif shortened to their first
clause, the council session, the group's contact — with short source
references (« CNIL, 2019 ») instead of notes. Pure: no I/O, no format; the
writer (``motions.writers.flyer_pdf``) lays it out and checks that it fits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from . import bibliography, typography
from .compose import Options, compose
from .errors import UsageError
from .facts import Facts
from .library import Library
from .schema import iter_citations, strip_citations
from .typography import NBSP

MIN_ARGUMENTS = 3
MAX_ARGUMENTS = 5

#: Beyond this, the QR code gets too dense to scan at flyer size (24 mm on A5,
#: 18 mm on A6): 200 bytes is a version 9-10 code at error level M.
MAX_URL_LENGTH = 200
#: What a phone does something useful with when it scans the code.
URL_SCHEMES = ("https", "http", "mailto", "tel")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_HOST = re.compile(r"^[^\s/@:]+\.[^\s/@:.]{2,}(?:[/?#]\S*)?$")

#: The headline when the motion template's header gives no ``flyer_headline``.
DEFAULT_HEADLINE = "Pas de surveillance biométrique {a}"


@dataclass(frozen=True)
class FlyerOptions:
    """What the user chose, as one record (the CLI's options)."""

    arguments: tuple[str, ...] = ()  # explicit selection, in order: never dropped to fit
    themes: tuple[str, ...] = ()
    motion: str = "biometrie"
    session_date: dt.date | None = None  # else the facts' session date
    place: str | None = None  # else the facts' session place
    contact: str | None = None  # else the facts' group contact
    url: str | None = None  # the QR code's target
    group: str | None = None  # else the facts' group name
    headline: str | None = None  # else the template's flyer_headline; "{a}" and "{de}" are filled in
    allow_overseas: bool = False


@dataclass(frozen=True)
class Point:
    """One argument on the recto: its short form without citations."""

    argument_id: str
    title: str
    text: str
    references: tuple[str, ...]  # « CNIL, 2019 », for the verso


@dataclass(frozen=True)
class Flyer:
    commune_insee: str
    commune_name: str
    headline: str
    kicker: str  # « Conseil municipal de Villejuif »
    points: tuple[Point, ...]
    decide_heading: str | None  # « Le conseil municipal peut décider : »
    decide: tuple[str, ...]  # the délibération's articles, shortened
    ask_heading: str | None
    ask: tuple[str, ...]  # the vœu's articles, shortened
    session: str | None  # « Le 14 mars 2026, hôtel de ville »
    when: str | None  # « 14 mars 2026 », the session's date alone
    group: str | None
    contact: str | None
    url: str | None
    explicit: bool  # the user chose the arguments: the writer may not drop any
    title: str = ""
    subject: str = ""
    date: str = ""  # ISO date (session date), for reproducible PDF dates
    provenance: dict = field(default_factory=dict, hash=False, compare=False)
    warnings: tuple[str, ...] = ()

    @property
    def references(self) -> tuple[str, ...]:
        """Every point's short references, once each, in reading order."""
        return tuple(dict.fromkeys(r for p in self.points for r in p.references))

    def with_points(self, n: int) -> Flyer:
        """The same flyer with only its first ``n`` points."""
        points = self.points[:n]
        prov = dict(self.provenance, arguments=",".join(p.argument_id for p in points))
        return replace(self, points=points, provenance=prov)

    def longest_point(self) -> Point:
        return max(self.points, key=lambda p: len(p.text))


# --------------------------------------------------------------------------- references


_ACRONYM_AT_END = re.compile(r"\(([A-Z][A-Z0-9-]{1,11})\)\s*$")
_EU_TAG = re.compile(r" \((UE|CE|CEE|EU|Euratom)\)")
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
        words = re.findall(r"[^\W\d_]+", title)
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
            who = bibliography.names(kept) + " et al."
        else:
            who = bibliography.names(kept)
    elif isinstance(people, str):
        who = people
    publisher = str(item.get("publisher") or "")
    if (not who or len(who) > 30) and publisher and len(publisher) < len(who or publisher + "x"):
        who = publisher
    if not who:
        who = str(item.get("container-title") or "") or _short_title(item)
    return who


def short_reference(item: dict, locator: str | None = None) -> str:
    """A source as a flyer cites it: « CNIL, 2019 », « CE, 2025, n° 472245 »,
    « CGCT, art. L2121-29 », « RGPD, art. 9 », « Rocher et al., 2019 »."""
    kind = item.get("type")
    if kind == "legal_case":
        court = bibliography.court_abbrev(str(item.get("authority") or item.get("publisher") or ""))
        number = str(item.get("number") or "").strip()
        if court == "Cons. const." and number:
            text = f"{court}, n° {number}"
        else:
            text = f"{court}, {bibliography.year(item)}"
            if number:
                text += f", {number}" if number.lower().startswith(("n°", "c-", "aff")) else f", n° {number}"
    elif kind in ("legislation", "bill", "regulation", "treaty"):
        where = item.get("section") or locator
        text = f"{_short_title(item)}, {where or bibliography.year(item)}"
    else:
        text = f"{_short_names(item)}, {bibliography.year(item)}"
    return typography.french(text)


def point_of(lib: Library, argument) -> Point:
    refs = []
    for key, locator in iter_citations(argument.short):
        if key in lib.sources:
            refs.append(short_reference(lib.sources[key], locator))
    return Point(
        argument_id=argument.id,
        title=typography.french(argument.title),
        text=typography.french(strip_citations(argument.short)),
        references=tuple(dict.fromkeys(refs)),
    )


# --------------------------------------------------------------------------- articles

_SPACE = "[ \u00a0\u202f]"
#: Where the detail of an article begins: what comes after is left to the motion.
_DETAIL = re.compile(
    _SPACE + r"*[:;]" + _SPACE + r"|, (?:et )?notamment\b|, et que\b|, qui sera\b|, dont\b"
)
#: A prepositional incise between commas (« , dans tous les domaines où elle est
#: compétente, »): the sentence reads the same without it.
_INCISE = re.compile(r", (?:dans|par|ni|selon|sur|pour|avec|sans|en) [^,;:.]{1,60},(?= )")
_FIRST_SENTENCE = re.compile(r"(?<=[.!?…])" + _SPACE + r"+(?=[A-ZÀÂÉÈÊÎÔÛÇ«])")
#: The formal last article (« Le maire est chargé de l'exécution… »): not a demand.
_EXECUTION = re.compile(r"\bchargée? de l[’']exécution\b")


def shorten_article(text: str) -> str | None:
    """An article of the dispositif as a flyer says it, or None to leave it out.

    Rules, in order: drop the execution clause; keep the first sentence; cut
    where the detail begins (« : », « ; », « , notamment », « , et que »);
    drop prepositional incises between commas. A vœu's « Que … » becomes
    « que … », to follow « peut demander : ».
    """
    text = " ".join(text.split())
    if _EXECUTION.search(text):
        return None
    text = _FIRST_SENTENCE.split(text, maxsplit=1)[0]
    m = _DETAIL.search(text)
    if m and m.start() >= 30:
        text = text[: m.start()]
    text = _INCISE.sub("", text)
    text = text.rstrip(" \u00a0\u202f.,;:") + "."
    if text.startswith("Que "):
        text = "q" + text[1:]
    return text


# --------------------------------------------------------------------------- compose


def compose_flyer(lib: Library, commune, facts: Facts | None = None,
                  options: FlyerOptions | None = None, *, provenance: dict | None = None) -> Flyer:
    """The flyer of ``options.motion`` for ``commune``."""
    facts = facts or Facts()
    options = options or FlyerOptions()
    if len(options.arguments) > MAX_ARGUMENTS:
        raise UsageError(
            f"a flyer takes {MIN_ARGUMENTS} to {MAX_ARGUMENTS} arguments; {len(options.arguments)} were given "
            f"with --arguments. Keep the {MAX_ARGUMENTS} you find strongest."
        )
    motion = lib.motion(options.motion)
    session_date = options.session_date or facts.session.date
    group = options.group or (facts.group.name if facts.group else None)
    comp = compose(lib, commune, motion, facts, Options(
        arguments=options.arguments, themes=options.themes, date=session_date, group=group,
        allow_overseas=options.allow_overseas,
    ), provenance=provenance)
    warnings = []
    chosen = [d.argument_id for d in comp.decisions if d.included and d.argument_id in lib.arguments]
    for d in comp.decisions:
        if options.arguments and not d.included and d.argument_id in options.arguments:
            warnings.append(f"the argument '{d.argument_id}' is left out: {d.reason}.")
    points = tuple(point_of(lib, lib.arguments[a].argument) for a in chosen[:MAX_ARGUMENTS])
    if len(points) < MIN_ARGUMENTS:
        warnings.append(
            f"only {len(points)} argument{'s' if len(points) != 1 else ''} appl{'y' if len(points) != 1 else 'ies'} "
            f"to {commune.display_name}; a flyer reads best with {MIN_ARGUMENTS} to {MAX_ARGUMENTS} "
            "(add some with --arguments or --theme)."
        )
    if not points:
        raise UsageError(f"no argument of the library applies to {commune.display_name}; "
                         "choose some with --arguments ID,... or --theme.")

    decide, ask = [], []
    for d in comp.document.dispositifs:
        for article in d.articles:
            short = shorten_article(" ".join(p.text for p in article.body))
            if short:
                (decide if d.kind == "deliberation" else ask).append(short)
    the_council = typography.capfirst(comp.regime.the_council)
    decide_heading = f"{the_council} peut décider :" if decide else None
    if ask:
        ask_heading = f"{the_council} peut aussi demander :" if decide else f"{the_council} peut demander :"
    else:
        ask_heading = None

    place = options.place or facts.session.place
    session_parts = []
    if session_date:
        session_parts.append(f"le {typography.date_fr(session_date)}")
    if place:
        session_parts.append(" ".join(place.split()))
    session = typography.french(typography.capfirst(", ".join(session_parts))) if session_parts else None
    contact = options.contact or (facts.group.contact if facts.group and facts.group.contact else None)

    pattern = options.headline or motion.meta.flyer_headline or DEFAULT_HEADLINE
    try:
        # the preposition stays with the name: « à Villejuif » never splits
        headline = pattern.format(a=commune.a.replace(" ", NBSP, 1), de=commune.de.replace(" ", NBSP, 1),
                                  commune=commune.display_name)
    except (KeyError, IndexError, ValueError):
        raise UsageError("the headline may use {a} (« à Villejuif »), {de} (« de Villejuif ») and "
                         "{commune} (« Villejuif »), and no other braces.") from None
    headline = typography.french(re.sub(r"[ \t\r\n]+", " ", headline).strip())
    kicker = typography.french(comp.regime.council_full)
    url = qr_target(options.url, warnings) if options.url else None
    prov = dict(comp.document.metadata.provenance)
    prov.update({"flyer": "1", "arguments": ",".join(p.argument_id for p in points)})
    return Flyer(
        commune_insee=commune.insee,
        commune_name=typography.french(commune.display_name),
        headline=headline,
        kicker=kicker,
        points=points,
        decide_heading=typography.french(decide_heading) if decide_heading else None,
        decide=tuple(decide),
        ask_heading=typography.french(ask_heading) if ask_heading else None,
        ask=tuple(ask),
        session=session,
        when=typography.date_fr(session_date) if session_date else None,
        group=typography.french(group) if group else None,
        contact=typography.french(" ".join(contact.split())) if contact else None,
        url=url,
        explicit=bool(options.arguments),
        title=headline,
        subject=typography.french(f"Tract — {comp.regime.council_full}"),
        date=session_date.isoformat() if session_date else "",
        provenance=prov,
        warnings=tuple(warnings),
    )


def qr_target(url: str, warnings: list[str]) -> str:
    """The address the QR code holds: an http(s), mailto: or tel: address.

    An address typed without its scheme (``example.org/villejuif``) gets
    ``https://``, with a warning, because a phone reads it as plain text
    otherwise; anything else a phone would not open is refused.
    """
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        raise UsageError(f"--url '{url}' is not a web address: it holds spaces. Give an address such as "
                         "https://example.org/villejuif.")
    scheme = _SCHEME.match(url)
    if scheme is None and _BARE_HOST.match(url):
        url = "https://" + url
        warnings.append(f"--url has no https:// in front: the QR code points to {url}.")
    elif scheme is None or scheme.group(1).lower() not in URL_SCHEMES:
        raise UsageError(f"--url '{url}' is not an address a phone opens from a QR code; give a web address "
                         "(https://example.org/villejuif), or mailto: or tel:.")
    size = len(url.encode("utf-8"))
    if size > MAX_URL_LENGTH:
        raise UsageError(f"--url is {size} bytes long: its QR code would be too dense to scan "
                         f"at flyer size (at most {MAX_URL_LENGTH}). Give a shorter address, such as your site's "
                         "home page.")
    return url
