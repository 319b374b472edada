"""政策解读 checks on real gov.cn policy pages (2019) and on the demo portal's planted cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import demo
from checks.rules.interpretation import analyse, interpretation_names, policy_names
from checks.model import Context
from checks.registry import all_checks, run_one
from demo.site import HOST, SITE_NAME, build_site
from reports.scoring import load_profile
from tests.real_pages import POLICIES as FIXTURES, POLICY_INDEX as INDEX
from tests.snapshots import make_snapshot, page_html

THRESHOLDS = load_profile().thresholds
GOVCN = Context("govcn", "中华人民共和国中央人民政府", "http://www.gov.cn/", "national", date(2019, 2, 17),
                thresholds=THRESHOLDS)
HOME = "http://www.gov.cn/"


def run(check_id: str, snap, ctx):
    return run_one(all_checks()[check_id], snap, ctx).finding


def govcn_snapshot(path: Path, entries: list[dict], extra: dict | None = None):
    pages = {HOME: page_html("<a href='http://www.gov.cn/zhengce/'>政策</a>", "中国政府网")}
    for entry in entries:
        pages[entry["url"]] = page_html((FIXTURES / entry["file"]).read_text(encoding="utf-8"), entry["title"])
    return make_snapshot(path, {**pages, **(extra or {})}, start_url=HOME)


@pytest.fixture(scope="module")
def govcn(tmp_path_factory):
    snap = govcn_snapshot(tmp_path_factory.mktemp("govcn") / "s.sqlite", INDEX)
    yield snap
    snap.close()


def numbers(docs) -> set[int]:
    by_url = {entry["url"]: entry["id"] for entry in INDEX}
    return {by_url[doc.url] for doc in docs}


def test_sidebar_frames_that_were_not_fetched_make_the_pairs_unverifiable_not_missing(govcn):
    analysis = analyse(govcn, GOVCN)
    with_frame = {entry["id"] for entry in INDEX if entry["iframe_srcs"]}
    assert len(with_frame) == 27
    assert numbers(analysis.unverifiable) == with_frame
    assert not analysis.pairs
    # the pages that only say "加强宣传引导和政策解读" in their body are not interpretations of anything
    assert {8, 12, 17, 36, 37} <= with_frame and not {8, 12, 17, 36, 37} & numbers(analysis.verifiable)
    # no sidebar at all: these recent policies have no interpretation
    assert numbers(d for d in analysis.verifiable if d.url not in analysis.pairs) == {11, 16, 53, 54, 55, 59, 60}


def test_documents_written_years_before_posting_are_reposts_not_policies_of_the_year(govcn):
    analysis = analyse(govcn, GOVCN)
    reposts = numbers(analysis.reposts)
    expected = {entry["id"] for entry in INDEX
                if int(entry["html_发布日期"][:4]) - int(entry["html_成文日期"][:4]) > 1}
    assert reposts == expected and 41 in reposts and 44 in reposts
    assert not reposts & numbers(analysis.policies)
    finding = run("interpretation.coverage", govcn, GOVCN)
    assert finding.status.value == "fail" and finding.value == "0/7"
    assert len(finding.details["unverifiable"]) == 27
    assert {row["url"] for row in finding.details["reposts"]} >= {INDEX[40]["url"]}


def test_only_framed_sidebars_leave_every_interpretation_check_unverifiable(tmp_path):
    framed = [entry for entry in INDEX if entry["iframe_srcs"]][:5]
    snap = govcn_snapshot(tmp_path / "s.sqlite", framed)
    for check_id in ("interpretation.coverage", "interpretation.linked", "interpretation.timeliness"):
        finding = run(check_id, snap, GOVCN)
        assert finding.status.value == "unverifiable", (check_id, finding.message)
        assert "框架" in finding.message or "未能获取" in finding.message


def test_a_fetched_sidebar_frame_pairs_the_policy_with_its_interpretation(tmp_path):
    entry = INDEX[0]  # 国发〔2019〕5号, published 2019-02-15, sidebar content_5365963.htm
    frame = entry["iframe_srcs"][0]
    interp = "http://www.gov.cn/zhengce/2019-02/15/content_5365990.htm"
    title = "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》解读"
    snap = govcn_snapshot(tmp_path / "s.sqlite", [entry], {
        frame: page_html(f"<h4>相关报道/解读</h4><a href='{interp}'>{title}</a>", "相关"),
        interp: page_html(f"<h1>{title}</h1><p>一、出台背景……</p>", f"{title}_中国政府网"),
    })
    assert run("interpretation.coverage", snap, GOVCN).status.value == "pass"
    linked = run("interpretation.linked", snap, GOVCN)
    assert linked.status.value == "warn" and linked.details["pairs"] == [
        {"policy": entry["url"], "interpretation": interp, "policy_to_interpretation": True,
         "interpretation_to_policy": False, "by_title": False}]
    timely = run("interpretation.timeliness", snap, GOVCN)
    assert timely.status.value == "pass" and timely.details["pairs"][0]["interpretation_published"] == "2019-02-15"


@pytest.mark.parametrize("title, names", [
    ("《金平区城市公共停车场管理办法》政策解读", {"金平区城市公共停车场管理办法"}),
    ("关于《金平区城市公共停车场管理办法》的政策解读", {"金平区城市公共停车场管理办法"}),
    ("图解：金平区老旧小区改造提升三年行动方案", {"金平区老旧小区改造提升三年行动方案"}),
    ("国家发展改革委有关负责人就《关于推进价格机制改革的若干意见》答记者问", {"关于推进价格机制改革的若干意见"}),
    ("关于加强政策解读工作的通知", set()),
    ("政策解读", set()),
    ("解读", set()),
    ("国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知", set()),
])
def test_interpretation_titles(title, names):
    assert interpretation_names(title) == names


def test_policy_names_meet_interpretation_names():
    names = policy_names("汕头市金平区人民政府办公室关于印发金平区老旧小区改造提升三年行动方案的通知")
    assert interpretation_names("图解：金平区老旧小区改造提升三年行动方案") <= names
    assert interpretation_names("《关于推进价格机制改革的若干意见》解读") <= policy_names(
        "中共中央 国务院关于推进价格机制改革的若干意见")


# -- the demo portal: every planted case, the facts demo/defects.yaml states -----------------------

def demo_snapshot(dest: Path, today: date):
    """The demo site as built for `today`, read through the crawler's parser (gkmlpt pages included)."""
    build_site(dest, today)
    root, base = dest / HOST, f"http://{HOST}"
    pages, attachments = {base + "/index.html": (root / "index.html").read_text(encoding="utf-8")}, {}
    for file in sorted(f for f in root.rglob("*") if f.is_file()):
        path = "/" + file.relative_to(root).as_posix()
        if file.suffix in (".html", ""):
            raw = file.read_bytes()
            try:
                pages[base + path] = raw.decode("utf-8")
            except UnicodeDecodeError:
                pages[base + path] = raw.decode("gb18030")
        elif path.startswith("/attachment/"):
            attachments[base + path] = 200
    return make_snapshot(dest / "snapshot.sqlite", pages, start_url=base + "/index.html", attachments=attachments)


