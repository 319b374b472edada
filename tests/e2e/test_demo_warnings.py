"""预警 end to end: the demo portal, built and assessed as of a fixed December day, warns of exactly
the four deadlines demo/defects.yaml plants — in result.json, at the top of the scorecard, in the
mail and in the 整改清单 — each with its day, earliest first, and none of it changes the score."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import demo
from govscan.mail import SmtpSettings, scorecard_message
from reports.scoring import load_profile, score
from tests.conftest import govscan

EXPECTED = demo.defects()["warnings"]


def assessment_day(real: date) -> date:
    """5 December of this year (next year once it has passed): the 年报 warning needs December, and the
    demo's certificate, valid in real time, must expire 10 days after the assessment date."""
    day = date(real.year, 12, 5)
    return day if real <= day else date(real.year + 1, 12, 5)


TODAY = assessment_day(date.today())


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("warnings-run")
    with demo.running(today=TODAY) as portal:
        done = govscan("assess", "--url", portal.url, "--name", demo.SITE_NAME, "--nameserver", portal.nameserver,
                       "--out", out, "--today", TODAY.isoformat(), "--no-render",
                       env={**os.environ, "SSL_CERT_FILE": str(portal.ca_file)})
    assert done.returncode == 0, done.stderr
    return json.loads((out / "result.json").read_text(encoding="utf-8")), out


def expected_due(item: dict) -> date:
    if "days_left" in item:
        return TODAY + timedelta(days=item["days_left"])
    month, day = map(int, item["due"].split("-"))
    return date(TODAY.year + 1 if item.get("year_before") else TODAY.year, month, day)


def test_result_carries_exactly_the_planted_warnings_in_date_order(run):
    result, _ = run
    warnings = result["warnings"]
    assert [(w["id"], w["due"]) for w in warnings] == [(e["id"], expected_due(e).isoformat()) for e in EXPECTED]
    assert [w["days_left"] for w in warnings] == [(expected_due(e) - TODAY).days for e in EXPECTED]
    by_id = {w["id"]: w for w in warnings}
    column = next(e for e in EXPECTED if e["id"] == "site.column_stale")
    assert urlsplit(by_id["site.column_stale"]["evidence"][0]["url"]).path == column["url"]
    message = next(e for e in EXPECTED if e["id"] == "interaction.reply_due")
    assert message["subject"] in by_id["interaction.reply_due"]["title"]
    assert all(w["basis"] and w["message"] and w["evidence"] for w in warnings)


def test_warnings_never_change_the_score(run):
    result, _ = run
    assert result["score"] == score(result["findings"], load_profile(result["run"]["profile"]))
    # the checks beside them keep their own verdicts: the 70-day message is not overdue
    interaction = next(f for f in result["findings"] if f["check"] == "interaction.channel")
    assert EXPECTED[2]["subject"] not in [m["subject"] for m in interaction["details"]["overdue"]]


def test_scorecard_mail_and_rectification_list_show_them_dated(run):
    result, out = run
    html = (out / "scorecard.html").read_text(encoding="utf-8")
    section = html.index("即将到期（4项）")
    assert section < html.index("各模块得分")
    positions = [html.index(w["due"], section) for w in result["warnings"]]
    assert positions == sorted(positions)
    mail = scorecard_message(SmtpSettings("localhost", 25, "none", "govscan@assess.example.org"), ["office@example.org"],
                             result, out, None)
    text = mail.get_body(("plain",)).get_content()
    assert "即将到期（4）" in text
    lines = [line for line in text.splitlines() if line.strip().startswith("[") and "到期" not in line[:3]]
    dated = [line for line in lines if any(w["due"] in line for w in result["warnings"])]
    assert [next(w["due"] for w in result["warnings"] if w["due"] in line) for line in dated] == \
        [w["due"] for w in result["warnings"]]
    assert "即将到期（4）" in mail.get_body(("html",)).get_content()
    rows = list(csv.DictReader(io.StringIO((out / "rectification.csv").read_text(encoding="utf-8-sig"))))
    flagged = [row for row in rows if row["结论"].startswith("预警")]
    assert [row["检查项"] for row in flagged] == [w["title"] for w in result["warnings"]]
    assert all(w["due"] in row["结论"] for w, row in zip(result["warnings"], flagged))


def test_the_demo_run_archive_opens_with_warcio_and_with_fastwarc(run):
    """The demo's WARC passes both readers' digest checks, and the warnings' evidence names its records."""
    result, out = run
    archive = str(out / "archive.warc.gz")
    tools = Path(sys.executable).parent
    for command in ([tools / "warcio", "check", archive], [tools / "fastwarc", "check", "--verify-payloads", "-q", archive]):
        checked = subprocess.run(command, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    column = next(w for w in result["warnings"] if w["id"] == "site.column_stale")["evidence"][0]
    assert len(column["sha256"]) == 64 and column["warc_record_id"].startswith("<urn:uuid:")
