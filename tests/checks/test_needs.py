"""Declared inputs: a check that needs the home page or a probe kind is unverifiable without it,
before its body runs, whether the runner calls it or a test does."""

from datetime import date

import pytest

from checks.model import Context, Finding, Status, Unverifiable
from checks.registry import REGISTRY, check, run_checks
from reports.statuses import CODES
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25))


def test_a_missing_probe_kind_makes_the_check_unverifiable_before_it_runs(tmp_path):
    ran = []

    @check(id="test.needs_search", title="需要搜索探测", basis="无", family="test", needs=("home", "probes:search"))
    def needs_search(snap, ctx):
        ran.append(True)
        return Finding(Status.PASS, "不应到达")

    try:
        snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("首页")})
        with pytest.raises(Unverifiable, match="站内搜索"):
            needs_search(snap, CTX)
        assert run_checks(snap, CTX, only=["test.needs_search"])[0].finding.status is Status.UNVERIFIABLE
        assert ran == []
    finally:
        del REGISTRY["test.needs_search"]


def test_an_unknown_need_is_refused_when_the_check_is_declared():
    with pytest.raises(ValueError, match="unknown need"):
        check(id="test.bad_need", title="x", basis="x", family="test", needs=("column:nothing",))


def test_every_status_a_check_can_return_is_in_the_status_table():
    assert {status.value for status in Status} <= set(CODES)
