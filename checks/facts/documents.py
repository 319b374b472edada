"""Official documents of the snapshot (规章, 行政规范性文件, 政策文件): pages whose metadata block
carries a 文号 or a document category, with their title, dates and validity, read once per snapshot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from checks.common import published_on
from checks.dates import all_dates, parse_date
from checks.model import Context
from checks.snapshot import Page, Snapshot

# A re-post: published more than this long after it was written (a 2005 plan posted in 2018). It says
# what a document is, not how it is judged: it is a fact of the document, so it lives here.
REPOST_AFTER_DAYS = 366


def is_repost(written: date | None, published: date | None) -> bool:
    """Written long before it was posted: a re-post of an old document, never a late one."""
    return bool(written and published and (published - written).days > REPOST_AFTER_DAYS)

_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "【": "〔", "(": "〔", "（": "〔",
                           "]": "〕", "］": "〕", "】": "〕", ")": "〕", "）": "〕"})
_SPACE = re.compile(r"[\s\u3000]+")
_TITLE_SEPARATORS = re.compile(r"\s*[_|｜]\s*|\s+-\s+")


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def normalise_doc_no(value: str) -> str:
    return _SPACE.sub("", value).translate(_BRACKETS)


def page_title(page: Page) -> str:
    """The document's own title: the metadata 名称/标题, else the <title> without the site name."""
    name = page.document.get("名称") or page.meta_tags.get("ArticleTitle")
    if name:
        return _SPACE.sub("", name)
    parts = [part for part in _TITLE_SEPARATORS.split(page.title) if part]
    return _SPACE.sub("", parts[0]) if parts else ""


@dataclass
class Document:
    """A page that carries an official document: metadata block with a 文号 or a category."""

    page: Page
    title: str
    doc_no: str
    category: str
    issuer: str
    written: date | None
    published: date | None
    validity: str

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def reposted(self) -> bool:
        return is_repost(self.written, self.published)

    def in_window(self, ctx: Context) -> bool:
        """Published within the 12 months before the assessment date."""
        if self.published is None:
            return False
        return year_before(ctx.today) < self.published <= ctx.today

    @property
    def normative(self) -> bool:
        return "规范性文件" in self.category or "规〔" in self.doc_no or "规章" in self.category


def as_document(page: Page) -> Document | None:
    meta = page.document
    doc_no = normalise_doc_no(meta.get("文号", ""))
    category = meta.get("分类", "")
    if not page.ok or not (doc_no or "规范性文件" in category or "政策文件" in category):
        return None
    return Document(page=page, title=page_title(page), doc_no=doc_no, category=category,
                    issuer=meta.get("发布机构", ""), written=parse_date(meta.get("成文日期")),
                    published=published_on(page), validity=meta.get("有效性", ""))


def documents(snap: Snapshot) -> list[Document]:
    """Every official document of the snapshot (computed once per snapshot)."""
    return snap.memo(("documents",), lambda: [doc for doc in map(as_document, snap.pages()) if doc is not None])


VALIDITY_VALUE = re.compile(r"有效|失效|废止|已修改|修订|修正|停止执行")
VALIDITY_TEXT = re.compile(r"有效期(?:至|为|截至|[一二三四五六七八九十两\d]+年)|(?:已|予以|决定)(?:废止|失效)|自\S{0,20}起失效")


def validity_of(snap: Snapshot, doc: Document) -> str:
    """The validity the page shows: its 有效性 field, or a 有效期/废止 statement in the text."""
    if VALIDITY_VALUE.search(doc.validity):
        return doc.validity
    found = VALIDITY_TEXT.search(snap.main_text(doc.page))
    return found.group(0) if found else ""


_YEARS = re.compile(r"有效期(?:为)?([一二三四五六七八九十两\d]+)年")
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_IN_FORCE_FROM = re.compile(r"自([^。；，,]{0,16}?)起(?:施行|实施|执行)")


def validity_end(text: str, written: date | None) -> date | None:
    """The last day of a 规范性文件's 有效期: a stated end date, or N years from the day it took effect
    (a date, or 印发/发布之日 = its 成文日期)."""
    for clause in re.split(r"[。；;\n]", text):
        if "有效期" not in clause:
            continue
        stated = all_dates(clause[clause.index("有效期"):])
        if stated:
            return stated[-1]
        years = _YEARS.search(clause)
        start = _IN_FORCE_FROM.search(clause)
        if years and start:
            count = int(years.group(1)) if years.group(1).isdigit() else _NUMERALS.get(years.group(1))
            begins = parse_date(start.group(1)) or (written if "之日" in start.group(1) else None)
            if count and begins:
                try:
                    return begins.replace(year=begins.year + count) - timedelta(days=1)
                except ValueError:  # 29 February
                    return begins.replace(year=begins.year + count, day=28)
    return None
