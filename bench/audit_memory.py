"""Peak memory of the audit stage on big snapshots: `govscan rescore` (checks, scoring, scorecard,
整改清单) of synthetic county-portal snapshots of 20,000 and 100,000 pages, written straight into
SQLite (bench/audit_snapshot.py's generator), not crawled.

    python bench/audit_memory.py [--pages 20000 100000]

Prints wall seconds and the peak RSS of the rescore process for each size, and the ratios against
the smallest size measured in the same run (flat per-page memory means the RSS ratio stays far
below the page ratio). The issue's bound: the audit of 100,000 pages within 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from audit_snapshot import write_snapshot  # noqa: E402

BOUND_MB = {100_000: 1536}


def rescore(run_dir: Path, var: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `govscan rescore` of the run directory."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "govscan", "rescore", str(run_dir), "--today", "2026-11-25",
                                "--var", str(var)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"rescore of {run_dir} failed ({code}): {process.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[20_000, 100_000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="govscan-audit-memory-") as tmp:
        for pages in sorted(args.pages):
            run_dir = Path(tmp) / f"run-{pages}"
            run_dir.mkdir()
            started = time.perf_counter()
            write_snapshot(run_dir / "snapshot.sqlite", pages)
            written = time.perf_counter() - started
            wall, rss = rescore(run_dir, Path(tmp) / "var")
            rows.append((pages, written, wall, rss))
            (run_dir / "snapshot.sqlite").unlink()
    base_pages, _, base_wall, base_rss = rows[0]
    print(f"{'pages':>7} {'write s':>8} {'audit s':>8} {'peak RSS MB':>12} {'pages ×':>8} {'time ×':>7} {'RSS ×':>6}  bound")
    for pages, written, wall, rss in rows:
        bound = BOUND_MB.get(pages)
        verdict = "" if bound is None else f"≤ {bound} MB: {'met' if rss <= bound else 'NOT met'}"
        print(f"{pages:>7} {written:>8.1f} {wall:>8.1f} {rss:>12.0f} {pages / base_pages:>8.1f} {wall / base_wall:>7.1f} "
              f"{rss / base_rss:>6.1f}  {verdict}")


if __name__ == "__main__":
    main()
