"""Shared fixtures: real servers on loopback, nothing from the internet."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def static_site(tmp_path):
    """Serve a directory over HTTP on 127.0.0.1; yields (root_dir, base_url)."""
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def hanging_server():
    """Accepts connections and never answers: a site that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# History and runs of tests go to a scratch folder, never into the checkout's var/.
TEST_VAR = tempfile.mkdtemp(prefix="govscan-test-var-")
os.environ["GOVSCAN_VAR"] = TEST_VAR


def govscan(*args, **kwargs) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a user would (GOVSCAN_VAR points at the scratch folder
    unless the test passes --var or its own environment)."""
    env = kwargs.pop("env", None) or dict(os.environ)
    env.setdefault("GOVSCAN_VAR", TEST_VAR)
    return subprocess.run([sys.executable, "-m", "govscan", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=kwargs.pop("timeout", 600), env=env, **kwargs)
