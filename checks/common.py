"""Helpers shared by check modules: getting the page a check needs or saying why it cannot."""

from __future__ import annotations

from checks.columns import ColumnMatch
from checks.model import Unverifiable
from checks.snapshot import Page, Snapshot

ERROR_WORDS = {
    "dns": "域名解析失败",
    "timeout": "访问超时",
    "refused": "连接被拒绝",
    "robots": "网站robots协议禁止抓取",
    "too_large": "页面过大，未下载",
    "redirect_loop": "重定向次数过多",
}


def describe_error(kind: str | None, message: str = "") -> str:
    return ERROR_WORDS.get(kind or "", f"访问失败（{kind}）" if kind else "未访问")


def require_home(snap: Snapshot) -> Page:
    """The home page, or Unverifiable: without it nothing else on the site can be examined."""
    home = snap.home()
    if home is None or not home.ok:
        raise Unverifiable("本次检测未能打开网站首页，本项无法检查（见“网站可访问性”一项）。")
    return home


def column_page(snap: Snapshot, match: ColumnMatch) -> Page | None:
    """The column's page; None when it answered with an error status (the site's fault);
    Unverifiable when we could not fetch it at all."""
    outcome = snap.outcome(match.url)
    if not outcome.fetched:
        if outcome.error:
            raise Unverifiable(f"栏目“{match.anchor}”页面{describe_error(outcome.error)}，本项无法核验：{match.url}")
        raise Unverifiable(f"栏目“{match.anchor}”页面未在本次抓取范围内（页数或深度上限），本项无法核验：{match.url}")
    page = snap.page(match.url)
    if page is None or not page.ok:
        return None
    return page
