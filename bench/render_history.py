"""A year of nightly history for one site: recording a run and rendering its scorecard.

    python bench/render_history.py [--runs 365]

Builds a history database (SQLite, in a temporary directory) by recording `--runs` nightly runs
of one site, each a full result (every check of the default profile, a few changing status now
and then), exactly as the pipeline does: finish_run (findings change-only) then History.report
(the result.json `history` section), then renders its scorecard (best of 5).
Figures: wall-clock seconds on this machine and ratios against the same steps for the site's
first run (a one-run history) measured in the same process.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import timeit
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govscan.config import Site  # noqa: E402
from govscan.history import OK, History, RunRow  # noqa: E402
from reports.render import scorecard_html  # noqa: E402
from reports.result import SCHEMA_ID  # noqa: E402
from reports.scoring import load_profile, score  # noqa: E402

SITE = Site(id="bench", name="某某区人民政府", url="http://www.bench.test/", level="district")
STATUSES = ["pass"] * 6 + ["fail", "warn", "info", "unverifiable"]


def result_of(run_id: str, started: datetime, statuses: dict[str, str], profile) -> dict:
    findings = [{"check": check, "status": status, "title": f"检查项 {check}", "message": f"{check} 的检测结论：{status}",
                 "value": "3/40" if status == "fail" else "", "threshold": "无", "basis": "国办发〔2019〕19号",
                 "remedy": "按要求整改", "evidence": [{"url": f"{SITE.url}{check}.html", "text": "所在页面"}]}
                for check, status in statuses.items()]
    return {"schema": SCHEMA_ID, "site": SITE.model_dump(include={"id", "name", "url", "level"}),
            "run": {"id": run_id, "started_at": started.isoformat(), "finished_at": started.isoformat(),
                    "profile": "default", "tool": "govscan"},
            "crawl": {"pages": 800, "rendered": 3, "errors": 2, "duration_s": 600.0},
            "score": score(findings, profile), "findings": findings}


def night(history: History, profile, statuses: dict, day: int, first: datetime, measure: bool = False):
    """One nightly run recorded as the pipeline records it; with `measure`, the seconds of
    (finish_run, the history section best of 5, the scorecard best of 5)."""
    run_id = f"run-{day:04d}"
    started = first + timedelta(days=day)
    history.start_run(SITE, run_id, Path("/runs") / run_id, night=started.date().isoformat())
    with history.engine.begin() as db:  # a year ago is when it ran, not now
        db.execute(update(RunRow).where(RunRow.id == run_id).values(started_at=started))
    result = result_of(run_id, started, statuses, profile)
    begin = time.perf_counter()
    history.finish_run(run_id, OK, result)
    recorded = time.perf_counter() - begin
    result["history"] = history.report(run_id)
    if not measure:
        return result, ()
    return result, (recorded, min(timeit.repeat(lambda: history.report(run_id), number=1, repeat=5)),
                    min(timeit.repeat(lambda: scorecard_html(result), number=1, repeat=5)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=365)
    args = parser.parse_args()
    profile = load_profile("default")
    checks = [check for module in profile.modules for check in module.checks]
    rng = random.Random(7)
    statuses = {check: rng.choice(STATUSES) for check in checks}
    first = datetime(2025, 11, 25, 18, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as folder:
        history = History(f"sqlite:///{folder}/govscan.db")
        scorecard_html(result_of("warm-up", first, statuses, profile))  # template compilation is not the subject
        _, one = night(history, profile, statuses, 0, first, measure=True)
        for day in range(1, args.runs):
            for check in rng.sample(checks, 2):  # a couple of checks change each night
                statuses[check] = rng.choice(STATUSES)
            result, last = night(history, profile, statuses, day, first, measure=day == args.runs - 1)
        history.close()
        size = len(scorecard_html(result).encode())
    trend = len(result["history"]["trend"])
    print(f"{len(checks)} checks per run, {args.runs} nightly runs of one site; last scorecard {size / 1024:.0f} KiB, "
          f"trend of {trend} runs")
    print(f"{'step':<40}{'1 run':>10}{f'{args.runs} runs':>12}{'ratio':>8}")
    labels = ("record run, findings change-only (s)", "history section for result.json (s)", "render scorecard (s)")
    for label, before, after in zip(labels + ("all three (s)",), one + (sum(one),), last + (sum(last),)):
        print(f"{label:<40}{before:>10.4f}{after:>12.4f}{after / before:>8.1f}")

if __name__ == "__main__":
    main()
