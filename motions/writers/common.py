"""Helpers shared by the writers: safe text for XML, reproducible dates."""

from __future__ import annotations

import datetime as dt
import os
import re

# Characters XML 1.0 forbids (C0 controls except tab, newline, carriage return;
# lone surrogates; U+FFFE/U+FFFF). They would make a corrupt DOCX.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop characters XML cannot carry (the library check reports them first)."""
    return _XML_INVALID.sub("", text)


def has_xml_invalid(text: str) -> bool:
    return bool(_XML_INVALID.search(text))


def fixed_datetime(iso_date: str | None = None) -> dt.datetime:
    """The timestamp written into outputs: ``SOURCE_DATE_EPOCH`` when set, else
    the document's date at noon UTC, else 1 January 2026, so that the same inputs
    always give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    if iso_date:
        try:
            d = dt.date.fromisoformat(iso_date)
            return dt.datetime(d.year, d.month, d.day, 12, 0, 0)
        except ValueError:
            pass
    return dt.datetime(2026, 1, 1, 12, 0, 0)
