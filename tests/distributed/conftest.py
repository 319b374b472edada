"""Real parts for distributed nights: redis-server, PostgreSQL, Celery workers as subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import yaml

from tests.conftest import ROOT, free_port
from tests.nightly.conftest import postgres_server, smtp_server, tls_files  # noqa: F401 (fixtures)

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
# Short on purpose: a dead worker's task comes back after 15 s, its site lease after 4 s.
CLUSTER_ENV = {"GOVSCAN_VISIBILITY_TIMEOUT": "15", "GOVSCAN_LEASE_TTL": "4"}


class RedisServer:
    """A redis-server on 127.0.0.1 that writes every change to its append-only file, so a restart
    keeps the queues (as deploy/redis-govscan.conf does in production)."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                                         "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()  # SIGTERM: redis flushes its append-only file and exits
        self.process.wait(timeout=30)


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
    import psycopg

    url, port = postgres_server
    name = f"d_{os.urandom(4).hex()}"
    with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return f"{url}/{name}"


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
