"""Read-only access to a run's snapshot.sqlite for the checks. No check writes SQL of its own."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit


# slots: a big site's audit holds every page and link at once; an instance dict each would double that
@dataclass(slots=True)
class Page:
    url: str
    final_url: str
    status: int
    title: str
    text: str
    depth: int
    rendered: bool
    metadata: dict
    charset: str
    referrer: str | None
    _html: bytes | None = None
    # Bodies and headers are read on demand (column, url): most checks never look at the HTML of most
    # pages, and none at their headers.
    _load: Callable[[str, str], bytes | str | None] | None = field(default=None, repr=False, compare=False)

    @property
    def html(self) -> str:
        if self._html is None and self._load is not None:
            self._html = self._load("html", self.url) or b""
        return zlib.decompress(self._html).decode("utf-8") if self._html else ""

    @property
    def headers(self) -> dict:
        return json.loads((self._load("headers", self.url) if self._load is not None else None) or "{}")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def meta_tags(self) -> dict:
        return self.metadata.get("meta", {})

    @property
    def document(self) -> dict:
        return self.metadata.get("document", {})


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str
    anchor: str
    tag: str
    internal: bool
    context: str = ""  # text beside the link in its list row, e.g. the item's date


@dataclass(frozen=True)
class Outcome:
    """What happened when the crawler asked for a URL."""

    url: str
    fetched: bool               # a response (any status) arrived
    status: int | None = None
    error: str | None = None    # dns, timeout, refused, robots, too_large, redirect_loop …
    message: str = ""
    kind: str = "page"          # page or attachment


class Snapshot:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        self.meta = {key: value for key, value in self.db.execute("SELECT key, value FROM meta")}
        self._memos: dict[tuple, object] = {}

    def close(self) -> None:
        self.db.close()

    def memo(self, key: tuple, compute: Callable[[], object]) -> object:
        """A derived index kept for the snapshot's lifetime (the snapshot never changes), so checks
        that ask the same question (where is the platform column?) pay for it once."""
        if key not in self._memos:
            self._memos[key] = compute()
        return self._memos[key]

    # -- pages ------------------------------------------------------------------------------

    @property
    def start_url(self) -> str:
        return self.meta.get("start_url", "")

    @cached_property
    def _pages(self) -> dict[str, Page]:
        rows = self.db.execute(
            "SELECT url, final_url, status, title, text, depth, rendered, metadata, charset, referrer "
            "FROM pages ORDER BY depth, url"  # never the crawl's finishing order: samples must not vary run to run
        )
        pages = {}
        for row in rows:
            page = Page(row[0], row[1] or row[0], row[2] or 0, row[3] or "", row[4] or "", row[5] or 0,
                        bool(row[6]), json.loads(row[7] or "{}"), row[8] or "", row[9], _load=self._column_of)
            pages[page.url] = page
        return pages

    def _column_of(self, column: str, url: str) -> bytes | str | None:
        row = self.db.execute(f"SELECT {column} FROM pages WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    @cached_property
    def _by_final_url(self) -> dict[str, Page]:
        found: dict[str, Page] = {}
        for page in self._pages.values():
            found.setdefault(page.final_url, page)
        return found

    def pages(self) -> list[Page]:
        return list(self._pages.values())

    def page(self, url: str) -> Page | None:
        return self._pages.get(url) or self._by_final_url.get(url)

    @cached_property
    def crawl_order(self) -> dict[str, int]:
        """Each page's rank, shallowest first (stable within a depth): the order columns are searched in."""
        ordered = sorted(self._pages.values(), key=lambda p: p.depth)
        return {page.url: position for position, page in enumerate(ordered)}

    def home(self) -> Page | None:
        """The home page; None when it could not be read as a page, or when it redirected to another
        site: every link on it is then external, and judging columns by it would blame the wrong site."""
        page = self.page(self.start_url)
        return None if page is None or self.home_moved_to else page

    @cached_property
    def home_moved_to(self) -> str | None:
        """The other site (its host) the home page redirected to, as the crawler judges internal links."""
        page = self.page(self.start_url)
        host = (urlsplit(self.start_url).hostname or "").lower()
        final = (urlsplit(page.final_url).hostname or "").lower() if page is not None and page.final_url else host
        domain = host.removeprefix("www.")
        return None if final in (host, domain) or final.endswith("." + domain) else final

    @cached_property
    def boilerplate_lines(self) -> set[str]:
        """Text lines repeated on most pages (header, navigation, footer)."""
        pages = [page for page in self._pages.values() if page.ok]
        if len(pages) < 4:
            return set()
        counts = Counter()
        for page in pages:
            counts.update(set(page.text.split("\n")))
        return {line for line, count in counts.items() if count >= max(3, 0.5 * len(pages))}

    def main_text(self, page: Page) -> str:
        """A page's own text: its lines minus the site-wide boilerplate."""
        chrome = self.boilerplate_lines
        return "\n".join(line for line in page.text.split("\n") if line not in chrome)

    # -- links ------------------------------------------------------------------------------

    @cached_property
    def _links(self) -> list[Link]:
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(links)")}
        context = "links.context" if "context" in columns else "''"  # snapshots from before the column
        # Every page repeats its source URL on each of its links, and the navigation's targets, anchors
        # and tags on every page: one string object per distinct value keeps the audit's memory to what
        # the site really has, not links × their text.
        one = {}.setdefault
        return [Link(one(s, s), one(t, t), one(a, a) if a else "", one(g, g), bool(i), one(c, c) if c else "")
                for s, t, a, g, i, c in
                self.db.execute(f"SELECT links.source, target, anchor, tag, internal, {context} FROM links "
                                # pages shallowest first, as `pages()`; each page's links in document order
                                "LEFT JOIN pages ON pages.url = links.source "
                                "ORDER BY coalesce(pages.depth, 1e9), links.source, links.rowid")]

    def links(self, internal: bool | None = None) -> list[Link]:
        return [link for link in self._links if internal is None or link.internal == internal]

    @cached_property
    def _links_by_source(self) -> dict[str, list[Link]]:
        index: dict[str, list[Link]] = {}
        for link in self._links:
            index.setdefault(link.source, []).append(link)
        return index

    @cached_property
    def _links_by_target(self) -> dict[str, list[Link]]:
        index: dict[str, list[Link]] = {}
        for link in self._links:
            index.setdefault(link.target, []).append(link)
        return index

    @cached_property
    def links_by_anchor(self) -> dict[str, list[Link]]:
        """Links grouped by anchor text: navigation repeats the same few anchors on every page, so a
        search by name looks at each distinct anchor once instead of at every link."""
        index: dict[str, list[Link]] = {}
        for link in self._links:
            index.setdefault(link.anchor, []).append(link)
        return index

    def links_from(self, url: str) -> list[Link]:
        page = self.page(url)
        found = list(self._links_by_source.get(url, ()))
        if page is not None and page.url != url:
            found += self._links_by_source.get(page.url, ())
        return found

    @cached_property
    def chrome_targets(self) -> set[str]:
        """Targets linked from most pages: navigation, header and footer rather than content."""
        sources = self._links_by_source
        if len(sources) < 4:
            return set()
        per_target = {target: len({link.source for link in links}) for target, links in self._links_by_target.items()}
        return {target for target, count in per_target.items() if count >= max(3, 0.5 * len(sources))}

    def content_links(self, url: str) -> list[Link]:
        """Links of a page minus the site-wide chrome: a list page's items."""
        chrome = self.chrome_targets
        return [link for link in self.links_from(url)
                if link.target not in chrome and link.tag in ("a", "area") and link.target != url]

    # -- other tables -----------------------------------------------------------------------

    @cached_property
    def _attachments(self) -> dict[str, dict]:
        cols = ["url", "final_url", "status", "content_type", "type", "size", "text", "referrer", "note"]
        return {row[0]: dict(zip(cols, row)) for row in
                self.db.execute(f"SELECT {', '.join(cols)} FROM attachments ORDER BY url")}

    def attachments(self) -> list[dict]:
        return list(self._attachments.values())

    def attachment(self, url: str) -> dict | None:
        return self._attachments.get(url)

    @cached_property
    def _errors(self) -> dict[str, dict]:
        found = {}
        for url, kind, message, referrer in self.db.execute("SELECT url, kind, message, referrer FROM errors ORDER BY url, rowid"):
            if kind != "render":  # a failed rendering leaves the plain fetch standing
                found[url] = {"url": url, "kind": kind, "message": message, "referrer": referrer}
        return found

    def errors(self) -> list[dict]:
        return list(self._errors.values())

    def render_errors(self) -> list[dict]:
        return [{"url": u, "kind": k, "message": m} for u, k, m in
                self.db.execute("SELECT url, kind, message FROM errors WHERE kind = 'render'")]

    def probes(self, kind: str | None = None) -> list[dict]:
        cols = ["kind", "target", "family", "ok", "elapsed_ms", "detail", "at"]
        rows = [dict(zip(cols, row)) for row in self.db.execute(f"SELECT {', '.join(cols)} FROM probes")]
        return [row for row in rows if kind is None or row["kind"] == kind]

    def outcome(self, url: str) -> Outcome:
        if "_pages" in self.__dict__:
            page = self.page(url)
            status = None if page is None else page.status
        else:  # one URL's fate needs no page loaded (the run's outcome is decided after the audit let go of them)
            row = self.db.execute("SELECT status FROM (SELECT status, 0 AS rank, rowid FROM pages WHERE url = ? UNION ALL "
                                  "SELECT status, 1, rowid FROM pages WHERE final_url = ?) ORDER BY rank, rowid LIMIT 1",
                                  (url, url)).fetchone()
            status = None if row is None else row[0] or 0
        if status is not None:
            return Outcome(url, True, status=status)
        if url in self._attachments:
            return Outcome(url, True, status=self._attachments[url]["status"], kind="attachment")
        if url in self._errors:
            error = self._errors[url]
            return Outcome(url, False, error=error["kind"], message=error["message"])
        return Outcome(url, False)
