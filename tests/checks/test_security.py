"""Injected content goes to manual review; legitimate words and hidden internal menus do not."""

from datetime import date

from checks.model import Context, Status
from checks.rules.site import security_content
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25))
FARM = ("<div style='display:none'>" + "".join(f"<a href='http://spam{i}.example/'>百家乐{i}</a>" for i in range(4))
        + "</div>")


def test_clean_site_passes_despite_legitimate_lookalike_words(tmp_path):
    home = page_html("<p>区民政局开展福利彩票销售管理检查，推进成人教育。</p>"
                     "<ul style='display:none'><li><a href='/menu/a.html'>下拉菜单</a></li></ul>")
    assert security_content(make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": home}), CTX).status is Status.PASS


def test_link_farm_keyword_and_spam_anchor_are_each_reported(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {
        "http://a.test/": page_html("<a href='/yjya/1.html'>应急预案</a><a href='http://x.example/'>澳门威尼斯人官网</a>"),
        "http://a.test/yjya/1.html": page_html(FARM + "<p>金平区突发事件总体应急预案</p>"),
        "http://a.test/news/2.html": page_html("<p>在线百家乐，真人视讯，注册就送</p>"),
    })
    finding = security_content(snap, CTX)
    assert finding.status is Status.WARN
    kinds = sorted((hit["url"].split("/", 3)[3], hit["kind"]) for hit in finding.details["hits"])
    assert kinds == [("", "违规关键词"), ("news/2.html", "违规关键词"), ("yjya/1.html", "暗链"), ("yjya/1.html", "违规关键词")]
    assert all(e.url for e in finding.evidence)


def test_blocklisted_outbound_domain(tmp_path, monkeypatch):
    import checks.facts.security_terms as security

    terms = tmp_path / "terms.yaml"
    terms.write_text(security.TERMS_FILE.read_text(encoding="utf-8").replace("blocked_domains: []",
                                                                            "blocked_domains: [bad.example]"),
                     encoding="utf-8")
    monkeypatch.setattr(security, "TERMS_FILE", terms)
    security.terms.cache_clear()
    try:
        snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html(
            "<a href='http://www.bad.example/x'>友情链接</a><a href='http://notbad.example/'>另一个</a>")})
        finding = security_content(snap, CTX)
    finally:
        security.terms.cache_clear()
    assert [(h["kind"], h["text"]) for h in finding.details["hits"]] == [
        ("违规外链", "链接“友情链接”指向 http://www.bad.example/x")]
