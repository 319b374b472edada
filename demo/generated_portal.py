"""A generated 政府-style portal of any size, for the crawl tests and `make bench`.

Pages are made on the fly from their path (nothing is stored), so a 20,000-page portal costs no
memory: `page(path)` answers one request, `paths()` lists every page (bench writes them to disk for
nginx). Shape: news archives (one huge) linked from every page — first or last in the navigation —
and a 政府信息公开 platform one level below the home page with its sub-columns (指南, 制度, 法定主动
公开内容 with category sub-columns, 年报, 标准目录), 政策解读 and 互动交流. Lists show 20 items a page;
each list page links its ten neighbours and every 10th page, so every page is within 6 links of
the home page. Items carry the metadata block and a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

PER_PAGE = 20
TODAY = date(2026, 11, 30)
ARCHIVES = (("工作动态", "/xwzx/gzdt/", 0.70), ("通知公告", "/xwzx/tzgg/", 0.15), ("部门动态", "/xwzx/bmdt/", 0.10),
            ("图片新闻", "/xwzx/tpxw/", 0.05))
STATUTORY = (("规范性文件", "gfxwj"), ("机构职能", "jgzn"), ("规划计划", "ghjh"), ("统计信息", "tjxx"),
             ("行政许可", "xzxk"), ("行政处罚", "xzcf"), ("财政预决算", "czyjs"), ("收费项目", "sfxm"),
             ("政府采购", "zfcg"), ("重大建设项目", "zdjsxm"), ("社会救助", "shjz"), ("教育", "jy"),
             ("应急预案", "yjya"), ("安全生产", "aqsc"), ("公务员招考", "gwyzk"), ("市政建设", "szjs"),
             ("公共服务", "ggfw"), ("公益事业", "gysy"), ("土地征收", "tdzs"), ("房屋征收", "fwzs"), ("治安管理", "zagl"))
PLATFORM = (("政府信息公开指南", "/zfxxgk/xxgkzn/", 1), ("政府信息公开制度", "/zfxxgk/xxgkzd/", 4),
            ("法定主动公开内容", "/zfxxgk/fdzdgknr/", 0), ("政府信息公开年报", "/zfxxgk/ndbg/", 7),
            ("基层政务公开标准目录", "/zfxxgk/jczwgk/", 3))
OTHER = (("政策解读", "/zcjd/", 30), ("互动交流", "/hdjl/", 12))
GUIDE_TEXT = ("本指南依据2019年修订的《中华人民共和国政府信息公开条例》编制。一、信息分类与编排体系：按主题分类编排。"
              "二、获取方式：主动公开、依申请公开。三、工作机构名称：区人民政府办公室。办公地址：人民路1号。"
              "办公时间：工作日9:00-17:00。联系电话：0754-88888812。传真：0754-88888813。网址：http://example.gov.cn")


@dataclass(frozen=True)
class Portal:
    pages: int = 2_000            # approximate total
    archive_first: bool = True    # the news archives lead the navigation of every page

    @property
    def lists(self) -> dict[str, tuple[str, int]]:
        """Every list: directory → (name, item count)."""
        fixed = {directory: (name, count) for name, directory, count in PLATFORM + OTHER}
        fixed.update({f"/zfxxgk/fdzdgknr/{slug}/": (name, 25) for name, slug in STATUTORY})
        rest = max(self.pages - sum(count for _, count in fixed.values()) - 60, 40)
        archives = {directory: (name, max(int(rest * share * PER_PAGE / (PER_PAGE + 1)), 1))
                    for name, directory, share in ARCHIVES}
        return {**archives, **fixed}

    def paths(self):
        yield "/index.html"
        yield "/zfxxgk/index.html"
        for directory, (_, count) in self.lists.items():
            for number in range(list_pages(count)):
                yield list_path(directory, number)
            for index in range(count):
                yield item_path(directory, index)

    def nav(self) -> str:
        archives = "".join(f'<li><a href="{d}index.html">{n}</a></li>' for n, d, _ in ARCHIVES)
        others = ('<li><a href="/zfxxgk/index.html">政府信息公开</a></li>'
                  + "".join(f'<li><a href="{d}index.html">{n}</a></li>' for n, d, _ in OTHER))
        return "<ul class='nav'>" + (archives + others if self.archive_first else others + archives) + "</ul>"

    def page(self, path: str) -> tuple[int, str]:
        if path in ("/", "/index.html"):
            return 200, self._home()
        if path == "/zfxxgk/index.html":
            links = "".join(f'<li><a href="{d}index.html">{n}</a></li>' for n, d, _ in PLATFORM)
            return 200, self._html("政府信息公开", f"<ul class='sub'>{links}</ul>")
        match = re.fullmatch(r"(/.+/)(?:index(?:_(\d+))?\.html|(\d{6})/t(\d{8})_(\d+)\.html)", path)
        lists = self.lists
        if not match or match.group(1) not in lists:
            return 404, self._html("页面不存在", "<p>您访问的页面不存在</p>")
        directory = match.group(1)
        name, count = lists[directory]
        if match.group(5) is not None:
            index = int(match.group(5)) % 100_000
            if index >= count or item_path(directory, index) != path:
                return 404, self._html("页面不存在", "<p>您访问的页面不存在</p>")
            return 200, self._item(directory, name, index)
        number = int(match.group(2) or 0)
        if number >= list_pages(count):
            return 404, self._html("页面不存在", "<p>您访问的页面不存在</p>")
        return 200, self._list(directory, name, count, number)

    def _home(self) -> str:
        newest = "".join(self._row(d, i) for _, d, _ in ARCHIVES for i in range(3))
        return self._html("某某区人民政府门户网站", f"<div class='news'><ul>{newest}</ul></div>")

    def _list(self, directory: str, name: str, count: int, number: int) -> str:
        rows = "".join(self._row(directory, i) for i in range(number * PER_PAGE, min(count, (number + 1) * PER_PAGE)))
        total = list_pages(count)
        near = set(range(max(0, number - 10), min(total, number + 11))) | set(range(0, total, 10))
        pager = "".join(f'<a href="{list_path(directory, n).rsplit("/", 1)[1]}">{n + 1}</a>' for n in sorted(near))
        subs = ""
        if directory == "/zfxxgk/fdzdgknr/":
            subs = "<ul class='sub'>" + "".join(f'<li><a href="{slug}/index.html">{n}</a></li>' for n, slug in STATUTORY) + "</ul>"
        body = f"<h2>{name}</h2>{subs}<ul class='list'>{rows}</ul><div class='pager'>共{total}页 {pager}</div>"
        return self._html(name, body)

    def _row(self, directory: str, index: int) -> str:
        return f'<li><a href="{item_path(directory, index)}">{item_title(directory, self.lists[directory][0], index)}</a>' \
               f'<span>{item_date(index)}</span></li>'

    def _item(self, directory: str, name: str, index: int) -> str:
        title = item_title(directory, name, index)
        day = item_date(index)
        meta = (f"<table class='meta'><tr><td>索引号：</td><td>11440500-{index:06d}</td><td>发布机构：</td><td>区政府办公室</td></tr>"
                f"<tr><td>成文日期：</td><td>{day}</td><td>发布日期：</td><td>{day}</td></tr></table>")
        text = GUIDE_TEXT if directory == "/zfxxgk/xxgkzn/" else f"{title}。" + "为进一步做好相关工作，现将有关事项通知如下。" * 8
        return self._html(title, f"{meta}<h1>{title}</h1><div class='content'><p>{text}</p></div>")

    def _html(self, title: str, body: str) -> str:
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                f"<div class='header'>某某区人民政府</div>{self.nav()}{body}"
                "<div class='footer'>主办单位：某某区人民政府办公室 网站标识码：4405000001 粤ICP备12345678号</div></body></html>")


def list_pages(count: int) -> int:
    return max(1, -(-count // PER_PAGE))


def list_path(directory: str, number: int) -> str:
    return f"{directory}index.html" if number == 0 else f"{directory}index_{number}.html"


def item_date(index: int) -> str:
    return (TODAY - timedelta(days=index // 3)).isoformat()


def item_path(directory: str, index: int) -> str:
    day = item_date(index).replace("-", "")
    return f"{directory}{day[:6]}/t{day}_{100_000 + index}.html"


def item_title(directory: str, name: str, index: int) -> str:
    if directory == "/zfxxgk/ndbg/":
        return f"某某区{TODAY.year - 1 - index}年政府信息公开工作年度报告"
    if directory == "/zfxxgk/xxgkzn/":
        return "某某区人民政府政府信息公开指南"
    return f"{name}第{index + 1}号信息"


def serve(portal: Portal, host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, str]:
    """A threaded HTTP server for `portal` on an ephemeral port; returns (server, base URL)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            status, html = portal.page(self.path.split("?", 1)[0])
            body = html.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"
