"""Personal data published on the portal (《个人信息保护法》; 国办发〔2020〕17号 四(三)): 居民身份证号,
mobile numbers and bank card numbers found in pages and attachments, each reduced at once to a
masked form with the person's surname at most. Nothing here keeps a number in full: the raw text
stays in snapshot.sqlite, and every later stage sees only `Item.masked`. Facts only;
privacy.personal_data judges.

Text is read row by row and cell by cell: a table row's cells (HTML <td>, spreadsheet cells,
antiword's `|` columns) never run into each other, and a number counts as "beside a name" only
when a personal name stands in the same row (or, in flattened PDF text, within a few words)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from lxml import html as lxml_html

from checks.snapshot import Snapshot

# GB 11643-1999: weights of the first 17 digits and the check character for each remainder mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (the first two digits of every 行政区划代码).
PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
# The commonest Chinese surnames (about 90% of the population): a 2–4 character cell that starts
# with one of them is read as a personal name. Compound surnames first.
SURNAMES = ("欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 " 
            "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 "
            "袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 "
            "熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 洪 庄 蓝 柯 "
            "翁 辜 卓 纪 詹 温 欧 巫 涂 赖 康 伍 邢 施 聂 童 鲁 葛 颜 骆 倪 戚 麦 利 饶 危 阮 杭 甘 关 郁 简").split()
NAME_HEADERS = re.compile(r"^(?:姓\s*名|户\s*主(?:姓名)?|申请人(?:姓名)?|救助对象|领取人|当事人|被处罚人|考生姓名|收款人)$")
NAME_CELL = re.compile(r"^[\u4e00-\u9fa5]{2,4}$")
LABELLED_NAME = re.compile(r"(?:姓\s*名|户\s*主|申请人|当事人)\s*[:：]\s*([\u4e00-\u9fa5]{2,4})")

ID18 = re.compile(r"(?<![0-9A-Za-z*])(\d{17}[\dXx])(?![0-9A-Za-z*])")
ID15 = re.compile(r"(?<![0-9A-Za-z*])(\d{15})(?![0-9A-Za-z*])")
ID_MASKED = re.compile(r"(?<![0-9A-Za-z*])([\d*]{17}[\dXx*])(?![0-9A-Za-z*])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d{9})(?![0-9])")
CARD = re.compile(r"(?<![0-9])(\d{16,19})(?![0-9])")
# Cheap pre-filter on a page's stored text: only pages with a long digit run are parsed again.
CANDIDATE = re.compile(r"\d{11}|[\d*]{15}")
SPACED_CARD = re.compile(r"^\d{4}(?: \d{4}){3,4}(?: \d{1,3})?$")
CELL_SPLIT = re.compile(r"\t|\s*\|\s*")
# The office's own lines (footer, 指南, 联系我们, 通讯录) legitimately print mobile hotlines.
OFFICE_PAGE = re.compile(r"联系我们|联系方式|通讯录|指南|领导|机构|网站地图")


@dataclass(frozen=True)
class Item:
    kind: str          # id_number, id_number_undermasked, mobile, bank_card
    masked: str        # e.g. 4405**********123X, 138****5678
    surname: str       # the surname of the person in the row ("" when none), shown as 张某
    row: int           # 1-based row (table row, spreadsheet row or text line) in the document
    beside_name: bool


@dataclass
class DocumentScan:
    url: str
    title: str
    kind: str                                   # page or attachment
    items: list[Item] = field(default_factory=list)
    masked_ids: int = 0                         # properly masked ID numbers seen (a compliant list)

    @property
    def named_items(self) -> list[Item]:
        return [item for item in self.items if item.beside_name]


@dataclass
class PersonalData:
    documents: list[DocumentScan]               # every document with at least one item or masked ID
    scanned_pages: int
    scanned_attachments: int
    unread_attachments: list[str]               # could not be read: listed, never taken as clean


# -- validators -----------------------------------------------------------------------------------

def _birth_ok(text: str, today: date) -> bool:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def valid_id18(number: str, today: date) -> bool:
    """An 18-digit 居民身份证号: check character, province code and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS))
    return (ID_CHECK[total % 11] == number[17].upper() and int(number[:2]) in PROVINCES
            and _birth_ok(number[6:14], today))


def valid_id15(number: str, today: date) -> bool:
    """A 15-digit (pre-1999) number: province code and a birth date 19YYMMDD."""
    return (len(number) == 15 and number.isdigit() and int(number[:2]) in PROVINCES
            and _birth_ok("19" + number[6:12], today))


def luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def hidden_digits(masked: str) -> int:
    return masked.count("*")


# -- masking: the only form in which a number leaves this module -----------------------------------

