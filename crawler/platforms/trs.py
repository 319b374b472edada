"""TRS WCM lists. `createPageHTML(pageCount, currentPage, "index", "html")` writes the links to
index_1.html … index_{n-1}.html with document.write, so a plain fetch sees none of them; a
"动静结合" list prints its newest items and loads the rest from a search service."""

from __future__ import annotations

import math
import re
from urllib.parse import urljoin

CALL = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
MAX_PAGES = 200  # a list claiming more pages than this is capped; the crawl budget applies anyway


def pagination_urls(html: str, url: str) -> list[tuple[str, str]]:
    found = []
    for match in CALL.finditer(html):
        count, stem, ext = int(match.group(1)), match.group(3), match.group(4)
        for number in range(min(count, MAX_PAGES)):
            name = f"{stem}.{ext}" if number == 0 else f"{stem}_{number}.{ext}"
            found.append((urljoin(url, name), "trs:createPageHTML"))
    return found


# TRS "动静结合" lists: the first `maxStaticIndex` pages are static HTML (index.html, index_1.html …),
# the rest come from a search service through `require(["list2.trsapi"]) … listModel({…})`, e.g.
#   listModel({quickMode: "动静结合", maxStaticIndex: 1, listArgs: {channelid, classsql: "chnlid=1813"},
#              pagebar: {prepage: 10, recordCount: '20', …}})
# The service's address is not in the page, so what lies beyond the static pages is recorded as unread.
_LIST_MODEL = re.compile(r"listModel\s*\(\s*\{(?P<args>.*?)\}\s*\)", re.S)
_FIELD = r"""\b{}\s*:\s*['"]?(\d+)['"]?"""
_OWN_FILE = re.compile(r"/(?P<stem>[\w-]+)\.(?P<ext>s?html?)$")


def _number(args: str, name: str) -> int | None:
    found = re.search(_FIELD.format(name), args)
    return int(found.group(1)) if found else None


def static_dynamic_list(html: str, url: str) -> tuple[list[tuple[str, str]], dict] | None:
    """(static list pages beyond this one, what the snapshot keeps about the list) of a 动静结合 list."""
    if "listModel" not in html:
        return None
    found = _LIST_MODEL.search(html)
    total = _number(found.group("args"), "recordCount") if found else None
    if total is None:
        return None
    args = found.group("args")
    static_pages = max(_number(args, "maxStaticIndex") or 1, 1)
    per_page = _number(args, "prepage") or 10
    own = _OWN_FILE.search(url.split("?", 1)[0])
    stem, ext = (own.group("stem").split("_")[0], own.group("ext")) if own else ("index", "html")
    pages = min(static_pages, math.ceil(total / per_page), MAX_PAGES)
    urls = [(urljoin(url, f"{stem}_{number}.{ext}"), "trs:动静结合") for number in range(1, pages)]
    static_items = min(total, static_pages * per_page)
    summary = {"platform": "trs:动静结合", "total": total, "listed": static_items, "pages": pages,
               "complete": static_items >= total, "per_page": per_page,
               "unread": "" if static_items >= total else
               f"第{static_pages + 1}页起由检索服务提供（{total - static_items}条），页面未给出其地址，未读取"}
    return urls, summary
