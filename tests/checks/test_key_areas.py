"""Key areas (disclosure.key_areas) on saved pages: each area's own column, recent items, budgets."""

from dataclasses import replace
from datetime import date

from checks.rules.disclosure import key_areas
from checks.model import Context, Status
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)
COLUMNS = {"czyjs": "预决算公开", "ggws": "卫生健康", "zfcg": "政府采购", "zdxm": "重点项目", "gwyzk": "公务员招录",
           "qsydw": "公共企事业单位信息公开"}
RECENT = {"czyjs": [("某区2026年部门预算公开", "2026-03-02"), ("某区2025年区级财政决算公开", "2026-08-28")],
          "ggws": [("某区2026年10月法定传染病疫情概况", "2026-11-04")],
          "zfcg": [("某区2026年政府集中采购目录", "2026-01-22")],
          "zdxm": [("某区2026年重点建设项目计划", "2026-02-10")],
          "gwyzk": [("某区2026年考试录用公务员拟录用人员名单公示", "2026-07-08")],
          "qsydw": [("区供水公司2026年三季度水质公示", "2026-10-09")]}


def column(slug, items):
    return page_html("<ul>" + "".join(f"<li><a href='/{slug}/content/post_{n}.html'>{t}</a><span>{d}</span></li>"
                                      for n, (t, d) in enumerate(items, 3000000)) + "</ul>", title=COLUMNS[slug])


def run(tmp_path, items, ctx=CTX, home_extra="", unread=(), **kw):
    home = page_html("".join(f"<a href='/{slug}/index.html'>{COLUMNS[slug]}</a>" for slug in items) + home_extra)
    pages = {"http://a.test/": home, **{f"http://a.test/{slug}/index.html": column(slug, rows)
                                        for slug, rows in items.items() if slug not in unread}}
    return key_areas(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/", **kw), ctx)


def test_all_six_areas_current_pass(tmp_path):
    finding = run(tmp_path, RECENT)
    assert finding.status is Status.PASS and len(finding.details["covered"]) == 6
    finance = finding.details["areas"][0]
    assert finance["state"] == "current" and [d["title"] for d in finance["documents"]] == \
        ["某区2026年部门预算公开", "某区2025年区级财政决算公开"]


def test_missing_areas_and_a_headline_in_passing_make_a_partial_share(tmp_path):
    items = {slug: rows for slug, rows in RECENT.items() if slug not in ("zdxm", "qsydw")}
    headline = "<a href='/xw/content/post_3091139.html'>区领导带队督导检查重点项目建设进展情况</a>"
    finding = run(tmp_path, items, home_extra=headline)
    assert finding.status is Status.WARN and finding.score == 4 / 6
    assert finding.details["missing"] == ["重大建设项目", "公共企事业单位信息公开"]
    assert {a["area"]: a["state"] for a in finding.details["areas"]}["重大建设项目"] == "not_found"


def test_budget_without_final_accounts_and_a_stale_column(tmp_path):
    items = {**RECENT, "czyjs": RECENT["czyjs"][:1], "zfcg": [("某区2024年政府集中采购目录", "2024-01-20")]}
    finding = run(tmp_path, items)
    states = {a["area"]: a for a in finding.details["areas"]}
    assert states["财政预决算"]["state"] == "incomplete" and states["财政预决算"]["missing"] == ["2025年决算"]
    assert states["政府采购"]["state"] == "stale" and states["政府采购"]["age_days"] == 1040
    assert finding.status is Status.WARN


def test_early_in_the_year_last_years_budget_and_the_year_befores_accounts_are_due(tmp_path):
    items = {**RECENT, "czyjs": [("某区2025年部门预算公开", "2025-03-02"), ("某区2024年区级财政决算公开", "2025-08-28")]}
    finding = run(tmp_path, items, ctx=replace(CTX, today=date(2026, 2, 10)))
    assert {a["area"]: a["state"] for a in finding.details["areas"]}["财政预决算"] == "current"


def test_unreadable_column_is_left_out_of_the_share(tmp_path):
    finding = run(tmp_path, RECENT, unread=["ggws"], errors={"http://a.test/ggws/index.html": "timeout"})
    assert finding.status is Status.PASS and finding.value == "5/5个领域"
    assert {a["area"]: a["state"] for a in finding.details["areas"]}["公共卫生"] == "unverifiable"
