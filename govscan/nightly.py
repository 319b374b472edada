"""`govscan nightly`: assess every site, record history, mail each office its scorecard.

One night = one Asia/Shanghai date. Each run is recorded `running` before it starts and closed
with its outcome afterwards, so a nightly process that dies leaves runs the next start marks
`interrupted` and runs again; sites already finished that night are not run or mailed twice
(a delivery is keyed by what it delivers). A lock file keeps two nightly processes apart.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from checks.model import BEIJING
from govscan.config import ConfigError, Site, load_targets
from govscan.history import ERROR, FINISHED, INTERRUPTED, OK, OUTCOME_LABELS, History
from govscan.mail import Delivery, SmtpSettings, digest_message, scorecard_message, send, smtp_settings
from govscan.pipeline import Options, assess, new_run_id
from govscan.runs import read_result, settle_orphans, settle_pending

log = logging.getLogger("govscan.nightly")
CLAIM_POLL_S = 2.0  # how often a site another nightly is assessing is looked at again


class LockBusy(Exception):
    pass


def default_jobs() -> int:
    """Each crawl is its own process (and maybe a browser): about one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def night_of(moment: datetime | None = None) -> str:
    return (moment or datetime.now(BEIJING)).astimezone(BEIJING).date().isoformat()


class NightLock:
    """flock on <var>/nightly.lock: released by the kernel when the holder dies, so never stale."""

    def __init__(self, var: Path):
        self.path = Path(var) / "nightly.lock"

    def __enter__(self) -> "NightLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "?"
            self.handle.close()
            raise LockBusy(f"another nightly run holds {self.path} (pid {holder})") from None
        self.handle.truncate(0)
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()


@dataclass
class SiteReport:
    site: Site
    run_id: str | None = None
    outcome: str = ERROR
    error: str | None = None
    path: Path | None = None
    result: dict | None = None
    mail: str = "—"


