"""政府公报 (国办发〔2016〕80号: 发挥好政府公报的标准文本作用; rulebook §8.7): a 公报 column listing its
issues with dates, recent enough, and whether it can be searched. A page that names the 公报 (the 指南
often lists it as a channel) is not the 公报."""

from __future__ import annotations

import re


from checks.columns import column_items, find_column
from checks.common import open_page, require_list_loaded, searched
from checks.facts.forms import own_search
from checks.facts.items import item_date
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Snapshot

ISSUE = re.compile(r"第\s*[0-9一二三四五六七八九十]+\s*期|公报")


def _mentions(snap: Snapshot) -> list[str]:
    return [page.url for page in snap.pages() if page.ok and "政府公报" in snap.main_text(page)][:3]


@check(id="gazette.published", title="政府公报", family="gazette",
       basis="《国务院办公厅关于〈中共中央办公厅、国务院办公厅关于全面推进政务公开工作的意见〉实施细则》（国办发〔2016〕80号）",
       remedy="在门户网站设置“政府公报”栏目，按期发布公报（注明期号和日期），并提供公报检索。",
       needs=("home",))
def published(snap: Snapshot, ctx: Context) -> Finding:
    home = snap.home()
    max_age = int(ctx.thresholds["gazette.published"]["max_age_days"])
    threshold = f"设置政府公报栏目，按期列出公报，最新一期距今不超过{max_age}天"
    match = find_column(snap, "gazette")
    if match is None:
        mentioned = _mentions(snap)
        said = f"；{len(mentioned)}个页面提到“政府公报”（如{mentioned[0]}），但网站未设公报栏目" if mentioned else ""
        return Finding(Status.FAIL, f"未找到政府公报栏目{said}。", value="未找到", threshold=threshold,
                       evidence=[Evidence(url=url, text="提到“政府公报”") for url in mentioned] or searched(snap, "政府公报栏目"),
                       details={"url": None, "mentioned_in": mentioned})
    evidence = [Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）")]
    page = open_page(snap, match, threshold)
    issues = [link for link in column_items(snap, page.url) if ISSUE.search(link.anchor)]
    searchable = own_search(snap, page, home, by_path=True)  # the site-wide search box is not the 公报's
    details = {"url": match.url, "issues": len(issues), "searchable": searchable, "newest": None}
    if not issues:
        require_list_loaded(snap, page, match.anchor)
        return Finding(Status.FAIL, f"政府公报栏目“{match.anchor}”未列出任何一期公报。", value="0期", threshold=threshold,
                       evidence=evidence, details=details)
    dated = [(day, link) for link in issues if (day := item_date(snap, link)) and day <= ctx.today]
    search_said = "，可检索" if searchable else "，未提供公报检索"
    if not dated:
        return Finding(Status.WARN, f"政府公报栏目列出{len(issues)}期公报，但均未标注日期{search_said}。",
                       value=f"{len(issues)}期", threshold=threshold, evidence=evidence, details=details, score=0.5)
    newest, link = max(dated, key=lambda pair: pair[0])
    age = (ctx.today - newest).days
    details.update(newest=newest.isoformat(), age_days=age)
    evidence.append(Evidence(url=link.target, text=f"“{link.anchor}” {newest.isoformat()}"))
    if age > max_age:
        return Finding(Status.WARN, f"政府公报最新一期为{newest.isoformat()}，已{age}天未出新一期{search_said}。",
                       value=f"{age}天", threshold=threshold, evidence=evidence, details=details, score=0.5)
    return Finding(Status.PASS, f"政府公报栏目列出{len(issues)}期，最新一期为{newest.isoformat()}{search_said}。",
                   value=f"{len(issues)}期", threshold=threshold, evidence=evidence, details=details)
