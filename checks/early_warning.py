"""预警: what will fail soon, with the day it will, from the same snapshot the checks read.

A warning is not a finding: it never changes the score. Each function below reads the facts the
checks read (checks/facts/: newest item of a column, messages of the mailbox, the year's 年报, the
TLS probe…; never a rule module, so rules and warnings stay independent) and
returns the deadlines that fall within the rulebook's warning windows (thresholds `warnings`), in
date order. A site that could not be examined for a warning simply has none: the check for the same
thing says "无法核验".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from checks.columns import column_items, find_column
from checks.common import column_page
from checks.facts.annual_reports import GOVERNMENT_LEVELS, deadline, reports_present
from checks.facts.consultations import feedback_notices, find_consultations
from checks.facts.documents import documents, validity_end, validity_of
from checks.facts.freshness import CLASSES, column_newest, columns, home_newest, update_class, update_windows
from checks.facts.items import newest_listed
from checks.facts.platform import home_and_platform
from checks.facts.messages import messages
from checks.facts.probes import probe_details
from checks.model import Context, Evidence, Unverifiable, Verdict
from checks.snapshot import Page, Snapshot

THRESHOLDS = "warnings"  # the rulebook's key for the numbers below
INDICATORS_2019 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
log = logging.getLogger(__name__)


@dataclass
class EarlyWarning:
    id: str          # the kind of deadline (several warnings may share it: one per column)
    title: str
    due: date        # the day the rule is broken (or the deadline falls) unless the office acts
    basis: str
    message: str     # zh-CN, for the office
    evidence: list[Evidence] = field(default_factory=list)
    remedy: str = ""

    def as_dict(self, today: date) -> dict:
        return {"id": self.id, "title": self.title, "due": self.due.isoformat(), "days_left": (self.due - today).days,
                "basis": self.basis, "message": self.message, "remedy": self.remedy,
                "evidence": [evidence.as_dict() for evidence in self.evidence]}


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def annual_report(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    """The report for year Y is due 31 March (the government itself) or 31 January (departments, towns,
    streets) of Y+1; from 1 December of Y until then, warn while it is not published."""
    year = ctx.today.year if ctx.today.month >= int(limits["annual_report_from_month"]) else ctx.today.year - 1
    government = ctx.level in GOVERNMENT_LEVELS
    due = deadline(year, government, ctx)
    if ctx.today > due or (ctx.today.year == year and ctx.today.month < int(limits["annual_report_from_month"])):
        return []  # past the deadline the check fails it; before December it is not yet on the horizon
    if (year, government) in reports_present(snap, ctx):
        return []
    whose = "本级人民政府年度报告" if government else "部门（含乡镇、街道）年度报告"
    rule = f"{whose}于次年{due.month}月{due.day}日前发布"
    return [EarlyWarning("annual_report.due", f"{year}年度政府信息公开工作年度报告", due,
                         "《中华人民共和国政府信息公开条例》第四十九条",
                         f"尚未发布{year}年度政府信息公开工作年度报告，应于{_day(due)}前发布（{rule}）。",
                         [Evidence(url=snap.start_url, text="本次检测未发现该年度报告")],
                         "按国办公开办函〔2021〕30号格式编制并在年报栏目发布。")]


def home_page(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    home = snap.home()
    if home is None or not home.ok:
        return []
    limit = int(ctx.thresholds["site.home_updated"]["max_age_days"])
    where, found = home_newest(snap, home, ctx.today)
    if found is None:
        return []
    newest, link = found
    due = newest + timedelta(days=limit + 1)  # the first day the newest item is older than the limit
    if not ctx.today <= due <= ctx.today + timedelta(days=int(limits["stale_within_days"])):
        return []
    return [EarlyWarning("site.home_stale", "首页即将超期未更新", due, INDICATORS_2019 + "单项否决：首页不更新",
                         f"{where}最新信息发布于{newest.isoformat()}，若不更新，将于{_day(due)}超过{limit}天未更新，触发单项否决。",
                         [Evidence(url=link.target, text=f"“{link.anchor}” {newest.isoformat()}")],
                         "及时在首页发布本地区、本部门的动态和信息。")]


def stale_columns(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    windows = update_windows(ctx.thresholds)
    found = []
    for column in columns(snap):
        kind = update_class(column)
        newest = column_newest(snap, column, ctx.today) if kind and column.items else None
        if newest is None:
            continue  # unclassified, blank or undated columns are the checks' findings, not a deadline
        due = newest + timedelta(days=windows[kind] + 1)
        if ctx.today <= due <= ctx.today + timedelta(days=int(limits["stale_within_days"])):
            found.append(EarlyWarning(
                "site.column_stale", f"栏目“{column.name}”即将超期未更新", due, INDICATORS_2019 + "单项否决：栏目不更新",
                f"“{column.name}”（{CLASSES[kind][0]}，应在{windows[kind]}天内更新）最新信息发布于{newest.isoformat()}，"
                f"若不更新，将于{_day(due)}超期。",
                [Evidence(url=column.url, text=f"“{column.name}”最新信息：{newest.isoformat()}")],
                "按栏目类别按期发布新信息；确无内容的栏目应整合或撤销。"))
    return found


def column_if_open(snap: Snapshot, concept: str, sources: list[str] | None = None) -> Page | None:
    """The column's page when the site has it and it opened; a warning has nothing to say otherwise
    (a missing column is the checks' finding, not a deadline)."""
    match = find_column(snap, concept, sources)
    return column_page(snap, match) if match is not None else None


def unanswered_messages(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    """A 留言 unanswered past `message_after_days`: the veto comes at interaction.channel max_wait_days."""
    veto_after = int(ctx.thresholds["interaction.channel"]["max_wait_days"])
    page = column_if_open(snap, "interaction")
    if page is None:
        return []
    found = []
    for message in messages(page):
        waited = message.waited(ctx.today)
        if message.answered is None and int(limits["message_after_days"]) < waited <= veto_after:
            due = message.asked + timedelta(days=veto_after + 1)
            found.append(EarlyWarning(
                "interaction.reply_due", f"留言“{message.subject}”即将超期未答复", due, INDICATORS_2019 + "单项否决：互动回应差",
                f"“{message.subject}”于{message.asked.isoformat()}留言，已{waited}天未答复；"
                f"若仍不答复，将于{_day(due)}超过{veto_after}天，触发单项否决。",
                [Evidence(url=message.page, text=f"“{message.subject}” 留言于{message.asked.isoformat()}，至今未答复")],
                "尽快办理并公开答复。"))
    return found


def consultations(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    """A comment period ending (or just ended) within the window, with no 采纳情况 published yet."""
    within = timedelta(days=int(limits["consultation_within_days"]))
    page = column_if_open(snap, "consultation", home_and_platform(snap))
    if page is None:
        return []
    replies = feedback_notices(snap)
    found = []
    for item in find_consultations(snap, column_items(snap, page.url), ctx.today - within - timedelta(days=366)):
        if item.end is None or not ctx.today - within <= item.end <= ctx.today + within:
            continue
        if any(item.subject() is None or item.subject() in title for _, title in replies):
            continue
        ended = "已于" if item.end < ctx.today else "将于"
        found.append(EarlyWarning(
            "decisions.feedback_due", f"“{item.title}”采纳情况待公布", item.end,
            "《重大行政决策程序暂行条例》（国务院令第713号）；《2020年政务公开工作要点》（国办发〔2020〕17号）二",
            f"征求意见{ended}{_day(item.end)}结束，尚未找到意见采纳情况；结束后应及时公布采纳情况及理由。",
            [Evidence(url=item.url, text=f"“{item.title}”征求期至{item.end.isoformat()}")],
            "征求意见结束后公布收到的意见、采纳情况及理由。"))
    return found


def power_list(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    max_age = int(ctx.thresholds["power.responsibility_list"]["max_age_days"])
    page = column_if_open(snap, "power_list")
    newest = newest_listed(snap, page, column_items(snap, page.url), ctx.today) if page is not None else None
    if newest is None:
        return []
    day, url, title = newest
    due = day + timedelta(days=max_age + 1)
    if not ctx.today <= due <= ctx.today + timedelta(days=int(limits["power_list_within_days"])):
        return []
    return [EarlyWarning("power.list_age", "权责清单即将满一年未更新", due,
                         "《2020年政务公开工作要点》（国办发〔2020〕17号）一：更新完善权责清单并按要求公开",
                         f"权责清单最近一次更新为{day.isoformat()}，将于{_day(due)}超过{max_age}天未更新。",
                         [Evidence(url=url, text=f"“{title}” {day.isoformat()}")],
                         "核对权责事项调整情况，更新权责清单并标注更新日期。")]


def certificate(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    rows = probe_details(snap, "https_tls")
    detail = rows[0] if rows else {}
    try:
        expires = datetime.strptime(detail.get("not_after") or "", "%b %d %H:%M:%S %Y %Z").date()
    except ValueError:
        return []  # no HTTPS, or an untrusted certificate: site.https says so
    if not ctx.today <= expires <= ctx.today + timedelta(days=int(limits["certificate_within_days"])):
        return []
    return [EarlyWarning("site.certificate_expiry", "HTTPS证书即将到期", expires,
                         "国办发〔2017〕47号《政府网站发展指引》；GB/T 31506-2022",
                         f"网站HTTPS证书将于{_day(expires)}到期，到期后浏览器将提示不安全、无法正常访问。",
                         [Evidence(url="https://" + detail["url"], text=f"证书有效期至{detail['not_after']}")],
                         "在到期前续期或更换证书。")]


def expiring_documents(snap: Snapshot, ctx: Context, limits: dict) -> list[EarlyWarning]:
    found = []
    for doc in documents(snap):
        if not doc.normative or re.search(r"失效|废止", validity_of(snap, doc)):
            continue
        ends = validity_end(snap.main_text(doc.page), doc.written)
        if ends is None or not ctx.today <= ends <= ctx.today + timedelta(days=int(limits["validity_within_days"])):
            continue
        found.append(EarlyWarning(
            "rules.validity_ends", f"“{doc.title}”有效期即将届满", ends, "《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）",
            f"{doc.title}（{doc.doc_no or '无文号'}）有效期至{_day(ends)}；届满前应评估并决定延续、修订或废止，并更新有效性标注。",
            [Evidence(url=doc.url, text=f"有效期至{ends.isoformat()}")],
            "届满前完成评估，发布延续、修订或废止决定，并在文件页更新有效性。"))
    return found


SOURCES = (annual_report, home_page, stale_columns, unanswered_messages, consultations, power_list, certificate,
           expiring_documents)


def early_warnings(snap: Snapshot, ctx: Context) -> list[EarlyWarning]:
    """Every warning, earliest due first. One source failing (a page that could not be read, our own bug)
    costs only its own warnings."""
    limits = ctx.thresholds[THRESHOLDS]
    found = []
    for source in SOURCES:
        try:
            found += source(snap, ctx, limits)
        except (Unverifiable, Verdict):
            continue
        except Exception:  # a bug here must not cost the assessment
            log.exception("early warning %s failed", source.__name__)
    return sorted(found, key=lambda warning: (warning.due, warning.id, warning.title))
