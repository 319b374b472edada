"""Look up the portal's addresses before crawling: evidence for the report, and the addresses
Chromium must use when the run resolves through its own nameserver."""

from __future__ import annotations

import ipaddress
import time
from datetime import datetime, timezone

import dns.exception
import dns.resolver

from crawler.resolver import lookup, make_resolver


def probe(host: str, nameserver: str | None) -> list[dict]:
    try:
        ipaddress.ip_address(host)
        return []  # an IP literal has nothing to look up
    except ValueError:
        pass
    resolver = make_resolver(nameserver) if nameserver else dns.resolver.Resolver()
    rows = []
    for rdtype, family in (("A", "ipv4"), ("AAAA", "ipv6")):
        started = time.monotonic()
        try:
            found = lookup(resolver, host, rdtype)
            ok, detail = bool(found), " ".join(found) or "no record"
        except (dns.exception.DNSException, OSError) as exc:
            ok, detail = False, f"lookup failed: {type(exc).__name__}: {exc}"[:300]
        rows.append({
            "kind": f"dns_{rdtype.lower()}", "target": host, "family": family, "ok": int(ok),
            "elapsed_ms": int((time.monotonic() - started) * 1000), "detail": detail,
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        })
    return rows


def host_rules(rows: list[dict]) -> dict[str, str]:
    """host → first IPv4 address (else IPv6) found by the probe."""
    rules: dict[str, str] = {}
    for row in rows:
        if row["kind"] in ("dns_a", "dns_aaaa") and row["ok"] and row["target"] not in rules:
            address = row["detail"].split()[0]
            rules[row["target"]] = f"[{address}]" if ":" in address else address
    return rules
