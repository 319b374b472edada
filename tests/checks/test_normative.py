"""规章/规范性文件: the document model on real gov.cn pages, the central list and validity marking."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

from checks.facts.documents import documents
from tests.checks.test_interpretation import (DEMO_TODAY, EXPECT, GOVCN, INDEX, demo_context, demo_snapshot,
                                              govcn_snapshot, run)
from tests.snapshots import make_snapshot, page_html

SITE = "http://a.test"
SEARCH = "<form action='/search' method='get'><input type='text' name='q'><button>搜索</button></form>"
LIST_SEARCH = ("<form action='/gfxwj/search'><input type='text' name='wh' placeholder='文号'>"
               "<input type='text' name='bt' placeholder='标题'></form>")


def gkmlpt_doc(title: str, doc_no: str, validity: str = "", body: str = "", attachment: str = "") -> str:
    rows = (f"<tr><td>分类：</td><td>规范性文件</td><td>文号：</td><td>{doc_no}</td></tr>"
            f"<tr><td>成文日期：</td><td>2026-05-08</td><td>发布日期：</td><td>2026-05-12</td></tr>"
            f"<tr><td>名称：</td><td colspan='3'>{title}</td></tr>"
            + (f"<tr><td>有效性：</td><td>{validity}</td></tr>" if validity else ""))
    link = f"<a href='{attachment}'>原文下载.pdf</a>" if attachment else ""
    return page_html(f"{SEARCH}<table>{rows}</table><h1>{title}</h1><p>{body}</p>{link}", title)


def site_pages(column_body: str, docs: dict) -> dict:
    home = page_html(f"{SEARCH}<a href='{SITE}/xxgk/index.html'>政府信息公开</a>", "某区人民政府")
    platform = page_html(f"{SEARCH}<a href='{SITE}/xxgk/gfxwj/index.html'>规范性文件</a>", "政府信息公开")
    items = "".join(f"<li><a href='{url}'>{url[-10:]}</a></li>" for url in docs)
    return {f"{SITE}/": home, f"{SITE}/xxgk/index.html": platform,
            f"{SITE}/xxgk/gfxwj/index.html": page_html(f"{SEARCH}{column_body}<ul>{items}</ul>", "规范性文件"), **docs}


DOCS = {
    f"{SITE}/xxgk/gfxwj/content/post_1001.html": gkmlpt_doc("某区停车场管理办法", "某府规〔2026〕1号", "有效",
                                                         attachment=f"{SITE}/att/1001.pdf"),
    f"{SITE}/xxgk/gfxwj/content/post_1002.html": gkmlpt_doc("某区户外广告管理规定", "某府规〔2021〕3号", "已废止"),
    f"{SITE}/xxgk/gfxwj/content/post_1003.html": gkmlpt_doc("某区物业管理办法", "某府规〔2026〕2号",
                                                         body="本办法自2026年6月1日起施行，有效期五年。"),
    f"{SITE}/xxgk/gfxwj/content/post_1004.html": gkmlpt_doc("某区集体资产管理办法", "某府规〔2026〕3号",
                                                         body="各部门要加强宣传引导和政策解读。"),
}


def snapshot(tmp_path, column_body: str = LIST_SEARCH, docs: dict = DOCS, attachments=None):
    return make_snapshot(tmp_path / "s.sqlite", site_pages(column_body, docs), start_url=f"{SITE}/",
                         attachments={f"{SITE}/att/1001.pdf": 200} if attachments is None else attachments)


def test_written_and_published_dates_are_kept_apart_on_real_pages(tmp_path):
    snap = govcn_snapshot(tmp_path / "s.sqlite", [INDEX[40], INDEX[0]])  # #41 国家粮食应急预案, #01
    docs = {doc.url: doc for doc in documents(snap)}
    plan, recent = docs[INDEX[40]["url"]], docs[INDEX[0]["url"]]
    assert (plan.written, plan.published, plan.doc_no) == (date(2005, 6, 11), date(2018, 12, 3), "国办函〔2005〕57号")
    assert plan.reposted and plan.in_window(GOVCN)
    assert not recent.reposted and recent.written == date(2019, 1, 27) and recent.published == date(2019, 2, 15)
    assert not plan.normative and not recent.normative
    assert run("rules.validity_marked", snap, GOVCN).status.value == "not_applicable"


def test_central_list_with_its_own_search_and_downloadable_originals_passes(tmp_path):
    finding = run("rules.central_list", snapshot(tmp_path), GOVCN)
    assert finding.status.value == "pass", finding.message
    assert finding.details["items"] == 4 and finding.details["search"] and finding.details["downloads"] == 1


@pytest.mark.parametrize("column_body, attachments, missing", [
    ("", None, ["检索功能"]),                     # only the site-wide search box of every page
    (LIST_SEARCH, {f"{SITE}/att/1001.pdf": 404}, ["原文下载"]),
    ("", {}, ["检索功能", "原文下载"]),
])
def test_central_list_without_search_or_downloads_needs_improvement(tmp_path, column_body, attachments, missing):
    finding = run("rules.central_list", snapshot(tmp_path, column_body, attachments=attachments), GOVCN)
    assert finding.status.value == "warn" and finding.details["missing"] == missing
    assert finding.score == pytest.approx(1 - 0.2 * len(missing))


def test_no_central_list_or_an_empty_one_fails(tmp_path):
    assert run("rules.central_list", snapshot(tmp_path / "empty", docs={}), GOVCN).status.value == "fail"
    pages = {f"{SITE}/": page_html("<a href='/xxgk/index.html'>政府信息公开</a>", "首页"),
             f"{SITE}/xxgk/index.html": page_html("<p>政策文件</p>", "政府信息公开")}
    snap = make_snapshot(tmp_path / "none.sqlite", pages, start_url=f"{SITE}/")
    finding = run("rules.central_list", snap, GOVCN)
    assert finding.status.value == "fail" and finding.value == "未找到"


def test_validity_from_the_metadata_field_or_a_validity_statement(tmp_path):
    finding = run("rules.validity_marked", snapshot(tmp_path), GOVCN)
    assert finding.status.value == "warn" and finding.value == "3/4"
    # "加强宣传引导和政策解读" is no validity statement; "有效期五年" is one
    assert [urlsplit(row["url"]).path for row in finding.details["unmarked"]] == ["/xxgk/gfxwj/content/post_1004.html"]
    assert finding.score == 0.75


def test_demo_central_list_and_validity(tmp_path):
    snap = demo_snapshot(tmp_path, DEMO_TODAY)
    ctx = demo_context(DEMO_TODAY)
    central = run("rules.central_list", snap, ctx)
    expect = EXPECT["rules.central_list"]
    assert central.status.value == expect["status"] and central.details["missing"] == expect["missing"]
    assert urlsplit(central.details["url"]).path == expect["url"]
    validity = run("rules.validity_marked", snap, ctx)
    assert validity.status.value == EXPECT["rules.validity_marked"]["status"]
    assert [urlsplit(row["url"]).path for row in validity.details["unmarked"]] == \
        EXPECT["rules.validity_marked"]["unmarked"]
