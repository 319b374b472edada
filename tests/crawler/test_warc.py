"""Evidence that survives the dispute: a real crawl of a loopback site writes every response to a WARC
(request + response records, SHA-256 payload digests) that warcio and an independent implementation
(FastWARC) both read and verify; the snapshot and result.json carry the digest and record id;
`govscan replay` gives back the bytes the server sent, marked as archived with scripts disabled; a
re-assessment whose pages answer 304 keeps them traceable to the first run's records; `govscan prune`
deletes old archives but keeps those of runs with a 单项否决 and those a kept run still refers to."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator, WarcRecordType
from pypdf import PdfWriter
from warcio.archiveiterator import ArchiveIterator

from govscan.archive import CSP
from tests.conftest import QuietHandler, govscan

HOME = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>测试区人民政府</title>"
        "<script>document.title = 'changed by script'</script></head><body><h1>测试区人民政府</h1>"
        "<a href='/news.html'>新闻动态</a> <a href='/moved'>通知公告</a> <a href='/zipped.html'>政策文件</a>"
        " <a href='/guide.pdf'>办事指南（PDF）</a><p>网站标识码：4405110001</p></body></html>")
NEWS = ("<html><head><meta charset='gbk'><meta http-equiv='refresh' content='600; url=http://127.0.0.1:1/'>"
        "<title>新闻动态</title></head><body><h1>新闻动态</h1>"
        "<ul><li><a href='/index.html'>区政府召开常务会议</a> 2026-11-30</li></ul></body></html>")
ZIPPED = "<html><head><meta charset='utf-8'><title>政策文件</title></head><body>压缩传输的页面</body></html>"
FASTWARC = Path(sys.executable).with_name("fastwarc")


class Handler(QuietHandler):
    """Static files (with Last-Modified and 304s), plus a redirect and a gzip-encoded page."""

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/news.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/zipped.html":
            body = gzip.compress(ZIPPED.encode("utf-8"))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_bytes(HOME.encode("utf-8"))
    (root / "news.html").write_bytes(NEWS.encode("gbk"))
    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(pdf)
    (root / "guide.pdf").write_bytes(pdf.getvalue())
    day_ago = time.time() - 86400  # a Last-Modified well before the Date: a validator the re-crawl may use
    for path in root.iterdir():
        os.utime(path, (day_ago, day_ago))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def runs(site, tmp_path_factory):
    """Two assessments of the unchanged site in one data directory: the second is incremental."""
    _, url = site
    var = tmp_path_factory.mktemp("var")
    for _ in range(2):
        done = govscan("assess", "--url", url, "--name", "测试区人民政府", "--var", var, "--no-render")
        assert done.returncode == 0, done.stderr
    first, second = sorted(var.glob("runs/*/*/result.json"), key=lambda path: path.stat().st_mtime)
    return var, first.parent, second.parent


def records(warc: Path) -> list:
    with warc.open("rb") as stream:
        return [(record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read())
                for record in ArchiveIterator(stream)]


def captures(run_dir: Path) -> dict[str, dict]:
    db = sqlite3.connect(run_dir / "snapshot.sqlite")
    db.row_factory = sqlite3.Row
    rows = {row["url"]: dict(row) for row in db.execute("SELECT * FROM captures ORDER BY rowid")}
    db.close()
    return rows


def result_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "result.json").read_text(encoding="utf-8"))


def test_every_response_is_archived_with_its_request_and_digest(site, runs):
    root, url = site
    _, first, _ = runs
    base = url.rsplit("/", 1)[0]
    warc = records(first / "archive.warc.gz")
    assert warc[0][0] == "warcinfo"
    responses = {headers.get_header("WARC-Target-URI"): (headers, http, body) for kind, headers, http, body in warc
                 if kind == "response"}
    assert {f"{base}/index.html", f"{base}/news.html", f"{base}/moved", f"{base}/zipped.html", f"{base}/guide.pdf",
            f"{base}/robots.txt"} <= set(responses)
    assert responses[f"{base}/moved"][1].get_statuscode() == "302"
    assert responses[f"{base}/news.html"][2] == (root / "news.html").read_bytes()   # GBK bytes as served
    assert responses[f"{base}/guide.pdf"][2] == (root / "guide.pdf").read_bytes()
    assert responses[f"{base}/zipped.html"][2] == ZIPPED.encode("utf-8")  # the reader undoes the gzip served
    requests = {headers.get_header("WARC-Concurrent-To") for kind, headers, _, _ in warc if kind == "request"}
    assert {headers.get_header("WARC-Record-ID") for headers, _, _ in responses.values()} <= requests

    captured = captures(first)
    for target, (headers, _, _) in responses.items():
        assert captured[target]["record_id"] == headers.get_header("WARC-Record-ID")
        assert headers.get_header("WARC-Payload-Digest").startswith("sha256:")
    assert captured[f"{base}/news.html"]["sha256"] == hashlib.sha256((root / "news.html").read_bytes()).hexdigest()


def test_an_independent_reader_verifies_every_digest_and_finds_the_records_where_the_snapshot_says(runs):
    _, first, _ = runs
    warc = first / "archive.warc.gz"
    checked = subprocess.run([str(FASTWARC), "check", "--verify-payloads", "-q", str(warc)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with warc.open("rb") as stream:
        found = {record.headers["WARC-Record-ID"]: (record.stream_pos, record.verify_payload_digest())
                 for record in FastIterator(stream, record_types=WarcRecordType.response)}
    rows = captures(first).values()
    assert rows and all(found[row["record_id"]] == (row["offset"], True) for row in rows)


def test_result_evidence_carries_digest_record_id_and_capture_time(site, runs):
    root, url = site
    _, first, _ = runs
    evidence = [e for f in result_of(first)["findings"] for e in f["evidence"] if e.get("url") == url]
    served = hashlib.sha256((root / "index.html").read_bytes()).hexdigest()
    assert evidence and all(e["sha256"] == served and e["warc_record_id"] == captures(first)[url]["record_id"]
                            and e["captured_at"] for e in evidence)
    html = (first / "scorecard.html").read_text(encoding="utf-8")
    assert served in html and "存档：采集于" in html


def test_replay_gives_back_the_bytes_the_server_sent(site, runs, tmp_path):
    root, url = site
    _, first, _ = runs
    raw = subprocess.run([sys.executable, "-m", "govscan", "replay", str(first), url, "--raw"], capture_output=True,
                         check=True).stdout
    assert raw == (root / "index.html").read_bytes()
    zipped = url.replace("index.html", "zipped.html")
    served = subprocess.run([sys.executable, "-m", "govscan", "replay", str(first), zipped, "--raw"],
                            capture_output=True, check=True).stdout
    assert gzip.decompress(served) == ZIPPED.encode("utf-8")  # as sent: still gzip-encoded
    assert hashlib.sha256(served).hexdigest() == captures(first)[zipped]["sha256"]

    page = tmp_path / "page.html"
    shown = govscan("replay", first, url.replace("index.html", "moved"), "--out", page)
    assert shown.returncode == 0, shown.stderr
    text = page.read_text(encoding="utf-8")
    assert "存档页面 — 采集于" in text and f'http-equiv="Content-Security-Policy" content="{CSP}"' in text
    assert text.index("Content-Security-Policy") < text.index("<html")  # before any of the page's own markup
    assert "新闻动态" in text and "http-equiv='refresh'" not in text  # followed the redirect; no way out to the live site
    listing = govscan("replay", first)
    assert listing.returncode == 0 and url in listing.stdout
    missing = govscan("replay", first, "http://127.0.0.1:1/never.html")
    assert missing.returncode == 2 and "没有该地址的存档" in missing.stderr


def test_a_page_answered_304_refers_to_the_record_of_the_run_that_fetched_it(site, runs):
    root, url = site
    _, first, second = runs
    carried = sqlite3.connect(second / "snapshot.sqlite").execute("SELECT count(*) FROM pages WHERE carried = 1").fetchone()[0]
    assert carried >= 2  # the home page and the news page answered 304
    again = captures(second)[url]
    assert again["kind"] == "revisit" and again["warc"] == os.path.relpath(first / "archive.warc.gz", second)
    assert again["record_id"] == captures(first)[url]["record_id"]
    revisits = [headers for kind, headers, _, _ in records(second / "archive.warc.gz") if kind == "revisit"]
    assert any(headers.get_header("WARC-Refers-To") == again["record_id"]
               and headers.get_header("WARC-Profile").endswith("server-not-modified") for headers in revisits)
    evidence = [e for f in result_of(second)["findings"] for e in f["evidence"] if e.get("url") == url]
    assert evidence and evidence[0]["warc_record_id"] == again["record_id"]
    raw = subprocess.run([sys.executable, "-m", "govscan", "replay", str(second), url, "--raw"], capture_output=True,
                         check=True).stdout
    assert raw == (root / "index.html").read_bytes()


def test_prune_keeps_archives_of_runs_with_a_veto_and_those_kept_runs_refer_to(runs):
    var, first, second = runs
    result = result_of(first)
    old = time.time() - 40 * 86400
    sites = first.parent
    for run, vetoes in ((first, []), (second, []), (sites / "old-veto", [{"id": "V-HOME"}]), (sites / "old-clean", [])):
        run.mkdir(exist_ok=True)
        if not (run / "archive.warc.gz").exists():
            (run / "archive.warc.gz").write_bytes((first / "archive.warc.gz").read_bytes())
        (run / "result.json").write_text(json.dumps({**result, "score": {**result["score"], "vetoes": vetoes}}),
                                         encoding="utf-8")
        if run != second:  # all old but the second run, which refers to the first
            os.utime(run / "archive.warc.gz", (old, old))
    done = govscan("prune", "--older-than", "30", "--var", var)
    assert done.returncode == 0, done.stderr
    assert not (sites / "old-clean" / "archive.warc.gz").exists() and (sites / "old-clean" / "result.json").exists()
    assert (sites / "old-veto" / "archive.warc.gz").exists()
    assert (first / "archive.warc.gz").exists() and (second / "archive.warc.gz").exists()
    os.utime(second / "archive.warc.gz", (old, old))  # once the run referring to it goes, so does the first
    assert govscan("prune", "--older-than", "30", "--var", var).returncode == 0
    assert not (first / "archive.warc.gz").exists() and not (second / "archive.warc.gz").exists()
    assert (sites / "old-veto" / "archive.warc.gz").exists()
