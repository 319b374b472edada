"""Distributed nights on a real redis-server, PostgreSQL, Celery workers and SMTP server, over
generated portals on loopback: what the issue promises when machines and brokers fail."""

from __future__ import annotations

import os
import signal
import time

import redis

from demo.province import PortalServer, site_entry
from govscan.history import History
from tests.conftest import govscan


def wait_for(condition, timeout: float = 60, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s: {condition.__doc__ or condition}")


def mail_by_recipient(mailbox) -> dict[str, int]:
    counts = {}
    for recipients, _message in mailbox.messages:
        for address in recipients:
            counts[address] = counts.get(address, 0) + 1
    return counts


def test_a_worker_killed_mid_site_is_replaced_and_its_site_recorded_and_mailed_once(cluster):
    slow_server = PortalServer(["slow"], pages=10, latency_s=0.6)
    quick_server = PortalServer(["q1", "q2"], pages=4)
    with slow_server, quick_server:
        sites = {"slow": site_entry("slow", slow_server.url("slow"), max_duration_s=10, timeout_s=3),
                 "q1": site_entry("q1", quick_server.url("q1")), "q2": site_entry("q2", quick_server.url("q2"))}
        for site_id, entry in sites.items():
            entry["recipients"] = [f"{site_id}@office.example.gov.cn"]
        targets = cluster.targets(sites)
        cluster.start_worker()
        cluster.start_worker()
        night = cluster.nightly(targets)
        history = History(cluster.env["GOVSCAN_DB_URL"])
        broker = redis.Redis.from_url(cluster.broker)

        def slow_site_holder():
            """a worker holds the slow site's lease"""
            keys = broker.keys("govscan:site:*:slow")
            return keys and broker.get(keys[0])

        holder = wait_for(slow_site_holder, 90).decode()
        wait_for(lambda: slow_server.requests >= 3)  # in the middle of the crawl
        os.killpg(os.getpgid(int(holder.split(":")[1])), signal.SIGKILL)  # the machine dies: worker, pool, crawler

        out, err = night.communicate(timeout=150)
        assert night.returncode == 0, err
        assert "3 sites, 3 completed, 0 failed" in out
        runs = history.runs(site_id="slow")
        assert [run.outcome for run in runs] == ["interrupted", "ok"]  # recorded once, the dead one marked
        assert [run.outcome for run in history.runs(site_id="q1")] == ["ok"]
        assert mail_by_recipient(cluster.mailbox) == {f"{s}@office.example.gov.cn": 1 for s in sites}

        # the same night again: every task finds its site done; nothing assessed or mailed twice
        again = cluster.nightly(targets)
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        assert len(history.runs()) == 4 and len(cluster.mailbox.messages) == 3
        history.close()


def test_a_broker_restart_loses_no_site_and_a_second_coordinator_exits_75(cluster, redis_server):
    server = PortalServer([f"s{n}" for n in range(3)], pages=6, latency_s=0.3)
    with server:
        targets = cluster.targets({f"s{n}": site_entry(f"s{n}", server.url(f"s{n}")) for n in range(3)})
        cluster.start_worker()
        night = cluster.nightly(targets)
        history = History(cluster.env["GOVSCAN_DB_URL"])
        wait_for(lambda: any(run.outcome == "running" for run in history.runs()), 90)

        second = cluster.nightly(targets)  # the same night from another machine: the first one has it
        _out, err = second.communicate(timeout=60)
        assert second.returncode == 75 and "another nightly run holds the cluster lock" in err

        redis_server.stop()  # mid-night: two sites still queued, one being assessed
        time.sleep(1)
        redis_server.start()
        out, err = night.communicate(timeout=150)
        assert night.returncode == 0, err
        assert "3 sites, 3 completed, 0 failed" in out
        assert sorted((run.site_id, run.outcome) for run in history.runs()) == [("s0", "ok"), ("s1", "ok"), ("s2", "ok")]
        history.close()


def test_per_host_concurrency_holds_across_workers(cluster):
    shared_host = PortalServer(["a", "b"], pages=12, latency_s=0.25)
    with shared_host:
        targets = cluster.targets({name: site_entry(name, shared_host.url(name), concurrency_per_host=2)
                                   for name in ("a", "b")})
        cluster.start_worker()
        cluster.start_worker()
        night = cluster.nightly(targets)
        out, err = night.communicate(timeout=150)
        assert night.returncode == 0, err
        history = History(cluster.env["GOVSCAN_DB_URL"])
        a, b = (history.runs(site_id=name)[0] for name in ("a", "b"))
        history.close()
        assert a.started_at < b.finished_at and b.started_at < a.finished_at  # the two crawls overlapped
        assert shared_host.requests >= 26  # both portals were crawled through
        assert shared_host.max_active == 2  # never more than the host's two from both workers together


def test_distributed_mode_refuses_a_sqlite_history(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSCAN_")}
    env["GOVSCAN_DB_URL"] = f"sqlite:///{tmp_path / 'govscan.db'}"
    for command in (["nightly", "--targets", "targets.yaml"], ["worker"]):
        done = govscan(*command, "--broker", "redis://127.0.0.1:9/0", env=env, timeout=60)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            "govscan: GOVSCAN_DB_URL: a distributed night needs the shared PostgreSQL history "
            "(postgresql+psycopg://USER@HOST/DB), not SQLite"]


def test_ipv6_probes_run_only_on_a_worker_that_declares_ipv6(cluster):
    """The demo portal answers over ::1 too. A v4-only worker crawls; the `ipv6` worker probes."""
    import json

    import demo

    with demo.running() as portal:
        entry = {"name": demo.SITE_NAME, "url": portal.url, "nameserver": portal.nameserver,
                 "crawl": {"max_pages": 30, "render": False, "max_duration_s": 60}}
        targets = cluster.targets({"measured": entry, "unmeasured": entry})
        cluster.start_worker("crawl,mail")
        ipv6_worker = cluster.start_worker("ipv6")
        night = cluster.nightly(targets, "--sites", "measured")
        out, err = night.communicate(timeout=150)
        assert night.returncode == 0, err

        os.killpg(ipv6_worker.pid, signal.SIGKILL)  # nobody serves the ipv6 queue any more
        night = cluster.nightly(targets, "--sites", "unmeasured")
        out, err = night.communicate(timeout=150)
        assert night.returncode == 0, err  # IPv6 not measured is never the site's failure

    def ipv6_statuses(site_id):
        history = History(cluster.env["GOVSCAN_DB_URL"])
        run = history.runs(site_id=site_id)[-1]
        history.close()
        result = json.loads((cluster.var / "runs" / site_id / run.id / "result.json").read_text(encoding="utf-8"))
        return {f["check"]: f["status"] for f in result["findings"] if f["check"].startswith("ipv6.")}

    assert ipv6_statuses("measured")["ipv6.home_reachable"] == "pass"  # measured over ::1 by the ipv6 worker
    assert set(ipv6_statuses("unmeasured").values()) == {"unverifiable"}
    crawl_log = (cluster.tmp / "worker-0.log").read_text()
    assert "measured: " in crawl_log and "IPv6 probe rows from the ipv6 queue" in crawl_log
    assert "IPv6 probes" in (cluster.tmp / "worker-1.log").read_text()


class FirstAnswerLate(PortalServer):
    """The first request waits 14 s (a server waking up), the rest answer at once."""

    late = True

    def page(self, path):
        if self.late:
            self.late = False
            time.sleep(14)
        return super().page(path)


def test_a_site_that_times_out_gets_a_second_pass_with_a_longer_limit(cluster):
    with FirstAnswerLate(["slow"], pages=3) as server:
        # the crawl is stopped at 10 + 2 s the first time; the second pass allows 20 + 2 s
        targets = cluster.targets({"slow": site_entry("slow", server.url("slow"), max_duration_s=10, timeout_s=30)})
        cluster.start_worker()
        night = cluster.nightly(targets)
        out, err = night.communicate(timeout=150)
    assert night.returncode == 0, err
    assert "slow: timed out; second pass with 20 s" in err and "1 sites, 1 completed, 0 failed" in out
    history = History(cluster.env["GOVSCAN_DB_URL"])
    assert [run.outcome for run in history.runs(site_id="slow")] == ["timeout", "ok"]
    history.close()