class Nightly:
    def __init__(self, sites: list[Site], var: Path, options: Options, history: History,
                 smtp: SmtpSettings | None, jobs: int):
        self.sites, self.var, self.options, self.history = sites, Path(var), options, history
        self.smtp, self.jobs = smtp, jobs
        self.night = night_of()
        self.active: dict[str, Path] = {}  # site id -> run directory being written
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # Ctrl-C: crawls cut short must not pass for complete runs
        self.digest = "—"  # the supervisor's digest: sent / failed / — (off)

    # -- one site ------------------------------------------------------------------------------

    def assess_site(self, site: Site) -> SiteReport:
        """The site's run tonight: this process's when it can claim the site, else (another nightly on
        the same database is assessing it) the other process's, once that one is done."""
        while True:
            claimed = self.history.claim(f"assess:{self.night}:{site.id}")
            # checked after claiming too: a process that finished the site and went since is no owner
            done = [run for run in self.history.runs(site.id, night=self.night) if run.outcome in FINISHED]
            if done:
                return self.done_elsewhere(site, done[-1])
            if claimed:
                return self.run_site(site)
            if self.stopping.wait(CLAIM_POLL_S):
                return SiteReport(site, outcome=INTERRUPTED, error="stopped while another process assessed it")

    def done_elsewhere(self, site: Site, run) -> SiteReport:
        log.info("%s: assessed tonight by another process (%s)", site.id, run.id)
        report = SiteReport(site, run.id, run.outcome, run.error, Path(run.path or ""))
        report.result = read_result(report.path, run.id)
        report.mail = self.mail_site(report) if run.outcome == OK and report.result else "—"
        return report

    def run_site(self, site: Site) -> SiteReport:
        run_id = new_run_id()
        out = self.var / "runs" / site.id / run_id
        report = SiteReport(site, run_id, path=out)
        with self.lock:
            self.active[site.id] = out
        log.info("%s: started (%s)", site.id, out)
        try:  # the pipeline records the run in history (running, then its outcome) and classifies it
            out, report.result = assess(site, replace(self.options, run_id=run_id), self.history, self.night,
                                        self.stopping.is_set)
        except Exception as exc:  # one site's trouble never stops the night
            report.error = f"{type(exc).__name__}: {exc}"
            log.exception("%s: assessment failed", site.id)
        run = self.history.run(run_id)  # None when even recording its start failed
        if run is not None:
            report.outcome, report.error = run.outcome, run.error
        with self.lock:
            self.active.pop(site.id, None)
        log.info("%s: %s%s", site.id, report.outcome, f" ({report.error})" if report.error else "")
        if report.outcome == OK:
            report.mail = self.mail_site(report)
        return report

    def mail_site(self, report: SiteReport) -> str:
        if self.smtp is None:
            return "off"
        if not report.site.recipients:
            return "no recipients"
        key = f"office:{report.run_id}"
        if self.history.deliveries(key):  # sent, or tried and failed: `govscan mail` re-sends by hand
            return "sent" if self.history.delivered(key) else "failed"
        if not self.history.claim(key):  # another nightly on the same database is sending it
            return "elsewhere"
        message = scorecard_message(self.smtp, report.site.recipients, report.result, report.path,
                                    self.history.changes(report.run_id))
        delivery = send(self.smtp, message)
        self.history.record_delivery(key, report.run_id, report.site.recipients, delivery.status,
                                     delivery.attempts, delivery.error)
        log.log(logging.INFO if delivery.status == "sent" else logging.ERROR, "%s: mail %s after %d attempt(s)%s",
                report.site.id, delivery.status, delivery.attempts, f": {delivery.error}" if delivery.error else "")
        return delivery.status

    # -- the night -----------------------------------------------------------------------------

    def finished_earlier(self) -> dict[str, SiteReport]:
        """Sites this night already finished (a previous, interrupted nightly process)."""
        reports = {}
        by_id = {site.id: site for site in self.sites}
        for run in self.history.runs(night=self.night):
            if run.outcome in FINISHED and run.site_id in by_id:
                report = SiteReport(by_id[run.site_id], run.id, run.outcome, run.error, Path(run.path))
                result_file = report.path / "result.json"
                if result_file.exists():
                    report.result = json.loads(result_file.read_text(encoding="utf-8"))
                reports[run.site_id] = report
        return reports

    def run(self, progress=None) -> list[SiteReport]:
        settle_pending(self.history, self.var)
        settle_orphans(self.history)  # runs of processes that are gone: from their files, else interrupted
        reports = self.finished_earlier()
        for report in reports.values():
            log.info("%s: already done tonight (%s), not run again", report.site.id, report.run_id)
            if report.outcome == OK and report.result is not None:
                report.mail = self.mail_site(report)
        todo = [site for site in self.sites if site.id not in reports]
        with ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="site") as pool:
            futures = {pool.submit(self.assess_site, site): site for site in todo}
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, timeout=1.0)
                    for future in done:
                        reports[futures[future].id] = future.result()
                    if progress is not None:
                        progress(self, reports)
            except KeyboardInterrupt:  # the crawlers got the SIGINT too and are stopping
                self.stopping.set()
                log.warning("interrupted: waiting for the running crawls to stop")
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        ordered = [reports[site.id] for site in self.sites]
        self.mail_digest(ordered)
        return ordered

    def mail_digest(self, reports: list[SiteReport]) -> None:
        if self.smtp is None or not self.smtp.supervisor:
            return
        key = digest_key(self.night, [report.site.id for report in reports])
        if self.history.deliveries(key):  # sent, or tried and failed: `govscan mail --digest` re-sends
            self.digest = "sent" if self.history.delivered(key) else "failed"
            return
        if not self.history.claim(key):
            self.digest = "elsewhere"  # another nightly on the same database sends it
            return
        self.digest = send_digest(self.smtp, self.history, self.night,
                                  [(r.site, r.run_id, r.outcome, r.error) for r in reports]).status


def digest_key(night: str, site_ids: list[str]) -> str:
    """One digest per night and set of sites: a manual `--sites` rerun does not stand for the night."""
    return f"digest:{night}:" + hashlib.sha256(",".join(site_ids).encode()).hexdigest()[:12]


def send_digest(smtp: SmtpSettings, history: History, night: str,
                entries: list[tuple[Site, str | None, str, str | None]]) -> Delivery:
    """The supervisor's digest of a night from what history holds, one row per (site, run id, outcome,
    error), recorded as a delivery; nightly sends it at the end, `govscan mail --digest` again."""
    rows = []
    for site, run_id, outcome, error in entries:
        run = history.run(run_id) if run_id else None
        complete = outcome == OK and run is not None
        changes = history.changes(run_id) if complete else None
        change_text = ""
        if changes and changes.previous_run:
            change_text = f"新增问题 {len(changes.new_failures)} 项，已整改 {len(changes.fixed)} 项"
        rows.append({"site": site.name, "outcome": outcome, "outcome_label": OUTCOME_LABELS.get(outcome, outcome),
                     "error": error, "total": run.total if complete else None, "grade": run.grade if run else None,
                     "vetoes": len((run.vetoes if run else None) or []), "changes": change_text})
    recipients = list(smtp.supervisor)
    delivery = send(smtp, digest_message(smtp, night, rows))
    history.record_delivery(digest_key(night, [site.id for site, *_ in entries]), None, recipients,
                            delivery.status, delivery.attempts, delivery.error)
    log.log(logging.INFO if delivery.status == "sent" else logging.ERROR, "digest: mail %s%s", delivery.status,
            f": {delivery.error}" if delivery.error else "")
    return delivery


