"""Does the site search find a page the site just published? Submit the exact title of a recent
item from the home page's lists to the home page's search form and keep what came back."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

import dns.resolver

from crawler.probes.ipv6 import Prober
from crawler.resolver import make_resolver
from crawler.snapshot import CrawlReader

_ARTICLE = re.compile(r"\d{4,}")
_ELLIPSIS = re.compile(r"(\.{3}|…+)$")
_LINK = re.compile(r"<a\s[^>]*href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", re.S | re.I)
_SCRIPTED = re.compile(r"fetch\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\(")


def compact(text: str) -> str:
    return re.sub(r"\s+", "", html.unescape(text))


def listed(page: str, title: str, article: str) -> bool:
    """Is the item among the results: a link to it, or a link whose text is its title? A results
    page that merely repeats the query ("检索词：…，共0条") does not count."""
    wanted = compact(title)
    for href, text in _LINK.findall(page):
        if urlsplit(html.unescape(href)).path == urlsplit(article).path or wanted in compact(re.sub(r"<[^>]+>", "", text)):
            return True
    return False


def home_facts(snapshot: str, start_url: str) -> tuple[list[dict], str | None, str | None]:
    """The home page's search forms and a recent item (title, url) from its lists, in page order."""
    crawl = CrawlReader(snapshot)
    try:
        home = crawl.loaded(start_url)
        if home is None:
            return [], None, None
        forms = home[1].get("forms", [])
        for target, anchor, tag, internal, context in crawl.links_from(home[0]):
            title = _ELLIPSIS.sub("", anchor).strip()
            if (internal and tag == "a" and 8 <= len(title) <= 80 and _ARTICLE.search(urlsplit(target).path)
                    and re.search(r"\d", context)):
                return forms, title, target
        return forms, None, None
    finally:
        crawl.close()


def probe(snapshot: str, start_url: str, nameserver: str | None, timeout: float) -> list[dict]:
    forms, title, article = home_facts(snapshot, start_url)
    detail: dict = {"forms": len(forms), "query": title, "article": article}
    found, elapsed = False, 0
    if forms and title:
        form = forms[0]
        detail["action"], detail["method"] = form["action"], form["method"]
        if form["method"] == "get":
            url = form["action"].split("?")[0] + "?" + urlencode({**form["hidden"], form["field"]: title})
            resolver = make_resolver(nameserver) if nameserver else dns.resolver.Resolver()
            fetched = Prober(resolver, own_nameserver=bool(nameserver), timeout=timeout).fetch(url, "ipv4")
            if fetched.error == "no_address":
                fetched = Prober(resolver, own_nameserver=bool(nameserver), timeout=timeout).fetch(url, "ipv6")
            page = fetched.body.decode("utf-8", errors="replace")
            if page.count("\ufffd") > 5:
                page = fetched.body.decode("gb18030", errors="replace")
            found = not fetched.error and (fetched.status or 500) < 400 and listed(page, title, article)
            elapsed = fetched.elapsed_ms
            detail.update(url=url, status=fetched.status, error=fetched.error, message=fetched.message,
                          scripted=bool(_SCRIPTED.search(page)))
    return [{"kind": "search", "target": detail.get("action") or start_url, "family": "", "ok": int(found),
             "elapsed_ms": elapsed, "detail": json.dumps(detail, ensure_ascii=False),
             "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}]
