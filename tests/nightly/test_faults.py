"""Nightly faults (issue 14): a digest that alone fails to send, a second nightly on the same history
database, a nightly or an assessment killed outright, a history database locked by another process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from govscan.history import History
from tests.conftest import ROOT, govscan
from tests.nightly.test_nightly import (GRACE, HANG_BUDGET, env_with, local_site, office_mail,  # noqa: F401
                                        write_targets)


def test_a_digest_that_alone_fails_fails_the_night_and_can_be_sent_again(local_site, smtp_server, tmp_path):
    mailbox, smtp_env = smtp_server
    mailbox.refused.add("chief@example.org")
    var = tmp_path / "var"
    targets = write_targets(tmp_path, {"street": {"name": "某某街道办事处", "url": local_site,
                                                  "recipients": ["street@example.org"]}})
    env = env_with(smtp_env, GOVSCAN_MAIL_SUPERVISOR="chief@example.org")
    args = ["nightly", "--targets", targets, "--var", var, "--no-render"]
    night = govscan(*args, env=env, timeout=300)
    assert night.returncode == 1, night.stderr
    assert "1 sites, 1 completed, 0 failed; mail: 1 sent, 1 failed (digest: failed)" in night.stdout
    assert set(office_mail(mailbox)) == {("street@example.org",)}

    history = History.open(var)
    [run] = history.runs()
    history.close()
    mailbox.refused.clear()
    again = govscan("mail", "--digest", run.night, "--targets", targets, "--var", var, env=env)
    assert again.returncode == 0 and "mail sent" in again.stdout, again.stderr
    [digest] = office_mail(mailbox)[("chief@example.org",)]
    assert run.night in digest["Subject"] and "某某街道办事处" in digest.get_body(("plain",)).get_content()

    settled = govscan(*args, env=env, timeout=120)  # the same night: nothing assessed or mailed again
    assert settled.returncode == 0 and "(digest: sent)" in settled.stdout, settled.stderr
    assert len(mailbox.messages) == 2
    nothing = govscan("mail", "--digest", "2020-01-01", "--targets", targets, "--var", var, env=env)
    assert nothing.returncode == 2 and "no nightly runs" in nothing.stderr


LOCKER = ("import sqlite3, sys\n"
          "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
          "db.execute('BEGIN EXCLUSIVE')\n"
          "print('locked', flush=True)\n"
          "sys.stdin.readline()\n")


@contextmanager
def locked(database):
    """Another process holding the SQLite database with BEGIN EXCLUSIVE until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", LOCKER, str(database)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def one_line_75(result, *words):
    assert result.returncode == 75, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def assess(url, var, out, env, *more):
    return govscan("assess", "--url", url, "--var", var, "--out", out, "--no-render", *more, env=env, timeout=300)


def test_a_history_database_locked_throughout_costs_nothing_but_time(local_site, tmp_path):
    var, env = tmp_path / "var", env_with({}, GOVSCAN_DB_WAIT_S="1")
    assert assess(local_site, var, tmp_path / "one", env).returncode == 0
    targets = write_targets(tmp_path, {"street": {"name": "某某街道办事处", "url": local_site}})
    with locked(var / "govscan.db"):
        second = assess(local_site, var, tmp_path / "two", env)
        one_line_75(second, "govscan.db", "locked", "recorded by the next run")
        assert (tmp_path / "two" / "scorecard.html").exists() and "scorecard:" in second.stdout
        one_line_75(govscan("index", "--targets", targets, "--var", var, env=env), "locked")
    third = assess(local_site, var, tmp_path / "three", env)
    assert third.returncode == 0, third.stderr
    ids = [json.loads((tmp_path / name / "result.json").read_text(encoding="utf-8"))["run"]["id"]
           for name in ("one", "two", "three")]
    history = History.open(var)
    try:
        assert [(run.id, run.outcome) for run in history.runs()] == [(ids[0], "ok"), (ids[1], "ok"), (ids[2], "ok")]
        assert history.changes(ids[2]).previous_run == ids[1] and len(history.findings(ids[1])) > 5
    finally:
        history.close()
    assert not list((var / "pending").glob("*.json"))