def mask_id(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_mobile(number: str) -> str:
    return number[:3] + "****" + number[-4:]


def mask_card(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


# -- reading rows ---------------------------------------------------------------------------------

def _name_in(cell: str) -> str:
    cell = cell.strip().strip("：:，,。")
    labelled = LABELLED_NAME.search(cell)
    if labelled:
        cell = labelled.group(1)
    if NAME_CELL.match(cell) and any(cell.startswith(s) and len(cell) > len(s) for s in SURNAMES):
        return cell
    return ""


def _surname(name: str) -> str:
    return next((s for s in SURNAMES if len(s) == 2 and name.startswith(s)), name[:1])


def scan_row(cells: list[str], row: int, today: date, min_hidden: int, name_columns: set[int] = frozenset(),
             window: int | None = None, allow_mobile: bool = True) -> tuple[list[Item], int]:
    """Items of one row, and how many properly masked ID numbers it holds. `window`: for flattened
    text, a name counts only within that many cells of the number."""
    names = [(i, name) for i, cell in enumerate(cells)
             if (name := (cell.strip() if i in name_columns and NAME_CELL.match(cell.strip()) else _name_in(cell)))]
    items, masked_ok = [], 0

    def near(i: int) -> str:
        close = [name for j, name in names if window is None or abs(i - j) <= window]
        return close[0] if close else ""

    for i, raw in enumerate(cells):
        cell = raw.strip()
        if SPACED_CARD.match(cell):
            cell = cell.replace(" ", "")
        name = near(i)
        taken = []
        for match in ID18.finditer(cell):
            if valid_id18(match.group(1), today):
                items.append(Item("id_number", mask_id(match.group(1)), _surname(name) if name else "", row, bool(name)))
                taken.append(match.span())
        for match in ID_MASKED.finditer(cell):
            value = match.group(1)
            if "*" not in value:
                continue
            if hidden_digits(value) >= min_hidden:
                masked_ok += 1
            elif value[:2].isdigit() and int(value[:2]) in PROVINCES:
                shown = value[:4] + "*" * (len(value) - 8) + value[-4:]
                items.append(Item("id_number_undermasked", shown, _surname(name) if name else "", row, bool(name)))
        if not name:
            continue  # the remaining kinds are personal only beside a person's name
        for match in ID15.finditer(cell):
            if valid_id15(match.group(1), today):
                items.append(Item("id_number", mask_id(match.group(1)), _surname(name), row, True))
        if allow_mobile:
            for match in MOBILE.finditer(cell):
                items.append(Item("mobile", mask_mobile(match.group(1)), _surname(name), row, True))
        for match in CARD.finditer(cell):
            number = match.group(1)
            if any(start <= match.start() < end for start, end in taken) or valid_id18(number, today):
                continue
            if not MOBILE.fullmatch(number) and luhn(number):
                items.append(Item("bank_card", mask_card(number), _surname(name), row, True))
    return items, masked_ok


def html_rows(html: str) -> Iterable[tuple[list[str], set[int]]]:
    """Table rows as (cells, columns headed 姓名), then the text outside tables, a line per block."""
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    for table in tree.xpath("//table[not(ancestor::table)]"):
        name_columns: set[int] = set()
        for tr in table.xpath(".//tr"):
            cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td|./th")]
            headed = {i for i, cell in enumerate(cells) if NAME_HEADERS.match(cell.replace("\u3000", ""))}
            if headed:
                name_columns = headed
                continue
            yield cells, name_columns
        table.drop_tree()
    for line in tree.text_content().split("\n"):
        if line.strip():
            yield line.split(), set()


def text_rows(text: str) -> Iterable[tuple[list[str], set[int]]]:
    """Extracted attachment text: a line per row; cells split on tabs or antiword's `|`, else words."""
    name_columns: set[int] = set()
    for line in text.split("\n"):
        cells = CELL_SPLIT.split(line.strip()) if ("\t" in line or "|" in line) else line.split()
        headed = {i for i, cell in enumerate(cells) if NAME_HEADERS.match(cell.strip())}
        if headed:
            name_columns = headed
            continue
        if any(cells):
            yield cells, name_columns


def scan(rows: Iterable[tuple[list[str], set[int]]], doc: DocumentScan, today: date, min_hidden: int,
         window: int, allow_mobile: bool) -> DocumentScan:
    for number, (cells, name_columns) in enumerate(rows, start=1):
        flat = len(cells) > window * 2 and not name_columns
        items, masked_ok = scan_row(cells, number, today, min_hidden, name_columns,
                                    window=window if flat else None, allow_mobile=allow_mobile)
        doc.items.extend(items)
        doc.masked_ids += masked_ok
    return doc


def personal_data(snap: Snapshot, today: date, thresholds: dict) -> PersonalData:
    """Every page and attachment read once; memoised per snapshot."""
    min_hidden = int(thresholds["min_hidden_id_digits"])
    window = int(thresholds["name_window_words"])

    def compute() -> PersonalData:
        documents, pages = [], 0
        chrome = snap.boilerplate_lines  # a hotline in the footer of every page is not a lead
        for page in snap.pages():
            if not page.ok:
                continue
            pages += 1
            if not any(CANDIDATE.search(line) for line in page.text.split("\n") if line not in chrome):
                continue
            office = bool(OFFICE_PAGE.search(page.title or "")) or page.url == snap.start_url
            doc = scan(html_rows(page.html), DocumentScan(page.url, page.title, "page"), today, min_hidden,
                       window, allow_mobile=not office)
            if doc.items or doc.masked_ids:
                documents.append(doc)
        attachments, unread = 0, []
        for row in snap.attachments():
            if not row.get("status") or row["status"] >= 400:
                continue
            if row.get("text") is None:
                unread.append(row["url"])
                continue
            attachments += 1
            if CANDIDATE.search(row["text"]):
                doc = scan(text_rows(row["text"]), DocumentScan(row["url"], row["url"].rsplit("/", 1)[-1], "attachment"),
                           today, min_hidden, window, allow_mobile=True)
                if doc.items or doc.masked_ids:
                    documents.append(doc)
        return PersonalData(documents, pages, attachments, unread)

    return snap.memo(("personal_data", today, min_hidden, window), compute)
