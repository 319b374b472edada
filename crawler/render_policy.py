"""Rendering as the last resort: a page goes to Chromium only when no platform adapter understood it
and its content demonstrably depends on scripts: a script that fetches data *and* a sign that the
page shows nothing without it (a loading placeholder, a <noscript> asking for JavaScript, an empty
list). A script that merely could fetch something is not reason enough: rendering costs 20-30x a
plain fetch. The reason is recorded per page (pages.render_reason)."""

from __future__ import annotations

import re

# Scripts that fetch data after load.
FETCHES = re.compile(r"fetch\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\(|axios\.|\.load\(")
_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)
_PLACEHOLDER = re.compile(r"加载中|正在加载|数据加载|loading\.\.\.", re.I)
_NOSCRIPT = re.compile(r"<noscript[^>]*>(.*?)</noscript>", re.S | re.I)
_NEEDS_SCRIPT = re.compile(r"JavaScript|脚本|启用", re.I)
_EMPTY_LIST = re.compile(r"<(ul|ol|tbody)\b[^>]*>\s*</\1>", re.I)


def render_reason(html: str, text: str, understood: list[str]) -> str | None:
    """Why the page must be rendered, or None when the plain fetch (with the adapters) has read it."""
    if understood:
        return None
    fetcher = FETCHES.search(" ".join(_SCRIPT.findall(html)))
    if not fetcher:
        return None
    script = fetcher.group(0).rstrip("(")
    placeholder = _PLACEHOLDER.search(text)
    if placeholder:
        return f"{script} fills the page; it shows “{placeholder.group(0)}”"
    if any(_NEEDS_SCRIPT.search(inner) for inner in _NOSCRIPT.findall(html)):
        return f"{script} fills the page; <noscript> asks for JavaScript"
    if _EMPTY_LIST.search(html):
        return f"{script} fills the page; it has an empty list"
    return None