def test_a_history_database_locked_mid_run_is_settled_by_the_next_run(local_site, tmp_path):
    var, env = tmp_path / "var", env_with({}, GOVSCAN_DB_WAIT_S="1")
    out = tmp_path / "one"
    process = subprocess.Popen([sys.executable, "-m", "govscan", "assess", "--url", local_site, "--var", str(var),
                                "--out", str(out), "--no-render"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    wait_for(lambda: (out / "crawl-job.json").exists())  # recorded `running`, now crawling
    with locked(var / "govscan.db"):
        stdout, stderr = process.communicate(timeout=300)
        one_line_75(subprocess.CompletedProcess([], process.returncode, stdout, stderr), "locked")
    history = History.open(var)
    [run] = history.runs()
    assert run.outcome == "running"  # its process is gone: the next run of the site settles it
    history.close()
    assert assess(local_site, var, tmp_path / "two", env).returncode == 0
    history = History.open(var)
    try:
        assert [r.outcome for r in history.runs()] == ["ok", "ok"] and len(history.findings(run.id)) > 5
    finally:
        history.close()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] == "Z"
    except OSError:
        return True


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def test_an_assessment_killed_outright_takes_its_crawler_and_is_settled_next_time(local_site, hanging_server,
                                                                                  tmp_path):
    var, env = tmp_path / "var", env_with({})
    targets = write_targets(tmp_path, {"street": {"name": "某某街道办事处", "url": hanging_server}})
    process = subprocess.Popen([sys.executable, "-m", "govscan", "assess", "street", "--targets", str(targets),
                                "--var", str(var), "--no-render"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: children(process.pid))
    [crawler] = children(process.pid)
    process.kill()  # the govscan process only, as `kill -9 PID` does
    process.wait()
    wait_for(lambda: gone(crawler), timeout=10)

    write_targets(tmp_path, {"street": {"name": "某某街道办事处", "url": local_site}})  # the site is back
    again = govscan("assess", "street", "--targets", targets, "--var", var, "--no-render", env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    history = History.open(var)
    try:
        assert [run.outcome for run in history.runs()] == ["interrupted", "ok"]
        assert "stopped before it finished" in history.runs()[0].error
    finally:
        history.close()


def test_two_nightlies_on_one_database_never_run_or_mail_a_site_twice(local_site, hanging_server, smtp_server,
                                                                       tmp_path):
    mailbox, smtp_env = smtp_server
    targets = write_targets(tmp_path, {
        "street": {"name": "某某街道办事处", "url": local_site, "recipients": ["street@example.org"]},
        # long enough for the second nightly to start while the first one is crawling it
        "stuck": {"name": "卡死站点", "url": hanging_server, "recipients": ["stuck@example.org"],
                  "crawl": dict(HANG_BUDGET, max_duration_s=25)},
    })
    env = env_with(smtp_env, GOVSCAN_MAIL_SUPERVISOR="chief@example.org",
                   GOVSCAN_DB_URL=f"sqlite:///{tmp_path / 'shared.db'}")
    command = [sys.executable, "-m", "govscan", "nightly", "--targets", str(targets), "--no-render",
               "--crawl-grace", GRACE]
    first = subprocess.Popen(command + ["--var", str(tmp_path / "a"), "--jobs", "1"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: (tmp_path / "a" / "runs" / "stuck").exists())
    second = subprocess.run(command + ["--var", str(tmp_path / "b"), "--jobs", "2"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    first_out, first_err = first.communicate(timeout=300)
    assert first.returncode == 1 and second.returncode == 1, first_err + second.stderr  # stuck timed out
    assert "Traceback" not in first_err + second.stderr
    history = History(env["GOVSCAN_DB_URL"])
    try:
        runs = history.runs()
        assert sorted((run.site_id, run.outcome) for run in runs) == [("street", "ok"), ("stuck", "timeout")]
        assert "assessed tonight by another process" in first_err + second.stderr
    finally:
        history.close()
    mail = office_mail(mailbox)
    assert {to: len(messages) for to, messages in mail.items()} == {("street@example.org",): 1,
                                                                     ("chief@example.org",): 1}
