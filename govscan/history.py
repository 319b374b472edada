"""History: every run of every site, findings stored change-only, mail deliveries.

SQLite at <var>/govscan.db by default, PostgreSQL (or any SQLAlchemy URL) via GOVSCAN_DB_URL.
History is never lost: the schema changes only through the Alembic revisions in
govscan/migrations/ (upgrades only, applied when the database is opened; the baseline adopts a
database from before migrations existed), and each write is one transaction.

A finding row covers a stretch of consecutive complete runs of one site in which a check kept
the same status and measured value: `first_seen`/`first_seq` when it started, `last_confirmed`/
`last_seq` the latest run that saw it unchanged. A run's findings are the rows whose stretch
contains its `seq`.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, create_engine, event,
                        select, text, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from checks.model import BEIJING
from reports.statuses import NEEDS_ACTION, RESOLVED

# Outcomes of a run. Only `ok` runs carry findings and are compared with each other.
# `unassessable`: the home page answered but could not be read as a page (a file, an error status).
OK, UNREACHABLE, UNASSESSABLE, TIMEOUT, ERROR = "ok", "unreachable", "unassessable", "timeout", "error"
RUNNING, INTERRUPTED = "running", "interrupted"
FINISHED = (OK, UNREACHABLE, UNASSESSABLE, TIMEOUT, ERROR)
# What a run's outcome is called for a clerk (nightly summary and digest, night index, workbench).
OUTCOME_LABELS = {OK: "完成", UNREACHABLE: "无法访问", UNASSESSABLE: "无法评估", TIMEOUT: "超时", ERROR: "出错",
                  RUNNING: "进行中", INTERRUPTED: "已中断"}
TREND_RUNS = 366  # a year of nightly runs in a scorecard's trend


# How long a write waits for another process's lock (SQLite) before the database counts as
# unavailable; how long a process's lease lasts without a heartbeat before its runs count as orphaned.
DB_WAIT_S = float(os.environ.get("GOVSCAN_DB_WAIT_S") or 60)
LEASE_S = float(os.environ.get("GOVSCAN_LEASE_S") or 300)
HOST = socket.gethostname()


class HistoryUnavailable(Exception):
    """The history database could not be used (locked longer than the wait, unreachable): one line."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is dead all the same
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


class Base(DeclarativeBase):
    pass


class SiteRow(Base):
    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    level: Mapped[str] = mapped_column(String(20))
    parent: Mapped[str | None] = mapped_column(String(100))


class RunRow(Base):
    __tablename__ = "runs"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    night: Mapped[str | None] = mapped_column(String(10), index=True)  # Asia/Shanghai date of a nightly
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    profile: Mapped[str | None] = mapped_column(String(50))
    total: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(20))
    vetoes: Mapped[list | None] = mapped_column(JSON)
    modules: Mapped[list | None] = mapped_column(JSON)  # [{id, title, points, score}] for trends
    pages: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(String(1000))  # the run directory
    owner: Mapped[str | None] = mapped_column(String(120))  # the process running it (owners.id)


class OwnerRow(Base):
    """A govscan process that runs assessments: its lease lasts while it beats (LEASE_S)."""

    __tablename__ = "owners"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid:token
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ClaimRow(Base):
    """Something only one process may do ("assess:<night>:<site>", "office:<run>", a digest)."""

    __tablename__ = "claims"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    check: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_confirmed: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    first_seq: Mapped[int] = mapped_column(Integer, index=True)
    last_seq: Mapped[int] = mapped_column(Integer, index=True)


class DeliveryRow(Base):
    """One e-mail: `key` is what it delivers ("office:<run id>", "digest:<night>")."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    run_id: Mapped[str | None] = mapped_column(String(64))
    recipients: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # sent / failed
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProbeRow(Base):
    """One availability probe of a home page (`govscan probe`, hourly): V-AVAIL is judged on 7 days."""

    __tablename__ = "probes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    url: Mapped[str] = mapped_column(String(500))
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


@dataclass
class Changes:
    """What changed in a run against the previous complete run of the same site."""

    previous_run: str | None = None
    previous_total: float | None = None
    total_delta: float | None = None
    new_failures: list[dict] = field(default_factory=list)  # {check, title, status, message, before}
    fixed: list[dict] = field(default_factory=list)
    still_failing: int = 0


def utc(moment: datetime) -> datetime:
    """SQLite hands back the stored UTC time without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def trend_point(run: RunRow) -> dict:
    at = utc(run.started_at)
    return {"run": run.id, "at": at.isoformat(timespec="seconds"), "date": at.astimezone(BEIJING).date().isoformat(),
            "total": run.total, "grade": run.grade,
            "modules": {module["id"]: module.get("score") for module in run.modules or []}}


