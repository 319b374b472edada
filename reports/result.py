"""result.json: the versioned contract between the stages and the tool's machine interface.

`ResultModel` is the schema (schema id "govscan.result/1"); `reports/result.schema.json` is
generated from it for other programs. Fields may be added, never renamed or removed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reports.statuses import CODES

SCHEMA_ID = "govscan.result/1"
Status = Literal[CODES]  # reports/statuses.py


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")  # later versions may add fields


class SiteInfo(Open):
    id: str
    name: str
    url: str
    level: str


class RunInfo(Open):
    id: str
    started_at: str
    finished_at: str
    profile: str


class CrawlInfo(Open):
    pages: int
    rendered: int
    errors: int
    duration_s: float


class ModuleScore(Open):
    id: str
    title: str
    points: float
    score: float | None


class ScoreInfo(Open):
    total: float | None
    grade: str
    vetoes: list[dict]
    modules: list[ModuleScore]


class EvidenceItem(Open):
    url: str = ""
    text: str = ""
    screenshot: str = ""
    title: str = ""  # the title of the page at `url`, when the crawl fetched it
    # the response the evidence rests on, in the run's archive.warc.gz (crawler/warc.py); absent
    # when the run kept no archive
    sha256: str = ""          # of the payload as served (Chromium's DOM when `rendered`)
    warc_record_id: str = ""  # WARC-Record-ID, e.g. <urn:uuid:…>
    captured_at: str = ""     # WARC-Date (UTC)
    rendered: bool = False


class ReviewInfo(Open):
    """An assessor's review of the finding (reports/review.py); the checker's `status` stays as found."""

    id: int
    kind: Literal["confirmed", "exception", "overturned"]
    label: str  # 已人工核实 / 例外 / 误判
    reason: str
    author: str
    at: str
    until: str | None  # exceptions: the last day the exception holds
    effect: Literal["excepted", "overturned"] | None  # excepted: left out of the score; overturned: scored the other way
    expired: bool  # an exception that lapsed since the previous run: the finding counts again


class FindingItem(Open):
    check: str
    status: Status
    title: str
    message: str
    value: str
    threshold: str
    basis: str
    evidence: list[EvidenceItem]
    review: ReviewInfo | None = None


class WarningItem(Open):
    """预警: a deadline the site will miss unless the office acts; never part of the score."""

    id: str
    title: str
    due: str        # ISO date the rule is broken or the deadline falls
    days_left: int  # from the assessment date
    basis: str
    message: str
    evidence: list[EvidenceItem]


class RunPoint(Open):
    """One complete run of the site, as the trend and the comparison show it."""

    run: str
    at: str
    date: str  # Beijing time
    total: float | None
    grade: str | None
    modules: dict[str, float | None]  # module id -> score


class ChangedItem(Open):
    check: str
    title: str
    status: Status
    message: str
    before: Status | None  # its status in the previous run; None when the check did not run then


class HistoryInfo(Open):
    """The run against the site's earlier complete runs, computed when the run was recorded."""

    previous: RunPoint | None
    total_delta: float | None
    new_failures: list[ChangedItem]
    fixed: list[ChangedItem]
    still_failing: int
    trend: list[RunPoint]  # oldest first, this run last


class ResultModel(Open):
    schema_: Literal["govscan.result/1"]
    site: SiteInfo
    run: RunInfo
    crawl: CrawlInfo
    score: ScoreInfo
    findings: list[FindingItem]
    warnings: list[WarningItem] = []  # earliest due first; absent in results written before issue 17
    history: HistoryInfo | None = None  # absent when the run was not recorded (e.g. re-scored elsewhere)

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @classmethod
    def check(cls, data: dict) -> "ResultModel":
        body = dict(data)
        body["schema_"] = body.pop("schema", None)
        return cls.model_validate(body)


def json_schema() -> dict:
    schema = ResultModel.model_json_schema(by_alias=False)
    schema["properties"]["schema"] = schema["properties"].pop("schema_")
    schema["required"] = ["schema" if name == "schema_" else name for name in schema["required"]]
    return schema


# -- assembly: the stages' outputs into one result ------------------------------------------------

def finding_entry(spec, finding) -> dict:
    """One check's finding (checks.registry.Result parts) as result.json lists it."""
    return {
        "check": spec.id,
        "status": finding.status.value,
        "title": spec.title,
        "message": finding.message,
        "value": str(finding.value) if finding.value is not None else "",
        "threshold": finding.threshold,
        "basis": spec.basis,
        "evidence": [evidence.as_dict() for evidence in finding.evidence],
        "family": spec.family,
        "remedy": spec.remedy,
        "score": finding.score,
        "details": finding.details,
    }


def crawl_summary(snap, problem: str | None) -> dict:
    """The `crawl` object: what the snapshot holds and whether the crawl finished."""
    pages = snap.pages()
    return {
        "pages": len(pages),
        "rendered": sum(1 for page in pages if page.rendered),
        "errors": len(snap.errors()),
        "duration_s": float(snap.meta.get("duration_s") or 0),
        "attachments": len(snap.attachments()),
        "complete": snap.meta.get("complete") == "1",
        "problem": problem,
    }


def assemble(site, run_meta: dict, profile_name: str, crawl: dict, score: dict, findings: list[dict],
             warnings: list[dict], finished_at: str) -> dict:
    """result.json without `history` (added once the run is recorded)."""
    return {
        "schema": SCHEMA_ID,
        "site": {"id": site.id, "name": site.name, "url": site.url, "level": site.level},
        "run": {"id": run_meta["id"], "started_at": run_meta["started_at"], "finished_at": finished_at,
                "profile": profile_name, "tool": "govscan"},
        "crawl": crawl,
        "score": score,
        "findings": findings,
        "warnings": warnings,
    }


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target and rename: a reader never sees half a file, an interrupted run leaves none."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; reports are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_result(path: Path, result: dict) -> None:
    ResultModel.check(result)
    write_atomic(path, json.dumps(result, ensure_ascii=False, indent=2))
