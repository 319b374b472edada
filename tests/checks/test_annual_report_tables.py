"""Annual-report format on real layouts: headings worded by meaning, 表三 in merged-header HTML tables
(rowspan/colspan, &nbsp; cells, numbers with spaces), 表四 group totals, the narrative's totals
against the tables, and the real 2024 淮安 report as a PDF attachment."""

import re

import pytest

from checks.rules.annual_report import report_format
from checks.model import Status
from checks.facts.report_tables import table_four, table_three
from checks.snapshot import Snapshot
from crawler.extract import attachment_text, parse_html
from crawler.snapshot import SnapshotWriter
from tests.checks.test_annual_report import ctx, report_body, site, title
from tests.real_pages import REAL
from tests.snapshots import page_html

HUAIAN = REAL / "annual_report_huaian_2024_pdf" / "huaian_szf_2024_zfxxgk_annual_report.pdf"
BLANK = "<td>&nbsp;</td>"


def cells(values) -> str:
    return "".join(BLANK if v == 0 else f"<td> {v:,} </td>".replace(",", " ") for v in values)


def merged_three(new_natural: int = 3001) -> str:
    """表三 as real portals lay it out: a merged 申请人情况 header, label cells spanning rows and
    columns, zeros left blank (&nbsp;), thousands written with a space."""
    total = new_natural + 53
    rows = [
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan='7'>申请人情况</td></tr>",
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>",
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
        f"<tr><td colspan='3'>一、本年新收政府信息公开申请数量</td>{cells([new_natural, 53, 0, 0, 0, 0, total])}</tr>",
        f"<tr><td colspan='3'>二、上年结转政府信息公开申请数量</td>{cells([34, 0, 0, 0, 0, 0, 34])}</tr>",
        f"<tr><td rowspan='7'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td>{cells([2932, 53, 0, 0, 0, 0, 2985])}</tr>",
        f"<tr><td colspan='2'>（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td>{cells([0] * 7)}</tr>",
        f"<tr><td rowspan='1'>（三）不予公开</td><td>1.属于国家秘密</td>{cells([0] * 7)}</tr>",
        *(f"<tr><td colspan='2'>{label}</td>{cells([0] * 7)}</tr>" for label in ("（四）无法提供", "（五）不予处理", "（六）其他处理")),
        f"<tr><td colspan='2'>（七）总计</td>{cells([2932, 53, 0, 0, 0, 0, 2985])}</tr>",
        f"<tr><td colspan='3'>四、结转下年度继续办理</td>{cells([103, 0, 0, 0, 0, 0, 103])}</tr>",
    ]
    return "<table>" + "".join(rows) + "</table>"


