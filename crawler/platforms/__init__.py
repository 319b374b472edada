"""Adapters for the list mechanisms of common government CMSs, so script-filled lists need no browser.

`read(html, url)` is what the spider asks of every HTML page: the links an adapter derives that the
page's plain links do not show, the API-served lists to request (as Scrapy requests, so the
scheduler's budget, concurrency and delays apply), and what the adapter understood of the page.
`read_list` turns one API answer into list rows and the further pages to request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from crawler.platforms import gkmlpt, trs
from crawler.platforms.select_links import option_links
from crawler.platforms.lists import ListBook, ListFetch, list_page_row

__all__ = ["ListBook", "ListFetch", "Reading", "list_page_row", "read", "read_list", "page_document"]


@dataclass
class Reading:
    links: list[tuple[str, str, str, str]] = field(default_factory=list)  # (target, anchor, tag, context)
    fetches: list[ListFetch] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)  # adapters that read the page's script-filled parts
    metadata: dict = field(default_factory=dict)         # goes into pages.metadata (e.g. a list's stated total)


def read(html: str, url: str) -> Reading:
    reading = Reading()
    pages = trs.pagination_urls(html, url)
    if pages:
        reading.links += [(target, "", how, "") for target, how in pages]
        reading.understood.append("trs:createPageHTML")
    reading.links += option_links(html, url)
    mixed = trs.static_dynamic_list(html, url)
    if mixed:  # its newest items are in the page; the static pages after it are followed
        reading.links += [(target, "", how, "") for target, how in mixed[0]]
        reading.metadata["list"] = mixed[1]
        reading.understood.append("trs:动静结合")
    _read_gkmlpt_catalogue(html, url, reading)
    return reading


def _read_gkmlpt_catalogue(html: str, url: str, reading: Reading) -> None:
    found = gkmlpt.catalogue(html, url)
    if found is None:
        return
    base, sid, nodes = found
    reading.understood.append("gkmlpt")
    reading.links.append((base + "guide", "政府信息公开指南", "a", ""))
    for node in nodes:
        name = gkmlpt.js_unescape(str(node.get("name") or "")).strip()
        if node.get("jump_url"):
            reading.links.append((gkmlpt.urljoin(url, str(node["jump_url"])), name, "a", ""))
            continue
        list_url = f"{base}index#{node['id']}"
        count = node.get("post_count")
        reading.links.append((list_url, name, "a", f"共{count}条" if count is not None else ""))
        reading.fetches.append(ListFetch(gkmlpt.api_url(base, node["id"], 1, sid), list_url, name, "gkmlpt"))
    if not reading.fetches:  # no categories of its own: the whole catalogue is category 0
        reading.fetches.append(ListFetch(gkmlpt.api_url(base, 0, 1, sid), f"{base}index#0", "信息公开目录", "gkmlpt"))


def read_list(fetch: ListFetch, body: str) -> tuple[int | None, list[tuple[str, str, str]], list[ListFetch]] | None:
    """(stated total, rows (target, title, context), further pages) of one API answer, or None when
    the answer is not a list of this platform."""
    page = gkmlpt.read_page(body)
    if page is None:
        return None
    total, articles, name = page
    rows = [found for article in articles if (found := gkmlpt.row(article, fetch.url, name or fetch.name))]
    more = []
    if fetch.page == 1 and total and articles and len(articles) < total:
        pages = min(math.ceil(total / len(articles)), gkmlpt.MAX_PAGES)
        more = [ListFetch(gkmlpt.with_page(fetch.url, number), fetch.list_url, fetch.name, fetch.platform, number)
                for number in range(2, pages + 1)]
    return total, rows, more


def page_document(html: str) -> dict[str, str]:
    """Metadata an adapter reads from a platform's item page (the visible metadata block wins)."""
    return gkmlpt.detail_document(html)
