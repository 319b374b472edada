"""Outbound links of the home page are checked once, after the crawl, through the run's DNS."""

import json
import threading
from functools import partial
from http.server import ThreadingHTTPServer

from demo.dns import DemoDNS
from tests.conftest import QuietHandler, govscan


def serve(root):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_home_page_outbound_links(tmp_path):
    own, other = tmp_path / "own", tmp_path / "other"
    own.mkdir()
    other.mkdir()
    (other / "ok.html").write_text("<html><title>ok</title></html>", encoding="utf-8")
    site, elsewhere = serve(own), serve(other)
    port = elsewhere.server_address[1]
    (own / "index.html").write_text(
        "<html><head><meta charset='utf-8'><title>首页</title></head><body>"
        f"<a href='http://www.other.test:{port}/ok.html'>省政府门户</a>"
        f"<a href='http://www.other.test:{port}/gone.html'>已停用的专题网站</a>"
        "<a href='http://unknown.test/'>不在本区的网站</a></body></html>", encoding="utf-8")
    try:
        with DemoDNS({"www.own.test": {"A": ["127.0.0.1"]}, "www.other.test": {"A": ["127.0.0.1"]}}) as zone:
            out = tmp_path / "out"
            result = govscan("assess", "--url", f"http://www.own.test:{site.server_address[1]}/", "--nameserver",
                             f"127.0.0.1:{zone.port}", "--out", out, "--no-render")
    finally:
        site.shutdown()
        elsewhere.shutdown()
    assert result.returncode == 0, result.stderr
    finding = next(f for f in json.loads((out / "result.json").read_text(encoding="utf-8"))["findings"]
                   if f["check"] == "site.broken_links")
    assert finding["status"] == "fail"
    assert [(b["url"], b["anchor"], b["reason"]) for b in finding["details"]["broken"]] == [
        (f"http://www.other.test:{port}/gone.html", "已停用的专题网站", "HTTP 404（外部链接）")]
    assert [u["url"] for u in finding["details"]["unverified"]] == ["http://unknown.test/"]
