"""How up to date the site is: its columns (list pages) with their update class, each column's newest
dated item and the home page's newest item (V-HOME, V-COL of the 2019 检查指标). Read by the
`site.*` update checks and by the 预警 stage (checks/early_warning.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from checks.columns import column_items
from checks.dates import parse_date
from checks.facts.items import item_date
from checks.snapshot import Link, Page, Snapshot

# Update classes of V-COL and the words that put a column in them (rulebook §1.2a).
CLASSES = {
    "news": ("动态要闻类", ("动态", "要闻", "新闻", "图片新闻", "工作进展")),
    "notice": ("通知公告、政策文件类", ("通知公告", "公示公告", "公告", "通知", "政策文件", "规范性文件", "政策法规")),
    "plan": ("人事、规划计划类", ("人事", "任免", "招考", "规划", "计划")),
}
_PAGINATED = re.compile(r"_\d+\.s?html?$")


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
    def compute():
        found = []
        for page in snap.pages():
            if not page.ok or page.url == snap.start_url or _PAGINATED.search(urlsplit(page.final_url).path):
                continue
            items = column_items(snap, page.url)
            if page.meta_tags.get("ColumnName") or any(parse_date(link.context) for link in items):
                found.append(Column(page, column_name(page), items))
        return found

    return snap.memo(("columns",), compute)


def update_class(column: Column) -> str | None:
    label = column.page.meta_tags.get("ColumnType", "") + " " + column.name
    for key, (_, words) in CLASSES.items():
        if any(word in label for word in words):
            return key
    return None


def update_windows(thresholds: dict) -> dict[str, int]:
    """Days each update class may go without a new item (rulebook thresholds of site.columns_updated)."""
    limits = thresholds["site.columns_updated"]
    return {"news": int(limits["news_days"]), "notice": int(limits["notice_days"]), "plan": int(limits["plan_days"])}


def column_newest(snap: Snapshot, column: Column, today: date) -> date | None:
    """The newest dated item of the column, not after `today`."""
    dates = [day for day in (item_date(snap, link, today) for link in column.items) if day and day <= today]
    return max(dates) if dates else None


def home_newest(snap: Snapshot, home: Page, today: date) -> tuple[str, tuple[date, Link] | None]:
    """Where the home page's news was looked for, and its newest dated item (date, link) if any."""
    dated = [(item_date(snap, link, today), link) for link in snap.links_from(home.url) if link.internal and link.anchor]
    dated = [(day, link) for day, link in dated if day and day <= today]
    where = "首页"
    if not dated:  # a navigation-only home page: its second-level pages carry the news
        second = [link for link in snap.links_from(home.url) if link.internal]
        dated = [(item_date(snap, item, today), item) for link in second for item in snap.links_from(link.target)]
        dated = [(day, link) for day, link in dated if day and day <= today]
        where = "首页及其二级页面"
    return where, max(dated, key=lambda pair: pair[0]) if dated else None
