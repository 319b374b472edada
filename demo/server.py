"""Static, virtually hosted HTTP server for the demo portal.

The same port is bound on 127.0.0.1 and ::1. Files live in `root/<hostname>/<path>`.
Per-file response headers come from `root/_headers.yaml`:

    www.example.test:
      /some/page.html: {Content-Type: "text/html"}

What differs between the two address families comes from `root/_families.yaml` (both keys optional):

    www.example.test:
      ipv4_only: [/old/, /page.html]   # over IPv6 these answer 404 (a trailing / matches a subtree)
      ipv6_serves: placeholder.test      # over IPv6, serve the files of root/placeholder.test/ instead
"""
from __future__ import annotations

import html
import mimetypes
import posixpath
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

HEADERS_FILE = "_headers.yaml"
GKMLPT_API = re.compile(r"/gkmlpt/api/all/\d+$")
FAMILIES_FILE = "_families.yaml"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    "": "text/html; charset=utf-8",  # /gkmlpt/index and friends
    ".shtml": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".svg": "image/svg+xml",
}

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在</title></head>
<body><h1>404 页面不存在</h1><p>抱歉，您访问的页面不存在或已被删除。</p>
<p>请求地址：{path}</p><p><a href="/">返回首页</a></p></body></html>
"""


def content_type(path: str) -> str:
    ext = posixpath.splitext(path)[1].lower()
    if ext in _TYPES:
        return _TYPES[ext]
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    server_version = "nginx"
    sys_version = ""

    def version_string(self):
        return self.server_version
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def log_error(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self._serve(body=True)

    def do_HEAD(self):
        self._serve(body=False)

    # -- helpers -----------------------------------------------------------
    def _host(self) -> str:
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):  # [::1]:8080
            return host[1 : host.find("]")] if "]" in host else host
        if host.count(":") == 1:
            host = host.split(":", 1)[0]
        return host.rstrip(".")

    def _send(self, status: int, data: bytes, ctype: str, body: bool, extra: dict | None = None):
        self.send_response(status)
        headers = {"Content-Type": ctype, "Content-Length": str(len(data))}
        headers.update(extra or {})
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _not_found(self, path: str, body: bool):
        page = NOT_FOUND_PAGE.format(path=html.escape(path)).encode("utf-8")
        self._send(404, page, "text/html; charset=utf-8", body)

    def _serve(self, body: bool):
        demo: DemoServer = self.server.demo  # type: ignore[attr-defined]
        raw_path = urlsplit(self.path).path or "/"
        path = unquote(raw_path)
        host = self._host()
        ipv6 = self.server.address_family == socket.AF_INET6
        served = demo.served_host(host, ipv6)
        site = demo.root / served if served and "/" not in served and not served.startswith((".", "_")) else None
        if site is None or not site.is_dir():
            self._not_found(path, body)
            return
        norm = posixpath.normpath(path)
        if norm.startswith("//"):
            norm = norm[1:]
        if not norm.startswith("/") or ".." in norm.split("/"):
            self._not_found(path, body)
            return
        if ipv6 and demo.ipv4_only(host, norm):
            self._not_found(path, body)
            return
        if norm == "/search":  # the site search: titles containing the query
            query = parse_qs(urlsplit(self.path).query).get("keywords", [""])[0].strip()
            self._send(200, search_page(query, demo.search(served, query)), "text/html; charset=utf-8", body)
            return
        if GKMLPT_API.search(norm):  # gkmlpt's list API: ?page=<n>&sid=<SID> (demo/gkmlpt.py)
            query = parse_qs(urlsplit(self.path).query)
            sid, page = query.get("sid", [""])[0], query.get("page", ["1"])[0]
            norm = f"{norm}/sid{sid}/page{page}.json" if sid.isalnum() and page.isdigit() else norm + "/missing"
        rel = norm.lstrip("/")
        target = site / rel if rel and rel != "." else site
        if target.is_dir():
            if not path.endswith("/"):
                location = raw_path + "/"
                self._send(301, b"", "text/html; charset=utf-8", body, {"Location": location})
                return
            target = target / "index.html"
            site_path = "/" + (rel + "/" if rel and rel != "." else "") + "index.html"
        else:
            site_path = "/" + rel
            if path.endswith("/"):  # a file addressed as a directory
                self._not_found(path, body)
                return
        if not target.is_file():
            self._not_found(path, body)
            return
        data = target.read_bytes()
        extra = dict(demo.headers_for(served, site_path))
        ctype = extra.pop("Content-Type", None) or content_type(site_path)
        self._send(200, data, ctype, body, extra)


class _Server4(ThreadingHTTPServer):
    address_family = socket.AF_INET
    daemon_threads = True
    allow_reuse_address = False
    # socketserver's default backlog of 5 overflows under a crawl; a client racing both families
    # (Twisted tries the next address after 0.3 s) would then land on ::1, where content may differ.
    request_queue_size = 128


class _Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    allow_reuse_address = False
    request_queue_size = 128

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        super().server_bind()


SEARCH_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>站内搜索</title></head>
<body><h1>站内搜索</h1><p>检索词：{query}，共找到{count}条结果</p><ul class="results">{items}</ul></body></html>
"""
_TITLE = re.compile(rb"<title>(.*?)</title>", re.S | re.I)


