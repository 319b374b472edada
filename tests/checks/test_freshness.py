"""Home page and column freshness (V-HOME, V-COL) on saved pages, with the rulebook's thresholds."""

from datetime import date, timedelta

import pytest

from checks.rules.site import blank_columns, columns_updated, home_updated
from checks.model import Context, Status
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

TODAY = date(2026, 11, 25)
CTX = Context("t", "测试", "http://a.test/", "district", TODAY, thresholds=load_profile("default").thresholds)
NAV = "<ul class='nav'><li><a href='/'>首页</a></li><li><a href='/xwzx/'>新闻资讯</a></li></ul><p>主办单位：测试区人民政府</p>"


def day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


def column(name: str, items: list[tuple[str, str]], kind: str = "") -> str:
    rows = "".join(f"<li><a href='{href}'>{title}</a><span>{when}</span></li>" for href, when, title in
                   [(href, when, f"{name}信息{i}") for i, (href, when) in enumerate(items)])
    head = f"<meta name='ColumnName' content='{name}'><meta name='ColumnType' content='{kind or name}'>"
    return page_html(head + NAV + f"<h1>{name}</h1><ul class='list'>{rows}</ul>", title=f"{name}_测试区")


def site(tmp_path, pages):
    fill = {f"http://a.test/filler{i}.html": page_html(NAV) for i in range(4)}  # so the nav counts as chrome
    return make_snapshot(tmp_path / "s.sqlite", {**pages, **fill}, start_url="http://a.test/")


@pytest.mark.parametrize("ago,status", [(3, Status.PASS), (14, Status.PASS), (15, Status.FAIL)])
def test_home_updated_by_list_date(tmp_path, ago, status):
    home = page_html(NAV + f"<ul><li><a href='/xwzx/1.html'>区长调研重点项目</a><span>{day(ago)}</span></li></ul>")
    finding = home_updated(site(tmp_path, {"http://a.test/": home}), CTX)
    assert finding.status is status
    assert finding.details["newest"] == day(ago)


def test_undated_home_counts_as_not_updated_and_navigation_home_uses_second_level(tmp_path):
    undated = page_html(NAV + "<ul><li><a href='/xwzx/1.html'>区长调研重点项目</a></li></ul>")
    assert home_updated(site(tmp_path / "a", {"http://a.test/": undated}), CTX).status is Status.FAIL
    navigation_only = page_html("<a href='/xwzx/'>新闻资讯</a>")
    news = column("新闻资讯", [("/xwzx/post_1001.html", day(2))])
    finding = home_updated(site(tmp_path / "b", {"http://a.test/": navigation_only, "http://a.test/xwzx/": news}), CTX)
    assert finding.status is Status.PASS and "二级页面" in finding.message


def test_a_future_date_is_not_freshness(tmp_path):
    home = page_html(NAV + f"<ul><li><a href='/xwzx/1.html'>预告</a><span>{(TODAY + timedelta(days=30)).isoformat()}</span></li></ul>")
    assert home_updated(site(tmp_path, {"http://a.test/": home}), CTX).status is Status.FAIL


def test_columns_updated_by_class(tmp_path):
    pages = {
        "http://a.test/": page_html(NAV),
        "http://a.test/xwzx/jpyw/": column("要闻动态", [("/xwzx/jpyw/post_1001.html", day(20))]),
        "http://a.test/tzgg/": column("通知公告", [("/tzgg/post_2001.html", day(150))]),
        "http://a.test/rsxx/": column("人事信息", [("/rsxx/post_3001.html", day(400))]),
        "http://a.test/tpxw/": column("专题专栏", [("/tpxw/post_4001.html", day(900))]),
    }
    finding = columns_updated(site(tmp_path, pages), CTX)
    assert finding.status is Status.WARN
    assert sorted((s["name"], s["age_days"]) for s in finding.details["stale"]) == [("人事信息", 400), ("要闻动态", 20)]
    assert finding.details["checked"] == 3  # 专题专栏 has no update rule


def test_five_stale_news_or_notice_columns_are_a_veto(tmp_path):
    pages = {"http://a.test/": page_html(NAV)}
    for i in range(5):
        pages[f"http://a.test/bmdt{i}/"] = column(f"部门动态{i}", [(f"/bmdt{i}/post_{i}001.html", day(30))], kind="工作动态")
    assert columns_updated(site(tmp_path, pages), CTX).status is Status.FAIL


def test_blank_columns_marker_hub_and_content_pages(tmp_path):
    pages = {
        "http://a.test/": page_html(NAV),
        "http://a.test/zwgk/xxgkzd/index.html": column("政府信息公开制度", []).replace("</ul>", "</ul><p>暂无信息</p>"),
        "http://a.test/xwzx/index.html": column("新闻资讯", []),  # a hub: its sub-columns live below it
        "http://a.test/xwzx/jpyw/index.html": column("要闻动态", [("/xwzx/jpyw/post_1001.html", day(1))]),
        "http://a.test/zwgk/xxgkzn/index.html": column("政府信息公开指南", []).replace(
            "</ul>", "</ul><p>" + "本指南依据《中华人民共和国政府信息公开条例》编制，载明信息分类、获取方式和工作机构联系方式。" * 2 + "</p>"),
        "http://a.test/zwgk/empty/index.html": column("统计信息", []),
    }
    finding = blank_columns(site(tmp_path, pages), CTX)
    assert finding.status is Status.WARN
    assert sorted((b["name"], b["marker"]) for b in finding.details["blank"]) == [("政府信息公开制度", "暂无信息"), ("统计信息", "")]
