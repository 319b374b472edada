"""privacy.personal_data: validators, masking, cell-by-cell reading of pages and spreadsheets, and no
false finding on the real pages and report in tests/fixtures/real/. Numbers are made up here with
valid check digits, so they exercise the validators without being anyone's."""

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from checks.facts.personal_data import (ID_CHECK, ID_WEIGHTS, DocumentScan, html_rows, luhn, mask_card, mask_id,
                                        mask_mobile, scan, text_rows, valid_id15, valid_id18)
from checks.model import Context, Status
from checks.rules.privacy import personal_data_exposed
from checks.snapshot import Snapshot
from crawler.extract import attachment_text, pdf_text
from crawler.snapshot import SnapshotWriter
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

TODAY = date(2026, 11, 25)
THRESHOLDS = load_profile("default").thresholds
CTX = Context("t", "测试", "http://a.test/", "district", TODAY, thresholds=THRESHOLDS)
REAL = Path(__file__).parent.parent / "fixtures" / "real"


def make_id(first17: str) -> str:
    return first17 + ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def make_card(first: str) -> str:
    return next(first + str(d) for d in range(10) if luhn(first + str(d)))


IDS = [make_id("44051119650312" + f"{n:03d}") for n in (101, 202, 303)]
MOBILES = ["13812345678", "15987654321"]
CARD = make_card("622202123456789012")  # 19 digits, Luhn-valid


def test_id_validators_need_check_digit_region_and_birth_date():
    good = IDS[0]
    assert valid_id18(good, TODAY) and valid_id18(good.lower(), TODAY)
    wrong_check = good[:17] + ID_CHECK[(ID_CHECK.index(good[17]) + 1) % 11]
    assert not valid_id18(wrong_check, TODAY)
    assert not valid_id18(make_id("99051119650312101"), TODAY)        # no such province
    assert not valid_id18(make_id("44051119651332101"), TODAY)        # 32 December
    assert not valid_id18(make_id("44051120300312101"), TODAY)        # born in the future
    assert valid_id15("440511650312101", TODAY) and not valid_id15("440511651399101", TODAY)


def test_luhn_and_masks_hide_the_middle():
    assert luhn("4111111111111111") and not luhn("4111111111111112") and luhn(CARD)
    assert mask_id(IDS[0]) == IDS[0][:4] + "*" * 10 + IDS[0][-4:]
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_card(CARD) == CARD[:4] + "*" * 11 + CARD[-4:]


def table(rows, header=("序号", "姓名", "身份证号码", "联系电话", "金额（元）")):
    cells = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def scan_html(html):
    return scan(html_rows(html), DocumentScan("u", "t", "page"), TODAY, 8, 4, allow_mobile=True)


def test_table_cells_are_read_one_by_one_and_names_come_from_the_header():
    doc = scan_html(table([(1, "陈小明", IDS[0], MOBILES[0], 600), (2, "林秀英", IDS[1], MOBILES[1], 600)]))
    kinds = sorted(item.kind for item in doc.named_items)
    assert kinds == ["id_number", "id_number", "mobile", "mobile"]
    assert {item.surname for item in doc.items} == {"陈", "林"} and {item.row for item in doc.items} == {1, 2}
    # digits in neighbouring cells never join into one number: 4405 | 11196503121011 is nothing
    split = scan_html(table([(1, "陈小明", IDS[0][:4], IDS[0][4:], 600)]))
    assert split.items == []


def test_masked_ids_pass_and_a_mask_of_fewer_than_eight_digits_does_not():
    well = scan_html(table([(1, "陈小明", mask_id(IDS[0]), "138****5678", 600)]))
    assert well.items == [] and well.masked_ids == 1
    thin = IDS[0][:14] + "***" + IDS[0][17]
    weak = scan_html(table([(1, "陈小明", thin, "", 600)]))
    assert [item.kind for item in weak.items] == ["id_number_undermasked"]
    assert thin not in json.dumps([item.masked for item in weak.items])


def test_bank_cards_and_mobiles_count_only_beside_a_name():
    doc = scan_html(table([(1, "黄伟", "", "", CARD)]))
    assert [item.kind for item in doc.items] == ["bank_card"]
    bare = scan_html("<p>服务热线 13812345678，银行账号 " + CARD + "</p>")
    assert bare.items == []


def run(tmp_path, pages, attachments=None):
    path = tmp_path / "s.sqlite"
    make_snapshot(path, pages, start_url="http://a.test/").close()
    if attachments:
        writer = SnapshotWriter(path)
        for row in attachments:
            writer.attachment({"status": 200, "size": 10, **row})
        writer.close()
    return personal_data_exposed(Snapshot(path), CTX)


