"""应急预案: which pages are plans, whose they are, their type, and what counts."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from checks.rules.emergency import find_plans, plan_name, plan_type
from tests.checks.test_interpretation import (DEMO_TODAY, EXPECT, GOVCN, INDEX, demo_context, demo_snapshot,
                                              govcn_snapshot, run)
from tests.snapshots import make_snapshot, page_html

SITE = "http://a.test"
DISTRICT = replace(GOVCN, site_name="汕头市金平区人民政府", level="district", site_url=f"{SITE}/")


@pytest.mark.parametrize("title, name", [
    ("汕头市金平区突发事件总体应急预案", "汕头市金平区突发事件总体应急预案"),
    ("国务院办公厅关于印发国家粮食应急预案的函", "国家粮食应急预案"),
    ("关于印发《金平区防汛防旱防风应急预案（2025年修订）》的通知", "金平区防汛防旱防风应急预案"),
    ("关于开展2026年应急预案演练的通知", None),
    ("金平区应急预案管理办法", None),
    ("应急预案", None),
])
def test_plan_names(title, name):
    assert plan_name(title) == name


@pytest.mark.parametrize("name, kind", [
    ("汕头市金平区突发事件总体应急预案", "总体预案"),
    ("汕头市森林火灾应急预案", "自然灾害"),
    ("金平区生产安全事故应急预案", "事故灾难"),
    ("金平区突发公共卫生事件应急预案", "公共卫生事件"),
    ("国家粮食应急预案", "社会安全事件"),
])
def test_plan_types(name, kind):
    assert plan_type(name) == kind


def test_a_national_plan_posted_years_later_is_a_repost_and_not_a_district_plan(tmp_path):
    snap = govcn_snapshot(tmp_path / "s.sqlite", [INDEX[40], INDEX[7]])  # #41 plan, #08 not a plan
    (plan,) = find_plans(snap, DISTRICT)
    row = plan.row()
    assert (row["name"], row["type"], row["owner"]) == ("国家粮食应急预案", "社会安全事件", "higher")
    assert (row["written"], row["published"], row["reposted"]) == ("2005-06-11", "2018-12-03", True)
    assert run("emergency.plans", snap, DISTRICT).status.value == "fail"
    # on the national portal the same plan is the site's own
    assert find_plans(snap, GOVCN)[0].owner == "own"


def plan_page(title: str, body: str = "", source: str = "") -> str:
    info = f"<div>发布时间：2025-04-18　来源：{source}</div>" if source else ""
    return page_html(f"<h1>{title}</h1>{info}<p>1 总则：制定本预案。</p><p>{body}</p>", f"{title}_某网站")


def test_own_plans_count_wherever_they_are_and_reposts_and_spam_do_not(tmp_path):
    pages = {
        f"{SITE}/": page_html("<a href='/yjgl/'>应急管理</a>", "汕头市金平区人民政府"),
        f"{SITE}/yjgl/1.html": plan_page("汕头市金平区突发事件总体应急预案"),
        f"{SITE}/yjgl/2.html": plan_page("防汛防旱防风应急预案", source="汕头市金平区应急管理局"),
        f"{SITE}/tzgg/3.html": plan_page("汕头市金平区人民政府办公室关于印发金平区突发环境事件应急预案的通知"),
        f"{SITE}/yjgl/4.html": plan_page("汕头市森林火灾应急预案"),
        f"{SITE}/yjgl/5.html": plan_page("地震应急预案", source="汕头市应急管理局"),
        f"{SITE}/yjgl/6.html": plan_page("金平区突发公共卫生事件应急预案", body="澳门新葡京娱乐城 百家乐 在线开户送彩金"),
        f"{SITE}/yjgl/7.html": plan_page("潮州市湘桥区防汛应急预案"),
    }
    snap = make_snapshot(tmp_path / "s.sqlite", pages, start_url=f"{SITE}/")
    owners = {urlsplit(plan.page.url).path: plan.owner for plan in find_plans(snap, DISTRICT)}
    assert owners == {"/yjgl/1.html": "own", "/yjgl/2.html": "own", "/tzgg/3.html": "own", "/yjgl/4.html": "higher",
                      "/yjgl/5.html": "higher", "/yjgl/6.html": "own", "/yjgl/7.html": "other"}
    finding = run("emergency.plans", snap, DISTRICT)
    assert finding.status.value == "warn" and finding.details["own_special"] == 2  # 防汛, 突发环境
    assert [urlsplit(url).path for url in finding.details["spam"]] == ["/yjgl/6.html"]
    assert finding.score == pytest.approx(0.5 + 0.5 * 2 / 3, abs=1e-3)


def test_demo_plans(tmp_path):
    snap = demo_snapshot(tmp_path, DEMO_TODAY)
    finding = run("emergency.plans", snap, demo_context(DEMO_TODAY))
    expect = EXPECT["emergency.plans"]
    assert finding.status.value == expect["status"]
    assert [urlsplit(url).path for url in finding.details["not_own"]] == expect["not_own"]
    assert [urlsplit(url).path for url in finding.details["spam"]] == expect["spam"]
    counted = {urlsplit(row["url"]).path for row in finding.details["plans"]
               if row["owner"] == "own" and not row["spam"]}
    assert set(expect["outside_column"]) <= counted
