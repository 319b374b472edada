"""The tasks: one assessment per (site, night), and the office's mail once its run is recorded.

Idempotent on (site, night): a task whose site already has a finished run that night does
nothing, so a redelivered task of a completed run changes nothing. A task whose worker died left
a `running` run and an expired lease: the next delivery marks that run interrupted and assesses
the site again; its mail is sent once, keyed by the run it delivers.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from pathlib import Path

import redis
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from govscan.config import Site
from govscan.distributed.app import IPV6, MAIL, app
from govscan.distributed.leases import Lease
from govscan.history import FINISHED, INTERRUPTED, OK, RUNNING, TIMEOUT, History
from govscan.mail import smtp_settings
from govscan.pipeline import Options, assess, new_run_id

log = logging.getLogger("govscan.worker")
LEASE_TTL_S = float(os.environ.get("GOVSCAN_LEASE_TTL", 30))  # a dead worker's site is free again after this
SECOND_PASS_FACTOR = 2  # a site that timed out gets twice its max_duration_s at the end of the night
IPV6_WAIT_S = float(os.environ.get("GOVSCAN_IPV6_WAIT", 600))  # then the IPV6 checks read "could not check"
_history: dict[int, History] = {}


def history() -> History:
    """One database engine per worker process (pool processes are forked: never share one)."""
    pid = os.getpid()
    if pid not in _history:
        _history[pid] = History(os.environ["GOVSCAN_DB_URL"])
    return _history[pid]


def broker() -> redis.Redis:
    return redis.Redis.from_url(app.conf.broker_url)


def time_limits(max_duration_s: int, crawl_grace_s: int) -> tuple[int, int]:
    """(soft, hard) seconds for one assessment: the crawl's own limit and grace, then half the
    crawl's time again for audit, screenshots and rendering; the hard limit kills what the soft
    one could not stop."""
    soft = max_duration_s + crawl_grace_s + max(5, max_duration_s // 2)
    return soft, soft + max(5, soft // 10)


def site_lease_key(night: str, site_id: str) -> str:
    """Held while a worker assesses the site; its run's outcome is final once it is gone."""
    return f"govscan:site:{night}:{site_id}"


def night_runs(site_id: str, night: str) -> list:
    return history().runs(site_id=site_id, night=night)


def already_done(site_id: str, night: str, pass_no: int) -> bool:
    finished = [run for run in night_runs(site_id, night) if run.outcome in FINISHED]
    if pass_no == 1:
        return bool(finished)
    return len(finished) >= 2 or any(run.outcome != TIMEOUT for run in finished)


class SiteTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The hard time limit killed the pool process (this runs in the worker's main process):
        the run it left `running` timed out, and the night's second pass takes the site again."""
        if isinstance(exc, TimeLimitExceeded):
            site_data, night = args[0], args[1]
            for run in night_runs(site_data["id"], night):
                if run.outcome == RUNNING:
                    history().finish_run(run.id, TIMEOUT, error="the assessment exceeded its hard time limit")


@app.task(name="govscan.assess_site", base=SiteTask, bind=True, max_retries=None)
def assess_site(self, site_data: dict, night: str, options_data: dict, pass_no: int = 1, mail: bool = False) -> str:
    site = Site(**site_data)
    if pass_no == 2:
        site = site.model_copy(update={"crawl": site.crawl.model_copy(
            update={"max_duration_s": site.crawl.max_duration_s * SECOND_PASS_FACTOR})})
    lease = Lease(broker(), site_lease_key(night, site.id), LEASE_TTL_S)
    if not lease.acquire():  # a live worker is on it (a redelivered copy): look again when a dead one's lease is out
        log.info("%s: being assessed by %s; looking again in %d s", site.id, lease.holder(), LEASE_TTL_S)
        raise self.retry(countdown=LEASE_TTL_S)
    try:
        if already_done(site.id, night, pass_no):
            log.info("%s: already assessed on night %s; nothing to do", site.id, night)
            return "done"
        for run in night_runs(site.id, night):
            if run.outcome == RUNNING:  # we hold the lease: whoever ran it is gone
                history().finish_run(run.id, INTERRUPTED, error="the worker assessing it stopped; assessed again")
                log.warning("%s: run %s was interrupted; assessing again", site.id, run.id)
        run_id = new_run_id()
        has_ipv6 = os.environ.get("GOVSCAN_WORKER_IPV6") == "1"
        options = replace(Options(**{**options_data, "var": Path(options_data["var"])}), run_id=run_id,
                          host_slots=app.conf.broker_url, ipv6_probes=has_ipv6,
                          after_crawl=None if has_ipv6 else ipv6_elsewhere(options_data["profile"]))
        log.info("%s: started (pass %d, run %s)", site.id, pass_no, run_id)
        try:
            assess(site, options, history(), night)
        except SoftTimeLimitExceeded:
            history().finish_run(run_id, TIMEOUT, error="the assessment exceeded its time limit and was stopped")
        except Exception:  # recorded as an error by the pipeline; the night goes on
            log.exception("%s: assessment failed", site.id)
        run = history().run(run_id)
        outcome = run.outcome if run else "error"
        log.info("%s: %s", site.id, outcome)
        if outcome == OK and mail:
            send_office_mail.apply_async((run_id, site_data, options_data["var"]), queue=MAIL)
        return outcome
    finally:
        lease.release()


@app.task(name="govscan.send_office_mail")
def send_office_mail(run_id: str, site_data: dict, var: str) -> str:
    """The office's scorecard for one recorded run, once (the delivery is keyed by the run)."""
    from govscan.nightly import Nightly, SiteReport

    site = Site(**site_data)
    smtp = smtp_settings(os.environ)
    key = f"office:{run_id}"
    if smtp is None:  # the coordinator has mail on: say why nothing went, rather than wait forever
        history().record_delivery(key, run_id, site.recipients, "failed", 0,
                                  f"GOVSCAN_SMTP_HOST is not set on worker {os.uname().nodename}")
        return "failed"
    lease = Lease(broker(), f"govscan:mail:{run_id}", LEASE_TTL_S)
    if not lease.acquire():
        return "busy"
    try:
        run = history().run(run_id)
        result = json.loads((Path(run.path) / "result.json").read_text(encoding="utf-8"))
        report = SiteReport(site, run_id, run.outcome, run.error, Path(run.path), result)
        return Nightly([site], Path(var), Options(), history(), smtp, 1).mail_site(report)
    finally:
        lease.release()


@app.task(name="govscan.measure_ipv6", ignore_result=False)
def measure_ipv6(snapshot: str, url: str, nameserver: str | None, timeout_s: int, profile: str) -> list[dict]:
    """A site's IPv6 probes, on a worker that has IPv6 (the snapshot on shared storage is only read)."""
    from crawler.probes import ipv6
    from reports.scoring import load_profile

    log.info("%s: IPv6 probes", url)
    return ipv6.probe(snapshot, url, nameserver, timeout_s, load_profile(profile).thresholds)


_ipv6_workers: dict[str, float] = {}  # "asked": when the cluster last answered, "found": its answer


def ipv6_worker_exists() -> bool:
    """Does any worker serve the `ipv6` queue? Asked at most once a minute."""
    import time

    if time.monotonic() - _ipv6_workers.get("asked", -1e9) > 60:
        replies = app.control.inspect(timeout=2.0).active_queues() or {}
        _ipv6_workers.update(asked=time.monotonic(), found=any(
            queue["name"] == IPV6 for queues in replies.values() for queue in queues))
    return bool(_ipv6_workers["found"])


def ipv6_elsewhere(profile: str):
    """The pipeline's after-crawl hook on a worker without IPv6: a worker that has it probes the
    site, the rows go into this run's snapshot. Without one, in time or while the broker is away,
    the IPv6 checks read "could not check" — never the site's failure."""
    from crawler.snapshot import SnapshotWriter

    def measure(site: Site, snapshot: Path) -> None:
        try:
            if not ipv6_worker_exists():
                log.warning("%s: no worker serves the ipv6 queue; IPv6 not measured", site.id)
                return
            pending = measure_ipv6.apply_async(
                (str(snapshot), site.url, site.nameserver, site.crawl.timeout_s, profile), queue=IPV6)
            # the ipv6 workers never wait on others, so waiting here cannot deadlock
            rows = pending.get(timeout=IPV6_WAIT_S, disable_sync_subtasks=False)
        except Exception as exc:
            log.warning("%s: IPv6 probes not made (%s: %s)", site.id, type(exc).__name__, exc)
            return
        writer = SnapshotWriter(snapshot)
        for row in rows:
            writer.probe(row)
        writer.close()
        log.info("%s: %d IPv6 probe rows from the ipv6 queue", site.id, len(rows))

    return measure
