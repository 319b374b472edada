"""One availability probe of a home page, as the 2019 检查指标 counts it: a failure is no usable page
within 15 seconds. `govscan probe` runs this hourly and keeps the results in the history database."""

from __future__ import annotations

import dns.resolver

from crawler.probes.ipv6 import Prober
from crawler.resolver import make_resolver

OFFICIAL_TIMEOUT_S = 15


def probe_home(url: str, nameserver: str | None = None, timeout: float = OFFICIAL_TIMEOUT_S) -> dict:
    """{url, ok, status, elapsed_ms, error}: over IPv4, or IPv6 when the host has no IPv4 address."""
    resolver = make_resolver(nameserver) if nameserver else dns.resolver.Resolver()
    prober = Prober(resolver, own_nameserver=bool(nameserver), timeout=timeout)
    fetched = prober.fetch(url, "ipv4", read_body=True)
    if fetched.error == "no_address":
        fetched = prober.fetch(url, "ipv6", read_body=True)
    ok = not fetched.error and fetched.status is not None and fetched.status < 400 and bool(fetched.body)
    error = fetched.error or ("" if ok else f"HTTP {fetched.status}" if fetched.status else "empty page")
    return {"url": url, "ok": ok, "status": fetched.status, "elapsed_ms": fetched.elapsed_ms,
            "error": f"{error}: {fetched.message}"[:300] if error and fetched.message else error or None}
