"""领导信息 (leaders.named) on saved pages: names with 分工, the 政务公开 leader, roles without names."""

from datetime import date

import pytest

from checks.rules.leaders import named
from checks.model import Context, Status, Unverifiable
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)
HOME = page_html("<a href='/ldxx/index.html'>领导之窗</a>")


def column(*leaders):
    return page_html("<ul>" + "".join(f"<li><a href='/ldxx/content/post_{3000000 + n}.html'>{name}</a></li>"
                                      for n, (name, _, _) in enumerate(leaders)) + "</ul>", title="领导之窗")


def leader(role, duty):
    return page_html(f"<p>职务：{role}</p><p>分工：{duty}</p>")


def run(tmp_path, *leaders, extra=None, **kw):
    pages = {"http://a.test/": HOME, "http://a.test/ldxx/index.html": column(*leaders)}
    pages.update({f"http://a.test/ldxx/content/post_{3000000 + n}.html": leader(role, duty)
                  for n, (_, role, duty) in enumerate(leaders)})
    pages.update(extra or {})
    return named(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/", **kw), CTX)


def test_leader_pages_with_the_disclosure_duty_pass(tmp_path):
    finding = run(tmp_path, ("陈明远", "区长", "主持区政府全面工作。"),
                  ("林志强", "常务副区长", "负责发展改革、财政、政务公开等方面工作。"))
    assert finding.status is Status.PASS and finding.details["disclosure_leader"] == "林志强"
    assert [l["name"] for l in finding.details["leaders"]] == ["陈明远", "林志强"]


def test_named_leaders_without_a_disclosure_leader_warn(tmp_path):
    finding = run(tmp_path, ("陈明远", "区长", "主持区政府全面工作。"))
    assert finding.status is Status.WARN and finding.details["disclosure_leader"] is None


def test_division_notice_with_names_counts_and_one_with_posts_only_does_not(tmp_path):
    named_notice = page_html("<p>常务副区长林志强：负责发展改革、财政、政府信息公开等方面工作。</p>"
                             "<p>黄晓玲（副区长）：负责教育、卫生健康方面工作。</p>", title="关于调整区政府领导工作分工的通知")
    snap = make_snapshot(tmp_path / "a.sqlite", {"http://a.test/": page_html("<a href='/n/post_3072230.html'>通知</a>"),
                                                 "http://a.test/n/post_3072230.html": named_notice})
    finding = named(snap, CTX)
    assert finding.status is Status.PASS and finding.details["disclosure_leader"] == "林志强"
    assert {l["name"]: l["role"] for l in finding.details["leaders"]} == {"林志强": "常务副区长", "黄晓玲": "副区长"}
    posts_only = page_html("<p>区长主持区政府全面工作。常务副区长：负责发展改革、政务公开等方面工作。</p>",
                           title="关于调整区政府领导工作分工的通知")
    snap = make_snapshot(tmp_path / "b.sqlite", {"http://a.test/": page_html("<a href='/n/post_3072230.html'>通知</a>"),
                                                 "http://a.test/n/post_3072230.html": posts_only})
    assert named(snap, CTX).status is Status.FAIL


def test_no_leader_information_fails_and_an_unreadable_column_is_unverifiable(tmp_path):
    snap = make_snapshot(tmp_path / "a.sqlite", {"http://a.test/": page_html("<a href='/xw/'>新闻</a>")})
    assert named(snap, CTX).status is Status.FAIL
    with pytest.raises(Unverifiable):
        named(make_snapshot(tmp_path / "b.sqlite", {"http://a.test/": HOME},
                            errors={"http://a.test/ldxx/index.html": "timeout"}), CTX)
