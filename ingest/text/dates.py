"""Dates: the one reader of dates, for article metadata and datelines and for questions.

`parse_date` reads the date a field or dateline gives ("Nov. 19, 2021", an RSS timestamp);
`find_dates` reads the periods a question names ("in June 2023", "last week", "before
October 7") as windows of days.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

MIN_YEAR, MAX_YEAR = 1800, 2200

# Month names and their short forms: "november", "nov", "sept" -> 11, 11, 9.
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
CALENDAR = frozenset([*calendar.day_name, *calendar.month_name[1:]])  # capitalised, not names
DATE_WORDS = frozenset([*MONTHS, *(word.lower() for word in CALENDAR)])

_MONTH_NAMES = sorted(MONTHS, key=len, reverse=True)  # "sept" tried before "sep"
MONTH = "(?i:" + "|".join(_MONTH_NAMES) + r")\b\.?"
_ONE_DAY, _ANOTHER_DAY = date(2001, 3, 14), date(2013, 10, 2)  # two days to tell relative dates by
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_DAY_YEAR = re.compile(
    rf"(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})\b"
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?P<month>{MONTH}),?\s+(?P<year>\d{{4}})\b"
)
_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
# A full date as text: what a dateline opens with.
DATE_TEXT = (
    rf"(?:{MONTH}\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d")

# The periods a question names.
_DAY_DATE = re.compile(
    rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}){_ORDINAL}(?:,?\s+(?P<year>\d{{4}}))?\b", re.I
)
_CAPITALISED_MONTH = "(?:" + "|".join(m.capitalize() for m in _MONTH_NAMES) + r")\b\.?"
# "25 November", "the 25th of Nov. 2023": the month capitalised, as "20 may lose" is no date.
_DAY_FIRST = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{_CAPITALISED_MONTH})"
    rf"(?:,?\s+(?P<year>\d{{4}}))?(?!\w)"
)
_MONTH_YEAR = re.compile(rf"\b(?P<month>{MONTH})\s+(?:of\s+)?(?P<year>\d{{4}})\b", re.I)
_LAST_MONTH = re.compile(rf"\blast\s+(?P<month>{MONTH})", re.I)
# "in June", "in early June": the latest June; "in may" and "in march" typed lower-case are verbs.
_IN_MONTH = re.compile(
    rf"\b(?:in|during)\s+(?:(?:early|late|mid)[\s-]+)?(?P<month>{MONTH})(?!\s*,?\s*\d)", re.I
)
_VERB_MONTHS = ("may", "march")
_IN_YEAR = re.compile(r"\bin\s+((?:19|20)\d{2})\b", re.I)
_RELATIVE = re.compile(r"\b(yesterday|today|(?:this|last)\s+(?:week|month|year))\b", re.I)
_BEFORE = re.compile(r"\b(before|prior to|until|earlier than)\s+(?:the\s+)?$", re.I)
_AFTER = re.compile(r"\b(after|since|following|later than)\s+(?:the\s+)?$", re.I)


@dataclass(frozen=True)
class DateWindow:
    """A span of days a question points at, and how: on/in it, before it or after it."""

    start: date
    end: date
    relation: str = "in"  # in | before | after

    def bounds(self) -> tuple[date | None, date | None]:
        """(since, until) for a search steered to this window. "Before" and "after" take in
        the day at the edge: a story "after the October 7 report" may come out on October 7."""
        if self.relation == "before":
            return None, self.start
        if self.relation == "after":
            return self.end, None
        return self.start, self.end

    def holds(self, day: date) -> bool:
        """Whether a day falls within bounds()."""
        since, until = self.bounds()
        return (since is None or since <= day) and (until is None or day <= until)


# --- one date, as a field or a dateline gives it ---------------------------------------------


def parse_date(value: str) -> date | None:
    """The date in `value` (ISO, "Nov. 19, 2021", "19 November 2021", RFC 2822), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    for parse in (_iso_date, _rfc2822_date, _month_name_date, _embedded_iso_date):
        found = parse(text)
        if found is not None:
            return found
    return None


def checked_date(year: int, month: int, day: int) -> date | None:
    """A date if the parts form a real one within the plausible range, else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_number(word: str) -> int:
    """The month a matched month word names ("Sept." -> 9, "November" -> 11)."""
    return MONTHS[word.lower().rstrip(".")]


def _iso_date(text: str) -> date | None:
    """The date of an ISO 8601 date or datetime."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return checked_date(parsed.year, parsed.month, parsed.day)


