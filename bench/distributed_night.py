"""A simulated province night on loopback: N generated small portals (each its own server, every
page answering after --latency seconds, as distant provincial servers do, two requests at a time
per host), assessed by the embedded `govscan nightly` and by a cluster of 1, 2 and 4 Celery
worker processes on a real redis-server and PostgreSQL. Prints sites/hour and the speed-ups.

    python bench/distributed_night.py [--sites 60] [--pages 12] [--latency 1.5] [--workers 1,2,4]

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
from tests.services import RedisServer, new_database, running_postgres  # noqa: E402


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSCAN_")}
    return dict(env, **extra)


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
            time.sleep(0.2)
    return workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=60)
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--latency", type=float, default=1.5)
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
        print(f"{args.sites} portals, {args.pages + 1} pages each, {args.latency} s per page, 2 at a time per host",
              flush=True)

        env = clean_env(GOVSCAN_DB_URL=new_database(pg_port, pg_url))
        rows.append(("embedded `govscan nightly` (default --jobs)", "-", night(env, targets, scratch / "embedded", None)))
        print(f"  {rows[-1][0]}: {rows[-1][2]:.0f} s", flush=True)
        for count in map(int, args.workers.split(",")):
            env = clean_env(GOVSCAN_DB_URL=new_database(pg_port, pg_url))
            workers = start_workers(count, env, redis_server.url, scratch)
            try:
                rows.append((f"cluster, {count} worker process(es)", count, night(env, targets, scratch / f"w{count}",
                                                                                  redis_server.url)))
            finally:
                for worker in workers:
                    os.killpg(worker.pid, 15)
                    worker.wait()
            print(f"  {rows[-1][0]}: {rows[-1][2]:.0f} s", flush=True)

    base = next((elapsed for _, count, elapsed in rows if count == 1), None)
    print(f"\n{'mode':<46} {'wall s':>8} {'sites/hour':>11} {'vs 1 worker':>12}")
    for label, _count, elapsed in rows:
        ratio = f"{base / elapsed:.2f}x" if base else "-"
        print(f"{label:<46} {elapsed:>8.1f} {args.sites * 3600 / elapsed:>11.0f} {ratio:>12}")


if __name__ == "__main__":
    main()
