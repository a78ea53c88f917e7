"""The campaign kit: every document a collective needs around the motion.

Before the motion, a collective asks for the documents that show what
surveillance exists (CRPA requests to the commune, the préfecture and the
EPCI, then the CADA); around it, it writes to the mayor and the councillors,
tables amendments, briefs its speakers, informs the press and the other
authorities; after it, it may need the CNIL. Each document is a template of
``templates/documents/kit/`` composed on the same model, library, commune,
regime, facts and options as the motion (``compose.documents``), so every
writer writes it; the kit adds an index (a document too) and a calendar of
the deadlines (``.ics``), computed by ``motions.deadlines`` from the session
date and the dates the user gives.

- :func:`plan` decides which documents this commune's kit holds, from its
  regime (only the bodies the regime names get a letter);
- :func:`compose_kit` composes them (Documents, no bytes);
- :func:`render_kit` writes each asked format, the calendar included (bytes);
- :func:`generate_kit` saves them together, atomically, never over an edited
  file (``motions.output.write_outputs``); :func:`kit_zip` gives the whole kit
  as one zip for the web application.

The legal content follows ``shared/reference/campaign-kit.md``; what it marks
UNVERIFIED is never stated as fact in a document: it goes to the index's
points to check.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import deadlines, kit_address
from .document import Document, plain_text
from .errors import UsageError
from .facts import Facts
from .kit_address import Addressee
from .log import warn
from .templating import markup
from .typography import date_fr

#: The documents a kit may hold, in the order of the folder (and of the index).
#: Each is (id, template id); letters to bodies share a template.
ORDER = (
    "index", "proposition", "dossier",
    "crpa-mairie", "crpa-mairie-suite", "crpa-prefecture", "crpa-epci",
    "cada-mairie", "cada-prefecture", "cada-epci",
    "demande-inscription", "demande-convocation", "question-ecrite", "question-orale",
    "amendements", "fiche-debat", "communique", "plainte-cnil",
    "lettre-prefet", "lettre-epci", "lettre-ept", "lettre-metropole", "lettre-departement", "lettre-region",
    "lettre-collectivite", "lettre-transport",
)

#: Regime body key -> the letter written to it, and its template.
BODY_LETTERS = {
    "prefet": ("lettre-prefet", "lettre-prefet"),
    "epci": ("lettre-epci", "lettre-intercommunalite"),
    "ept": ("lettre-ept", "lettre-intercommunalite"),
    "metropole-lyon": ("lettre-metropole", "lettre-intercommunalite"),
    "departement": ("lettre-departement", "lettre-departement"),
    "region": ("lettre-region", "lettre-region"),
    "collectivite": ("lettre-collectivite", "lettre-collectivite"),
    "transport": ("lettre-transport", "lettre-transport"),
}

#: The population from which a commune must designate a PRADA (CRPA R330-2).
PRADA_FROM = 10_000
#: Below this, the request for documents is split in two, a month apart (campaign-kit §1.7, item 6).
SPLIT_BELOW = 2_000
#: Within this share of a threshold, the population concept matters: checked by hand (campaign-kit §0.2).
NEAR_THRESHOLD = 0.03
#: Identical requests to this many administrations form a « série » (L342-1; threshold LIKELY).
SERIES_FROM = 5
#: Days an arrondissement council's written question waits for the mayor's answer (CGCT L2511-12).
ARRONDISSEMENT_QUESTION_DAYS = 45

DEFAULT_FORMATS = ("docx", "pdf", "txt")
CALENDAR_SUFFIX = "calendrier.ics"


# --------------------------------------------------------------------------- the request


@dataclass(frozen=True)
class KitOptions:
    """What the user chose, as one record (the CLI's and the web form's options).

    ``sent`` maps a document id to the day its addressee received it (a CRPA
    request, the CADA referral, the members' request for a sitting, a written
    question); ``refused`` maps a CRPA request to the day an express refusal was
    notified. ``gender`` maps an addressee key ("maire", "prefet", "epci",
    "departement", "region", "collectivite", "transport", "cada", "cnil") to
    "f" or "m". ``series`` counts the other administrations the user sent the
    same request to outside this tool.
    """

    motion: str = "biometrie"
    date: dt.date | None = None
    group: str | None = None
    sent: dict = field(default_factory=dict)
    refused: dict = field(default_factory=dict)
    gender: dict = field(default_factory=dict)
    only: tuple[str, ...] = ()
    series: int = 0
    series_found: dict = field(default_factory=dict)  # request id -> administrations it goes to (filled by generate_kit)
    allow_overseas: bool = False
    notes: str = "footnotes"


@dataclass(frozen=True)
class KitRequest:
    commune: object
    facts: Facts = field(default_factory=Facts)
    options: KitOptions = field(default_factory=KitOptions)
    formats: tuple[str, ...] = DEFAULT_FORMATS
    writer_options: object = None


@dataclass(frozen=True)
class KitItem:
    """One document of the kit: its id (file name and ``--only``), its template,
    its addressee, and what the template needs to know about it."""

    id: str
    template: str
    to: Addressee | None = None
    holder: str = ""  # for CRPA and CADA: "mairie", "prefecture", "epci"
    body_key: str = ""  # for letters to bodies: the regime's key
    part: int = 0  # the request split in two for a small commune: 1, 2; 0: whole
    position: int = 0  # its place in this commune's kit (the file's number), set by plan()

    @property
    def number(self) -> int:
        return ORDER.index(self.id)


@dataclass(frozen=True)
class Event:
    """One date of the calendar (an all-day event), with a reminder ``alarm_days`` before."""

    day: dt.date
    summary: str
    description: str
    uid: str
    alarm_days: int = 0


@dataclass
class Kit:
    items: list[KitItem]
    documents: dict[str, Document]
    events: list[Event]
    regime: object
    warnings: list[str] = field(default_factory=list)


def check_dated(dates: dict, option: str) -> dict:
    """Refuse a date given for a document the kit does not have (``--sent``, ``--refused``)."""
    for key in dates:
        if key not in ORDER[3:]:
            raise UsageError(f"{option} {key}=...: '{key}' is not a document of the kit; write {option} "
                             f"ID=YYYY-MM-DD with an id among {', '.join(ORDER[3:])}.")
    return dates


# --------------------------------------------------------------------------- which documents


def plan(commune, regime, facts: Facts, options: KitOptions) -> list[KitItem]:
    """The documents of this commune's kit, from its regime, in folder order."""
    gender = dict(options.gender)
    if "maire" not in gender and "mayor_title" in facts.model_fields_set:
        gender["maire"] = "f" if facts.mayor_title == "la maire" else "m"
    chair = kit_address.mayor(regime, commune).with_gender(gender.get("maire"))
    holder = _city_holder(regime, commune, gender) or chair
    if regime.population >= PRADA_FROM:
        holder = replace(holder, attention="À l'attention de la personne responsable de l'accès aux documents "
                                           "administratifs (PRADA)")
    prefet = kit_address.prefect(regime.camera_authority).with_gender(gender.get("prefet"))
    items = [KitItem("index", "kit-index"), KitItem("proposition", ""), KitItem("dossier", "")]
    small = regime.population < SPLIT_BELOW
    items.append(KitItem("crpa-mairie", "crpa-mairie", holder, "mairie", part=1 if small else 0))
    if small:
        items.append(KitItem("crpa-mairie-suite", "crpa-mairie", holder, "mairie", part=2))
    items.append(KitItem("crpa-prefecture", "crpa-prefecture",
                         replace(prefet, attention="À l'attention de la personne responsable de l'accès aux "
                                                   "documents administratifs (PRADA) de la préfecture"),
                         "prefecture"))
    epci_key = next((k for k in ("epci", "metropole-lyon") if k in regime.bodies), None)
    if epci_key:
        items.append(KitItem("crpa-epci", "crpa-epci",
                             kit_address.president(epci_key, regime.bodies[epci_key]).with_gender(gender.get("epci")),
                             "epci", body_key=epci_key))
    cada = kit_address.commission("cada", "de la Commission d'accès aux documents administratifs",
                                  "la Commission d'accès aux documents administratifs").with_gender(gender.get("cada"))
    for item in [i for i in items if i.id.startswith("crpa-") and i.part != 2]:
        items.append(KitItem(f"cada-{item.holder}", "saisine-cada", cada, item.holder, item.body_key))
    items.append(KitItem("demande-inscription", "demande-inscription", chair))
    if regime.forced_session is not None:
        items.append(KitItem("demande-convocation", "demande-convocation", chair))
    question_to = _city_holder(regime, commune, gender) or chair
    items.append(KitItem("question-ecrite", "question-ecrite", question_to))
    items.append(KitItem("question-orale", "question-orale", chair))
    if regime.can_deliberate:
        items.append(KitItem("amendements", "amendements"))
    items += [KitItem("fiche-debat", "fiche-debat"), KitItem("communique", "communique")]
    cnil = kit_address.commission("cnil", "de la Commission nationale de l'informatique et des libertés",
                                  "la Commission nationale de l'informatique et des libertés")
    items.append(KitItem("plainte-cnil", "plainte-cnil", cnil.with_gender(gender.get("cnil"))))
    for key, (doc_id, template) in BODY_LETTERS.items():
        body = regime.bodies.get(key)
        if body is None:
            continue
        if key == "prefet":
            to = kit_address.prefect(body).with_gender(gender.get("prefet"))
        else:
            to = kit_address.president(key, body).with_gender(gender.get(key))
        items.append(KitItem(doc_id, template, to, body_key=key))
    return [replace(item, position=n) for n, item in enumerate(sorted(items, key=lambda i: i.number))]


