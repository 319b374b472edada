"""How the audit stage scales: run every check on synthetic portal snapshots of 1,000 and 20,000 pages.

    python bench/audit_snapshot.py [--pages 1000 20000] [--keep DIR]

Each snapshot looks like a county portal: a home page, ~60 columns, articles in each column, the same
navigation, sidebar and footer on every page, 年报 and 法定主动公开 columns, PDF attachments. The
figures are wall-clock seconds on this machine and, what matters, ratios against the smallest
snapshot measured in the same run (linear scaling means the time ratio equals the page ratio).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.model import Context  # noqa: E402
from checks.registry import run_checks  # noqa: E402
from checks.snapshot import Snapshot  # noqa: E402
from crawler.snapshot import SnapshotWriter  # noqa: E402
from reports.scoring import load_profile  # noqa: E402

HOST = "http://www.bench.test"
NAV = [("首页", "/"), ("政务公开", "/zwgk/"), ("要闻动态", "/xwzx/"), ("通知公告", "/tzgg/"), ("政策文件", "/zcwj/"),
       ("政策解读", "/zcjd/"), ("互动交流", "/hdjl/"), ("办事服务", "/bsfw/"), ("应急管理", "/yjgl/"), ("网站地图", "/wzdt/")]
SUBS = [("政府信息公开指南", "/zwgk/xxgkzn/"), ("政府信息公开制度", "/zwgk/xxgkzd/"), ("法定主动公开内容", "/zwgk/fdzdgknr/"),
        ("政府信息公开年报", "/zwgk/ndbg/")]
FOOTER = ["主办单位：某某区人民政府办公室", "网站标识码：4405110001", "粤ICP备12345678号", "联系电话：0754-88888888"]


def write_snapshot(path: Path, pages: int) -> None:
    writer = SnapshotWriter(path)
    writer.set_meta(start_url=HOST + "/", complete="1")
    columns = [f"/lm{c:02d}/" for c in range(60)]
    per_column = max(1, (pages - len(columns) - 10) // len(columns))
    chrome = [{"target": HOST + href, "anchor": label} for label, href in NAV + SUBS]

    def page(url: str, title: str, lines: list[str], links: list[dict], depth: int, meta: dict | None = None):
        text = "\n".join([label for label, _ in NAV] + [title] + lines + FOOTER)
        html = f"<html><head><title>{title}</title></head><body>{text}</body></html>"
        writer.page({"url": url, "final_url": url, "status": 200, "title": title, "text": text, "html": html,
                     "depth": depth, "metadata": {"meta": meta or {}, "document": {}}, "charset": "utf-8"})
        writer.links([{"source": url, "internal": 1, "level": depth, "tag": "a", **link} for link in chrome + links])

    page(HOST + "/", "某某区人民政府", ["欢迎访问"], [{"target": HOST + c, "anchor": f"栏目{c[3:5]}"} for c in columns], 0)
    page(HOST + "/zwgk/", "政务公开", ["本专栏集中发布政府信息"], [], 1)
    page(HOST + "/zwgk/xxgkzn/", "政府信息公开指南", ["分类与编排体系", "获取方式", "办公地址", "办公时间", "电话", "网址"], [], 2)
    page(HOST + "/zwgk/xxgkzd/", "政府信息公开制度", ["暂无信息"], [], 2)
    page(HOST + "/zwgk/fdzdgknr/", "法定主动公开内容", [],
         [{"target": HOST + f"/zwgk/fdzdgknr/{slug}/", "anchor": label} for label, slug in
          [("机构职能", "jgzn"), ("规划计划", "ghjh"), ("财政预决算", "czyjs"), ("行政许可", "xzxk")]], 2)
    reports = []
    for year in range(2019, 2026):
        url = f"{HOST}/zwgk/ndbg/content/post_{year}.html"
        title = f"某某区人民政府{year}年政府信息公开工作年度报告"
        reports.append({"target": url, "anchor": title})
        body = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "一、本年新收政府信息公开申请数量", *"1 0 0 0 0 0 1".split(), "二、上年结转政府信息公开申请数量",
                *"0 0 0 0 0 0 0".split(), "（七）总计", *"1 0 0 0 0 0 1".split(), "四、结转下年度继续办理",
                *"0 0 0 0 0 0 0".split(), "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项"]
        page(url, title, body, [], 3, {"PubDate": f"{year + 1}-03-20 09:00"})
    page(HOST + "/zwgk/ndbg/", "政府信息公开年报", [], reports, 2)
    n = 0
    for c, column in enumerate(columns):
        items = [{"target": f"{HOST}{column}content/post_{c * 100000 + i}.html", "anchor": f"第{c}栏目第{i}篇文章标题"}
                 for i in range(per_column)]
        page(HOST + column, f"栏目{c}", [f"栏目{c}简介"], items, 1)
        for i, item in enumerate(items):
            sidebar = [{"target": HOST + columns[(c + k) % len(columns)], "anchor": f"栏目{(c + k) % 60:02d}"}
                       for k in range(1, 6)]
            related = [{"target": items[(i + k) % len(items)]["target"], "anchor": items[(i + k) % len(items)]["anchor"]}
                       for k in range(1, 4)]
            attachment = [{"target": f"{HOST}/attachment/{c}/{i}.pdf", "anchor": "附件.pdf"}] if i % 10 == 0 else []
            lines = [f"第{c}栏目第{i}篇文章正文第{k}段，发布时间：2026-0{1 + k % 9}-1{k % 9}。" for k in range(20)]
            page(item["target"], item["anchor"], lines, sidebar + related + attachment, 2,
                 {"PubDate": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} 09:00"})
            if attachment:
                writer.attachment({"url": attachment[0]["target"], "status": 200, "type": "pdf", "size": 1000,
                                   "text": "附件正文"})
            n += 1
    writer.close()


def measure(path: Path) -> tuple[float, float, Counter]:
    snap = Snapshot(path)
    ctx = Context("bench", "某某区人民政府", HOST + "/", "district", date(2026, 11, 25),
                  thresholds=load_profile("default").thresholds)
    started = time.perf_counter()
    snap.pages(), snap.links()  # loading, measured apart from the checks
    loaded = time.perf_counter() - started
    per_check = Counter()
    started = time.perf_counter()
    results = run_checks(snap, ctx)
    total = time.perf_counter() - started
    broken = [r.spec.id for r in results if r.finding.status.value == "error"]
    if broken:  # a check that crashed early would make the figures look better than they are
        raise SystemExit(f"checks ended in error on {path.name}: {', '.join(broken)}")
    per_check.update({result.spec.id: 0 for result in results})
    for check_id in list(per_check):  # second pass: cached indexes are warm, this is each check's own cost
        t = time.perf_counter()
        run_checks(snap, ctx, only=[check_id])
        per_check[check_id] = time.perf_counter() - t
    snap.close()
    return loaded, total, per_check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--keep", type=Path, help="write the snapshots here instead of a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for pages in sorted(args.pages):
            path = folder / f"bench-{pages}.sqlite"
            path.unlink(missing_ok=True)
            write_snapshot(path, pages)
            with Snapshot(path).db as db:
                counted = (db.execute("SELECT count(*) FROM pages").fetchone()[0],
                           db.execute("SELECT count(*) FROM links").fetchone()[0])
            loaded, total, per_check = measure(path)
            rows.append((pages, counted, loaded, total, per_check))
        base_pages, _, base_loaded, base_total, _ = rows[0]
        print(f"{'pages':>7} {'links':>9} {'load s':>8} {'checks s':>9} {'pages ×':>8} {'load ×':>7} {'checks ×':>9}")
        for pages, (n_pages, n_links), loaded, total, _ in rows:
            print(f"{n_pages:>7} {n_links:>9} {loaded:>8.2f} {total:>9.2f} {pages / base_pages:>8.1f} "
                  f"{loaded / base_loaded:>7.1f} {total / base_total:>9.1f}")
        *_, slowest = rows[-1]
        print(f"slowest checks at {rows[-1][1][0]} pages (warm indexes):")
        for check_id, seconds in slowest.most_common(5):
            print(f"  {check_id:<40} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
