"""A simulated province: small generated portals on loopback for distributed nights (tests, bench).

Each server holds one or more portals under path prefixes (`/p01/` …), a home page and a handful of
column pages, and answers every request after `latency_s`, as a distant provincial server does. It
counts the requests it is serving at once, so a test can tell whether per-host politeness held.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COLUMNS = ["新闻动态", "通知公告", "政府信息公开", "政策文件", "政策解读", "互动交流", "办事服务", "机构职能"]
PAGE = "<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, prefixes: list[str], pages: int = 8, latency_s: float = 0.0):
        super().__init__(("127.0.0.1", 0), PortalHandler)
        self.prefixes, self.pages, self.latency_s = prefixes, pages, latency_s
        self.active = self.max_active = self.requests = 0
        self._count = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{prefix}/"

    def __enter__(self) -> "PortalServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()

    def page(self, path: str) -> str | None:
        prefix, _, rest = path.strip("/").partition("/")
        if prefix not in self.prefixes:
            return None
        name = f"{prefix}县人民政府"
        if rest in ("", "index.html"):
            links = "".join(f"<li><a href='c{i}.html'>{COLUMNS[i % len(COLUMNS)]}</a></li>" for i in range(self.pages))
            return PAGE.format(title=name, body=f"<ul>{links}</ul><p>主办：{name}办公室</p>")
        if rest.startswith("c") and rest.endswith(".html") and rest[1:-5].isdigit() and int(rest[1:-5]) < self.pages:
            column = COLUMNS[int(rest[1:-5]) % len(COLUMNS)]
            items = "".join(f"<li><a href='index.html'>{column}第{n}号</a> 2026-11-{n + 10:02d}</li>" for n in range(1, 6))
            return PAGE.format(title=f"{column} - {name}", body=f"<ul>{items}</ul>")
        return None


class PortalHandler(BaseHTTPRequestHandler):
    server: PortalServer

    def do_GET(self):
        with self.server._count:
            self.server.active += 1
            self.server.requests += 1
            self.server.max_active = max(self.server.max_active, self.server.active)
        try:
            time.sleep(self.server.latency_s)
            body = self.server.page(self.path.split("?")[0])
            payload = (body or "<html><body>404</body></html>").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        finally:
            with self.server._count:
                self.server.active -= 1

    def log_message(self, *args):
        pass


def site_entry(site_id: str, url: str, **crawl) -> dict:
    """A targets.yaml entry for one generated portal."""
    return {"name": f"{site_id}县人民政府", "url": url, "level": "district",
            "crawl": {"robots": False, "max_pages": 20, "max_depth": 2, "render": False, "timeout_s": 10, **crawl}}
