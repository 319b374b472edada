"""Messages (留言) of a mailbox page: when each was asked and answered. Read by interaction.channel
and by the 预警 stage (a 留言 nearing the 3-month veto)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bs4 import BeautifulSoup

from checks.dates import parse_date
from checks.snapshot import Page

ASKED = ("留言时间", "来信时间", "提问时间", "咨询时间", "提交时间")
ANSWERED = ("答复时间", "回复时间", "办结时间", "反馈时间")
SUBJECT = ("留言主题", "留言标题", "主题", "标题", "来信标题")


@dataclass
class Message:
    subject: str
    asked: date
    answered: date | None
    page: str

    def waited(self, today: date) -> int:
        return ((self.answered or today) - self.asked).days


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    return next((i for i, header in enumerate(headers) if any(name in header for name in names)), None)


def messages(page: Page) -> list[Message]:
    """Rows of message tables: a header row naming 留言时间 and 答复时间, one message per row."""
    found = []
    soup = BeautifulSoup(page.html, "lxml")
    for table in soup.find_all("table"):
        rows = [[re.sub(r"\s+", " ", cell.get_text()).strip() for cell in row.find_all(["th", "td"])]
                for row in table.find_all("tr")]
        if not rows:
            continue
        headers = [header.replace(" ", "") for header in rows[0]]
        asked_at, answered_at = _column(headers, ASKED), _column(headers, ANSWERED)
        if asked_at is None or answered_at is None:
            continue
        subject_at = _column(headers, SUBJECT)
        for row in rows[1:]:
            if len(row) <= max(asked_at, answered_at):
                continue
            asked = parse_date(row[asked_at])
            if asked:
                subject = row[subject_at] if subject_at is not None and subject_at < len(row) else ""
                found.append(Message(subject, asked, parse_date(row[answered_at]), page.url))
    return found
