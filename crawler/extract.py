"""Turn a fetched document into facts: title, visible text, links, metadata, attachment text.

Parsing only, no judgement. HTML is always handed over already decoded (Scrapy's response.text),
because BeautifulSoup on raw GBK bytes with a gb2312 meta yields an empty tree.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup

from crawler import office_text

# Labels of the document metadata block on government article pages (gkmlpt, gov.cn policy library),
# mapped to one canonical key each.
METADATA_LABELS = {
    "索引号": "索引号",
    "分类": "分类",
    "主题分类": "分类",
    "发布机构": "发布机构",
    "发文机关": "发布机构",
    "成文日期": "成文日期",
    "名称": "名称",
    "标题": "名称",
    "文号": "文号",
    "发文字号": "文号",
    "发布日期": "发布日期",
    "主题词": "主题词",
    "有效性": "有效性",
}
_LABEL_LINE = re.compile(r"^(" + "|".join(sorted(METADATA_LABELS, key=len, reverse=True)) + r")[:：](.*)$")
_WS = re.compile(r"\s+")
# Tags whose text is never visible.
_INVISIBLE = ("script", "style", "noscript", "template")
LINK_TAGS = {"a": "href", "area": "href", "iframe": "src", "frame": "src"}
ATTACHMENT_EXTENSIONS = {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "zip", "rar", "7z", "ppt", "pptx", "ofd"}
TEXT_LIMIT = 200_000  # characters of visible or extracted text kept per document


@dataclass
class Link:
    target: str
    anchor: str
    tag: str
    context: str = ""  # the rest of the link's list row (where list pages print the item's date)


@dataclass
class ParsedPage:
    title: str
    text: str
    links: list[Link]
    metadata: dict


def decode(body: bytes, text: str, declared: str) -> tuple[str, str]:
    """Scrapy's decoded text, unless the declared charset was a lie: a GBK page served as UTF-8
    decodes to replacement characters, and then GB18030 (a superset of GBK/GB2312) is tried."""
    bad = text.count("\ufffd")
    if bad < 5 or bad < len(text) // 1000:
        return text, declared
    try:
        return body.decode("gb18030"), f"gb18030 (declared {declared})"
    except UnicodeDecodeError:
        return text, declared


def fold(text: str) -> str:
    return _WS.sub(" ", text).strip()


def attachment_type(url: str) -> str | None:
    path = urldefrag(url)[0].split("?", 1)[0].lower()
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return ext if ext in ATTACHMENT_EXTENSIONS else None


def parse_html(html: str, base_url: str) -> ParsedPage:
    soup = BeautifulSoup(html, "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(base_url, base["href"]) if base else base_url

    title = fold(soup.title.get_text()) if soup.title else ""
    metadata: dict = {"meta": {}}
    for tag in soup.find_all("meta"):
        name = tag.get("name") or tag.get("http-equiv")
        if name and tag.get("content") is not None:
            metadata["meta"][name] = tag["content"].strip()

    links = []
    for tag_name, attr in LINK_TAGS.items():
        for tag in soup.find_all(tag_name):
            href = (tag.get(attr) or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
                continue
            target = urldefrag(urljoin(base_url, href))[0]
            if not target.startswith(("http://", "https://")):
                continue
            anchor = fold(tag.get_text(" ")) if tag_name in ("a", "area") else ""
            if not anchor:
                anchor = fold(tag.get("title") or tag.get("alt") or "")
            if not anchor:
                image = tag.find("img") if tag_name == "a" else None
                anchor = fold(image.get("alt") or image.get("title") or "") if image else ""
            context = row_context(tag) if tag_name == "a" else ""
            links.append(Link(target=target, anchor=anchor[:500], tag=tag_name, context=context))

    metadata["hidden_links"] = hidden_links(soup, base_url)
    metadata["forms"] = search_forms(soup, base_url)
    for tag in soup(_INVISIBLE):
        tag.decompose()
    metadata["document"] = document_metadata(soup)
    lines = [fold(line) for line in soup.get_text("\n").split("\n")]
    lines = [line for line in lines if line]
    text = "\n".join(lines)[:TEXT_LIMIT]
    return ParsedPage(title=title, text=text, links=links, metadata=metadata)


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000]", "", text)


def search_forms(soup: BeautifulSoup, base_url: str) -> list[dict]:
    """Forms with one free-text field (site search boxes): where they submit and what they send."""
    forms = []
    for form in soup.find_all("form"):
        fields = form.find_all(["input", "textarea"])
        text = [f for f in fields if f.name == "input" and (f.get("type") or "text").lower() in ("text", "search")
                and f.get("name")]
        if len(text) != 1 or form.find("textarea") or form.find("input", attrs={"type": "password"}):
            continue
        hidden = {f["name"]: f.get("value", "") for f in fields
                  if (f.get("type") or "").lower() == "hidden" and f.get("name")}
        forms.append({"action": urljoin(base_url, (form.get("action") or "").strip()),
                      "method": (form.get("method") or "get").lower(), "field": text[0]["name"], "hidden": hidden})
    return forms[:5]


# Inline styles that hide an element from visitors: how injected link farms stay invisible.
_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent)\s*:\s*-\d{3,}px"
                     r"|font-size\s*:\s*0(?:px)?\s*(?:;|$)|(?:height|width)\s*:\s*0(?:px)?\s*;.*overflow\s*:\s*hidden", re.I)
HIDDEN_LINK_LIMIT = 50


def hidden_links(soup: BeautifulSoup, base_url: str) -> list[dict]:
    """Links inside elements hidden by inline style or the hidden attribute (at most 50 per page)."""
    found = []
    for element in soup.find_all(lambda tag: tag.has_attr("hidden") or _HIDING.search(tag.get("style") or "")):
        if element.name in _INVISIBLE:
            continue
        reason = "hidden" if element.has_attr("hidden") else _HIDING.search(element["style"]).group(0)
        for link in element.find_all("a", href=True):
            target = urljoin(base_url, link["href"].strip())
            if target.startswith(("http://", "https://")):
                found.append({"target": target, "anchor": fold(link.get_text(" "))[:100], "style": reason[:60]})
            if len(found) >= HIDDEN_LINK_LIMIT:
                return found
    return found


_ROW_TAGS = ("li", "tr", "dd", "dt", "p", "h3", "h4")
CONTEXT_LIMIT = 120


def row_context(link) -> str:
    """The text sharing a list row with the link, minus the link's own text: '2026-11-24', '[通知公告]'.

    A row is the nearest <li>/<tr>/<dd>/<p> within three levels, or a small parent element (a
    <div> holding an <a> and a date <span>). Parsing the date is the checks' job.
    """
    row = None
    for depth, parent in enumerate(link.parents):
        if depth >= 3 or parent.name in ("body", "html", "ul", "ol", "table"):
            break
        if parent.name in _ROW_TAGS:
            row = parent
            break
    if row is None:
        parent = link.parent
        if parent is None or parent.name in ("body", "html") or len(parent.get_text()) > 200:
            return ""
        row = parent
    own = fold(link.get_text(" "))
    text = fold(row.get_text(" "))
    return fold(text.replace(own, " ", 1))[:CONTEXT_LIMIT] if own else text[:CONTEXT_LIMIT]


def document_metadata(soup: BeautifulSoup) -> dict:
    """Read 索引号/成文日期/发布日期/文号… from the metadata block.

    The label and its value sit in sibling table cells (gov.cn), in sibling inline elements
    (gkmlpt), or in one text node ("发布日期：2020-03-01"). An empty value cell stays empty
    rather than borrowing the next line of text.
    """
    found: dict = {}
    for string in soup.find_all(string=True):
        compact = _compact(string)
        match = _LABEL_LINE.match(compact)
        if not match:
            continue
        key = METADATA_LABELS[match.group(1)]
        if key in found:
            continue
        value = match.group(2)
        if value:
            found[key] = fold(str(string).split("：" if "：" in string else ":", 1)[1])[:300]
            continue
        element = string.parent
        while element.parent is not None and _compact(element.parent.get_text()) == compact:
            element = element.parent
        if element.name in ("td", "th", "dt"):
            sibling = element.find_next_sibling(["td", "th", "dd"])
            value = fold(sibling.get_text(" ")) if sibling else ""
        else:
            whole = fold(element.parent.get_text(" ")) if element.parent else ""
            label_at = whole.find(match.group(1)[-1] + ("：" if "：" in string else ":"))
            value = whole[label_at + 2:].strip() if label_at >= 0 else ""
            if len(value) > 120:  # the parent holds more than this one field: not a metadata row
                value = ""
        if value:
            found[key] = value[:300]
    return found


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    parts = []
    for page in reader.pages[:50]:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > TEXT_LIMIT:
            break
    return fold(" ".join(parts))[:TEXT_LIMIT]


def docx_text(body: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(body))
    text = " ".join(paragraph.text for paragraph in document.paragraphs)
    return fold(text)[:TEXT_LIMIT]


READABLE_ATTACHMENTS = {"pdf", "docx", *office_text.READERS}


def attachment_text(kind: str, body: bytes) -> tuple[str | None, str | None]:
    """Extracted text and a note; (None, reason) when the file cannot be read."""
    try:
        if kind == "pdf":
            return pdf_text(body), None
        if kind == "docx":
            return docx_text(body), None
        if kind in office_text.READERS:
            return office_text.READERS[kind](body, TEXT_LIMIT), None
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:  # broken files are findings, not crashes
        return None, f"text extraction failed: {type(exc).__name__}: {str(exc)[:200]}"
    return None, None
