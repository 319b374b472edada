"""Run the real crawler subprocess on a site served on loopback, and breadth-first depths of a link graph."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from pathlib import Path

from reports.scoring import load_profile
from tests.conftest import ROOT


def run_crawl(url: str, out: Path, columns: dict | None = None, job_extra: dict | None = None, **limits) -> Path:
    """`python -m crawler.run` with a job like the pipeline's; returns the snapshot path."""
    crawl = {"max_pages": 500, "max_depth": 4, "render": False, "robots": False, "timeout_s": 10,
             "concurrency_per_host": 8, "max_duration_s": 300, **limits}
    job = {"site": "t", "url": url, "snapshot": str(out / "snapshot.sqlite"), "fast": True, "nameserver": None,
           "thresholds": load_profile().thresholds, "crawl": crawl, "columns": columns, **(job_extra or {})}
    (out / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "crawler.run", str(out / "job.json")], cwd=ROOT, check=True, timeout=600)
    return out / "snapshot.sqlite"


def bfs_depths(graph: dict[str, list[str]], start: str) -> dict[str, int]:
    depths = {start: 0}
    queue = deque([start])
    while queue:
        page = queue.popleft()
        for target in graph.get(page, ()):
            if target not in depths:
                depths[target] = depths[page] + 1
                queue.append(target)
    return depths
