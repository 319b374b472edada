"""Annual reports (年度报告) on saved pages: found, on time by the right rule, in the national format,
with table 三 verified in HTML tables, one-cell-per-line text and PDF/DOCX attachments."""

import sqlite3
from datetime import date

import pytest

import demo
from checks.rules.annual_report import (balance_mismatches, is_government, latest_present, on_time, report_format,
                                  table_three)
from checks.common import publication_date
from checks.dates import parse_date
from checks.rules.disclosure import standard_catalog, statutory_content
from checks.model import Context, Status, Unverifiable
from checks.snapshot import Snapshot
from crawler.extract import attachment_text, parse_html
from crawler.snapshot import SnapshotWriter
from reports.scoring import load_profile
from demo.site import HOST, build_site
from tests.real_pages import POLICIES as REAL, POLICY_INDEX as INDEX
from tests.snapshots import make_snapshot, page_html


GOV = "测试区人民政府"
NAV = "<ul><li><a href='/'>首页</a></li><li><a href='/zwgk/'>政府信息公开</a></li></ul>"
PLATFORM = NAV + "<a href='/zwgk/nb/'>政府信息公开年报</a>"


def ctx(today=date(2026, 11, 25), level="district"):
    return Context("t", GOV, "http://a.test/", level, today, thresholds=load_profile().thresholds)


