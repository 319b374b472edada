"""Build the demo site into a temporary directory and serve it (HTTP + DNS)."""
from __future__ import annotations

import contextlib
import datetime as _dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from checks.model import BEIJING

from .dns import DemoDNS, zone_records
from .server import DemoServer
from .site import HOST, build_site
from .tls import server_context


@dataclass(frozen=True)
class RunningDemo:
    url: str          # http://www.jinping.demo.test:PORT/
    nameserver: str   # 127.0.0.1:DNSPORT
    root: Path        # build directory (root/<host>/...)
    host: str         # www.jinping.demo.test
    port: int
    dns_port: int
    today: _dt.date
    https_port: int   # the HTTPS twin on 127.0.0.1, named by the zone's HTTPS record
    ca_file: Path     # trust it with SSL_CERT_FILE=ca_file

    @property
    def site_root(self) -> Path:
        return self.root / self.host


@contextlib.contextmanager
def running(port: int = 0, dns_port: int = 0, today: _dt.date | None = None) -> Iterator[RunningDemo]:
    """Build the site into a temp dir, start the HTTP server (127.0.0.1 + ::1) and DNS, yield, clean up."""
    today = today or _dt.datetime.now(BEIJING).date()  # the assessor's day: everything planted is relative to it
    root = Path(tempfile.mkdtemp(prefix="govscan-demo-"))
    try:
        build_site(root, today)
        context, ca_file = server_context(root, HOST, today)
        with DemoServer(root, port) as http:
            https_port = http.serve_tls(context)
            records = zone_records()
            records[HOST]["HTTPS"] = [f"1 . port={https_port}"]
            with DemoDNS(records, dns_port) as dns:
                yield RunningDemo(
                    url=f"http://{HOST}:{http.port}/",
                    nameserver=f"127.0.0.1:{dns.port}",
                    root=root,
                    host=HOST,
                    port=http.port,
                    dns_port=dns.port,
                    today=today,
                    https_port=https_port,
                    ca_file=ca_file,
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)
