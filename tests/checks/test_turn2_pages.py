"""Parsers and checks on whole pages of real county and district portals (tests/fixtures/real/SOURCES.md):
short list dates, a visible 发布日期 against a regenerated PubDate, links in script-opened <select>
options, a page filled by $.ajax, and a home page that claims IPv6 support."""

from datetime import date

from checks.common import publication_date
from checks.dates import parse_date
from checks.rules.site import home_updated
from checks.model import Context, Status
from checks.registry import all_checks, run_one
from crawler.extract import parse_html
from crawler.platforms import read
from crawler.render_policy import render_reason
from reports.scoring import load_profile
from tests.real_pages import REAL
from tests.snapshots import make_snapshot

THRESHOLDS = load_profile().thresholds
LONGGANG = (REAL / "shenzhen_longgang_home_2018" / "lg_gov_cn_home_20180228_crlf.html").read_text(encoding="utf-8")
LONGGANG_URL = "http://www.lg.gov.cn/"
WANZAI = (REAL / "jiangxi_wanzai_yichun_saved_2023" / "wanzai_tjgb_2015_article_saved20231011.html").read_text(
    encoding="utf-8")
YICHUN = (REAL / "jiangxi_wanzai_yichun_saved_2023" / "yichun_home_raw_20231011_1136.html").read_text(encoding="utf-8")


def context(site: str, url: str, today: date) -> Context:
    return Context("real", site, url, "district", today, thresholds=THRESHOLDS)


def test_longgang_list_dates_without_a_full_year(tmp_path):
    """政务动态 prints 18-03-19, 通知公告 prints 03-17: read against the day the page was read."""
    snap = make_snapshot(tmp_path / "s.sqlite", {LONGGANG_URL: LONGGANG}, start_url=LONGGANG_URL)
    cells = [link.context for link in snap.links_from(LONGGANG_URL) if link.context]
    assert "18-03-19" in cells and "03-17" in cells
    today = date(2018, 3, 20)
    assert parse_date("18-03-19", today) == date(2018, 3, 19) and parse_date("03-17", today) == date(2018, 3, 17)
    assert parse_date("12-30", today) == date(2017, 12, 30)  # no year: the latest such day not after today
    assert parse_date("18-03-19") is None and parse_date("03-17") is None  # without the day read, no guess
    finding = home_updated(snap, context("深圳市龙岗区人民政府", LONGGANG_URL, today))
    assert finding.status is Status.PASS and finding.details["newest"] == "2018-03-19", finding.message


def test_longgang_select_options_are_links_and_the_mailbox_needs_a_browser():
    reading = read(LONGGANG, LONGGANG_URL)
    departments = {anchor: target for target, anchor, tag, title in reading.links
                   if tag == "option" and title == "区政府部门网站"}
    assert departments["教育局"] == "http://www.lg.gov.cn/jyj" and len(departments) >= 20
    assert not any(link.tag == "option" for link in parse_html(LONGGANG, LONGGANG_URL).links)  # only the adapter sees them
    # 区长信箱 is filled by $.ajax behind 「加载中……」: static HTML cannot show it
    reason = render_reason(LONGGANG, parse_html(LONGGANG, LONGGANG_URL).text, reading.understood)
    assert reason and "加载中" in reason


def test_wanzai_visible_publication_date_beats_the_regenerated_pubdate(tmp_path):
    url = "http://www.wanzai.gov.cn/wzxrmzf/tjgb/201705/9c059bf058ef4db8b3c8f920e22186fe.shtml"
    page = make_snapshot(tmp_path / "s.sqlite", {url: WANZAI}).page(url)
    assert page.meta_tags["PubDate"].startswith("2022-04-24")
    found, source = publication_date(page)
    assert found == date(2017, 5, 15) and "发布日期" in source


def test_a_home_page_claiming_ipv6_is_not_an_ipv6_measurement(tmp_path):
    url = "https://www.yichun.gov.cn/"
    assert "本站已支持 IPv6 访问" in YICHUN
    snap = make_snapshot(tmp_path / "s.sqlite", {url: YICHUN}, start_url=url)
    ctx = context("宜春市人民政府", url, date(2023, 10, 11))
    for check_id in [name for name in all_checks() if name.startswith("ipv6.")]:
        finding = run_one(all_checks()[check_id], snap, ctx).finding
        assert finding.status is Status.UNVERIFIABLE, (check_id, finding.status, finding.message)
        assert "IPv6 访问" not in " ".join(e.text or "" for e in finding.evidence)
