"""TRS WCM list pagination: `createPageHTML(pageCount, currentPage, "index", "html")` writes the
links to index_1.html … index_{n-1}.html with document.write, so a plain fetch sees none of them."""

from __future__ import annotations

import re
from urllib.parse import urljoin

CALL = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
MAX_PAGES = 200  # a list claiming more pages than this is capped; the crawl budget applies anyway


def pagination_urls(html: str, url: str) -> list[tuple[str, str]]:
    found = []
    for match in CALL.finditer(html):
        count, stem, ext = int(match.group(1)), match.group(3), match.group(4)
        for number in range(min(count, MAX_PAGES)):
            name = f"{stem}.{ext}" if number == 0 else f"{stem}_{number}.{ext}"
            found.append((urljoin(url, name), "trs:createPageHTML"))
    return found
