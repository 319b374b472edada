"""One generic spider for any government portal: follows internal links breadth-first within a
page budget and depth limit, records every response, link and failure. It never judges."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse

from crawler import extract, platforms
from crawler.render_policy import render_reason

NOT_PAGES = re.compile(r"\.(?:jpe?g|png|gif|bmp|svg|ico|webp|css|js|mp3|mp4|avi|flv|swf|woff2?|ttf)$", re.I)
HTML_TYPES = ("text/html", "application/xhtml", "text/plain")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def site_domain(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, start_url: str, max_pages: int = 500, max_depth: int = 4, render: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.host = (urlsplit(start_url).hostname or "").lower()
        self.domain = site_domain(self.host)
        self.max_pages = int(max_pages)
        self.max_depth = int(max_depth)
        self.render = bool(render)
        self.scheduled: set[str] = set()
        self.skipped_budget = 0
        self.lists = platforms.ListBook()

    # -- scheduling -------------------------------------------------------------------------

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        self.scheduled.add(self.start_url)
        yield self._request(self.start_url, depth=0, referrer=None)

    def _request(self, url: str, depth: int, referrer: str | None, **meta):
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            meta={"depth": depth, "referrer": referrer, "started": time.monotonic(), **meta},
            # The spider dedupes by itself (self.scheduled); Scrapy's filter would silently drop a
            # redirect back to a visited URL and hide a redirect loop.
            dont_filter=True,
        )

    def is_internal(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host == self.host or host == self.domain or host.endswith("." + self.domain)

    def _follow(self, url: str, depth: int, referrer: str):
        if url in self.scheduled or not self.is_internal(url) or NOT_PAGES.search(urlsplit(url).path) or "#" in url:
            return None
        if depth > self.max_depth:
            return None
        if len(self.scheduled) >= self.max_pages:
            self.skipped_budget += 1
            return None
        self.scheduled.add(url)
        return self._request(url, depth=depth, referrer=referrer)

    # -- responses --------------------------------------------------------------------------

    def parse(self, response):
        meta = response.meta
        url = (meta.get("redirect_urls") or [response.url])[0]
        depth = meta.get("depth", 0)
        elapsed = int((time.monotonic() - meta.get("started", time.monotonic())) * 1000)
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        kind = extract.attachment_type(url) or extract.attachment_type(response.url)
        is_html = isinstance(response, TextResponse) and (
            not content_type or any(t in content_type for t in HTML_TYPES)
        )
        if kind or not is_html:
            yield self._attachment(response, url, kind, content_type, meta)
            return

        html, charset = extract.decode(response.body, response.text, response.encoding)
        parsed = extract.parse_html(html, response.url)
        reading = platforms.read(html, response.url)
        reason = render_reason(html, parsed.text, reading.understood)
        metadata = parsed.metadata
        metadata["needs_js"] = reason is not None
        metadata["document"] = {**platforms.page_document(html), **metadata["document"]}
        metadata.update(reading.metadata)
        for hidden in metadata["hidden_links"]:
            hidden["internal"] = self.is_internal(hidden["target"])
        yield {"kind": "page", "row": {
            "url": url,
            "final_url": response.url,
            "status": response.status,
            "headers": {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items()},
            "content_type": content_type,
            "charset": charset,
            "fetched_at": now(),
            "elapsed_ms": elapsed,
            "depth": depth,
            "referrer": meta.get("referrer"),
            "title": parsed.title,
            "text": parsed.text,
            "html": html,
            "size": len(response.body),
            "rendered": int(bool(meta.get("playwright"))),
            "render_reason": meta.get("render_reason"),
            "metadata": metadata,
        }}

        links = [(link.target, link.anchor, link.tag, link.context) for link in parsed.links]
        links += reading.links
        yield {"kind": "links", "rows": [
            {"source": url, "target": target, "anchor": anchor, "tag": tag,
             "internal": int(self.is_internal(target)), "level": depth + 1, "context": context}
            for target, anchor, tag, context in links
        ]}

        if reason and self.render and not meta.get("playwright") and response.status < 400:
            yield self._request(url, depth=depth, referrer=meta.get("referrer"), playwright=True,
                                playwright_page_goto_kwargs={"wait_until": "networkidle"}, render_reason=reason)
        if depth >= self.max_depth or response.status >= 400:
            return
        for fetch in reading.fetches:
            yield from self._list_request(fetch, depth + 1, url)
        for target, *_ in links:
            request = self._follow(target, depth + 1, url)
            if request is not None:
                yield request

    # -- lists a platform serves through an API (crawler/platforms) --------------------------

    def _list_request(self, fetch, depth: int, referrer: str):
        if fetch.url in self.scheduled:
            return
        if len(self.scheduled) >= self.max_pages:
            self.skipped_budget += 1
            state = self.lists.failure(fetch, "not requested: page budget")
            if state.status:  # later pages of a list already recorded: it says it is partial
                yield {"kind": "page", "row": platforms.list_page_row(fetch.list_url, state, depth, referrer, now())}
            return
        self.scheduled.add(fetch.url)
        # A list page before the items it lists: the column is read whole before the budget is spent.
        yield scrapy.Request(fetch.url, callback=self.parse_list, errback=self.failed, dont_filter=True, priority=1,
                             meta={"depth": depth, "referrer": referrer, "list": fetch, "started": time.monotonic()})

    def parse_list(self, response):
        fetch, depth = response.meta["list"], response.meta["depth"]
        found = platforms.read_list(fetch, response.text) if response.status < 400 else None
        total, rows, more = found or (None, [], [])
        state = self.lists.record(fetch, response.status, total, len(rows), readable=found is not None)
        yield {"kind": "page", "row": platforms.list_page_row(fetch.list_url, state, depth, response.meta["referrer"],
                                                               now())}
        yield {"kind": "links", "rows": [
            {"source": fetch.list_url, "target": target, "anchor": title, "tag": "a",
             "internal": int(self.is_internal(target)), "level": depth + 1, "context": context}
            for target, title, context in rows]}
        for page in more:
            yield from self._list_request(page, depth, response.meta["referrer"])
        if depth < self.max_depth:
            for target, *_ in rows:
                request = self._follow(target, depth + 1, fetch.list_url)
                if request is not None:
                    yield request

    def _attachment(self, response, url, kind, content_type, meta):
        body = response.body
        text, note = (None, None)
        if response.status < 400 and kind in extract.READABLE_ATTACHMENTS:
            text, note = extract.attachment_text(kind, body)
        return {"kind": "attachment", "row": {
            "url": url,
            "final_url": response.url,
            "status": response.status,
            "content_type": content_type,
            "type": kind or content_type.split(";")[0] or "unknown",
            "size": len(body),
            "text": text,
            "referrer": meta.get("referrer"),
            "fetched_at": now(),
            "note": note,
        }}

    def failed(self, failure):
        request = failure.request
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        kind = classify_failure(failure)
        if request.meta.get("playwright"):
            kind = "render"
        fetch = request.meta.get("list")
        if fetch:  # the list keeps what its other pages gave; with nothing read it failed as a whole
            state = self.lists.failure(fetch, kind)
            if state.status:
                yield {"kind": "page", "row": platforms.list_page_row(fetch.list_url, state, request.meta["depth"],
                                                                       request.meta["referrer"], now())}
            else:
                url = fetch.list_url
        yield {"kind": "error", "row": {
            "url": url,
            "kind": kind,
            "message": f"{failure.type.__name__}: {str(failure.value)[:500]}",
            "referrer": request.meta.get("referrer"),
            "at": now(),
        }}

    def closed(self, reason):
        self.crawler.stats.set_value("govscan/skipped_budget", self.skipped_budget)


def classify_failure(failure) -> str:
    name = failure.type.__name__
    message = str(failure.value).lower()
    if "dns" in name.lower() or "dnslookup" in message:
        return "dns"
    if "timeout" in name.lower() or "timed out" in message:
        return "timeout"
    if "refused" in name.lower() or "refused" in message:
        return "refused"
    if "ssl" in message or "tls" in message or "certificate" in message:
        return "tls"  # e.g. an https:// URL answered by a plain-HTTP port ("wrong version number")
    if "robots" in message or "forbidden by robots" in message:
        return "robots"
    if "redirect" in message:
        return "redirect_loop"
    if "maxsize" in message or "cancelled" in name.lower():
        return "too_large"
    # The body began and the connection ended before its declared end: what arrived is not the page.
    if "dataloss" in name.lower() or name == "ResponseFailed":
        return "truncated"
    if name in ("ResponseNeverReceived", "ConnectionLost", "ConnectionResetError", "ConnectionDone"):
        return "reset"
    return name
