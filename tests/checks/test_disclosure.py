"""The 政府信息公开 platform checks on saved pages."""

from datetime import date

from checks.rules.disclosure import annual_report_column, guide, platform, rules, standard_catalog, statutory_content
from checks.model import Context, Status, Unverifiable
from checks.snapshot import Snapshot
from crawler.snapshot import SnapshotWriter
from tests.snapshots import links_to, make_snapshot, page_html

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


def statutory_site(tmp_path, sub_columns: str, children: dict | None = None, level_pages=None):
    home = page_html(NAV.format(extra="<li><a href='/zwgk/'>政府信息公开</a></li>"))
    platform_page = page_html(NAV.format(extra="") + "<a href='/zwgk/fd/'>法定主动公开内容</a>")
    pages = {"http://a.test/": home, "http://a.test/zwgk/": platform_page,
             "http://a.test/zwgk/fd/": page_html(NAV.format(extra="") + sub_columns),
             "http://a.test/xwzx/": page_html(NAV.format(extra="") + "<a href='/xwzx/c/post_9001.html'>全区安全生产大检查</a>")}
    pages.update(children or {})
    return site(tmp_path, pages)


def test_statutory_content_coverage_with_evidence(tmp_path):
    subs = ("<ul><li><a href='/zwgk/fd/gfxwj/'>规范性文件</a></li><li><a href='/zwgk/fd/jgzn/'>机构职能</a></li>"
            "<li><a href='/zwgk/fd/czyjs/'>财政预决算</a></li></ul>")
    # the 机构职能 sub-column lists an item whose title names category (十四); the news list is not followed
    children = {"http://a.test/zwgk/fd/jgzn/": page_html(NAV.format(extra="") +
                "<a href='/zwgk/fd/jgzn/post_1.html'>2026年考试录用公务员拟录用人员公示</a>", title="机构职能")}
    finding = statutory_content(statutory_site(tmp_path, subs, children), CTX)
    assert finding.status is Status.WARN
    found = finding.details["found"]
    assert set(found) == {"（一）行政法规、规章和行政规范性文件", "（二）机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
                          "（七）财政预算、决算", "（十四）公务员招考的职位、名额、报考条件及录用结果"}
    assert found["（十四）公务员招考的职位、名额、报考条件及录用结果"]["page"] == "http://a.test/zwgk/fd/jgzn/"
    assert not any("安全生产" in item["name"] for item in found.values())
    assert finding.value == "4/21类" and finding.details["article21"]
    assert finding.score == pytest.approx(4 / 21)


def test_statutory_content_article_21_only_for_cities_and_counties(tmp_path):
    snap = statutory_site(tmp_path, "<a href='/zwgk/fd/gz/'>规章</a>")
    province = Context("t", "测试省人民政府", "http://a.test/", "province", date(2026, 11, 25))
    assert statutory_content(snap, province).value == "1/14类"


def test_statutory_column_missing_fails(tmp_path):
    snap = guide_site(tmp_path, GUIDE_FULL)
    assert statutory_content(snap, CTX).status is Status.FAIL


CATALOGUE_TABLE = ("<table><tr><td>序号</td><td>公开事项</td><td>公开内容（要素）</td><td>公开依据</td><td>公开时限</td>"
                   "<td>公开主体</td><td>公开渠道和载体</td><td>公开对象</td>{method}</tr>"
                   "<tr><td>1</td><td>部门预算</td><td>预算表</td><td>《预算法》</td><td>批复后20日内</td><td>区财政局</td>"
                   "<td>■政府网站</td><td>全社会</td></tr></table>")


def catalogue_site(tmp_path, method="<td>公开方式</td>", areas=("财政预决算", "义务教育")):
    home = page_html(NAV.format(extra="<li><a href='/zwgk/'>政府信息公开</a></li>"))
    platform_page = page_html(NAV.format(extra="") + "<a href='/zwgk/jczwgk/'>基层政务公开标准目录</a>")
    links = "".join(f"<li><a href='/zwgk/jczwgk/{i}.html'>{area}领域基层政务公开标准目录</a></li>"
                    for i, area in enumerate(areas))
    pages = {"http://a.test/": home, "http://a.test/zwgk/": platform_page,
             "http://a.test/zwgk/jczwgk/": page_html(NAV.format(extra="") + f"<ul>{links}</ul>")}
    for i, area in enumerate(areas):
        pages[f"http://a.test/zwgk/jczwgk/{i}.html"] = page_html(
            NAV.format(extra="") + CATALOGUE_TABLE.format(method=method), title=f"{area}领域基层政务公开标准目录")
    pages["http://a.test/xwzx/"] = page_html(NAV.format(extra=""))
    return site(tmp_path, pages)


def test_standard_catalogue_areas_and_elements(tmp_path):
    finding = standard_catalog(catalogue_site(tmp_path), CTX)
    assert finding.status is Status.WARN
    assert finding.details["found"] == ["义务教育", "财政预决算"] and finding.value == "2/26个领域"
    assert all(not t["missing"] for t in finding.details["tables"]) and len(finding.details["tables"]) == 2

    finding = standard_catalog(catalogue_site(tmp_path / "2", method=""), CTX)
    assert [t["missing"] for t in finding.details["tables"]] == [["公开方式"], ["公开方式"]]
    assert "缺少公开方式" in finding.message


def test_standard_catalogue_not_applicable_above_county(tmp_path):
    city = Context("t", "测试市人民政府", "http://a.test/", "city", date(2026, 11, 25))
    assert standard_catalog(catalogue_site(tmp_path), city).status is Status.NOT_APPLICABLE
    assert standard_catalog(guide_site(tmp_path / "2", GUIDE_FULL), CTX).status is Status.FAIL


def test_rules_column_forbidden_is_unverifiable(tmp_path):
    snap = guide_site(tmp_path, GUIDE_FULL, extra={"http://a.test/zwgk/zd/": (403, page_html("Forbidden"))})
    with pytest.raises(Unverifiable, match="403"):
        rules(snap, CTX)


def test_snapshot_indexes_follow_redirects(tmp_path):
    writer = SnapshotWriter(tmp_path / "r.sqlite")
    writer.set_meta(start_url="http://a.test/")
    writer.page({"url": "http://a.test/old", "final_url": "http://a.test/new", "status": 200, "html": "<p>x</p>",
                 "text": "x", "title": "t", "depth": 0, "metadata": {}})
    writer.links([{"source": "http://a.test/old", "target": "http://a.test/a", "anchor": "甲", "tag": "a",
                   "internal": 1, "level": 1}])
    writer.close()
    snap = Snapshot(tmp_path / "r.sqlite")
    assert snap.page("http://a.test/new").url == "http://a.test/old"
    assert [l.target for l in snap.links_from("http://a.test/new")] == ["http://a.test/a"]
    assert [l.source for l in links_to(snap, "http://a.test/a")] == ["http://a.test/old"]
    assert snap.page("http://a.test/new").html == "<p>x</p>"  # read on demand
