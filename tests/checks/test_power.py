"""权责清单 (power.responsibility_list) on saved pages: own column and its date, outbound service portal."""

from datetime import date

import pytest

from checks.model import Context, Status, Unverifiable
from checks.facts.portals import service_portal
from checks.rules.power import responsibility_list
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)


def listing(*items):
    return page_html("<ul>" + "".join(f"<li><a href='/qzqd/content/post_{n}.html'>{t}</a><span>{d}</span></li>"
                                      for n, (t, d) in enumerate(items, 3000000)) + "</ul>", title="权责清单")


def run(tmp_path, home_links, pages=None, **kw):
    all_pages = {"http://a.test/": page_html(home_links), **(pages or {})}
    return responsibility_list(make_snapshot(tmp_path / "s.sqlite", all_pages, start_url="http://a.test/", **kw), CTX)


def test_own_column_updated_this_year_passes_and_names_the_newest_entry(tmp_path):
    finding = run(tmp_path, "<a href='/qzqd/index.html'>权力清单</a>", {"http://a.test/qzqd/index.html": listing(
        ("区司法局权责清单（2026年调整）", "2026-06-30"), ("区级行政机关权责清单（2024年版）", "2024-05-20"))})
    assert finding.status is Status.PASS
    assert finding.details["newest"] == "2026-06-30" and finding.details["verified"] is True
    assert any("区司法局权责清单" in e.text for e in finding.evidence)


def test_list_older_than_a_year_warns_with_its_age(tmp_path):
    finding = run(tmp_path, "<a href='/qzqd/index.html'>权责清单</a>",
                  {"http://a.test/qzqd/index.html": listing(("区级行政机关权责清单（2024年版）", "2024-05-20"))})
    assert finding.status is Status.WARN and finding.details["age_days"] == 919


def test_link_to_the_provincial_service_portal_counts_but_is_said_unverified(tmp_path):
    finding = run(tmp_path, "<a href='https://www.gdzwfw.gov.cn/portal/duty-list?region=440511'>权责清单</a>")
    assert finding.status is Status.PASS and finding.details["verified"] is False
    assert finding.details["host"] == "gdzwfw.gov.cn" and "未核验" in finding.message
    assert finding.evidence[0].url.startswith("https://www.gdzwfw.gov.cn/")


def test_link_to_an_unknown_outside_site_only_warns(tmp_path):
    finding = run(tmp_path, "<a href='http://qzqd.example.org/jinping'>权力清单和责任清单</a>")
    assert finding.status is Status.WARN and finding.details["source"] == "external"


def test_a_headline_mentioning_the_list_is_not_the_list(tmp_path):
    finding = run(tmp_path, "<a href='/xw/content/post_3091139.html'>区委编办召开权责清单调整工作推进会</a>",
                  {"http://a.test/xw/content/post_3091139.html": page_html("<p>会议部署权责清单调整工作。</p>")})
    assert finding.status is Status.FAIL


def test_unreachable_column_is_unverifiable_and_a_404_is_the_sites_failure(tmp_path):
    with pytest.raises(Unverifiable):
        run(tmp_path / "a", "<a href='/qzqd/index.html'>权责清单</a>", errors={"http://a.test/qzqd/index.html": "timeout"})
    finding = run(tmp_path / "b", "<a href='/qzqd/index.html'>权责清单</a>",
                  {"http://a.test/qzqd/index.html": (404, page_html("Not Found"))})
    assert finding.status is Status.FAIL


def test_service_portal_hosts_match_subdomains_only():
    assert service_portal("https://www.gdzwfw.gov.cn/x") == "gdzwfw.gov.cn"
    assert service_portal("https://gdzwfw.gov.cn.example.com/") is None


# -- power.functions_catalog ---------------------------------------------------------------------------

from checks.rules.power import functions_catalog  # noqa: E402

SITE = Context("t", "测试市示范区人民政府", "http://a.test/", "district", date(2026, 11, 25),
               thresholds=load_profile("default").thresholds)
FULL = ("<p>主要职责：负责全区财政收支管理。</p><p>内设机构：办公室、预算股。</p><p>办公地址：人民路1号；"
        "办公时间：工作日8:30-17:30；联系电话：0754-88888830。</p><p>负责人：张明</p>")


def source(name):
    return f"<html><head><meta charset='utf-8'><meta name='ContentSource' content='{name}'><title>动态</title></head>" \
           "<body><p>某项工作动态。</p></body></html>"


def catalog(tmp_path, departments, sources=()):
    """departments: {title: body}; sources: department names that publish news on the site."""
    pages = {"http://a.test/": page_html("<a href='/jgzn/index.html'>机构设置</a>" + "".join(
        f"<a href='/xw/post_{3000100 + n}.html'>动态{n}</a>" for n in range(len(sources))))}
    pages["http://a.test/jgzn/index.html"] = page_html("<ul>" + "".join(
        f"<li><a href='/jgzn/post_{3000000 + n}.html'>{title}</a></li>" for n, title in enumerate(departments)) + "</ul>")
    pages.update({f"http://a.test/jgzn/post_{3000000 + n}.html": page_html(body) for n, body in enumerate(departments.values())})
    pages.update({f"http://a.test/xw/post_{3000100 + n}.html": source(name) for n, name in enumerate(sources)})
    return functions_catalog(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/"), SITE)


def test_every_publishing_department_listed_with_six_items_passes(tmp_path):
    finding = catalog(tmp_path, {"示范区财政局主要职责": FULL}, sources=["测试市示范区财政局", "区财政局", "中共测试市示范区委组织部"])
    assert finding.status is Status.PASS and finding.details["not_listed"] == []
    assert finding.details["departments"][0]["department"] == "财政局"


def test_missing_items_and_unlisted_departments_warn_with_a_share(tmp_path):
    no_time = FULL.replace("办公时间：工作日8:30-17:30；", "")
    finding = catalog(tmp_path, {"示范区财政局主要职责": FULL, "示范区教育局主要职责和内设机构": no_time},
                      sources=["测试市示范区民政局", "测试市应急管理局"])
    assert finding.status is Status.WARN
    assert {d["department"]: d["missing"] for d in finding.details["departments"]} == {"财政局": [], "教育局": ["办公时间"]}
    # the city's 应急管理局 (a repost) is another government's department
    assert finding.details["not_listed"] == ["测试市示范区民政局"]
    assert finding.score == (6 + 5) / 18


def test_no_functions_column_fails(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("<a href='/xw/'>新闻</a>")})
    assert functions_catalog(snap, SITE).status is Status.FAIL
