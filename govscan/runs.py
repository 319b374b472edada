"""A run's place in history, kept through a history database that is unavailable for a while.

An assessment does not depend on the database: when it cannot be opened or written (another
process holds the SQLite lock longer than the wait), the crawl, checks and files go on, and the run
is recorded at the end if the database is back. If it is still unavailable, a note in
`<var>/pending/` remembers the run, and the next run of any site records it (from its result.json,
or as failed when it left none). A run left `running` by a process that is gone (killed outright,
lease expired) is settled the same way by the next run of its site, or by the next nightly.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from govscan.config import Site
from govscan.history import ERROR, INTERRUPTED, History, HistoryUnavailable, RunRow

log = logging.getLogger("govscan.runs")
GONE = "the process running it stopped before it finished (killed?); settled by the next run"
NO_RESULT = "the history database was unavailable and the run left no result"


class HistoryDeferred(Exception):
    """The assessment's files are written, but its run could not be recorded yet (one line)."""

    def __init__(self, out: Path, result: dict, message: str):
        super().__init__(message)
        self.out, self.result = out, result


def read_result(run_dir: Path, run_id: str) -> dict | None:
    """The run's own complete result.json (its presence means the run finished), or None."""
    try:
        result = json.loads((Path(run_dir) / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return result if result.get("run", {}).get("id") == run_id else None


def close_from_files(history: History, run_id: str, run_dir: Path, result: dict | None) -> None:
    """Close a run this process has taken on, from what it left on disk."""
    from govscan.pipeline import classify

    if result is None:
        history.finish_run(run_id, INTERRUPTED, error=GONE)
        return
    outcome, error = classify(Site(**result["site"]), Path(run_dir), result)
    history.finish_run(run_id, outcome, result, error)


def settle_orphans(history: History, site_id: str | None = None) -> list[RunRow]:
    """Runs left `running` by processes that are gone: recorded from their result.json when they got
    that far, else interrupted. Each is settled by one process only."""
    settled = []
    for run in history.orphaned_runs(site_id):
        if history.adopt(run):
            close_from_files(history, run.id, Path(run.path or ""), read_result(Path(run.path or ""), run.id))
            settled.append(history.run(run.id))
            log.warning("%s: run %s was left running by a process that is gone; now %s",
                        run.site_id, run.id, settled[-1].outcome)
    return settled


def settle_pending(history: History, var: Path) -> None:
    """Runs that could not be recorded at all (notes in <var>/pending/) are recorded now."""
    for note in sorted((Path(var) / "pending").glob("*.json")):
        pending = json.loads(note.read_text(encoding="utf-8"))
        run_id = note.stem
        if history.run(run_id) is None:
            history.start_run(Site(**pending["site"]), run_id, Path(pending["path"]), pending.get("night"),
                              datetime.fromisoformat(pending["started_at"]))
            result = read_result(Path(pending["path"]), run_id)
            if result is None:
                history.finish_run(run_id, ERROR, error=NO_RESULT)
            else:
                close_from_files(history, run_id, Path(pending["path"]), result)
        note.unlink()


class RunLedger:
    """Records one run: `running` at the start, its outcome at the end, whatever the database does."""

    def __init__(self, site: Site, run_id: str, out: Path, var: Path, night: str | None = None,
                 history: History | None = None):
        self.site, self.run_id, self.out, self.var, self.night = site, run_id, Path(out), Path(var), night
        self.history, self.own_history = history, history is None
        self.started_at = datetime.now().astimezone()
        self.recorded_start = False
        self.problem: str | None = None  # why history could not be used, when it could not

    def _history(self) -> History:
        if self.history is None:
            self.history = History.open(self.var)
        return self.history

    def start(self) -> None:
        """Settle what earlier runs left, then record this one as running; never raises for the database."""
        try:
            history = self._history()
            settle_pending(history, self.var)
            settle_orphans(history, self.site.id)
            history.start_run(self.site, self.run_id, self.out, self.night, self.started_at)
            self.recorded_start = True
        except HistoryUnavailable as exc:
            self.problem = str(exc)

    def reviews(self):
        """The assessors' reviews (govscan/reviews.py) to apply before scoring; none while the
        database is unavailable (the scorecard then shows the checks' own verdicts)."""
        from govscan.reviews import review_hook

        try:
            hook = review_hook(self._history(), self.site.id, self.run_id)
        except HistoryUnavailable as exc:
            self.problem = str(exc)
            return None

        def apply(findings: list[dict], today) -> None:
            try:
                hook(findings, today)
            except HistoryUnavailable as exc:
                self.problem = str(exc)

        return apply

    def finish(self, outcome: str, result: dict | None = None, error: str | None = None) -> dict | None:
        """Record the outcome; the run's `history` section for result.json, or None when deferred."""
        try:
            history = self._history()
            if not self.recorded_start:
                history.start_run(self.site, self.run_id, self.out, self.night, self.started_at)
                self.recorded_start = True
            history.finish_run(self.run_id, outcome, result, error)
            self.problem = None
            return history.report(self.run_id) if result is not None else None
        except HistoryUnavailable as exc:
            self.problem = str(exc)
            if not self.recorded_start:
                self._note()
            return None  # recorded `running`: the next run of the site settles it from the files

    def _note(self) -> None:
        folder = self.var / "pending"
        folder.mkdir(parents=True, exist_ok=True)
        note = {"site": self.site.model_dump(include={"id", "name", "url", "level", "parent"}),
                "path": str(self.out), "night": self.night, "started_at": self.started_at.isoformat()}
        (folder / f"{self.run_id}.json").write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")

    def close(self) -> None:
        if self.own_history and self.history is not None:
            self.history.close()
