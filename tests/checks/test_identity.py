"""site.identity on real footers: identifiers written without separators or 号, the 找错 entry as a
link, a national script or its placeholder, the 党政机关 badge written by a script, and frames that
are or are not the footer."""

from datetime import date

import pytest

from checks.model import Context, Status
from checks.registry import CheckSpec, run_one
from checks.rules.site import identity
from tests.real_pages import GOVCN_ARTICLE, REAL
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25))
ALL = ["党政机关网站标识", "网站标识码", "ICP备案编号", "公安机关备案标识", "网站主办单位", "联系方式", "我为政府网站找错"]


def judge(tmp_path, html: str, url: str = "http://a.test/", **snapshot):
    snap = make_snapshot(tmp_path / "s.sqlite", {url: html}, **snapshot)
    return run_one(CheckSpec("site.identity", "", "", "", identity), snap, CTX).finding


@pytest.mark.parametrize("path,url,scripted", [
    # 网站标识码4403070005, 粤公网安备:44030702000715, badge only by document.write(unescape(…)), jiucuo.js
    ("shenzhen_longgang_home_2018/lg_gov_cn_home_20180228_crlf.html", "http://www.lg.gov.cn/",
     ["党政机关网站标识", "我为政府网站找错"]),
    # a weather iframe in the header is not the footer
    ("ordos_engebei_nianbao_list_2020/egb_xxgk_xxgknb_index.html", "http://www.egb.gov.cn/xxgk/xxgknb/",
     ["我为政府网站找错"]),
    ("gne_testpages_provincial/shanxi_gov_article_20190918.html", "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918.shtml",
     ["我为政府网站找错"]),
    # 网站标识码bm01000001, 京公网安备11010202000001号, the footer after </html>
    ("gne_testpages_provincial/npc_decision_2007_page.html", "http://www.npc.gov.cn/", []),
])
def test_real_complete_footers_pass(tmp_path, path, url, scripted):
    finding = judge(tmp_path, (REAL / path).read_text(encoding="utf-8"), url)
    assert finding.status is Status.PASS, finding.message
    assert finding.details["present"] == ALL and finding.details["via_script"] == scripted
    assert all(name in finding.message for name in scripted)
    assert finding.evidence[0].url == url


def test_real_footer_without_contact_warns_and_names_only_that(tmp_path):
    html = (REAL / "jiangxi_wanzai_yichun_saved_2023" / "yichun_home_raw_20231011_1136.html").read_text(encoding="utf-8")
    finding = judge(tmp_path, html, "https://www.yichun.gov.cn/")
    assert finding.status is Status.WARN and finding.details["missing"] == ["联系方式"]
    assert finding.details["codes"] == ["3609000002"]


BASE = ("<a href='https://bszs.conac.cn/sitename?method=show&id=1'><img src='/red.png'></a>"
        "主办单位：测试区人民政府办公室 联系电话：0754-88888888 网站标识码4405070001 粤ICP备05012345 ")


@pytest.mark.parametrize("entry,how", [
    ("<a href='https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4405070001&url=http%3A%2F%2Fa.test%2F'>"
     "<img src='/jiucuo.png' alt='我为政府网站找错'></a>", "page"),
    ("<script id='_jiucuo_' sitecode='4405070001' src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script>", "script"),
    ("<span id='_span_jiucuo'></span>", "script"),
])
@pytest.mark.parametrize("psb", ["粤公网安备:44030702000715", "公安备案号：44030702000715", "粤公网安备号44030402003007"])
def test_jiucuo_entry_and_psb_spellings(tmp_path, entry, how, psb):
    finding = judge(tmp_path, page_html(f"<div class='footer'>{BASE}{psb} {entry}</div>"))
    assert finding.status is Status.PASS, finding.message
    assert finding.details["via_script"] == (["我为政府网站找错"] if how == "script" else [])


def test_a_word_in_passing_is_not_the_entry(tmp_path):
    finding = judge(tmp_path, page_html(f"<div class='footer'>{BASE}粤公网安备 44030702000715号</div>"
                                        "<p>请选择出错的内容片段，按下CTRL+ENTER键，以便将错误及时通知我们</p>"))
    assert finding.status is Status.WARN and finding.details["missing"] == ["我为政府网站找错"]


def test_footer_frame_unread_is_unverifiable_a_header_widget_is_not(tmp_path):
    widget = "<div class='header'><iframe src='http://tianqi.test/widget.htm'></iframe></div>"
    finding = judge(tmp_path / "a", page_html(widget + f"<div class='footer'>{BASE}</div>"),
                    errors={"http://tianqi.test/widget.htm": "timeout"})
    assert finding.status is Status.WARN and set(finding.details["missing"]) == {"公安机关备案标识", "我为政府网站找错"}
    framed = judge(tmp_path / "b", page_html("<div id='bottom'><iframe src='/foot.htm'></iframe></div>"),
                   errors={"http://a.test/foot.htm": "timeout"})
    assert framed.status is Status.UNVERIFIABLE and "http://a.test/foot.htm" in framed.message
    # the real gov.cn article: the footer is the iframe /2016public/bottom.htm
    govcn = judge(tmp_path / "c", GOVCN_ARTICLE.read_text(encoding="utf-8"), "http://www.gov.cn/xinwen/2021-08/01/content_5628785.htm")
    assert govcn.status is Status.UNVERIFIABLE


def test_footer_written_by_a_script_file_is_unverifiable(tmp_path):
    finding = judge(tmp_path, page_html("<p>正文</p><script src='/static/js/foot_2020.js'></script>"))
    assert finding.status is Status.UNVERIFIABLE and "foot_2020.js" in finding.message
