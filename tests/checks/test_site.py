"""Site health checks on saved pages, including a real gov.cn page whose footer is an iframe."""

from datetime import date

import pytest

from checks.model import Context, Status, Unverifiable
from checks.rules.site import availability, broken_links, identity, reachable
from reports.scoring import load_profile
from tests.real_pages import GOVCN_ARTICLE
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile().thresholds)
FOOTER = ("<div class='footer'><a href='https://bszs.conac.cn/sitename?method=show&id=1'><img src='/red.png'></a>"
          "主办单位：测试区人民政府办公室 联系电话：0754-88888888 网站标识码：4405110001 "
          "<a href='https://beian.miit.gov.cn'>粤ICP备05012345号</a> 粤公网安备 44051102000123号 "
          "<a href='https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode=4405110001'>我为政府网站找错</a></div>")


def test_identity_complete(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html(FOOTER)})
    finding = identity(snap, CTX)
    assert finding.status is Status.PASS, finding.message
    assert finding.details["codes"] == ["4405110001"]


def test_identity_missing_psb_and_conflicting_codes(tmp_path):
    footer = FOOTER.replace("粤公网安备 44051102000123号", "") + "网站标识码：4405110002"
    finding = identity(make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html(footer)}), CTX)
    assert finding.status is Status.WARN
    assert finding.details["missing"] == ["公安机关备案标识"]
    assert "多个不同的网站标识码" in finding.message


def test_identity_without_site_code_fails(tmp_path):
    footer = FOOTER.replace("网站标识码：4405110001", "")
    finding = identity(make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html(footer)}), CTX)
    assert finding.status is Status.FAIL


def test_identity_in_unreadable_iframe_is_unverifiable(tmp_path):
    html = GOVCN_ARTICLE.read_text(encoding="utf-8")
    url = "http://www.gov.cn/xinwen/2021-08/01/content_5628785.htm"
    snap = make_snapshot(tmp_path / "s.sqlite", {url: html}, errors={"http://www.gov.cn/2016public/bottom.htm": "timeout"})
    with pytest.raises(Unverifiable, match="内嵌框架.*bottom.htm"):
        identity(snap, CTX)


def test_reachable_unreachable_and_robots(tmp_path):
    snap = make_snapshot(tmp_path / "a.sqlite", {"http://b.test/x": page_html("")}, start_url="http://a.test/",
                         errors={"http://a.test/": "refused"})
    assert reachable(snap, CTX).status is Status.FAIL
    snap = make_snapshot(tmp_path / "b.sqlite", {"http://b.test/x": page_html("")}, start_url="http://a.test/",
                         errors={"http://a.test/": "robots"})
    with pytest.raises(Unverifiable):
        reachable(snap, CTX)


def test_broken_links_real_soft_and_unverifiable(tmp_path):
    home = page_html("<a href='/ok.html'>正常</a><a href='/gone.html'>已删除的文章</a><a href='/soft.html'>旧栏目</a>"
                     "<a href='/locked.html'>内网</a><a href='/f.pdf'>附件</a><a href='/slow.html'>慢</a>"
                     "<a href='/private/'>内部</a><a href='/sso'>统一登录</a><a href='http://other.test/x'>外链</a>")
    snap = make_snapshot(tmp_path / "s.sqlite", {
        "http://a.test/": home,
        "http://a.test/ok.html": page_html("正文内容"),
        "http://a.test/gone.html": (404, page_html("Not Found")),
        "http://a.test/soft.html": page_html("<h1>您访问的页面不存在或已被删除</h1>"),
        "http://a.test/locked.html": (403, page_html("Forbidden")),
    }, errors={"http://a.test/slow.html": "timeout", "http://a.test/private/": "robots",
               "http://a.test/sso": "redirect_loop"}, attachments={"http://a.test/f.pdf": 404})
    finding = broken_links(snap, CTX)
    assert finding.status is Status.FAIL
    reasons = {b["url"]: b["reason"] for b in finding.details["broken"]}
    assert sorted(reasons) == ["http://a.test/f.pdf", "http://a.test/gone.html", "http://a.test/slow.html",
                               "http://a.test/soft.html", "http://a.test/sso"]
    assert "超时" in reasons["http://a.test/slow.html"] and "重定向" in reasons["http://a.test/sso"]
    assert sorted(u["url"] for u in finding.details["unverified"]) == ["http://a.test/locked.html", "http://a.test/private/"]
    assert all(b["source"] == "http://a.test/" and not b["external"] for b in finding.details["broken"])


