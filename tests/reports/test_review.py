"""Assessors' reviews in scoring: an exception leaves the score until its day, an overturned verdict
counts the other way, a confirmation changes nothing, and a lapsed exception is reported once."""

from datetime import date

from reports.review import annotate, counted_status
from reports.scoring import load_profile, score
from tests.reports.test_scoring import BOOK, profile_from

TODAY = date(2026, 12, 5)


def finding(check, status, value=""):
    return {"check": check, "status": status, "value": value, "score": None}


def review(kind, check, status="fail", value="", until=None, at="2026-12-01T00:00:00+00:00", number=1):
    return {"id": number, "check": check, "kind": kind, "status": status, "value": value, "reason": "理由",
            "author": "alice", "at": at, "until": until}


def test_an_exception_leaves_the_score_until_its_day_and_lifts_the_veto(tmp_path):
    profile = load_profile("p", profile_from(tmp_path, BOOK))
    findings = [finding("site.availability", "fail"), finding("site.identity", "pass"), finding("disclosure.platform", "pass")]
    plain = score(findings, profile)
    assert plain["vetoes"] and plain["total"] == 59

    annotate(findings, [review("exception", "site.availability", until="2026-12-05")], TODAY)
    assert findings[0]["review"]["effect"] == "excepted" and counted_status(findings[0]) == "excepted"
    excused = score(findings, profile)
    assert excused["vetoes"] == [] and excused["total"] == 100.0  # module A is judged on site.identity alone

    annotate(findings, [review("exception", "site.availability", until="2026-12-04")], TODAY, since=date(2026, 12, 4))
    assert findings[0]["review"]["expired"] and findings[0]["review"]["effect"] is None
    assert score(findings, profile)["total"] == 59
    annotate(findings, [review("exception", "site.availability", until="2026-12-04")], TODAY, since=date(2026, 12, 5))
    assert "review" not in findings[0]  # reported by the first run after the day, not every run after


def test_overturned_and_confirmed_hold_only_for_the_verdict_reviewed(tmp_path):
    profile = load_profile("p", profile_from(tmp_path, BOOK))
    findings = [finding("site.availability", "pass"), finding("site.identity", "fail", "0/7项"),
                finding("disclosure.platform", "pass", "政务公开")]
    reviews = [review("overturned", "site.identity", value="0/7项"),
               review("confirmed", "disclosure.platform", status="pass", value="政务公开", number=2),
               review("overturned", "site.availability", status="pass", at="2026-11-01T00:00:00+00:00", number=3),
               review("confirmed", "site.availability", status="pass", at="2026-12-02T00:00:00+00:00", number=4)]
    annotate(findings, reviews, TODAY)
    assert counted_status(findings[1]) == "pass"
    assert findings[2]["review"]["kind"] == "confirmed" and counted_status(findings[2]) == "pass"
    assert findings[0]["review"]["id"] == 4 and counted_status(findings[0]) == "pass"  # the newest review wins
    assert score(findings, profile)["total"] == 100.0

    findings[1]["value"] = "1/7项"  # the finding changed: the overturn no longer applies
    annotate(findings, reviews, TODAY)
    assert "review" not in findings[1] and score(findings, profile)["total"] < 100
