"""Deadline arithmetic: jours francs, months, and the dates a campaign depends on.

Rules (``shared/reference/campaign-kit.md`` §0.3, ``legal-facts.md`` §1.6):

- a delay in *jours francs* counts whole days between two events, neither the
  day of the first nor the day of the second counting: a council convened
  5 jours francs ahead of a sitting on 14 March must be convened on 8 March at
  the latest (9, 10, 11, 12, 13 are the five days);
- administrative silence (CRPA) runs from the day of receipt and is not franc:
  a request received on 11 January is refused implicitly on 11 February; when
  the day does not exist in the later month (31 January + 1 month), we take
  the last day of that month and say it must be checked;
- time limits for going to court are francs.

Pure functions of dates; nothing here reads the clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    uncertain: bool = False  # True when a month rule met a day the month lacks


def latest_convocation(session: dt.date, jours_francs: int) -> dt.date:
    """The last day a convocation may be sent for ``jours_francs`` full days before ``session``."""
    return session - dt.timedelta(days=jours_francs + 1)


def add_months(day: dt.date, months: int) -> Deadline:
    """``day`` plus whole months; the last day of the month when ``day`` does not exist there."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day > last:
        return Deadline(dt.date(year, month, last), uncertain=True)
    return Deadline(dt.date(year, month, day.day))


def franc_limit(start: dt.date, months: int) -> Deadline:
    """A court-style time limit of ``months`` months, franc: neither the day of
    the event nor the last day counts, so the limit ends the day after the
    plain month count (a decision born on 23 June can be challenged on 24 August)."""
    plain = add_months(start, months)
    return Deadline(plain.date + dt.timedelta(days=1), plain.uncertain)


def weekday_fr(day: dt.date) -> str:
    return ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[day.weekday()]


# --------------------------------------------------------------------------- the campaign kit's dates
#
# ``shared/reference/campaign-kit.md`` §0.3, §1.3, §4.2, §7.5. Every function
# takes the dates the user gives and returns dates; none reads the clock.

#: The time a CRPA administration has before its silence becomes a refusal (R311-13).
CRPA_SILENCE_MONTHS = 1
#: The time to seize the CADA after a refusal, express or implicit (R343-1).
CADA_REFERRAL_MONTHS = 2
#: After the CADA registered a referral, two months of the administration's
#: silence confirm the refusal (R343-3 to R343-5; article numbers LIKELY).
CADA_CONFIRMATION_MONTHS = 2
#: The time to go to the administrative court (CJA R421-1), franc.
COURT_MONTHS = 2
#: Days the mayor has to convene the council on a members' request (L2121-9).
FORCED_SESSION_DAYS = 30
#: Days before a deadline that the kit advises acting: the carrying over of a
#: limit that ends on a week-end or a public holiday is UNVERIFIED (§0.3).
FILE_EARLY_DAYS = 7


def implicit_refusal(received: dt.date) -> Deadline:
    """The day silence on a request for documents becomes a refusal: one month
    after receipt, not franc (received 11 January -> refused 11 February)."""
    return add_months(received, CRPA_SILENCE_MONTHS)


def cada_referral_limit(refusal: dt.date) -> Deadline:
    """The last day to seize the CADA: two months after the refusal (R343-1).

    Counted as a plain month count, not franc: of the two readings this is the
    earlier day, the safe one to tell a requester (§1.3 "take the earlier date")."""
    return add_months(refusal, CADA_REFERRAL_MONTHS)


def cada_confirmation(registered: dt.date) -> Deadline:
    """The day the administration's silence after a CADA referral confirms its
    refusal: two months after the CADA registered the referral."""
    return add_months(registered, CADA_CONFIRMATION_MONTHS)


def court_limit(decision: dt.date) -> Deadline:
    """The last day to ask the administrative court to annul a decision born
    on ``decision``: two months, franc (born 23 June -> 24 August)."""
    return franc_limit(decision, COURT_MONTHS)


def forced_session_limit(received: dt.date, days: int = FORCED_SESSION_DAYS) -> dt.date:
    """The last day of the delay the mayor has to convene the council after
    receiving the members' request (« dans un délai maximal de trente jours »)."""
    return received + dt.timedelta(days=days)