def _rfc2822_date(text: str) -> date | None:
    """The date of an RFC 2822 timestamp, as used by RSS feeds."""
    if not _RFC2822.match(text):
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return checked_date(parsed.year, parsed.month, parsed.day)


def _month_name_date(text: str) -> date | None:
    """The date of "Nov. 19, 2021", "November 19th, 2021" or "19 November 2021"."""
    match = _MONTH_DAY_YEAR.search(text) or _DAY_MONTH_YEAR.search(text)
    if match is None:
        return None
    return checked_date(int(match["year"]), month_number(match["month"]), int(match["day"]))


def _embedded_iso_date(text: str) -> date | None:
    """The first YYYY-MM-DD date inside a longer string."""
    match = _ISO_DATE.search(text)
    if match is None:
        return None
    return checked_date(int(match["year"]), int(match["month"]), int(match["day"]))


# --- the periods a question names --------------------------------------------------------------


def find_dates(text: str, today: date) -> list[DateWindow]:
    """Date windows named in text: "on Nov. 18, 2023", "in November 2023", "last June"..."""
    return [window for window, _ in _dates_with_spans(text, today)]


def names_relative_date(text: str) -> bool:
    """Whether text names a date read from the day it was written ("last week", "Nov. 16")."""
    return find_dates(text, _ONE_DAY) != find_dates(text, _ANOTHER_DAY)


def without_dates(text: str, today: date) -> str:
    """Text with the dates that find_dates reads blanked out."""
    spans = sorted((span for _, span in _dates_with_spans(text, today)), reverse=True)
    for start, end in spans:
        text = text[:start] + " " + text[end:]
    return text


def _dates_with_spans(text: str, today: date) -> list[tuple[DateWindow, tuple[int, int]]]:
    """Each date window named in text, with where in text it is named."""
    windows: list[tuple[DateWindow, tuple[int, int]]] = []

    def add(m: re.Match, start: date, end: date) -> None:
        if any(a <= m.start() < b for _, (a, b) in windows):
            return
        before = text[: m.start()][-20:]
        relation = (
            "before" if _BEFORE.search(before) else "after" if _AFTER.search(before) else "in"
        )
        windows.append((DateWindow(start, end, relation), m.span()))

    for m in _ISO_DATE.finditer(text):
        day = checked_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if day:
            add(m, day, day)
    for m in [*_DAY_DATE.finditer(text), *_DAY_FIRST.finditer(text)]:
        month, day_number = month_number(m["month"]), int(m["day"])
        year = int(m["year"]) if m["year"] else _latest_year(month, day_number, today)
        day = checked_date(year, month, day_number)
        if day:
            add(m, day, day)
    for m in _MONTH_YEAR.finditer(text):
        month, year = month_number(m["month"]), int(m["year"])
        if MIN_YEAR <= year <= MAX_YEAR:
            add(m, *_month_span(year, month))
    for m in _LAST_MONTH.finditer(text):
        month = month_number(m["month"])
        add(m, *_month_span(today.year if month < today.month else today.year - 1, month))
    for m in _IN_MONTH.finditer(text):
        if m["month"] not in _VERB_MONTHS:
            month = month_number(m["month"])
            add(m, *_month_span(_latest_year(month, 1, today), month))
    for m in _IN_YEAR.finditer(text):
        year = int(m.group(1))
        add(m, date(year, 1, 1), date(year, 12, 31))
    for m in _RELATIVE.finditer(text):
        add(m, *_relative_period(m.group(1).lower().split(), today))
    return windows


def _month_span(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _relative_period(words: list[str], today: date) -> tuple[date, date]:
    """First and last day of "yesterday", "today", "this week", "last month"... A period
    that has not ended ends today."""
    if words[0] in ("yesterday", "today"):
        day = today - timedelta(days=words[0] == "yesterday")
        return day, day
    last = words[0] == "last"
    if words[1] == "week":
        start = today - timedelta(days=today.weekday() + 7 * last)
        end = start + timedelta(days=6)
    elif words[1] == "month":
        end = today.replace(day=1) - timedelta(days=1) if last else today
        start = end.replace(day=1)
    else:
        start = date(today.year - last, 1, 1)
        end = start.replace(month=12, day=31)
    return start, end if last else today


def _latest_year(month: int, day: int, today: date) -> int:
    """The year of the most recent past occurrence of a month and day."""
    return today.year if (month, day) <= (today.month, today.day) else today.year - 1
