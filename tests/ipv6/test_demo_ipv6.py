"""The demo portal's IPv6 outcomes (demo/defects.yaml) from a real crawl with its IPv6 probes:
every IPv4-only page of content.yaml is reported over IPv6, and nothing else is."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import yaml

import demo
from checks.registry import all_checks, run_checks
from checks.model import Context
from checks.snapshot import Snapshot
from demo.site import CONTENT_FILE
from reports.scoring import load_profile
from tests.conftest import ROOT

EXPECT = {check: spec for check, spec in demo.defects()["expect"].items() if check.startswith("ipv6.")}
IPV4_ONLY = yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8"))["ipv6"]["ipv4_only"]


def ipv4_only(path: str) -> bool:
    return any(path == rule or (rule.endswith("/") and path.startswith(rule)) for rule in IPV4_ONLY)


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-ipv6")
    with demo.running() as portal:
        job = {"site": "demo", "url": portal.url, "snapshot": str(out / "snapshot.sqlite"), "fast": True,
               "nameserver": portal.nameserver, "thresholds": load_profile().thresholds,
               "crawl": {"max_pages": 500, "max_depth": 4, "render": False, "robots": True, "timeout_s": 15,
                         "concurrency_per_host": 2, "max_duration_s": 600}}
        (out / "job.json").write_text(json.dumps(job), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "crawler.run", str(out / "job.json")], cwd=ROOT, check=True,
                       timeout=300)
    snap = Snapshot(out / "snapshot.sqlite")
    ctx = Context("demo", demo.SITE_NAME, portal.url, "district", datetime.date.today(), own_nameserver=True,
                  thresholds=load_profile().thresholds)
    yield {r.spec.id: r.finding for r in run_checks(snap, ctx, only=sorted(EXPECT))}
    snap.close()


def test_every_ipv6_check_has_its_demo_expectation():
    assert sorted(EXPECT) == sorted(check for check in all_checks() if check.startswith("ipv6."))


def test_demo_ipv6_outcomes(findings):
    assert {check: f.status.value for check, f in findings.items()} == {c: e["status"] for c, e in EXPECT.items()}
    for check in ("ipv6.links_level2", "ipv6.links_level3"):
        failing = [urlsplit(f["url"]).path for f in findings[check].details["failing"]]
        assert set(EXPECT[check]["failing"]) <= set(failing), check
        assert all(ipv4_only(path) for path in failing), check
        assert [urlsplit(e.url).path for e in findings[check].evidence] == failing, "the office needs the URLs"
    excluded = findings["ipv6.links_level3"].details["excluded_broken_over_ipv4"]
    assert [urlsplit(url).path for url in excluded] == EXPECT["ipv6.links_level3"]["excluded"]
