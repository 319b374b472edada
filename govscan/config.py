"""targets.yaml: the sites to assess. Loaded and validated before any crawling starts."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Level = Literal["national", "province", "city", "district", "department", "street"]

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the file (one line)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CrawlLimits(Strict):
    max_pages: int = Field(default=500, ge=1)
    max_depth: int = Field(default=4, ge=0)
    render: bool = True           # may pages that need JavaScript be rendered in Chromium
    robots: bool = True           # honour robots.txt
    timeout_s: int = Field(default=15, ge=1)        # per request
    concurrency_per_host: int = Field(default=2, ge=1, le=16)
    max_duration_s: int = Field(default=3600, ge=10)  # whole crawl


class Site(Strict):
    id: str = ""
    name: str
    url: str
    level: Level = "district"
    parent: str | None = None
    recipients: list[str] = Field(default_factory=list)
    crawl: CrawlLimits = Field(default_factory=CrawlLimits)
    nameserver: str | None = None  # resolve this site through its own DNS server (demo, tests)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("recipients")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        import re

        for address in value:
            if not re.match(EMAIL_PATTERN, address):
                raise ValueError(f"'{address}' is not an e-mail address")
        return value


class Targets(Strict):
    sites: dict[str, Site]


def _describe(error: dict) -> str:
    """One pydantic error as 'site 'x': field: problem'."""
    loc = list(error["loc"])
    where = []
    if len(loc) >= 2 and loc[0] == "sites":
        where.append(f"site '{loc[1]}'")
        loc = loc[2:]
    field = ".".join(str(part) for part in loc)
    kind = error["type"]
    if kind == "missing":
        problem = f"{field} is missing"
    elif kind == "extra_forbidden":
        problem = f"unknown key '{field}'"
    else:
        message = error["msg"].removeprefix("Value error, ")
        problem = f"{field}: {message}" if field else message
    return ": ".join(where + [problem])


class UniqueKeyLoader(yaml.SafeLoader):
    """A repeated key (two sites with one id) is an error, not a silent overwrite."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_targets(path: str | Path) -> dict[str, Site]:
    path = Path(path)
    label = path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{label}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict) or "sites" not in raw:
        raise ConfigError(f"{label}: a top-level 'sites:' mapping is missing")
    if not isinstance(raw["sites"], dict):
        raise ConfigError(f"{label}: 'sites' must map site ids to settings")
    for site_id, body in raw["sites"].items():
        if not isinstance(body, dict):
            raise ConfigError(f"{label}: site '{site_id}': must be a mapping with name and url")
    try:
        targets = Targets.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{label}: {_describe(exc.errors()[0])}") from None
    for site_id, site in targets.sites.items():
        site.id = str(site_id)
        if site.parent is not None and site.parent not in targets.sites:
            raise ConfigError(f"{label}: site '{site_id}': parent '{site.parent}' is not a site id in this file")
    return targets.sites


def adhoc_site(url: str, name: str | None, level: str) -> Site:
    try:
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname or url
        return Site(id=_slug(host), name=name or host, url=url, level=level)
    except ValidationError as exc:
        raise ConfigError(f"--url: {_describe(exc.errors()[0])}") from None


def _slug(host: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in host).strip("-") or "site"