def merged_four(numbers) -> str:
    header = "".join(f"<td>{w}</td>" for w in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
    return ("<table><tr><td colspan='5' rowspan='2'>行政复议</td><td colspan='10'>行政诉讼</td></tr>"
            "<tr><td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr>"
            f"<tr>{header}</tr><tr>{cells(numbers)}</tr></table>")


BALANCED_FOUR = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def report_with(three: str, four: str, narrative: str = "") -> str:
    body = report_body(2025)
    tables = re.findall(r"<table>.*?</table>", body)
    return body.replace(tables[1], three).replace(tables[2], four).replace("本部分说明总体情况", narrative + "本部分说明总体情况")


def judge(tmp_path, body):
    return report_format(site(tmp_path, {"/nb/2025.html": (title(2025), "2026-03-20", body)}), ctx())


def test_merged_header_table_is_read_by_cell():
    html = page_html(merged_three() + merged_four(BALANCED_FOUR))
    text = parse_html(html, "http://a.test/").text
    rows = table_three(text, html)
    assert rows["一"] == [3001, 53, 0, 0, 0, 0, 3054] and rows["四"] == [103, 0, 0, 0, 0, 0, 103]
    assert table_four(text, html) == BALANCED_FOUR


def test_unbalanced_merged_table_fails_instead_of_passing_unread(tmp_path):
    finding = judge(tmp_path, report_with(merged_three(new_natural=3100), merged_four(BALANCED_FOUR)))
    assert finding.status is Status.FAIL, finding.message
    report = finding.details["reports"][0]
    assert report["balance"] == "mismatch" and [m["column"] for m in report["mismatches"]] == ["自然人", "总计"]
    assert "自然人：3100+34=3134，而2932+103=3035" in finding.message


def test_balanced_merged_tables_pass_with_both_tables_checked(tmp_path):
    finding = judge(tmp_path, report_with(merged_three(new_natural=3001), merged_four(BALANCED_FOUR)))
    assert finding.status is Status.PASS, finding.message
    assert finding.details["reports"][0]["balance"] == "ok" and finding.details["reports"][0]["review"] == "ok"
    assert "未核对" not in finding.message


def test_table_four_group_total_that_does_not_add_up_fails(tmp_path):
    wrong = BALANCED_FOUR[:9] + [27] + BALANCED_FOUR[10:]  # 13+4+8+1 = 26, printed as 27
    finding = judge(tmp_path, report_with(merged_three(), merged_four(wrong)))
    assert finding.status is Status.FAIL
    assert finding.details["reports"][0]["review_mismatches"][0]["group"] == "行政诉讼（未经复议直接起诉）"
    assert "13+4+8+1=26，而总计为27" in finding.message


def test_narrative_total_that_contradicts_table_three_warns(tmp_path):
    finding = judge(tmp_path, report_with(merged_three(), merged_four(BALANCED_FOUR),
                                          "全年共受理政府信息公开申请3200件。政府信息公开行政复议351件。"))
    assert finding.status is Status.WARN, finding.message
    assert finding.details["reports"][0]["narrative_mismatches"] == ["正文称“受理政府信息公开申请3200件”，而表三第一项总计为3054"]


def test_headings_worded_differently_are_matched_by_meaning(tmp_path):
    body = (report_body(2025).replace("五、存在的主要问题及改进情况", "五、存在的问题和改进措施")
            .replace("一、总体情况", "一、政府信息公开工作总体情况"))
    finding = judge(tmp_path, body)
    assert finding.status is Status.PASS, finding.message
    assert finding.details["reports"][0]["missing_sections"] == []


def test_unread_tables_are_said_not_called_conforming(tmp_path):
    body = report_body(2025)
    tables = re.findall(r"<table>.*?</table>", body)
    scanned = body.replace(tables[1], "<p>（表三为图片）</p>" + tables[1].replace("<td>", "<td>表").replace("</td>", "</td>"))
    finding = judge(tmp_path, re.sub(r"<td>表(\d+)</td>", r"<td>表</td>", scanned))
    assert finding.status is Status.PASS
    assert finding.details["reports"][0]["balance"] == "unread" and "未核对" in finding.message
    assert finding.details["tables_unread"] == ["http://a.test/nb/2025.html"]


@pytest.fixture(scope="module")
def huaian_text():
    text, note = attachment_text("pdf", HUAIAN.read_bytes())
    assert note is None
    return text


def attached_report(tmp_path, text):
    snap = site(tmp_path, {"/att/nb2024.pdf": ("淮安市人民政府2024年政府信息公开工作年度报告", "2025-02-25", None)})
    snap.close()
    writer = SnapshotWriter(tmp_path / "s.sqlite")
    writer.attachment({"url": "http://a.test/att/nb2024.pdf", "status": 200, "type": "pdf", "size": 412842, "text": text})
    writer.close()
    return report_format(Snapshot(tmp_path / "s.sqlite"), ctx())


def test_real_huaian_2024_report_conforms_and_balances(tmp_path, huaian_text):
    finding = attached_report(tmp_path, huaian_text)
    assert finding.status is Status.PASS, finding.message
    report = finding.details["reports"][0]
    assert (report["edition"], report["balance"], report["review"]) == ("2021", "ok", "ok")
    assert report["missing_sections"] == [] and report["disordered_sections"] == []
    assert table_three(huaian_text)["三（七）"] == [2932, 53, 0, 0, 61, 4, 3050]


def test_real_huaian_report_with_a_wrong_narrative_total_warns(tmp_path, huaian_text):
    finding = attached_report(tmp_path, huaian_text.replace("行政诉讼 46 件", "行政诉讼 47 件"))
    assert finding.status is Status.WARN
    assert "表四行政诉讼总计为46" in finding.message
