"""The 政府信息公开 platform checks on saved pages."""

from datetime import date

from checks.disclosure import annual_report_column, guide, platform, rules
from checks.model import Context, Status, Unverifiable
from tests.snapshots import make_snapshot, page_html

import pytest

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25))
NAV = "<ul><li><a href='/'>首页</a></li><li><a href='/xwzx/'>要闻动态</a></li>{extra}</ul><div>主办单位：测试区人民政府办公室 联系电话：0754-88888888</div>"


def site(tmp_path, pages, **kw):
    return make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/", **kw)


@pytest.mark.parametrize("anchor,status", [("政府信息公开", Status.PASS), ("政务公开", Status.WARN),
                                           ("信息公开目录", Status.WARN)])
def test_platform_name(tmp_path, anchor, status):
    snap = site(tmp_path, {"http://a.test/": page_html(NAV.format(extra=f"<li><a href='/zwgk/'>{anchor}</a></li>"))})
    finding = platform(snap, CTX)
    assert finding.status is status
    assert finding.evidence[0].url == "http://a.test/zwgk/"


def test_platform_missing_and_guide_link_is_not_the_platform(tmp_path):
    snap = site(tmp_path, {"http://a.test/": page_html(NAV.format(extra="<li><a href='/g/'>政府信息公开指南</a></li>"))})
    assert platform(snap, CTX).status is Status.FAIL


def test_home_page_down_makes_content_checks_unverifiable(tmp_path):
    snap = site(tmp_path, {"http://a.test/": (503, page_html("维护中"))})
    with pytest.raises(Unverifiable):
        platform(snap, CTX)


GUIDE_FULL = ("政府信息公开指南（2019年修订）一、信息分类与编排体系 二、获取方式：主动公开、依申请公开 "
              "三、工作机构：测试区人民政府办公室 办公地址：某路1号 办公时间：工作日 电话：0754-1 传真：0754-2 "
              "网址：http://a.test 电子邮箱：a@a.test")


def guide_site(tmp_path, text, extra=None, **kw):
    home = page_html(NAV.format(extra="<li><a href='/zwgk/'>政府信息公开</a></li>"))
    platform_page = page_html(NAV.format(extra="") + "<a href='/zwgk/zn/'>政府信息公开指南</a>"
                              "<a href='/zwgk/zd/'>政府信息公开制度</a><a href='/zwgk/nb/'>政府信息公开年报</a>")
    pages = {"http://a.test/": home, "http://a.test/zwgk/": platform_page}
    if text is not None:
        pages["http://a.test/zwgk/zn/"] = page_html(NAV.format(extra="") + f"<p>{text}</p>")
    pages["http://a.test/xwzx/"] = page_html(NAV.format(extra=""))
    pages.update(extra or {})
    return site(tmp_path, pages, **kw)


def test_guide_complete(tmp_path):
    finding = guide(guide_site(tmp_path, GUIDE_FULL), CTX)
    assert finding.status is Status.PASS, finding.message


def test_guide_missing_fax_ignores_footer_phone(tmp_path):
    text = GUIDE_FULL.replace("传真：0754-2", "").replace("电话：0754-1", "")
    finding = guide(guide_site(tmp_path, text), CTX)
    assert finding.status is Status.WARN
    # The footer's 联系电话 repeats on every page and must not count for the guide.
    assert finding.details["missing"] == ["联系电话", "传真号码"]


def test_guide_page_timed_out_is_unverifiable(tmp_path):
    snap = guide_site(tmp_path, None, errors={"http://a.test/zwgk/zn/": "timeout"})
    with pytest.raises(Unverifiable):
        guide(snap, CTX)


def test_guide_page_404_is_a_failure(tmp_path):
    snap = guide_site(tmp_path, None, extra={"http://a.test/zwgk/zn/": (404, page_html("Not Found"))})
    assert guide(snap, CTX).status is Status.FAIL


def test_rules_column_blank_and_filled(tmp_path):
    sidebar = "<a href='/zwgk/zn/'>政府信息公开指南</a><a href='/zwgk/nb/'>政府信息公开年报</a>"
    blank = page_html(NAV.format(extra="") + sidebar + "<div class='list'>暂无信息</div>")
    snap = guide_site(tmp_path, GUIDE_FULL, extra={"http://a.test/zwgk/zd/": blank})
    assert rules(snap, CTX).status is Status.FAIL
    filled = page_html(NAV.format(extra="") + sidebar + "<ul><li><a href='/zwgk/zd/content/post_1001.html'>测试区政府信息公开保密审查制度</a></li></ul>")
    snap = guide_site(tmp_path / "2", GUIDE_FULL, extra={"http://a.test/zwgk/zd/": filled})
    assert rules(snap, CTX).status is Status.PASS


def test_annual_report_years(tmp_path):
    reports = "".join(f"<li><a href='/nb/{y}.html'>测试区人民政府{y}年政府信息公开工作年度报告</a></li>"
                      for y in (2023, 2024, 2025))
    html = page_html(NAV.format(extra="") + f"<ul>{reports}<li><a href='/nb/wz.html'>2025年政府网站工作年度报表</a></li></ul>")
    snap = guide_site(tmp_path, GUIDE_FULL, extra={"http://a.test/zwgk/nb/": html})
    finding = annual_report_column(snap, CTX)
    assert finding.status is Status.PASS
    assert finding.details["years"] == [2023, 2024, 2025]
