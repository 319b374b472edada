"""What a check produces: a Finding with one status from a fixed vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")  # assessment dates, run dates and nights are Beijing dates


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    NOT_APPLICABLE = "not_applicable"
    UNVERIFIABLE = "unverifiable"   # the site could not be examined: never the site's failure
    ERROR = "error"                 # our own bug: the run goes on and the report says so


@dataclass
class Evidence:
    url: str = ""
    text: str = ""
    screenshot: str = ""
    title: str = ""  # the page's title as the crawl saw it (filled in by the registry when a check leaves it)

    def as_dict(self) -> dict:
        return {"url": self.url, "text": self.text, "screenshot": self.screenshot, "title": self.title}


@dataclass
class Finding:
    status: Status
    message: str                      # zh-CN, for an office clerk
    value: object = ""                # what was measured
    threshold: str = ""               # what the rule asks for
    evidence: list[Evidence] = field(default_factory=list)
    score: float | None = None        # 0..1 partial credit; None: derive from status
    details: dict = field(default_factory=dict)  # machine-readable facts (lists of items, counts)


@dataclass(frozen=True)
class Context:
    """What a check may know besides the snapshot: the site as configured and the run date."""

    site_id: str
    site_name: str
    site_url: str
    level: str
    today: date
    own_nameserver: bool = False  # the run resolved through its own DNS server (test/demo zone)
    # the scoring profile's thresholds: check id -> {name: number} (reports/rulebook.yaml)
    thresholds: dict = field(default_factory=dict, hash=False, compare=False)


class Verdict(Exception):
    """Raised inside a check that reached its conclusion early (the column it needs is absent)."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


class Unverifiable(Exception):
    """Raised inside a check when the site could not be examined for it; becomes status unverifiable."""
