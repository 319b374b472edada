"""政府公报 (gazette.published) on saved pages: issues, their dates, search, a mention is not a column."""

from datetime import date

from checks.rules.gazette import published
from checks.model import Context, Status
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)
SEARCH = "<form action='/search'><input name='q'></form>"


def issues(*rows, own_search=""):
    return page_html(SEARCH + own_search + "<ul>" + "".join(
        f"<li><a href='/zfgb/content/post_{3000000 + n}.html'>{t}</a><span>{d}</span></li>" for n, (t, d) in enumerate(rows))
        + "</ul>", title="政府公报")


def run(tmp_path, column):
    pages = {"http://a.test/": page_html(SEARCH + "<a href='/zfgb/index.html'>政府公报</a>"),
             "http://a.test/zfgb/index.html": column}
    return published(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/"), CTX)


def test_recent_issue_passes_and_only_its_own_search_counts(tmp_path):
    finding = run(tmp_path / "a", issues(("2026年第3期", "2026-10-15"), ("2026年第2期", "2026-07-14")))
    assert finding.status is Status.PASS and finding.details["newest"] == "2026-10-15"
    assert finding.details["issues"] == 2 and finding.details["searchable"] is False
    own = "<form action='/zfgb/search'><input name='kw'></form>"
    assert run(tmp_path / "b", issues(("2026年第3期", "2026-10-15"), own_search=own)).details["searchable"] is True


def test_last_issue_long_ago_warns(tmp_path):
    finding = run(tmp_path, issues(("2025年第4期", "2025-12-30")))
    assert finding.status is Status.WARN and finding.details["age_days"] == 330


def test_a_guide_naming_the_gazette_is_not_a_gazette_column(tmp_path):
    pages = {"http://a.test/": page_html("<a href='/xxgkzn/index.html'>政府信息公开指南</a><a href='/tjgb/'>统计公报</a>"),
             "http://a.test/xxgkzn/index.html": page_html("<p>主动公开的政府信息通过门户网站、《某区人民政府公报》等途径公开。</p>")}
    finding = published(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/"), CTX)
    assert finding.status is Status.FAIL and finding.details["mentioned_in"] == ["http://a.test/xxgkzn/index.html"]


def test_column_without_issues_fails(tmp_path):
    assert run(tmp_path, page_html("<p>暂无信息</p>", title="政府公报")).status is Status.FAIL
