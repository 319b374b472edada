"""TRS "动静结合" lists: the static first page's items are the column's newest, the stated total is
kept, and a list longer than its static pages is recorded as partial, not taken as the whole column."""

import json
import os
import subprocess
import sys

from checks.snapshot import Snapshot
from crawler.platforms import read
from govscan.config import CrawlLimits
from reports.scoring import load_profile
from tests.conftest import ROOT


def list_page(items: range, record_count: int, static: int) -> str:
    rows = "".join(f"<li><a href='./202{n % 5}01/t202{n % 5}0115_{n}.html'>年度报告{n}</a>"
                   f"<span>202{n % 5}-01-15</span></li>" for n in items)
    return ("<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body>"
            f"<ul class='list'>{rows}</ul><div id='page'></div>"
            "<script>require([\"list2.trsapi\"], function () { listModel({quickMode: \"动静结合\", "
            f"maxStaticIndex: {static}, listArgs: {{channelid: '1813', classsql: \"chnlid=1813\", "
            f"sortfield: \"-docorderpri,-docreltime\"}}, pagebar: {{prepage: 10, recordCount: '{record_count}', "
            "pageName: 'index'}}); });</script></body></html>")


def test_static_items_and_the_stated_total():
    reading = read(list_page(range(10), 20, 1), "http://a.test/xxgk/nb/index.html")
    assert reading.metadata["list"]["total"] == 20 and reading.metadata["list"]["listed"] == 10
    assert reading.metadata["list"]["complete"] is False and "未读取" in reading.metadata["list"]["unread"]
    assert reading.links == [] and reading.understood == ["trs:动静结合"]
    whole = read(list_page(range(7), 7, 1), "http://a.test/xxgk/nb/")
    assert whole.metadata["list"]["complete"] is True and whole.metadata["list"]["listed"] == 7


def test_a_list_longer_than_its_static_pages_is_partial_in_the_snapshot(static_site, tmp_path):
    root, url = static_site
    (root / "index.html").write_text("<html><head><meta charset='utf-8'><title>首页</title></head><body>"
                                     "<a href='/nb/index.html'>政府信息公开年报</a></body></html>", encoding="utf-8")
    (root / "nb").mkdir()
    (root / "nb" / "index.html").write_text(list_page(range(10), 35, 2), encoding="utf-8")
    (root / "nb" / "index_1.html").write_text(list_page(range(10, 20), 35, 2), encoding="utf-8")
    job = {"site": "t", "url": url, "snapshot": str(tmp_path / "s.sqlite"), "nameserver": None, "fast": True,
           "crawl": CrawlLimits(max_pages=60, render=True, robots=False).model_dump(),
           "thresholds": load_profile().thresholds}
    (tmp_path / "job.json").write_text(json.dumps(job), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "crawler.run", str(tmp_path / "job.json")], cwd=ROOT, timeout=180,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    snap = Snapshot(tmp_path / "s.sqlite")
    first, second = snap.page(url + "nb/index.html"), snap.page(url + "nb/index_1.html")
    assert second is not None and second.ok  # the second static page, derived from maxStaticIndex
    for page in (first, second):
        assert page.metadata["list"] == {**page.metadata["list"], "total": 35, "listed": 20, "complete": False}
        assert not page.rendered and page.metadata["needs_js"] is False
    newest = [link.context for link in snap.links_from(first.url) if "年度报告" in link.anchor]
    assert len(newest) == 10 and all(context.startswith("202") for context in newest)
    snap.close()
