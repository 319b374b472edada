"""Run one crawl in this process: `python -m crawler.run JOB.json`.

govscan runs each crawl in a subprocess of its own because Twisted's reactor starts once per
process and the DNS resolver is a process-wide setting. JOB.json holds the target and limits.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.lifeline import die_with_parent
from crawler.probes import dns_probe, external_links, https_probe, ipv6, search_probe
from crawler.settings import AUTOTHROTTLE_START_DELAY
from crawler.snapshot import PreviousSnapshot, SnapshotWriter
from crawler.spiders.portal import PortalSpider


def crawl_settings(job: dict) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    crawl = job["crawl"]
    settings.set("GOVSCAN_SNAPSHOT", job["snapshot"])
    settings.set("ROBOTSTXT_OBEY", crawl["robots"])
    settings.set("DOWNLOAD_TIMEOUT", crawl["timeout_s"])
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", crawl["concurrency_per_host"])
    settings.set("CLOSESPIDER_TIMEOUT", crawl["max_duration_s"])
    settings.set("LOG_LEVEL", job.get("log_level", "WARNING"))
    if job.get("log_file"):
        settings.set("LOG_FILE", job["log_file"])
    if job.get("fast"):  # tests and the demo: loopback servers need no politeness delays
        settings.set("AUTOTHROTTLE_ENABLED", False)
        settings.set("DOWNLOAD_DELAY", 0)
    if job.get("host_slots"):  # a distributed night: per-host concurrency across all workers (Redis)
        settings.set("GOVSCAN_HOST_SLOTS", job["host_slots"])
        settings.set("DOWNLOADER_MIDDLEWARES", {**settings.getdict("DOWNLOADER_MIDDLEWARES"),  # the page budget stays
                                                "govscan.distributed.politeness.HostSlotsMiddleware": 950})
    if job.get("warc"):  # every response kept as served, next to the download handler (crawler/warc.py)
        settings.set("GOVSCAN_WARC", job["warc"])
        settings.set("GOVSCAN_SITE", job["site"])
        settings.set("DOWNLOADER_MIDDLEWARES", {**settings.getdict("DOWNLOADER_MIDDLEWARES"),
                                                "crawler.warc.WarcMiddleware": 960})
    nameserver = job.get("nameserver")
    if nameserver:
        settings.set("GOVSCAN_NAMESERVER", nameserver)
        settings.set("TWISTED_DNS_RESOLVER", "crawler.resolver.NameserverResolver")
    if crawl["render"]:
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler})
        args = list(settings.getlist("CHROMIUM_ARGS"))
        rules = job.get("host_rules")
        if rules:  # Chromium resolves names itself: pin it to what the run's nameserver said
            args.append("--host-resolver-rules=" + ",".join(f"MAP {host} {ip}" for host, ip in rules.items()))
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {
            "executable_path": settings["CHROMIUM_PATH"], "headless": True, "args": args,
        })
    return settings


def run(job: dict) -> int:
    writer = SnapshotWriter(job["snapshot"])
    started = time.monotonic()
    writer.set_meta(
        start_url=job["url"], site=job["site"], started_at=datetime.now(timezone.utc).isoformat(),
        nameserver=job.get("nameserver") or "", crawl=job["crawl"], complete="0",
    )
    host = urlsplit(job["url"]).hostname or ""
    probes = dns_probe.probe(host, job.get("nameserver"))
    probes += https_probe.probe(job["url"], job.get("nameserver"), job["crawl"]["timeout_s"])
    for row in probes:
        writer.probe(row)
    job["host_rules"] = dns_probe.host_rules(probes) if job.get("nameserver") else {}
    writer.close()

    settings = crawl_settings(job)
    settings.set("LOG_INSTALL_ROOT_HANDLER", bool(job.get("log_file")))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PortalSpider)
    previous = open_previous(job)
    process.crawl(
        crawler, start_url=job["url"], max_pages=job["crawl"]["max_pages"],
        max_depth=job["crawl"]["max_depth"], render=job["crawl"]["render"], columns=job.get("columns"),
        previous=previous,
    )
    process.start()
    if previous is not None:
        previous.close()

    stats = crawler.stats.get_stats() if crawler.stats else {}
    writer = SnapshotWriter(job["snapshot"])
    writer.recompute_depths(job["url"])
    writer.close()
    late_rows = after_crawl_probes(job)
    writer = SnapshotWriter(job["snapshot"])
    for row in late_rows:
        writer.probe(row)
    writer.set_meta(
        finished_at=datetime.now(timezone.utc).isoformat(),
        duration_s=f"{time.monotonic() - started:.1f}",
        carried=str(stats.get("govscan/carried", 0)), previous_snapshot=job.get("previous_snapshot") or "",
        complete="1",
    )
    writer.close()
    return 0


def open_previous(job: dict) -> PreviousSnapshot | None:
    """The previous complete snapshot of the same site, when the job names one that fits; otherwise
    every page is fetched in full."""
    path = job.get("previous_snapshot")
    if not path:
        return None
    try:
        return PreviousSnapshot(path, job["url"])
    except (ValueError, sqlite3.Error) as exc:
        logging.getLogger(__name__).warning("full crawl: %s", exc)
        return None


def after_crawl_probes(job: dict) -> list[dict]:
    """Probes that need what the crawl found: IPv6 of the level-2/3 links, the site search, the home
    page's outbound links."""
    arguments = (job["snapshot"], job["url"], job.get("nameserver"), job["crawl"]["timeout_s"])
    crawl = job["crawl"]
    # the IPv6 link probes keep to the crawl's page budget and politeness (AUTOTHROTTLE's first delay)
    politeness = {"budget": crawl["max_pages"], "workers": crawl["concurrency_per_host"],
                  "delay_s": 0.0 if job.get("fast") else AUTOTHROTTLE_START_DELAY}
    probes = {"IPv6": lambda: ipv6.probe(*arguments, job["thresholds"], **politeness), "search": lambda: search_probe.probe(*arguments),
              "external link": lambda: external_links.probe(*arguments)}
    if not job.get("ipv6", True):  # a worker without IPv6 outbound: the `ipv6` queue measures it
        del probes["IPv6"]
    rows = []
    for name, run_probe in probes.items():
        try:
            rows += run_probe()
        except Exception:  # a bug in a probe must not cost the crawl; its checks then say "not probed"
            logging.getLogger(__name__).exception("%s probes failed", name)
    return rows


def main() -> None:
    die_with_parent()
    with open(sys.argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    sys.exit(run(job))


if __name__ == "__main__":
    main()
