"""French typography, applied once to every text of the document model.

Writers never fix typography: compose passes each text run through
:func:`french`, so DOCX, PDF and text outputs carry the same characters.
The pass is idempotent (running it twice changes nothing).

Rules (Imprimerie nationale, as most French publishers apply them):
- typographic apostrophe ’ instead of ';
- « guillemets » with a no-break space inside; straight "double quotes" become « »;
- a narrow no-break space (U+202F) before ; ! ? and a no-break space (U+00A0)
  before : — only where the sign ends a word, so URLs ("https://") are untouched;
- a no-break space after "n°", "p.", "art.", "§" and the like, so a reference is
  never split across lines;
- three dots become an ellipsis.
"""

from __future__ import annotations

import datetime as dt
import re

NBSP = "\u00a0"
NNBSP = "\u202f"

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)

_SPACES = "[ \t\u00a0\u202f]"
_URL = re.compile(r"(?:https?://|www\.)\S+")
_APOSTROPHE = re.compile(r"(?<=\w)'|'(?=\w)")
_DOUBLE_QUOTES = re.compile(r'"([^"\n]*)"')
_OPEN_GUILLEMET = re.compile(r"«" + _SPACES + "*")
_CLOSE_GUILLEMET = re.compile(_SPACES + "*»")
# (a fragment may start right after a note call: "local[3] ;" -> the "^" case)
_NARROW_PUNCT = re.compile(r"(?:(?<=[^\s\u00a0\u202f(\[])|^)" + _SPACES + r"*([;!?])(?=\s|$|[»)\]]|\u00a0|\u202f)")
# After a digit only with a space between ("Article 2 :"), never in a time ("10:30").
_COLON = re.compile(r"(?:(?<=[^\s\u00a0\u202f(\[\d])" + _SPACES + r"*|(?<=\d)" + _SPACES + r"+|^" + _SPACES
                    + r"*):(?=\s|$)")
_ABBREV_SPACE = re.compile(r"\b(n°|N°|p\.|pp\.|art\.|al\.|vol\.|chap\.|pt|cons\.|§)" + _SPACES + r"+(?=[\w\d])")
_MULTI_SPACE = re.compile(r"[ \t]{2,}")


def _apply_outside_urls(text: str, fn) -> str:
    parts, last = [], 0
    for m in _URL.finditer(text):
        parts.append(fn(text[last:m.start()]))
        parts.append(m.group())
        last = m.end()
    parts.append(fn(text[last:]))
    return "".join(parts)


def _french_fragment(text: str) -> str:
    text = text.replace("...", "…")
    text = _APOSTROPHE.sub("’", text)
    text = _DOUBLE_QUOTES.sub(lambda m: f"«{NBSP}{m.group(1).strip()}{NBSP}»", text)
    text = _OPEN_GUILLEMET.sub("«" + NBSP, text)
    text = _CLOSE_GUILLEMET.sub(NBSP + "»", text)
    text = _NARROW_PUNCT.sub(lambda m: NNBSP + m.group(1), text)
    text = _COLON.sub(NBSP + ":", text)
    text = _ABBREV_SPACE.sub(lambda m: m.group(1) + NBSP, text)
    text = _MULTI_SPACE.sub(" ", text)
    return text


def french(text: str) -> str:
    """Return ``text`` with French typography; URLs are left as they are."""
    if not text:
        return text
    return _apply_outside_urls(text, _french_fragment)


def date_fr(value: dt.date | str | None) -> str:
    """``2026-03-14`` -> ``14 mars 2026``; the first of the month is ``1er``."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def month_year_fr(value: dt.date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def number_fr(value: int | float) -> str:
    """``34969`` -> ``34 969`` with a narrow no-break space between thousands."""
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:.2f}".split(".")
        return number_fr(int(whole)) + "," + frac.rstrip("0")
    return f"{int(value):,}".replace(",", NNBSP)


def ordinal_fr(n: int, feminine: bool = False) -> str:
    """``1`` -> ``1er`` (``1re`` when feminine), ``2`` -> ``2e``."""
    if n == 1:
        return "1re" if feminine else "1er"
    return f"{n}e"


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
