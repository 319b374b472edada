"""When a listed item was published: the date its list row shows, else its own page's publication date;
the newest dated entry of a list."""

from __future__ import annotations

from datetime import date

from checks.common import publication_date
from checks.dates import parse_date
from checks.snapshot import Link, Page, Snapshot


def item_date(snap: Snapshot, link: Link, today: date | None = None) -> date | None:
    listed = parse_date(link.context, today)  # `today` reads list cells such as 18-03-19 and 03-17
    if listed:
        return listed
    page = snap.page(link.target)
    found = publication_date(page) if page is not None and page.ok else None
    return found[0] if found else None


def newest_listed(snap: Snapshot, page: Page, items: list[Link], today: date) -> tuple[date, str, str] | None:
    """The newest dated entry of the list (date, url, title); the page's own date when it is the list itself."""
    dated = [(day, link.target, link.anchor) for link in items if (day := item_date(snap, link)) and day <= today]
    if dated:
        return max(dated)
    own = publication_date(page)
    return (own[0], page.url, page.title) if own and own[0] <= today else None
