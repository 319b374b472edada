"""Rendering as the last resort: only a page whose content demonstrably depends on scripts, that no
adapter read, goes to Chromium, and the snapshot says why."""

import json
import os
import sqlite3
import subprocess
import sys

from warcio.archiveiterator import ArchiveIterator

from crawler.render_policy import render_reason
from govscan.config import CrawlLimits
from reports.scoring import load_profile
from tests.conftest import ROOT

LOADER = "<script>$.ajax({url: '/LG-MayorMail/maillg/cacheListIndex?PageSize=6'})</script>"


def test_a_fetching_script_alone_is_no_reason_to_render():
    assert render_reason("<p>正文内容</p>" + LOADER, "正文内容", []) is None
    assert render_reason("<ul></ul><p>加载中……</p>", "加载中……", []) is None  # nothing fetches


def test_placeholder_noscript_or_empty_list_with_a_fetching_script_is():
    assert "加载中" in render_reason("<ul><li>加载中……</li></ul>" + LOADER, "加载中……", [])
    assert "noscript" in render_reason("<noscript>请启用JavaScript</noscript>" + LOADER, "", [])
    assert "empty list" in render_reason("<ul id='list'> </ul>" + LOADER, "", [])


def test_a_page_an_adapter_read_is_not_rendered():
    assert render_reason("<ul></ul>" + LOADER, "", ["gkmlpt"]) is None


def test_only_the_script_filled_page_is_rendered_and_the_reason_kept(static_site, tmp_path):
    root, url = static_site
    (root / "index.html").write_text(
        "<html><head><meta charset='utf-8'><title>首页</title></head><body>"
        "<a href='/mail.html'>区长信箱</a> <a href='/news.html'>新闻</a>" + LOADER + "<p>欢迎访问</p></body></html>",
        encoding="utf-8")
    (root / "news.html").write_text("<html><head><meta charset='utf-8'><title>新闻</title></head><body><p>新闻正文</p>"
                                    "</body></html>", encoding="utf-8")
    (root / "mail.html").write_text(
        "<html><head><meta charset='utf-8'><title>区长信箱</title></head><body><ul id='mail'><li>加载中……</li></ul>"
        "<script>fetch('/mail.json').then(r => r.json()).then(d => { document.getElementById('mail').innerHTML ="
        " d.map(m => '<li><a href=\"' + m.url + '\">' + m.title + '</a></li>').join(''); });</script></body></html>",
        encoding="utf-8")
    (root / "mail.json").write_text(json.dumps([{"url": "/reply.html", "title": "关于路灯的答复"}]), encoding="utf-8")
    (root / "reply.html").write_text("<html><head><meta charset='utf-8'><title>答复</title></head><body>答复</body></html>",
                                     encoding="utf-8")
    job = {"site": "t", "url": url, "snapshot": str(tmp_path / "s.sqlite"), "nameserver": None, "fast": True,
           "crawl": CrawlLimits(max_pages=20, render=True, robots=False).model_dump(),
           "thresholds": load_profile().thresholds, "warc": str(tmp_path / "archive.warc.gz")}
    (tmp_path / "job.json").write_text(json.dumps(job), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "crawler.run", str(tmp_path / "job.json")], cwd=ROOT, timeout=180,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    db = sqlite3.connect(tmp_path / "s.sqlite")
    rows = {url.rsplit("/", 1)[-1]: (rendered, reason) for url, rendered, reason in
            db.execute("SELECT url, rendered, render_reason FROM pages")}
    assert rows["mail.html"][0] == 1 and "fetch" in rows["mail.html"][1] and "加载中" in rows["mail.html"][1]
    assert rows[""] == (0, None) and rows["news.html"] == (0, None)  # the home page's script fills nothing visible
    assert "reply.html" in rows  # found only in the rendered list
    # the archive keeps both: the bytes the server sent and, marked, the DOM the checks read
    kinds = [row for row in db.execute("SELECT kind, rendered, record_id FROM captures WHERE url LIKE '%/mail.html'")]
    assert [kind for kind, _, _ in kinds] == ["response", "conversion"] and kinds[1][1] == 1
    with open(tmp_path / "archive.warc.gz", "rb") as stream:
        dom = next(record for record in ArchiveIterator(stream)
                   if record.rec_headers.get_header("WARC-Record-ID") == kinds[1][2])
        assert dom.rec_headers.get_header("WARC-Govscan-Rendered") == "chromium-dom"
        assert "关于路灯的答复" in dom.content_stream().read().decode("utf-8")