def search_page(query: str, hits: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="{html.escape(path)}">{html.escape(title)}</a></li>' for path, title in hits)
    return SEARCH_PAGE.format(query=html.escape(query), count=len(hits), items=items).encode("utf-8")


class DemoServer:
    """Serve `root/<host>/…` on the same port on 127.0.0.1 and ::1."""

    def __init__(self, root: Path, port: int = 0):
        self.root = Path(root)
        self.requested_port = port
        self.port: int | None = None
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._headers: dict[str, dict[str, dict[str, str]]] = {}
        self._families: dict[str, dict] = {}
        self._titles: dict[str, list[tuple[str, str]]] = {}

    def served_host(self, host: str, ipv6: bool) -> str:
        """Whose files answer a request for `host` on this address family."""
        return str(self._families.get(host, {}).get("ipv6_serves") or host) if ipv6 else host

    def ipv4_only(self, host: str, path: str) -> bool:
        for rule in self._families.get(host, {}).get("ipv4_only") or []:
            if path == rule or (rule.endswith("/") and path.startswith(rule)):
                return True
        return False

    def search(self, host: str, query: str) -> list[tuple[str, str]]:
        """(path, title) of the pages whose title contains the query; the index is built once."""
        if host not in self._titles:
            index = []
            for file in sorted((self.root / host).rglob("*")):
                if file.is_file() and file.suffix in ("", ".html", ".htm"):
                    found = _TITLE.search(file.read_bytes())
                    if found:
                        raw = found.group(1)
                        try:
                            title = raw.decode("utf-8")
                        except UnicodeDecodeError:
                            title = raw.decode("gb18030", errors="replace")
                        index.append(("/" + file.relative_to(self.root / host).as_posix(), html.unescape(title)))
            self._titles[host] = index
        return [(path, title) for path, title in self._titles[host] if query and query in title][:50]

    def headers_for(self, host: str, site_path: str) -> dict:
        return self._headers.get(host, {}).get(site_path, {})

    def _load_headers(self) -> None:
        f = self.root / HEADERS_FILE
        data = yaml.safe_load(f.read_text(encoding="utf-8")) if f.is_file() else None
        self._headers = {
            str(h).lower(): {str(p): {str(k): str(v) for k, v in hs.items()} for p, hs in (paths or {}).items()}
            for h, paths in (data or {}).items()
        }

    def _load_families(self) -> None:
        f = self.root / FAMILIES_FILE
        data = yaml.safe_load(f.read_text(encoding="utf-8")) if f.is_file() else None
        self._families = {str(host).lower(): dict(rules or {}) for host, rules in (data or {}).items()}

    def _bind(self, port: int) -> list[ThreadingHTTPServer]:
        s4 = _Server4(("127.0.0.1", port), _Handler)
        try:
            s6 = _Server6(("::1", s4.server_address[1]), _Handler)
        except OSError:
            s4.server_close()
            raise
        return [s4, s6]

    def start(self) -> "DemoServer":
        self._load_headers()
        self._load_families()
        if self.requested_port:
            servers = self._bind(self.requested_port)
        else:
            for attempt in range(50):
                try:
                    servers = self._bind(0)
                    break
                except OSError:
                    if attempt == 49:
                        raise
        self._servers = servers
        self.port = servers[0].server_address[1]
        for s in servers:
            s.demo = self  # type: ignore[attr-defined]
            t = threading.Thread(target=s.serve_forever, name=f"demo-http-{s.address_family.name}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def serve_tls(self, context) -> int:
        """The same site over HTTPS on another port of 127.0.0.1 (the demo names it in an HTTPS record)."""
        server = _Server4(("127.0.0.1", 0), _Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.demo = self  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, name="demo-https", daemon=True)
        thread.start()
        self._servers.append(server)
        self._threads.append(thread)
        return server.server_address[1]

    def stop(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()
        self._servers = []
        self._threads = []

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
