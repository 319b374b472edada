"""依申请公开 (request.channel) on saved pages: channel, receiving office and the 20 + 20 working days."""

from datetime import date

import pytest

from checks.model import Context, Status, Unverifiable
from checks.rules.request import channel
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)
HOME = page_html("<a href='/ysqgk/index.html'>依申请公开</a><a href='/xxgkzn/index.html'>政府信息公开指南</a>")
CONTACTS = "<p>受理机构：某区人民政府办公室</p><p>办公地址：某区人民路1号</p><p>联系电话：0754-88888812</p>"
LIMITS = ("<p>不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，应当经负责人同意并告知申请人，"
          "延长的期限最长不得超过20个工作日。</p>")
FORM = "<form action='/ysqgk/submit'><input name='name'><input name='id'><input name='phone'><textarea name='need'></textarea></form>"


def run(tmp_path, request_page, guide="", **kw):
    pages = {"http://a.test/": HOME}
    if request_page is not None:
        pages["http://a.test/ysqgk/index.html"] = page_html(request_page, title="依申请公开")
    pages["http://a.test/xxgkzn/index.html"] = page_html(guide, title="政府信息公开指南")
    return channel(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/", **kw), CTX)


def test_own_form_contacts_and_limits_pass(tmp_path):
    finding = run(tmp_path, FORM + CONTACTS, LIMITS)
    assert finding.status is Status.PASS and finding.details["online"]["verified"] is True
    assert finding.details["missing"] == []
    limit = next(e for e in finding.evidence if e.text.startswith("延长"))
    assert limit.url == "http://a.test/xxgkzn/index.html" and "不得超过20个工作日" in limit.text


def test_written_channel_without_the_extension_limit_warns(tmp_path):
    page = "<p>申请人可以通过信函方式提出申请。</p>" + CONTACTS + "<p>行政机关收到申请后，20个工作日内予以答复。</p>"
    finding = run(tmp_path, page)
    assert finding.status is Status.WARN and finding.details["missing"] == ["延长不超过20个工作日"]
    assert finding.details["written"] is True and finding.details["online"] is None


def test_proactive_disclosure_deadline_is_not_the_reply_limit(tmp_path):
    guide = "<p>属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开。</p>"
    finding = run(tmp_path, "<p>可通过信件申请。</p>" + CONTACTS, guide)
    assert {"20个工作日内答复", "延长不超过20个工作日"} <= set(finding.details["missing"])


def test_service_portal_counts_only_where_the_page_sends_applicants_there(tmp_path):
    header = "<div class='top'><a href='https://www.gdzwfw.gov.cn/'>广东政务服务网</a></div>"
    finding = run(tmp_path / "a", header + "<p>本机关政府信息公开工作由办公室负责。</p>" + CONTACTS, LIMITS)
    assert finding.status is Status.FAIL and finding.details["online"] is None
    sentence = "<p>网上申请请登录<a href='https://www.gdzwfw.gov.cn/'>广东政务服务网</a>办理。</p>"
    finding = run(tmp_path / "b", header + sentence + CONTACTS, LIMITS)
    assert finding.status is Status.PASS and finding.details["online"]["verified"] is False
    assert "未核验" in finding.message


def test_no_page_and_no_guide_fails_and_an_unreadable_page_is_unverifiable(tmp_path):
    snap = make_snapshot(tmp_path / "a.sqlite", {"http://a.test/": page_html("<a href='/xw/'>新闻</a>")})
    assert channel(snap, CTX).status is Status.FAIL
    with pytest.raises(Unverifiable):
        run(tmp_path / "b", None, LIMITS, errors={"http://a.test/ysqgk/index.html": "timeout"})



def test_a_404_request_page_warns_even_when_the_guide_says_it_all(tmp_path):
    pages = {"http://a.test/": HOME, "http://a.test/ysqgk/index.html": (404, page_html("Not Found")),
             "http://a.test/xxgkzn/index.html": page_html("<p>申请人可以通过信函方式提出申请。</p>" + CONTACTS + LIMITS)}
    finding = channel(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/"), CTX)
    assert finding.status is Status.WARN and finding.details["broken"] and finding.details["missing"] == []
    assert "无法打开" in finding.message
