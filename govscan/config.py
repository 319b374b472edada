"""targets.yaml: the sites to assess. Loaded and validated before any crawling starts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Level = Literal["national", "province", "city", "district", "department", "street"]

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# A site id names a folder under <var>/runs/ and a row in history: nothing that could climb out of it.
SITE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SITE_ID_RULE = "must be 1-64 letters, digits, '-' or '_' (starting with a letter or digit)"


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
    warc: bool = True             # keep every response in the run's archive.warc.gz (evidence, replay)


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
        return check_url(value)

    @field_validator("nameserver")
    @classmethod
    def _nameserver(cls, value: str | None) -> str | None:
        from crawler.resolver import parse_nameserver

        if value is not None:
            try:
                parse_nameserver(value)
            except ValueError:
                raise ValueError(f"'{value}' is not an IP address with an optional :PORT") from None
        return value

    @field_validator("recipients")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for address in value:
            if not re.match(EMAIL_PATTERN, address):
                raise ValueError(f"'{address}' is not an e-mail address")
        return value


def check_url(value: str) -> str:
    """An http(s) URL a crawler can request: a host, a valid port, no spaces or control characters."""
    from urllib.parse import urlsplit

    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError(f"'{value}' contains a space or control character")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid URL ({exc})") from None
    if not parts.hostname:
        raise ValueError(f"'{value}' has no host name")
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
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
                          "save it as UTF-8 (GBK and other encodings are not read)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{label}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict) or "sites" not in raw:
        raise ConfigError(f"{label}: a top-level 'sites:' mapping is missing")
    if not isinstance(raw["sites"], dict):
        raise ConfigError(f"{label}: 'sites' must map site ids to settings")
    for site_id, body in raw["sites"].items():
        if not SITE_ID_PATTERN.match(str(site_id)):
            raise ConfigError(f"{label}: site '{site_id}': the id {SITE_ID_RULE}")
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
    from urllib.parse import urlsplit

    try:
        check_url(url)
    except ValueError as exc:
        raise ConfigError(f"--url: {exc}") from None
    parts = urlsplit(url)
    try:
        return Site(id=adhoc_id(parts.hostname), name=name or parts.hostname, url=url, level=level)
    except ValidationError as exc:
        raise ConfigError(f"--url: {_describe(exc.errors()[0])}") from None


def adhoc_id(host: str) -> str:
    """The host as a site id, in ASCII (an IDN host in its xn-- form), so it is always a safe id."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = host
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in ascii_host.lower()).strip("-")
    return slug[:64].rstrip("-") or "site"
