"""How long the IPv6 probe phase of one crawl takes on loopback: a home page with 300 second-level
links (and 200 sampled third-level ones), against the same site where 50 of the links sit on a
host whose IPv6 address accepts connections and never answers.

    python bench/ipv6_probes.py [--timeout 15] [--without-give-up]

The timeout is the site's crawl timeout (targets.yaml default 15 s). --without-give-up adds a run
in which a silent address is asked for every link (what the give-up rule saves).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.probes import ipv6  # noqa: E402
from demo.dns import DemoDNS  # noqa: E402
from demo.server import DemoServer  # noqa: E402
from reports.scoring import load_profile  # noqa: E402
from crawler.extract import parse_html  # noqa: E402
from crawler.snapshot import SnapshotWriter  # noqa: E402
from tests.snapshots import page_html  # noqa: E402

LEVEL2, SLOW, LEVEL2_PAGES, LINKS_PER_PAGE = 300, 50, 20, 10
HOST, SLOW_HOST = "www.bench.test", "slow.bench.test"


def build(root: Path, port: int, slow_port: int | None) -> tuple[str, dict]:
    """Write the site; return its URL and the pages a crawl would have stored."""
    base = f"http://{HOST}:{port}/"
    links = []
    for i in range(LEVEL2):
        # every sixth link goes to the slow host, spread out as on a real home page
        on_slow = slow_port is not None and i % (LEVEL2 // SLOW) == 0
        links.append(f"http://{SLOW_HOST}:{slow_port}/p{i}.html" if on_slow else f"{base}p{i}.html")
    home = page_html("".join(f"<a href='{url}'>栏目{i}</a>" for i, url in enumerate(links)), title="基准站点")
    pages = {base: home}
    site = root / HOST
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(home, encoding="utf-8")
    for i in range(LEVEL2):
        body = "".join(f"<a href='/q{i}_{j}.html'>文章{j}</a>" for j in range(LINKS_PER_PAGE))
        html = page_html(body, title=f"栏目{i}")
        (site / f"p{i}.html").write_text(html, encoding="utf-8")
        for j in range(LINKS_PER_PAGE):
            (site / f"q{i}_{j}.html").write_text(page_html("文章"), encoding="utf-8")
        if i < LEVEL2_PAGES and not links[i].startswith(f"http://{SLOW_HOST}"):
            pages[links[i]] = html
    return base, pages


def write_snapshot(path: Path, pages: dict, start_url: str) -> None:
    """What the crawl would have stored; slow.bench.test is a subdomain, so internal like the crawl says."""
    writer = SnapshotWriter(path)
    writer.set_meta(start_url=start_url, complete="1")
    for url, html in pages.items():
        parsed = parse_html(html, url)
        writer.page({"url": url, "final_url": url, "status": 200, "title": parsed.title, "text": parsed.text,
                     "html": html, "depth": 0 if url == start_url else 1, "metadata": {}, "charset": "utf-8"})
        writer.links([{"source": url, "target": link.target, "anchor": link.anchor, "tag": link.tag,
                       "internal": int(ipv6.same_site(link.target, HOST)), "level": 1} for link in parsed.links])
    writer.close()


def measure(label: str, slow: bool, timeout: float, thresholds: dict, work: Path) -> float:
    silent = socket.socket(socket.AF_INET6)
    silent.bind(("::1", 0))
    silent.listen(1024)  # the kernel completes connections; nobody ever reads or answers
    root = work / label
    root.mkdir()
    try:
        with DemoServer(root) as server:
            base, pages = build(root, server.port, silent.getsockname()[1] if slow else None)
            zone = {HOST: {"A": ["127.0.0.1"], "AAAA": ["::1"]}, SLOW_HOST: {"AAAA": ["::1"]}}
            snapshot = root / "snapshot.sqlite"
            write_snapshot(snapshot, pages, base)
            with DemoDNS(zone) as dns:
                started = time.monotonic()
                rows = ipv6.probe(str(snapshot), base, dns.nameserver, timeout, thresholds)
                elapsed = time.monotonic() - started
    finally:
        silent.close()
    links = [row for row in rows if row["kind"] == "ipv6_link"]
    failed = sum(1 for row in links if not row["ok"])
    longest = max(row["elapsed_ms"] for row in rows if row["kind"] in ("ipv6_link", "ipv6_home")) / 1000
    print(f"{label:<28} {elapsed:7.2f} s  {len(links)} links probed, {failed} failed, longest probe {longest:.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=15, help="per-probe time limit (the crawl timeout)")
    parser.add_argument("--without-give-up", action="store_true", help="also run with the give-up rule off")
    args = parser.parse_args()
    thresholds = load_profile().thresholds
    print(f"{LEVEL2} level-2 links ({SLOW} on a silent IPv6 address in the slow runs), "
          f"{LEVEL2_PAGES} level-2 pages × {LINKS_PER_PAGE} level-3 links, {ipv6.WORKERS} probes at once, "
          f"timeout {args.timeout:g} s")
    with tempfile.TemporaryDirectory() as work:
        baseline = measure("baseline (no slow address)", False, args.timeout, thresholds, Path(work))
        slow = measure("one silent IPv6 address", True, args.timeout, thresholds, Path(work))
        print(f"ratio silent/baseline: {slow / baseline:.1f}×; silent run = {slow / args.timeout:.2f} timeouts")
        if args.without_give_up:
            ipv6.GIVE_UP_AFTER_TIMEOUTS = 10**9
            unbounded = measure("silent, never giving up", True, args.timeout, thresholds, Path(work))
            print(f"ratio never-giving-up/baseline: {unbounded / baseline:.1f}×; "
                  f"give-up rule saves {unbounded - slow:.1f} s")


if __name__ == "__main__":
    main()
