"""重大行政决策 public participation (要点2020 (二); 《重大行政决策程序暂行条例》; rulebook §8.4, §9.2 F):
the year's 决策事项目录, drafts put out for comment (意见征集) with a stated window of at least 30
days, and the 采纳情况 published once the window has closed. The four parts score a quarter each."""

from __future__ import annotations

import re
from datetime import timedelta

from checks.columns import column_items, find_column
from checks.common import column_page, require_list_loaded, searched
from checks.facts.consultations import Consultation, feedback_notices, find_consultations, named_pages
from checks.facts.platform import home_and_platform
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Snapshot

DIRECTORY = re.compile(r"(20\d\d)\s*年度?[^。；\n]{0,20}?决策事项[^。；\n]{0,4}目录")


def _directory(snap: Snapshot, year: int) -> tuple[str, str] | None:
    """(url, title) of the year's 决策事项目录 among the site's page titles and link anchors."""
    return next(((url, title) for url, title in named_pages(snap)
                 if (hit := DIRECTORY.search(title)) and int(hit.group(1)) == year), None)


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
            consultations = find_consultations(snap, items, ctx.today - timedelta(days=recent))
    short = [c for c in consultations if c.days is None or c.days < min_days]
    replies = feedback_notices(snap)
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
