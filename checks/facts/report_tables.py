"""Reading tables 三 and 四 of an annual report (国办公开办函〔2019〕60号 / 〔2021〕30号 formats).

HTML tables are expanded into a grid first (rowspan/colspan, merged 申请人情况 headers, &nbsp; cells,
numbers written with spaces), so a row's numbers stay in their columns; text from PDFs and DOCX, or
a page whose table is lost, is read row by row from the label onwards. Reading only: the check
decides what the numbers mean."""

from __future__ import annotations

import re

import lxml.html

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# Table 三's balance rows: 一 + 二 = 三(七) + 四 for every applicant column.
BALANCE_ROWS = {"一": "本年新收政府信息公开申请数量", "二": "上年结转政府信息公开申请数量",
                "三（七）": "（七）总计", "四": "结转下年度继续办理"}
# Table 四: 行政复议, then 行政诉讼 未经复议直接起诉 and 复议后起诉; each 维持, 纠正, 其他, 尚未审结, 总计.
REVIEW_GROUPS = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
REVIEW_PARTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
_BRACKETS = str.maketrans("()", "（）")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def compact(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", "", text).translate(_BRACKETS)


def _number(cell: str) -> int | None:
    """A count cell: '12', '1 288' (spaces inside), '' or '&nbsp;' (blank is 0); None for words."""
    value = compact(cell).replace(",", "").replace("，", "")
    if value in ("", "-", "—", "/", "无"):
        return 0
    return int(float(value)) if _NUMBER.match(value) else None


# -- HTML tables ---------------------------------------------------------------------------------

def grid(table) -> list[list[str]]:
    """The table as rows of cell texts with every rowspan/colspan copied into the cells it covers."""
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, column) -> text carried down by a rowspan
    for r, tr in enumerate(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
        row: list[str] = []
        column = 0
        for cell in tr.xpath("./td|./th"):
            while (r, column) in pending:
                row.append(pending.pop((r, column)))
                column += 1
            text = cell.text_content()
            span_c = _span(cell.get("colspan"))
            span_r = _span(cell.get("rowspan"))
            for c in range(column, column + span_c):
                row.append(text)
                for below in range(r + 1, r + span_r):
                    pending[(below, c)] = text
            column += span_c
        while (r, column) in pending:
            row.append(pending.pop((r, column)))
            column += 1
        rows.append(row)
    return rows


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def _split(row: list[str]) -> tuple[str, list[int]] | None:
    """(label, numbers) of a data row: the words on the left, the counts to their right."""
    for first, cell in enumerate(row):
        if _number(cell) is not None and compact(cell):
            break
    else:
        return None
    label = "".join(dict.fromkeys(compact(cell) for cell in row[:first]))  # rowspan copies once
    numbers = [_number(cell) for cell in row[first:]]
    if not label or any(n is None for n in numbers):
        return None
    return label, numbers


def _table_rows(html: str) -> list[list[list[str]]]:
    try:
        tree = lxml.html.fromstring(html) if html.strip() else None
    except (ValueError, lxml.etree.ParserError):
        return []
    return [grid(table) for table in tree.iter("table")] if tree is not None else []


def three_from_html(html: str) -> dict[str, list[int]]:
    for table in _table_rows(html):
        rows = {}
        for row in table:
            split = _split(row)
            if split is None:
                continue
            label, numbers = split
            for key, words in BALANCE_ROWS.items():
                if compact(words) in label and key not in rows:
                    rows[key] = numbers
        if len(rows) == len(BALANCE_ROWS):
            return rows
    return {}


def four_from_html(html: str) -> list[int] | None:
    """The 15 counts of table 四, from the table whose headers name 行政复议 and 行政诉讼."""
    for table in _table_rows(html):
        words = compact(" ".join(" ".join(row) for row in table))
        if "行政复议" not in words or "行政诉讼" not in words or "申请人" in words:
            continue
        for row in table:
            numbers = [_number(cell) for cell in row]
            if len(row) >= 15 and all(n is not None for n in numbers) and any(compact(c) for c in row):
                return numbers[-15:]
    return None


# -- text (PDF, DOCX, a flattened page) ----------------------------------------------------------

def _label_re(label: str) -> str:
    """The label with any whitespace between its characters (PDF lines wrap) and either bracket width."""
    return r"\s*".join({"（": "[（(]", "）": "[）)]"}.get(char, re.escape(char)) for char in label)


_ROW_RE = {row: re.compile(_label_re(label) + r"((?:[\s|]*\d+){1,7})") for row, label in BALANCE_ROWS.items()}


def three_from_text(text: str) -> dict[str, list[int]]:
    rows = {}
    for row, pattern in _ROW_RE.items():
        found = pattern.search(text)
        if found:
            rows[row] = [int(n) for n in re.findall(r"\d+", found.group(1))]
    return rows


_SECTION_FOUR = re.compile(r"四\s*[、.．]\s*[^\n。]{0,12}?(?:复议|诉讼)")
_SECTION_FIVE = re.compile(r"五\s*[、.．]")


def four_from_text(text: str) -> list[int] | None:
    """The 15 counts after section 四's last 总计 header and before section 五."""
    start = _SECTION_FOUR.search(text)
    if not start:
        return None
    end = _SECTION_FIVE.search(text, start.end())
    body = text[start.end(): end.start() if end else len(text)]
    headers = body.rfind("总计")
    numbers = [int(n) for n in re.findall(r"(?<![\d.])\d+(?![\d.])", body[headers + 2:] if headers >= 0 else body)]
    return numbers[:15] if len(numbers) >= 15 else None


def table_three(text: str, html: str = "") -> dict[str, list[int]]:
    return three_from_html(html) or three_from_text(text)


def table_four(text: str, html: str = "") -> list[int] | None:
    return four_from_html(html) or four_from_text(text)


# -- what the numbers say ------------------------------------------------------------------------

def balance_mismatches(rows: dict[str, list[int]]) -> list[dict] | None:
    """Columns where 一 + 二 ≠ 三(七) + 四; None when the four rows could not be read alike."""
    if len(rows) < 4 or len({len(values) for values in rows.values()}) != 1:
        return None
    width = len(rows["一"])
    names = APPLICANTS if width == len(APPLICANTS) else [f"第{i + 1}列" for i in range(width)]
    mismatches = []
    for i, name in enumerate(names):
        a, b, c, d = (rows[row][i] for row in ("一", "二", "三（七）", "四"))
        if a + b != c + d:
            mismatches.append({"column": name, "一": a, "二": b, "三（七）": c, "四": d,
                               "text": f"{name}：{a}+{b}={a + b}，而{c}+{d}={c + d}"})
    return mismatches


def review_mismatches(numbers: list[int]) -> list[dict]:
    """Groups of table 四 whose 总计 is not the sum of 维持, 纠正, 其他 and 尚未审结."""
    mismatches = []
    for group, start in zip(REVIEW_GROUPS, range(0, 15, 5)):
        parts, total = numbers[start: start + 4], numbers[start + 4]
        if sum(parts) != total:
            listed = "+".join(str(n) for n in parts)
            mismatches.append({"group": group, "parts": parts, "total": total,
                               "text": f"{group}：{listed}={sum(parts)}，而总计为{total}"})
    return mismatches