def _city_holder(regime, commune, gender) -> Addressee | None:
    """For an arrondissement council: the mayor of the city, who holds the documents and answers
    the council's written questions (the arrondissement has no legal personality)."""
    body = regime.bodies.get("maire")
    if body is None:
        return None
    return kit_address.city_mayor(body, regime.signed_at).with_gender(gender.get("maire-commune"))


def select_items(items: list[KitItem], only: tuple[str, ...]) -> list[KitItem]:
    """The items ``--only`` asks for (every one by default), refusing an id this kit does not hold."""
    if not only:
        return items
    here = {i.id for i in items}
    for doc_id in only:
        if doc_id not in here:
            why = ("it is not a document of the kit" if doc_id not in ORDER
                   else "this commune's regime gives it no such document")
            raise UsageError(f"--only {doc_id}: {why}; the documents here are: {', '.join(i.id for i in items)}.")
    return [i for i in items if i.id in only]


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class KitDates:
    """Every date the kit computes, for the documents, the index and the calendar."""

    session: dt.date | None
    latest_convocation: dt.date | None
    request_by: dt.date | None
    practice_convocation: dt.date | None
    crpa: dict  # holder -> CrpaTimeline
    cada: dict  # holder -> CadaTimeline
    forced_received: dt.date | None
    forced_by: dt.date | None
    question_sent: dt.date | None
    question_by: dt.date | None
    suite_from: dt.date | None  # the second half of a split request, a month after the first

    def as_context(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def kit_dates(regime, options: KitOptions, session: dt.date | None) -> KitDates:
    conv = regime.convocation
    latest = deadlines.latest_convocation(session, conv.days) if session and conv else None
    practice = (deadlines.latest_convocation(session, conv.practice_days)
                if session and conv and conv.practice_days else None)
    crpa, cada = {}, {}
    for holder in ("mairie", "prefecture", "epci"):
        received = options.sent.get(f"crpa-{holder}")
        if received:
            crpa[holder] = deadlines.crpa_timeline(received, options.refused.get(f"crpa-{holder}"))
        registered = options.sent.get(f"cada-{holder}")
        if registered:
            cada[holder] = deadlines.cada_timeline(registered)
    forced = options.sent.get("demande-convocation")
    forced_by = None
    if forced and regime.forced_session is not None and regime.forced_session.deadline_days:
        forced_by = deadlines.forced_session_limit(forced, regime.forced_session.deadline_days)
    question = options.sent.get("question-ecrite")
    question_by = (question + dt.timedelta(days=ARRONDISSEMENT_QUESTION_DAYS)
                   if question and "maire" in regime.bodies else None)
    first = options.sent.get("crpa-mairie")
    suite = deadlines.add_months(first, 1).date if first else None
    return KitDates(session, latest, latest - dt.timedelta(days=1) if latest else None, practice, crpa, cada,
                    forced, forced_by, question, question_by, suite)


def kit_events(items: list[KitItem], dates: KitDates, regime, commune) -> list[Event]:
    """The calendar: the session, the convocation, and each deadline the user's dates start."""
    place = commune.display_name
    ids = {i.id for i in items}
    ev: list[Event] = []

    def add(day, summary, description, uid, alarm=0):
        if day is not None:
            ev.append(Event(day, summary, description, f"{commune.insee}-{uid}", alarm))

    add(dates.session, f"Séance {_de(regime.council)} ({place})",
        f"Séance où la proposition doit être débattue ({regime.council_title}).", "session", 7)
    if dates.latest_convocation:
        add(dates.request_by, f"Dernier jour pour demander l'inscription du texte ({place})",
            "La demande d'inscription doit parvenir avant l'envoi des convocations ; vérifiez le délai de dépôt "
            "que fixe le règlement intérieur, qui peut être plus court.", "inscription", 7)
        unit = "jours francs" if regime.convocation.franc else "jours au moins"
        add(dates.latest_convocation, f"Dernier jour d'envoi des convocations ({place})",
            f"{regime.convocation.days} {unit} avant la séance.", "convocation")
    add(dates.practice_convocation, f"Convocation selon le règlement intérieur connu ({place}) : à vérifier",
        f"Le règlement intérieur connu prévoit une convocation {regime.convocation.practice_days if regime.convocation else ''} "
        "jours francs avant la séance ; il a pu changer après mars 2026.", "practice")
    for holder, t in dates.crpa.items():
        who = _holder_label(holder)
        add(t.refusal, f"Demande de documents ({who}) : {'refus notifié' if t.express else 'silence = refus'}",
            f"Demande reçue le {date_fr(t.received)}. À partir de ce jour, vous pouvez saisir la CADA."
            + (" Mois sans ce quantième : date à vérifier." if t.uncertain else ""), f"crpa-{holder}-refus")
        add(t.cada_by, f"Dernier jour pour saisir la CADA ({who})",
            "Délai de deux mois après le refus (article R343-1 du CRPA). Saisissez-la au moins une semaine avant.",
            f"crpa-{holder}-cada", deadlines.FILE_EARLY_DAYS)
    for holder, t in dates.cada.items():
        who = _holder_label(holder)
        add(t.opinion_expected, f"Avis de la CADA attendu ({who})",
            "La CADA rend en principe son avis dans le mois de l'enregistrement ; ce délai n'a pas de sanction.",
            f"cada-{holder}-avis")
        add(t.confirmation, f"Silence de l'administration = refus confirmé ({who})",
            "Deux mois après l'enregistrement de la saisine par la CADA.", f"cada-{holder}-confirmation")
        add(t.court_by, f"Dernier jour pour saisir le tribunal administratif ({who})",
            "Deux mois francs après la confirmation du refus, si l'avis ou l'accusé de réception indiquait les voies "
            "et délais de recours. Le report d'un délai qui finit un samedi, un dimanche ou un jour férié n'est pas "
            "vérifié : déposez au moins une semaine avant.", f"cada-{holder}-tribunal", deadlines.FILE_EARLY_DAYS)
    if "demande-convocation" in ids:
        add(dates.forced_by, f"Le conseil doit être réuni au plus tard ce jour ({place})",
            f"Trente jours après la réception de la demande (reçue le {date_fr(dates.forced_received)}).",
            "forced-session")
    add(dates.question_by, "Sans réponse écrite : question inscrite de droit à l'ordre du jour",
        f"Quarante-cinq jours après l'envoi de la question écrite (le {date_fr(dates.question_sent)}), la question "
        f"est inscrite de droit à l'ordre du jour de la séance suivante {_de(regime.bodies['conseil'].name) if 'conseil' in regime.bodies else ''}.",
        "question")
    if "crpa-mairie-suite" in ids:
        add(dates.suite_from, "Envoyer la seconde demande de documents à la mairie",
            "Un mois après la première, pour ne pas adresser une liste trop longue à une petite commune.", "suite")
    return sorted(ev, key=lambda e: (e.day, e.uid))


def _holder_label(holder: str) -> str:
    return {"mairie": "mairie", "prefecture": "préfecture", "epci": "intercommunalité"}[holder]


def _de(text: str) -> str:
    from .templating import FILTERS

    return FILTERS["de_article"](text)


# --------------------------------------------------------------------------- composition


def compose_kit(request: KitRequest, resources) -> Kit:
    """Compose the kit's documents for ``request.commune``: the motion and its
    dossier as ``generate`` makes them, then each template of the plan."""
    from .compose import Options, compose_motion

    opts = request.options
    facts = request.facts
    session = opts.date or facts.session.date
    group = opts.group or (facts.group.name if facts.group else None)
    comp = compose_motion(resources, request.commune, opts.motion, facts,
                          Options(date=session, group=group, allow_overseas=opts.allow_overseas, notes=opts.notes),
                          provenance=_provenance(resources), dossier=True)
    regime = comp.regime
    items = plan(request.commune, regime, facts, opts)
    chosen = select_items(items, opts.only)
    dates = kit_dates(regime, opts, session)
    warnings = _warnings(request, regime, items, dates, resources)
    context = kit_context(resources, request, regime, comp, items, dates, group, session)
    docs: dict[str, Document] = {}
    for item in chosen:
        if item.id == "proposition":
            docs[item.id] = comp.motion
        elif item.id == "dossier":
            docs[item.id] = comp.dossier
        else:
            docs[item.id] = compose_item(resources, item, context, regime, opts, group)
    return Kit(chosen, docs, kit_events(items, dates, regime, request.commune), regime, warnings)


def compose_item(resources, item: KitItem, context: dict, regime, opts: KitOptions, group: str | None) -> Document:
    from .compose.documents import compose_document

    template = resources.library.document(item.template)
    ctx = dict(context, item=item, to=item.to,
               body=markup(regime.bodies.get(item.body_key)) if item.body_key else None,
               asks=context["asks"].get(item.body_key, []) if item.body_key else [],
               sender=sender(item, context), recipient=recipient_lines(item, context["commune"]),
               holder=context["holders"].get(item.holder), timeline=context["dates"]["crpa"].get(item.holder),
               series=opts.series_found.get(f"crpa-{item.holder}", 0) + opts.series if item.holder else 0)
    prov = dict(context["provenance"], document=item.id)
    doc, _ = compose_document(resources, template, ctx, kind="kit", running_head=group or "",
                              provenance=prov, notes=opts.notes)
    return replace(doc, footer=doc.title if not group else f"{group} — {doc.title}")


#: Who writes each letter: a person (requests for documents, referrals and
#: complaints, where the law asks for the requester's name and address), or
#: the group of councillors (everything said in the council's name).
PERSONAL = ("crpa-", "cada-", "plainte-cnil", "communique")


def sender(item: KitItem, context: dict) -> dict:
    """The sender block, the signature and the person of the verbs (je / nous)."""
    group, members, contact = context["group"], context["members"], context["contact"]
    regime = context["regime"]
    if item.id == "question-ecrite" and "maire" in regime.bodies:
        chair = str(regime.chair).removeprefix("le ")
        return {"lines": [str(regime.council_title), "[Adresse de la mairie d'arrondissement]"],
                "signature": [f"Pour le conseil d'arrondissement, [Prénom Nom], {chair}"], "signatures": [],
                "plural": False}
    if item.id.startswith(PERSONAL):
        lines = ["[Prénom Nom]", "[Adresse postale]", "[Code postal et commune]",
                 contact or "[Adresse électronique]"]
        if group:
            lines.append(f"Pour {group}")
        return {"lines": lines, "signature": ["[Prénom Nom]"], "signatures": [], "plural": False}
    lines = [group or "[Nom du groupe]", str(regime.council_title)]
    lines += members or ["[Prénoms et noms des élus du groupe]"]
    lines.append(contact or "[Adresse électronique]")
    signature = list(members) or ["[Prénoms, noms et signatures des élus du groupe]"]
    needed = context["forced_members"]
    signatures: list[str] = []
    if item.id == "demande-convocation":
        count = max(needed or 0, len(members), 1 if needed else 5)
        signature = ["Noms, prénoms et signatures des membres du conseil qui présentent la demande :"]
        signatures = [f"{members[i] if i < len(members) else '[Prénom Nom]'}, signature :" for i in range(count)]
    return {"lines": lines, "signature": signature, "signatures": signatures, "plural": True}


def recipient_lines(item: KitItem, commune) -> list[str]:
    """The address block: the title line, the office, the street and the town."""
    to = item.to
    if to is None:
        return []
    lines = [to.heading]
    if to.attention:
        lines.append(to.attention)
    if to.key in ("maire", "maire-commune"):
        city = commune.parent if (to.key == "maire-commune" and commune.parent) else commune
        lines += [to.office, "[Numéro et rue]", _postal(city)]
    elif to.key in ("cada", "cnil"):
        lines.append(f"[Adresse : voir {'cada.fr' if to.key == 'cada' else 'cnil.fr'}]")
    else:
        if to.office:
            lines.append(to.office)
        lines += ["[Numéro et rue]", "[Code postal et ville]"]
    return lines


def _postal(commune) -> str:
    codes = getattr(commune, "postal_codes", ()) or ()
    name = commune.display_name if not commune.is_arrondissement else commune.name
    return f"{codes[0]} {name}" if len(codes) == 1 else f"[Code postal] {name}"


def kit_context(resources, request: KitRequest, regime, comp, items, dates: KitDates, group, session) -> dict:
    """What every kit template may read."""
    commune, facts, lib = request.commune, request.facts, resources.library
    motion = lib.motion(request.options.motion)
    members = facts.group.member_names() if facts.group else []
    forced = regime.forced_session
    return {
        "commune": commune,
        "regime": markup(regime),
        "facts": facts,
        "group": group,
        "members": members,
        "contact": facts.group.contact if facts.group and facts.group.contact else None,
        "session_date": session,
        "today": resources.now.date(),
        "law_checked": regime.law_checked,
        "motion": motion.meta,
        "motion_title": comp.motion.title,
        "motion_kind": comp.motion.sections[0].blocks[0].inlines and plain_text(comp.motion.sections[0].blocks[0].inlines),
        "articles": [plain_text(a.blocks[0].inlines) for a in comp.motion.articles() if a.blocks],
        "asks": _asks(comp.motion),
        "dates": dates.as_context(),
        "items": items,
        "documents": {i.id: _describe(lib, i, dates, regime) for i in items},
        "prada": regime.population >= PRADA_FROM,
        "forced_members": forced.members if forced else None,
        "debate_members": math.ceil(regime.council_size / 10) if regime.council_size else None,
        "article_of": lambda citation: markup(article_label(lib, str(citation))),
        "article_ref": lambda citation: markup(article_label(lib, str(citation), determiner=False)),
        "rebuttals": _rebuttals(lib, commune, facts, motion.meta.answers),
        "series_all": {k: v + request.options.series for k, v in request.options.series_found.items()},
        "series_from": SERIES_FROM,
        "checks": kit_checks(regime, items, dates, commune),
        "holders": {i.holder: i.to for i in items if i.id.startswith("crpa-") and i.to is not None},
        "organisation": organisation(regime, commune, items),
        "place_date": f"{regime.signed_at}, le {date_fr(resources.now.date())}",
        "articles_short": _short_articles(comp.motion),
        "events": kit_events(items, dates, regime, commune),
        "calendar_file": calendar_name(commune),
        "provenance": dict(comp.motion.metadata.provenance),
    }


def organisation(regime, commune, items) -> dict:
    """The organisation a complaint names: the commune (for an arrondissement, the city), its
    representative and its town; « la Ville de Paris » for Paris."""
    city = commune.parent if commune.is_arrondissement and commune.parent else commune
    holder = next((i.to for i in items if i.id == "crpa-mairie"), None)
    paris = str(regime.running_head).startswith("Ville de Paris")
    name = "Ville de Paris" if paris else f"Commune {city.de}"
    running = "la Ville de Paris" if paris else f"la commune {city.de}"
    return {"name": name, "running": running, "postal": _postal(city),
            "representative": holder.running if holder else f"le maire {city.de}"}


def _short_articles(motion_doc: Document) -> list[str]:
    """The motion's articles as the flyer says them (first clause), for the press release."""
    from .compose.flyer import shorten_article

    out = []
    for article in motion_doc.articles():
        if article.blocks:
            short = shorten_article(plain_text(article.blocks[0].inlines))
            if short:
                out.append(short.rstrip("."))
    return out


def _asks(motion_doc: Document) -> dict[str, list[str]]:
    """The motion's articles addressed to each body (regime key -> texts), for the letters."""
    out: dict[str, list[str]] = {}
    for article in motion_doc.articles():
        if article.addressee and article.blocks:
            out.setdefault(article.addressee, []).append(plain_text(article.blocks[0].inlines))
    return out


HOLDERS_FR = {"mairie": "à la mairie", "prefecture": "à la préfecture", "epci": "à l'intercommunalité"}


def _describe(lib, item: KitItem, dates: KitDates, regime) -> dict:
    """What the index says of a document: its title, what it is for, and by when."""
    if item.id == "proposition":
        return {"title": "Texte de la proposition", "when": "À joindre à la demande d'inscription.",
                "description": "Le texte soumis au vote, tel que la commande motions generate le rédige."}
    if item.id == "dossier":
        return {"title": "Dossier de dépôt", "when": "À lire avant de déposer le texte.",
                "description": "Ce que le groupe doit savoir pour déposer le texte : délais, points à vérifier, "
                               "état du droit, réponses aux objections, sources."}
    meta = lib.document(item.template).meta
    title = meta.title
    if item.id == "index":
        return {"title": title, "description": meta.audience or meta.description, "when": "À lire d'abord."}
    if item.id.startswith("cada-"):
        title = f"{title} (demande {HOLDERS_FR[item.holder]})"
    if item.part:
        title = f"{title} ({'première' if item.part == 1 else 'seconde'} partie)"
    return {"title": title, "description": meta.audience or meta.description, "when": when(item, dates, regime)}


def when(item: KitItem, dates: KitDates, regime) -> str:
    """By when to send a document, in French, from the dates the kit knows."""
    crpa = dates.crpa.get(item.holder) if item.holder else None
    if item.id.startswith("crpa-"):
        if item.part == 2:
            return (f"Un mois après la première demande, soit le {date_fr(dates.suite_from)}."
                    if dates.suite_from else "Un mois après la première demande.")
        if crpa:
            return (f"Reçue le {date_fr(crpa.received)} ; sans réponse, refus le {date_fr(crpa.refusal)}."
                    if not crpa.express else f"Reçue le {date_fr(crpa.received)} ; refus notifié le "
                                             f"{date_fr(crpa.refusal)}.")
        return ("Dès maintenant : la réponse peut prendre un mois, et davantage si la CADA doit être saisie"
                + (f" ; au plus tard deux mois avant la séance du {date_fr(dates.session)}."
                   if dates.session else "."))
    if item.id.startswith("cada-"):
        if crpa:
            return f"À partir du {date_fr(crpa.cada_from)} et au plus tard le {date_fr(crpa.cada_by)}."
        return ("Après un refus exprès, ou un mois après la réception de la demande sans réponse, et dans les deux "
                "mois qui suivent le refus (indiquez la date de réception avec --sent pour que le kit la calcule).")
    if item.id == "demande-inscription":
        return (f"Au plus tard le {date_fr(dates.request_by)}, avant l'envoi des convocations ; plus tôt si le "
                "règlement intérieur fixe un délai de dépôt." if dates.request_by else
                "Avant l'envoi des convocations, et dans le délai de dépôt que fixe le règlement intérieur.")
    if item.id == "demande-convocation":
        forced = regime.forced_session
        if dates.forced_by:
            return f"Reçue le {date_fr(dates.forced_received)} : le conseil doit être réuni au plus tard le {date_fr(dates.forced_by)}."
        if forced and forced.deadline_days:
            return f"Si l'inscription est refusée ; le conseil doit alors être réuni dans les {forced.deadline_days} jours."
        return "Si l'inscription est refusée ; le texte ne fixe pas de délai pour réunir le conseil."
    if item.id == "question-ecrite":
        if dates.question_by:
            return f"Envoyée le {date_fr(dates.question_sent)} : sans réponse écrite au {date_fr(dates.question_by)}, elle est inscrite de droit à l'ordre du jour."
        return "Quand le groupe le décide, dans les formes du règlement intérieur."
    if item.id in ("question-orale", "amendements"):
        return "En séance, ou avant si le règlement intérieur l'exige."
    if item.id == "fiche-debat":
        return "Avant la séance."
    if item.id == "communique":
        return (f"La veille ou le matin de la séance du {date_fr(dates.session)}, puis après le vote."
                if dates.session else "La veille ou le matin de la séance, puis après le vote.")
    if item.id == "plainte-cnil":
        return "Une fois les preuves réunies ; pour vos propres images, agissez dans le mois."
    if item.id.startswith("lettre-"):
        return "Avant la séance pour faire connaître la démarche ; après le vote pour transmettre le texte adopté."
    return ""


def _rebuttals(lib, commune, facts, required=()) -> list:
    """The library's answers to objections that apply here (local ones only in their place),
    those answering the objections the motion must answer first."""
    from .compose.select import condition_holds, is_here

    out = []
    for entry in lib.arguments.values():
        arg = entry.argument
        if arg.kind != "rebuttal":
            continue
        if arg.place is not None and not is_here(entry, commune):
            continue
        if not condition_holds(arg.applies_when, commune, facts)[0]:
            continue
        out.append(arg)
    out.sort(key=lambda a: not set(a.answers) & set(required))
    return [markup(a) for a in out]


def article_label(lib, citation: str, determiner: bool = True) -> str:
    """« l'article L. 2121-9 du code général des collectivités territoriales » from ``[@cgct-l2121-9]``
    (several keys: « les articles L. 2121-9 et L. 2512-2 du … »), read from the sources' ``section``."""
    import re

    keys = re.findall(r"@([\w:.#$%&+?<>~/-]+)", citation)
    found = [(lib.sources[k].get("title", ""), lib.sources[k].get("section", "")) for k in keys if k in lib.sources]
    found = [(t, s) for t, s in found if s.startswith("art.")]
    if not found:
        return ""
    numbers = [_article_number(s) for _, s in found]
    code = found[0][0][:1].lower() + found[0][0][1:]
    if len(numbers) == 1:
        return f"{'l' + chr(39) if determiner else ''}article {numbers[0]} du {code}"
    return f"{'les ' if determiner else ''}articles {', '.join(numbers[:-1])} et {numbers[-1]} du {code}"


def _article_number(section: str) -> str:
    """"art. L2121-9" -> "L. 2121-9" (the form of Légifrance)."""
    import re

    number = section.removeprefix("art.").strip()
    return re.sub(r"^([LRD])\.?\s*(\d)", r"\1. \2", number)


# --------------------------------------------------------------------------- checks and warnings


def kit_checks(regime, items, dates: KitDates, commune) -> list[dict]:
    """The points to check before sending, for the index: the regime's, the
    addressees', and the kit's own (UNVERIFIED items of campaign-kit.md)."""
    out = [{"what": c.what, "where": c.where, "why": c.why} for c in regime.checks]
    seen = set()
    for item in items:
        if item.to is not None and item.to.check and item.to.check not in seen:
            seen.add(item.to.check)
            out.append({"what": item.to.check, "where": "Site de l'organisme destinataire.", "why": ""})
    pop = regime.population
    if abs(pop - PRADA_FROM) <= PRADA_FROM * NEAR_THRESHOLD:
        out.append({"what": f"Population proche du seuil de 10 000 habitants ({pop:,} habitants) à partir duquel "
                            "la commune doit désigner une personne responsable de l'accès aux documents "
                            "administratifs (PRADA).".replace(",", " "),
                    "where": "Site de la commune (coordonnées de la PRADA) ; chiffre de population authentifié.",
                    "why": "La notion de population retenue pour ce seuil n'a pas été vérifiée."})
    out += [
        {"what": "Adresse de la mairie, de la préfecture et des autres destinataires, et forme d'adresse (Madame "
                 "ou Monsieur) qu'emploie chaque titulaire sur son propre site.",
         "where": "Sites de la commune, de la préfecture et des organismes destinataires.",
         "why": "Les lettres portent les deux formes quand le titulaire n'est pas indiqué (options --madame et "
                "--monsieur)."},
        {"what": "Adresse postale et électronique de la CADA et de la CNIL, et identité de leurs présidents.",
         "where": "cada.fr (saisine en ligne) ; cnil.fr (« Adresser une plainte »).",
         "why": "Non vérifiées par les fiches de référence au 28 novembre 2026."},
        {"what": "Numéro SIREN de la commune, demandé par la CNIL pour identifier l'organisme mis en cause.",
         "where": "annuaire-entreprises.data.gouv.fr ou le site de l'INSEE.", "why": ""},
        {"what": "Sort de la prolongation de l'expérimentation de vidéosurveillance algorithmique votée en février "
                 "2026 (loi relative aux Jeux olympiques et paralympiques de 2030).",
         "where": "conseil-constitutionnel.fr ; legifrance.gouv.fr.",
         "why": "Aucune décision ni loi promulguée n'a été trouvée au 28 novembre 2026 : les documents ne disent "
                "pas que la vidéosurveillance algorithmique est légale ou illégale aujourd'hui."},
        {"what": "Numérotation de l'article du code de la sécurité intérieure sur la liste des systèmes autorisés "
                 "que le préfet communique au maire (R252-10 avant le décret n° 2023-1102 du 27 novembre 2023).",
         "where": "legifrance.gouv.fr, code de la sécurité intérieure, partie réglementaire, livre II, titre V.",
         "why": "Les demandes de documents décrivent la liste sans citer le numéro."},
        {"what": "Recueil des actes administratifs de la préfecture et site de la commune : les arrêtés et "
                 "délibérations déjà publiés peuvent vous être refusés au motif qu'ils sont publics.",
         "where": "Site de la préfecture (recueil des actes administratifs) ; site de la commune ; madada.fr ; "
                  "cada.data.gouv.fr.", "why": "Retirez de la demande ce que vous avez déjà."},
    ]
    if regime.forced_session is not None:
        out.append({"what": "Nombre de membres en exercice du conseil (sièges effectivement pourvus).",
                    "where": "Secrétariat du conseil ; dernier procès-verbal.",
                    "why": "Le nombre de signatures nécessaire se calcule sur les membres en exercice ; le kit le "
                           "calcule sur l'effectif légal."})
    if any(t.uncertain for t in dates.crpa.values()) or any(t.uncertain for t in dates.cada.values()):
        out.append({"what": "Une échéance tombe un jour qui n'existe pas dans le mois d'arrivée (31 janvier + "
                            "1 mois) : le kit retient le dernier jour du mois.",
                    "where": "cada.fr ; un juriste.", "why": "La règle de calcul dans ce cas n'est pas vérifiée."})
    return out


def _warnings(request: KitRequest, regime, items, dates: KitDates, resources) -> list[str]:
    out = []
    today = resources.now.date()
    if dates.request_by and today > dates.request_by:
        out.append(f"the session of {dates.session.isoformat()} is too close: the request to put the text on the "
                   f"agenda had to reach the mayor by {dates.request_by.isoformat()} (before the convocations).")
    for holder, t in dates.crpa.items():
        if today > t.cada_by:
            out.append(f"the time to seize the CADA about the request to the {holder} ended on "
                       f"{t.cada_by.isoformat()}; a new request starts a new time limit.")
    return out


def series_counts(out_root: Path, commune, items) -> dict[str, int]:
    """How many administrations each request for documents goes to, counted over
    the kits already written in ``out_root`` (their manifests record the
    addressee of each request) and this one (CRPA L342-1: a « série »)."""
    counts: dict[str, set[str]] = {}
    for item in items:
        if item.id.startswith("crpa-") and item.to is not None and item.part != 2:
            counts.setdefault(item.id, set()).add(f"{item.to.heading} {commune.insee}")
    root = Path(out_root)
    for manifest in sorted(root.glob("*-kit/.motions-manifest.json")) if root.is_dir() else ():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for record in (data.get("files") or {}).values() if isinstance(data, dict) else ():
            requests = record.get("requests") if isinstance(record, dict) else None
            for doc_id, recipient in (requests or {}).items() if isinstance(requests, dict) else ():
                if doc_id in counts:
                    counts[doc_id].add(str(recipient))
    return {doc_id: len(found) for doc_id, found in counts.items()}


def with_series(request: KitRequest, resources, out_root: Path) -> KitRequest:
    """The request with the series counts of ``out_root`` (see :func:`series_counts`)."""
    regime = resources.regime_for(request.commune, allow_overseas=request.options.allow_overseas)
    items = plan(request.commune, regime, request.facts, request.options)
    found = series_counts(out_root, request.commune, items)
    return replace(request, options=replace(request.options, series_found=found))


def series_messages(options: KitOptions) -> list[str]:
    """Warn before a request for documents becomes part of a « série »: at four
    administrations the next makes one; from five, say what to declare."""
    out = []
    for doc_id, n in options.series_found.items():
        n += options.series
        if n == SERIES_FROM - 1:
            out.append(f"{doc_id}: this request for documents now goes to {n} administrations; one more makes a "
                       "« série » (CRPA L342-1, décret n° 2022-1335): the CADA is then seized once for the whole "
                       "series and gives one opinion.")
        elif n >= SERIES_FROM:
            out.append(f"{doc_id}: the same request for documents goes to {n} administrations, a « série » (CRPA "
                       "L342-1; threshold of five as reported by secondary sources, the decree was not read). When "
                       "you seize the CADA, declare the whole series (each administration and the date each received "
                       "the request) and inform every administration concerned; this kit's referral letters carry "
                       "that paragraph.")
    return out


# --------------------------------------------------------------------------- outputs


def _provenance(resources) -> dict:
    from .api import provenance

    return provenance(resources)


def kit_folder(commune) -> str:
    from .api import slug

    return f"{commune.insee}-{slug(commune.name)}-kit"


def file_stem(item: KitItem) -> str:
    return f"{item.position:02d}-{item.id}"


def calendar_name(commune) -> str:
    return f"{kit_folder(commune).removesuffix('-kit')}-{CALENDAR_SUFFIX}"


def ics_bytes(events: list[Event], commune, now: dt.datetime) -> bytes:
    """The calendar as an iCalendar file (RFC 5545), all-day events with reminders.

    Written with the ``icalendar`` library, not by hand: line folding, escaping
    of commas and semicolons in French text, and VALUE=DATE for all-day events
    are what calendar programs trip over."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//motions//kit de campagne//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Campagne — {commune.display_name}")
    stamp = now.replace(tzinfo=dt.timezone.utc)
    for e in events:
        event = icalendar.Event()
        event.add("uid", f"{e.uid}@motions")
        event.add("dtstamp", stamp)
        event.add("dtstart", e.day)
        event.add("dtend", e.day + dt.timedelta(days=1))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("transp", "TRANSPARENT")
        if e.alarm_days:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Dans {e.alarm_days} jours : {e.summary}")
            alarm.add("trigger", dt.timedelta(days=-e.alarm_days))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def render_kit(request: KitRequest, resources) -> tuple[dict[str, bytes], Kit]:
    """Compose the kit and write every asked format of each document, and the calendar."""
    from .writers import WriterOptions
    from .writers import get as get_writer

    kit = compose_kit(request, resources)
    files: dict[str, bytes] = {}
    options = request.writer_options or WriterOptions()
    for fmt in request.formats:
        writer = get_writer(fmt)
        for item in kit.items:
            files[file_stem(item) + writer.extension] = writer.write(kit.documents[item.id], resources, options)
    if not request.options.only or "index" in request.options.only:
        files[calendar_name(request.commune)] = ics_bytes(kit.events, request.commune, resources.now)
    return files, kit


def kit_digest(request: KitRequest, resources) -> str:
    from .api import digest, options_record, templates_digest
    from .communes import DATA_PROVENANCE

    from . import __version__

    opts = request.options
    payload = {
        "tool": __version__, "library": resources.library.version,
        "templates": resources.memo("templates-digest", lambda: templates_digest(resources.template_dirs)),
        "commune": request.commune.insee, "data": DATA_PROVENANCE.get("version"),
        "facts": request.facts.model_dump(mode="json"), "formats": list(request.formats),
        "options": {k: (sorted((a, str(b)) for a, b in v.items()) if isinstance(v, dict) else str(v))
                    for k, v in vars(opts).items()},
        "writer": options_record(request.writer_options) if request.writer_options else None,
    }
    return digest(payload)


def generate_kit(request: KitRequest, resources, out_root: Path, *, force: bool = False,
                 folder: Path | None = None) -> tuple[list[Path], Kit]:
    """Write the kit into ``out_root/<INSEE>-<slug>-kit/`` (or ``folder``): all
    its files as one set, atomically, never over a file the user edited."""
    from .output import write_outputs

    request = with_series(request, resources, out_root)
    files, kit = render_kit(request, resources)
    for message in kit.warnings + series_messages(request.options):
        warn(message)
    target = Path(folder) if folder else Path(out_root) / kit_folder(request.commune)
    requests = {i.id: f"{i.to.heading} {request.commune.insee}" for i in kit.items
                if i.id.startswith("crpa-") and i.to is not None and i.part != 2}
    paths = write_outputs(target, files, force=force, inputs_hash=kit_digest(request, resources),
                          extra={"commune": request.commune.insee, "kit": "1", "requests": requests})
    return paths, kit


def kit_zip(request: KitRequest, resources) -> bytes:
    """The whole kit as a zip (for the web application): one folder, fixed
    timestamps (the same inputs give the same bytes)."""
    files, _ = render_kit(request, resources)
    folder = kit_folder(request.commune)
    stamp = resources.now.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
    return buffer.getvalue()
