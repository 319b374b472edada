"""Real parts for distributed nights: redis-server, PostgreSQL, Celery workers as subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.services import REDIS, RedisServer, new_database
from tests.nightly.conftest import postgres_server, smtp_server, tls_files  # noqa: F401 (fixtures)

# Short on purpose: a dead worker's task comes back after 15 s, its site lease after 4 s; IPv6 probes
# nobody makes are given up after 5 s.
CLUSTER_ENV = {"GOVSCAN_VISIBILITY_TIMEOUT": "15", "GOVSCAN_LEASE_TTL": "4", "GOVSCAN_IPV6_WAIT": "5"}


@pytest.fixture
def redis_server(tmp_path):
    if not Path(REDIS).exists():
        pytest.skip("redis-server not installed (scripts/install-system.sh installs it)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def pg_url(postgres_server):
    url, port = postgres_server
    return new_database(port, url)


class Cluster:
    """Workers and coordinators of one test, each in its own process group (killed as a machine dies)."""

    def __init__(self, tmp_path: Path, broker: str, db_url: str, extra_env: dict):
        self.tmp, self.broker, self.var = tmp_path, broker, tmp_path / "shared"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSCAN_")}
        self.env.update(CLUSTER_ENV, GOVSCAN_DB_URL=db_url, GOVSCAN_VAR=str(self.var), **extra_env)
        self.workers: list[subprocess.Popen] = []

    def start_worker(self, queues: str = "crawl,mail", concurrency: int = 1) -> subprocess.Popen:
        log = open(self.tmp / f"worker-{len(self.workers)}.log", "wb")
        worker = subprocess.Popen([sys.executable, "-m", "govscan", "worker", "--broker", self.broker, "--queues", queues,
                                   "--concurrency", str(concurrency)], cwd=ROOT, env=self.env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(worker)
        return worker

    def targets(self, sites: dict) -> Path:
        path = self.tmp / "targets.yaml"
        path.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True), encoding="utf-8")
        return path

    def nightly(self, targets: Path, *extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "govscan", "nightly", "--broker", self.broker, "--targets",
                                 str(targets), "--no-render", "--crawl-grace", "2", *extra], cwd=ROOT, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop(self) -> None:
        for worker in self.workers:
            try:
                os.killpg(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            worker.wait()


@pytest.fixture
def cluster(tmp_path, redis_server, pg_url, smtp_server):
    mailbox, smtp_env = smtp_server
    running = Cluster(tmp_path, redis_server.url, pg_url, smtp_env)
    running.mailbox = mailbox
    yield running
    running.stop()
