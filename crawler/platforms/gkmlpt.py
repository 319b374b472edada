"""Guangdong's 政府信息公开目录 platform (gkmlpt), read through its own JSON API instead of a browser.

A catalogue page `…/gkmlpt/index` (also per department, `…/<dept>/gkmlpt/index`) carries
`window._CONFIG = {… SID: '200165', TREE: [{id, name, children, jump_url, post_count}, …] …}`; its
script fills the list from `…/gkmlpt/api/all/<category id>?page=<n>&sid=<SID>`, which answers
`{"classify": {…, "post_count": N}, "articles": [{title, url|post_url, date, document_number, …}]}`
(some deployments say `total` instead, some serve every article on page 1 and 404 from page 2).
Item pages embed the record as `window._CONFIG.DETAIL`. Column ids address a category as
`index#<id>`, the address the list has for a person, so that is the list's URL in the snapshot.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

CHINA = timezone(timedelta(hours=8))
_CATALOGUE = re.compile(r"^(?P<base>.*/gkmlpt/)index(?:\.html?)?$")
_API = re.compile(r"/gkmlpt/api/all/(?P<id>\d+)$")
_SID = re.compile(r"""\bSID\s*:\s*['"]?(?P<sid>\w+)""")
_JS_ESCAPE = re.compile(r"%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})")
MAX_PAGES = 500  # per category; the crawl budget applies anyway


def catalogue_base(url: str) -> str | None:
    """`…/gkmlpt/` when the URL is a gkmlpt catalogue page."""
    found = _CATALOGUE.match(url.split("#", 1)[0].split("?", 1)[0])
    return found.group("base") if found else None


def api_url(base: str, category: int | str, page: int, sid: str) -> str:
    return urljoin(base, f"api/all/{category}?page={page}&sid={sid}")


def is_api(url: str) -> bool:
    return bool(_API.search(urlsplit(url).path))


def js_literal(text: str, key: str):
    """The JSON array or object written after `key:` or `key =` in a script, or None. Real pages
    write it as JSON; a literal that is not (single quotes, bare keys) is read no further."""
    for match in re.finditer(rf"\b{re.escape(key)}\s*[:=]\s*(?=[\[{{])", text):
        end = _closing(text, match.end())
        if end is None:
            continue
        try:
            return json.loads(text[match.end():end])
        except ValueError:
            continue
    return None


def _closing(text: str, start: int) -> int | None:
    """Index after the bracket closing the one at `start`, skipping strings."""
    depth, quote, index = 0, None, start
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


def catalogue(html: str, url: str) -> tuple[str, str, list[dict]] | None:
    """(base, SID, category nodes depth-first) of a catalogue page, or None."""
    base = catalogue_base(url)
    if base is None or "_CONFIG" not in html:
        return None
    sid = _SID.search(html)
    tree = js_literal(html, "TREE")
    if not sid or not isinstance(tree, list):
        return None
    nodes, stack = [], list(reversed(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and "id" in node:
            nodes.append(node)
            stack.extend(reversed(node.get("children") or []))
    return base, sid.group("sid"), nodes


def js_unescape(text: str) -> str:
    """JavaScript's unescape(): some deployments send titles as %uXXXX."""
    if "%" not in text:
        return text
    return _JS_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def day(value) -> str:
    """An API date (epoch seconds, or text such as '2026-05-12 10:00:00') as YYYY-MM-DD, or ''."""
    if value in (None, "", 0, "0"):
        return ""
    if isinstance(value, (int, float)) or str(value).isdigit():
        seconds = int(value) / (1000 if int(value) > 10**11 else 1)  # some fields are milliseconds
        return datetime.fromtimestamp(seconds, CHINA).date().isoformat()
    found = re.match(r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", str(value))
    return f"{int(found[1]):04d}-{int(found[2]):02d}-{int(found[3]):02d}" if found else ""


def validity(article: dict) -> str:
    if article.get("is_abolished") in (1, True, "1"):
        return "已废止"
    if article.get("is_expired") in (1, True, "1"):
        return "已失效"
    return ""


def read_page(body: str) -> tuple[int | None, list[dict], str] | None:
    """(total the platform states, articles, category name) of one API answer, or None if it is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        return None
    classify = data.get("classify") if isinstance(data.get("classify"), dict) else {}
    total = classify.get("post_count", data.get("total"))
    total = int(total) if str(total).isdigit() else None
    return total, [a for a in data["articles"] if isinstance(a, dict)], js_unescape(str(classify.get("name") or ""))


def row(article: dict, base_url: str, category: str) -> tuple[str, str, str] | None:
    """(target, title, context) of one article as a list row: the dates first, as list pages print them."""
    target = article.get("post_url") or article.get("url")
    title = js_unescape(str(article.get("title") or "")).strip()
    if not target or not title:
        return None
    published = (day(article.get("display_publish_time")) or day(article.get("created_at"))
                 or day(article.get("date")))
    written = day(article.get("date"))
    parts = [published,
             f"成文日期：{written}" if written and written != published else "",
             f"文号：{js_unescape(str(article['document_number']))}" if article.get("document_number") else "",
             f"索引号：{article['identifier']}" if article.get("identifier") else "",
             f"有效性：{validity(article)}" if validity(article) else "",
             f"分类：{article.get('classify_main_name') or category}" if article.get("classify_main_name") or category else ""]
    return urljoin(base_url, str(target)), title, " ".join(part for part in parts if part)


def with_page(url: str, number: int) -> str:
    """The same API request for another page."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return parts._replace(query=urlencode({**query, "page": number})).geturl()


# Labels the checks read from the metadata block, as the platform's DETAIL record names them.
_DETAIL_FIELDS = {"文号": "document_number", "索引号": "identifier", "发布机构": "publisher"}


def detail_document(html: str) -> dict[str, str]:
    """The metadata of an item page from its embedded `window._CONFIG.DETAIL` record."""
    if "DETAIL" not in html:
        return {}
    detail = js_literal(html, "DETAIL")
    if not isinstance(detail, dict):
        return {}
    document = {label: js_unescape(str(detail[key])).strip() for label, key in _DETAIL_FIELDS.items()
                if detail.get(key)}
    published = day(detail.get("display_publish_time")) or day(detail.get("created_at"))
    if published:
        document["发布日期"] = published
    if day(detail.get("date")):
        document["成文日期"] = day(detail.get("date"))
    if validity(detail):
        document["有效性"] = validity(detail)
    return document
