"""`govscan nightly --broker URL`: the same night, assessed by the workers of a cluster.

The coordinator enqueues one task per site, then follows the night in the shared history database
(runs, deliveries) until every site is finished and mailed, with the embedded nightly's progress,
summary, log and exit statuses. Sites that timed out get a second pass at the end of the night
with a longer limit. One coordinator at a time: a lease in Redis plays the part of the lock file.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import redis

from govscan.config import ConfigError, Site
from govscan.distributed.app import CRAWL, RENDER, configure
from govscan.distributed.leases import Lease
from govscan.distributed.tasks import SECOND_PASS_FACTOR, assess_site, site_lease_key, time_limits
from govscan.history import FINISHED, OK, RUNNING, TIMEOUT
from govscan.nightly import LockBusy, Nightly, SiteReport, log

POLL_S = 1.0
LOCK_KEY = "govscan:nightly"


def shared_history_url(environ) -> str:
    """Every worker writes the same history: PostgreSQL, never a SQLite file on one machine."""
    url = environ.get("GOVSCAN_DB_URL", "")
    if not url.startswith("postgresql"):
        raise ConfigError("GOVSCAN_DB_URL: a distributed night needs the shared PostgreSQL history "
                          "(postgresql+psycopg://USER@HOST/DB), not SQLite")
    return url


def safe_url(url: str) -> str:
    """The broker URL without its password, for messages."""
    parts = urlsplit(url)
    return url.replace(f":{parts.password}@", ":***@") if parts.password else url


class ClusterLock:
    """One `nightly --broker` at a time across the cluster; the lease runs out if its holder dies."""

    def __init__(self, broker_url: str):
        self.broker_url = broker_url
        self.lease = Lease(redis.Redis.from_url(broker_url), LOCK_KEY)

    def __enter__(self) -> "ClusterLock":
        try:
            taken = self.lease.acquire()
        except redis.RedisError as exc:
            raise ConfigError(f"--broker: cannot reach {safe_url(self.broker_url)}: {exc}") from None
        if not taken:
            raise LockBusy(f"another nightly run holds the cluster lock at {safe_url(self.broker_url)} "
                           f"({self.lease.holder()})")
        return self

    def __exit__(self, *exc) -> None:
        self.lease.release()


def queue_for(site: Site, render: bool) -> str:
    return RENDER if render and site.crawl.render else CRAWL


class DistributedNightly(Nightly):
    """Nightly whose sites are assessed by Celery workers; only `run` differs."""

    def __init__(self, *args, broker_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.broker_url = broker_url
        self.broker = redis.Redis.from_url(broker_url)
        configure(broker_url)

    def being_assessed(self, site: Site) -> bool:
        """A worker still holds the site (its run may yet change, e.g. error → timeout); while the
        broker is away, assume so."""
        try:
            return bool(self.broker.exists(site_lease_key(self.night, site.id)))
        except redis.RedisError:
            return True

    def enqueue(self, site: Site, pass_no: int) -> None:
        factor = SECOND_PASS_FACTOR if pass_no == 2 else 1
        soft, hard = time_limits(site.crawl.max_duration_s * factor, self.options.crawl_grace_s)
        options = {"var": str(self.var.resolve()), "max_pages": self.options.max_pages, "render": self.options.render,
                   "profile": self.options.profile, "crawl_grace_s": self.options.crawl_grace_s}
        assess_site.apply_async((site.model_dump(), self.night, options, pass_no, self.smtp is not None),
                                queue=queue_for(site, self.options.render), soft_time_limit=soft, time_limit=hard)

    def mail_status(self, report: SiteReport) -> str | None:
        """What became of the office's mail; None while a worker has yet to send it."""
        if report.outcome != OK or self.smtp is None:
            return "—" if report.outcome != OK else "off"
        if not report.site.recipients:
            return "no recipients"
        deliveries = self.history.deliveries(f"office:{report.run_id}")
        if not deliveries:
            return None
        return "sent" if any(d.status == "sent" for d in deliveries) else "failed"

    def report_of(self, site: Site, run) -> SiteReport:
        report = SiteReport(site, run.id, run.outcome, run.error, Path(run.path))
        result_file = report.path / "result.json"
        if result_file.exists():
            report.result = json.loads(result_file.read_text(encoding="utf-8"))
        return report

    def run(self, progress=None) -> list[SiteReport]:
        for site in self.sites:
            self.enqueue(site, 1)
        log.info("night %s: %d sites queued at %s", self.night, len(self.sites), safe_url(self.broker_url))
        reports: dict[str, SiteReport] = {}
        second_pass: set[str] = set()
        while True:
            runs = self.history.runs(night=self.night)  # oldest first
            finished = {site.id: [] for site in self.sites}
            for run in runs:
                if run.outcome in FINISHED and run.site_id in finished:
                    finished[run.site_id].append(run)
            with self.lock:
                self.active = {run.site_id: Path(run.path) for run in runs if run.outcome == RUNNING}
            for site in self.sites:
                done = finished[site.id]
                if site.id in reports or not done or (done[-1].outcome == TIMEOUT and len(done) < 2) \
                        or self.being_assessed(site):
                    continue
                report = self.report_of(site, done[-1])
                report.mail = self.mail_status(report)
                if report.mail is not None:
                    reports[site.id] = report
                    log.info("%s: %s%s, mail %s", site.id, report.outcome,
                             f" ({report.error})" if report.error else "", report.mail)
            if progress is not None:
                progress(self, reports)
            if len(reports) == len(self.sites):
                break
            if all(finished.values()):  # the end of the first pass: sites that timed out go again
                for site in self.sites:
                    if site.id not in reports and site.id not in second_pass and finished[site.id][-1].outcome == TIMEOUT:
                        second_pass.add(site.id)
                        log.info("%s: timed out; second pass with %d s", site.id,
                                 site.crawl.max_duration_s * SECOND_PASS_FACTOR)
                        self.enqueue(site, 2)
            time.sleep(POLL_S)
        ordered = [reports[site.id] for site in self.sites]
        self.mail_digest(ordered)
        return ordered


def cluster_night(broker_url: str):
    """(lock, Nightly factory) for run_command; ConfigError when the history is not shared."""
    shared_history_url(os.environ)

    def make(*args, **kwargs):
        return DistributedNightly(*args, broker_url=broker_url, **kwargs)

    return ClusterLock(broker_url), make
