"""Build the static demo portal (汕头市金平区人民政府) from content.yaml + templates/."""
from __future__ import annotations

import datetime as _dt
import html
import struct
import zlib
from pathlib import Path
from typing import Any

import jinja2
import yaml

from . import gkmlpt as gk
from .attachments import make_docx, make_pdf, make_xlsx

HERE = Path(__file__).resolve().parent
CONTENT_FILE = HERE / "content.yaml"
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
HEADERS_FILE = "_headers.yaml"  # read by demo.server.DemoServer
FAMILIES_FILE = "_families.yaml"  # read by demo.server.DemoServer: what differs over IPv6

HOST = "www.jinping.demo.test"
SITE_NAME = "汕头市金平区人民政府"
NEWS_PER_PAGE = 8
GKMLPT_SID = "754007"           # the platform's site id of the district
GKMLPT_FIRST_CATEGORY = 7101    # category ids of the catalogue TREE


def _date(v: Any) -> _dt.date:
    return v if isinstance(v, _dt.date) else _dt.date.fromisoformat(str(v))


def _stamp(d: _dt.date, seed: int) -> str:
    """Deterministic 'YYYY-MM-DD HH:MM' publication time."""
    return f"{d.isoformat()} {8 + seed % 10:02d}:{(seed * 7) % 60:02d}"


def _cn(d: _dt.date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _png(rgb: tuple[int, int, int], w: int = 8, h: int = 8) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )



def _people_table(people: dict) -> str:
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in people["header"])
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
                   for row in people["rows"])
    return f"<table class='gs-table'><tr>{head}</tr>{rows}</table>"