def resend_digest(targets_file: Path, var: Path, night: str) -> Delivery:
    """`govscan mail --digest NIGHT`: the night's digest again, from the latest run of each site that night."""
    sites = load_targets(targets_file)
    smtp = smtp_settings(os.environ)
    if smtp is None:
        raise ConfigError("GOVSCAN_SMTP_HOST is not set: mail is off")
    if not smtp.supervisor:
        raise ConfigError("GOVSCAN_MAIL_SUPERVISOR is not set: there is nobody to send the digest to")
    history = History.open(var)
    try:
        latest = {run.site_id: run for run in history.runs(night=night)}  # oldest first: the last one stays
        entries = [(site, latest[site.id].id, latest[site.id].outcome, latest[site.id].error)
                   for site in sites.values() if site.id in latest]
        if not entries:
            raise ConfigError(f"--digest: no nightly runs of the sites in {Path(targets_file).name} on {night}")
        return send_digest(smtp, history, night, entries)
    finally:
        history.close()


@dataclass
class Night:
    """What a finished `govscan nightly` reports back to its command line."""

    reports: list[SiteReport]
    log_file: Path
    digest: str = "—"  # the supervisor's digest: sent, failed, elsewhere, or — (none)

    @property
    def failed(self) -> bool:
        return any(r.outcome != OK or r.mail == "failed" for r in self.reports) or self.digest == "failed"


def setup_logging(var: Path, night: str, tty: bool) -> Path:
    """Always a timestamped log file under <var>/log/; on stderr plain lines unless a terminal shows bars."""
    log_dir = Path(var) / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"nightly-{night}.log"
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    handlers = [logging.FileHandler(path, encoding="utf-8")]
    if not tty:
        handlers.append(logging.StreamHandler(sys.stderr))
    log.handlers.clear()
    for handler in handlers:
        handler.setFormatter(formatter)
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return path


def select_sites(sites: dict[str, Site], ids_text: str | None, label: str) -> list[Site]:
    if not ids_text:
        return list(sites.values())
    ids = [part.strip() for part in ids_text.split(",") if part.strip()]
    for site_id in ids:
        if site_id not in sites:
            raise ConfigError(f"--sites: no site '{site_id}' in {label} (known: {', '.join(sites)})")
    return [sites[site_id] for site_id in dict.fromkeys(ids)]


def write_night_index(sites: list[Site], history: History, var: Path) -> None:
    """The overview of every site (not only tonight's) is redone at the end of each night."""
    from govscan.index import write_index

    try:
        log.info("index: %s", write_index(sites, history, var / "index.html"))
    except Exception:  # the night's assessments and mail stand without it
        log.exception("index: could not be written")


def run_command(targets_file: Path, ids_text: str | None, jobs: int | None, options: Options,
                broker: str | None = None, progress=None) -> Night:
    """Everything `govscan nightly` does; configuration problems raise ConfigError before any crawl,
    LockBusy when another night holds the lock, HistoryUnavailable when the database is locked.
    With `broker` (a Redis URL) the sites are assessed by the cluster's workers (govscan/distributed/).
    `progress(sites, options)`, when given, returns the terminal's live display and its update
    callback (the command line draws it)."""
    from checks.registry import all_checks
    from reports.scoring import RulebookError, load_profile

    all_sites = load_targets(targets_file)
    sites = select_sites(all_sites, ids_text, Path(targets_file).name)
    smtp = smtp_settings(os.environ)
    try:
        load_profile(options.profile, known_checks=set(all_checks()))
    except RulebookError as exc:
        raise ConfigError(str(exc)) from None
    var = Path(options.var)
    if broker:
        from govscan.distributed.night import cluster_night

        lock, make_nightly = cluster_night(broker)
    else:
        lock, make_nightly = NightLock(var), Nightly
    with lock:
        history = History.open(var)
        nightly = make_nightly(sites, var, options, history, smtp, jobs or default_jobs())
        log_file = setup_logging(var, nightly.night, tty=progress is not None)
        log.info("night %s: %d sites, %d at once, mail %s", nightly.night, len(sites), nightly.jobs,
                 "on" if smtp else "off")
        if progress is not None:
            display, update = progress(sites, options)
            with display:
                reports = nightly.run(update)
        else:
            reports = nightly.run()
        write_night_index(list(all_sites.values()), history, var)
        history.close()
    log.info("night %s finished", nightly.night)
    return Night(reports, log_file, nightly.digest)
