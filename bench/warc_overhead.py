"""What keeping every response in the run's WARC costs the crawl: `govscan assess --no-render` of one
generated portal (nginx on loopback, as bench/crawl_peers.py serves it) with the archive on and off
(targets.yaml `crawl.warc`), interleaved round by round. Prints pages/s of the crawl subprocess and of
the whole assessment, CPU seconds, peak RSS and the WARC's size, and the on/off ratios (the target:
within 10 % of off). Ratios within one run because these machines are noisy; the best round counts.

Usage: python bench/warc_overhead.py [--pages 2000 (or BENCH_PAGES)] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_peers import CONCURRENCY, govscan, start_nginx, write_portal  # noqa: E402 (puts the project on the path)
from demo.generated_portal import Portal  # noqa: E402


def assess(url: str, work: Path, pages: int, warc: bool) -> dict:
    result = govscan(url, work, "run", pages, warc=warc)  # a full crawl each time, never an incremental one
    result["rate"], result["crawl_rate"] = result["pages"] / result["wall"], result["pages"] / result["crawl_s"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=int(os.environ.get("BENCH_PAGES", 2_000)))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govscan-bench-warc-"))
    os.chmod(work, 0o755)
    count = write_portal(Portal(pages=args.pages), work / "site")
    nginx, url = start_nginx(work, work / "site")
    print(f"portal: {count} pages at {url} (nginx), concurrency {CONCURRENCY}, {args.rounds} round(s), WARC on/off")
    best: dict[str, dict] = {}
    try:
        for _ in range(args.rounds):
            for name, warc in (("WARC off", False), ("WARC on", True)):
                result = assess(url, work, count, warc)
                print(f"  {name:9s} {result['pages']:6d} pages  crawl {result['crawl_s']:6.1f} s {result['crawl_rate']:7.1f} pages/s"
                      f"  assess {result['wall']:6.1f} s {result['rate']:7.1f} pages/s  CPU {result['cpu']:6.1f} s"
                      f"  peak RSS {result['rss_mb']:5.0f} MB  WARC {result['warc_mb']:6.1f} MB", flush=True)
                if name not in best or result["crawl_rate"] > best[name]["crawl_rate"]:
                    best[name] = result
        on, off = best["WARC on"], best["WARC off"]
        print(f"ratios: WARC on/off crawl pages/s {on['crawl_rate'] / off['crawl_rate']:.2f}x, "
              f"assess pages/s {on['rate'] / off['rate']:.2f}x, CPU {on['cpu'] / off['cpu']:.2f}x, "
              f"peak RSS {on['rss_mb'] / off['rss_mb']:.2f}x (target: crawl pages/s ≥ 0.90x)")
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