def table_rows(year: int, carry_out: int = 1) -> list[list]:
    """Tables 二–四 as cells; `carry_out` breaks the balance of table 三 when it is not 1."""
    if year <= 2020:
        two = [["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", 0, 0, 0], ["规范性文件", 2, 2, 9],
               ["行政许可", 5], ["其他对外管理服务事项", 1], ["行政处罚", 3], ["行政强制", 0], ["行政事业性收费", 0],
               ["政府集中采购", "采购总金额", 4]]
    else:
        two = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", 0, 0, 0], ["行政规范性文件", 2, 0, 9],
               ["本年处理决定数量"], ["行政许可", 5], ["行政处罚", 3], ["行政强制", 0], ["本年收费金额（单位：万元）"],
               ["行政事业性收费", 0]]
    three = [["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
             ["一、本年新收政府信息公开申请数量", 10, 2, 0, 0, 0, 0, 12],
             ["二、上年结转政府信息公开申请数量", 1, 0, 0, 0, 0, 0, 1],
             ["三、本年度办理结果"], ["（一）予以公开", 8, 2, 0, 0, 0, 0, 10], ["(二)部分公开", 1, 0, 0, 0, 0, 0, 1],
             ["（三）不予公开", 1, 0, 0, 0, 0, 0, 1], ["（四）无法提供", 0, 0, 0, 0, 0, 0, 0],
             ["（五）不予处理", 0, 0, 0, 0, 0, 0, 0], ["（六）其他处理", 0, 0, 0, 0, 0, 0, 0],
             ["(七)总计", 10, 2, 0, 0, 0, 0, 12], ["四、结转下年度继续办理", carry_out, 0, 0, 0, 0, 0, carry_out]]
    four = [["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
            [0] * 15]
    return [two, three, four]


SECTIONS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def report_body(year: int, carry_out: int = 1, sections=SECTIONS, as_lines: bool = False) -> str:
    """The report as an HTML table (one cell per text line once parsed) or flattened to one row per line."""
    two, three, four = table_rows(year, carry_out)
    tables = {1: two, 2: three, 3: four}
    parts = []
    for i, heading in enumerate(sections):
        parts.append(f"<h3>{heading}</h3><p>本部分说明{heading[2:]}，统计期限为{year}年1月1日至{year}年12月31日。</p>")
        rows = tables.get(SECTIONS.index(heading)) if heading in SECTIONS else None
        if rows and as_lines:
            parts += [f"<p>{' '.join(map(str, row))}</p>" for row in rows]
        elif rows:
            parts.append("<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
                         + "</table>")
    return "".join(parts)


def report_page(title: str, published: str, body: str) -> str:
    meta = f"<table><tr><td>发布机构：</td><td>{GOV}</td><td>发布日期：</td><td>{published}</td></tr></table>"
    return page_html(NAV + meta + f"<h1>{title}</h1>" + body, title=title)


def site(tmp_path, reports: dict, column_status=200, **kw):
    """reports: {path: (title, published, body)} listed in the 年报 column."""
    listing = "".join(f"<li><a href='{path}'>{title}</a><span>{published}</span></li>"
                      for path, (title, published, _) in reports.items())
    pages = {"http://a.test/": page_html(PLATFORM), "http://a.test/zwgk/": page_html(PLATFORM),
             "http://a.test/zwgk/nb/": (column_status, page_html(PLATFORM + f"<ul>{listing}</ul>"))}
    for path, (title, published, body) in reports.items():
        if body is not None:
            pages["http://a.test" + path] = report_page(title, published, body)
    return make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/", **kw)


def title(year, issuer=GOV):
    return f"{issuer}{year}年政府信息公开工作年度报告"


# -- table 三 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("as_lines", [False, True], ids=["html-table", "one-row-per-line"])
def test_table_three_is_read_from_cells_and_from_flattened_rows(as_lines):
    text = parse_html(page_html(report_body(2025, as_lines=as_lines)), "http://a.test/").text
    rows = table_three(text)
    assert rows["一"] == [10, 2, 0, 0, 0, 0, 12] and rows["三（七）"] == [10, 2, 0, 0, 0, 0, 12]
    assert balance_mismatches(rows) == []


def test_unbalanced_table_names_the_column_and_the_numbers():
    rows = table_three(parse_html(page_html(report_body(2025, carry_out=3)), "http://a.test/").text)
    mismatches = balance_mismatches(rows)
    assert [m["column"] for m in mismatches] == ["自然人", "总计"]
    assert mismatches[0]["text"] == "自然人：10+1=11，而10+3=13"


def test_rows_of_different_width_are_not_called_a_mismatch():
    assert balance_mismatches({"一": [1, 2], "二": [0], "三（七）": [1, 2], "四": [0, 0]}) is None


# -- format -----------------------------------------------------------------------------------

def test_format_pass_fail_and_warn(tmp_path):
    good = {"/nb/2025.html": (title(2025), "2026-03-20", report_body(2025)),
            "/nb/2020.html": (title(2020), "2021-03-20", report_body(2020, as_lines=True))}
    finding = report_format(site(tmp_path / "good", good), ctx())
    assert finding.status is Status.PASS, finding.message
    assert [r["edition"] for r in finding.details["reports"]] == ["2021", "2019"]

    bad = {"/nb/2025.html": (title(2025), "2026-03-20", report_body(2025, carry_out=3))}
    finding = report_format(site(tmp_path / "bad", bad), ctx())
    assert finding.status is Status.FAIL
    assert "10+1=11，而10+3=13" in finding.message and finding.evidence[0].url == "http://a.test/nb/2025.html"

    swapped = [SECTIONS[0], SECTIONS[1], SECTIONS[2], SECTIONS[3], SECTIONS[5], SECTIONS[4]]
    finding = report_format(site(tmp_path / "order", {"/nb/2025.html": (title(2025), "2026-03-20",
                                                                        report_body(2025, sections=swapped))}), ctx())
    assert finding.status is Status.WARN
    assert finding.details["reports"][0]["disordered_sections"] == ["六、其他需要报告的事项"]


def test_a_2021_report_in_the_2019_format_misses_the_new_rows(tmp_path):
    old_layout = report_body(2020).replace("2020", "2022")
    finding = report_format(site(tmp_path, {"/nb/2022.html": (title(2022), "2023-03-20", old_layout)}), ctx())
    assert finding.status is Status.FAIL
    assert {"本年制发件数", "现行有效件数"} <= set(finding.details["reports"][0]["missing_labels"])


def test_report_only_as_pdf_attachment_is_read(tmp_path):
    snap = site(tmp_path, {"/att/nb2025.pdf": (title(2025), "2026-03-30", None)})
    snap.close()
    flat = parse_html(page_html(report_body(2025, as_lines=True)), "http://a.test/").text.replace("\n", " ")
    writer = SnapshotWriter(tmp_path / "s.sqlite")
    writer.attachment({"url": "http://a.test/att/nb2025.pdf", "status": 200, "type": "pdf", "size": 999,
                       "text": title(2025) + " " + flat})
    writer.close()
    snap = Snapshot(tmp_path / "s.sqlite")
    assert report_format(snap, ctx()).status is Status.PASS
    finding = on_time(snap, ctx())
    assert finding.status is Status.PASS
    assert finding.details["reports"][0]["date_source"].startswith("栏目列表所示日期")


# -- dates and deadlines ----------------------------------------------------------------------

def test_government_rule_31_march_and_department_rule_31_january(tmp_path):
    reports = {"/nb/gov.html": (title(2025), "2026-03-30", report_body(2025)),
               "/nb/dept.html": (title(2025, "测试区教育局"), "2026-02-03", report_body(2025)),
               "/nb/office.html": (title(2025, "测试区人民政府办公室"), "2026-01-30", report_body(2025))}
    finding = on_time(site(tmp_path, reports), ctx())
    assert finding.status is Status.FAIL
    late = [r for r in finding.details["reports"] if r["late"]]
    assert [r["url"] for r in late] == ["http://a.test/nb/dept.html"]
    rules = {r["url"].rsplit("/", 1)[1]: r["deadline"] for r in finding.details["reports"]}
    assert rules == {"gov.html": "2026-03-31", "dept.html": "2026-01-31", "office.html": "2026-01-31"}
    assert "1月31日" in finding.message


def test_statistics_period_in_the_text_is_not_the_publication_date(tmp_path):
    # The body states 2025年12月31日 (the period) and 2026年1月5日 (a meeting); the metadata says April.
    body = report_body(2025) + "<p>2026年1月5日召开专题会议。</p>"
    finding = on_time(site(tmp_path, {"/nb/2025.html": (title(2025), "2026年04月02日", body)}), ctx())
    assert finding.status is Status.FAIL
    assert finding.details["reports"][0]["published"] == "2026-04-02"


def test_only_older_reports_late_is_a_warning(tmp_path):
    reports = {"/nb/2025.html": (title(2025), "2026-03-01", report_body(2025)),
               "/nb/2021.html": (title(2021), "2022-05-01", report_body(2021))}
    assert on_time(site(tmp_path, reports), ctx()).status is Status.WARN


@pytest.mark.parametrize("today,level,status", [
    (date(2026, 3, 15), "district", Status.NOT_APPLICABLE),   # government: due 31 March
    (date(2026, 4, 1), "district", Status.FAIL),
    (date(2026, 2, 1), "department", Status.FAIL),            # department: due 31 January
])
def test_latest_report_missing_before_and_after_the_deadline(tmp_path, today, level, status):
    snap = site(tmp_path, {"/nb/2024.html": (title(2024, GOV if level == "district" else "测试区教育局"), "2025-01-20",
                                             report_body(2024))})
    finding = latest_present(snap, ctx(today, level))
    assert finding.status is status
    assert finding.details["year"] == 2025
    if status is Status.NOT_APPLICABLE:
        assert "请注意按时发布" in finding.message


def test_latest_report_present(tmp_path):
    snap = site(tmp_path, {"/nb/2025.html": (title(2025), "2026-03-20", report_body(2025))})
    finding = latest_present(snap, ctx())
    assert finding.status is Status.PASS and finding.evidence[0].url == "http://a.test/nb/2025.html"


def test_forbidden_or_script_only_report_column_is_unverifiable(tmp_path):
    snap = site(tmp_path / "403", {}, column_status=403)
    with pytest.raises(Unverifiable, match="403"):
        latest_present(snap, ctx())
    script_list = page_html(PLATFORM + "<ul id='list'></ul><script>fetch('/api/nb.json')</script>")
    snap = make_snapshot(tmp_path / "js.sqlite", {"http://a.test/": page_html(PLATFORM),
                                                  "http://a.test/zwgk/nb/": script_list}, start_url="http://a.test/")
    snap.close()
    db = sqlite3.connect(tmp_path / "js.sqlite")
    db.execute("UPDATE pages SET metadata = json_set(metadata, '$.needs_js', json('true')) WHERE url LIKE '%/nb/'")
    db.execute("INSERT INTO errors VALUES ('http://a.test/zwgk/nb/', 'render', 'Timeout 30000ms', '', '')")
    db.commit()
    db.close()
    with pytest.raises(Unverifiable, match="JavaScript.*渲染失败"):
        latest_present(Snapshot(tmp_path / "js.sqlite"), ctx())


def test_publication_date_of_real_gov_cn_pages_is_the_metadata_date(tmp_path):
    """Real pages carry 成文日期 and 发布日期 and dates in the body: only 发布日期 is the publication."""
    pages = {entry["url"]: (REAL / entry["file"]).read_text(encoding="utf-8") for entry in INDEX}
    snap = make_snapshot(tmp_path / "real.sqlite", pages)
    differing = 0
    for entry in INDEX:
        found, source = publication_date(snap.page(entry["url"]))
        assert found == parse_date(entry["html_发布日期"]), entry["file"]
        assert "发布日期" in source
        differing += parse_date(entry["html_成文日期"]) != found
    assert differing > 10  # the set really tells the two dates apart


# -- the demo portal, from its built files (no server) ------------------------------------------

@pytest.fixture(scope="module")
def demo_snapshot(tmp_path_factory):
    """Every page and attachment of the built demo site, parsed by the crawler's own code."""
    root = tmp_path_factory.mktemp("demo")
    build_site(root, date(2026, 11, 25))
    writer = SnapshotWriter(root / "snap.sqlite")
    base = f"http://{HOST}"
    writer.set_meta(start_url=base + "/index.html")
    for file in sorted((root / HOST).rglob("*")):
        path = "/" + file.relative_to(root / HOST).as_posix()
        if file.suffix in (".pdf", ".docx"):
            text, note = attachment_text(file.suffix[1:], file.read_bytes())
            writer.attachment({"url": base + path, "status": 200, "type": file.suffix[1:], "size": file.stat().st_size,
                               "text": text, "note": note})
        elif file.is_file() and file.suffix in (".html", ""):
            raw = file.read_bytes()
            try:
                html = raw.decode("utf-8")
            except UnicodeDecodeError:
                html = raw.decode("gb18030")
            parsed = parse_html(html, base + path)
            writer.page({"url": base + path, "final_url": base + path, "status": 200, "title": parsed.title,
                         "text": parsed.text, "html": html, "depth": 0 if path == "/index.html" else 1,
                         "metadata": parsed.metadata, "rendered": 0, "charset": "utf-8"})
            writer.links([{"source": base + path, "target": link.target, "anchor": link.anchor, "tag": link.tag,
                           "internal": int(link.target.startswith(base)), "level": 1} for link in parsed.links])
    writer.close()
    snap = Snapshot(root / "snap.sqlite")
    yield snap, demo.defects()["expect"], Context("demo", demo.SITE_NAME, base + "/", "district", date(2026, 11, 25),
                                                  thresholds=load_profile().thresholds)
    snap.close()


def site_path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_demo_reports_as_planted(demo_snapshot):
    snap, expect, demo_ctx = demo_snapshot
    latest = latest_present(snap, demo_ctx)
    assert latest.status.value == expect["annual_report.latest_present"]["status"]
    assert site_path(latest.evidence[0].url) == expect["annual_report.latest_present"]["url"]

    timing = on_time(snap, demo_ctx)
    assert timing.status.value == expect["annual_report.on_time"]["status"]
    assert [site_path(r["url"]) for r in timing.details["reports"] if r["late"]] == expect["annual_report.on_time"]["late"]
    by_kind = {site_path(r["url"]).rsplit(".", 1)[1]: r for r in timing.details["reports"]}
    assert by_kind["pdf"]["published"] == "2025-03-28" and by_kind["docx"]["published"] == "2024-03-29"

    form = report_format(snap, demo_ctx)
    assert form.status.value == expect["annual_report.format"]["status"]
    reports = {site_path(r["url"]): r for r in form.details["reports"]}
    mismatched = [path for path, r in reports.items() if r.get("balance") == "mismatch"]
    assert mismatched == expect["annual_report.format"]["mismatch"]
    assert [m["column"] for m in reports[mismatched[0]]["mismatches"]] == expect["annual_report.format"]["columns"]
    # every other report, HTML, PDF (alone or attached to a page) and DOCX, balances
    assert {path.rsplit(".", 1)[1] for path, r in reports.items() if r.get("balance") == "ok"} == {"html", "pdf", "docx"}
    assert "/zwgk/ndbg/content/post_3069377.html" in reports  # the page whose report is only its PDF


def test_demo_disclosure_content_as_planted(demo_snapshot):
    snap, expect, demo_ctx = demo_snapshot
    statutory = statutory_content(snap, demo_ctx)
    assert statutory.status.value == expect["disclosure.statutory_content"]["status"]
    missing = statutory.details["missing"]
    assert len(missing) == len(expect["disclosure.statutory_content"]["missing"])
    assert all(m.startswith(prefix) for m, prefix in zip(missing, expect["disclosure.statutory_content"]["missing"]))
    assert standard_catalog(snap, demo_ctx).status.value == expect["disclosure.standard_catalog"]["status"]


@pytest.mark.parametrize("issuer,government", [
    ("汕头市金平区人民政府", True), ("汕头市金平区", True), ("广东省", True),
    ("汕头市金平区人民政府办公室", False), ("汕头市金平区教育局", False), ("金平区金砂街道办事处", False),
    ("某某镇人民政府", False),
])
def test_which_deadline_rule_the_issuer_gets(issuer, government):
    assert is_government(issuer) is government


def test_a_notice_about_compiling_reports_is_not_a_report(tmp_path):
    reports = {"/nb/2025.html": (title(2025), "2026-03-20", report_body(2025)),
               "/tz/1.html": ("关于做好2025年政府信息公开工作年度报告编制工作的通知", "2025-12-01", "<p>请各单位按时报送。</p>")}
    finding = report_format(site(tmp_path, reports), ctx())
    assert finding.status is Status.PASS
    assert [r["url"] for r in finding.details["reports"]] == ["http://a.test/nb/2025.html"]


def test_date_line_is_the_publication_not_the_signing(tmp_path):
    body = "<p>成文日期：2026年01月10日</p><p>发文日期：2026-01-12</p><p>发布时间：2026-02-03 09:00</p>"
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/a.html": page_html(body)})
    found, source = publication_date(snap.page("http://a.test/a.html"))
    assert found == date(2026, 2, 3) and "发布时间" in source
