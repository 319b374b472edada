"""Is the site kept up to date? The home page and column vetoes of the 2019 检查指标 (V-HOME, V-COL).

An item's date is the one its list row shows, else its own page's publication date. Undated items
count as not updated (普查2015: 未注明信息发布时间的视为不更新).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from checks.columns import column_items
from checks.common import publication_date, require_home
from checks.dates import parse_date
from checks.lexicon import BLANK_MARKERS
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Link, Page, Snapshot

BASIS = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决"
# Update classes of V-COL and the words that put a column in them (rulebook §1.2a).
CLASSES = {
    "news": ("动态要闻类", ("动态", "要闻", "新闻", "图片新闻", "工作进展")),
    "notice": ("通知公告、政策文件类", ("通知公告", "公示公告", "公告", "通知", "政策文件", "规范性文件", "政策法规")),
    "plan": ("人事、规划计划类", ("人事", "任免", "招考", "规划", "计划")),
}
_PAGINATED = re.compile(r"_\d+\.s?html?$")
MIN_OWN_TEXT = 40  # characters of its own a page needs to be content rather than an empty frame


def item_date(snap: Snapshot, link: Link, today: date | None = None) -> date | None:
    listed = parse_date(link.context, today)  # `today` reads list cells such as 18-03-19 and 03-17
    if listed:
        return listed
    page = snap.page(link.target)
    found = publication_date(page) if page is not None and page.ok else None
    return found[0] if found else None


@check(id="site.home_updated", title="首页信息更新", basis=BASIS + "：首页不更新", family="site",
       remedy="及时在首页发布本地区、本部门的动态和信息，并标注发布时间。")
def home_updated(snap: Snapshot, ctx: Context) -> Finding:
    home = require_home(snap)
    limit = int(ctx.thresholds["site.home_updated"]["max_age_days"])
    threshold = f"首页最新信息发布时间距检测日不超过{limit}天"
    dated = [(item_date(snap, link, ctx.today), link) for link in snap.links_from(home.url) if link.internal and link.anchor]
    dated = [(day, link) for day, link in dated if day and day <= ctx.today]
    where = "首页"
    if not dated:  # a navigation-only home page: its second-level pages carry the news
        second = [link for link in snap.links_from(home.url) if link.internal]
        dated = [(item_date(snap, item, ctx.today), item) for link in second for item in snap.links_from(link.target)]
        dated = [(day, link) for day, link in dated if day and day <= ctx.today]
        where = "首页及其二级页面"
    if not dated:
        return Finding(Status.FAIL, f"{where}的信息均未标注发布时间，按规定视为未更新。", value="无日期",
                       threshold=threshold, evidence=[Evidence(url=home.url)])
    newest, link = max(dated, key=lambda pair: pair[0])
    age = (ctx.today - newest).days
    evidence = [Evidence(url=link.target, text=f"“{link.anchor}” {newest.isoformat()}")]
    details = {"newest": newest.isoformat(), "age_days": age}
    if age > limit:
        return Finding(Status.FAIL, f"{where}最新信息发布于{newest.isoformat()}，已{age}天未更新（超过{limit}天即触发单项否决）。",
                       value=f"{age}天", threshold=threshold, evidence=evidence, details=details)
    return Finding(Status.PASS, f"{where}最新信息发布于{newest.isoformat()}（{age}天前）。", value=f"{age}天",
                   threshold=threshold, evidence=evidence, details=details)


@dataclass
class Column:
    page: Page
    name: str
    items: list[Link]

    @property
    def url(self) -> str:
        return self.page.url


def column_name(page: Page) -> str:
    return (page.meta_tags.get("ColumnName") or page.title.split("_")[0].split("-")[0]).strip()


def columns(snap: Snapshot) -> list[Column]:
    """List pages: pages declaring a column (ColumnName), or listing dated items; later pages of a
    paginated list are parts of their column, not columns of their own."""
    found = []
    for page in snap.pages():
        if not page.ok or page.url == snap.start_url or _PAGINATED.search(urlsplit(page.final_url).path):
            continue
        items = column_items(snap, page.url)
        if page.meta_tags.get("ColumnName") or any(parse_date(link.context) for link in items):
            found.append(Column(page, column_name(page), items))
    return found


def update_class(column: Column) -> str | None:
    label = column.page.meta_tags.get("ColumnType", "") + " " + column.name
    for key, (_, words) in CLASSES.items():
        if any(word in label for word in words):
            return key
    return None


@check(id="site.columns_updated", title="栏目信息更新", basis=BASIS + "：栏目不更新", family="site",
       remedy="按栏目类别定期更新：动态要闻类2周内、通知公告和政策文件类6个月内、人事和规划计划类1年内应有新信息；确无内容的栏目应整合或撤销。")
def columns_updated(snap: Snapshot, ctx: Context) -> Finding:
    require_home(snap)
    limits = ctx.thresholds["site.columns_updated"]
    windows = {"news": int(limits["news_days"]), "notice": int(limits["notice_days"]), "plan": int(limits["plan_days"])}
    stale, checked = [], 0
    for column in columns(snap):
        kind = update_class(column)
        if kind is None or not column.items:
            continue  # unclassified columns have no update rule; blank ones are site.blank_columns
        checked += 1
        dates = [day for day in (item_date(snap, link, ctx.today) for link in column.items) if day and day <= ctx.today]
        newest = max(dates) if dates else None
        age = (ctx.today - newest).days if newest else None
        if newest is None or age > windows[kind]:
            stale.append({"url": column.url, "name": column.name, "class": CLASSES[kind][0], "kind": kind,
                          "newest": newest.isoformat() if newest else None, "age_days": age})
    threshold = (f"动态要闻类{windows['news']}天、通知公告政策文件类{windows['notice']}天、"
                 f"人事规划计划类{windows['plan']}天内有更新；前两类超期≥{int(limits['veto_stale'])}个或"
                 f"应更新未更新≥{int(limits['veto_overdue'])}个即单项否决")
    evidence = [Evidence(url=s["url"], text=f"“{s['name']}”（{s['class']}）最新信息："
                         + (f"{s['newest']}，{s['age_days']}天前" if s["newest"] else "无日期")) for s in stale]
    details = {"stale": stale, "checked": checked}
    if checked == 0:
        return Finding(Status.NOT_APPLICABLE, "未识别到有更新要求的栏目（动态要闻、通知公告、政策文件、人事、规划计划）。",
                       threshold=threshold, details=details)
    urgent = sum(1 for s in stale if s["kind"] in ("news", "notice"))
    value = f"{len(stale)}/{checked}个栏目未按期更新"
    if urgent >= limits["veto_stale"] or len(stale) >= limits["veto_overdue"]:
        return Finding(Status.FAIL, f"{len(stale)}个栏目未按期更新，达到单项否决标准。", value=value, threshold=threshold,
                       evidence=evidence, details=details)
    if stale:
        return Finding(Status.WARN, f"{len(stale)}个栏目未按期更新：" + "、".join(s["name"] for s in stale) + "。",
                       value=value, threshold=threshold, evidence=evidence, details=details,
                       score=1 - len(stale) / checked)
    return Finding(Status.PASS, f"已检查{checked}个有更新要求的栏目，均按期更新。", value=value, threshold=threshold,
                   details=details)


@check(id="site.blank_columns", title="空白栏目", basis=BASIS + "：空白栏目数量超过(含)5个", family="site",
       remedy="为空白栏目补充内容；确无内容可发布的栏目应予撤销或整合，不得保留“暂无信息”的空栏目。")
def blank_columns(snap: Snapshot, ctx: Context) -> Finding:
    require_home(snap)
    veto = int(ctx.thresholds["site.blank_columns"]["veto_blank"])
    blank = []
    found = columns(snap)
    directories = [urlsplit(column.page.final_url).path.rsplit("/", 1)[0] + "/" for column in found]
    for column, directory in zip(found, directories):
        hub = any(other != directory and other.startswith(directory) for other in directories)
        if column.items or hub:  # a hub of sub-columns lists columns, not items
            continue
        own_text = snap.main_text(column.page).replace(column.name, "")
        marker = next((m for m in BLANK_MARKERS if m in own_text), "")
        # A guide, a contact page or a hub of sub-columns has no list items either, but is not blank.
        if marker or (not snap.content_links(column.url) and len(re.sub(r"\W", "", own_text)) < MIN_OWN_TEXT):
            blank.append({"url": column.url, "name": column.name, "marker": marker})
    threshold = f"不得有空白栏目；空白栏目≥{veto}个即单项否决"
    evidence = [Evidence(url=b["url"], text=f"“{b['name']}”" + (f"显示“{b['marker']}”" if b["marker"] else "无任何信息"))
                for b in blank]
    details = {"blank": blank}
    if len(blank) >= veto:
        return Finding(Status.FAIL, f"发现{len(blank)}个空白栏目，达到单项否决标准。", value=f"{len(blank)}个",
                       threshold=threshold, evidence=evidence, details=details)
    if blank:
        return Finding(Status.WARN, f"发现{len(blank)}个空白栏目：" + "、".join(b["name"] for b in blank) + "。",
                       value=f"{len(blank)}个", threshold=threshold, evidence=evidence, details=details, score=0.5)
    return Finding(Status.PASS, "未发现空白栏目。", value="0个", threshold=threshold, details=details)