class _Builder:
    def __init__(self, dest: Path, today: _dt.date):
        self.dest = Path(dest)
        self.today = today
        self.root = self.dest / HOST
        self.c = yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8"))
        self.site = self.c["site"]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
        )
        self.headers: dict[str, dict[str, str]] = {}
        self.pages: list[str] = []

    # -- low level -----------------------------------------------------------
    def write(self, path: str, data: bytes | str, encoding: str = "utf-8") -> None:
        assert path.startswith("/"), path
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode(encoding) if isinstance(data, str) else data)

    def render(self, template: str, path: str, page: dict, encoding: str = "utf-8", **ctx: Any) -> None:
        page.setdefault("charset", "utf-8" if encoding == "utf-8" else "gb2312")
        page.setdefault("nav", "")
        html = self.env.get_template(template).render(site=self.site, nav=self.c["nav"], page=page, **ctx)
        self.write(path, html, encoding)
        self.pages.append(path)

    def days_ago(self, n: int) -> _dt.date:
        return self.today - _dt.timedelta(days=int(n))

    def _when(self, item: dict, key: str = "published") -> _dt.date:
        """A fixed date, or one relative to today (`days` / `written_days` ago) for items that must stay recent."""
        relative = item.get("days" if key == "published" else f"{key}_days")
        return self.days_ago(relative) if relative is not None else _date(item[key])

    # -- generic page kinds --------------------------------------------------
    def column(self, path: str, label: str, crumbs: list, nav: str, column_type: str, **col: Any) -> None:
        col.setdefault("label", label)
        col.setdefault("href", path)
        col.setdefault("show_list", "items" in col)
        page = {"title": label, "column": label, "column_type": column_type, "crumbs": crumbs, "nav": nav}
        self.render("column.html", path, page, col=col)

    def article(self, path: str, art: dict, column: str, crumbs: list, nav: str, encoding: str = "utf-8",
                charset: str | None = None) -> None:
        art.setdefault("paras", [])
        page = {
            "title": art["title"],
            "column": column,
            "column_type": crumbs[1][0] if len(crumbs) > 1 else column,
            "crumbs": crumbs,
            "nav": nav,
            "article": {"title": art["title"], "pubdate": art["pubdate"], "source": art["source"]},
        }
        if charset:
            page["charset"] = charset
        self.render("article.html", path, page, encoding=encoding, art=art)

    # -- sections ------------------------------------------------------------
    def build(self) -> None:
        self.static()
        news = self.news()
        notices = self.notices()
        policies, interps = self.policies()
        self.emergency()
        self.fdzdgknr()
        self.annual_reports()
        self.disclosure_pages()
        self.consultations()
        self.gkmlpt()
        self.misc()
        self.topics(news)
        self.home(news, notices, policies, interps)
        (self.dest / HEADERS_FILE).write_text(
            yaml.safe_dump({HOST: self.headers}, allow_unicode=True, sort_keys=True), encoding="utf-8"
        )
        (self.dest / FAMILIES_FILE).write_text(yaml.safe_dump({HOST: self.c["ipv6"]}), encoding="utf-8")

    def static(self) -> None:
        for f in sorted(STATIC.rglob("*")):
            if f.is_file():
                self.write("/" + f.relative_to(STATIC).as_posix(), f.read_bytes())
        self.write("/images/conac.png", _png((0xC8, 0x10, 0x2E)))
        self.write("/images/zhaocuo.png", _png((0x1F, 0x5F, 0xA8)))
        self.write("/robots.txt", "User-agent: *\nDisallow: /private/\n")

    def _news_item(self, it: dict, section: str) -> dict:
        d = self.days_ago(it["days"])
        return {
            "id": it["id"],
            "title": it["title"],
            "date": d.isoformat(),
            "pubdate": _stamp(d, it["id"]),
            "href": f"/xwzx/{section}/content/post_{it['id']}.html",
            "missing": it.get("missing", False),
            "raw": it,
        }

    @staticmethod
    def _generic_paras(title: str, d: _dt.date) -> list[str]:
        lead = title.split(" ")[0]
        return [
            f"{d.month}月{d.day}日，{lead}。",
            "会议（活动）强调，要坚持以人民为中心的发展思想，把各项工作抓紧抓实抓细，以实干实绩推动金平高质量发展。",
            "区有关部门、各街道办事处负责同志参加。",
        ]

    def news(self) -> list[dict]:
        cfg = self.c["jpyw"]
        items = [self._news_item(it, "jpyw") for it in cfg["items"]]
        crumbs_base = [("首页", "/index.html"), ("新闻资讯", "/xwzx/index.html"), ("要闻动态", "/xwzx/jpyw/index.html")]
        pages = [items[i : i + NEWS_PER_PAGE] for i in range(0, len(items), NEWS_PER_PAGE)]
        for n, chunk in enumerate(pages):
            path = "/xwzx/jpyw/index.html" if n == 0 else f"/xwzx/jpyw/index_{n}.html"
            self.column(path, "要闻动态", crumbs_base[:2] + [("要闻动态", None)], "jpyw", "新闻资讯",
                        items=chunk, pages=len(pages), page_index=n, siblings=self._xwzx_siblings(),
                        parent_label="新闻资讯", href="/xwzx/jpyw/index.html")
        for it in items:
            if it["missing"]:
                continue  # planted defect: the list links to a page that does not exist
            d = _date(it["date"])
            art = {"title": it["title"], "pubdate": it["pubdate"], "source": cfg["source"],
                   "paras": it["raw"].get("paras") or self._generic_paras(it["title"], d), "views": 100 + it["id"] % 900,
                   "related": [{"kind": "返回", "title": "要闻动态", "href": "../index.html"}]}
            self.article(it["href"], art, "要闻动态", crumbs_base, "jpyw")
        return items

    def _xwzx_siblings(self) -> list[dict]:
        return [{"label": "要闻动态", "href": "/xwzx/jpyw/index.html"}, {"label": "通知公告", "href": "/xwzx/tzgg/index.html"}]

    def notices(self) -> list[dict]:
        items = [self._news_item(it, "tzgg") for it in self.c["tzgg"]["items"]]
        crumbs = [("首页", "/index.html"), ("新闻资讯", "/xwzx/index.html"), ("通知公告", "/xwzx/tzgg/index.html")]
        self.column("/xwzx/tzgg/index.html", "通知公告", crumbs[:2] + [("通知公告", None)], "tzgg", "新闻资讯",
                    items=items, siblings=self._xwzx_siblings(), parent_label="新闻资讯")
        for it in items:
            raw = it["raw"]
            d = _date(it["date"])
            art = {"title": it["title"], "pubdate": it["pubdate"], "source": raw["source"],
                   "paras": raw.get("paras") or self._generic_paras(it["title"], d),
                   "signature": [raw["source"], f"{d.year}年{d.month}月{d.day}日"],
                   "attachments": raw.get("attachments", [])}
            if raw.get("people"):  # a 公示 list (issue 19): the names and numbers as a table
                art["paras"] = ["现将有关名单予以公示，公示期为7天。如有异议，请向区民政局反映。", _people_table(raw["people"])]
            for attachment in art["attachments"]:
                self.write(attachment["href"], make_xlsx(attachment["people"]["header"], attachment["people"]["rows"]))
            if raw.get("encoding") == "gbk":
                header_cs = raw.get("header_charset")
                self.article(it["href"], art, "通知公告", crumbs, "tzgg", encoding="gbk",
                             charset="gbk" if header_cs else "gb2312")
                self.headers[it["href"]] = {"Content-Type": f"text/html; charset={header_cs}" if header_cs else "text/html"}
            else:
                self.article(it["href"], art, "通知公告", crumbs, "tzgg")
        return items

    def policies(self) -> tuple[list[dict], list[dict]]:
        zcwj_crumbs = [("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("政策文件", "/zwgk/zcwj/index.html")]
        zcjd_crumbs = [("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("政策解读", "/zwgk/zcjd/index.html")]
        pol_href = {p["id"]: f"/zwgk/zcwj/content/post_{p['id']}.html" for p in self.c["zcwj"]}
        jd_href = {j["id"]: f"/zwgk/zcjd/content/post_{j['id']}.html" for j in self.c["zcjd"]}
        titles = {p["id"]: p["title"] for p in self.c["zcwj"] + self.c["zcjd"]}
        policies, interps = [], []
        for p in sorted(self.c["zcwj"], key=self._when, reverse=True):
            pub, written = self._when(p), self._when(p, "written")
            art = {
                "title": p["title"], "pubdate": _stamp(pub, p["id"]), "source": p["issuer"], "doc_no": p["doc_no"],
                "meta_style": "govcn",
                "meta": {"索引号": p["index_no"], "主题分类": p["topic"], "发文机关": p["issuer"],
                         "成文日期": _cn(written), "发文字号": p["doc_no"], "发布日期": _cn(pub),
                         "有效性": p.get("validity", "")},
                "paras": p["paras"],
                "signature": [p["issuer"], f"{written.year}年{written.month}月{written.day}日"],
                "related": [], "attachments": p.get("attachments", []),
            }
            for attachment in art["attachments"]:
                self.write(attachment["href"], make_pdf(p["title"], p["paras"]))
            if p.get("interpretation"):
                j = p["interpretation"]
                art["related"].append({"kind": "相关解读", "title": titles[j], "href": jd_href[j]})
            self.article(pol_href[p["id"]], art, "政策文件", zcwj_crumbs, "zcwj")
            policies.append({"title": p["title"], "href": pol_href[p["id"]], "date": pub.isoformat(),
                             "normative": "规〔" in p["doc_no"]})
        for j in sorted(self.c["zcjd"], key=self._when, reverse=True):
            pub = self._when(j)
            art = {"title": j["title"], "pubdate": _stamp(pub, j["id"]), "source": j["source"], "paras": j["paras"],
                   "related": []}
            if j.get("policy"):
                art["related"].append({"kind": "原文链接", "title": titles[j["policy"]], "href": pol_href[j["policy"]]})
            self.article(jd_href[j["id"]], art, "政策解读", zcjd_crumbs, "zcjd")
            interps.append({"title": j["title"], "href": jd_href[j["id"]], "date": pub.isoformat()})
        sib = [{"label": "政策文件", "href": "/zwgk/zcwj/index.html"}, {"label": "政策解读", "href": "/zwgk/zcjd/index.html"}]
        self.column("/zwgk/zcwj/index.html", "政策文件", zcwj_crumbs[:2] + [("政策文件", None)], "zcwj", "政务公开",
                    items=policies, siblings=sib, parent_label="政务公开")
        self.column("/zwgk/zcjd/index.html", "政策解读", zcjd_crumbs[:2] + [("政策解读", None)], "zcjd", "政务公开",
                    items=interps, siblings=sib, parent_label="政务公开")
        # the central list of 行政规范性文件 (issue 5): listed and downloadable, but no search
        self.column("/zwgk/gfxwj/index.html", "规范性文件", zcwj_crumbs[:2] + [("规范性文件", None)], "zcwj", "政务公开",
                    items=[p for p in policies if p["normative"]], siblings=sib, parent_label="政务公开")
        return policies, interps

    def emergency(self) -> None:
        crumbs = [("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("应急管理", "/zwgk/yjgl/index.html")]
        items = []
        for p in sorted(self.c["yjgl"], key=lambda p: _date(p["published"]), reverse=True):
            pub = _date(p["published"])
            href = f"/zwgk/yjgl/content/post_{p['id']}.html"
            art = {"title": p["title"], "pubdate": _stamp(pub, p["id"]), "source": p["source"], "paras": p["paras"]}
            self.article(href, art, "应急预案", crumbs, "yjgl")
            items.append({"title": p["title"], "href": href, "date": pub.isoformat()})
        self.column("/zwgk/yjgl/index.html", "应急管理", crumbs[:2] + [("应急管理", None)], "yjgl", "政务公开",
                    items=items, intro="<p>本栏目公开金平区突发事件总体应急预案、专项应急预案及预警信息、应急处置情况。</p>")

    def fdzdgknr(self) -> None:
        base = [("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("法定主动公开内容", "/zwgk/fdzdgknr/index.html")]
        subs = []
        for sub in self.c["fdzdgknr"]:
            href = sub.get("href") or f"/zwgk/fdzdgknr/{sub['slug']}/index.html"
            subs.append({"label": sub["label"], "href": href})
        for sub in self.c["fdzdgknr"]:
            if sub.get("href"):
                continue
            colpath = f"/zwgk/fdzdgknr/{sub['slug']}/index.html"
            crumbs = base + [(sub["label"], colpath)]
            items = []
            for it in sub["items"]:
                pub = self._when(it)
                href = f"/zwgk/fdzdgknr/{sub['slug']}/content/post_{it['id']}.html"
                art = {"title": it["title"], "pubdate": _stamp(pub, it["id"]), "source": it["source"],
                       "paras": it["paras"], "attachments": it.get("attachments", [])}
                self.article(href, art, sub["label"], crumbs, "zwgk")
                items.append({"title": it["title"], "href": href, "date": pub.isoformat()})
            self.column(colpath, sub["label"], base + [(sub["label"], None)], "zwgk", "法定主动公开内容",
                        items=items, siblings=subs, parent_label="法定主动公开内容")
        self.column("/zwgk/fdzdgknr/index.html", "法定主动公开内容", base[:2] + [("法定主动公开内容", None)], "zwgk",
                    "政务公开", subcolumns=subs,
                    intro="<p>根据《中华人民共和国政府信息公开条例》第二十条规定，主动公开本行政机关的下列政府信息。</p>")

    # -- annual reports ------------------------------------------------------
    def _report_lines(self, org: str, year: int, unbalanced: bool = False) -> list:
        """The report text; tables are ("table", rows) entries, drawn as <table> in HTML and as one
        line per row in PDF/DOCX (how real attachments flatten them)."""
        n = year - 2018
        tables = self._report_tables(year, unbalanced)
        return [
            "一、总体情况",
            f"{year}年，{org}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "全面推进决策、执行、管理、服务、结果公开。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。",
            "二、主动公开政府信息情况",
            f"本年度制发规范性文件{2 + n % 3}件，现行有效件数{10 + n}件；行政许可处理决定数量{1200 + 37 * n}件。",
            ("table", tables[0]),
            "三、收到和处理政府信息公开申请情况",
            f"本年度新收政府信息公开申请{20 + 3 * n}件，上年结转{n % 4}件，均在法定期限内予以答复。",
            ("table", tables[1]),
            "四、政府信息公开行政复议、行政诉讼情况",
            f"本年度因政府信息公开引起的行政复议{n % 3}件，行政诉讼{n % 2}件，结果均为维持。",
            ("table", tables[2]),
            "五、存在的主要问题及改进情况",
            "政策解读形式还不够丰富，部分栏目更新不够及时。下一步将加强业务培训，完善信息发布协调机制。",
            "六、其他需要报告的事项",
            "本年度未收取信息处理费。",
        ]

    @staticmethod
    def _report_tables(year: int, unbalanced: bool) -> list[list[list]]:
        """Tables 二, 三, 四 in the format of the report's year (2019 format up to 2020, 2021 format after)."""
        n = year - 2018
        if year <= 2020:
            two = [["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", 0, 0, 0],
                   ["规范性文件", 2 + n % 3, 2 + n % 3, 10 + n],
                   ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", 180, 6, 1200 + 37 * n],
                   ["其他对外管理服务事项", 12, 0, 40], ["行政处罚", 96, 2, 310], ["行政强制", 8, 0, 5],
                   ["信息内容", "上一年项目数量", "本年增/减"], ["行政事业性收费", 3, 0],
                   ["信息内容", "采购项目数量", "采购总金额"], ["政府集中采购", 42, 1860]]
        else:
            two = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", 0, 0, 0],
                   ["行政规范性文件", 2 + n % 3, 1, 10 + n], ["信息内容", "本年处理决定数量"],
                   ["行政许可", 1200 + 37 * n], ["行政处罚", 310], ["行政强制", 5],
                   ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", 0]]
        new = [20 + 3 * n, 2, 0, 0, 1, 0]
        carried = [n % 4, 0, 0, 0, 0, 0]
        pending = [1, 0, 0, 0, 0, 0]
        done = [a + b - c for a, b, c in zip(new, carried, pending)]
        partial = [1, 0, 0, 0, 0, 0]
        refused = [1, 0, 0, 0, 0, 0]
        unable = [2, 0, 0, 0, 0, 0]
        granted = [d - p - r - u for d, p, r, u in zip(done, partial, refused, unable)]
        if unbalanced:  # planted defect: the carry-over row does not add up
            pending = [pending[0] + 2] + pending[1:]

        def row(label, values):
            return [label] + values + [sum(values)]

        three = [["申请人情况", "自然人", "法人或其他组织", "总计"],
                 ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
                 row("一、本年新收政府信息公开申请数量", new), row("二、上年结转政府信息公开申请数量", carried),
                 ["三、本年度办理结果"], row("（一）予以公开", granted),
                 row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", partial),
                 row("（三）不予公开", refused), row("（四）无法提供", unable), row("（五）不予处理", [0] * 6),
                 row("（六）其他处理", [0] * 6), row("（七）总计", done), row("四、结转下年度继续办理", pending),
                 ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]]
        four = [["行政复议", "行政诉讼"], ["未经复议直接起诉", "复议后起诉"],
                ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
                [n % 3, 0, 0, 0, n % 3, n % 2, 0, 0, 0, n % 2, 0, 0, 0, 0, 0]]
        return [two, three, four]

    @staticmethod
    def _flat(lines: list) -> list[str]:
        out = []
        for line in lines:
            if isinstance(line, tuple):
                out += [" ".join(str(cell) for cell in cells) for cells in line[1]]
            else:
                out.append(line)
        return out

    def annual_reports(self) -> None:
        cfg = self.c["ndbg"]
        crumbs = [("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("政府信息公开年报", "/zwgk/ndbg/index.html")]
        items = []
        for r in cfg["district"]:
            pub = _date(r["published"])
            if pub > self.today:
                continue
            title = f"{SITE_NAME}{r['year']}年政府信息公开工作年度报告"
            lines = self._report_lines("金平区人民政府", r["year"], r.get("unbalanced", False))
            att = r.get("attachment")
            if att and att.endswith(".pdf"):
                self.write(att, make_pdf(title, self._flat(lines)))
                href = att
            elif att and att.endswith(".docx"):
                self.write(att, make_docx(title, self._flat(lines), creator=self.site["office"],
                                          created=f"{pub.isoformat()}T09:00:00Z"))
                href = att
            else:
                href = f"/zwgk/ndbg/content/post_{r['id']}.html"
                self.article(href, {"title": title, "pubdate": _stamp(pub, r["id"]), "source": self.site["office"],
                                    "paras": self._report_paras(lines)}, "政府信息公开年报", crumbs, "zwgk")
            items.append({"title": title, "href": href, "date": pub.isoformat()})
        for r in cfg["departments"]:
            pub = _date(r["published"])
            if pub > self.today:
                continue
            title = f"{r['org']}{r['year']}年政府信息公开工作年度报告"
            href = f"/zwgk/ndbg/content/post_{r['id']}.html"
            lines = self._report_lines(r["short"], r["year"])
            art = {"title": title, "pubdate": _stamp(pub, r["id"]), "source": r["org"],
                   "paras": self._report_paras(lines)}
            if r.get("attachment"):  # the page only points to the report as a PDF
                self.write(r["attachment"], make_pdf(title, self._flat(lines)))
                art.update(paras=["详见附件。"], attachments=[{"label": f"{title}.pdf", "href": r["attachment"]}])
            self.article(href, art, "政府信息公开年报", crumbs, "zwgk")
            items.append({"title": title, "href": href, "date": pub.isoformat()})
        items.sort(key=lambda i: i["date"], reverse=True)
        self.column("/zwgk/ndbg/index.html", "政府信息公开年报", crumbs[:2] + [("政府信息公开年报", None)], "zwgk",
                    "政务公开", items=items, siblings=self._zwgk_subs(), parent_label="政务公开")

    @staticmethod
    def _report_paras(lines: list) -> list[str]:
        out = []
        for line in lines:
            if isinstance(line, tuple):
                rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>" for cells in line[1])
                out.append(f'<table class="report-table" border="1">{rows}</table>')
            elif line[:2] in {"一、", "二、", "三、", "四、", "五、", "六、"}:
                out.append(f"<h3>{line}</h3>")
            else:
                out.append(line)
        return out

    # -- platform ------------------------------------------------------------
    def _zwgk_subs(self) -> list[dict]:
        return [
            {"label": "政府信息公开指南", "href": "/zwgk/xxgkzn/index.html"},
            {"label": "政府信息公开制度", "href": "/zwgk/xxgkzd/index.html"},
            {"label": "法定主动公开内容", "href": "/zwgk/fdzdgknr/index.html"},
            {"label": "政府信息公开年报", "href": "/zwgk/ndbg/index.html"},
        ]

    def disclosure_pages(self) -> None:
        base = [("首页", "/index.html"), ("政务公开", "/zwgk/index.html")]
        subs = self._zwgk_subs() + [
            {"label": "信息公开目录", "href": "/gkmlpt/index", "desc": "按主题、机构分类浏览政府信息"},
            {"label": "依申请公开", "href": "/zwgk/ysqgk/index.html"},
            {"label": "政策文件", "href": "/zwgk/zcwj/index.html"},
            {"label": "政策解读", "href": "/zwgk/zcjd/index.html"},
            {"label": "规范性文件", "href": "/zwgk/gfxwj/index.html"},
            {"label": "应急管理", "href": "/zwgk/yjgl/index.html"},
            {"label": "意见征集", "href": "/zwgk/yjzj/index.html"},
            {"label": "政务新媒体", "href": "/zwgk/xmt/index.html"},
            {"label": "政务公开专栏（旧版）", "href": "/zwgk/old/index.html", "desc": "2019年以前发布的政务公开信息"},
        ]
        # the platform itself: labelled 政务公开 (a synonym, not the standard 政府信息公开)
        self.column("/zwgk/index.html", "政务公开", [base[0], ("政务公开", None)], "zwgk", "政务公开",
                    subcolumns=subs, siblings=self._zwgk_subs(), parent_label="政务公开",
                    intro="<p>本专栏集中发布金平区人民政府及其部门依法主动公开的政府信息。</p>")
        guide_date = _dt.date(2025, 1, 10)
        for path, crumbs in (("/zwgk/xxgkzn/index.html", base + [("政府信息公开指南", None)]),
                             ("/gkmlpt/guide", [("首页", "/index.html"), ("信息公开目录", "/gkmlpt/index"),
                                                ("政府信息公开指南", None)])):
            page = {"title": "政府信息公开指南", "column": "政府信息公开指南", "column_type": "政务公开",
                    "crumbs": crumbs, "nav": "zwgk",
                    "article": {"title": f"{SITE_NAME}政府信息公开指南", "pubdate": _stamp(guide_date, 7),
                                "source": self.site["office"]}}
            self.render("guide.html", path, page)
        # planted defect: the rules column is blank
        self.column("/zwgk/xxgkzd/index.html", "政府信息公开制度", base + [("政府信息公开制度", None)], "zwgk",
                    "政务公开", items=[], siblings=self._zwgk_subs(), parent_label="政务公开")
        self.column("/zwgk/ysqgk/index.html", "依申请公开", base + [("依申请公开", None)], "zwgk", "政务公开",
                    siblings=self._zwgk_subs(), parent_label="政务公开",
                    intro="<p>公民、法人或者其他组织可以向区政府办公室申请获取相关政府信息。</p>"
                          "<p>申请方式：当面提交、信函申请、网上申请。网上申请请登录"
                          '<a href="https://www.gdzwfw.gov.cn/" target="_blank">广东政务服务网</a>办理。</p>'
                          "<p>受理机构：汕头市金平区人民政府办公室；办公地址：汕头市金平区金砂路金平区行政中心3楼；"
                          "联系电话：0754-88888812。</p>"
                          '<p>申请须知详见<a href="../xxgkzn/index.html">政府信息公开指南</a>。</p>')
        rows = "".join(f"<tr><td>{n}</td><td>{m['name']}</td><td>{m['platform'] or '—'}</td><td>{m['owner']}</td></tr>"
                       for n, m in enumerate(self.c["xmt"], 1))
        self.column("/zwgk/xmt/index.html", "政务新媒体", base + [("政务新媒体", None)], "zwgk", "政务公开",
                    siblings=self._zwgk_subs(), parent_label="政务公开",
                    intro="<p>金平区政务新媒体名录（按国办发〔2018〕123号要求公开，如有变更及时更新）。</p>"
                          '<table class="list-table" border="1"><tr><th>序号</th><th>账号名称</th><th>平台</th>'
                          f"<th>主办单位</th></tr>{rows}</table>")
        # planted defect: soft 404 (HTTP 200 with a "page does not exist" body)
        self.render("soft404.html", "/zwgk/old/index.html", {"title": "页面不存在", "crumbs": [], "nav": ""})

    def consultations(self) -> None:
        """意见征集: each notice states its window (from publication for `window_days` days); 采纳情况
        notices are listed in the same column."""
        crumbs = [("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("意见征集", "/zwgk/yjzj/index.html")]
        items = []
        for c in self.c["yjzj"]:
            start = self._when(c)
            end = start + _dt.timedelta(days=c["window_days"] - 1)
            window = (f"征求意见时间：{_cn(start)}至{_cn(end)}。请于截止日期前将意见建议通过电子邮件或信函反馈至"
                      f"{c['source']}。")
            notices = [(c, c["paras"] + [window], start)]
            if c.get("feedback"):
                notices.append((c["feedback"], c["feedback"]["paras"], self._when(c["feedback"])))
            for notice, paras, pub in notices:
                href = f"/zwgk/yjzj/content/post_{notice['id']}.html"
                self.article(href, {"title": notice["title"], "pubdate": _stamp(pub, notice["id"]),
                                    "source": c["source"], "paras": paras}, "意见征集", crumbs, "zwgk")
                items.append({"title": notice["title"], "href": href, "date": pub.isoformat()})
        items.sort(key=lambda i: i["date"], reverse=True)
        self.column("/zwgk/yjzj/index.html", "意见征集", crumbs[:2] + [("意见征集", None)], "zwgk", "政务公开",
                    items=items, siblings=self._zwgk_subs(), parent_label="政务公开")

    def gkmlpt(self) -> None:
        """The 信息公开目录 on Guangdong's platform in its real shape (demo/gkmlpt.py): the catalogue page
        holds SID and the category TREE; its items exist only in the list API's JSON."""
        items = self.c["gkmlpt"]
        href = {it["id"]: f"/gkmlpt/content/0/512/post_{it['id']}.html" for it in items}
        title = {it["id"]: it["title"] for it in items}
        names = list(dict.fromkeys(it["category"] for it in items))
        category_id = {name: GKMLPT_FIRST_CATEGORY + n for n, name in enumerate(names)}
        listing: dict[str, list[dict]] = {name: [] for name in names}
        for it in sorted(items, key=lambda i: (_date(i["published"]), i["id"]), reverse=True):
            pub, written = _date(it["published"]), _date(it["written"])
            crumbs = [("首页", "/index.html"), ("信息公开目录", "/gkmlpt/index"), (it["category"], None)]
            meta = {"索引号": it["index_no"], "分类": it["category"], "发布机构": it["issuer"],
                    "成文日期": written.isoformat(), "文号": it["doc_no"], "发布日期": pub.isoformat(),
                    "主题词": it["keywords"], "有效性": it.get("validity", "")}
            record = {"id": it["id"], "title": it["title"], "url": href[it["id"]], "post_url": href[it["id"]],
                      "date": gk.epoch(written, it["id"]), "created_at": gk.epoch(pub, it["id"]),
                      "display_publish_time": gk.epoch(pub, it["id"]), "identifier": it["index_no"],
                      "document_number": it["doc_no"], "publisher": it["issuer"],
                      "classify_main_name": it["category"], "is_abolished": int(it.get("validity") == "已废止"),
                      "is_expired": 0, "attachment": [], "relation": []}
            art = {"title": it["title"], "pubdate": _stamp(pub, it["id"]), "source": it["issuer"],
                   "doc_no": it["doc_no"], "meta_style": "gkmlpt", "meta": meta, "paras": it["paras"],
                   "related": [], "detail": gk.detail_script({**record, "content": "".join(
                       f"<p>{html.escape(p)}</p>" for p in it["paras"])})}
            if it.get("interpretation"):
                art["related"].append({"kind": "相关解读", "title": title[it["interpretation"]],
                                       "href": href[it["interpretation"]]})
            if it.get("policy"):
                art["related"].append({"kind": "原文链接", "title": title[it["policy"]], "href": href[it["policy"]]})
            art["related"].append({"kind": "返回", "title": "信息公开目录", "href": "../../../index"})
            self.article(href[it["id"]], art, "信息公开目录", crumbs, "zwgk")
            listing[it["category"]].append(record)
        tree = [{"id": category_id[name], "name": name, "parent": 0, "children": [], "jump_url": "",
                 "post_count": len(listing[name])} for name in names]
        for node in tree:
            gk.write_api(self.write, "/gkmlpt/", GKMLPT_SID, node, listing[node["name"]], page_size=10)
        page = {"title": "信息公开目录", "column": "信息公开目录", "column_type": "政务公开", "nav": "zwgk",
                "crumbs": [("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("信息公开目录", None)]}
        self.render("gkmlpt_index.html", "/gkmlpt/index", page, config=gk.config_script(GKMLPT_SID, tree))

    # -- the rest ------------------------------------------------------------
    def misc(self) -> None:
        home = ("首页", "/index.html")
        self.column("/xwzx/index.html", "新闻资讯", [home, ("新闻资讯", None)], "jpyw", "新闻资讯",
                    subcolumns=self._xwzx_siblings())
        h = self.c["hdjl"]
        msgs = []
        for m in h["messages"]:
            asked = self.days_ago(m["asked_days"])
            answered = self.days_ago(m["answered_days"]) if m.get("answered_days") is not None else None
            msgs.append({**m, "asked": _stamp(asked, int(m["number"][-2:]) + 3),
                         "answered": _stamp(answered, int(m["number"][-2:]) + 5) if answered else ""})
        self.render("hdjl.html", "/hdjl/index.html",
                    {"title": "互动交流", "column": "区长信箱", "column_type": "互动交流", "nav": "hdjl",
                     "crumbs": [home, ("互动交流", None)]}, hdjl={"intro": h["intro"], "messages": msgs})
        self.column("/lxwm/index.html", "联系我们", [home, ("联系我们", None)], "", "网站服务",
                    intro="<p>主办单位：汕头市金平区人民政府办公室</p><p>通讯地址：汕头市金平区金砂路金平区行政中心</p>"
                          "<p>邮政编码：515041</p><p>联系电话：0754-88888888</p>")
        sitemap = [
            {"label": "政务公开", "href": "/zwgk/index.html",
             "children": self._zwgk_subs() + [{"label": "信息公开目录", "href": "/gkmlpt/index"},
                                              {"label": "依申请公开", "href": "/zwgk/ysqgk/index.html"},
                                              {"label": "政策文件", "href": "/zwgk/zcwj/index.html"},
                                              {"label": "政策解读", "href": "/zwgk/zcjd/index.html"},
                                              {"label": "应急管理", "href": "/zwgk/yjgl/index.html"}]},
            {"label": "新闻资讯", "href": "/xwzx/index.html", "children": self._xwzx_siblings()},
            {"label": "互动交流", "href": "/hdjl/index.html", "children": [{"label": "区长信箱", "href": "/hdjl/index.html"}]},
            {"label": "专题专栏", "href": f"/ztzl/{self.c['topics'][0]['slug']}/index.html",
             "children": [{"label": t["label"], "href": f"/ztzl/{t['slug']}/index.html"} for t in self.c["topics"]]},
        ]
        self.render("sitemap.html", "/wzdt/index.html",
                    {"title": "网站地图", "column": "网站地图", "column_type": "网站服务", "nav": "",
                     "crumbs": [home, ("网站地图", None)]}, sitemap=sitemap)

    def topics(self, news: list[dict]) -> None:
        visible = [n for n in news[:NEWS_PER_PAGE] if not n["missing"]]
        for k, t in enumerate(self.c["topics"]):
            path = f"/ztzl/{t['slug']}/index.html"
            self.column(path, t["label"], [("首页", "/index.html"), ("专题专栏", None), (t["label"], None)], "",
                        "专题专栏", items=visible[k::2], intro=f"<p>{t['intro']}</p>")

    def home(self, news, notices, policies, interps) -> None:
        ctx = {
            "banner": self.c["banner"],
            "news": [n for n in news[:NEWS_PER_PAGE] if not n["missing"]][:7],
            "notices": notices[:6],
            "policies": policies[:5],
            "interpretations": interps[:5],
            "topics": [{"label": t["label"], "href": f"/ztzl/{t['slug']}/index.html"} for t in self.c["topics"]],
        }
        page = {"title": SITE_NAME, "column": "首页", "column_type": "首页", "nav": "home", "crumbs": []}
        self.render("home.html", "/index.html", page, home=ctx)


def build_site(dest: Path, today: _dt.date) -> None:
    """Write the demo site to `dest/<hostname>/<path>` (plus `dest/_headers.yaml`)."""
    _Builder(Path(dest), today).build()


def page_count(dest: Path) -> int:
    """Number of HTML pages under dest (for reporting)."""
    root = Path(dest) / HOST
    return sum(1 for p in root.rglob("*") if p.is_file() and (p.suffix == ".html" or p.suffix == ""))
