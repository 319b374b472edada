"""The search probe against real servers: a search that lists the item, and one that only repeats
the query back ("共0条"), which must not pass for a working search."""

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import govscan

TITLE = "金平区召开2026年第四季度安全生产工作会议"
HOME = (f"<html><head><meta charset='utf-8'><title>首页</title></head><body>"
        f"<form action='/search'><input name='q'><button>搜索</button></form>"
        f"<ul><li><a href='/xw/post_1001.html'>{TITLE}</a><span>{date.today().isoformat()}</span></li></ul></body></html>")


def server_with(search_works: bool):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path == "/":
                body = HOME
            elif parts.path == "/search":
                query = parse_qs(parts.query).get("q", [""])[0]
                hits = f"<li><a href='/xw/post_1001.html'>{TITLE}</a></li>" if search_works and query == TITLE else ""
                body = f"<html><body><p>检索词：{query}，共{1 if hits else 0}条</p><ul>{hits}</ul></body></html>"
            else:
                body = f"<html><head><title>{TITLE}</title></head><body>正文</body></html>"
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("works,status", [(True, "pass"), (False, "fail")])
def test_search_probe(tmp_path, works, status):
    server = server_with(works)
    try:
        out = tmp_path / "out"
        result = govscan("assess", "--url", f"http://127.0.0.1:{server.server_address[1]}/", "--out", out,
                         "--no-render", "--max-pages", "5")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    finding = next(f for f in json.loads((out / "result.json").read_text(encoding="utf-8"))["findings"]
                   if f["check"] == "site.search")
    assert finding["status"] == status
    assert finding["details"]["query"] == TITLE
