"""The outbound links of the home page: the crawl never follows them, but a dead one is still a
broken link on the office's home page (检查指标2019 链接可用性). One request each, headers only."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import dns.resolver

from crawler.probes.ipv6 import Prober
from crawler.resolver import make_resolver
from crawler.snapshot import CrawlReader

WORKERS = 4
LIMIT = 100  # links per home page: a link farm must not turn the probe into a crawl of other sites


def home_external_links(snapshot: str, start_url: str) -> list[tuple[str, str]]:
    crawl = CrawlReader(snapshot)
    try:
        home = crawl.loaded(start_url)
        links = crawl.links_from(home[0]) if home else []
    finally:
        crawl.close()
    seen: dict[str, str] = {}
    for target, anchor, tag, internal, _context in links:
        if not internal and tag in ("a", "area"):
            seen.setdefault(target, anchor)
    return list(seen.items())[:LIMIT]


def probe(snapshot: str, start_url: str, nameserver: str | None, timeout: float) -> list[dict]:
    links = home_external_links(snapshot, start_url)
    if not links:
        return []
    resolver = make_resolver(nameserver) if nameserver else dns.resolver.Resolver()
    prober = Prober(resolver, own_nameserver=bool(nameserver), timeout=timeout)

    def check(link: tuple[str, str]) -> dict:
        url, anchor = link
        fetched = prober.fetch(url, "ipv4", read_body=False)
        if fetched.error == "no_address":  # an IPv6-only host is reachable all the same
            fetched = prober.fetch(url, "ipv6", read_body=False)
        ok = not fetched.error and fetched.status is not None and fetched.status < 400
        return {"kind": "external_link", "target": url, "family": "", "ok": int(ok), "elapsed_ms": fetched.elapsed_ms,
                "detail": json.dumps({"anchor": anchor, "source": start_url, "status": fetched.status,
                                      "error": fetched.error, "message": fetched.message}, ensure_ascii=False),
                "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(check, links))