def act_early(deadline: dt.date, days: int = FILE_EARLY_DAYS) -> dt.date:
    """The day to act by, a week before a deadline whose carrying over is not certain."""
    return deadline - dt.timedelta(days=days)


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


@dataclass(frozen=True)
class CrpaTimeline:
    """The dates of one request for documents, from its receipt (§1.3).

    ``refusal`` is the express refusal's notification when there was one, else
    the implicit refusal; ``cada_by`` the last day to seize the CADA;
    ``uncertain`` is set when a month count met a day the month lacks
    (31 January + 1 month), which the kit tells the user to check.
    """

    received: dt.date
    refusal: dt.date
    express: bool
    cada_from: dt.date
    cada_by: dt.date
    uncertain: bool


def crpa_timeline(received: dt.date, refused: dt.date | None = None) -> CrpaTimeline:
    """The CRPA dates for a request received on ``received``; ``refused`` is
    the day an express refusal was notified, if one was. The CADA may be seized
    once the refusal exists: at once after an express refusal, else from the
    day silence becomes a refusal."""
    silence = implicit_refusal(received)
    if refused is not None and refused < received:
        raise ValueError("a refusal cannot come before the request was received")
    express = refused is not None and refused < silence.date
    refusal = refused if express else silence.date
    limit = cada_referral_limit(refusal)
    return CrpaTimeline(received, refusal, express, refusal, limit.date,
                        (silence.uncertain and not express) or limit.uncertain)


@dataclass(frozen=True)
class CadaTimeline:
    """After a referral: when the CADA should give its opinion (one month, a
    limit without sanction), when the administration's silence confirms the
    refusal, and the last day to go to court against that confirmation."""

    registered: dt.date
    opinion_expected: dt.date
    confirmation: dt.date
    court_by: dt.date
    uncertain: bool


def cada_timeline(registered: dt.date) -> CadaTimeline:
    opinion = add_months(registered, 1)
    confirm = cada_confirmation(registered)
    court = court_limit(confirm.date)
    return CadaTimeline(registered, opinion.date, confirm.date, court.date,
                        opinion.uncertain or confirm.uncertain or court.uncertain)


# --------------------------------------------------------------------------- pre-election periods (posters)


@dataclass(frozen=True)
class ElectionPeriod:
    """A period in which the code électoral (L51) restricts posters about an
    election: from the first day of the sixth month before the month of the
    election until the round that decides it.

    ``verified`` is False when the election's date itself is not confirmed
    (campaign-kit §7.5, §12 items 2, 3 and 19): the kit then says it
    conditionally. ``election`` and ``condition`` are French, for documents;
    ``election_en`` English, for the CLI's warnings.
    """

    election: str
    election_en: str
    start: dt.date
    end: dt.date
    verified: bool
    condition: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


#: Campaign-kit §7.5 as of 28 November 2026. The municipal elections of 15 and
#: 22 March 2026 are VERIFIED; the presidential date (first round expected on 11
#: or 18 April 2027, so the end is the latest second round, 2 May) and the
#: departmental and regional elections (normally March 2028) are not.
ELECTION_PERIODS: tuple[ElectionPeriod, ...] = (
    ElectionPeriod("élections municipales des 15 et 22 mars 2026", "the municipal elections of 15 and 22 March 2026",
                   dt.date(2025, 9, 1), dt.date(2026, 3, 22), True),
    ElectionPeriod("élection présidentielle de 2027", "the 2027 presidential election",
                   dt.date(2026, 10, 1), dt.date(2027, 5, 2), False,
                   "si le premier tour a lieu en avril 2027, comme prévu (date non confirmée par un décret "
                   "de convocation au 28 novembre 2026)"),
    ElectionPeriod("élections départementales et régionales de 2028", "the 2028 departmental and regional elections",
                   dt.date(2027, 9, 1), dt.date(2028, 3, 31), False,
                   "si elles ont lieu en mars 2028, comme prévu (calendrier non vérifié au 28 novembre 2026)"),
)


def election_periods_covering(day: dt.date) -> list[ElectionPeriod]:
    """The pre-election posting periods (code électoral L51) that include ``day``."""
    return [p for p in ELECTION_PERIODS if p.covers(day)]
