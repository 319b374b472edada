"""Turn a fetched document into facts: title, visible text, links, metadata, attachment text.

Parsing only, no judgement. HTML is always handed over already decoded (Scrapy's response.text,
re-encoded as UTF-8 for lxml with the encoding fixed), because a parser left to guess from a lying
gb2312 meta yields garbage. One lxml tree per page; the checks that need a tree of one page build
their own (BeautifulSoup) from the stored HTML.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree

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
# a cheap pre-filter: a label line starts with (whitespace and) the first character of some label
_LABEL_START = re.compile(r"^[\s\u3000]*[" + "".join(sorted({label[0] for label in METADATA_LABELS})) + "]")
_WS = re.compile(r"\s+")
# Tags whose text is never visible.
_INVISIBLE = ("script", "style", "noscript", "template")
_CODE = ("script", "style", "template")  # text BeautifulSoup's get_text never counts
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
    """Everything the checks read of a page, in one lxml parse (no second tree per page)."""
    try:
        # libxml2 drops everything after an early </html> (real pages close it after their header)
        markup = _DOCUMENT_END.sub("", html)
        root = lxml.html.document_fromstring(markup.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError):  # an empty or unparsable document has no facts
        return ParsedPage(title="", text="", links=[], metadata={"meta": {}, "hidden_links": [], "forms": [],
                                                                  "document": {}})
    base = next((tag for tag in root.iter("base") if tag.get("href") is not None), None)
    base_url = urljoin(base_url, base.get("href")) if base is not None else base_url

    title_tag = next(root.iter("title"), None)
    title = fold(_text(title_tag)) if title_tag is not None else ""
    metadata: dict = {"meta": {}}
    for tag in root.iter("meta"):
        name = tag.get("name") or tag.get("http-equiv")
        if name and tag.get("content") is not None:
            metadata["meta"][name] = tag.get("content").strip()

    links = []
    for tag_name, attr in LINK_TAGS.items():
        for tag in root.iter(tag_name):
            href = (tag.get(attr) or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
                continue
            target = urldefrag(urljoin(base_url, href))[0]
            if not target.startswith(("http://", "https://")):
                continue
            anchor = fold(_text(tag, " ")) if tag_name in ("a", "area") else ""
            if not anchor:
                anchor = fold(tag.get("title") or tag.get("alt") or "")
            if not anchor:
                image = next(tag.iter("img"), None) if tag_name == "a" else None
                anchor = fold(image.get("alt") or image.get("title") or "") if image is not None else ""
            context = row_context(tag) if tag_name == "a" else ""
            links.append(Link(target=target, anchor=anchor[:500], tag=tag_name, context=context))

    metadata["hidden_links"] = hidden_links(root, base_url)
    metadata["forms"] = search_forms(root, base_url)
    # from here on, text as a visitor sees it: script, style … are left out (their tails are not)
    metadata["document"] = document_metadata(root)
    lines = [fold(line) for line in _text(root, "\n", visible=True).split("\n")]
    lines = [line for line in lines if line]
    text = "\n".join(lines)[:TEXT_LIMIT]
    return ParsedPage(title=title, text=text, links=links, metadata=metadata)


_PARSER = lxml.html.HTMLParser(encoding="utf-8")
_DOCUMENT_END = re.compile(r"</(?:html|body)\s*>", re.I)


def _strings(element, visible: bool = False):
    """The text pieces of an element's subtree in document order, as BeautifulSoup's get_text: text and
    tails, never a comment's text nor a script's, style's or template's; with `visible`, no <noscript> either."""
    if isinstance(element.tag, str) and element.tag not in (_INVISIBLE if visible else _CODE):
        if element.text:
            yield element.text
        for child in element:
            yield from _strings(child, visible)
            if child.tail:
                yield child.tail


def _strings_with_parent(root):
    """(text piece, the element holding it) over the visible document, as BeautifulSoup's string.parent."""
    stack = [root]
    while stack:
        element = stack.pop()
        if isinstance(element, tuple):
            yield element
            continue
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE:
            continue
        pending = []
        if element.text:
            pending.append((element.text, element))
        for child in element:
            pending.append(child)
            if child.tail:
                pending.append((child.tail, element))
        stack.extend(reversed(pending))


def _text(element, separator: str = "", visible: bool = False) -> str:
    return separator.join(_strings(element, visible))


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000]", "", text)


def search_forms(root, base_url: str) -> list[dict]:
    """Forms with one free-text field (site search boxes): where they submit and what they send."""
    forms = []
    for form in root.iter("form"):
        fields = [field for field in form.iter("input", "textarea") if field is not form]
        text = [f for f in fields if f.tag == "input" and (f.get("type") or "text").lower() in ("text", "search")
                and f.get("name")]
        if len(text) != 1 or any(f.tag == "textarea" for f in fields) or any(
                f.tag == "input" and f.get("type") == "password" for f in fields):
            continue
        hidden = {f.get("name"): f.get("value", "") for f in fields
                  if (f.get("type") or "").lower() == "hidden" and f.get("name")}
        forms.append({"action": urljoin(base_url, (form.get("action") or "").strip()),
                      "method": (form.get("method") or "get").lower(), "field": text[0].get("name"), "hidden": hidden})
    return forms[:5]


