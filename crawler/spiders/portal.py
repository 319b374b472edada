"""One generic spider for any government portal: follows internal links in the assessor's order
(crawler/frontier.py) within a page budget and depth limit, records every response, link and
failure. It never judges."""

from __future__ import annotations

import hashlib
import re
import time
import zlib
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler import extract, platforms
from crawler.frontier import SHALLOWER, Frontier, Vocabulary, list_key
from crawler.render_policy import render_reason
from crawler.snapshot import PreviousSnapshot

NOT_PAGES = re.compile(r"\.(?:jpe?g|png|gif|bmp|svg|ico|webp|css|js|mp3|mp4|avi|flv|swf|woff2?|ttf)$", re.I)
HTML_TYPES = ("text/html", "application/xhtml", "text/plain")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def site_domain(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, start_url: str, max_pages: int = 500, max_depth: int = 4, render: bool = True,
                 columns: dict | None = None, previous: PreviousSnapshot | None = None, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.host = (urlsplit(start_url).hostname or "").lower()
        self.domain = site_domain(self.host)
        self.max_pages = int(max_pages)
        self.max_depth = int(max_depth)
        self.render = bool(render)
        # The spider dedupes by itself (fingerprints in the frontier); Scrapy's filter would silently
        # drop a redirect back to a visited URL and hide a redirect loop.
        self.frontier = Frontier(Vocabulary(columns), self.max_depth)
        self.links_of = None     # source URL → its recorded (target, anchor) links; set by the snapshot pipeline
        self.admitted = 0        # pages let through to the downloader (PageBudgetMiddleware)
        self.lists = platforms.ListBook()
        self.previous = previous  # the site's previous complete snapshot: re-assess incrementally
        self.carried = 0

    # -- scheduling -------------------------------------------------------------------------

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        self.frontier.add_start(self.start_url)
        yield self._request(self.start_url, depth=0, referrer=None, priority=1_000_000)

    def _request(self, url: str, depth: int, referrer: str | None, priority: int = 0, **meta):
        # gs_depth is ours: Scrapy's DepthMiddleware rewrites meta["depth"] from the parent response.
        # Redirects and retries copy the meta, so they keep the depth of the request that caused them.
        known = self.previous is not None and not meta.get("playwright")
        return scrapy.Request(
            url,
            headers=self.previous.conditional_headers(url) if known else None,
            callback=self.parse,
            errback=self.failed,
            priority=priority,
            meta={"gs_depth": depth, "referrer": referrer, "started": time.monotonic(), **meta},
            dont_filter=True,
        )

    def is_internal(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host == self.host or host == self.domain or host.endswith("." + self.domain)

    def _follow(self, links, depth: int, source: str):
        """Requests for the new pages among `links` (target, anchor) found on `source` at depth - 1. A page
        already parsed that turns out shallower passes its improvement on to the links it recorded."""
        pending = [(target, anchor, depth, source) for target, anchor in links]
        while pending:
            target, anchor, depth, source = pending.pop()
            if not self.is_internal(target) or NOT_PAGES.search(urlsplit(target).path) or "#" in target:
                continue
            decision = self.frontier.offer(target, anchor, depth, source)
            if decision == SHALLOWER:
                if depth < self.max_depth:
                    pending += [(t, a, depth + 1, target) for t, a in self.links_of(target)]
            elif decision is not None:
                priority, column = decision
                yield self._request(target, depth=depth, referrer=source, priority=priority, gs_column=column)

    # -- responses --------------------------------------------------------------------------

    def parse(self, response):
        meta = response.meta
        url = (meta.get("redirect_urls") or [response.url])[0]
        depth = self.frontier.depth_of(url, meta.get("gs_depth", 0))
        elapsed = int((time.monotonic() - meta.get("started", time.monotonic())) * 1000)
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        kind = extract.attachment_type(url) or extract.attachment_type(response.url)
        is_html = isinstance(response, TextResponse) and (
            not content_type or any(t in content_type for t in HTML_TYPES)
        )
        if kind or not is_html:
            yield self._attachment(response, url, kind, content_type, meta)
            return

        body_hash = hashlib.blake2b(response.body, digest_size=16).hexdigest()
        if self.previous is not None and not meta.get("playwright") and (
                response.status == 304 or (response.status == 200 and self.previous.body_hash(url) == body_hash)):
            row = self.previous.page(url)
            if row is not None:
                yield from self._carry(url, row, depth, meta)
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
            "body_hash": body_hash,
        }}

        links = [(link.target, link.anchor, link.tag, link.context) for link in parsed.links]
        links += reading.links
        yield {"kind": "links", "rows": [
            {"source": url, "target": target, "anchor": anchor, "tag": tag,
             "internal": int(self.is_internal(target)), "context": context}
            for target, anchor, tag, context in links
        ]}
        if not meta.get("playwright"):
            self.frontier.fetched(url, meta.get("gs_column"))

        if reason and self.render and not meta.get("playwright") and response.status < 400:
            yield self._request(url, depth=depth, referrer=meta.get("referrer"), playwright=True,
                                playwright_page_goto_kwargs={"wait_until": "networkidle"}, render_reason=reason)
        if depth >= self.max_depth or response.status >= 400:
            return
        for fetch in reading.fetches:
            yield from self._list_request(fetch, depth + 1, url)
        yield from self._follow([(target, anchor) for target, anchor, *_ in links], depth + 1, url)

    def _carry(self, url: str, row: dict, depth: int, meta: dict):
        """An unchanged page (304, or the same body): its rows come from the previous snapshot instead of
        a parse; its links are followed as if it had been parsed, so the new snapshot is complete."""
        self.carried += 1
        row.update(fetched_at=now(), elapsed_ms=int((time.monotonic() - meta.get("started", time.monotonic())) * 1000),
                   depth=depth, referrer=meta.get("referrer"), carried=1)
        yield {"kind": "carried_page", "row": row}
        links = self.previous.links_from(url)
        yield {"kind": "links", "rows": links}
        self.frontier.fetched(url, meta.get("gs_column"))
        if depth >= self.max_depth:
            return
        # lists a platform serves through an API are not in the page's links: read them from its HTML again
        html = zlib.decompress(row["html"]).decode("utf-8") if row["html"] else ""
        for fetch in platforms.read(html, row["final_url"] or url).fetches:
            yield from self._list_request(fetch, depth + 1, url)
        yield from self._follow([(link["target"], link["anchor"]) for link in links], depth + 1, url)

    # -- lists a platform serves through an API (crawler/platforms) --------------------------

    def _list_request(self, fetch, depth: int, referrer: str):
        if not self.frontier.claim(fetch.url, depth):
            return
        # A list page before the items it lists: the column is read whole before the budget is spent.
        yield scrapy.Request(fetch.url, callback=self.parse_list, errback=self.failed, dont_filter=True,
                             priority=self.frontier.list_page_priority(fetch.list_url, fetch.page) - depth,
                             meta={"gs_depth": depth, "referrer": referrer, "list": fetch, "started": time.monotonic(),
                                   "gs_column": list_key(fetch.list_url) if fetch.page > 1 else None})

    def parse_list(self, response):
        fetch, depth = response.meta["list"], response.meta["gs_depth"]
        self.frontier.fetched(fetch.url, response.meta.get("gs_column"))
        found = platforms.read_list(fetch, response.text) if response.status < 400 else None
        total, rows, more = found or (None, [], [])
        state = self.lists.record(fetch, response.status, total, len(rows), readable=found is not None)
        yield {"kind": "page", "row": platforms.list_page_row(fetch.list_url, state, depth, response.meta["referrer"],
                                                               now())}
        yield {"kind": "links", "rows": [
            {"source": fetch.list_url, "target": target, "anchor": title, "tag": "a",
             "internal": int(self.is_internal(target)), "context": context}
            for target, title, context in rows]}
        for page in more:
            yield from self._list_request(page, depth, response.meta["referrer"])
        if depth < self.max_depth:
            yield from self._follow([(target, title) for target, title, _ in rows], depth + 1, fetch.list_url)

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
        fetch = request.meta.get("list")
        if failure.check(IgnoreRequest) and request.meta.get("gs_over_budget"):
            state = self.lists.failure(fetch, "not requested: page budget") if fetch else None
            if state and state.status:  # later pages of a list already recorded: it says it is partial
                yield {"kind": "page", "row": platforms.list_page_row(fetch.list_url, state, request.meta["gs_depth"],
                                                                       request.meta["referrer"], now())}
            return
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        kind = classify_failure(failure)
        if request.meta.get("playwright"):
            kind = "render"
        if fetch:  # the list keeps what its other pages gave; with nothing read it failed as a whole
            state = self.lists.failure(fetch, kind)
            if state.status:
                yield {"kind": "page", "row": platforms.list_page_row(fetch.list_url, state, request.meta["gs_depth"],
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
        self.crawler.stats.set_value("govscan/carried", self.carried)


class PageBudgetMiddleware:
    """Downloader middleware: lets at most `max_pages` pages through, in the order the scheduler's
    priorities hand them over; the rest are dropped (counted, not recorded as errors). A redirect hop,
    a retry or a Chromium render of an admitted page is the same page and costs nothing more."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        spider = self.crawler.spider
        meta = request.meta
        if "gs_depth" not in meta or meta.get("gs_admitted") or meta.get("playwright"):
            return None  # robots.txt, or a page already admitted
        meta["started"] = time.monotonic()  # elapsed_ms is the download, not the wait in the queue
        if spider.admitted >= spider.max_pages:
            meta["gs_over_budget"] = True
            raise IgnoreRequest("page budget spent")
        spider.admitted += 1
        meta["gs_admitted"] = True
        return None


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