def demo_context(today: date) -> Context:
    return Context("demo", SITE_NAME, f"http://{HOST}/", "district", today, thresholds=THRESHOLDS)


DEMO_TODAY = date(2026, 11, 25)
EXPECT = demo.defects()["expect"]


@pytest.fixture(scope="module")
def demo_snap(tmp_path_factory):
    snap = demo_snapshot(tmp_path_factory.mktemp("demo"), DEMO_TODAY)
    yield snap
    snap.close()


def path(url: str) -> str:
    return urlsplit(url).path


def test_demo_coverage(demo_snap):
    finding = run("interpretation.coverage", demo_snap, demo_context(DEMO_TODAY))
    assert finding.status.value == EXPECT["interpretation.coverage"]["status"]
    missing = {path(row["url"]) for row in finding.details["missing"]}
    assert set(EXPECT["interpretation.coverage"]["missing"]) <= missing
    assert not set(EXPECT["interpretation.coverage"]["covered"]) & missing
    assert "/gkmlpt/content/0/512/post_512001.html" not in missing  # 相关解读 both ways


def test_demo_links_and_timeliness(demo_snap):
    ctx = demo_context(DEMO_TODAY)
    linked = run("interpretation.linked", demo_snap, ctx)
    expect = EXPECT["interpretation.linked"]
    assert linked.status.value == expect["status"]
    pairs = {path(row["policy"]): row for row in linked.details["pairs"]}
    for policy, interp in expect["one_way"].items():
        row = pairs[policy]
        assert path(row["interpretation"]) == interp
        assert (row["policy_to_interpretation"], row["interpretation_to_policy"]) == (False, True)
    for policy, interp in expect["unlinked"].items():
        assert path(pairs[policy]["interpretation"]) == interp and pairs[policy]["by_title"]
    assert pairs["/gkmlpt/content/0/512/post_512001.html"]["interpretation_to_policy"]

    timely = run("interpretation.timeliness", demo_snap, ctx)
    assert timely.status.value == EXPECT["interpretation.timeliness"]["status"]
    credit = {path(row["policy"]): row["credit"] for row in timely.details["pairs"]}
    assert all(credit[p] == 0 for p in EXPECT["interpretation.timeliness"]["late"])
    assert all(credit[p] == 0.5 for p in EXPECT["interpretation.timeliness"]["partial"])
    assert credit["/gkmlpt/content/0/512/post_512001.html"] == 1


