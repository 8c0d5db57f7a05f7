"""Dates in news prose: "Sept. 13 – 15", "Feb. 25-27", "April 21 – May 9", "Dec. 11, 2025"."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_RANGE = re.compile(
    _MONTH
    + r" (\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:–|-|—|to|through|and)\s*(?:"
    + _MONTH
    + r" )?(\d{1,2})(?:st|nd|rd|th)?)?"
    r"(?:,? (\d{4}))?(?!\d)"
)


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_dateline_date(text: str) -> date | None:
    m = DATE_RANGE.match(text)
    if not m or not m.group(5):
        return None
    return make_date(int(m.group(5)), MONTHS[m.group(1).lower()], int(m.group(2)))


_ORDINAL_DAY = re.compile(r"\bon the (\d{1,2})(?:st|nd|rd|th)\b")


def find_range(text: str, year: int | None, month: int | None = None) -> tuple[date | None, date | None]:
    """The first date or date range in ``text``; the year (and for "on the 14th" the month) default to those given."""
    for m in DATE_RANGE.finditer(text):
        y = int(m.group(5)) if m.group(5) else year
        if y is None:
            return None, None
        m1 = MONTHS[m.group(1).lower()]
        start = make_date(y, m1, int(m.group(2)))
        if start is None:
            continue
        end = start
        if m.group(4):
            m2 = MONTHS[m.group(3).lower()] if m.group(3) else m1
            end = make_date(y, m2, int(m.group(4))) or start
            if end < start:
                end = start
        return start, end
    nth = _ORDINAL_DAY.search(text)
    if nth and year and month:
        day = make_date(year, month, int(nth.group(1)))
        return day, day
    return None, None


def normalise_published(value: str | None) -> str | None:
    """ISO 8601 date or date-time, kept as the most precise valid form; None when unusable."""
    if not value:
        return None
    v = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$", v)
    if not m:
        return None
    d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if d is None:
        return None
    if m.group(4) is None:
        return d.isoformat()
    hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
    if hh > 23 or mm > 59 or ss > 59:
        return d.isoformat()
    tz = m.group(7) or "Z"
    if tz != "Z":
        tz = tz if ":" in tz else tz[:3] + ":" + tz[3:]
        if tz in ("+00:00", "-00:00"):
            tz = "Z"
    return f"{d.isoformat()}T{hh:02d}:{mm:02d}:{ss:02d}{tz}"
