"""Link lists written as <select> options that a script opens (`window.open(option.value)`), common
for 部门/街道/友情链接 on county and district portals: no <a> exists, so a plain parser sees no link."""

from __future__ import annotations

import html as entities
import re
from urllib.parse import urljoin

_SELECT = re.compile(r"<select\b(?P<attrs>[^>]*)>(?P<body>.*?)</select>", re.S | re.I)
_OPTION = re.compile(r"""<option\b[^>]*?\bvalue\s*=\s*(?P<q>['"])(?P<value>[^'"]+)(?P=q)[^>]*>(?P<text>[^<]*)""", re.I)
_TITLE = re.compile(r"""\btitle\s*=\s*(['"])(?P<title>[^'"]*)\1""", re.I)
_OPENS = re.compile(r"window\.open\s*\(|location(?:\.href)?\s*=|location\.assign\(", re.I)
_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)


def option_links(html: str, url: str) -> list[tuple[str, str, str, str]]:
    """(target, anchor, "option", the list's title) for options a script opens."""
    if "<option" not in html.lower():
        return []
    scripts = " ".join(_SCRIPT.findall(html))
    page_opens = bool(_OPENS.search(scripts)) and re.search(r"select|option|change", scripts, re.I)
    found = []
    for select in _SELECT.finditer(html):
        if not (page_opens or _OPENS.search(select.group("attrs"))):
            continue
        title = _TITLE.search(select.group("attrs"))
        for option in _OPTION.finditer(select.group("body")):
            value = entities.unescape(option.group("value")).strip()
            if value.lower().startswith(("http://", "https://", "/", "./", "../")):
                found.append((urljoin(url, value), entities.unescape(option.group("text")).strip(), "option",
                              title.group("title") if title else ""))
    return found