def test_demo_statuses_hold_as_the_fixed_dated_items_age(tmp_path):
    later = date(2027, 6, 1)  # the 2026 gkmlpt items have left the window
    snap = demo_snapshot(tmp_path, later)
    ctx = demo_context(later)
    for check_id in ("interpretation.coverage", "interpretation.linked", "interpretation.timeliness",
                     "rules.central_list", "rules.validity_marked", "emergency.plans"):
        assert run(check_id, snap, ctx).status.value == EXPECT[check_id]["status"], check_id


def test_the_working_day_limit_comes_from_the_context_thresholds(demo_snap):
    lenient = replace(demo_context(DEMO_TODAY), thresholds={**THRESHOLDS,
                      "interpretation.timeliness": {"partial_working_days": 10}})
    timely = run("interpretation.timeliness", demo_snap, lenient)
    credit = {path(row["policy"]): row["credit"] for row in timely.details["pairs"]}
    assert all(credit[p] == 0.5 for p in EXPECT["interpretation.timeliness"]["late"])
    assert "10个工作日内" in timely.threshold


def test_a_latest_interpretations_sidebar_pairs_only_the_policy_it_interprets(tmp_path):
    site = "http://a.test"
    jd = f"{site}/jd/1.html"
    sidebar = f"<div class='side'><h3>最新解读</h3><a href='{jd}'>《某区停车场管理办法》政策解读</a></div>"

    def policy(title: str, number: int) -> str:
        meta = (f"<table><tr><td>文号：</td><td>某府〔2026〕{number}号</td></tr>"
                f"<tr><td>发布日期：</td><td>2026-05-12</td></tr><tr><td>名称：</td><td>{title}</td></tr></table>")
        return page_html(f"{meta}<h1>{title}</h1>{sidebar}", title)

    pages = {f"{site}/": page_html("<a href='/zcwj/'>政策文件</a>", "首页"),
             f"{site}/zcwj/1.html": policy("某区人民政府关于印发《某区停车场管理办法》的通知", 1),
             **{f"{site}/zcwj/{n}.html": policy(f"某区人民政府关于印发《某区第{n}号实施细则》的通知", n) for n in (2, 3, 4)},
             jd: page_html("<p>解读正文</p>", "《某区停车场管理办法》政策解读_某区"),
             # enough other pages that the section sidebar is not site-wide chrome
             **{f"{site}/xw/{n}.html": page_html(f"<a href='{site}/'>首页</a>", f"新闻{n}") for n in range(6)}}
    snap = make_snapshot(tmp_path / "s.sqlite", pages, start_url=f"{site}/")
    ctx = replace(GOVCN, today=date(2026, 11, 25))
    analysis = analyse(snap, ctx)
    assert set(analysis.pairs) == {f"{site}/zcwj/1.html"}
    assert analysis.pairs[f"{site}/zcwj/1.html"][0].forward
    assert run("interpretation.coverage", snap, ctx).value == "1/4"