# Inline styles that hide an element from visitors: how injected link farms stay invisible.
_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent)\s*:\s*-\d{3,}px"
                     r"|font-size\s*:\s*0(?:px)?\s*(?:;|$)|(?:height|width)\s*:\s*0(?:px)?\s*;.*overflow\s*:\s*hidden", re.I)
HIDDEN_LINK_LIMIT = 50


def hidden_links(root, base_url: str) -> list[dict]:
    """Links inside elements hidden by inline style or the hidden attribute (at most 50 per page)."""
    found = []
    for element in root.iter(etree.Element):
        hidden = "hidden" in element.attrib
        style = None if hidden else _HIDING.search(element.get("style") or "")
        if not (hidden or style) or element.tag in _INVISIBLE:
            continue
        reason = "hidden" if hidden else style.group(0)
        for link in element.iter("a"):
            if link is element or link.get("href") is None:
                continue
            target = urljoin(base_url, link.get("href").strip())
            if target.startswith(("http://", "https://")):
                found.append({"target": target, "anchor": fold(_text(link, " "))[:100], "style": reason[:60]})
            if len(found) >= HIDDEN_LINK_LIMIT:
                return found
    return found


_ROW_TAGS = ("li", "tr", "dd", "dt", "p", "h3", "h4")
CONTEXT_LIMIT = 120


def _shown_length(element) -> int:
    """Length of the element's text with each whitespace-only piece counted as one character (as
    BeautifulSoup collapses them), so indentation in the source does not decide what a row is."""
    return sum(len(piece) if piece.strip(" \n\t\f\r") else 1 for piece in _strings(element))


def row_context(link) -> str:
    """The text sharing a list row with the link, minus the link's own text: '2026-11-24', '[通知公告]'.

    A row is the nearest <li>/<tr>/<dd>/<p> within three levels, or a small parent element (a
    <div> holding an <a> and a date <span>). Parsing the date is the checks' job.
    """
    row = None
    for depth, parent in enumerate(link.iterancestors()):
        if depth >= 3 or parent.tag in ("body", "html", "ul", "ol", "table"):
            break
        if parent.tag in _ROW_TAGS:
            row = parent
            break
    if row is None:
        parent = link.getparent()
        if parent is None or parent.tag in ("body", "html") or _shown_length(parent) > 200:
            return ""
        row = parent
    own = fold(_text(link, " "))
    text = fold(_text(row, " "))
    return fold(text.replace(own, " ", 1))[:CONTEXT_LIMIT] if own else text[:CONTEXT_LIMIT]


def document_metadata(root) -> dict:
    """Read 索引号/成文日期/发布日期/文号… from the metadata block.

    The label and its value sit in sibling table cells (gov.cn), in sibling inline elements
    (gkmlpt), or in one text node ("发布日期：2020-03-01"). An empty value cell stays empty
    rather than borrowing the next line of text.
    """
    found: dict = {}
    for string, parent in _strings_with_parent(root):
        if not _LABEL_START.search(string):
            continue
        compact = _compact(string)
        match = _LABEL_LINE.match(compact)
        if not match:
            continue
        key = METADATA_LABELS[match.group(1)]
        if key in found:
            continue
        value = match.group(2)
        if value:
            found[key] = fold(string.split("：" if "：" in string else ":", 1)[1])[:300]
            continue
        element = parent
        while element.getparent() is not None and _compact(_text(element.getparent(), visible=True)) == compact:
            element = element.getparent()
        if element.tag in ("td", "th", "dt"):
            sibling = next((s for s in element.itersiblings() if s.tag in ("td", "th", "dd")), None)
            value = fold(_text(sibling, " ", visible=True)) if sibling is not None else ""
        else:
            above = element.getparent()
            value = _value_after_label(above, compact) if above is not None else ""
            if len(value) > 120:  # the parent holds more than this one field: not a metadata row
                value = ""
        if value:
            found[key] = value[:300]
    return found


# A text piece that is nothing but a label ("发布机构：", "公开方式：") starts the next field of the block.
_BARE_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,10}[:：]$")


def _value_after_label(container, label: str) -> str:
    """The text following the label piece (compacted `label`) inside `container`, up to the next label:
    in a block laid out one row per field, an empty value cell must not take the next rows' text."""
    pieces = iter(_strings(container, visible=True))
    for piece in pieces:
        if _compact(piece) == label:
            break
    value = []
    for piece in pieces:
        compact = _compact(piece)
        if _BARE_LABEL.match(compact) or (compact and _LABEL_START.search(piece) and _LABEL_LINE.match(compact)):
            break
        value.append(piece)
    return fold(" ".join(value))


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
