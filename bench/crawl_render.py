"""How much Chromium costs: assess the demo portal with and without rendering, same process.

Prints wall-clock seconds per assessment (median of N) and the ratio render / no-render, plus the
crawler's peak memory. Figures are ratios within one run because these machines are noisy.
Usage: python bench/crawl_render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

import demo
from govscan.config import Site
from govscan.pipeline import Options, assess


def one(portal, render: bool) -> tuple[float, int]:
    site = Site(id="demo", name=demo.SITE_NAME, url=portal.url, nameserver=portal.nameserver)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        _, result = assess(site, Options(out=Path(out), render=render, screenshots=False))
        return time.perf_counter() - started, result["crawl"]["pages"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with demo.running() as portal:
        one(portal, False)  # warm-up: imports, file cache
        plain = [one(portal, False) for _ in range(repeat)]
        rendered = [one(portal, True) for _ in range(repeat)]
    plain_s = statistics.median(t for t, _ in plain)
    rendered_s = statistics.median(t for t, _ in rendered)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"demo assessment, no render: {plain_s:.2f} s for {plain[0][1]} pages")
    print(f"demo assessment, render JS pages: {rendered_s:.2f} s for {rendered[0][1]} pages")
    print(f"ratio render / no-render: {rendered_s / plain_s:.2f}x")
    print(f"peak RSS of the largest child (crawler or Chromium): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
