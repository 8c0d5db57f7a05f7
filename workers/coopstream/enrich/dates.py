"""Dates in news prose and datelines, for any language whose words are in ``<lang>/dates.json``.

One grammar per language, compiled once: month names, the order of day and month, the words that
join the two ends of a range ("Sept. 13 – 15", "del 13 al 15 de septiembre", "de 13 a 15 de setembro
de 2023"), the words before a year. The full-date pattern is written once here and serves the
dateline ("LIMA, Perú (17 de septiembre de 2025) —"), the engagement dates and the published date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from coopstream.enrich.knowledge.files import Shape

ORDERS = ("month_day", "day_month")
_DASHES = "–—-"
# a dateline's place: capitals (accented ones too), dots, apostrophes, hyphens and spaces
_CAPS = "A-ZÀ-ÖØ-ÞĀ-Ž"
_PLACE = rf"[{_CAPS}][{_CAPS}.'’\- ]{{1,60}}?[{_CAPS}.]"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class DateGrammar:
    """The compiled date patterns of one language."""

    months: dict[str, int]
    range_re: re.Pattern[str]
    dateline_re: re.Pattern[str]
    full_date_re: re.Pattern[str]
    ordinal_day_re: re.Pattern[str] | None
    relative_days: dict[str, int]
    ordinal_suffixes: tuple[str, ...]
    paren_date_re: re.Pattern[str]
    relative_re: re.Pattern[str] | None

    @classmethod
    def from_spec(cls, spec: Any, name: str) -> DateGrammar:
        shape = Shape(name)
        s = shape.obj(spec, "")
        order = shape.one_of(s.get("order", "month_day"), "order", ORDERS)
        months_spec = shape.obj(shape.key(s, "months", ""), "months")
        months = {str(k).lower(): int(shape.num(v, f"months.{k}", 1, 12)) for k, v in months_spec.items()}
        if not months:
            raise shape.fail("months", "no month names")
        suffixes = shape.strings(s.get("ordinal_suffixes", []), "ordinal_suffixes") if s.get("ordinal_suffixes") else []
        joiners = shape.strings(shape.key(s, "range_joiners", ""), "range_joiners")
        day_articles = shape.strings(s.get("day_articles", []), "day_articles") if s.get("day_articles") else []
        month_joiners = (
            shape.strings(s.get("day_month_joiners", []), "day_month_joiners") if s.get("day_month_joiners") else []
        )
        year_joiners = shape.strings(s.get("year_joiners", []), "year_joiners") if s.get("year_joiners") else []
        relative = {
            str(k).lower(): int(shape.num(v, f"relative_days.{k}", -7, 7))
            for k, v in shape.obj(s.get("relative_days", {}), "relative_days").items()
        }
        case = shape.one_of(s.get("month_case", "any"), "month_case", ("any", "capitalised"))
        written = [m.capitalize() for m in months] if case == "capitalised" else list(months)
        month = rf"(?:{_alternation(written)})\.?"
        suffix = rf"(?:{_alternation(suffixes)})?" if suffixes else ""
        day = rf"\d{{1,2}}{suffix}"
        join = rf"\s*(?:{_alternation(joiners)})\s*"
        article = rf"(?:(?:{_alternation(day_articles)})\s+)?" if day_articles else ""
        of = rf"(?:(?:{_alternation(month_joiners)})\s+)?" if month_joiners else ""
        year_join = rf"(?:,?\s*(?:(?:{_alternation(year_joiners)})\s+)?)" if year_joiners else r",?\s*"
        year = rf"(?:{year_join}(?P<y>\d{{4}}))?"
        if order == "month_day":
            rng = (
                rf"(?P<m1>{month})\s+(?P<d1>{day})(?:{join}(?:(?P<m2>{month})\s+)?(?P<d2>{day}))?"
                rf"{year}(?!\d)"
            )
        else:
            rng = (
                rf"(?<!\d)(?P<d1>\d{{1,2}})(?:º|°|\.º)?(?:\s+{of}(?P<m1>{month}))?(?:{join}{article}(?P<d2>\d{{1,2}}))?"
                rf"\s+{of}(?P<m2>{month}){year}(?!\d)"
            )
        full = re.compile(rng.replace("(?P<", "(?P<full_"))
        dateline = re.compile(
            rf"(?m)^[ \t]*(?P<place>{_PLACE})(?:, (?P<region>[{_CAPS}][\w.'’\- ]{{1,40}}?))?"
            rf"(?:,? \((?P<date>[^()\n]{{4,40}})\)|, (?P<bare>[^\n,()]{{4,40}}?))\s?(?:--|[{_DASHES}])"
        )
        ordinal = None
        day_of = s.get("ordinal_day_prefixes")
        if day_of and suffixes:
            prefixes = shape.strings(day_of, "ordinal_day_prefixes")
            ordinal = re.compile(rf"\b(?:{_alternation(prefixes)}) (\d{{1,2}})(?:{_alternation(suffixes)})\b")
        flags = re.IGNORECASE if s.get("month_case", "any") == "any" else 0
        return cls(
            months,
            re.compile(rng, flags),
            dateline,
            re.compile(full.pattern, flags),
            ordinal,
            relative,
            tuple(suffixes),
            re.compile(rf"\((?:{full.pattern})\)", flags),
            re.compile(rf"(?<!\w)({_alternation(list(relative))})(?!\w)", re.IGNORECASE) if relative else None,
        )

    def month(self, word: str | None) -> int | None:
        return self.months.get(word.lower().rstrip(".")) if word else None

    def parse_full(self, text: str) -> date | None:
        """A whole written date with its year ("Sept. 15, 2023", "17 de septiembre de 2025")."""
        m = self.range_re.fullmatch(text.strip())
        if not m or not m.group("y"):
            return None
        first, _ = self._ends(m, int(m.group("y")))
        return first

    def find_range(self, text: str, year: int | None, month: int | None = None) -> tuple[date | None, date | None]:
        """The first date or date range; the year (and for "on the 14th" the month) default to those given."""
        for m in self.range_re.finditer(text):
            y = int(m.group("y")) if m.group("y") else year
            if y is None:
                return None, None
            start, end = self._ends(m, y)
            if start is None:
                continue
            return start, end
        if self.ordinal_day_re is not None and year and month:
            nth = self.ordinal_day_re.search(text)
            if nth:
                day = make_date(year, month, int(nth.group(1)))
                return day, day
        return None, None

    def _ends(self, m: re.Match[str], year: int) -> tuple[date | None, date | None]:
        m1 = self.month(m.group("m1"))
        m2 = self.month(m.group("m2"))
        d1 = int(re.match(r"\d+", m.group("d1")).group())  # type: ignore[union-attr]
        d2 = int(re.match(r"\d+", m.group("d2")).group()) if m.group("d2") else None  # type: ignore[union-attr]
        first_month = m1 or m2
        if first_month is None:
            return None, None
        last_month = m2 or m1 or first_month
        if d2 is None:  # a single date: day-month order names its month last
            return (make_date(year, first_month, d1),) * 2
        start_year = year
        if last_month < first_month:  # "Dec. 30 – Jan. 2": the year (when written) is the end's
            start_year = year - 1 if m.group("y") else year
        start = make_date(start_year, first_month, d1)
        end_year = start_year + 1 if last_month < first_month else start_year
        end = make_date(end_year, last_month, d2)
        if start is None:
            return None, None
        if end is None or end < start:
            end = start
        return start, end

    def relative(self, text: str, published: date | None) -> date | None:
        """The day a relative word names ("ayer", "today"), counted from the published date."""
        m = self.relative_re.search(text) if self.relative_re is not None and published else None
        if m is None or published is None:
            return None
        return published + timedelta(days=self.relative_days[m.group(1).lower()])


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def normalise_published(value: str | None) -> str | None:
    """ISO 8601 date or date-time, kept as the most precise valid form; None when unusable."""
    if not value:
        return None
    m = _ISO.match(value.strip())
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


def stamp_date(patterns: tuple[re.Pattern[str], ...], raw: str) -> str | None:
    """A page's own publication stamp ("date 2023-09-13", "Publicado em 27/06/2025"): named groups y, m, d."""
    for pattern in patterns:
        m = pattern.search(raw)
        if m:
            d = make_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if d is not None:
                return d.isoformat()
    return None
