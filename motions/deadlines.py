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
