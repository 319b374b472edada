"""When a listed item was published: the date its list row shows, else its own page's publication date."""

from __future__ import annotations

from datetime import date

from checks.common import publication_date
from checks.dates import parse_date
from checks.snapshot import Link, Snapshot


def item_date(snap: Snapshot, link: Link, today: date | None = None) -> date | None:
    listed = parse_date(link.context, today)  # `today` reads list cells such as 18-03-19 and 03-17
    if listed:
        return listed
    page = snap.page(link.target)
    found = publication_date(page) if page is not None and page.ok else None
    return found[0] if found else None
