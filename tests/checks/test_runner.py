"""The runner isolates checks: a raising check becomes `error`, the others still run."""

from datetime import date

from checks.model import Context, Finding, Status, Unverifiable
from checks.registry import REGISTRY, CheckSpec, run_checks, run_one
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25))


def test_a_raising_check_is_an_error_and_the_run_goes_on(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("<a href='/x'>政府信息公开</a>")})

    def broken(snap, ctx):
        raise KeyError("boom")

    REGISTRY["test.broken"] = CheckSpec("test.broken", "坏检查", "无", "test", broken)
    try:
        results = {r.spec.id: r.finding for r in run_checks(snap, CTX, only=["test.broken", "disclosure.platform"])}
    finally:
        del REGISTRY["test.broken"]
    assert results["test.broken"].status is Status.ERROR
    assert "KeyError" in results["test.broken"].details["exception"]
    assert results["disclosure.platform"].status is Status.PASS


def test_unverifiable_and_wrong_return_types(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("")})

    def cannot(snap, ctx):
        raise Unverifiable("框架无法读取")

    assert run_one(CheckSpec("x", "x", "x", "x", cannot), snap, CTX).finding.status is Status.UNVERIFIABLE
    assert run_one(CheckSpec("y", "y", "y", "y", lambda s, c: "pass"), snap, CTX).finding.status is Status.ERROR
    finding = run_one(CheckSpec("z", "z", "z", "z", lambda s, c: Finding(Status.PASS, "好")), snap, CTX).finding
    assert finding.status is Status.PASS


def test_a_verdict_raised_by_a_helper_is_the_checks_finding(tmp_path):
    from checks.model import Verdict
    from checks.registry import check

    @check(id="test.verdict", title="提前结论", basis="无", family="test")
    def concluded(snap, ctx):
        raise Verdict(Finding(Status.FAIL, "未找到栏目", value="未找到"))

    try:
        snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("")})
        assert concluded(snap, CTX).message == "未找到栏目"  # called directly, as unit tests do
        assert run_checks(snap, CTX, only=["test.verdict"])[0].finding.status is Status.FAIL
    finally:
        del REGISTRY["test.verdict"]
