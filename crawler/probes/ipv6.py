"""IPv6 probes (rulebook §5): what a visitor on an IPv6-only network gets from the portal.

Run after the crawl, reading the snapshot it wrote for the level-2/level-3 links. Every lookup
goes through the run's resolver; every request connects to an address of the asked family with
the site's Host header (and SNI), so nothing silently falls back to the other family.
One probes row per observation, facts as JSON in `detail` (the checks in checks/ipv6.py read them):

  ipv6_dns    portal host, and the bare domain of a www. host: AAAA and A with each address's
              scope, CNAME chain, lookup error
  ipv6_ns     the zone's name servers and their AAAA addresses
  ipv6_route  whether this machine can send to the portal's IPv6 address at all
  ipv6_home   one per attempt: the home page over IPv6 (status, title, size, internal links)
  ipv4_home   the same page over IPv4: the baseline for content parity
  ipv6_link   one per level-2/level-3 link: status or error over IPv6
  ipv6_links  one per level: links found, links probed (level 3 is sampled)
"""

from __future__ import annotations

import errno
import http.client
import ipaddress
import json
import random
import socket
import ssl
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import dns.exception
import dns.resolver
from w3lib.encoding import html_to_unicode

from crawler.snapshot import CrawlReader
from crawler.extract import decode, parse_html
from crawler.resolver import make_resolver
from crawler.settings import USER_AGENT
from crawler.spiders.portal import site_domain

