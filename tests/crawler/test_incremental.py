"""Re-assessing a site crawled before: unchanged pages (304 to a conditional request, or the same body)
are carried over from the previous snapshot instead of parsed, and the new snapshot holds exactly
what a full crawl of the site as it is now would hold."""

import os
import sqlite3
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.crawler.crawl_helpers import run_crawl

LONG_AGO = time.time() - 86_400


def site_pages() -> dict[str, str]:
    pages = {"index.html": "<title>首页</title>" + "".join(f"<a href='/list{n}/index.html'>栏目{n}</a>" for n in range(3))}
    for n in range(3):
        pages[f"list{n}/index.html"] = f"<title>栏目{n}</title>" + "".join(
            f"<li><a href='/list{n}/t2026112{i}_{n}{i}.html'>信息{n}-{i}</a><span>2026-11-2{i}</span></li>" for i in range(6))
        for i in range(6):
            pages[f"list{n}/t2026112{i}_{n}{i}.html"] = f"<title>信息{n}-{i}</title><p>发布日期：2026-11-2{i}</p>"
    return {name: f"<html><head>{html}</head></html>" if "<p>" not in html else f"<html><body>{html}</body></html>"
            for name, html in pages.items()}


def write_site(root) -> int:
    pages = site_pages()
    for name, html in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        os.utime(path, (LONG_AGO, LONG_AGO))
    return len(pages)


def content(snapshot) -> tuple:
    """What the checks read of a snapshot (not when or how it was fetched)."""
    with sqlite3.connect(snapshot) as db:
        pages = sorted((url, status, title, text, metadata, zlib.decompress(html) if html else None)
                       for url, status, title, text, metadata, html in
                       db.execute("SELECT url, status, title, text, metadata, html FROM pages"))
        links = sorted(db.execute("SELECT source, target, anchor, tag, internal, context FROM links"))
        depths = sorted(db.execute("SELECT url, depth FROM pages"))
    return pages, links, depths


def carried(snapshot) -> set[str]:
    with sqlite3.connect(snapshot) as db:
        return {url for (url,) in db.execute("SELECT url FROM pages WHERE carried = 1")}


def test_unchanged_pages_are_carried_over_and_changes_are_read(static_site, tmp_path):
    root, url = static_site
    count = write_site(root)
    for name in ("first", "second", "third", "full"):
        (tmp_path / name).mkdir()
    first = run_crawl(url, tmp_path / "first")
    second = run_crawl(url, tmp_path / "second", job_extra={"previous_snapshot": str(first)})
    assert len(carried(second)) == count  # every page answered 304 (Last-Modified validators)
    assert content(second) == content(first)

    # one item changes and a list gains an item: those are read again, the rest carried
    changed = root / "list1/t20261120_10.html"
    changed.write_text("<html><body><title>信息1-0（更正）</title><p>发布日期：2026-11-29</p></body></html>", encoding="utf-8")
    listing = root / "list2/index.html"
    listing.write_text(listing.read_text(encoding="utf-8").replace(
        "</head>", "<li><a href='/list2/t20261129_99.html'>新信息</a></li></head>"), encoding="utf-8")
    (root / "list2/t20261129_99.html").write_text("<html><body><title>新信息</title></body></html>", encoding="utf-8")
    third = run_crawl(url, tmp_path / "third", job_extra={"previous_snapshot": str(second)})
    full = run_crawl(url, tmp_path / "full")
    assert content(third) == content(full)
    fresh = {page.removeprefix(url) for page in set(row[0] for row in content(third)[0]) - carried(third)}
    assert fresh == {"list1/t20261120_10.html", "list2/index.html", "list2/t20261129_99.html"}


class NoValidators(BaseHTTPRequestHandler):
    """Serves the same site with neither ETag nor Last-Modified."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        html = site_pages().get(self.path.lstrip("/") or "index.html")
        body = (html or "<html><title>404</title></html>").encode()
        self.send_response(200 if html else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_without_validators_an_identical_body_is_carried_over(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), NoValidators)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        first = run_crawl(url, tmp_path / "a")
        second = run_crawl(url, tmp_path / "b", job_extra={"previous_snapshot": str(first)})
    finally:
        server.shutdown()
        server.server_close()
    assert len(carried(second)) == len(site_pages())
    assert content(second) == content(first)
