"""The assessor's frontier: which page the crawl fetches next, and how deep each page is.

An assessor reads a portal home page first, then its navigation, every column the rules name, the
first page of each list and its newest items, and only then old pages of long archives. The crawl
does the same through Scrapy request priorities (higher first; FIFO queues keep discovery order
within one priority):

  named   a link whose anchor (or URL slug + keyword) names a column the checks look for
  section any other page that is neither a list item nor a further list page (navigation, sub-columns)
  item    an article-like URL (a number of 4+ digits in its path) or a further page of a list,
          ranked within the column (list directory) that linked it: the r-th item of every column
          has the same priority, so the budget goes round-robin over columns and one 50,000-item
          archive cannot starve the rest. Items of named columns come before other items.

Depth is the number of links from the start page along the shortest path found. It is kept per URL
(as a 64-bit fingerprint) and lowered when a shorter path turns up; the snapshot's depths are
recomputed breadth-first over the recorded link graph when the crawl ends, so fetch order never
distorts them. Per column the frontier counts items seen and items fetched (snapshot table
`columns`), so a check can say how much of a long list it sampled.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Article URLs of common CMSs carry a numeric id or date: post_3075520.html, t20201130_123.html, 2026-11/24/.
ARTICLE_PATH = re.compile(r"\d{4,}")
# Further pages of one list: index_3.html, list_3.shtml, ?page=3, 3.html in a pagination folder.
PAGINATION = re.compile(r"(?:^|/)(?:index|list|default|page)[_-](\d+)\.s?html?$|[?&](?:page|pageno|pageindex|p)=(\d+)", re.I)
ITEMS_PER_LIST_PAGE = 20   # a further list page costs as many ranks as the items of one page
_SPACE = re.compile(r"[\s\u3000>»·•|]+")

NAMED, SECTION, NAMED_ITEM, ITEM = 40_000, 30_000, 20_000, 10_000
SHALLOWER = "shallower"
MAX_RANK = 9_999


def fingerprint(url: str) -> int:
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def list_key(url: str) -> str:
    """The column a list page belongs to: its directory, with the query dropped (a list addressed by a
    fragment, gkmlpt's index#7001, keeps it: each category is a column of its own)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return path[: path.rfind("/") + 1] + (f"#{parts.fragment}" if parts.fragment else "")


def list_page_number(url: str) -> int:
    """0 for a first list page or any other URL, N for the (N+1)-th page of a list."""
    match = PAGINATION.search(url)
    if not match:
        return 0
    return int(match.group(1) or match.group(2) or 0)


@dataclass
class Column:
    url: str                  # the first list page the crawl saw of it
    named: bool = False
    items_seen: int = 0       # distinct item links (and further list pages) found in it
    items_fetched: int = 0


class Vocabulary:
    """Column names and URL slugs the checks look for; handed over in the crawl job (the crawler does not
    import the checks). Same rule as the checks' column matcher: standard name, synonym, or slug + keyword."""

    def __init__(self, concepts: dict | None):
        self.names: set[str] = set()
        self.slugs: dict[str, list[str]] = {}
        for concept in (concepts or {}).values():
            self.names.add(concept["standard"])
            self.names.update(concept.get("synonyms", ()))
            for slug in concept.get("slugs", ()):
                self.slugs.setdefault(slug.lower(), []).append(concept["keyword"])

    def names_column(self, target: str, anchor: str) -> bool:
        text = _SPACE.sub("", anchor)
        if not text:
            return False
        if text in self.names:
            return True
        if len(text) > 16 or not self.slugs:
            return False
        for segment in urlsplit(target).path.lower().split("/"):
            for keyword in self.slugs.get(segment, ()):
                if keyword in text:
                    return True
        return False


class Frontier:
    def __init__(self, vocabulary: Vocabulary, max_depth: int):
        self.vocabulary = vocabulary
        self.max_depth = max_depth
        self.depth: dict[int, int] = {}        # fingerprint → shortest depth known (scheduled URLs)
        self.parsed: set[int] = set()          # pages whose links are recorded in the snapshot
        self.columns: dict[str, Column] = {}

    def add_start(self, url: str) -> None:
        self.depth[fingerprint(url)] = 0

    def claim(self, url: str, depth: int) -> bool:
        """Mark a URL the spider requests on its own (a platform's list API); False when already known."""
        key = fingerprint(url)
        if key in self.depth:
            return False
        self.depth[key] = depth
        return True

    def depth_of(self, url: str, fallback: int) -> int:
        return min(self.depth.get(fingerprint(url), fallback), fallback)

    def offer(self, target: str, anchor: str, depth: int, source: str):
        """Decide about a link found on `source` (at `depth` - 1). Returns (priority, item column) when the
        target is to be requested (the column is None unless it is an item of a list), SHALLOWER when a
        page already parsed turned out to be nearer the start (its links must be offered again, one
        level higher), or None."""
        if depth > self.max_depth:
            return None
        key = fingerprint(target)
        known = self.depth.get(key)
        if known is not None:
            if depth >= known:
                return None
            self.depth[key] = depth
            return SHALLOWER if key in self.parsed else None
        self.depth[key] = depth
        number = list_page_number(target)
        same_list = bool(number) and list_key(target) == list_key(source)
        is_item = same_list or bool(ARTICLE_PATH.search(urlsplit(target).path))
        named = self.vocabulary.names_column(target, anchor)
        if not is_item:
            self._column(target, named=named)
            return (NAMED - depth if named else SECTION - depth * 10), None
        # an item, or a further page of the list it was found on: ranked within the list's column
        column_key = list_key(source)
        column = self._column(source)
        rank = column.items_seen + (number * ITEMS_PER_LIST_PAGE if same_list else 0)
        column.items_seen += 1
        if named:  # an article the checks look for by name (a guide published as one item)
            return NAMED - depth, column_key
        return (NAMED_ITEM if column.named else ITEM) - min(rank, MAX_RANK), column_key

    def list_page_priority(self, list_url: str, number: int) -> int:
        """Priority of the `number`-th page (1-based) of a list a platform serves through an API: the first
        with the column pages, further ones ranked among the column's items like further list pages."""
        if number <= 1:
            return SECTION
        column = self._column(list_url)
        column.items_seen += 1
        return (NAMED_ITEM if column.named else ITEM) - min((number - 1) * ITEMS_PER_LIST_PAGE, MAX_RANK)

    def _column(self, url: str, named: bool = False) -> Column:
        key = list_key(url)
        column = self.columns.get(key)
        if column is None:
            column = self.columns[key] = Column(url=url)
        column.named = column.named or named
        return column

    def fetched(self, url: str, column_key: str | None) -> None:
        self.parsed.add(fingerprint(url))
        if column_key in self.columns:
            self.columns[column_key].items_fetched += 1

    def column_rows(self) -> list[dict]:
        return [{"key": key, "url": column.url, "named": int(column.named), "items_seen": column.items_seen,
                 "items_fetched": column.items_fetched} for key, column in self.columns.items()]
