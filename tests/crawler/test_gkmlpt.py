"""A portal on Guangdong's gkmlpt platform, served in the platform's real shape by a real HTTP server:
the crawler reads every category of two catalogues (the government's and a department's) through the
list API within its budget, never starting Chromium, and the checks see the items with their metadata."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from checks.facts.items import item_date
from checks.rules.annual_report import find_reports
from checks.rules.interpretation import analyse
from checks.rules.site import columns
from checks.model import Context
from checks.rules.rules import validity_marked
from checks.snapshot import Snapshot
from crawler.platforms.gkmlpt import day, js_unescape
from demo import gkmlpt as gk
from demo.server import DemoServer
from govscan.config import CrawlLimits
from reports.scoring import load_profile
from tests.conftest import ROOT

TODAY = date(2026, 11, 25)
SID, DEPT_SID = "440511", "440599"
# (category id, name, articles, page size, how the deployment pages)
CATEGORIES = [(7001, "规范性文件", 120, 50, "paged"), (7002, "政策解读", 60, 50, "paged"),
              (7003, "其他文件", 80, 20, "paged"), (7004, "政府信息公开年报", 12, 10, "all_on_page_1"),
              (7005, "通知公告", 40, 20, "page_2_missing")]
DEPT = [(8001, "部门文件", 25, 10, "paged")]
ESCAPED = "关于印发金平区城市更新实施办法的通知"


def article(category: int, name: str, n: int) -> dict:
    number = category * 1000 + n
    day = date(2026, 11, 20).toordinal() - 3 * n - category % 10
    published = date.fromordinal(day)
    title = f"{name}第{n}号"
    doc_no = ""
    if name == "规范性文件":
        title = ESCAPED if n == 7 else f"汕头市金平区人民政府关于印发《金平区第{n}项管理办法》的通知"
        doc_no = f"汕金府规〔{published.year}〕{n}号"
    elif name == "政策解读":
        title = f"《金平区第{n}项管理办法》政策解读"
    elif name == "政府信息公开年报":
        title = f"汕头市金平区人民政府{2025 - n}年政府信息公开工作年度报告"
        published = date(2026 - n, 3, 20)
    return {"id": number, "title": gk.js_escape(title) if n == 7 else title,
            "url": f"/gkmlpt/content/{category}/{number}/post_{number}.html",
            "date": gk.epoch(published, n), "created_at": gk.epoch(published, n),
            "display_publish_time": gk.epoch(published, n), "document_number": doc_no,
            "identifier": f"007336135/{published.year}-{number:05d}", "publisher": "汕头市金平区人民政府",
            "classify_main_name": name, "is_abolished": int(name == "规范性文件" and n % 10 == 3), "is_expired": 0,
            "attachment": [], "relation": []}


def item_page(record: dict, visible_table: bool) -> str:
    """An item page: the DETAIL record, and (on most pages) the metadata table rendered from it."""
    title = js_unescape(record["title"])
    table = ""
    if visible_table:
        validity = "已废止" if record["is_abolished"] else "有效"
        table = (f"<table class='classify'><tr><td>索引号：</td><td>{record['identifier']}</td></tr>"
                 + (f"<tr><td>文号：</td><td>{record['document_number']}</td></tr>" if record["document_number"] else "")
                 + f"<tr><td>发布日期：</td><td>{day(record['display_publish_time'])}</td></tr>"
                 f"<tr><td>有效性：</td><td>{validity}</td></tr></table>")
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{table}<h1>{title}</h1>"
            f"<div class='article-content'><p>{title}。第一条 为规范管理，制定本办法。</p></div>"
            f"<script>{gk.detail_script(record)}</script></body></html>")


def build(root: Path) -> dict[str, list[dict]]:
    site = root / "127.0.0.1"

    def write(path: str, text: str) -> None:
        target = site / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    served: dict[str, list[dict]] = {}
    for base, sid, categories in (("/gkmlpt/", SID, CATEGORIES), ("/jyj/gkmlpt/", DEPT_SID, DEPT)):
        tree = []
        for category, name, count, size, paging in categories:
            records = [article(category, name, n) for n in range(1, count + 1)]
            for record in records:
                record["url"] = record["post_url"] = base.replace("/gkmlpt/", "") + record["url"]
                write(record["url"], item_page(record, visible_table=record["id"] % 4 != 0))
            if paging == "page_2_missing":  # the platform states 40 but serves 20, and page 2 is gone
                gk.write_api(write, base, sid, {"id": category, "name": name}, records[:size], size)
                answer = json.loads((site / f"{base.lstrip('/')}api/all/{category}/sid{sid}/page1.json").read_text())
                answer["classify"]["post_count"] = count
                write(f"{base}api/all/{category}/sid{sid}/page1.json", json.dumps(answer, ensure_ascii=False))
                records = records[:size]
            else:
                gk.write_api(write, base, sid, {"id": category, "name": name}, records, size,
                             all_on_first_page=paging == "all_on_page_1")
            tree.append({"id": category, "name": name, "children": [], "jump_url": "", "post_count": count})
            served[f"{base}index#{category}"] = records
        tree.append({"id": 9999, "name": "政府信息公开指南", "children": [], "jump_url": base + "guide"})
        write(base + "index", "<html><head><meta charset='utf-8'><title>信息公开目录</title></head><body>"
                              "<ul id='list'></ul><p>正在加载……</p>"
                              f"<script>{gk.config_script(sid, tree)}</script>"
                              "<script>fetch('api/all/' + location.hash.slice(1))</script></body></html>")
        write(base + "guide", "<html><head><meta charset='utf-8'><title>政府信息公开指南</title></head><body>"
                              "<p>政府信息公开指南</p></body></html>")
    write("/index.html", "<html><head><meta charset='utf-8'><title>汕头市金平区人民政府</title></head><body>"
                         "<a href='/gkmlpt/index'>政府信息公开</a> <a href='/jyj/gkmlpt/index'>区教育局信息公开</a>"
                         "</body></html>")
    return served


def chromium_descendants(pid: int) -> list[str]:
    """Command lines of Chromium processes below `pid` (read from /proc)."""
    parents, commands = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
    found = []
    for child, command in commands.items():
        ancestor = child
        while ancestor in parents and ancestor not in (0, 1, pid):
            ancestor = parents[ancestor]
        if ancestor == pid and "chrom" in command.split(" ", 1)[0].lower():
            found.append(command)
    return found


def crawl(root: Path, max_pages: int) -> tuple[Snapshot, str, list[str]]:
    """Run the real crawler (render allowed) against the portal; (snapshot, base URL, Chromium processes seen)."""
    with DemoServer(root) as server:
        url = f"http://127.0.0.1:{server.port}/"
        limits = CrawlLimits(max_pages=max_pages, max_depth=4, render=True, robots=False).model_dump()
        job = {"site": "gkmlpt", "url": url, "snapshot": str(root / f"snapshot-{max_pages}.sqlite"), "crawl": limits,
               "nameserver": None, "fast": True, "thresholds": load_profile().thresholds}
        (root / "job.json").write_text(json.dumps(job), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        process = subprocess.Popen([sys.executable, "-m", "crawler.run", str(root / "job.json")], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        browsers = []
        while process.poll() is None:
            browsers += chromium_descendants(process.pid)
            time.sleep(0.25)  # a browser, once started, lives until the crawl ends
        assert process.returncode == 0, process.stderr.read().decode()[-2000:]
    return Snapshot(job["snapshot"]), url.rstrip("/"), browsers


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("gkmlpt")
    return root, build(root)


@pytest.fixture(scope="module")
def crawled(portal):
    root, served = portal
    snap, base, browsers = crawl(root, max_pages=600)
    yield snap, served, base, browsers
    snap.close()


def test_every_category_is_read_completely_without_a_browser(crawled):
    snap, served, base, browsers = crawled
    assert browsers == [], "Chromium must not start: the adapter reads the lists"
    assert sum(len(records) for records in served.values()) >= 300
    for list_path, records in served.items():
        listing = snap.page(base + list_path)
        summary = listing.metadata["list"]
        listed = {link.target for link in snap.links_from(listing.url)}
        assert listed == {base + record["url"] for record in records}, list_path
        if list_path.endswith("#7005"):  # stated 40, served 20, page 2 answered 404: partial, and said so
            assert summary["total"] == 40 and summary["listed"] == 20 and not summary["complete"]
            assert "HTTP 404" in summary["failed"][0]
        else:
            assert summary["complete"] and summary["listed"] == summary["total"] == len(records), list_path
        for record in records:
            assert snap.page(base + record["url"]).ok, record["url"]
    assert not any(page.rendered for page in snap.pages())
    assert snap.page(base + "/gkmlpt/index").metadata["needs_js"] is False


def test_list_rows_carry_the_articles_metadata(crawled):
    snap, _, base, _ = crawled
    rows = {link.target: link for link in snap.links_from(base + "/gkmlpt/index#7001")}
    abolished = rows[base + "/gkmlpt/content/7001/7001003/post_7001003.html"]
    assert abolished.anchor.startswith("汕头市金平区人民政府关于印发")
    assert "文号：汕金府规〔2026〕3号" in abolished.context and "有效性：已废止" in abolished.context
    assert "索引号：007336135/2026-7001003" in abolished.context and "分类：规范性文件" in abolished.context
    assert abolished.context.startswith("2026-11-")  # the publication date first, as list pages print it
    escaped = rows[base + "/gkmlpt/content/7001/7001007/post_7001007.html"]
    assert escaped.anchor == ESCAPED  # sent as %uXXXX


def test_item_pages_without_a_table_take_their_metadata_from_detail(crawled):
    snap, _, base, _ = crawled
    page = snap.page(base + "/gkmlpt/content/7001/7001004/post_7001004.html")  # id % 4 == 0: DETAIL only
    assert "文号" not in page.text
    assert page.document["文号"] == "汕金府规〔2026〕4号"
    assert page.document["索引号"] == "007336135/2026-7001004"
    assert page.document["发布日期"] == day(gk.epoch(date(2026, 11, 7), 4))


def test_checks_see_gkmlpt_items(crawled):
    snap, served, base, _ = crawled
    ctx = Context("gkmlpt", "汕头市金平区人民政府", base + "/", "district", TODAY, thresholds=load_profile().thresholds)
    reports = find_reports(snap, ctx)
    assert {report.year for report in reports} >= {2024, 2023}
    assert all("/gkmlpt/content/7004/" in report.url for report in reports)
    finding = validity_marked(snap, ctx)
    assert finding.details["documents"] == 120 and len(finding.details["unmarked"]) == 30  # valid, DETAIL only
    analysis = analyse(snap, ctx)
    assert len(analysis.policies) >= 50 and all("/gkmlpt/content/7001/" in doc.url for doc in analysis.policies)
    paired = {pair.url for pairs in analysis.pairs.values() for pair in pairs}
    assert len(paired) >= 50 and all("/gkmlpt/content/7002/" in url for url in paired)  # 解读 ↔ 规范性文件
    lists = {column.url: column for column in columns(snap)}  # freshness sees each category as a column
    assert {base + "/gkmlpt/index#7001", base + "/gkmlpt/index#7005"} <= set(lists)
    newest = served["/gkmlpt/index#7001"][0]["display_publish_time"]
    assert item_date(snap, lists[base + "/gkmlpt/index#7001"].items[0]).isoformat() == day(newest)


def test_a_small_budget_leaves_lists_partial_and_says_so(portal):
    root, served = portal
    snap, base, _ = crawl(root, max_pages=60)
    lists = {page.url[len(base):]: page.metadata["list"] for page in snap.pages() if page.metadata.get("list")}
    assert len(snap.pages()) <= 60 + len(lists)  # list pages are part of the budget: one request each
    assert any("page budget" in " ".join(summary["failed"]) for summary in lists.values())
    for list_path, summary in lists.items():
        listed = {link.target for link in snap.links_from(base + list_path)}
        whole = listed == {base + record["url"] for record in served[list_path]}
        assert summary["complete"] == (whole and list_path != "/gkmlpt/index#7005"), list_path
        assert summary["listed"] == len(listed)
    snap.close()
