"""Parsing real gov.cn pages: the metadata block as the pages state it, quirks included."""


import pytest

from crawler.extract import attachment_type, parse_html
from crawler.platforms.trs import pagination_urls
from tests.real_pages import POLICIES, POLICY_INDEX as INDEX, REAL



@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["file"])
def test_policy_page_metadata_matches_the_page(entry):
    html = (POLICIES / entry["file"]).read_text(encoding="utf-8")
    document = parse_html(html, entry["url"]).metadata["document"]
    assert document.get("成文日期") == entry["html_成文日期"]
    assert document.get("发布日期") == entry["html_发布日期"]
    assert document.get("文号", "") == (entry["doc_number"] or "")
    assert document.get("索引号") == entry["index_number"]


def test_empty_subject_cell_does_not_borrow_the_body():
    html = (POLICIES / "01_content_5365945.html").read_text(encoding="utf-8")
    assert "主题词" not in parse_html(html, "http://www.gov.cn/").metadata["document"]


def test_iframe_and_javascript_links():
    entry = next(e for e in INDEX if e["iframe_srcs"])
    parsed = parse_html((POLICIES / entry["file"]).read_text(encoding="utf-8"), entry["url"])
    frames = [link.target for link in parsed.links if link.tag == "iframe"]
    assert frames == entry["iframe_srcs"]
    assert not any(link.target.startswith("javascript") for link in parsed.links)


def test_same_line_metadata_and_gkmlpt_spans():
    html = ("<div class='info'><span>发布日期：2026-03-25</span></div>"
            "<p><label>文号：</label><span>汕金府〔2026〕12号</span></p>")
    document = parse_html(html, "http://x.test/").metadata["document"]
    assert document == {"发布日期": "2026-03-25", "文号": "汕金府〔2026〕12号"}


def test_links_resolve_against_base_and_keep_anchor_text():
    html = ("<base href='http://x.test/a/'><a href='b.html'> 政府 信息公开 </a>"
            "<a href='/f.pdf'><img alt='年报'></a><a href='javascript:void(0)'>打印</a>")
    links = parse_html(html, "http://x.test/").links
    assert [(l.target, l.anchor) for l in links] == [("http://x.test/a/b.html", "政府 信息公开"),
                                                     ("http://x.test/f.pdf", "年报")]


def test_attachment_types():
    assert attachment_type("http://x.test/a/2024.PDF?x=1") == "pdf"
    assert attachment_type("http://x.test/gkmlpt/index") is None
    assert attachment_type("http://x.test/a.docx#p") == "docx"


def test_trs_pagination_adapter():
    html = '<script>createPageHTML(3, 0, "index", "html");</script>'
    urls = [u for u, _ in pagination_urls(html, "http://x.test/xwzx/index.html")]
    assert urls == ["http://x.test/xwzx/index.html", "http://x.test/xwzx/index_1.html",
                    "http://x.test/xwzx/index_2.html"]


def test_row_context_holds_the_list_date_not_the_title():
    html = ("<ul class='list'><li><a href='/a.html'>关于开展冬季安全生产大检查的通知</a><span>2026-11-24</span></li>"
            "<li><span class='cat'>[通知公告]</span><a href='/b.html'>2026年工作要点</a> <em>2026年03月01日</em></li></ul>"
            "<div class='item'><a href='/c.html'>区长信箱</a><span>2026/10/01</span></div>"
            "<nav><a href='/'>首页</a></nav>")
    contexts = {link.target.rsplit("/", 1)[1]: link.context for link in parse_html(html, "http://x.test/").links}
    assert contexts == {"a.html": "2026-11-24", "b.html": "[通知公告] 2026年03月01日", "c.html": "2026/10/01", "": ""}


def test_hidden_links_are_recorded_with_the_hiding_style():
    html = ("<div style='display:none'><a href='http://casino.example/'>百家乐</a><a href='/x'>x</a></div>"
            "<div style='position:absolute;left:-9999px'><a href='http://b.example/'>娱乐城</a></div>"
            "<p hidden><a href='http://c.example/'>c</a></p><a href='/visible'>看得见</a>"
            "<script>var s='<div style=\"display:none\"><a href=\"http://d.example\">d</a></div>'</script>")
    hidden = parse_html(html, "http://x.test/").metadata["hidden_links"]
    assert [(h["target"], h["style"]) for h in hidden] == [
        ("http://casino.example/", "display:none"), ("http://x.test/x", "display:none"),
        ("http://b.example/", "left:-9999px"), ("http://c.example/", "hidden")]


def test_search_forms_are_recorded_but_not_logins_or_comment_forms():
    html = ("<form action='/search' method='get'><input type='hidden' name='siteid' value='44'>"
            "<input name='q' placeholder='搜索'><button>搜索</button></form>"
            "<form action='/login' method='post'><input name='user'><input type='password' name='pw'></form>"
            "<form action='/hdjl/submit'><input name='title'><textarea name='body'></textarea></form>")
    assert parse_html(html, "http://x.test/a/").metadata["forms"] == [
        {"action": "http://x.test/search", "method": "get", "field": "q", "hidden": {"siteid": "44"}}]


YICHUN_ARTICLE = REAL / "jiangxi_wanzai_yichun_saved_2023" / "yichun_tjgb_2022_article_saved2023.html"


def test_one_row_per_field_block_with_an_empty_doc_number_borrows_nothing():
    """The real 宜春 metadata block (one <dd> per field) with a 文号 row whose value cell is empty: the
    following rows (发布机构, 发文日期 …) are theirs, not 文号's."""
    html = YICHUN_ARTICLE.read_text(encoding="utf-8")
    url = "https://www.yichun.gov.cn/ycsrmzf/tjgb/202305/36796cdc82d04268913f2884cf2fe579.shtml"
    as_published = parse_html(html, url).metadata["document"]
    assert as_published["索引号"] == "014717475N/2023-0040295"
    assert as_published["发布机构"] == "宜春市统计局"
    assert "文号" not in as_published
    empty_row = ('<dd class="addWidth wh">\n\t\t\t\t\t\t\t\t<label><font>文　　号：</font></label>\n'
                 '\t\t\t\t\t\t\t\t<div class="display-block">\n\t\t\t\t\t\t\t\t</div>\n\t\t\t\t\t\t\t</dd>\n')
    first_row_after_index = '<dd class="addWidth ReleaseMechanism">'
    assert first_row_after_index in html
    with_empty = parse_html(html.replace(first_row_after_index, empty_row + first_row_after_index, 1), url)
    document = with_empty.metadata["document"]
    assert "文号" not in document
    assert (document["索引号"], document["发布机构"]) == ("014717475N/2023-0040295", "宜春市统计局")
    filled = html.replace(first_row_after_index, empty_row.replace("\n\t\t\t\t\t\t\t\t</div>", "宜府字〔2023〕7号</div>")
                          + first_row_after_index, 1)
    assert parse_html(filled, url).metadata["document"]["文号"] == "宜府字〔2023〕7号"
