"""One assessment, stage by stage: gather (crawl subprocess) → audit → score → render.

Each stage reads only what the one before wrote, so everything after the crawl can be re-run on
a saved snapshot. result.json is written last and atomically: a run interrupted at any point
leaves no result.json that looks complete.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from checks.lexicon import COLUMNS
from checks.model import BEIJING, Context, Status
from checks.registry import all_checks, run_checks
from checks.snapshot import Snapshot
from crawler.lifeline import PARENT_ENV
from crawler.snapshot import ARCHIVE, SnapshotWriter, connect as create_snapshot
from govscan.config import Site
from govscan.history import ERROR, INTERRUPTED, OK, TIMEOUT, UNASSESSABLE, UNREACHABLE, History, HistoryUnavailable
from govscan.reviews import review_hook
from govscan.runs import HistoryDeferred, RunLedger
from reports.result import assemble, crawl_summary, finding_entry, write_result
from reports.scoring import HOME_CHECK, UNASSESSABLE as UNASSESSABLE_GRADE, Profile, load_profile, score

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What only the audit and the reports use, imported while the crawler works on the other core rather
# than before it starts or after it ends: about 0.3 s of a 6.5 s assessment of 2,000 pages.
AUDIT_IMPORTS = ("checks.early_warning", "crawler.probes.dns_probe", "crawler.evidence", "govscan.archive",
                 "reports.render", "openpyxl")
TIME_LIMIT_PROBLEM = "crawl exceeded its time limit and was stopped"


@dataclass
class Options:
    out: Path | None = None
    var: Path = Path("var")
    nameserver: str | None = None
    max_pages: int | None = None
    render: bool = True
    profile: str = "default"
    today: date | None = None
    screenshots: bool = True
    log_level: str = "WARNING"
    run_id: str | None = None   # chosen by the caller (nightly records the run before it starts)
    crawl_grace_s: int = 120    # how long a crawl may overrun its max_duration_s before it is killed
    host_slots: str | None = None  # distributed nights: Redis URL of the cluster's per-host slots
    ipv6_probes: bool = True       # False on a worker without IPv6 outbound
    # distributed nights: probes this machine cannot make, made elsewhere into the snapshot before the audit
    after_crawl: Callable[[Site, Path], None] | None = None


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def previous_snapshot(history: History | None, site: Site, out: Path) -> Path | None:
    """The snapshot of the site's latest complete run (another directory), for an incremental crawl;
    none without a usable history (the crawl is then a full one)."""
    if history is None:
        return None
    try:
        runs = history.runs(site.id)
    except HistoryUnavailable:
        return None
    for run in reversed(runs):
        if run.outcome == OK and run.path and Path(run.path).resolve() != out.resolve():
            snapshot = Path(run.path) / "snapshot.sqlite"
            return snapshot if snapshot.exists() else None
    return None


def crawl(site: Site, options: Options, profile: Profile, snapshot: Path, log_file: Path,
          previous: Path | None = None) -> str | None:
    """Run the crawler in a subprocess; returns a problem description, or None when it finished.
    With `previous`, unchanged pages are carried over from that snapshot (conditional requests)."""
    limits = site.crawl.model_dump()
    if options.max_pages:
        limits["max_pages"] = options.max_pages
    if not options.render:
        limits["render"] = False
    nameserver = options.nameserver or site.nameserver
    job = {
        "site": site.id, "url": site.url, "snapshot": str(snapshot), "crawl": limits,
        "nameserver": nameserver, "log_file": str(log_file), "log_level": options.log_level,
        # the probes' sizes (home attempts, level-3 sample) are the profile's thresholds: handed over
        # here so the crawler needs nothing from the scoring stage
        "thresholds": profile.thresholds,
        # the column names and slugs the checks look for, so the crawl fetches those columns first
        "columns": {name: asdict(concept) for name, concept in COLUMNS.items()},
        "previous_snapshot": str(previous) if previous else None,
        "warc": str(snapshot.with_name(ARCHIVE)) if limits["warc"] else None,
        # Loopback servers (demo, tests) need no politeness delays; a bench that simulates distant
        # servers on loopback asks for them (GOVSCAN_LOOPBACK_POLITENESS=1).
        "fast": (bool(nameserver) or is_loopback(urlsplit(site.url).hostname or ""))
                and os.environ.get("GOVSCAN_LOOPBACK_POLITENESS") != "1",
        "host_slots": options.host_slots, "ipv6": options.ipv6_probes,
    }
    job_path = snapshot.with_name("crawl-job.json")
    job_path.write_text(json.dumps(job, ensure_ascii=False, indent=2), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               **{PARENT_ENV: str(os.getpid())})  # the crawler dies with us, even when we are killed outright
    process = subprocess.Popen([sys.executable, "-m", "crawler.run", str(job_path)], env=env,
                               stdout=subprocess.DEVNULL, stderr=open(log_file, "ab"))
    try:
        for name in AUDIT_IMPORTS:
            importlib.import_module(name)
        code = process.wait(timeout=limits["max_duration_s"] + options.crawl_grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return TIME_LIMIT_PROBLEM
    except BaseException:  # Ctrl-C: stop the crawler too, then let the interrupt end the run
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        raise
    return None if code == 0 else f"crawler exited with status {code} (see {log_file.name})"


def attach_screenshots(findings: list[dict], out: Path, rules: dict[str, str], take_new: bool) -> None:
    """A screenshot of the first page named by each failing or warned finding: taken now, or
    (when re-scoring) the one the run took at crawl time, if any. Checks that declare
    `screenshots=False` get none: the picture would show what they mask."""
    from crawler.evidence import capture, shot_name

    unphotographed = {check_id for check_id, spec in all_checks().items() if not spec.screenshots}
    wanted = [evidence for finding in findings if finding["status"] in ("fail", "warn")
              and finding["check"] not in unphotographed
              for evidence in finding["evidence"][:1] if evidence.get("url")]
    shots = {}
    if take_new:
        try:
            shots = capture([evidence["url"] for evidence in wanted], out, rules)
        except Exception as exc:  # no browser on this machine: the report simply has no pictures
            with (out / "crawl.log").open("a", encoding="utf-8") as log:
                log.write(f"screenshots skipped: {exc}\n")
    for evidence in wanted:
        kept = shot_name(evidence["url"])
        evidence["screenshot"] = shots.get(evidence["url"]) or (kept if (out / kept).exists() else "")


def load_rulebook_profile(options: Options) -> Profile:
    """The scoring profile, loaded once per run and checked against the registered checks."""
    return load_profile(options.profile, known_checks=set(all_checks()))


def audit_and_report(site: Site, snapshot_path: Path, out: Path, options: Options, profile: Profile,
                     run_meta: dict, record: Callable[[dict], dict | None] | None = None,
                     review: Callable[[list[dict], date], None] | None = None) -> dict:
    """Stages 2–4 on a saved snapshot: audit, evidence, review, score, assemble, record, render,
    write. `record` stores the scored run in history and returns its `history` section (None while
    history is unavailable), before rendering, so the scorecard can show what changed. `review`
    marks the findings assessors have reviewed (exceptions, overturned verdicts) before scoring."""
    from checks.early_warning import early_warnings  # AUDIT_IMPORTS: loaded during the crawl
    from crawler.probes.dns_probe import host_rules
    from govscan.archive import attach_captures
    from reports.render import write_outputs

    snap = Snapshot(snapshot_path)
    try:
        ctx = Context(site_id=site.id, site_name=site.name, site_url=site.url, level=site.level,
                      today=options.today or datetime.now(BEIJING).date(),
                      # what the crawl did, not what this invocation says: rescore has no --nameserver
                      own_nameserver=bool(snap.meta.get("nameserver")),
                      thresholds=profile.thresholds)
        findings = [finding_entry(r.spec, r.finding) for r in run_checks(snap, ctx)]
        warnings = [warning.as_dict(ctx.today) for warning in early_warnings(snap, ctx)]  # never scored
        attach_screenshots(findings, out, host_rules(snap.probes()) if ctx.own_nameserver else {},
                           take_new=options.render and options.screenshots)
        attach_captures(findings + warnings, snapshot_path)  # each evidence URL's WARC record and digest
        crawl_info = crawl_summary(snap, run_meta.get("crawl_problem"))
    finally:
        snap.close()
    if review is not None:
        review(findings, ctx.today)
    result = assemble(site, run_meta, options.profile, crawl_info, score(findings, profile), findings,
                      warnings, finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    recorded = record(result) if record is not None else None  # None: history unavailable for now
    if recorded is not None:
        result["history"] = recorded
    elif record is None and run_meta.get("history"):
        result["history"] = run_meta["history"]
    write_outputs(result, out)
    write_result(out / "result.json", result)  # last: its presence means the run is complete
    return result


def copy_availability_probes(site: Site, snapshot: Path, options: Options, profile: Profile, log_file: Path) -> None:
    """The hourly probes of the last days (history, `govscan probe`) go into the snapshot, so the
    availability check reads them like everything else it judges, and a rescore sees the same.
    Without the database (locked) there are none: the check then says it could not judge."""
    from govscan.history import History, HistoryUnavailable, database_url

    days = int(profile.thresholds["site.availability"]["days"])
    since = datetime.now(timezone.utc) - timedelta(days=days)
    try:
        history = History(database_url(Path(options.var)))
        try:
            rows = history.probes(site.id, since)
        finally:
            history.close()
    except HistoryUnavailable as exc:
        with log_file.open("a", encoding="utf-8") as log:
            log.write(f"availability probes not copied: {exc}\n")
        return
    writer = SnapshotWriter(snapshot)
    for row in rows:
        writer.probe({"kind": "availability", "target": row.url, "family": "", "ok": int(row.ok),
                      "elapsed_ms": row.elapsed_ms, "at": row.at.astimezone(timezone.utc).isoformat(timespec="seconds"),
                      "detail": json.dumps({"status": row.status, "error": row.error}, ensure_ascii=False)})
    writer.close()


def gather(site: Site, options: Options, profile: Profile, out: Path,
           previous: Path | None) -> tuple[Path, str | None]:
    """Stage 1 into a clean run directory: the crawl (incremental against `previous`, the last complete
    run's snapshot, when there is one), then the week of availability probes copied into its snapshot.
    Returns the snapshot and the crawl's problem, if any."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").unlink(missing_ok=True)  # a stale result must not pose as this run's
    snapshot = out / "snapshot.sqlite"
    for stale in (snapshot, out / "crawl.log", out / ARCHIVE):
        stale.unlink(missing_ok=True)
    problem = crawl(site, options, profile, snapshot, out / "crawl.log", previous)
    if not snapshot.exists():  # the crawler died before writing anything: audit an empty snapshot
        create_snapshot(snapshot).close()
    copy_availability_probes(site, snapshot, options, profile, out / "crawl.log")
    if options.after_crawl is not None:
        options.after_crawl(site, snapshot)
    return snapshot, problem


def classify(site: Site, out: Path, result: dict) -> tuple[str, str | None]:
    """A finished assessment's outcome: did we actually examine the site?"""
    problem = result["crawl"].get("problem")
    if problem == TIME_LIMIT_PROBLEM:
        return TIMEOUT, problem
    snapshot = Snapshot(out / "snapshot.sqlite")
    try:
        home = snapshot.outcome(site.url)
    finally:
        snapshot.close()
    if not home.fetched:
        return UNREACHABLE, f"{home.error or 'no answer'}: {home.message}".rstrip(": ")
    if result["score"]["grade"] == UNASSESSABLE_GRADE:
        reachable = next((f for f in result["findings"] if f["check"] == HOME_CHECK), {})
        return UNASSESSABLE, reachable.get("message") or f"home page not readable (HTTP {home.status})"
    if problem:
        return ERROR, problem
    return OK, None


def assess(site: Site, options: Options, history: History | None = None, night: str | None = None,
           stopping: Callable[[], bool] = lambda: False) -> tuple[Path, dict]:
    """One assessment, recorded in `history` (opened from options.var when not given): `running`
    before the crawl, then its outcome and findings before rendering. A run that raises is recorded
    as an error (interrupted on Ctrl-C, or when `stopping()` says the operator stopped it). When
    the history database is unavailable the files are still written and HistoryDeferred is raised
    (govscan/runs.py records the run later)."""
    run_id = options.run_id or new_run_id()
    out = Path(options.out) if options.out else Path(options.var) / "runs" / site.id / run_id
    ledger = RunLedger(site, run_id, out, Path(options.var), night, history)
    ledger.start()

    def record(result: dict) -> dict | None:
        outcome, error = classify(site, out, result)
        if stopping():
            outcome, error = INTERRUPTED, "stopped by the operator (Ctrl-C); run again at the next start"
        return ledger.finish(outcome, result, error)

    try:
        profile = load_rulebook_profile(options)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        previous = previous_snapshot(ledger.history if ledger.recorded_start else None, site, out)
        snapshot, problem = gather(site, options, profile, out, previous)
        result = audit_and_report(site, snapshot, out, options, profile,
                                  {"id": run_id, "started_at": started, "crawl_problem": problem}, record,
                                  ledger.reviews())
    except BaseException as exc:
        # also after `record`: a run without result.json must not stand in history as complete
        outcome = INTERRUPTED if isinstance(exc, KeyboardInterrupt) or stopping() else ERROR
        ledger.finish(outcome, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        ledger.close()
    if ledger.problem:
        raise HistoryDeferred(out, result, f"{ledger.problem}; the assessment is in {out.resolve()}, "
                                           "its run is recorded by the next run")
    return out, result


def rescore(run_dir: Path, options: Options) -> dict:
    """Audit, score and render a saved run again (new checks, another profile) without crawling.

    The assessment date stays the run's own date, so deadlines are judged as of the crawl.
    """
    run_dir = Path(run_dir)
    snapshot = run_dir / "snapshot.sqlite"
    if not snapshot.exists():
        raise FileNotFoundError(f"{run_dir}: no snapshot.sqlite (not a govscan run directory?)")
    previous_path = run_dir / "result.json"
    if previous_path.exists():
        previous = json.loads(previous_path.read_text(encoding="utf-8"))
        site = Site(**previous["site"])
        run_meta = {"id": previous["run"]["id"], "started_at": previous["run"]["started_at"],
                    "crawl_problem": previous.get("crawl", {}).get("problem"),
                    # the run's place in history is what it was; under another model it does not compare
                    "history": previous.get("history") if previous["run"]["profile"] == options.profile else None}
    else:  # the run was interrupted before it wrote a result: rebuild what the snapshot knows
        snap = Snapshot(snapshot)
        meta = dict(snap.meta)
        snap.close()
        site = Site(id=meta.get("site") or "site", name=meta.get("site") or "site", url=meta["start_url"])
        run_meta = {"id": run_dir.name, "started_at": meta.get("started_at", ""), "crawl_problem": None}
    options.screenshots = False  # the pages have moved on since the crawl; keep the run's own pictures
    if options.today is None and run_meta["started_at"]:
        options.today = datetime.fromisoformat(run_meta["started_at"]).astimezone(BEIJING).date()
    profile = load_rulebook_profile(options)
    history = History.open(Path(options.var))  # the assessors' reviews hold for a rescore too
    try:
        return audit_and_report(site, snapshot, run_dir, options, profile, run_meta,
                                review=review_hook(history, site.id, run_meta["id"]))
    finally:
        history.close()


def summary_line(out: Path, result: dict) -> str:
    total = result["score"]["total"]
    counts = {s.value: sum(1 for f in result["findings"] if f["status"] == s.value) for s in Status}
    parts = [f"{k} {v}" for k, v in counts.items() if v]
    total_text = "—" if total is None else f"{total:.1f}"
    return (f"{result['site']['name']}: {total_text} 分，{result['score']['grade']}（{', '.join(parts)}）\n"
            f"scorecard: {(out / 'scorecard.html').resolve()}")
