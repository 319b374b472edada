"""政务新媒体 (newmedia.listed) on saved pages: accounts read from a table or from lines."""

from datetime import date

import pytest

from checks.model import Context, Status, Unverifiable
from checks.rules.newmedia import listed
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)
HOME = page_html("<a href='/xmt/index.html'>新媒体矩阵</a>")


def run(tmp_path, body, **kw):
    pages = {"http://a.test/": HOME}
    if body is not None:
        pages["http://a.test/xmt/index.html"] = page_html(body, title="新媒体矩阵")
    return listed(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/", **kw), CTX)


def table(*rows):
    return ("<table><tr><th>序号</th><th>名称</th><th>类型</th><th>主办单位</th></tr>"
            + "".join(f"<tr><td>{n}</td><td>{a}</td><td>{b}</td><td>某局</td></tr>" for n, (a, b) in enumerate(rows, 1))
            + "</table>")


def test_table_with_names_and_platforms_passes(tmp_path):
    finding = run(tmp_path, table(("某区发布", "新浪微博"), ("某区发布", "微信公众号"), ("某区融媒", "今日头条号")))
    assert finding.status is Status.PASS
    assert [a["platform"] for a in finding.details["accounts"]] == ["微博", "微信公众号", "今日头条"]


def test_an_account_without_its_platform_warns_and_names_it(tmp_path):
    finding = run(tmp_path, table(("某区发布", "抖音"), ("某区应急", "")))
    assert finding.status is Status.WARN and finding.details["no_platform"] == ["某区应急"]
    assert finding.score == 0.5


def test_accounts_written_as_lines(tmp_path):
    finding = run(tmp_path, "<p>微信公众号：某区发布</p><p>官方微博：“某区发布”</p><p>联系电话：0754-88888888</p>")
    assert [(a["name"], a["platform"]) for a in finding.details["accounts"]] == [("某区发布", "微信公众号"), ("某区发布", "微博")]
    assert finding.status is Status.PASS


def test_qr_codes_only_warn_no_list_fails_and_unreadable_is_unverifiable(tmp_path):
    assert run(tmp_path / "a", "<img src='/qr.png' alt='扫码关注'>").status is Status.WARN
    snap = make_snapshot(tmp_path / "b.sqlite", {"http://a.test/": page_html("<a href='/xw/'>新闻</a>")})
    assert listed(snap, CTX).status is Status.FAIL
    with pytest.raises(Unverifiable):
        run(tmp_path / "c", None, errors={"http://a.test/xmt/index.html": "dns"})
