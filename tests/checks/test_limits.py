"""A page with 100,000 links does not make a result.json of megabytes: finding details and evidence
are cut to the rulebook's limits with counts; the snapshot keeps the full lists."""

import json
from datetime import date

from checks.model import Context
from checks.registry import run_checks
from checks.snapshot import Snapshot
from crawler.snapshot import SnapshotWriter
from reports.result import finding_entry as finding_dict
from reports.scoring import load_profile

LINKS = 100_000


def test_a_page_with_100000_links_gives_a_small_result(tmp_path):
    profile = load_profile()
    writer = SnapshotWriter(tmp_path / "s.sqlite")
    writer.set_meta(start_url="http://a.test/", complete="1")
    body = "".join(f"<a href='/xw/{i}.html'>第{i}条</a>" for i in range(LINKS))
    writer.page({"url": "http://a.test/", "final_url": "http://a.test/", "status": 200, "title": "首页",
                 "text": "首页", "html": f"<html><body>{body}</body></html>", "depth": 0, "metadata": {"meta": {}},
                 "rendered": 0, "charset": "utf-8"})
    writer.links([{"source": "http://a.test/", "target": f"http://a.test/xw/{i}.html", "anchor": f"第{i}条", "tag": "a",
                   "context": "", "internal": 1, "level": 1} for i in range(LINKS)])
    for i in range(0, LINKS, 2):  # half the links answered 404, the other half robots.txt forbade
        if i % 4:
            writer.error({"url": f"http://a.test/xw/{i}.html", "kind": "robots", "message": "", "referrer": "", "at": ""})
        else:
            writer.attachment({"url": f"http://a.test/xw/{i}.html", "status": 404, "type": "text/html", "size": 0})
    writer.close()
    snap = Snapshot(tmp_path / "s.sqlite")
    ctx = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=profile.thresholds)
    findings = [finding_dict(r.spec, r.finding) for r in run_checks(snap, ctx, only=["site.broken_links"])]
    size = len(json.dumps(findings, ensure_ascii=False).encode())
    broken = findings[0]
    limits = profile.thresholds["findings"]
    assert size < 200_000, size
    assert len(broken["details"]["broken"]) == limits["details_items"]
    assert broken["details"]["capped"]["broken"] == {"shown": limits["details_items"], "total": LINKS // 4}
    assert broken["details"]["capped"]["unverified"]["total"] == LINKS // 4
    assert broken["details"]["capped"]["evidence"]["total"] == LINKS // 4
    assert len(broken["evidence"]) == limits["evidence_items"]
    assert f"发现{LINKS // 4}个无法打开的站内链接" in broken["message"]  # the message counts them all
    assert len(snap.links_from("http://a.test/")) == LINKS  # the full list stays in the snapshot
