"""`govscan index`: one page across every site of targets.yaml, from the history database.

Per site: the latest complete run's score and grade, the change since the run before, a small
trend, its worst findings (vetoes, then failures, then warnings) and a link to its scorecard;
sites ranked by score within their level. Rendering reads history only, never run directories
(except to link a scorecard that exists).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from checks.model import BEIJING
from govscan.config import Site
from govscan.history import FINISHED, OK, OUTCOME_LABELS, History, trend_point
from reports.render import environment, polyline, trend_scale
from reports.result import write_atomic
from reports.statuses import NEEDS_ACTION

LEVELS = {"national": "国家级", "province": "省级", "city": "地市级", "district": "区县级",
          "department": "部门", "street": "街道乡镇"}
TREND_RUNS = 30  # the small trend: about a month of nightly runs
WORST = 3
SPARK_WIDTH, SPARK_HEIGHT = 120, 24


def sparkline(points: list[dict]) -> str | None:
    totals = [p["total"] for p in points if p["total"] is not None]
    if len(totals) < 2:
        return None
    low, high = trend_scale(totals)
    xs = [SPARK_WIDTH * i / (len(points) - 1) for i in range(len(points))]
    return polyline(xs, [p["total"] for p in points], low, high, 2, SPARK_HEIGHT - 4)


def worst_findings(history: History, run) -> list[dict]:
    vetoed = {veto.get("check") for veto in run.vetoes or []}
    rows = [row for row in history.findings(run.id).values() if row.status in NEEDS_ACTION]
    rows.sort(key=lambda row: (row.check not in vetoed, row.status != "fail", row.check))
    return [{"title": row.title, "status": row.status, "message": row.message, "veto": row.check in vetoed}
            for row in rows[:WORST]]


def site_entry(site: Site, history: History, out_dir: Path) -> dict:
    runs = [run for run in history.runs(site.id) if run.outcome in FINISHED]
    complete = [run for run in runs if run.outcome == OK]
    entry = {"site": site, "latest": None, "delta": None, "trend": None, "worst": [], "link": None, "problem": None}
    if runs and runs[-1].outcome != OK:
        last = trend_point(runs[-1])
        entry["problem"] = f"{last['date']} {OUTCOME_LABELS.get(runs[-1].outcome, runs[-1].outcome)}"
    if not complete:
        return entry
    latest = complete[-1]
    entry["latest"] = trend_point(latest)
    if len(complete) > 1 and latest.total is not None and complete[-2].total is not None:
        entry["delta"] = round(latest.total - complete[-2].total, 1)
    entry["trend"] = sparkline([trend_point(run) for run in complete[-TREND_RUNS:]])
    entry["worst"] = worst_findings(history, latest)
    scorecard = Path(latest.path or "") / "scorecard.html"
    if latest.path and scorecard.is_file():
        entry["link"] = Path(os.path.relpath(scorecard.resolve(), out_dir.resolve())).as_posix()
    return entry


def rank_key(entry: dict) -> tuple:
    total = (entry["latest"] or {}).get("total")
    return total is None, -(total or 0), entry["site"].id


def ranking(sites: list[Site], history: History, out_dir: Path) -> list[tuple[str, list[dict]]]:
    """(level label, entries best first) for each level that has sites; unassessed sites last."""
    groups = []
    for level, label in LEVELS.items():
        entries = [site_entry(site, history, out_dir) for site in sites if site.level == level]
        entries.sort(key=rank_key)
        if entries:
            groups.append((label, entries))
    return groups


def index_html(sites: list[Site], history: History, out_dir: Path) -> str:
    return environment().get_template("index.html.j2").render(
        groups=ranking(sites, history, out_dir), generated=datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M"),
        spark=(SPARK_WIDTH, SPARK_HEIGHT))


def write_index(sites: list[Site], history: History, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, index_html(sites, history, out.parent))
    return out
