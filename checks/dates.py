"""One date parser for every check: page text, metadata fields and URLs.

Accepts 2020-11-30, 2020年11月30日, 2020/11/30, 2020.11.30, with or without time and zero
padding, list cells written 18-03-19 or 03-17 when the day the page was read is known, and dates
carried only in URLs (/20230331/, t20201130_, /2020-11/30/). Anything
malformed (20251月1日, 2020-13-45) yields no date rather than a wrong one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import chinese_calendar

# A date in text: year, separator, month, separator, day; the year must not be glued to more digits.
_TEXT = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<s>[-/.年])\s*(?P<m>\d{1,2})\s*(?:(?P=s)|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
)
# Dates in URLs: /20230331/, t20201130_, /2020-11/30/, /202011/30/.
_URL_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),
    re.compile(r"/(?P<y>20\d{2})-?(?P<m>\d{2})/(?P<d>\d{2})/"),
]


def make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str | None, today: date | None = None) -> date | None:
    """The first well-formed date in the text, or None.

    With `today` (the day the page was read), a list cell that is only a short date is read too:
    `18-03-19` (two-digit year) and `03-17` (no year: the latest such day not after today, since a
    list leaves the year out for recent items). Without `today` such cells give no date rather than
    a guessed year."""
    if not text:
        return None
    for match in _TEXT.finditer(text):
        separator = match.group("s")
        raw = match.group(0)
        if separator == "年" and "月" not in raw:
            continue
        found = make(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        if found:
            return found
    return _short_date(text, today) if today else None


# A list cell holding only a short date: 18-03-19 (YY-MM-DD) or 03-17 / 3月17日 (MM-DD).
_SHORT = re.compile(r"^[\s\[(（【]*(?:(?P<y>\d{2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})"
                    r"|(?P<m2>\d{1,2})(?:[-/.]|月)(?P<d2>\d{1,2})日?)[\s\])）】]*$")


def _short_date(text: str, today: date) -> date | None:
    found = _SHORT.match(text)
    if not found:
        return None
    if found.group("y"):
        year = 2000 + int(found.group("y"))
        return make(year, int(found.group("m")), int(found.group("d"))) if year <= today.year + 1 else None
    month, day = int(found.group("m2")), int(found.group("d2"))
    this_year = make(today.year, month, day)
    if this_year is None and (month, day) != (2, 29):
        return None
    if this_year is not None and this_year <= today:
        return this_year
    return make(today.year - 1, month, day)


def all_dates(text: str | None) -> list[date]:
    if not text:
        return []
    found = []
    for match in _TEXT.finditer(text):
        if match.group("s") == "年" and "月" not in match.group(0):
            continue
        value = make(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        if value:
            found.append(value)
    return found


def date_from_url(url: str | None) -> date | None:
    if not url:
        return None
    for pattern in _URL_PATTERNS:
        for match in pattern.finditer(url):
            found = make(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            if found and date(1990, 1, 1) <= found <= date(2100, 1, 1):
                return found
    return None


# -- working days ------------------------------------------------------------------------------
# China moves working days (调休): a Saturday may be a working day and a week may be holidays.
# `chinese_calendar` carries the State Council's yearly schedule; for a year it does not know yet
# (the schedule is published each November) the count falls back to Monday–Friday and says so.


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library's schedule does not cover
        return day.weekday() < 5


def calendar_knows(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def calendar_note(*days: date | None) -> str:
    """A zh-CN note for a finding when a date lies in a year whose holiday schedule is unknown."""
    years = sorted({day.year for day in days if day is not None and not calendar_knows(day)})
    if not years:
        return ""
    return "、".join(f"{year}年" for year in years) + "的法定节假日安排未收录，工作日按周一至周五估算"


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`, by the official calendar (调休 included)."""
    if end <= start:
        return 0
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        days += is_working_day(current)
    return days


def add_working_days(start: date, count: int) -> date:
    """The day on which `count` working days after `start` have passed (start itself not counted)."""
    current = start
    while count > 0:
        current += timedelta(days=1)
        count -= is_working_day(current)
    return current