def test_a_host_that_stopped_answering_is_not_a_thousand_broken_links(tmp_path):
    """Most requests timed out: the site stopped answering the assessor (site.reachable's matter)."""
    links = "".join(f"<a href='/p{i}.html'>文章{i}</a>" for i in range(8))
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html(links), "http://a.test/p0.html": page_html("")},
                         errors={f"http://a.test/p{i}.html": "timeout" for i in range(1, 8)})
    finding = broken_links(snap, CTX)
    assert finding.status is Status.PASS and finding.details["broken"] == []
    assert len(finding.details["unverified"]) == 7 and "多数请求均超时" in finding.details["unverified"][0]["reason"]


def test_broken_external_links_are_not_called_internal(tmp_path):
    import json

    probe = {"kind": "external_link", "target": "http://other.test/gone", "ok": 0,
             "detail": json.dumps({"source": "http://a.test/", "anchor": "专题", "status": 404, "error": None})}
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("<a href='http://other.test/gone'>专题</a>")},
                         probes=[probe])
    finding = broken_links(snap, CTX)
    assert finding.status is Status.FAIL and finding.details["broken"][0]["external"]
    assert "站内" not in finding.message and "1个无法打开的外部链接" in finding.message


@pytest.mark.parametrize("status", [403, 429])
def test_blocked_home_page_is_unverifiable_not_down(tmp_path, status):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": (status, page_html("Access denied"))})
    with pytest.raises(Unverifiable, match=f"HTTP {status}"):
        reachable(snap, CTX)
    snap = make_snapshot(tmp_path / "t.sqlite", {"http://a.test/": (500, page_html("error"))})
    assert reachable(snap, CTX).status is Status.FAIL


def probe_rows(total: int, failures: int) -> list[dict]:
    return [{"kind": "availability", "target": "http://a.test/", "ok": int(i >= failures),
             "detail": '{"status": null, "error": "timeout"}' if i < failures else '{"status": 200, "error": null}'}
            for i in range(total)]


@pytest.mark.parametrize("total,failures,status", [(168, 1, Status.PASS), (168, 5, Status.WARN), (168, 9, Status.FAIL)])
def test_availability_over_a_week_of_probes(tmp_path, total, failures, status):
    from reports.scoring import load_profile

    ctx = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile().thresholds)
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("")}, probes=probe_rows(total, failures))
    finding = availability(snap, ctx)
    assert finding.status is status
    assert finding.details == {"probes": total, "failed": failures, "share": round(failures / total, 4)}


def test_availability_with_too_few_probes_is_unverifiable_not_pass(tmp_path):
    from reports.scoring import load_profile

    ctx = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile().thresholds)
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("")}, probes=probe_rows(139, 0))
    with pytest.raises(Unverifiable, match="仅有139次"):
        availability(snap, ctx)


def search_row(ok: bool, **detail) -> dict:
    import json

    base = {"forms": 1, "query": "金平区召开安全生产工作会议", "article": "http://a.test/xw/post_1001.html",
            "action": "http://a.test/search", "method": "get", "url": "http://a.test/search?q=x", "status": 200,
            "error": "", "message": "", "scripted": False}
    return {"kind": "search", "target": "http://a.test/search", "ok": int(ok), "detail": json.dumps({**base, **detail})}


@pytest.mark.parametrize("ok,detail,status", [
    (True, {}, Status.PASS),
    (False, {}, Status.FAIL),
    (False, {"status": 500}, Status.FAIL),
    (False, {"forms": 0}, Status.FAIL),
    (False, {"method": "post"}, Status.UNVERIFIABLE),
    (False, {"error": "no_address", "status": None}, Status.UNVERIFIABLE),
    (False, {"scripted": True}, Status.UNVERIFIABLE),
    (False, {"query": None}, Status.UNVERIFIABLE),
])
def test_search_verdicts(tmp_path, ok, detail, status):
    from checks.registry import CheckSpec, run_one
    from checks.rules.site import search

    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("")}, probes=[search_row(ok, **detail)])
    assert run_one(CheckSpec("site.search", "", "", "", search), snap, CTX).finding.status is status


def test_a_site_that_does_not_answer_is_reachables_finding_not_broken_links(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://b.test/x": page_html("")}, start_url="http://a.test/",
                         errors={"http://a.test/": "timeout"})
    assert reachable(snap, CTX).status is Status.FAIL
    with pytest.raises(Unverifiable, match="首页"):
        broken_links(snap, CTX)
