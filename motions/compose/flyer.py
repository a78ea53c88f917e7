"""The flyer: a view of the same motion, for passers-by.

Not a second pipeline: the motion is composed as for ``generate`` (same
selection, same regime, same template), and the flyer keeps what one reads in
a minute — the short form of 3 to 5 of its arguments (parsed like every other
text: italics stay italics), the articles of its dispositif shortened to their
first clause, the session, the group's contact — with its citations resolved
by the same resolver in its "author-date" style (« CNIL, 2019 »). The result is
a Document of kind "flyer"; the flyer writers (``writers/flyer.py``) lay it out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import typography
from ..document import Document, ItemList, Link, Metadata, Paragraph, Section, Text, plain_text
from ..errors import UsageError
from ..facts import Facts
from ..typography import NBSP
from . import Options, compose_motion
from .build import plain, typeset
from .notes import resolve

MIN_ARGUMENTS = 3
MAX_ARGUMENTS = 5
#: Beyond this, the QR code gets too dense to scan at flyer size (24 mm on A5,
#: 18 mm on A6): 200 bytes is a version 9-10 code at error level M.
MAX_URL_LENGTH = 200
URL_SCHEMES = ("https", "http", "mailto", "tel")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_HOST = re.compile(r"^[^\s/@:]+\.[^\s/@:.]{2,}(?:[/?#]\S*)?$")
DEFAULT_HEADLINE = "Pas de surveillance biométrique {a}"
#: The placeholders a headline may use; nothing else is substituted (no str.format).
HEADLINE_PLACEHOLDERS = ("{a}", "{de}", "{commune}")
MAX_HEADLINE = 140


@dataclass(frozen=True)
class FlyerOptions:
    """What the user chose, as one record (the CLI's and the web form's options)."""

    arguments: tuple[str, ...] = ()  # explicit selection, in order: never dropped to fit
    themes: tuple[str, ...] = ()
    motion: str = "biometrie"
    date: dt.date | None = None  # else the facts' session date
    place: str | None = None  # else the facts' session place
    contact: str | None = None  # else the facts' group contact
    url: str | None = None  # the QR code's target
    group: str | None = None  # else the facts' group name
    headline: str | None = None  # else the template's flyer_headline
    allow_overseas: bool = False
    printer: str | None = None  # who printed it, with their address (loi du 29 juillet 1881, art. 3)


def compose_flyer(resources, commune, facts: Facts | None = None, options: FlyerOptions | None = None,
                  *, provenance: dict | None = None) -> Document:
    facts = facts or Facts()
    options = options or FlyerOptions()
    if len(options.arguments) > MAX_ARGUMENTS:
        raise UsageError(f"a flyer takes {MIN_ARGUMENTS} to {MAX_ARGUMENTS} arguments; {len(options.arguments)} "
                         f"were given with --arguments. Keep the {MAX_ARGUMENTS} you find strongest.")
    lib = resources.library
    session_date = options.date or facts.session.date
    group = options.group or (facts.group.name if facts.group else None)
    comp = compose_motion(resources, commune, options.motion, facts, Options(
        arguments=options.arguments, themes=options.themes, date=session_date, group=group,
        allow_overseas=options.allow_overseas), provenance=provenance, dossier=False)
    from ..log import warn

    for d in comp.decisions:
        if options.arguments and not d.included and d.argument_id in options.arguments:
            warn(f"the argument '{d.argument_id}' is left out: {d.reason}.")
    chosen = [e for e in comp.selection.chosen][:MAX_ARGUMENTS]
    if not chosen:
        raise UsageError(f"no argument of the library applies to {commune.display_name}; "
                         "choose some with --arguments ID,... or --theme.")
    if len(chosen) < MIN_ARGUMENTS:
        warn(f"only {len(chosen)} argument(s) apply to {commune.display_name}; a flyer reads best with "
             f"{MIN_ARGUMENTS} to {MAX_ARGUMENTS} (add some with --arguments or --theme).")
    regime = comp.regime
    the_council = typography.capfirst(regime.council)
    sections = [Section("flyer-masthead", None, (
        plain(regime.council_title + (f" · séance du {typography.date_fr(session_date)}" if session_date else ""),
              "flyer-kicker"),
        plain(headline(options.headline or lib.motion(options.motion).meta.flyer_headline or DEFAULT_HEADLINE,
                       commune), "flyer-headline"),
    ))]
    points = tuple(typeset(e.forms["short"]) for e in chosen)
    sections.append(Section("flyer-points", None, (ItemList(points, True, "flyer-point"),)))
    decide, ask = flyer_actions(comp.motion.articles())
    if decide:
        sections.append(Section("flyer-decide", f"{the_council} peut décider :",
                                (ItemList(tuple((Text(typography.french(s)),) for s in decide), False, "flyer-action"),)))
    if ask:
        heading = f"{the_council} peut aussi demander :" if decide else f"{the_council} peut demander :"
        sections.append(Section("flyer-ask", heading,
                                (ItemList(tuple((Text(typography.french(s)),) for s in ask), False, "flyer-action"),)))
    place = options.place or facts.session.place
    when = [f"le {typography.date_fr(session_date)}"] if session_date else []
    if place:
        when.append(" ".join(place.split()))
    if when:
        sections.append(Section("flyer-session", "Venez à la séance, elle est publique",
                                (plain(typography.capfirst(", ".join(when)), "flyer-session"),)))
    contact = options.contact or (facts.group.contact if facts.group and facts.group.contact else None)
    url = qr_target(options.url) if options.url else None
    contact_blocks = []
    if group:
        contact_blocks.append(plain(group, "flyer-group"))
    if contact:
        contact_blocks.append(plain(" ".join(contact.split()), "flyer-contact"))
    if url:
        contact_blocks.append(Paragraph((Link(url, (Text(url),)),), "flyer-url"))
    if contact_blocks:
        sections.append(Section("flyer-contact", None, tuple(contact_blocks)))
    sections.append(Section("flyer-printer", None, (plain(printer_mention(options.printer, group), "small"),)))
    title = plain_text(sections[0].blocks[1].inlines)
    prov = dict(comp.motion.metadata.provenance)
    prov.update({"flyer": "1", "arguments": ",".join(e.argument.id for e in chosen),
                 "explicit": "1" if options.arguments else "0"})
    doc = Document(
        kind="flyer", title=title, running_head=regime.running_head, footer="",
        sections=tuple(sections),
        metadata=Metadata(title=title, author=group or "", subject=typography.french(f"Tract — {regime.council_title}"),
                          keywords=(), language="fr-FR", date=session_date.isoformat() if session_date else "",
                          provenance=prov),
    )
    doc, _ = resolve(doc, lib.sources, style="author-date")
    return doc


def printer_mention(printer: str | None, group: str | None) -> str:
    """The mention every printed matter carries (loi du 29 juillet 1881, art. 3,
    as amended in 2010: the printer's name and address; campaign-kit §7.1).

    ``printer`` is who printed it, with an address: a print shop, or « nos
    soins – Collectif X, adresse » when the collective prints it itself. Without
    it, « Imprimé par nos soins » names the group if there is one; the CLI
    warns that the address is then missing (:func:`printing_warnings`).
    "Ne pas jeter sur la voie publique" is customary, not compulsory (§7.4)."""
    if printer:
        who = " ".join(printer.split())
        who = who[len("imprimé par "):] if who.lower().startswith("imprimé par ") else who
    else:
        who = "nos soins" + (f" – {' '.join(group.split())}" if group else "")
    return f"Imprimé par {who} – Ne pas jeter sur la voie publique"


def printing_warnings(options: FlyerOptions, facts: Facts | None = None) -> list[str]:
    """What the user should know before printing (English, for the CLI):
    the printer's address the press law asks for, and a session date inside a
    pre-election period when posters about the election are restricted
    (code électoral L51; the dates of the 2027 and 2028 elections are not
    confirmed, so the warning says it conditionally)."""
    from ..deadlines import election_periods_covering

    facts = facts or Facts()
    out = []
    if not options.printer:
        out.append("the flyer says « Imprimé par nos soins »: the press law (loi du 29 juillet 1881, art. 3) asks "
                   "for the printer's name and address, and distributing prints without them is forbidden; give "
                   "--printer \"Imprimerie X, 1 rue Y, 75000 Paris\", or your collective's own name and address "
                   "if you print it yourselves (--printer \"nos soins – Collectif X, 1 rue Y, 94800 Villejuif\").")
    day = options.date or facts.session.date
    for period in election_periods_covering(day) if day else ():
        when = f"from {period.start.isoformat()} until the vote ({period.end.isoformat()} at the latest)"
        condition = "" if period.verified else " if the election takes place on the expected date (not confirmed)"
        out.append(f"the session date {day.isoformat()} falls in the pre-election period of {period.election_en}"
                   f"{condition}: {when}, article L51 of the code électoral restricts posters about the election "
                   "to the official boards and the free-expression boards. A poster naming candidates or the "
                   "election goes only there; a purely thematic flyer is probably outside the rule (check it).")
    return out


def headline(pattern: str, commune) -> str:
    """The headline with its placeholders filled: plain substitution of the
    three known names, never ``str.format`` (a library or a user could reach
    Python internals or ask for gigabytes through a format spec)."""
    pattern = re.sub(r"[ \t\r\n]+", " ", pattern).strip()
    if len(pattern) > MAX_HEADLINE:
        raise UsageError(f"the headline has {len(pattern)} characters; a flyer's headline takes at most {MAX_HEADLINE}.")
    stray = re.sub(r"\{(a|de|commune)\}", "", pattern)
    if "{" in stray or "}" in stray:
        raise UsageError("the headline may use {a} (« à Villejuif »), {de} (« de Villejuif ») and "
                         "{commune} (« Villejuif »), and no other braces.")
    text = (pattern.replace("{a}", commune.a.replace(" ", NBSP, 1))
            .replace("{de}", commune.de.replace(" ", NBSP, 1))
            .replace("{commune}", commune.display_name))
    return typography.french(text)


# --------------------------------------------------------------------------- articles

_SPACE = "[ \u00a0\u202f]"
#: Where the detail of an article begins: what comes after is left to the motion.
_DETAIL = re.compile(_SPACE + r"*[:;]" + _SPACE + r"|, (?:et )?notamment\b|, et que\b|, qui sera\b|, dont\b")
#: A prepositional incise between commas (« , dans tous les domaines où elle est
#: compétente, »): the sentence reads the same without it.
# (never « ni » or « sans »: dropping them can reverse what the article says)
_INCISE = re.compile(r", (?:dans|par|selon|sur|pour|avec|en) [^,;:.]{1,60},(?= )")
_FIRST_SENTENCE = re.compile(r"(?<=[.!?…])" + _SPACE + r"+(?=[A-ZÀÂÉÈÊÎÔÛÇ«])")
#: The formal last article (« Le maire est chargé de l'exécution… »): not a demand.
_EXECUTION = re.compile(r"\bchargée? de l[’']exécution\b")


#: A flyer names at most this many decisions and this many requests: the
#: motion has them all; a flyer points at the main ones.
MAX_DECIDE, MAX_ASK = 2, 3
#: Which requests a flyer names first: the mayor, then the authorities over
#: cameras and public space, then the State.
ASK_ORDER = ("mayor", "maire", "conseil", "prefet", "metropole-lyon", "epci", "ept", "collectivite",
             "transport", "gouvernement")


def flyer_actions(articles) -> tuple[list[str], list[str]]:
    """The decisions and requests a flyer names, shortened: definitions and
    the execution clause left out, the requests that matter most first."""
    decide, ask = [], []
    for index, article in enumerate(articles):
        text = shorten_article(plain_text(article.blocks[0].inlines))
        if not text or text.startswith("Au sens de"):
            continue
        if article.addressee is None and article.lever == "decide":
            decide.append(text)
        else:
            rank = ASK_ORDER.index(article.addressee) if article.addressee in ASK_ORDER else len(ASK_ORDER)
            ask.append((rank, index, text))
    return decide[:MAX_DECIDE], [text for _, _, text in sorted(ask)[:MAX_ASK]]


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


def qr_target(url: str) -> str:
    """The address the QR code holds: an http(s), mailto: or tel: address.

    An address typed without its scheme (``example.org/villejuif``) gets
    ``https://``, with a warning, because a phone reads it as plain text
    otherwise; anything else a phone would not open is refused.
    """
    from ..log import warn

    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        raise UsageError(f"--url '{url}' is not a web address: it holds spaces. Give an address such as "
                         "https://example.org/villejuif.")
    scheme = _SCHEME.match(url)
    if scheme is None and _BARE_HOST.match(url):
        url = "https://" + url
        warn(f"--url has no https:// in front: the QR code points to {url}.")
    elif scheme is None or scheme.group(1).lower() not in URL_SCHEMES:
        raise UsageError(f"--url '{url}' is not an address a phone opens from a QR code; give a web address "
                         "(https://example.org/villejuif), or mailto: or tel:.")
    rest = url[_SCHEME.match(url).end():].lstrip("/")
    if not rest:
        raise UsageError(f"--url '{url}' has no address after the scheme; give a full address such as "
                         "https://example.org/villejuif.")
    size = len(url.encode("utf-8"))
    if size > MAX_URL_LENGTH:
        raise UsageError(f"--url is {size} bytes long: its QR code would be too dense to scan "
                         f"at flyer size (at most {MAX_URL_LENGTH}). Give a shorter address, such as your site's "
                         "home page.")
    return url
