"""A simulated province night on loopback: N generated small portals, each its own server whose
pages answer after --latency seconds (a distant provincial server), crawled with the production
politeness (AutoThrottle's delays, `concurrency_per_host` 2) rather than the tests' loopback shortcut.
The same night is assessed by the embedded `govscan nightly` and by a cluster of 1, 2 and 4 Celery
worker processes (concurrency 1 each) on a real redis-server and PostgreSQL. One table: wall time,
sites/hour, speed-up against one worker, the most sites assessed at once (from the history's run
times: the workers really ran in parallel) and the most requests any one portal served at once
(per-host politeness held).

    python bench/distributed_night.py [--sites 60] [--pages 8] [--latency 0.8] [--workers 1,2,4]

Targets (issue 15): 2 workers ≥ 1.8× one, 4 workers ≥ 3× one (the work waits on the network).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.province import PortalServer, site_entry  # noqa: E402
from govscan.history import History  # noqa: E402
from govscan.nightly import default_jobs  # noqa: E402
from tests.services import RedisServer, new_database, running_postgres  # noqa: E402

TARGETS = {2: 1.8, 4: 3.0}  # speed-up against one worker the issue asks for


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSCAN_")}
    # the portals stand for distant servers: crawl them with the delays a real night uses
    return dict(env, GOVSCAN_LOOPBACK_POLITENESS="1", **extra)


def night(env: dict, targets: Path, var: Path, broker: str | None) -> float:
    command = [sys.executable, "-m", "govscan", "nightly", "--targets", str(targets), "--no-render", "--var", str(var)]
    if broker:
        command += ["--broker", broker]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0 or " 0 failed" not in done.stdout:
        sys.exit(f"nightly failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def most_at_once(db_url: str) -> tuple[int, float]:
    """(the most assessments running at the same moment, their mean duration in s), from history."""
    history = History(db_url)
    try:
        runs = [(run.started_at, run.finished_at) for run in history.runs() if run.finished_at]
    finally:
        history.close()
    events = sorted([(start, 1) for start, _ in runs] + [(end, -1) for _, end in runs])
    running = peak = 0
    for _, step in events:  # an end sorts before a start at the same instant
        running += step
        peak = max(peak, running)
    mean = sum((end - start).total_seconds() for start, end in runs) / max(1, len(runs))
    return peak, mean


def start_workers(count: int, env: dict, broker: str, logs: Path) -> list[subprocess.Popen]:
    workers = []
    # ipv6 declared: the portals are IP literals, so their IPv6 probes are nothing, as in the embedded night
    for n in range(count):
        log = logs / f"worker-{count}-{n}.log"
        workers.append(subprocess.Popen([sys.executable, "-m", "govscan", "worker", "--broker", broker, "--queues", "crawl,ipv6",
                                         "--concurrency", "1"], cwd=ROOT, env=env, stdout=open(log, "wb"),
                                        stderr=subprocess.STDOUT, start_new_session=True))
    for n in range(count):  # timed from the moment every worker is ready, as on a running cluster
        log = logs / f"worker-{count}-{n}.log"
        while b" ready." not in log.read_bytes():
            if workers[n].poll() is not None:
                sys.exit(f"worker {n} of {count} exited ({workers[n].returncode}): see {log}")
            time.sleep(0.2)
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.wait()


def measure(label: str, workers: int | None, servers: list[PortalServer], run_night) -> dict:
    for server in servers:
        server.max_active = 0
    row = {"label": label, "workers": workers}
    row["wall"], db_url = run_night()
    row["at_once"], row["per_site"] = most_at_once(db_url)
    row["per_host"] = max(server.max_active for server in servers)
    print(f"  {label}: {row['wall']:.0f} s", flush=True)
    return row


def print_table(rows: list[dict], sites: int) -> None:
    base = next((row["wall"] for row in rows if row["workers"] == 1), None)
    print(f"\n{'mode':<44} {'wall s':>7} {'sites/hour':>10} {'vs 1 worker':>11} {'at once':>7} "
          f"{'s/site':>6} {'per host':>8}")
    for row in rows:
        ratio = f"{base / row['wall']:.2f}x" if base else "-"
        print(f"{row['label']:<44} {row['wall']:>7.1f} {sites * 3600 / row['wall']:>10.0f} {ratio:>11} "
              f"{row['at_once']:>7} {row['per_site']:>6.1f} {row['per_host']:>8}")
    if base:
        for count, wanted in TARGETS.items():
            row = next((row for row in rows if row["workers"] == count), None)
            if row:
                speedup = base / row["wall"]
                print(f"target {count} workers ≥ {wanted}x one: {speedup:.2f}x "
                      f"{'met' if speedup >= wanted else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=int(os.environ.get("BENCH_NIGHT_SITES", 60)))
    parser.add_argument("--pages", type=int, default=8, help="column pages per portal (plus its home page)")
    parser.add_argument("--latency", type=float, default=0.8, help="seconds each page takes to answer")
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the servers
    scratch = Path(tempfile.mkdtemp(prefix="govscan-bench-night-"))
    rows = []
    with ExitStack() as stack:
        servers = [stack.enter_context(PortalServer([f"p{n:02d}"], pages=args.pages, latency_s=args.latency))
                   for n in range(args.sites)]
        targets = scratch / "targets.yaml"
        sites = {f"p{n:02d}": site_entry(f"p{n:02d}", server.url(f"p{n:02d}")) for n, server in enumerate(servers)}
        targets.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True), encoding="utf-8")
        pg_url, pg_port = stack.enter_context(running_postgres())
        redis_server = RedisServer(scratch)
        redis_server.start()
        stack.callback(redis_server.stop)
        print(f"{args.sites} portals, {args.pages + 1} pages each answering after {args.latency} s, "
              f"production politeness (2 at a time per host); {os.cpu_count()} cores", flush=True)

        def embedded():
            db_url = new_database(pg_port, pg_url)
            return night(clean_env(GOVSCAN_DB_URL=db_url), targets, scratch / "embedded", None), db_url

        rows.append(measure(f"embedded `govscan nightly` (--jobs {default_jobs()})", None, servers, embedded))
        for count in map(int, args.workers.split(",")):
            def cluster(count=count):
                db_url = new_database(pg_port, pg_url)
                env = clean_env(GOVSCAN_DB_URL=db_url)
                workers = start_workers(count, env, redis_server.url, scratch)
                try:
                    return night(env, targets, scratch / f"w{count}", redis_server.url), db_url
                finally:
                    stop_workers(workers)

            rows.append(measure(f"cluster, {count} worker process(es)", count, servers, cluster))
    print_table(rows, args.sites)


if __name__ == "__main__":
    main()