HOME = page_html("<div class='footer'>主办单位：某区人民政府办公室 联系电话：0754-88888801 值班手机：13800138000</div>"
                 "<a href='/tzgg/1.html'>公示</a>", title="某区人民政府")


def test_a_public_list_with_full_ids_fails_masked_and_the_hotline_is_no_finding(tmp_path):
    dibao = page_html(table([(1, "陈小明", IDS[0], MOBILES[0], 600), (2, "林秀英", IDS[1], MOBILES[1], 600),
                             (3, "郑大海", IDS[2], "", 600)]), title="2026年11月城乡低保名单公示")
    guide = page_html("<p>咨询电话：0754-88888801，手机：13800138000</p>", title="政府信息公开指南")
    finding = run(tmp_path, {"http://a.test/": HOME, "http://a.test/tzgg/1.html": dibao,
                             "http://a.test/zwgk/xxgkzn/index.html": guide})
    assert finding.status is Status.FAIL and finding.evidence[0].url == "http://a.test/tzgg/1.html"
    [doc] = finding.details["documents"]
    assert len(doc["items"]) == 5 and doc["url"] == "http://a.test/tzgg/1.html"
    dumped = json.dumps({"m": finding.message, "e": [e.as_dict() for e in finding.evidence], "d": finding.details},
                        ensure_ascii=False)
    for number in IDS + MOBILES:
        assert number not in dumped
    assert "陈小明" not in dumped and "陈某" in dumped and mask_id(IDS[0]) in dumped


def test_one_isolated_id_warns_and_a_masked_list_passes_naming_its_page(tmp_path):
    one = page_html(f"<p>经核查，身份证号{IDS[0]}的申请已办结。</p>", title="办结公告")
    assert run(tmp_path / "a", {"http://a.test/": HOME, "http://a.test/tzgg/1.html": one}).status is Status.WARN
    masked = page_html(table([(1, "陈小明", mask_id(IDS[0]), "138****5678", 600)]), title="低保名单公示")
    finding = run(tmp_path / "b", {"http://a.test/": HOME, "http://a.test/tzgg/1.html": masked})
    assert finding.status is Status.PASS and finding.evidence[0].url == "http://a.test/tzgg/1.html"


def spreadsheet(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "身份证号", "手机号码", "补贴金额"])
    for row in rows:
        sheet.append(list(row))
    sheet.append([None, "合计", None, None, 1200])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_attachment_is_read_cell_by_cell_and_an_unreadable_one_is_listed(tmp_path):
    # mobiles stored as numbers (how spreadsheets keep them) read as printed, not 13812345678.0
    body = spreadsheet([(1, "陈小明", IDS[0], int(MOBILES[0]), 600), (2, "林秀英", IDS[1], int(MOBILES[1]), 600)])
    text, note = attachment_text("xlsx", body)
    assert note is None and MOBILES[0] in text and "13812345678.0" not in text
    finding = run(tmp_path, {"http://a.test/": HOME}, attachments=[
        {"url": "http://a.test/att/1.xlsx", "type": "xlsx", "text": text},
        {"url": "http://a.test/att/2.xls", "type": "xls", "text": None, "note": "text extraction failed"}])
    assert finding.status is Status.FAIL and finding.evidence[0].url == "http://a.test/att/1.xlsx"
    assert finding.details["unread_attachments"] == ["http://a.test/att/2.xls"] and "1个附件无法读取" in finding.message
    broken, why = attachment_text("xlsx", b"not a workbook")
    assert broken is None and why.startswith("text extraction failed")


@pytest.mark.parametrize("path", sorted(p for p in REAL.rglob("*.htm*")), ids=lambda p: p.name)
def test_no_false_finding_on_real_pages(path):
    raw = path.read_bytes()
    html = raw.decode("utf-8", "replace")
    doc = scan(html_rows(html), DocumentScan(str(path), "", "page"), TODAY, 8, 4, allow_mobile=True)
    assert doc.items == [], [item.masked for item in doc.items]


def test_no_false_finding_in_a_real_annual_report_pdf():
    [pdf] = sorted((REAL / "annual_report_huaian_2024_pdf").glob("*.pdf"))
    text = pdf_text(pdf.read_bytes())
    doc = scan(text_rows(text), DocumentScan("r", "", "attachment"), TODAY, 8, 4, allow_mobile=True)
    assert len(text) > 1000 and doc.items == []
