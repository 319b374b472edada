"""重大行政决策 (decisions.participation) on saved pages: directory, windows, feedback."""

from datetime import date

from checks.facts.consultations import window
from checks.rules.decisions import participation
from checks.model import Context, Status
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)
HOME = page_html("<a href='/yjzj/index.html'>征求意见</a><a href='/ml/post_3000001.html'>某区2026年重大行政决策事项目录</a>")
STOP = "关于公开征求《某区停车场管理办法（征求意见稿）》意见的公告"
ASSETS = "关于公开征求《某区集体资产管理办法（征求意见稿）》意见的公告"


def notice(published, said):
    return page_html(f"<div>发布时间：{published}</div><p>现向社会公开征求意见。</p><p>{said}</p>")


def run(tmp_path, notices, home=HOME):
    """notices: {id: (title, html)}"""
    pages = {"http://a.test/": home, "http://a.test/yjzj/index.html": page_html("<ul>" + "".join(
        f"<li><a href='/yjzj/content/post_{n}.html'>{title}</a></li>" for n, (title, _) in notices.items()) + "</ul>")}
    pages.update({f"http://a.test/yjzj/content/post_{n}.html": html for n, (title, html) in notices.items()})
    return participation(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/"), CTX)


def test_window_forms():
    assert window("征求意见时间：2026年9月1日至2026年9月30日。", date(2026, 9, 1))[:2] == (date(2026, 9, 1), date(2026, 9, 30))
    assert window("征求意见期限为自公告发布之日起30日。", date(2026, 9, 1))[1] == date(2026, 9, 30)
    assert window("请于2026年9月15日前反馈意见。", date(2026, 9, 1))[:2] == (date(2026, 9, 1), date(2026, 9, 15))
    assert window("为规范停车管理，制定本办法。", date(2026, 9, 1)) == (None, None, "")


def test_directory_long_windows_and_published_feedback_pass(tmp_path):
    finding = run(tmp_path, {
        3000010: (STOP, notice("2026-08-01", "征求意见时间：2026年8月1日至2026年8月31日。")),
        3000011: ("关于《某区停车场管理办法》公开征求意见采纳情况的说明", page_html("<p>采纳5条。</p>"))})
    assert finding.status is Status.PASS and finding.details["consultations"][0]["days"] == 31


def test_short_window_missing_feedback_and_missing_directory(tmp_path):
    finding = run(tmp_path, {
        3000010: (STOP, notice("2026-08-01", "征求意见时间：2026年8月1日至2026年8月31日。")),
        3000012: (ASSETS, notice("2026-10-01", "征求意见时间：2026年10月1日至2026年10月15日。")),
        3000013: ("关于《某区集体资产管理办法（征求意见稿）》征求意见采纳情况", page_html("<p>采纳2条。</p>"))},
        home=page_html("<a href='/yjzj/index.html'>征求意见</a>"))
    assert finding.status is Status.WARN and finding.score == 0.25
    assert finding.details["short"] == ["http://a.test/yjzj/content/post_3000012.html"]
    assert finding.details["no_feedback"] == ["http://a.test/yjzj/content/post_3000010.html"]
    assert finding.details["directory"] is None


def test_open_consultation_needs_no_feedback_yet_and_an_unstated_window_is_short(tmp_path):
    finding = run(tmp_path, {3000014: (STOP, notice("2026-11-20", "征求意见时间：2026年11月20日至2026年12月20日。")),
                             3000015: (ASSETS, notice("2026-11-01", "欢迎社会各界提出意见。"))})
    assert finding.details["no_feedback"] == []
    assert finding.details["short"] == ["http://a.test/yjzj/content/post_3000015.html"]


def test_nothing_at_all_fails(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("<a href='/xw/'>新闻</a>")})
    assert participation(snap, CTX).status is Status.FAIL
