"""Throwaway servers on loopback used by tests and bench/: PostgreSQL and redis-server."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import free_port

PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
PG_BIN = PG_BINS[-1] if PG_BINS else Path("/usr/lib/postgresql/15/bin")  # Debian's layout
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def running_postgres():
    """A PostgreSQL cluster on 127.0.0.1 (trust auth); yields (URL without database name, port)."""
    root = Path(tempfile.mkdtemp(prefix="govscan-pg-"))
    as_postgres = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        shutil.chown(root, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, sockets, port = root / "data", root / "sock", free_port()
    subprocess.run([*as_postgres, PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True)
    subprocess.run([*as_postgres, "mkdir", sockets], check=True)
    server = subprocess.Popen([*as_postgres, PG_BIN / "postgres", "-D", data, "-k", sockets, "-p", str(port),
                               "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import psycopg

    try:
        for _ in range(100):
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres").close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        else:
            raise RuntimeError("PostgreSQL did not start")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}", port
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def new_database(port: int, url: str) -> str:
    """A fresh, empty database on the server; its URL."""
    import psycopg

    name = f"t_{os.urandom(4).hex()}"
    with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return f"{url}/{name}"


class RedisServer:
    """A redis-server on 127.0.0.1 that writes every change to its append-only file, so a restart
    keeps the queues (as deploy/redis-govscan.conf does in production)."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = Path(folder), free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

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
