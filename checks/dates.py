"""One date parser for every check: page text, metadata fields and URLs.

Accepts 2020-11-30, 2020年11月30日, 2020/11/30, 2020.11.30, with or without time and zero
padding, and dates carried only in URLs (/20230331/, t20201130_, /2020-11/30/). Anything
malformed (20251月1日, 2020-13-45) yields no date rather than a wrong one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

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


def parse_date(text: str | None) -> date | None:
    """The first well-formed date in the text, or None."""
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
    return None


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


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (Mon–Fri; statutory holidays not modelled)."""
    if end <= start:
        return 0
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days
