"""Lists a platform serves through an API: what to request, and the list as one page of the snapshot.

A category of such a list is one column for a person (`…/gkmlpt/index#5`), however many API pages
carry it. Its rows are recorded as links from that address, and one page row says what the platform
stated (the total), what was read, and whether the list is complete, so a check knows when it saw
only part of a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ListFetch:
    url: str         # the API page to request
    list_url: str    # the list as a person addresses it; rows are recorded under this URL
    name: str        # the column's name
    platform: str
    page: int = 1


@dataclass
class ListState:
    name: str
    platform: str
    first: str
    status: int = 0
    total: int | None = None
    listed: int = 0
    pages: int = 0
    failed: list[str] = field(default_factory=list)


class ListBook:
    """The state of every API-served list of one crawl: a handful of numbers each, not the rows."""

    def __init__(self):
        self.lists: dict[str, ListState] = {}

    def record(self, fetch: ListFetch, status: int, total: int | None, listed: int, readable: bool = True) -> ListState:
        state = self.lists.setdefault(fetch.list_url, ListState(fetch.name, fetch.platform, fetch.url))
        if fetch.page == 1 or not state.status:
            state.status = status
        if status >= 400:
            state.failed.append(f"{fetch.url} HTTP {status}")
        elif not readable:
            state.failed.append(f"{fetch.url} answered HTTP {status} with something that is not a list")
        else:
            state.pages += 1
            state.listed += listed
        if total is not None:
            state.total = total
        return state

    def failure(self, fetch: ListFetch, reason: str) -> ListState:
        state = self.lists.setdefault(fetch.list_url, ListState(fetch.name, fetch.platform, fetch.url))
        state.failed.append(f"{fetch.url} {reason}")
        return state


def list_summary(state: ListState) -> dict:
    """What the snapshot keeps about an API-served list (pages.metadata["list"])."""
    complete = state.total is not None and state.listed >= state.total and not state.failed
    return {"platform": state.platform, "api": state.first, "total": state.total, "listed": state.listed,
            "pages": state.pages, "complete": complete, "failed": state.failed[:20]}


def list_page_row(list_url: str, state: ListState, depth: int, referrer: str | None, fetched_at: str) -> dict:
    """The page row of an API-served list: its rows are links from list_url."""
    total = "未知" if state.total is None else str(state.total)
    return {"url": list_url, "final_url": list_url, "status": state.status, "headers": {},
            "content_type": "application/json", "charset": "utf-8", "fetched_at": fetched_at, "elapsed_ms": 0,
            "depth": depth, "referrer": referrer, "title": state.name,
            "text": f"{state.name} 共{total}条，已读取{state.listed}条", "html": None, "size": 0, "rendered": 0,
            "render_reason": None,
            "metadata": {"meta": {}, "document": {}, "hidden_links": [], "needs_js": False,
                         "list": list_summary(state)}}
