"""What the workbench shows, read from the history database and the run directories.

Pages, the JSON API and the exports all take their data from here, so they always agree. Scores
and grades are the ones history holds (assessors' reviews already applied); findings in detail
come from each run's result.json, the pages a check used from its snapshot.sqlite.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from checks.model import BEIJING
from govscan.config import Site
from govscan.history import FINISHED, OK, OUTCOME_LABELS, FindingRow, History, RunRow, SiteRow, trend_point, utc
from govscan.index import LEVELS, sparkline
from reports.review import counted_status
from reports.statuses import LABELS as STATUS_LABELS, NEEDS_ACTION

SPARK_RUNS = 30
SORTS = {"score", "delta", "name", "last"}
RUN_FILES = {"scorecard.html", "result.json", "rectification.csv", "rectification.xlsx", "crawl.log"}


def local_date(moment) -> str:
    return utc(moment).astimezone(BEIJING).strftime("%Y-%m-%d")


def local_minute(moment) -> str:
    return utc(moment).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if moment else ""


@dataclass
class Filters:
    level: str = ""
    grade: str = ""
    veto: str = ""      # "yes" / "no"
    check: str = ""     # a check id that needs action in the latest complete run
    since: str = ""     # YYYY-MM-DD: problems first seen on or after this day
    q: str = ""
    sort: str = ""
    desc: bool = True

    @classmethod
    def from_args(cls, args) -> "Filters":
        since = args.get("since", "").strip()
        try:
            since = date.fromisoformat(since).isoformat() if since else ""
        except ValueError:
            since = ""
        sort = args.get("sort", "")
        return cls(level=args.get("level", "") if args.get("level", "") in LEVELS else "",
                   grade=args.get("grade", "").strip(), veto=args.get("veto", "") if args.get("veto") in ("yes", "no") else "",
                   check=args.get("check", "").strip(), since=since, q=args.get("q", "").strip(),
                   sort=sort if sort in SORTS else "", desc=args.get("order", "desc") != "asc")

    def query(self, **change) -> dict:
        """The filters as query arguments (for links that keep them)."""
        values = {"level": self.level, "grade": self.grade, "veto": self.veto, "check": self.check,
                  "since": self.since, "q": self.q, "sort": self.sort, "order": "desc" if self.desc else "asc"}
        values.update(change)
        return {key: value for key, value in values.items() if value}


@dataclass
class SiteSummary:
    id: str
    name: str
    url: str
    level: str
    parent: str | None
    parent_name: str = ""
    total: float | None = None
    grade: str | None = None
    vetoes: list = field(default_factory=list)
    delta: float | None = None
    spark: str | None = None
    latest_run: str | None = None
    latest_date: str = ""
    last_run: str | None = None
    last_at: str = ""
    last_outcome: str | None = None
    open_checks: list = field(default_factory=list)  # checks needing action in the latest complete run
    new_since: list = field(default_factory=list)    # of those, first seen on or after the `since` filter

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    @property
    def unassessable(self) -> bool:
        """The latest finished run could not assess the site (not the site's failure)."""
        return self.last_outcome is not None and self.last_outcome != OK

    @property
    def outcome_label(self) -> str:
        if self.last_outcome is None:
            return "尚未评估"
        if self.unassessable:
            return f"无法评估（{OUTCOME_LABELS.get(self.last_outcome, self.last_outcome)}）"
        return OUTCOME_LABELS[OK]

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "url": self.url, "level": self.level, "parent": self.parent,
                "total": self.total, "grade": self.grade, "vetoes": self.vetoes, "delta": self.delta,
                "latest_run": self.latest_run, "latest_date": self.latest_date or None,
                "last_run": self.last_run, "last_at": self.last_at or None, "last_outcome": self.last_outcome,
                "unassessable": self.unassessable, "open_checks": self.open_checks, "new_since": self.new_since}


