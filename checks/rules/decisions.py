"""重大行政决策 public participation (要点2020 (二); 《重大行政决策程序暂行条例》; rulebook §8.4, §9.2 F):
the year's 决策事项目录, drafts put out for comment (意见征集) with a stated window of at least 30
days, and the 采纳情况 published once the window has closed. The four parts score a quarter each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from checks.columns import column_items, find_column
from checks.common import column_page, published_on, require_list_loaded, searched
from checks.dates import add_working_days, all_dates
from checks.facts.items import item_date
from checks.facts.platform import home_and_platform
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Link, Snapshot

DIRECTORY = re.compile(r"(20\d\d)\s*年度?[^。；\n]{0,20}?决策事项[^。；\n]{0,4}目录")
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


def _directory(snap: Snapshot, year: int) -> tuple[str, str] | None:
    """(url, title) of the year's 决策事项目录 among the site's page titles and link anchors."""
    return next(((url, title) for url, title in _named(snap)
                 if (hit := DIRECTORY.search(title)) and int(hit.group(1)) == year), None)


def _named(snap: Snapshot) -> list[tuple[str, str]]:
    """(url, name) of every page by its title and of every internal link by its anchor."""
    def compute():
        return ([(page.url, page.title.split("_")[0]) for page in snap.pages() if page.ok]
                + [(link.target, link.anchor) for link in snap.links(internal=True)])

    return snap.memo(("named_pages",), compute)


def _feedback(snap: Snapshot) -> list[tuple[str, str]]:
    """(url, title) of 采纳情况 notices anywhere on the site."""
    return [(url, title) for url, title in _named(snap) if FEEDBACK.search(title)]


def _consultations(snap: Snapshot, items: list[Link], since: date) -> list[Consultation]:
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


@check(id="decisions.participation", title="重大行政决策公众参与", family="decisions",
       basis="《2020年政务公开工作要点》（国办发〔2020〕17号）二；《重大行政决策程序暂行条例》（国务院令第713号）",
       remedy="每年公布重大行政决策事项目录；决策草案公开征求意见并写明起止时间（一般不少于30日）；征求意见结束后公布意见采纳情况及理由。",
       needs=("home",))
def participation(snap: Snapshot, ctx: Context) -> Finding:
    limits = ctx.thresholds["decisions.participation"]
    min_days, recent = int(limits["min_window_days"]), int(limits["recent_days"])
    year = ctx.today.year if ctx.today.month >= limits["directory_from_month"] else ctx.today.year - 1
    threshold = f"公布{year}年重大行政决策事项目录；近{recent}天有意见征集，征求期不少于{min_days}日，结束后公布采纳情况"
    directory = _directory(snap, year)
    match = find_column(snap, "consultation", home_and_platform(snap))
    evidence = [Evidence(url=directory[0], text=f"“{directory[1]}”")] if directory else []
    consultations: list[Consultation] = []
    if match is not None:
        evidence.append(Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）"))
        page = column_page(snap, match)
        if page is not None:
            items = column_items(snap, page.url)
            if not items:
                require_list_loaded(snap, page, match.anchor)
            consultations = _consultations(snap, items, ctx.today - timedelta(days=recent))
    short = [c for c in consultations if c.days is None or c.days < min_days]
    replies = _feedback(snap)
    closed = [c for c in consultations if c.end is not None and c.end < ctx.today]
    unanswered = [c for c in closed if not any(c.subject() is None or c.subject() in title for _, title in replies)]
    parts = {"目录": directory is not None, "意见征集": bool(consultations),
             "征求期": bool(consultations) and not short, "采纳反馈": bool(consultations) and not unanswered}
    details = {"directory": {"url": directory[0], "title": directory[1]} if directory else None,
               "directory_year": year, "url": match.url if match else None, "parts": parts,
               "consultations": [{"title": c.title, "url": c.url, "start": c.start.isoformat() if c.start else None,
                                  "end": c.end.isoformat() if c.end else None, "days": c.days} for c in consultations],
               "short": [c.url for c in short], "no_feedback": [c.url for c in unanswered]}
    evidence += [Evidence(url=c.url, text=f"“{c.title}”征求期" + (f"{c.days}日（“{c.said[:60]}”）" if c.days else "未注明"))
                 for c in short]
    evidence += [Evidence(url=c.url, text=f"“{c.title}”征求意见结束后未找到采纳情况") for c in unanswered]
    problems = []
    if directory is None:
        problems.append(f"未找到{year}年重大行政决策事项目录")
    if not consultations:
        problems.append(f"近{recent}天未公开征求意见" + ("" if match else "（未找到意见征集栏目）"))
    if short:
        problems.append(f"{len(short)}项征求意见未注明期限或不足{min_days}日")
    if unanswered:
        problems.append(f"{len(unanswered)}项征求意见结束后未公布采纳情况")
    score = sum(parts.values()) / len(parts)
    value = f"{sum(parts.values())}/{len(parts)}项"
    if not problems:
        return Finding(Status.PASS, f"已公布{year}年决策事项目录，{len(consultations)}项征求意见期限充足并公布了采纳情况。",
                       value=value, threshold=threshold, evidence=evidence, details=details)
    status = Status.FAIL if score == 0 else Status.WARN
    evidence = evidence or searched(snap, "决策事项目录和意见征集栏目", home_and_platform(snap))
    return Finding(status, "；".join(problems) + "。", value=value, threshold=threshold, evidence=evidence,
                   details=details, score=score)
