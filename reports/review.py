"""Assessors' reviews applied to a run's findings (comply-or-explain). Pure: findings and reviews in.

A review is made on one finding of one site and stays with the site's later runs:
- 已人工核实 (confirmed) and 误判 (overturned) hold while the check keeps the same status and measured
  value: a finding that changes needs a new look. An overturned verdict is scored the other way
  round (a failure as passed, a pass as failed).
- 例外 (exception) holds for the check, whatever it measures, until its date (inclusive): a failure
  under an exception drops out of the score. After that date it counts again, and the first run
  after it says so (`expired`).
The checker's own `status` is never changed: result.json keeps both the verdict and the review.
"""

from __future__ import annotations

from datetime import date

from reports.statuses import NEEDS_ACTION

CONFIRMED, EXCEPTION, OVERTURNED = "confirmed", "exception", "overturned"
KIND_LABELS = {CONFIRMED: "已人工核实", EXCEPTION: "例外", OVERTURNED: "误判"}


def counted_status(finding: dict) -> str:
    """The status scoring counts: the checker's, unless a review excepts or overturns it."""
    effect = (finding.get("review") or {}).get("effect")
    if effect == "excepted":
        return "excepted"  # not scorable, like not_applicable
    if effect == "overturned":
        return "fail" if finding["status"] == "pass" else "pass"
    return finding["status"]


def applies(review: dict, finding: dict, today: date) -> bool:
    if review["kind"] == EXCEPTION:
        return finding["status"] in NEEDS_ACTION and date.fromisoformat(review["until"]) >= today
    return review["status"] == finding["status"] and review["value"] == finding["value"]


def annotate(findings: list[dict], reviews: list[dict], today: date, since: date | None = None) -> None:
    """Give each reviewed finding its `review` (newest applicable review wins). `reviews`: the site's
    reviews in force (not withdrawn), each {id, check, kind, status, value, reason, until, author,
    at}. `since`: the date of the site's previous complete run, so an exception that expired after
    it is reported once, by the run that counts the finding again."""
    by_check: dict[str, list[dict]] = {}
    for review in sorted(reviews, key=lambda r: (r["at"], r["id"]), reverse=True):
        by_check.setdefault(review["check"], []).append(review)
    for finding in findings:
        finding.pop("review", None)  # a rescore starts from the checker's verdicts
        candidates = by_check.get(finding["check"], [])
        chosen = next((r for r in candidates if applies(r, finding, today)), None)
        if chosen is not None:
            effect = None
            if chosen["kind"] == EXCEPTION:
                effect = "excepted"
            elif chosen["kind"] == OVERTURNED:
                effect = "overturned"
            finding["review"] = {**public(chosen), "effect": effect, "expired": False}
            continue
        lapsed = next((r for r in candidates if r["kind"] == EXCEPTION and finding["status"] in NEEDS_ACTION
                       and date.fromisoformat(r["until"]) < today
                       and (since is None or date.fromisoformat(r["until"]) >= since)), None)
        if lapsed is not None:
            finding["review"] = {**public(lapsed), "effect": None, "expired": True}


def public(review: dict) -> dict:
    return {"id": review["id"], "kind": review["kind"], "label": KIND_LABELS[review["kind"]],
            "reason": review["reason"], "author": review["author"], "at": review["at"], "until": review.get("until")}
