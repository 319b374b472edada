"""Helpers shared by check modules: getting the page a check needs or saying why it cannot."""

from __future__ import annotations

import re
from datetime import date

from checks.columns import ColumnMatch, find_column
from checks.dates import date_from_url, parse_date
from checks.model import Evidence, Finding, Status, Unverifiable, Verdict
from checks.snapshot import Page, Snapshot

ERROR_WORDS = {
    "dns": "域名解析失败",
    "timeout": "访问超时",
    "refused": "连接被拒绝",
    "robots": "网站robots协议禁止抓取",
    "too_large": "页面过大，未下载",
    "redirect_loop": "重定向次数过多（循环跳转）",
    "truncated": "页面传输中断，内容不完整",
    "reset": "连接被服务器中断",
    "tls": "HTTPS（TLS）握手失败",
}


def describe_error(kind: str | None, message: str = "") -> str:
    return ERROR_WORDS.get(kind or "", f"访问失败（{kind}）" if kind else "未访问")


def require_home(snap: Snapshot) -> Page:
    """The home page, or Unverifiable: without it nothing else on the site can be examined."""
    home = snap.home()
    if home is None or not home.ok:
        raise Unverifiable("本次检测未能打开网站首页，本项无法检查（见“本次检测时首页可访问”一项）。")
    return home


def searched(snap: Snapshot, what: str, sources: list[str] | None = None) -> list[Evidence]:
    """What a "not found" rests on: the pages the search started from (the home page, the 政府信息公开
    platform) and how many crawled pages were searched after them."""
    pages = len(snap.pages())
    return [Evidence(url=url, text=f"从此页面起检索本次抓取的{pages}个页面，未找到{what}")
            for url in dict.fromkeys(sources or [snap.start_url])]


def open_column(snap: Snapshot, concept: str, threshold: str, missing: str,
                sources: list[str] | None = None) -> tuple[ColumnMatch, Page]:
    """The column a check needs and its page. Ends the check when there is nothing to examine: the
    site has no such column, or its page answers an error (both the site's failure); a page we
    could not fetch ends it as unverifiable (column_page)."""
    match = find_column(snap, concept, sources)
    if match is None:
        raise Verdict(Finding(Status.FAIL, missing, value="未找到", threshold=threshold,
                              evidence=searched(snap, "该栏目", sources)))
    return match, open_page(snap, match, threshold)


def open_page(snap: Snapshot, match: ColumnMatch, threshold: str) -> Page:
    """The column's page; a page answering an error ends the check as the site's failure."""
    page = column_page(snap, match)
    if page is None:
        raise Verdict(Finding(Status.FAIL, f"“{match.anchor}”栏目页面无法打开：{match.url}", value="无法打开",
                              threshold=threshold, evidence=[Evidence(url=match.url, text=match.anchor)]))
    return page


# Statuses that say "not for you" rather than "not here": access control or rate limiting.
ACCESS_DENIED = {401: "需要登录", 403: "拒绝访问", 407: "需要代理认证", 429: "访问过于频繁被限制"}


def column_page(snap: Snapshot, match: ColumnMatch) -> Page | None:
    """The column's page; None when it answered with an error status (the site's fault);
    Unverifiable when we could not fetch it at all or access was refused to us."""
    outcome = snap.outcome(match.url)
    if not outcome.fetched:
        if outcome.error:
            raise Unverifiable(f"栏目“{match.anchor}”页面{describe_error(outcome.error)}，本项无法核验：{match.url}")
        raise Unverifiable(f"栏目“{match.anchor}”页面未在本次抓取范围内（页数或深度上限），本项无法核验：{match.url}")
    if outcome.status in ACCESS_DENIED:
        raise Unverifiable(f"栏目“{match.anchor}”页面返回HTTP {outcome.status}（{ACCESS_DENIED[outcome.status]}），"
                           f"栏目存在但内容无法读取，本项无法核验：{match.url}")
    page = snap.page(match.url)
    if page is None or not page.ok:
        return None
    return page


def require_list_loaded(snap: Snapshot, page: Page, label: str) -> None:
    """Raise Unverifiable when a column shows no items because its list comes from a script that
    was not run or failed: an empty list we could not load is not an empty column."""
    if not page.metadata.get("needs_js") or page.rendered:
        return
    failed = next((e for e in snap.render_errors() if e["url"] in (page.url, page.final_url)), None)
    why = f"浏览器渲染失败（{failed['message'][:80]}）" if failed else "本次未启用浏览器渲染"
    raise Unverifiable(f"栏目“{label}”的列表由JavaScript接口加载，{why}，无法读取列表，本项无法核验：{page.url}")


# <meta> names CMSs use for the publication date.
PUBDATE_META = ("PubDate", "pubdate", "publishdate", "PublishDate", "firstpublishedtime", "ArticlePubDate")
# The date line under an article title: "发布时间：2026-03-27 08:21", "日期：2020年3月1日"; never the
# 成文日期 or 发文日期 (when the document was signed) or 印发日期.
_DATE_LINE = re.compile(r"(?:发布时间|发布日期|公开日期|(?<!成文|印发|发文)时间|(?<!成文|印发|发文)日期)\s*[:：]\s*([^\n]{6,24})")


def publication_date(page: Page) -> tuple[date, str] | None:
    """When the page was published and where that was read: the metadata block, the PubDate meta
    tag, the date line, or the URL. Dates inside the body (a statistics period) never count."""
    found = parse_date(page.document.get("发布日期"))
    if found:
        return found, f"信息元数据“发布日期：{page.document['发布日期']}”"
    for name in PUBDATE_META:
        found = parse_date(page.meta_tags.get(name))
        if found:
            return found, f"页面元数据 {name}={page.meta_tags[name]}"
    for line in _DATE_LINE.finditer(page.text[:4000]):
        found = parse_date(line.group(1))
        if found:
            return found, f"日期行“{line.group(0).strip()}”"
    found = date_from_url(page.final_url)
    if found:
        return found, f"网址中的日期 {page.final_url}"
    return None


def published_on(page: Page) -> date | None:
    """publication_date without saying where it was read."""
    found = publication_date(page)
    return found[0] if found else None
