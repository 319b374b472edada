"""Small portals on loopback for the workbench tests: each a folder served by its own HTTP server."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from tests.conftest import QuietHandler

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
PAGE = "<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_portal(root: Path, title: str, kept: bool) -> None:
    """kept: a home page with news of this week and a 信箱 (no 单项否决); otherwise a bare one whose
    news page goes missing later (a broken link) and whose home page has no dates (V-HOME)."""
    root.mkdir(parents=True, exist_ok=True)
    if kept:
        day = (date.today() - timedelta(days=2)).isoformat()
        body = (f"<ul><li><a href='news1.html'>关于做好冬季安全生产工作的通知</a> {day}</li></ul>"
                "<a href='mail.html'>市长信箱</a><a href='zwgk.html'>政务公开</a>")
        (root / "mail.html").write_text(PAGE.format(title="市长信箱", body="欢迎来信"), encoding="utf-8")
        (root / "news1.html").write_text(PAGE.format(title="通知", body=f"发布日期：{day} 通知正文"), encoding="utf-8")
    else:
        body = "<a href='news.html'>新闻动态</a><a href='zwgk.html'>政务公开</a>"
        (root / "news.html").write_text(PAGE.format(title="新闻", body="通知正文"), encoding="utf-8")
    (root / "zwgk.html").write_text(PAGE.format(title="政务公开", body="政务公开"), encoding="utf-8")
    (root / "index.html").write_text(PAGE.format(title=escape(title), body=body), encoding="utf-8")


class Portal:
    def __init__(self, root: Path):
        self.root = root
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