class Views:
    """Read-only views over one history database; `sites` are targets.yaml's (others come from history)."""

    def __init__(self, history: History, sites: dict[str, Site]):
        self.history, self.sites = history, sites

    def _session(self):
        return self.history._session()

    def known_sites(self) -> dict[str, dict]:
        with self._session() as session:
            rows = {row.id: {"id": row.id, "name": row.name, "url": row.url, "level": row.level, "parent": row.parent}
                    for row in session.scalars(select(SiteRow))}
        for site in self.sites.values():  # targets.yaml is the authority on names and places
            rows[site.id] = {"id": site.id, "name": site.name, "url": site.url, "level": site.level, "parent": site.parent}
        return rows

    # -- sites overview --------------------------------------------------------------------------

    def summary(self, info: dict, names: dict[str, str], since: str = "") -> SiteSummary:
        entry = SiteSummary(info["id"], info["name"], info["url"], info["level"], info["parent"],
                            parent_name=names.get(info["parent"] or "", info["parent"] or ""))
        runs = [run for run in self.history.runs(info["id"]) if run.outcome in FINISHED]
        if runs:
            entry.last_run, entry.last_at, entry.last_outcome = runs[-1].id, local_minute(runs[-1].started_at), runs[-1].outcome
        complete = [run for run in runs if run.outcome == OK]
        if not complete:
            return entry
        latest = complete[-1]
        entry.total, entry.grade, entry.vetoes = latest.total, latest.grade, latest.vetoes or []
        entry.latest_run, entry.latest_date = latest.id, local_date(latest.started_at)
        if len(complete) > 1 and latest.total is not None and complete[-2].total is not None:
            entry.delta = round(latest.total - complete[-2].total, 1)
        entry.spark = sparkline([trend_point(run) for run in complete[-SPARK_RUNS:]])
        rows = [row for row in self.history.findings(latest.id).values() if row.status in NEEDS_ACTION]
        entry.open_checks = sorted(row.check for row in rows)
        if since:
            entry.new_since = sorted(row.check for row in rows if local_date(row.first_seen) >= since)
        return entry

    def overview(self, filters: Filters) -> list[SiteSummary]:
        known = self.known_sites()
        names = {site_id: info["name"] for site_id, info in known.items()}
        entries = [self.summary(info, names, filters.since) for info in known.values()]
        keep = []
        for e in entries:
            if filters.level and e.level != filters.level:
                continue
            if filters.grade and e.grade != filters.grade:
                continue
            if filters.veto and bool(e.vetoes) != (filters.veto == "yes"):
                continue
            if filters.check and filters.check not in e.open_checks:
                continue
            if filters.since and not e.new_since:
                continue
            if filters.q and filters.q.lower() not in f"{e.name} {e.id} {e.url}".lower():
                continue
            keep.append(e)
        order = list(LEVELS)
        if filters.sort:
            def value(e):
                return {"score": e.total, "delta": e.delta, "name": e.name, "last": e.last_at or None}[filters.sort]
            present = sorted((e for e in keep if value(e) is not None), key=value, reverse=filters.desc)
            return present + [e for e in keep if value(e) is None]
        # the office's view: level by level, each parent's sites together, best first
        return sorted(keep, key=lambda e: (order.index(e.level) if e.level in order else len(order), e.parent_name,
                                           e.total is None, -(e.total or 0), e.name))

    def grades(self) -> list[str]:
        with self._session() as session:
            return sorted({grade for grade in session.scalars(select(RunRow.grade).where(RunRow.grade.is_not(None)))})

    # -- one site --------------------------------------------------------------------------------

    def site(self, site_id: str) -> dict | None:
        known = self.known_sites()
        if site_id not in known:
            return None
        names = {key: info["name"] for key, info in known.items()}
        runs = self.history.runs(site_id)
        complete = [run for run in runs if run.outcome == OK]
        latest = self.result(complete[-1]) if complete else None
        return {"summary": self.summary(known[site_id], names), "runs": runs[::-1], "complete": complete[::-1],
                "latest": latest, "latest_run": complete[-1] if complete else None,
                "trend": [trend_point(run) for run in complete]}

    def run(self, run_id: str) -> RunRow | None:
        return self.history.run(run_id)

    @staticmethod
    def result(run: RunRow) -> dict | None:
        path = Path(run.path or "") / "result.json"
        if not run.path or not path.is_file():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def run_file(self, run_id: str, name: str) -> Path | None:
        """A file of a run directory the workbench may hand out: the reports and evidence screenshots."""
        run = self.history.run(run_id)
        if run is None or not run.path:
            return None
        folder = Path(run.path).resolve()
        wanted = (folder / name).resolve()
        allowed = name in RUN_FILES or (name.startswith("evidence/") and wanted.suffix in (".jpg", ".png"))
        if not allowed or folder not in wanted.parents or not wanted.is_file():
            return None
        return wanted

    # -- two runs compared -----------------------------------------------------------------------

    def findings_of(self, run: RunRow) -> dict[str, dict]:
        """check -> finding of a run: its result.json, or (files gone) what history kept."""
        result = self.result(run)
        if result is not None:
            return {f["check"]: f for f in result["findings"]}
        return {check: {"check": check, "status": row.status, "value": row.value, "title": row.title,
                        "message": row.message, "evidence": []} for check, row in self.history.findings(run.id).items()}

    def compare(self, older: RunRow, newer: RunRow) -> dict:
        """New, fixed and still-open problems between two runs, per check and per page (URL)."""
        before, after = self.findings_of(older), self.findings_of(newer)
        rows = {"new": [], "fixed": [], "still": []}
        for check in sorted(set(before) | set(after)):
            a, b = before.get(check), after.get(check)
            was = counted_status(a) if a else None
            now = counted_status(b) if b else None
            kind = ("still" if was in NEEDS_ACTION else "new") if now in NEEDS_ACTION else \
                ("fixed" if was in NEEDS_ACTION else None)
            if kind is None:
                continue
            urls_a = {e["url"] for e in (a or {}).get("evidence", []) if e.get("url")} if was in NEEDS_ACTION else set()
            urls_b = {e["url"] for e in (b or {}).get("evidence", []) if e.get("url")} if now in NEEDS_ACTION else set()
            rows[kind].append({"check": check, "title": (b or a)["title"], "before": was, "after": now,
                               "before_label": STATUS_LABELS.get(was, "未检测"), "after_label": STATUS_LABELS.get(now, "未检测"),
                               "message": (b or a)["message"], "new_urls": sorted(urls_b - urls_a),
                               "fixed_urls": sorted(urls_a - urls_b), "still_urls": sorted(urls_a & urls_b)})
        return {"older": trend_point(older), "newer": trend_point(newer), **rows}

    # -- one finding -----------------------------------------------------------------------------

    def finding(self, run: RunRow, check: str) -> dict | None:
        found = self.findings_of(run).get(check)
        if found is None:
            return None
        with self._session() as session:
            stretches = list(session.scalars(select(FindingRow).where(FindingRow.site_id == run.site_id,
                                                                      FindingRow.check == check)
                                             .order_by(FindingRow.first_seq)))
        current = next((row for row in stretches if row.first_seq <= run.seq <= row.last_seq), None)
        problem_rows = [row for row in stretches if row.status in NEEDS_ACTION]
        return {
            "finding": found, "run": trend_point(run), "counted": counted_status(found),
            "pages": self.pages_used(run, found),
            "history": [{"status": row.status, "label": STATUS_LABELS.get(row.status, row.status), "value": row.value,
                         "first_seen": local_minute(row.first_seen), "last_confirmed": local_minute(row.last_confirmed)}
                        for row in stretches[::-1]],
            "first_seen": local_minute(current.first_seen) if current else "",
            "last_confirmed": local_minute(current.last_confirmed) if current else "",
            "problem_first_seen": local_minute(problem_rows[0].first_seen) if problem_rows else "",
        }

    @staticmethod
    def pages_used(run: RunRow, finding: dict, limit: int = 50) -> list[dict]:
        """The pages a finding rests on (its evidence and the URLs in its facts), as the crawl saw them."""
        urls: list[str] = []

        def collect(value):
            if isinstance(value, str) and value.startswith(("http://", "https://")) and value not in urls:
                urls.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    collect(item)
            elif isinstance(value, list):
                for item in value:
                    collect(item)

        collect([e.get("url") for e in finding.get("evidence", [])])
        collect(finding.get("details") or {})
        urls = urls[:limit]
        snapshot = Path(run.path or "") / "snapshot.sqlite"
        seen = {}
        if run.path and snapshot.is_file() and urls:
            try:
                with sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True) as db:
                    marks = ",".join("?" * len(urls))
                    for row in db.execute(f"SELECT url, status, title, depth, referrer, fetched_at FROM pages "
                                          f"WHERE url IN ({marks})", urls):
                        seen[row[0]] = {"status": row[1], "title": row[2] or "", "depth": row[3], "referrer": row[4] or "",
                                        "fetched_at": row[5] or ""}
                    for row in db.execute(f"SELECT url, status, type, referrer, fetched_at FROM attachments "
                                          f"WHERE url IN ({marks})", urls):
                        seen.setdefault(row[0], {"status": row[1], "title": f"附件（{row[2] or '文件'}）", "depth": None,
                                                 "referrer": row[3] or "", "fetched_at": row[4] or ""})
            except sqlite3.Error:
                pass  # a damaged snapshot: the URLs alone still say where to look
        return [{"url": url, "fetched": url in seen, **seen.get(url, {})} for url in urls]
