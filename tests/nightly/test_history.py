"""History store against SQLite and a real PostgreSQL: change-only findings, what changed, no lost history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from govscan.config import Site
from govscan.history import INTERRUPTED, OK, RUNNING, UNREACHABLE, History

SITE = Site(id="jinping", name="汕头市金平区人民政府", url="http://www.gdjinping.gov.cn/", level="district")


def result(run_id: str, statuses: dict[str, str], total: float | None = 70.0, values: dict | None = None) -> dict:
    values = values or {}
    return {
        "run": {"id": run_id, "profile": "default"},
        "crawl": {"pages": 12},
        "score": {"total": total, "grade": "合格", "vetoes": [],
                  "modules": [{"id": "A", "title": "平台", "points": 10, "score": 7, "checks": ["x"]}]},
        "findings": [{"check": check, "status": status, "title": f"标题{check}", "message": f"{check} 是 {status}",
                      "value": values.get(check, "")} for check, status in statuses.items()],
    }


def record(history: History, run_id: str, statuses: dict, outcome: str = OK, night=None, **kwargs) -> None:
    history.start_run(SITE, run_id, Path("/runs") / run_id, night=night)
    history.finish_run(run_id, outcome, result(run_id, statuses, **kwargs))


@pytest.fixture
def history(db_url):
    store = History(db_url)
    yield store
    store.close()


def test_findings_are_stored_change_only_and_each_run_reads_back_its_own(history):
    record(history, "r1", {"a": "fail", "b": "pass", "c": "warn"}, values={"c": "3"})
    record(history, "r2", {"a": "fail", "b": "pass", "c": "warn"}, values={"c": "3"})
    record(history, "r3", {"a": "pass", "b": "pass", "c": "warn"}, values={"c": "5"})
    with history.engine.connect() as db:
        rows = db.execute(text('SELECT "check", status, value, first_seq, last_seq FROM findings')).all()
    # a and c changed once (status, measured value), b never: 5 rows for 9 findings
    assert len(rows) == 5
    seqs = {run.id: run.seq for run in history.runs(SITE.id)}
    assert {(r[0], r[1], r[3], r[4]) for r in rows if r[0] == "b"} == {("b", "pass", seqs["r1"], seqs["r3"])}
    assert {c: f.status for c, f in history.findings("r2").items()} == {"a": "fail", "b": "pass", "c": "warn"}
    assert {c: (f.status, f.value) for c, f in history.findings("r3").items()} == \
        {"a": ("pass", ""), "b": ("pass", ""), "c": ("warn", "5")}
    first = history.findings("r3")["b"]
    assert first.first_seen < first.last_confirmed


def test_what_changed_against_the_previous_complete_run(history):
    record(history, "r1", {"a": "fail", "b": "pass", "c": "warn", "d": "fail"}, total=60.0)
    history.start_run(SITE, "down", Path("/runs/down"))
    history.finish_run("down", UNREACHABLE, result("down", {"a": "unverifiable"}, total=None), error="dns: NXDOMAIN")
    record(history, "r2", {"a": "pass", "b": "fail", "c": "warn", "d": "unverifiable"}, total=65.5)
    changes = history.changes("r2")
    assert changes.previous_run == "r1"  # the unreachable run in between is not compared with
    assert changes.total_delta == 5.5
    assert [c["check"] for c in changes.new_failures] == ["b"]
    assert changes.new_failures[0]["before"] == "pass" and changes.new_failures[0]["title"] == "标题b"
    assert [c["check"] for c in changes.fixed] == ["a"]  # d became unverifiable: not "fixed"
    assert changes.still_failing == 1
    assert history.changes("r1").previous_run is None
    down = history.run("down")
    assert (down.outcome, down.error, down.total) == (UNREACHABLE, "dns: NXDOMAIN", None)
    assert "down" not in {f.check for f in history.findings("r2").values()}


def test_a_check_missing_from_a_run_starts_a_new_stretch(history):
    record(history, "r1", {"a": "fail", "b": "pass"})
    record(history, "r2", {"b": "pass"})
    record(history, "r3", {"a": "fail", "b": "pass"})
    assert "a" not in history.findings("r2")
    assert history.findings("r3")["a"].first_seq == history.run("r3").seq


def test_runs_and_claims_belong_to_their_process_and_deliveries(history, db_url):
    other = History(db_url)  # another process, as far as leases go
    other.start_run(SITE, "theirs", Path("/runs/theirs"), night="2026-11-24")
    history.start_run(SITE, "mine", Path("/runs/mine"))
    assert other.claim("assess:2026-11-24:jinping") and not history.claim("assess:2026-11-24:jinping")
    assert history.orphaned_runs() == [] and other.orphaned_runs() == []  # both processes are alive
    assert not history.finish_run("theirs", INTERRUPTED)  # not ours to close while its process lives
    other.close()  # the process is gone: its runs and claims are orphaned
    [orphan] = history.orphaned_runs()
    assert orphan.id == "theirs" and history.run("mine").outcome == RUNNING
    assert history.adopt(orphan) and not history.adopt(orphan)  # one process settles it, once
    assert history.finish_run("theirs", INTERRUPTED) and history.run("theirs").outcome == INTERRUPTED
    assert history.claim("assess:2026-11-24:jinping")  # taken over from the process that is gone
    assert not history.delivered("office:r1")
    history.record_delivery("office:r1", "r1", ["a@example.org"], "failed", 4, "SMTPServerDisconnected")
    assert not history.delivered("office:r1")
    history.record_delivery("office:r1", "r1", ["a@example.org"], "sent", 1)
    assert history.delivered("office:r1")
    assert [(d.status, d.attempts) for d in history.deliveries("office:r1")] == [("failed", 4), ("sent", 1)]


def test_a_failed_write_leaves_history_as_it_was(history):
    record(history, "r1", {"a": "fail"})
    history.start_run(SITE, "r2", Path("/runs/r2"))
    broken = result("r2", {"a": "pass"})
    broken["findings"].append({"check": "b"})  # malformed: fails midway through the transaction
    with pytest.raises(KeyError):
        history.finish_run("r2", OK, broken)
    assert history.run("r2").outcome == RUNNING and history.run("r2").total is None
    assert set(history.findings("r1")) == {"a"} and history.findings("r1")["a"].last_seq == history.run("r1").seq


def test_upgrade_adds_tables_and_columns_without_losing_history(db_url):
    engine = create_engine(db_url)
    with engine.begin() as db:  # an older schema: fewer columns, no deliveries table
        db.execute(text("CREATE TABLE sites (id VARCHAR(100) PRIMARY KEY, name VARCHAR(200), url VARCHAR(500), "
                        "level VARCHAR(20))"))
        db.execute(text("INSERT INTO sites VALUES ('old', '旧站点', 'http://old.example/', 'city')"))
    engine.dispose()
    history = History(db_url)
    try:
        with history.engine.connect() as db:
            assert db.execute(text("SELECT name, parent FROM sites")).all() == [("旧站点", None)]
        history.record_delivery("digest:2026-11-25", None, ["boss@example.org"], "sent", 1)
        History(db_url).close()  # opening again changes nothing
        assert history.delivered("digest:2026-11-25")
    finally:
        history.close()


def revision(engine) -> str | None:
    with engine.connect() as db:
        return db.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_a_new_database_is_created_by_the_migrations(db_url):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    history = History(db_url)
    try:
        config = Config()
        config.set_main_option("script_location", "govscan:migrations")
        assert revision(history.engine) == ScriptDirectory.from_config(config).get_current_head()
        assert {"sites", "runs", "findings", "deliveries", "probes"} <= set(inspect(history.engine).get_table_names())
        record(history, "r1", {"a": "fail"})
        History(db_url).close()  # opening a database at head again changes nothing
        assert set(history.findings("r1")) == {"a"}
    finally:
        history.close()


def test_a_database_from_before_migrations_is_adopted_with_its_rows(db_url):
    """What `ensure_schema` (no Alembic) left behind: every table, rows in them, no alembic_version."""
    from govscan.history import Base

    engine = create_engine(db_url)
    # the tables of those days only: later revisions add tables the models now also know
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[name] for name in
                                             ("sites", "runs", "findings", "deliveries", "probes")])
    engine.dispose()
    before = History(db_url, upgrade=False)  # the store's own writes, without its migration step
    record(before, "r1", {"a": "fail", "b": "pass"})
    record(before, "r2", {"a": "pass", "b": "pass"})
    before.record_delivery("office:r2", "r2", ["a@example.org"], "sent", 1)
    before.record_probe(SITE, {"url": SITE.url, "ok": True, "status": 200, "elapsed_ms": 80})
    before.close()
    assert "alembic_version" not in inspect(create_engine(db_url)).get_table_names()

    history = History(db_url)
    try:
        assert revision(history.engine) is not None
        assert [run.id for run in history.runs(SITE.id)] == ["r1", "r2"]
        assert [c["check"] for c in history.changes("r2").fixed] == ["a"]
        assert history.delivered("office:r2") and len(history.probes(SITE.id, history.run("r1").started_at)) == 1
        record(history, "r3", {"a": "pass", "b": "pass"})  # and it goes on from there, change-only
        assert history.findings("r3")["b"].first_seq == history.run("r1").seq
    finally:
        history.close()


def test_processes_opening_a_new_database_at_once_migrate_it_once(db_url):
    """The nightly and the hourly probe may start together on a fresh machine."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = "import sys; from govscan.history import History; History(sys.argv[1]).close()"
    processes = [subprocess.Popen([sys.executable, "-c", code, db_url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    errors = [process.communicate(timeout=60)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 4, errors
    engine = create_engine(db_url)
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def test_a_complete_run_that_then_fails_leaves_no_trace_in_the_findings(history):
    record(history, "r1", {"a": "fail", "b": "pass"})
    record(history, "r2", {"a": "pass", "b": "pass"})
    history.finish_run("r2", "error", error="OSError: disk full")  # its scorecard could not be written
    with history.engine.connect() as db:
        assert db.execute(text('SELECT "check", status FROM findings ORDER BY "check"')).all() == [("a", "fail"),
                                                                                                ("b", "pass")]
    record(history, "r3", {"a": "fail", "b": "pass"})
    assert history.changes("r3").previous_run == "r1" and history.changes("r3").new_failures == []
    assert {check: row.first_seq for check, row in history.findings("r3").items()} == \
        {"a": history.run("r1").seq, "b": history.run("r1").seq}


def test_threads_claiming_at_once_register_their_process_once(db_url):
    """Nightly's site threads make their first claims together; the process's owner row is written
    once, not by each of them (the second insert failed the whole night before any summary)."""
    import threading

    for _ in range(5):  # each round is a fresh History whose owner row nobody has written yet
        store = History(db_url)
        start, errors = threading.Barrier(4), []

        def claim(n: int) -> None:
            start.wait()
            try:
                assert store.claim(f"assess:2026-11-24:site{n}")
            except Exception as exc:  # noqa: BLE001 -- any failure here is the finding
                errors.append(repr(exc))

        threads = [threading.Thread(target=claim, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        store.close()
        assert errors == []
