"""Sites that misbehave are findings or skipped pages, never a crash: redirect loops, a 50 MB body,
a page that hangs, a GBK page that claims to be UTF-8, markup injected into titles."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks.snapshot import Snapshot
from tests.conftest import govscan

GBK_TITLE = "关于开展冬季安全生产大检查的通知"


class Hostile(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body: bytes, content_type="text/html; charset=utf-8", length=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.path == "/":
            links = "".join(f"<a href='{p}'>{p}</a>" for p in ("/loop", "/huge.html", "/hang", "/liar.html", "/xss.html"))
            self.send(200, f"<html><head><title>首页</title></head><body>{links}</body></html>".encode())
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/huge.html":
            size = 50 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the crawler hung up, as it should
        elif self.path == "/hang":
            threading.Event().wait(8)
            self.send(200, b"<html><title>late</title></html>")
        elif self.path == "/liar.html":
            body = f"<html><head><title>{GBK_TITLE}</title></head><body><p>{GBK_TITLE * 20}</p></body></html>"
            self.send(200, body.encode("gbk"), content_type="text/html; charset=utf-8")
        elif self.path == "/xss.html":
            self.send(200, "<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;公告</title></head>"
                           "<body><a href='/gone'>旧链接</a></body></html>".encode())
        else:
            self.send(404, b"<html><title>404</title></html>")


@pytest.fixture
def hostile_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_misbehaving_site_is_recorded_not_crashed_on(hostile_site, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"sites:\n  bad:\n    name: 异常站点\n    url: {hostile_site}\n"
                       "    crawl: {timeout_s: 3, render: false}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = govscan("assess", "bad", "--targets", targets, "--out", out, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    snap = Snapshot(out / "snapshot.sqlite")
    errors = {e["url"].removeprefix(hostile_site): e["kind"] for e in snap.errors()}
    assert errors == {"loop": "redirect_loop", "huge.html": "too_large", "hang": "timeout"}
    liar = snap.page(hostile_site + "liar.html")
    assert liar.title == GBK_TITLE and liar.charset.startswith("gb18030")
    assert snap.page(hostile_site + "xss.html").title == "<script>alert(1)</script>公告"
    broken = next(f for f in data["findings"] if f["check"] == "site.broken_links")
    # A redirect loop and a page that never answers cannot be opened by a visitor either; a 50 MB page may.
    assert sorted(b["url"] for b in broken["details"]["broken"]) == [hostile_site + p for p in ("gone", "hang", "loop")]
    assert [u["url"] for u in broken["details"]["unverified"]] == [hostile_site + "huge.html"]
    assert "<script>alert" not in (out / "scorecard.html").read_text(encoding="utf-8")