def database_url(var: Path) -> str:
    return os.environ.get("GOVSCAN_DB_URL") or f"sqlite:///{Path(var).resolve() / 'govscan.db'}"


def migrate(engine: Engine) -> None:
    """Bring the database to the newest revision; at most one process migrates at a time."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "govscan:migrations")
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return  # the usual case: no lock, no writes
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(7060)"))  # released at commit
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _migration_lock(engine: Engine):
    """SQLite runs DDL outside transactions: two processes opening a new database (nightly and the
    hourly probe) would both create its tables. A lock file beside it keeps them apart."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class History:
    def __init__(self, url: str, upgrade: bool = True):
        """`upgrade=False` leaves the schema as it is and takes no leases (what older versions
        wrote, for the migration tests)."""
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # SQLite: several worker threads and processes write; wait for the lock rather than fail.
        connect_args = {"timeout": DB_WAIT_S} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, connect_args=connect_args)
        where = self.engine.url.database if self.engine.dialect.name == "sqlite" else \
            self.engine.url.render_as_string(hide_password=True)

        @event.listens_for(self.engine, "handle_error")
        def unavailable(context):
            if isinstance(context.sqlalchemy_exception, OperationalError):
                problem = str(context.original_exception).strip().splitlines()[0]
                waited = f" (waited {DB_WAIT_S:g} s)" if "locked" in problem else ""
                raise HistoryUnavailable(f"history database {where}: {problem}{waited}") from None

        self.owner = f"{HOST}:{os.getpid()}:{secrets.token_hex(4)}"
        self._leased = threading.Event()
        self._leasing = threading.Lock()  # nightly's worker threads share one History
        self._closing = threading.Event()
        self.leases = upgrade
        if upgrade:
            migrate(self.engine)

    @classmethod
    def open(cls, var: Path) -> "History":
        return cls(database_url(var))

    def close(self) -> None:
        self._closing.set()
        if self._leased.is_set():
            try:  # a process that closed its history holds nothing any more
                with self._session() as session, session.begin():
                    session.execute(OwnerRow.__table__.delete().where(OwnerRow.id == self.owner))
            except HistoryUnavailable:
                pass  # its lease simply runs out
        self.engine.dispose()

    # -- leases: which process a run or a claim belongs to -------------------------------------------

    def _lease(self) -> None:
        """Register this process and keep its lease fresh from a daemon thread until close()."""
        if self._leased.is_set() or not self.leases:
            return
        with self._leasing:  # two threads' first runs would both insert the owner row
            if self._leased.is_set():
                return
            with self._session() as session, session.begin():
                session.merge(OwnerRow(id=self.owner, host=HOST, pid=os.getpid(), heartbeat_at=now()))
            self._leased.set()
        threading.Thread(target=self._beat, name="history-heartbeat", daemon=True).start()

    def _beat(self) -> None:
        while not self._closing.wait(LEASE_S / 5):
            try:
                with self._session() as session, session.begin():
                    session.execute(update(OwnerRow).where(OwnerRow.id == self.owner).values(heartbeat_at=now()))
            except HistoryUnavailable:
                pass  # locked for a while: beat again later

    def alive(self, owner: str | None) -> bool:
        """Is the process behind `owner` still there? Gone when its lease ran out, and at once when it
        ran on this machine and its pid is dead."""
        if owner is None:
            return False
        if owner == self.owner:
            return True
        with self._session() as session:
            row = session.get(OwnerRow, owner)
        if row is None or utc(row.heartbeat_at) < now() - timedelta(seconds=LEASE_S):
            return False
        return row.host != HOST or pid_alive(row.pid)

    def claim(self, key: str) -> bool:
        """Make `key` this process's, unless a live process holds it: True when it is ours."""
        self._lease()
        try:
            with self._session() as session, session.begin():
                session.add(ClaimRow(key=key, owner=self.owner, at=now()))
            return True
        except IntegrityError:
            pass
        with self._session() as session:
            holder = session.get(ClaimRow, key).owner
        if self.alive(holder):
            return holder == self.owner
        with self._session() as session, session.begin():  # taken over only if nobody else did first
            taken = session.execute(update(ClaimRow).where(ClaimRow.key == key, ClaimRow.owner == holder)
                                    .values(owner=self.owner, at=now()))
        return taken.rowcount == 1

    def orphaned_runs(self, site_id: str | None = None) -> list[RunRow]:
        """Runs still `running` whose process is gone (killed, or lost its lease)."""
        query = select(RunRow).where(RunRow.outcome == RUNNING)
        if site_id is not None:
            query = query.where(RunRow.site_id == site_id)
        with self._session() as session:
            running = list(session.scalars(query))
        return [run for run in running if not self.alive(run.owner)]

    def adopt(self, run: RunRow) -> bool:
        """Make an orphaned run this process's, to settle it; False when another process was first."""
        self._lease()
        with self._session() as session, session.begin():
            owner = RunRow.owner.is_(None) if run.owner is None else RunRow.owner == run.owner
            taken = session.execute(update(RunRow).where(RunRow.id == run.id, RunRow.outcome == RUNNING, owner)
                                    .values(owner=self.owner))
        return taken.rowcount == 1

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)  # rows stay readable after their transaction

    # -- runs ----------------------------------------------------------------------------------

    def start_run(self, site, run_id: str, path: Path, night: str | None = None,
                  started_at: datetime | None = None) -> None:
        """Record a run as `running`, this process's, before it starts, so a run that dies is never
        mistaken for done (and another process can tell it is orphaned)."""
        self._lease()
        with self._session() as session, session.begin():
            session.merge(SiteRow(id=site.id, name=site.name, url=site.url, level=site.level, parent=site.parent))
            session.flush()  # the site row first: runs refer to it
            session.add(RunRow(id=run_id, site_id=site.id, night=night, started_at=started_at or now(),
                               outcome=RUNNING, path=str(path), owner=self.owner))

    def finish_run(self, run_id: str, outcome: str, result: dict | None = None, error: str | None = None) -> bool:
        """Close a run with its outcome, score and (for `ok` runs) its findings, in one transaction.
        False, and nothing written, when the run is another live process's (it settled this one)."""
        with self._session() as session, session.begin():
            run = session.scalars(select(RunRow).where(RunRow.id == run_id)).one()
            if run.owner not in (None, self.owner) and self.alive(run.owner):
                return False
            if run.outcome == OK and outcome != OK:
                self._forget_findings(session, run)
            run.outcome, run.error, run.finished_at = outcome, error, now()
            if result is not None:
                run.profile = result["run"]["profile"]
                run.total = result["score"]["total"]
                run.grade = result["score"]["grade"]
                run.vetoes = result["score"]["vetoes"]
                run.modules = [{key: m.get(key) for key in ("id", "title", "points", "score")}
                               for m in result["score"]["modules"]]
                run.pages = result["crawl"]["pages"]
            if outcome == OK and result is not None:
                self._record_findings(session, run, result["findings"])
        return True

    def _record_findings(self, session: Session, run: RunRow, findings: list[dict]) -> None:
        previous = self._previous_ok(session, run)
        current = {row.check: row for row in session.scalars(
            select(FindingRow).where(FindingRow.site_id == run.site_id,
                                     FindingRow.last_seq == (previous.seq if previous else -1)))}
        for finding in findings:
            row = current.get(finding["check"])
            if row is not None and row.status == finding["status"] and row.value == finding["value"]:
                row.last_seq, row.last_confirmed, row.message = run.seq, run.started_at, finding["message"]
            else:
                session.add(FindingRow(site_id=run.site_id, check=finding["check"], status=finding["status"],
                                       value=finding["value"], title=finding["title"], message=finding["message"],
                                       first_seen=run.started_at, last_confirmed=run.started_at,
                                       first_seq=run.seq, last_seq=run.seq))

    def _forget_findings(self, session: Session, run: RunRow) -> None:
        """A run recorded complete that then failed (its report could not be written) leaves the
        findings' stretches as they were before it, so the next run is compared with the one before."""
        previous = self._previous_ok(session, run)
        for row in session.scalars(select(FindingRow).where(FindingRow.site_id == run.site_id,
                                                            FindingRow.last_seq == run.seq)):
            if row.first_seq == run.seq:
                session.delete(row)
            else:
                row.last_seq, row.last_confirmed = previous.seq, previous.started_at

    @staticmethod
    def _previous_ok(session: Session, run: RunRow) -> RunRow | None:
        return session.scalars(select(RunRow).where(RunRow.site_id == run.site_id, RunRow.outcome == OK,
                                                    RunRow.seq < run.seq).order_by(RunRow.seq.desc())).first()

    def run(self, run_id: str) -> RunRow | None:
        with self._session() as session:
            return session.scalars(select(RunRow).where(RunRow.id == run_id)).first()

    def runs(self, site_id: str | None = None, night: str | None = None) -> list[RunRow]:
        """Runs oldest first (the trend of a site when given `site_id`)."""
        query = select(RunRow).order_by(RunRow.seq)
        if site_id is not None:
            query = query.where(RunRow.site_id == site_id)
        if night is not None:
            query = query.where(RunRow.night == night)
        with self._session() as session:
            return list(session.scalars(query))

    def findings(self, run_id: str) -> dict[str, FindingRow]:
        with self._session() as session:
            run = session.scalars(select(RunRow).where(RunRow.id == run_id)).one()
            rows = session.scalars(select(FindingRow).where(
                FindingRow.site_id == run.site_id, FindingRow.first_seq <= run.seq, FindingRow.last_seq >= run.seq))
            return {row.check: row for row in rows}

    def changes(self, run_id: str) -> Changes:
        with self._session() as session:
            run = session.scalars(select(RunRow).where(RunRow.id == run_id)).one()
            previous = self._previous_ok(session, run)
        if run.outcome != OK or previous is None:
            return Changes()
        now_rows, before_rows = self.findings(run.id), self.findings(previous.id)
        changes = Changes(previous_run=previous.id, previous_total=previous.total)
        if run.total is not None and previous.total is not None:
            changes.total_delta = round(run.total - previous.total, 1)
        for check, row in sorted(now_rows.items()):
            before = before_rows.get(check)
            was = before.status if before else None
            item = {"check": check, "title": row.title, "status": row.status, "message": row.message, "before": was}
            if row.status in NEEDS_ACTION:
                if was in NEEDS_ACTION:
                    changes.still_failing += 1
                else:
                    changes.new_failures.append(item)
            elif was in NEEDS_ACTION and row.status in RESOLVED:
                changes.fixed.append(item)
        return changes

    def report(self, run_id: str) -> dict:
        """The `history` section of the run's result.json: what changed since the previous complete
        run, and the trend of the site's complete runs (same profile: totals of different models are
        not comparable) up to and including this one, oldest first."""
        changes = self.changes(run_id)  # empty unless this run is complete
        with self._session() as session:
            run = session.scalars(select(RunRow).where(RunRow.id == run_id)).one()
            previous = self._previous_ok(session, run)
            trend = list(session.scalars(
                select(RunRow).where(RunRow.site_id == run.site_id, RunRow.outcome == OK, RunRow.profile == run.profile,
                                     RunRow.seq <= run.seq).order_by(RunRow.seq.desc()).limit(TREND_RUNS)))[::-1]
        return {
            "previous": trend_point(previous) if previous else None,
            "total_delta": changes.total_delta,
            "new_failures": changes.new_failures,
            "fixed": changes.fixed,
            "still_failing": changes.still_failing,
            "trend": [trend_point(row) for row in trend],
        }

    # -- deliveries ----------------------------------------------------------------------------

    # -- availability probes --------------------------------------------------------------------

    def record_probe(self, site, probe: dict) -> None:
        """probe: {url, ok, status, elapsed_ms, error, at (optional datetime)}."""
        with self._session() as session, session.begin():
            session.merge(SiteRow(id=site.id, name=site.name, url=site.url, level=site.level, parent=site.parent))
            session.flush()
            session.add(ProbeRow(site_id=site.id, at=probe.get("at") or now(), url=probe["url"], ok=bool(probe["ok"]),
                                 status=probe.get("status"), elapsed_ms=probe.get("elapsed_ms"), error=probe.get("error")))

    def probes(self, site_id: str, since: datetime) -> list[ProbeRow]:
        with self._session() as session:
            return list(session.scalars(select(ProbeRow).where(ProbeRow.site_id == site_id, ProbeRow.at >= since)
                                        .order_by(ProbeRow.at)))

    def record_delivery(self, key: str, run_id: str | None, recipients: list[str], status: str, attempts: int,
                        error: str | None = None) -> None:
        with self._session() as session, session.begin():
            session.add(DeliveryRow(key=key, run_id=run_id, recipients=", ".join(recipients), status=status,
                                    attempts=attempts, error=error, at=now()))

    def delivered(self, key: str) -> bool:
        with self._session() as session:
            return session.scalars(select(DeliveryRow.id).where(DeliveryRow.key == key,
                                                                DeliveryRow.status == "sent")).first() is not None

    def deliveries(self, key: str | None = None) -> list[DeliveryRow]:
        query = select(DeliveryRow).order_by(DeliveryRow.id)
        if key is not None:
            query = query.where(DeliveryRow.key == key)
        with self._session() as session:
            return list(session.scalars(query))
