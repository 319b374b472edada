"""Official documents of the snapshot (规章, 行政规范性文件, 政策文件): pages whose metadata block
carries a 文号 or a document category, with their title, dates and validity, read once per snapshot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from checks.common import published_on
from checks.dates import parse_date
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
