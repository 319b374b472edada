"""Guangdong's gkmlpt 政府信息公开目录 in its real shape, for the demo portal and the crawler tests.

The catalogue page carries `window._CONFIG = {SID, TREE}`; its script asks
`<base>api/all/<category id>?page=<n>&sid=<SID>`, answered with
`{"classify": {id, name, post_count}, "articles": [...]}`. Answers are written as files
`<base>api/all/<id>/sid<SID>/page<n>.json`, which demo/server.py serves for that query.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta, timezone
from typing import Callable

CHINA = timezone(timedelta(hours=8))


def epoch(day: date, seed: int = 0) -> int:
    """Epoch seconds of a China-time moment on that day (the API's date fields)."""
    moment = datetime(day.year, day.month, day.day, 8 + seed % 10, (seed * 7) % 60, tzinfo=CHINA)
    return int(moment.timestamp())


def js_escape(text: str) -> str:
    """JavaScript's escape(): how some deployments send titles."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "@*_+-./") else
                   (f"%{ord(c):02X}" if ord(c) < 256 else f"%u{ord(c):04X}") for c in text)


def script_json(value) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def config_script(sid: str, tree: list[dict]) -> str:
    return (f"window._CONFIG = {{\n  SID: '{sid}',\n  SERVICE_AREA_ID: '{sid}',\n"
            f"  TREE: {script_json(tree)}\n}};")


def detail_script(detail: dict) -> str:
    return f"window._CONFIG = window._CONFIG || {{}};\nwindow._CONFIG.DETAIL = {script_json(detail)};"


def write_api(write: Callable[[str, str], None], base: str, sid: str, category: dict, articles: list[dict],
              page_size: int, all_on_first_page: bool = False) -> int:
    """Write a category's API answers; returns how many pages. `all_on_first_page`: the deployments
    that put every article on page 1 (and answer 404 from page 2, as a missing file does here)."""
    pages = 1 if all_on_first_page else max(1, math.ceil(len(articles) / page_size))
    classify = {"id": category["id"], "name": category["name"], "post_count": len(articles)}
    for number in range(1, pages + 1):
        chunk = articles if all_on_first_page else articles[(number - 1) * page_size: number * page_size]
        write(f"{base}api/all/{category['id']}/sid{sid}/page{number}.json",
              json.dumps({"classify": classify, "articles": chunk}, ensure_ascii=False))
    return pages
