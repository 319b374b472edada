"""Sites that answer but cannot be assessed are said to be so, with the reason, never scored 0 and never
put in a trend (issue 14, faults 8 and 11): a home page served as a file, an https:// address answered
by a plain-HTTP port, a home page that redirects to another site."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govscan.history import History
from tests.conftest import govscan

HOME = ("<html><head><meta charset='utf-8'><title>某区人民政府</title></head><body>"
        "<a href='/xxgk/'>政府信息公开</a><p>网站标识码：4405110001</p></body></html>").encode()


class Portal(BaseHTTPRequestHandler):
    content_type = "text/html; charset=utf-8"  # switched by the test: the same site, served another way
    moved_to: str | None = None

    def do_GET(self):
        if self.moved_to and self.headers["Host"].startswith("127.0.0.1"):
            self.send_response(302)
            self.send_header("Location", self.moved_to)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(HOME)))
        self.end_headers()
        self.wfile.write(HOME)

    def log_message(self, *args):
        pass


@pytest.fixture
def portal():
    handler = type("ThisPortal", (Portal,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, server.server_address[1]
    server.shutdown()
    server.server_close()


def assess(url, tmp_path, name):
    out = tmp_path / name
    done = govscan("assess", "--url", url, "--var", tmp_path / "var", "--out", out, "--no-render")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    return done, result, {f["check"]: f for f in result["findings"]}


def test_a_home_page_served_as_a_file_is_a_finding_and_the_run_is_not_scored(portal, tmp_path):
    handler, port = portal
    url = f"http://127.0.0.1:{port}/"
    _, good, _ = assess(url, tmp_path, "good")
    assert good["score"]["total"] is not None

    handler.content_type = "application/octet-stream"
    done, result, findings = assess(url, tmp_path, "file")
    reachable = findings["site.reachable"]
    assert reachable["status"] == "fail" and "application/octet-stream" in reachable["message"]
    assert not [f for f in findings.values() if f["status"] == "error"]  # it crashed with AttributeError
    assert result["score"]["total"] is None and result["score"]["grade"] == "无法评估"
    assert "无法评估" in done.stdout and "0.0 分" not in done.stdout
    assert [point["run"] for point in result["history"]["trend"]] == [good["run"]["id"]]
    assert "无法评估" in (tmp_path / "file" / "scorecard.html").read_text(encoding="utf-8")
    history = History.open(tmp_path / "var")
    try:
        run = history.run(result["run"]["id"])
        assert run.outcome == "unassessable" and run.total is None and "application/octet-stream" in run.error
        assert history.findings(run.id) == {}  # only complete runs carry findings into comparisons
    finally:
        history.close()


def test_an_https_address_answered_by_a_plain_http_port_is_a_tls_failure(portal, tmp_path):
    _, port = portal
    _, result, findings = assess(f"https://127.0.0.1:{port}/", tmp_path, "tls")
    message = findings["site.reachable"]["message"]
    assert findings["site.reachable"]["status"] == "fail"
    assert "TLS" in message and "普通 HTTP" in message and "DownloadFailedError" not in message
    assert result["score"]["grade"] == "无法评估"


def test_a_home_page_redirecting_to_another_site_is_said_so(portal, tmp_path):
    handler, port = portal
    handler.moved_to = f"http://localhost:{port}/new/"  # the same server under another host name
    _, result, findings = assess(f"http://127.0.0.1:{port}/", tmp_path, "moved")
    assert findings["site.reachable"]["status"] == "unverifiable"
    assert "其他域名（localhost）" in findings["site.reachable"]["message"]
    # the columns are not blamed on the site: nothing on the other host was examined
    assert findings["disclosure.platform"]["status"] == "unverifiable"
    assert not [f["check"] for f in findings.values() if f["status"] in ("fail", "warn")]
    assert result["score"]["grade"] == "无法评估"
