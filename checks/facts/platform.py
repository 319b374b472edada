"""The 政府信息公开 platform column: most disclosure columns are looked for on the home page and on it."""

from __future__ import annotations

from checks.columns import ColumnMatch, find_column
from checks.snapshot import Snapshot


def platform_column(snap: Snapshot) -> ColumnMatch | None:
    return find_column(snap, "platform")


def home_and_platform(snap: Snapshot) -> list[str]:
    """Where a disclosure column is looked for first: the home page, then the platform column's page."""
    home = snap.home()
    platform = platform_column(snap)
    return [home.url if home is not None else snap.start_url] + ([platform.url] if platform else [])
