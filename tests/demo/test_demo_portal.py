"""Tests of the bundled demo portal (demo/): HTTP server, DNS server, site content, defects.yaml."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import socket
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

import demo
from crawler.platforms import gkmlpt
from demo.dns import DemoDNS
from demo.site import build_site

TODAY = dt.date(2026, 11, 25)
HOST = "www.jinping.demo.test"
DEFECTS = yaml.safe_load(Path(demo.__file__).with_name("defects.yaml").read_text(encoding="utf-8"))

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def fetch(port: int, path: str, host: str = HOST, family: str = "127.0.0.1", method: str = "GET"):
    addr = f"[{family}]" if ":" in family else family
    req = urllib.request.Request(f"http://{addr}:{port}{path}", headers={"Host": f"{host}:{port}"}, method=method)
    try:
        with _opener.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def d():
    with demo.running(today=TODAY) as running:
        yield running


@pytest.fixture(scope="module")
def site_root(d) -> Path:
    return d.root / d.host


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gbk")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (url, anchor text)
        self.metas: dict[str, str] = {}
        self.scripts: list[str] = []
        self._a: list | None = None
        self._script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self._a = [a["href"], ""]
            self.links.append(self._a)  # type: ignore[arg-type]
        elif tag in ("img", "script") and a.get("src"):
            self.links.append([a["src"], ""])
        elif tag == "link" and a.get("href"):
            self.links.append([a["href"], ""])
        elif tag == "meta" and a.get("name"):
            self.metas[a["name"]] = a.get("content", "")
        if tag == "script":
            self._script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._a = None
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._a is not None:
            self._a[1] += data
        if self._script:
            self.scripts[-1] += data


def html_pages(site_root: Path) -> dict[str, Path]:
    out = {}
    for p in site_root.rglob("*"):
        if p.is_file() and (p.suffix == ".html" or p.suffix == ""):
            out["/" + p.relative_to(site_root).as_posix()] = p
    return out


def parse(p: Path) -> _Links:
    parser = _Links()
    parser.feed(decode(p.read_bytes()))
    return parser


def internal_targets(page_path: str, parser: _Links) -> list[tuple[str, str]]:
    out = []
    for href, text in parser.links:
        if href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        u = urlsplit(urljoin(f"http://{HOST}{page_path}", href))
        if u.scheme in ("http", "https") and u.hostname == HOST:
            out.append((u.path, text.strip()))
    return out


def exists(site_root: Path, path: str) -> bool:
    f = site_root / path.lstrip("/")
    if path.endswith("/") or f.is_dir():
        f = f / "index.html"
    return f.is_file()


def trs_pages(parser: _Links, page_path: str) -> list[str]:
    """Emulate TRS createPageHTML(count, index, name, ext)."""
    out = []
    for s in parser.scripts:
        m = re.search(r'createPageHTML\((\d+),\s*(\d+),\s*"(\w+)",\s*"(\w+)"\)', s)
        if m:
            n, _, name, ext = int(m[1]), int(m[2]), m[3], m[4]
            for i in range(n):
                rel = f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"
                out.append(urlsplit(urljoin(f"http://{HOST}{page_path}", rel)).path)
    return out


# -- HTTP ---------------------------------------------------------------------------

@pytest.mark.parametrize("family", ["127.0.0.1", "::1"])
def test_home_served_on_both_families(d, family):
    status, headers, body = fetch(d.port, "/", family=family)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    text = body.decode("utf-8")
    assert '<meta name="SiteName" content="汕头市金平区人民政府">' in text
    assert (TODAY - dt.timedelta(days=1)).isoformat() in text  # fresh news
    assert d.url == f"http://{HOST}:{d.port}/"
    assert d.nameserver == f"127.0.0.1:{d.dns_port}"


def test_head(d):
    _, get_headers, get_body = fetch(d.port, "/zwgk/index.html")
    status, headers, body = fetch(d.port, "/zwgk/index.html", method="HEAD", family="::1")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == len(get_body)
    assert headers["Content-Type"] == get_headers["Content-Type"]
    status, _, body = fetch(d.port, "/no/such/page.html", method="HEAD")
    assert status == 404 and body == b""


def test_404s(d):
    status, headers, body = fetch(d.port, "/no/such/page.html")
    assert status == 404 and "页面不存在" in body.decode("utf-8")
    assert headers["Content-Type"].startswith("text/html")
    assert fetch(d.port, "/", host="unknown.demo.test")[0] == 404
    assert fetch(d.port, "/../../etc/passwd")[0] == 404
    broken = DEFECTS["expect"]["site.broken_links"]["broken"]
    assert fetch(d.port, broken[0])[0] == 404
    assert fetch(d.port, broken[2])[0] == 404
    status, _, body = fetch(d.port, broken[1])  # soft 404
    assert status == 200 and "您访问的页面不存在或已被删除" in body.decode("utf-8")


def test_content_types_and_dirs(d):
    status, headers, body = fetch(d.port, "/gkmlpt/index")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'id="gkml-list"' in body.decode("utf-8")
    base, sid, nodes = gkmlpt.catalogue(body.decode("utf-8"), f"http://{HOST}/gkmlpt/index")
    articles = 0
    for node in nodes:  # the platform's list API, as the catalogue's script asks it
        status, headers, body = fetch(d.port, f"/gkmlpt/api/all/{node['id']}?page=1&sid={sid}")
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        answer = json.loads(body)
        assert answer["classify"]["post_count"] == node["post_count"] == len(answer["articles"])
        articles += len(answer["articles"])
        assert fetch(d.port, f"/gkmlpt/api/all/{node['id']}?page=2&sid={sid}")[0] == 404
    assert articles == 10 and len(nodes) >= 5
    assert fetch(d.port, f"/gkmlpt/api/all/{nodes[0]['id']}?page=1&sid=1")[0] == 404  # another site's id
    assert fetch(d.port, "/zwgk/")[0] == 200
    req = urllib.request.Request(f"http://127.0.0.1:{d.port}/zwgk", headers={"Host": HOST})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect).open(req, timeout=10)
    assert e.value.code == 301 and e.value.headers["Location"] == "/zwgk/"
    assert fetch(d.port, "/robots.txt")[2].decode() == "User-agent: *\nDisallow: /private/\n"
    assert fetch(d.port, "/attachment/0/512/512088.pdf")[1]["Content-Type"] == "application/pdf"


def test_gbk_pages(d):
    pages = DEFECTS["gbk_pages"]
    assert len(pages) >= 3
    with_charset = 0
    for path, title in pages.items():
        status, headers, body = fetch(d.port, path)
        assert status == 200
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        text = body.decode("gbk")
        assert title in text
        assert re.search(r'<meta http-equiv="Content-Type" content="text/html; charset=(gb2312|gbk)">', text, re.I)
        ctype = headers["Content-Type"]
        if "charset" in ctype:
            assert ctype == "text/html; charset=GBK"
            with_charset += 1
        else:
            assert ctype == "text/html"
    assert with_charset == 1


def test_hostile_page_is_escaped(d):
    (path, title), = DEFECTS["hostile_pages"].items()
    body = fetch(d.port, path)[2].decode("utf-8")
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;关于金平区供水管网改造的公告" in body
    p = _Links()
    p.feed(body)
    assert p.metas["ArticleTitle"] == title


# -- DNS ----------------------------------------------------------------------------

def _resolver(port: int):
    import dns.resolver

    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.lifetime = 5
    return r


def test_dns_answers(d):
    import dns.resolver

    r = _resolver(d.dns_port)
    for name in ("www.jinping.demo.test", "jinping.demo.test", "WWW.Jinping.Demo.Test."):
        assert [a.to_text() for a in r.resolve(name, "A")] == ["127.0.0.1"]
        assert [a.to_text() for a in r.resolve(name, "AAAA")] == ["::1"]
    assert [a.to_text() for a in r.resolve(HOST, "A", tcp=True)] == ["127.0.0.1"]
    with pytest.raises(dns.resolver.NoAnswer):  # NODATA, not NXDOMAIN
        r.resolve(HOST, "MX")
    with pytest.raises(dns.resolver.NoAnswer):
        r.resolve(HOST, "TXT", tcp=True)
    with pytest.raises(dns.resolver.NoAnswer):  # empty non-terminal
        r.resolve("demo.test", "A")
    with pytest.raises(dns.resolver.NXDOMAIN):
        r.resolve("nope.jinping.demo.test", "A")
    with pytest.raises(dns.resolver.NXDOMAIN):
        r.resolve("example.com", "AAAA")


def test_dns_custom_records_and_cname():
    import dns.resolver

    records = {
        "v4only.example.test": {"A": ["127.0.0.2"]},
        "alias.example.test": {"CNAME": ["v4only.example.test"]},
    }
    with DemoDNS(records) as server:
        r = _resolver(server.port)
        assert [a.to_text() for a in r.resolve("v4only.example.test", "A")] == ["127.0.0.2"]
        with pytest.raises(dns.resolver.NoAnswer):
            r.resolve("v4only.example.test", "AAAA")
        ans = r.resolve("alias.example.test", "A")
        assert [a.to_text() for a in ans] == ["127.0.0.2"]
        assert ans.canonical_name.to_text() == "v4only.example.test."
        with pytest.raises(dns.resolver.NXDOMAIN):
            r.resolve("missing.example.test", "A")
    assert demo.zone_records()[HOST] == {"A": ["127.0.0.1"], "AAAA": ["::1"]}


# -- site content -------------------------------------------------------------------

def test_every_page_has_identity_meta(site_root):
    pages = html_pages(site_root)
    assert len(pages) >= 80
    for path, p in pages.items():
        parser = parse(p)
        text = decode(p.read_bytes())
        assert parser.metas.get("SiteName") == "汕头市金平区人民政府", path
        assert parser.metas.get("SiteIDCode") == "4405110001", path
        assert parser.metas.get("SiteDomain") == HOST, path
        assert "网站标识码：4405110001" in text and "粤ICP备05012345号" in text, path
        assert "bszs.conac.cn/sitename?method=show&amp;id=" in text, path
        assert "主办单位：汕头市金平区人民政府办公室" in text and "0754-88888888" in text, path
        assert "zfwzzc.www.gov.cn" in text and "网站地图" in text, path
        assert "公网安备" not in text and "beian.gov.cn" not in text, path  # planted defect
        if "ArticleTitle" in parser.metas:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", parser.metas["PubDate"]), path
            assert parser.metas["ContentSource"], path
        elif path != "/zwgk/old/index.html":  # the soft-404 page belongs to no column
            assert parser.metas.get("ColumnName") and parser.metas.get("ColumnType"), path
        # no page uses an absolute URL to the site (it would lose the port)
        assert f"http://{HOST}/" not in re.sub(r"网址：http://[^<]+", "", text), path


def test_links(site_root):
    pages = html_pages(site_root)
    broken = DEFECTS["expect"]["site.broken_links"]["broken"]
    js_only = set(DEFECTS["js_only"]["trs_pagination"]) | set(DEFECTS["js_only"]["gkmlpt_api"])
    static_from: dict[str, set[str]] = {}
    missing: dict[str, list[str]] = {}
    anchors: dict[str, str] = {}
    trs: set[str] = set()
    for path, p in pages.items():
        parser = parse(p)
        trs.update(trs_pages(parser, path))
        for target, text in internal_targets(path, parser):
            static_from.setdefault(target, set()).add(path)
            if text:
                anchors.setdefault(target, text)
            if not exists(site_root, target):
                missing.setdefault(target, []).append(path)
    api_urls = {a["url"] for answer in (site_root / "gkmlpt/api/all").rglob("page*.json")
                for a in json.loads(answer.read_text(encoding="utf-8"))["articles"]}
    # every internal link resolves, except exactly the planted ones
    assert set(missing) == {broken[0], broken[2]}, missing
    assert exists(site_root, broken[1]) and "页面不存在" in (site_root / broken[1].lstrip("/")).read_text("utf-8")
    for b in broken:
        assert b in static_from and anchors.get(b), b  # linked, with meaningful anchor text
        assert not (static_from[b] & js_only), b      # from crawlable pages
    # JS-only pages exist, are produced by the JS, and are not statically linked from crawlable pages
    assert set(DEFECTS["js_only"]["gkmlpt_api"]) == api_urls
    assert set(DEFECTS["js_only"]["trs_pagination"]) <= trs
    for path in js_only:
        assert exists(site_root, path), path
        assert not (static_from.get(path, set()) - js_only), (path, static_from.get(path))
    # items of index_1/index_2 are reachable only from those pages
    for page in DEFECTS["js_only"]["trs_pagination"]:
        for target, _ in internal_targets(page, parse(pages[page])):
            if "/content/" in target:
                assert static_from[target] <= js_only, target
    # the gkmlpt JS fetches the API with the catalogue's SID
    catalogue = (site_root / "gkmlpt/index").read_text("utf-8")
    assert "fetch('api/all/' + id + '?page=' + page + '&sid=' + window._CONFIG.SID)" in catalogue
    assert (site_root / "js/createPageHTML.js").is_file()


def test_planted_disclosure_defects(site_root):
    pages = html_pages(site_root)
    for path, p in pages.items():
        for target, text in internal_targets(path, parse(p)):
            assert text != "政府信息公开", (path, target)
    home = parse(pages["/index.html"])
    nav = dict((text, target) for target, text in internal_targets("/index.html", home))
    assert nav["政务公开"] == "/zwgk/index.html"
    zwgk = {t for _, t in internal_targets("/zwgk/index.html", parse(pages["/zwgk/index.html"]))}
    assert {"政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开"} <= zwgk
    guide = (site_root / "zwgk/xxgkzn/index.html").read_text("utf-8")
    for word in ("2019年4月修订", "机构名称", "办公地址", "办公时间", "联系电话", "电子邮箱", "20个工作日", "主动公开", "依申请公开"):
        assert word in guide, word
    assert "传真" not in guide and "传真" not in (site_root / "gkmlpt/guide").read_text("utf-8")
    rules = (site_root / "zwgk/xxgkzd/index.html").read_text("utf-8")
    assert "暂无信息" in rules and "/content/" not in rules


def test_annual_reports(site_root):
    text = (site_root / "zwgk/ndbg/index.html").read_text("utf-8")
    years = sorted({int(y) for y in re.findall(r"汕头市金平区人民政府(\d{4})年政府信息公开工作年度报告", text)})
    assert years == DEFECTS["expect"]["disclosure.annual_report_column"]["years"]
    assert "汕头市金平区教育局2025年政府信息公开工作年度报告" in text
    assert "2025-03-28" in text and "2026-03-27" in text


def test_attachments(site_root):
    pypdf = pytest.importorskip("pypdf")
    docx = pytest.importorskip("docx")
    for path, spec in DEFECTS["attachments"].items():
        data = (site_root / path.lstrip("/")).read_bytes()
        if spec["type"] == "pdf":
            reader = pypdf.PdfReader(io.BytesIO(data))
            assert spec["contains"] in "".join(pg.extract_text() for pg in reader.pages)
        else:
            doc = docx.Document(io.BytesIO(data))
            assert spec["contains"] in "\n".join(par.text for par in doc.paragraphs)


def test_policy_interpretation_links(site_root):
    pol = (site_root / "gkmlpt/content/0/512/post_512001.html").read_text("utf-8")
    jd = (site_root / "gkmlpt/content/0/512/post_512002.html").read_text("utf-8")
    assert "相关解读" in pol and "/gkmlpt/content/0/512/post_512002.html" in pol
    assert "原文链接" in jd and "/gkmlpt/content/0/512/post_512001.html" in jd
    for label in ("索引号", "分类", "发布机构", "成文日期", "名称", "文号", "发布日期", "主题词", "有效性"):
        assert f"{label}：" in pol
    no_jd = (site_root / "zwgk/zcwj/content/post_3060415.html").read_text("utf-8")
    assert "加强宣传引导和政策解读" in no_jd and "相关解读" not in no_jd
    assert "相关解读" in (site_root / "zwgk/zcwj/content/post_3058801.html").read_text("utf-8")


def test_dates_follow_today(tmp_path):
    build_site(tmp_path, dt.date(2025, 6, 1))
    root = tmp_path / HOST
    ndbg = (root / "zwgk/ndbg/index.html").read_text("utf-8")
    assert "2024年政府信息公开工作年度报告" in ndbg and "2025年政府信息公开工作年度报告" not in ndbg
    assert "2025-05-31" in (root / "index.html").read_text("utf-8")


def test_same_port_both_families(d):
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect((addr, d.port))
