"""Depth is the shortest number of links from the start page, whatever order pages arrive in.

The site is a LIFO trap: the home page links a long chain first, and a hub that links into the same
chain further down; the hub answers late, so the chain is walked deep before the shortcut is known.
A depth-first crawl (Scrapy's default) records chain depths and, with max_depth, never reaches pages
that are shallow through the hub.
"""

import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.crawler.crawl_helpers import bfs_depths, run_crawl

CHAIN = [f"/chain/{n}.html" for n in range(1, 13)]
GRAPH = {
    "/": [CHAIN[0], "/hub.html"],
    "/hub.html": [CHAIN[2], CHAIN[6], CHAIN[9]],   # shortcuts into the chain
    **{page: [nxt, f"/leaf/{n}.html"] for n, (page, nxt) in enumerate(zip(CHAIN, CHAIN[1:] + ["/end.html"]))},
}
SLOW = {"/hub.html": 1.0}
MAX_DEPTH = 4


class GraphSite(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path
        known = path in GRAPH or any(path in targets for targets in GRAPH.values())
        time.sleep(SLOW.get(path, 0))
        links = "".join(f'<li><a href="{target}">{target}</a></li>' for target in GRAPH.get(path, ()))
        body = f"<html><head><title>{path}</title></head><body><ul>{links}</ul></body></html>".encode()
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def trap_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), GraphSite)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_recorded_depths_are_breadth_first_depths(trap_site, tmp_path):
    snapshot = run_crawl(trap_site + "/", tmp_path, max_depth=MAX_DEPTH)
    with sqlite3.connect(snapshot) as db:
        recorded = {url.removeprefix(trap_site): depth for url, depth in db.execute("SELECT url, depth FROM pages")}
    true = {page: depth for page, depth in bfs_depths(GRAPH, "/").items() if depth <= MAX_DEPTH}
    # the deep end of the chain is only within max_depth through the late hub
    assert true[CHAIN[10]] == 3 and true["/leaf/10.html"] == 4
    assert recorded == true
