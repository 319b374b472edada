"""What names a 政府信息公开工作年度报告 (its year first), when one is due, and which years' reports
the site shows at all (the 预警 stage asks whether this year's is out yet)."""

from __future__ import annotations

import re
from datetime import date

from checks.model import Context
from checks.snapshot import Snapshot

REPORT_TITLE = re.compile(r"(20\d\d)\s*年?度?.{0,30}(政府信息公开|信息公开|政务公开).{0,10}(年度报告|年报)")
# Titles that name a report without being one: notices about compiling it, interpretations of it.
ABOUT_A_REPORT = re.compile(r"关于|通知|编制|报送|做好|解读|图解|一图读懂")
# Site levels whose owner is a people's government itself (31 March) rather than a department (31 January).
GOVERNMENT_LEVELS = ("national", "province", "city", "district")


def deadline(year: int, government: bool, ctx: Context) -> date:
    """When the report on `year` is due (条例第四十九条): a people's government's and a department's
    deadlines in the next year are thresholds of annual_report.on_time (31 March, 31 January)."""
    limits = ctx.thresholds["annual_report.on_time"]
    whose = "government" if government else "department"
    return date(year + 1, int(limits[f"{whose}_due_month"]), int(limits[f"{whose}_due_day"]))


def is_government(issuer: str) -> bool:
    """A county-level or higher people's government ("某某区人民政府", or just the place: "某某区");
    its offices, departments, towns and streets report by 31 January (towns and streets follow
    their county's deadline for departments)."""
    if re.search(r"[乡镇]人民政府$|街道|乡$|镇$", issuer):
        return False
    return issuer.endswith("人民政府") or bool(re.search(r"(省|市|区|县|旗|盟|州)$", issuer))


def reports_present(snap: Snapshot, ctx: Context) -> dict[tuple[int, bool], str]:
    """(year, by the people's government itself?) → address of a page or link titled as that annual
    report, anywhere in the crawl; the issuer is the title's prefix, else the page's 发布机构, else the site's owner."""
    def compute():
        found: dict[tuple[int, bool], str] = {}
        named = [(page.url, page.title, page.document.get("发布机构", "")) for page in snap.pages() if page.ok]
        named += [(link.target, anchor, "") for anchor, links in snap.links_by_anchor.items() for link in links
                  if link.internal]
        for url, title, publisher in named:
            heading = REPORT_TITLE.search(title or "")
            if heading and not ABOUT_A_REPORT.search(title):
                issuer = title[: heading.start(1)].strip(" ：:　") or publisher or ctx.site_name
                found.setdefault((int(heading.group(1)), is_government(issuer)), url)
        return found

    return snap.memo(("annual_reports_present", ctx.site_name), compute)
