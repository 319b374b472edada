"""Finding a column by name: the standard name, a synonym, or a URL slug, searched from the home
page outwards. Shared by every check that looks for a column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from checks.lexicon import COLUMNS, Concept
from checks.snapshot import Link, Snapshot

# Article URLs of common CMSs carry a numeric id or date: post_3075520.html, t20201130_123.html, 2026-11/24/.
_ARTICLE_PATH = re.compile(r"\d{4,}")

_SPACE = re.compile(r"[\s\u3000>»·•|]+")


@dataclass(frozen=True)
class ColumnMatch:
    concept: str
    url: str
    anchor: str
    source: str
    how: str      # "standard", "synonym" or "slug"

    @property
    def exact(self) -> bool:
        return self.how == "standard"


def normalise(anchor: str) -> str:
    return _SPACE.sub("", anchor)


def match_how(concept: Concept, link: Link) -> str | None:
    anchor = normalise(link.anchor)
    if not anchor or link.tag not in ("a", "area"):
        return None
    if anchor == concept.standard:
        return "standard"
    if anchor in concept.synonyms:
        return "synonym"
    segments = [segment.lower() for segment in urlsplit(link.target).path.split("/") if segment]
    if any(slug in segments for slug in concept.slugs) and concept.keyword in anchor and len(anchor) <= 16:
        return "slug"
    return None


RANK = {"standard": 0, "synonym": 1, "slug": 2}


def find_column(snap: Snapshot, concept_name: str, sources: list[str] | None = None) -> ColumnMatch | None:
    """The best link to the column: by how well its anchor matches, then by how early its source comes.

    `sources` are the pages searched first (home page, platform page); every other crawled page
    follows, shallowest first, so a column linked only deep in the site is still found.
    """
    sources = sources or [snap.start_url]
    first: dict[str, int] = {}
    for position, url in enumerate(sources):
        first.setdefault(url, position - len(sources))  # negative: ahead of every crawled page
    order = snap.crawl_order
    best: tuple | None = None
    for link, how in _candidates(snap, concept_name):
        position = first.get(link.source, order.get(link.source))
        if position is None:
            continue
        key = (RANK[how], position)
        if best is None or key < best[0]:
            best = (key, ColumnMatch(concept_name, link.target, link.anchor, link.source, how))
    return best[1] if best else None


def _candidates(snap: Snapshot, concept_name: str) -> list[tuple[Link, str]]:
    """Every internal link whose anchor names the concept, with how; each distinct anchor is read once."""
    def compute():
        concept = COLUMNS[concept_name]
        found = []
        for anchor, links in snap.links_by_anchor.items():
            text = normalise(anchor)
            if not text or not (text == concept.standard or text in concept.synonyms or concept.keyword in text):
                continue
            found += [(link, how) for link in links if link.internal and (how := match_how(concept, link))]
        return found

    return snap.memo(("column_candidates", concept_name), compute)


def column_items(snap: Snapshot, url: str) -> list[Link]:
    """A column page's items: links into the column or to article-like URLs, not the sidebar of
    sibling columns (which sits on every page of a section, so it is not site-wide chrome)."""
    page = snap.page(url)
    base = urlsplit(page.final_url if page else url).path
    directory = base[: base.rfind("/") + 1]
    items = []
    for link in snap.content_links(url):
        path = urlsplit(link.target).path
        inside = path.startswith(directory) and path.rsplit("/", 1)[-1] not in ("", "index.html", "index.htm", "index.shtml")
        if inside or _ARTICLE_PATH.search(path):
            items.append(link)
    return items
