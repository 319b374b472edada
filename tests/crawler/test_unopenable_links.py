"""Links a visitor cannot open although the server accepts the connection: a page that never
answers, a redirect loop through a single-sign-on URL, a body cut off by a reset. On a site whose
other pages answer, each is a broken link with its reason; a cut-off body is never taken for the page."""

import json
import os
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks.snapshot import Snapshot
from tests.conftest import govscan

HALF = b"<html><head><title>\xe5\x8d\x8a\xe6\x88\xaa</title></head><body><a href='/behind-the-cut.html'>x</a>" + b"x" * 6000


class Unopenable(BaseHTTPRequestHandler):
    stop = threading.Event()

    def log_message(self, *args):
        pass

    def page(self, body: str):
        data = f"<html><head><meta charset='utf-8'><title>页面</title></head><body>{body}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def reset(self):
        """Close with RST (SO_LINGER 0): the connection is torn down, not finished."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(self.connection.detach())

    def do_GET(self):
        if self.path == "/":
            self.page("<a href='/ok.html'>正常页面</a><a href='/hang.html'>办事指南</a><a href='/entry'>网上办事</a>"
                      "<a href='/cut.html'>政策文件</a><a href='/cut-chunked.html'>通知公告</a>")
        elif self.path == "/ok.html":
            self.page("正文")
        elif self.path == "/hang.html":
            self.stop.wait(30)  # accepts and never answers
        elif self.path == "/entry":
            self.redirect(f"/sso/login?service=http://{self.headers['Host']}/entry")
        elif self.path.startswith("/sso/login"):
            self.redirect("/entry")
        elif self.path == "/cut.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(2 * len(HALF)))
            self.end_headers()
            self.wfile.write(HALF)
            self.reset()
        elif self.path == "/cut-chunked.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(HALF), HALF))
            self.reset()
        else:
            self.send_error(404)


@pytest.fixture
def unopenable_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Unopenable)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    Unopenable.stop.set()
    server.shutdown()
    server.server_close()


def test_links_that_never_open_are_broken_with_their_reason(unopenable_site, tmp_path):
    base = unopenable_site
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"sites:\n  s:\n    name: 测试站点\n    url: {base}\n"
                       "    crawl: {timeout_s: 2, render: false, robots: false}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = govscan("assess", "s", "--targets", targets, "--out", out, timeout=120)
    assert result.returncode == 0, result.stderr

    snap = Snapshot(out / "snapshot.sqlite")
    errors = {e["url"].removeprefix(base): e["kind"] for e in snap.errors()}
    assert errors == {"hang.html": "timeout", "entry": "redirect_loop", "cut.html": "truncated",
                      "cut-chunked.html": "truncated"}
    # Half a page is not the page: neither it nor the links in its first half were taken.
    assert snap.page(base + "cut.html") is None and snap.page(base + "cut-chunked.html") is None
    assert snap.outcome(base + "behind-the-cut.html").error is None

    finding = next(f for f in json.loads((out / "result.json").read_text(encoding="utf-8"))["findings"]
                   if f["check"] == "site.broken_links")
    assert finding["status"] == "fail"
    reasons = {b["url"].removeprefix(base): b["reason"] for b in finding["details"]["broken"]}
    assert set(reasons) == {"hang.html", "entry", "cut.html", "cut-chunked.html"}
    assert "超时" in reasons["hang.html"] and "重定向" in reasons["entry"] and "中断" in reasons["cut.html"]
    assert finding["details"]["unverified"] == []
    assert "4个" in finding["message"]
