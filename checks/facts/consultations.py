"""意见征集 notices with the comment period each states, and the 采纳情况 notices anywhere on the
site. Read by decisions.participation and by the 预警 stage (a period ending without 采纳情况)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from checks.common import published_on
from checks.dates import add_working_days, all_dates
from checks.facts.items import item_date
from checks.snapshot import Link, Snapshot

FEEDBACK = re.compile(r"采纳情况|意见反馈|反馈意见|意见采纳|征求意见情况|征集情况|意见建议[^。；]{0,6}(?:处理|办理)情况")
CONSULTATION = re.compile(r"征求[^。；]{0,30}意见|意见征集|征集[^。；]{0,10}意见")
_WINDOW_WORDS = re.compile(r"征求意见|征集|反馈|截止|截至|意见时间|期限")
_STATED_DAYS = re.compile(r"之日起\D{0,6}?(\d{1,3})\s*(个工作日|日|天)")
_DRAFT = re.compile(r"[（(](?:征求意见稿|草案|送审稿|修订草案|讨论稿|修订稿)[）)]")
_BOOK = re.compile(r"《([^》]+)》")


@dataclass
class Consultation:
    title: str
    url: str
    start: date | None
    end: date | None
    said: str  # the clause that states the window

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.start and self.end else None

    def subject(self) -> str | None:
        book = _BOOK.search(self.title)
        return _DRAFT.sub("", book.group(1)) if book else None


def window(text: str, published: date | None) -> tuple[date | None, date | None, str]:
    """The comment period a notice states: two dates, a deadline after publication, or 'N日 from publication'."""
    for clause in re.split(r"[。；;\n]", text):
        if not _WINDOW_WORDS.search(clause):
            continue
        dates = all_dates(clause)
        if len(dates) >= 2:
            return dates[0], dates[1], clause.strip()
        stated = _STATED_DAYS.search(clause)
        if stated and published:
            days = int(stated.group(1))
            if stated.group(2) == "个工作日":  # 民法典第二百零一条: the first day is not counted
                return published, add_working_days(published, days), clause.strip()
            return published, published + timedelta(days=days - 1), clause.strip()
        if len(dates) == 1 and published and re.search(r"截止|截至|之前|前", clause):
            return published, dates[0], clause.strip()
    return None, None, ""


def named_pages(snap: Snapshot) -> list[tuple[str, str]]:
    """(url, name) of every page by its title and of every internal link by its anchor."""
    def compute():
        return ([(page.url, page.title.split("_")[0]) for page in snap.pages() if page.ok]
                + [(link.target, link.anchor) for link in snap.links(internal=True)])

    return snap.memo(("named_pages",), compute)


def feedback_notices(snap: Snapshot) -> list[tuple[str, str]]:
    """(url, title) of 采纳情况 notices anywhere on the site."""
    return [(url, title) for url, title in named_pages(snap) if FEEDBACK.search(title)]


def find_consultations(snap: Snapshot, items: list[Link], since: date) -> list[Consultation]:
    found = []
    for link in items:
        if not CONSULTATION.search(link.anchor) or FEEDBACK.search(link.anchor):
            continue
        page = snap.page(link.target)
        published = (published_on(page) if page is not None and page.ok else None) or item_date(snap, link)
        if published is None or published < since:
            continue
        start, end, said = window(snap.main_text(page), published) if page is not None and page.ok else (None, None, "")
        found.append(Consultation(link.anchor.strip(), link.target, start, end, said))
    return found