DNS_TIMEOUT = 5.0
WORKERS = 8               # requests in flight at once: bounded, and gentle on one site
MAX_REDIRECTS = 5
BODY_LIMIT = 5 * 1024 * 1024
# Timeouts in a row (no answer between) after which an address is not asked again: a silent
# address costs a few timeouts, not one per link; a site with some slow pages keeps being asked.
GIVE_UP_AFTER_TIMEOUTS = 3
LINK_TAGS = ("a", "area")
REDIRECTS = (301, 302, 303, 307, 308)
# Errors that mean this machine has no way out over IPv6, as opposed to the site not answering.
NO_ROUTE = {errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")

# Certificate validity is not what these probes measure (and the crawl does not verify either):
# a portal with an expired certificate still serves its pages over IPv6.
TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def scope(address: str) -> str:
    """global, loopback, link_local, unique_local, ipv4_mapped or reserved."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        return "ipv4_mapped"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.version == 6 and ip in UNIQUE_LOCAL:
        return "unique_local"
    return "global" if ip.is_global else "reserved"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def row(kind: str, target: str, family: str, ok: bool, elapsed_ms: int, detail: dict) -> dict:
    return {"kind": kind, "target": target, "family": family, "ok": int(ok), "elapsed_ms": elapsed_ms,
            "detail": json.dumps(detail, ensure_ascii=False), "at": now()}


def same_site(url: str, host: str) -> bool:
    """The crawl's notion of internal: the portal host, its domain and the domain's subdomains."""
    other, domain = (urlsplit(url).hostname or "").lower(), site_domain(host)
    return other == host or other == domain or other.endswith("." + domain)


# -- DNS ------------------------------------------------------------------------------------


def resolve(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> dict:
    """Addresses with their scope and the CNAME chain dnspython followed; `error` when the
    lookup itself failed (as opposed to the name having no such record)."""
    try:
        answer = resolver.resolve(name, rdtype, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return {"addresses": [], "cnames": []}
    except (dns.exception.DNSException, OSError) as exc:
        return {"addresses": [], "cnames": [], "error": f"{type(exc).__name__}: {exc}"[:300]}
    cnames = [str(rrset[0].target).rstrip(".") for rrset in answer.chaining_result.cnames]
    return {"addresses": [{"address": r.address, "scope": scope(r.address)} for r in answer], "cnames": cnames}


def dns_rows(resolver, host: str) -> list[dict]:
    names = [host] + ([site_domain(host)] if host.startswith("www.") else [])
    rows = []
    for name in names:
        started = time.monotonic()
        aaaa, a = resolve(resolver, name, "AAAA"), resolve(resolver, name, "A")
        detail = {"name": name, "role": "host" if name == host else "apex", "aaaa": aaaa["addresses"],
                  "a": a["addresses"], "cnames": aaaa["cnames"] or a["cnames"],
                  "error": aaaa.get("error") or a.get("error")}
        rows.append(row("ipv6_dns", name, "ipv6", bool(aaaa["addresses"]),
                        int((time.monotonic() - started) * 1000), detail))
    return rows


def ns_row(resolver, host: str) -> dict:
    """The closest enclosing zone's NS records and each name server's AAAA (V6-NS)."""
    started = time.monotonic()
    labels = host.split(".")
    detail = {"zone": "", "servers": [], "error": None}
    for i in range(len(labels) - 1):  # never the TLD itself
        zone = ".".join(labels[i:])
        try:
            answer = resolver.resolve(zone, "NS", search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            continue
        except (dns.exception.DNSException, OSError) as exc:
            detail["error"] = f"{type(exc).__name__}: {exc}"[:300]
            break
        detail["zone"] = zone
        for record in answer:
            server = str(record.target).rstrip(".")
            found = resolve(resolver, server, "AAAA")
            detail["servers"].append({"host": server, "aaaa": found["addresses"], "error": found.get("error")})
        break
    ok = any(server["aaaa"] for server in detail["servers"])
    return row("ipv6_ns", detail["zone"] or host, "ipv6", ok, int((time.monotonic() - started) * 1000), detail)


# -- HTTP over one address family -----------------------------------------------------------


@dataclass
class Fetched:
    url: str
    address: str = ""
    status: int | None = None
    final_url: str = ""
    # no_address, timeout, refused, no_route, unreachable, reset, tls, protocol, network, redirect_loop
    error: str = ""
    message: str = ""
    content_type: str = ""
    body: bytes = b""
    elapsed_ms: int = 0

    def facts(self) -> dict:
        return {"address": self.address, "status": self.status, "final_url": self.final_url,
                "error": self.error, "message": self.message}


def ip_literal(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("probe time limit reached")
    return left


class Prober:
    """Fetches URLs over one address family with a time limit per probe. Thread-safe."""

    def __init__(self, resolver, own_nameserver: bool, timeout: float):
        self.resolver = resolver
        self.own_nameserver = own_nameserver
        self.timeout = timeout
        self._lock = threading.Lock()
        self._addresses: dict[tuple[str, str], tuple[str, str]] = {}
        self._timeouts: Counter = Counter()

    def address(self, host: str, family: str) -> tuple[str, str]:
        """(address, '') or ('', why not): the first AAAA that counts (global; any address when
        the run uses its own test/demo nameserver), or the first A."""
        literal = ip_literal(host)
        if literal is not None:  # http://127.0.0.1:8080/ or http://[::1]/: nothing to resolve
            return (host, "") if (literal.version == 6) == (family == "ipv6") else ("", f"{host} is not {family}")
        with self._lock:
            if (host, family) not in self._addresses:
                found = resolve(self.resolver, host, "AAAA" if family == "ipv6" else "A")
                usable = [entry["address"] for entry in found["addresses"]
                          if family == "ipv4" or entry["scope"] == "global" or self.own_nameserver]
                why = found.get("error") or ("no usable address" if found["addresses"] else "no record")
                self._addresses[(host, family)] = (usable[0], "") if usable else ("", why)
            return self._addresses[(host, family)]

    def fetch(self, url: str, family: str, read_body: bool = True) -> Fetched:
        started = time.monotonic()
        deadline = started + self.timeout
        result = Fetched(url=url)
        for _ in range(MAX_REDIRECTS + 1):
            location = self._fetch_once(url, family, read_body, deadline, result)
            if not location:
                break
            url = urljoin(url, location)
        else:
            result.error, result.message = "redirect_loop", f"more than {MAX_REDIRECTS} redirects"
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
        return result

    def _fetch_once(self, url: str, family: str, read_body: bool, deadline: float, result: Fetched) -> str:
        """One request; fills `result` and returns the redirect target, if any."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        result.final_url, result.status, result.message = url, None, ""
        address, why = self.address(host, family)
        result.address = address
        if not address:
            result.error, result.message = "no_address", f"{host}: {why}"
            return ""
        if self._timeouts[(address, port)] >= GIVE_UP_AFTER_TIMEOUTS:
            result.error = "timeout"
            result.message = f"[{address}]:{port} timed out {GIVE_UP_AFTER_TIMEOUTS} times in a row; not asked again"
            return ""
        try:
            location = self._request(parts, host, address, port, read_body, deadline, result)
            self._timeouts[(address, port)] = 0  # it answers: a few slow pages do not make it dead
            return location
        except (socket.timeout, TimeoutError) as exc:
            with self._lock:
                self._timeouts[(address, port)] += 1
            result.error, result.message = "timeout", str(exc) or "timed out"
        except ConnectionRefusedError as exc:
            result.error, result.message = "refused", str(exc)
        except ConnectionResetError as exc:
            result.error, result.message = "reset", str(exc)
        except ssl.SSLError as exc:
            result.error, result.message = "tls", str(exc)[:300]
        except http.client.HTTPException as exc:
            result.error, result.message = "protocol", f"{type(exc).__name__}: {exc}"[:300]
        except OSError as exc:
            no_route = exc.errno in NO_ROUTE
            result.error = "no_route" if no_route else ("unreachable" if exc.errno == errno.EHOSTUNREACH else "network")
            result.message = f"{type(exc).__name__}: {exc}"[:300]
        return ""

    @staticmethod
    def _request(parts, host, address, port, read_body, deadline, result: Fetched) -> str:
        sock = socket.create_connection((address, port), timeout=remaining(deadline))
        try:
            if parts.scheme == "https":
                sock = TLS.wrap_socket(sock, server_hostname=host)
            connection = http.client.HTTPConnection(address, port)
            connection.sock = sock  # already connected to the chosen address: no resolution here
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={
                "Host": parts.netloc.rpartition("@")[2], "User-Agent": USER_AGENT.encode("utf-8"),
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Connection": "close"})
            sock.settimeout(remaining(deadline))
            response = connection.getresponse()
            result.status = response.status
            result.content_type = response.getheader("Content-Type") or ""
            location = (response.getheader("Location") or "") if response.status in REDIRECTS else ""
            body = bytearray()
            # read1: one receive at a time, so a server trickling bytes still meets the deadline
            while read_body and not location and len(body) < BODY_LIMIT and not response.isclosed():
                sock.settimeout(remaining(deadline))
                chunk = response.read1(65536)
                if not chunk:
                    break
                body += chunk
            result.error, result.body = "", bytes(body)
            return location
        finally:
            sock.close()


def page_facts(fetched: Fetched, host: str) -> dict:
    """What content parity compares: status, title, size and the page's internal links."""
    facts = fetched.facts()
    facts.update(size=len(fetched.body), title="", links=[])
    if fetched.status is not None and fetched.body:
        encoding, text = html_to_unicode(fetched.content_type, fetched.body)
        html, _ = decode(fetched.body, text, encoding)
        parsed = parse_html(html, fetched.final_url)
        facts["title"] = parsed.title
        facts["links"] = sorted({link.target for link in parsed.links
                                 if link.tag in LINK_TAGS and same_site(link.target, host)})
    return facts


# -- levels of links ------------------------------------------------------------------------


def sampled(links: dict, size: int, seed: str) -> dict:
    """At most `size` of the links, the same ones for the same site every night."""
    if len(links) <= size:
        return links
    keep = random.Random(seed).sample(sorted(links), size)
    return {url: links[url] for url in sorted(keep)}


def link_levels(crawl: CrawlReader, start_url: str, sample: int, seed: str,
                budget: int | None = None) -> tuple[dict, dict, dict]:
    """Level 2: internal links on the home page. Level 3: internal links on the level-2 pages the
    crawl fetched, minus levels 1-2, sampled to `sample` (same sample for the same site). Both
    levels together stay within `budget` links (the crawl's page budget): a home page with 20,000
    links gets a sample, not 20,000 requests. Returns ({url: source}, {url: source}, counts)."""
    home = crawl.loaded(start_url)
    if home is None:
        return {}, {}, {"level2_pages": 0, "level2_found": 0, "level3_found": 0}
    home_url = home[0]
    seen = {start_url, home_url}
    level2 = {}
    for target, _anchor, tag, internal, _context in crawl.links_from(home_url):
        if internal and tag in LINK_TAGS and target not in seen:
            level2.setdefault(target, home_url)
    seen |= set(level2)
    level3, pages = {}, 0
    for url in level2:
        page = crawl.loaded(url)
        if page is None:
            continue
        pages += 1
        for target, _anchor, tag, internal, _context in crawl.links_from(page[0]):
            if internal and tag in LINK_TAGS and target not in seen:
                level3.setdefault(target, url)
    found2, found3 = len(level2), len(level3)
    if budget is not None:
        level2 = sampled(level2, budget, seed)
        sample = min(sample, budget - len(level2))
    return level2, sampled(level3, sample, seed), {"level2_pages": pages, "level2_found": found2,
                                                   "level3_found": found3}


# -- the whole probe ------------------------------------------------------------------------


def probe(snapshot: str, start_url: str, nameserver: str | None, timeout: float, thresholds: dict,
          budget: int | None = None, workers: int = WORKERS, delay_s: float = 0.0) -> list[dict]:
    """All IPv6 rows for one site. `thresholds`: the rulebook's (home attempts, level-3 sample size);
    `budget`, `workers`, `delay_s`: the crawl's page budget and politeness (requests in flight, the
    pause each takes before asking), which the link probes keep to as well."""
    host = (urlsplit(start_url).hostname or "").lower()
    try:
        ipaddress.ip_address(host)
        return []  # an IP literal has no name to look up and no Host to keep
    except ValueError:
        pass
    resolver = make_resolver(nameserver) if nameserver else dns.resolver.Resolver()
    # a server that drops AAAA queries (it happens) must not cost a page timeout per lookup
    resolver.timeout = resolver.lifetime = min(timeout, DNS_TIMEOUT)
    prober = Prober(resolver, own_nameserver=bool(nameserver), timeout=timeout)
    rows = dns_rows(resolver, host) + [ns_row(resolver, host)]
    address, _ = prober.address(host, "ipv6")
    if address:
        rows.append(route_row(address, urlsplit(start_url).port or (443 if start_url.startswith("https") else 80)))
    rows += home_rows(prober, start_url, host, int(thresholds["ipv6.home_reachable"]["attempts"]))
    return rows + link_rows(prober, snapshot, start_url, host, int(thresholds["ipv6.links_level3"]["sample"]),
                            budget, workers, delay_s)


def home_rows(prober: Prober, start_url: str, host: str, attempts: int) -> list[dict]:
    """The home page `attempts` times over IPv6, then once over IPv4 as the parity baseline."""
    rows = []
    for attempt in range(1, attempts + 1):
        fetched = prober.fetch(start_url, "ipv6")
        ok = not fetched.error and 200 <= (fetched.status or 0) < 300 and bool(fetched.body)
        rows.append(row("ipv6_home", start_url, "ipv6", ok, fetched.elapsed_ms,
                        {"attempt": attempt, **page_facts(fetched, host)}))
    baseline = prober.fetch(start_url, "ipv4")
    rows.append(row("ipv4_home", start_url, "ipv4", not baseline.error and (baseline.status or 999) < 400,
                    baseline.elapsed_ms, page_facts(baseline, host)))
    return rows


def link_rows(prober: Prober, snapshot: str, start_url: str, host: str, sample: int, budget: int | None = None,
              workers: int = WORKERS, delay_s: float = 0.0) -> list[dict]:
    """The level-2 links and a sample of level-3 links over IPv6, within the budget, `workers` at a time."""
    crawl = CrawlReader(snapshot)
    try:
        level2, level3, counts = link_levels(crawl, start_url, sample, host, budget)
    finally:
        crawl.close()
    rows = [row("ipv6_links", "2", "ipv6", True, 0, {"level": 2, "found": counts["level2_found"],
                                                      "probed": len(level2)}),
            row("ipv6_links", "3", "ipv6", True, 0, {"level": 3, "found": counts["level3_found"],
                                                      "probed": len(level3), "sample": sample,
                                                      "level2_pages": counts["level2_pages"]})]

    def probe_link(item: tuple[str, str, int]) -> dict:
        url, source, level = item
        time.sleep(delay_s)
        fetched = prober.fetch(url, "ipv6", read_body=False)
        ok = not fetched.error and (fetched.status or 999) < 400
        return row("ipv6_link", url, "ipv6", ok, fetched.elapsed_ms, {"level": level, "source": source, **fetched.facts()})

    links = [(url, source, 2) for url, source in level2.items()] + [(url, source, 3) for url, source in level3.items()]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, WORKERS))) as pool:
        rows.extend(pool.map(probe_link, links))
    return rows


def route_row(address: str, port: int) -> dict:
    """Can this machine send to the address at all? A UDP connect asks the kernel for a route
    without sending anything, so a missing IPv6 uplink is told apart from a silent site."""
    error = ""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.connect((address, port))
    except OSError as exc:
        error = f"{type(exc).__name__}: {exc}"
    return row("ipv6_route", address, "ipv6", not error, 0, {"address": address, "error": error})
