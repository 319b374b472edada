"""How pairing policies with their 解读 scales: 5,000 policies and 2,000 interpretations against a
baseline one tenth that size, in the same run.

A third of the interpretations are linked both ways, a third only back to the policy, a third paired
by title alone; every page also carries site navigation. Linear pairing makes the ratio about 10;
a quadratic one would make it about 100. Prints seconds (median of N) and the ratio.
Usage: python bench/interpretation_pairing.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from checks.rules.interpretation import analyse
from checks.model import Context
from checks.snapshot import Snapshot
from crawler.snapshot import SnapshotWriter

SITE = "http://bench.test"
TODAY = date(2026, 11, 25)
NAV = [(f"{SITE}/col{n}/index.html", f"栏目{n}") for n in range(30)]


def page(writer: SnapshotWriter, url: str, title: str, document: dict, links: list[tuple[str, str]]) -> None:
    writer.page({"url": url, "final_url": url, "status": 200, "title": title, "text": title, "depth": 2,
                 "metadata": {"meta": {}, "document": document}, "rendered": 0, "charset": "utf-8"})
    writer.links([{"source": url, "target": target, "anchor": anchor, "tag": "a", "internal": 1, "level": 2}
                  for target, anchor in links + NAV])


def build(path: Path, policies: int, interpretations: int) -> None:
    writer = SnapshotWriter(path)
    writer.set_meta(start_url=f"{SITE}/", complete="1")
    page(writer, f"{SITE}/", "首页", {}, [])
    for n in range(policies):
        published = TODAY - timedelta(days=n % 360)
        name = f"某区第{n}号专项管理办法"
        links = []
        if n < interpretations and n % 3 == 0:
            links.append((f"{SITE}/jd/{n}.html", f"《{name}》政策解读"))
        page(writer, f"{SITE}/zcwj/{n}.html", f"某区人民政府关于印发《{name}》的通知",
             {"文号": f"某府〔{published.year}〕{n}号", "发布日期": published.isoformat(),
              "成文日期": (published - timedelta(days=3)).isoformat()}, links)
        if n < interpretations:
            back = [(f"{SITE}/zcwj/{n}.html", "原文链接")] if n % 3 in (0, 1) else []
            page(writer, f"{SITE}/jd/{n}.html", f"《{name}》政策解读",
                 {"发布日期": (published + timedelta(days=n % 5)).isoformat()}, back)
    writer.close()


def timed(path: Path, ctx: Context) -> tuple[float, int]:
    snap = Snapshot(path)
    snap.pages(), snap.chrome_targets  # loading the snapshot is not pairing
    started = time.perf_counter()
    analysis = analyse.__wrapped__(snap, ctx)
    elapsed = time.perf_counter() - started
    snap.close()
    return elapsed, sum(map(len, analysis.pairs.values()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ctx = Context("bench", "某区人民政府", f"{SITE}/", "district", TODAY)
    with tempfile.TemporaryDirectory() as tmp:
        figures = {}
        for label, policies, interpretations in (("baseline", 500, 200), ("full", 5000, 2000)):
            path = Path(tmp) / f"{label}.sqlite"
            build(path, policies, interpretations)
            runs = [timed(path, ctx) for _ in range(args.repeat)]
            figures[label] = statistics.median(seconds for seconds, _ in runs)
            print(f"{label}: {policies} policies, {interpretations} interpretations, {runs[0][1]} pairs, "
                  f"{figures[label]:.3f} s")
        ratio = figures["full"] / figures["baseline"]
        print(f"ratio full/baseline: {ratio:.1f} (10x the pages: linear ≈ 10, quadratic ≈ 100)")


if __name__ == "__main__":
    main()
