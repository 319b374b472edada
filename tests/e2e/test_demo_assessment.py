"""End to end: assess the demo portal through its own DNS zone, with Chromium allowed for pages that
need it (none do: platform adapters read its script-filled lists), and find exactly the defects
demo/defects.yaml plants — no more, no fewer."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest

import demo
from checks.registry import all_checks
from checks.snapshot import Snapshot
from demo.dns import DemoDNS
from tests.conftest import govscan

DEFECTS = demo.defects()


def assess_demo(portal, out, *extra, nameserver=None):
    result = govscan("assess", "--url", portal.url, "--name", demo.SITE_NAME, "--nameserver",
                     nameserver or portal.nameserver, "--out", out, *extra,
                     env={**os.environ, "SSL_CERT_FILE": str(portal.ca_file)})  # the demo's own CA
    assert result.returncode == 0, result.stderr
    return json.loads((out / "result.json").read_text(encoding="utf-8")), Snapshot(out / "snapshot.sqlite")


@pytest.fixture(scope="module")
def portal():
    with demo.running() as running:
        yield running


@pytest.fixture(scope="module")
def rendered_run(portal, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-run")
    result, snap = assess_demo(portal, out)
    yield result, snap, out
    snap.close()


def path(url: str) -> str:
    return urlsplit(url).path


def test_findings_are_exactly_the_planted_defects(rendered_run):
    result, _, _ = rendered_run
    findings = {f["check"]: f for f in result["findings"]}
    expect = DEFECTS["expect"]
    assert set(findings) == set(expect), "every check needs its expected outcome in demo/defects.yaml"
    assert {c: f["status"] for c, f in findings.items()} == {c: e["status"] for c, e in expect.items()}

    platform = findings["disclosure.platform"]
    assert platform["value"] == expect["disclosure.platform"]["label"]
    assert path(platform["evidence"][0]["url"]) == expect["disclosure.platform"]["url"]
    assert findings["disclosure.guide"]["details"]["missing"] == expect["disclosure.guide"]["missing"]
    assert path(findings["disclosure.guide"]["evidence"][0]["url"]) == expect["disclosure.guide"]["url"]
    assert path(findings["disclosure.rules"]["evidence"][0]["url"]) == expect["disclosure.rules"]["url"]
    assert findings["disclosure.annual_report_column"]["details"]["years"] == \
        expect["disclosure.annual_report_column"]["years"]
    assert findings["site.identity"]["details"]["missing"] == expect["site.identity"]["missing"]
    broken = findings["site.broken_links"]["details"]["broken"]
    assert sorted(path(b["url"]) for b in broken) == sorted(expect["site.broken_links"]["broken"])
    assert all(b["source"] and b["anchor"] for b in broken), "the office needs the page and anchor to fix it"
    assert [path(s["url"]) for s in findings["site.columns_updated"]["details"]["stale"]] == \
        expect["site.columns_updated"]["stale"]
    assert [path(b["url"]) for b in findings["site.blank_columns"]["details"]["blank"]] == expect["site.blank_columns"]["blank"]
    assert [m["subject"] for m in findings["interaction.channel"]["details"]["overdue"]] == \
        expect["interaction.channel"]["overdue"]
    assert sorted([path(h["url"]), h["kind"]] for h in findings["site.security_content"]["details"]["hits"]) == \
        sorted(expect["site.security_content"]["hits"])
    assert findings["site.https"]["value"] == expect["site.https"]["value"]
    duty, duty_expected = findings["power.responsibility_list"]["details"], expect["power.responsibility_list"]
    assert (path(duty["url"]), duty["newest"]) == (duty_expected["url"], duty_expected["newest"])
    request, request_expected = findings["request.channel"]["details"], expect["request.channel"]
    assert path(request["url"]) == request_expected["url"] and not request["missing"]
    assert request["online"]["verified"] is False and request_expected["online_host"] in request["online"]["how"]
    areas = findings["disclosure.key_areas"]["details"]
    assert set(expect["disclosure.key_areas"]["covered"]) <= set(areas["covered"])
    assert set(expect["disclosure.key_areas"]["missing"]) <= set(areas["missing"])
    leaders = findings["leaders.named"]["details"]
    assert [leader["name"] for leader in leaders["leaders"]] == expect["leaders.named"]["leaders"]
    assert leaders["disclosure_leader"] == expect["leaders.named"]["disclosure_leader"]
    gazette = findings["gazette.published"]["details"]
    assert set(expect["gazette.published"]["mentioned_in"]) <= {path(url) for url in gazette["mentioned_in"]}
    media, media_expected = findings["newmedia.listed"]["details"], expect["newmedia.listed"]
    assert (path(media["url"]), len(media["accounts"]), media["no_platform"]) == \
        (media_expected["url"], media_expected["accounts"], media_expected["no_platform"])
    functions, functions_expected = findings["power.functions_catalog"]["details"], expect["power.functions_catalog"]
    assert {d["department"]: d["missing"] for d in functions["departments"] if d["missing"]} == functions_expected["incomplete"]
    assert set(functions_expected["complete"]) <= {d["department"] for d in functions["departments"] if not d["missing"]}
    assert set(functions_expected["not_listed"]) <= set(functions["not_listed"])
    decisions, decisions_expected = findings["decisions.participation"]["details"], expect["decisions.participation"]
    assert [path(url) for url in decisions["short"]] == decisions_expected["short"]
    assert [path(url) for url in decisions["no_feedback"]] == decisions_expected["no_feedback"]
    privacy, privacy_expected = findings["privacy.personal_data"], expect["privacy.personal_data"]
    assert {path(doc["url"]): len(doc["items"]) for doc in privacy["details"]["documents"]} == privacy_expected["leaks"]
    assert [path(e["url"]) for e in privacy["evidence"]] == list(privacy_expected["leaks"])
    assert privacy["details"]["unread_attachments"] == []


def test_no_output_repeats_a_personal_number_in_full(rendered_run):
    """Issue 19: the planted ID and mobile numbers appear masked in every output of the run; only
    the raw pages in snapshot.sqlite keep them. The spreadsheet is read cell by cell, as text."""
    import openpyxl

    result, _, out = rendered_run
    privacy = next(f for f in result["findings"] if f["check"] == "privacy.personal_data")
    assert any("4405**********2037" in e["text"] for e in privacy["evidence"])
    assert not any(e["screenshot"] for e in privacy["evidence"]), "a picture would show the numbers"
    texts = {}
    for file in out.rglob("*"):
        if not file.is_file() or file.name == "snapshot.sqlite" or file.suffix in (".jpg", ".jpeg", ".png"):
            continue
        if file.suffix == ".xlsx":
            book = openpyxl.load_workbook(file, read_only=True)
            texts[file.name] = " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                                        for c in row if c is not None)
        else:
            texts[file.name] = file.read_bytes().decode("utf-8", "replace")
    assert {"result.json", "scorecard.html", "rectification.csv", "rectification.xlsx", "crawl.log"} <= set(texts)
    for name, text in texts.items():
        for number in DEFECTS["personal_numbers"]:
            assert number not in text, f"{name} repeats a planted personal number in full"


def test_score_and_outputs(rendered_run):
    result, snap, out = rendered_run
    assert result["schema"] == "govscan.result/1"
    assert 0 < result["score"]["total"] < 100 and result["score"]["grade"] in ("合格", "良好", "优秀", "不合格")
    html = (out / "scorecard.html").read_text(encoding="utf-8")
    assert [veto["id"] for veto in result["score"]["vetoes"]] == DEFECTS["vetoes"]
    assert "触发单项否决，评定为不合格" in html and result["score"]["grade"] == "不合格" and result["score"]["total"] <= 59
    assert "<script" not in html.lower() and 'href="javascript:' not in html
    assert "政府信息公开制度" in html and "暂无信息" in html
    # every failing or warned finding whose first evidence is a page the crawl fetched has a screenshot
    # (but for checks whose evidence must not be pictured: the personal data it masks)
    unpictured = {check_id for check_id, spec in all_checks().items() if not spec.screenshots}
    shots = [f["evidence"][0]["screenshot"] for f in result["findings"] if f["status"] in ("fail", "warn")
             and f["check"] not in unpictured and f["evidence"] and snap.outcome(f["evidence"][0]["url"]).fetched]
    assert all(shots) and all((out / shot).stat().st_size > 5_000 for shot in shots)
    assert html.count('src="data:image/jpeg;base64,') == len(shots)
    csv = (out / "rectification.csv").read_text(encoding="utf-8-sig")
    assert len(csv.strip().splitlines()) >= 1 + sum(1 for e in DEFECTS["expect"].values() if e["status"] != "pass")


def test_platform_lists_are_read_without_a_browser(rendered_run):
    """The gkmlpt catalogue and TRS pagination are read by their adapters: with rendering allowed,
    Chromium renders no page of the demo (at most 5 % of fetched pages may be rendered)."""
    _, snap, _ = rendered_run
    pages = {path(p.url): p for p in snap.pages()}
    for item in DEFECTS["js_only"]["gkmlpt_api"] + DEFECTS["js_only"]["trs_pagination"]:
        assert item in pages and pages[item].ok and not pages[item].rendered, item
    catalogue = pages["/gkmlpt/index"]
    assert not catalogue.rendered and catalogue.metadata["needs_js"] is False
    lists = [p for p in snap.pages() if p.metadata.get("list")]
    assert {p.title for p in lists} >= {"规范性文件", "政策解读"}
    assert all(p.metadata["list"]["complete"] for p in lists)
    listed = {path(link.target) for p in lists for link in snap.links_from(p.url)}
    assert listed == set(DEFECTS["js_only"]["gkmlpt_api"])
    rendered = sum(p.rendered for p in snap.pages())
    assert rendered <= 0.05 * len(snap.pages()), f"{rendered} of {len(snap.pages())} pages rendered"


def test_gbk_pages_hostile_titles_and_attachments(rendered_run):
    _, snap, _ = rendered_run
    pages = {path(p.url): p for p in snap.pages()}
    for item, title in DEFECTS["gbk_pages"].items():
        assert title in pages[item].title, item
        assert pages[item].charset in ("gb18030", "gbk", "gb2312")
    for item, title in DEFECTS["hostile_pages"].items():
        assert title in pages[item].title  # stored as text, exactly as the page shows it
    attachments = {path(a["url"]): a for a in snap.attachments()}
    for item, spec in DEFECTS["attachments"].items():
        assert attachments[item]["status"] == 200
        assert spec["contains"] in (attachments[item]["text"] or "")


def test_without_browser_the_platform_lists_are_still_read(portal, tmp_path):
    result, snap = assess_demo(portal, tmp_path / "out", "--no-render")
    pages = {path(p.url) for p in snap.pages()}
    assert set(DEFECTS["js_only"]["gkmlpt_api"]) <= pages
    assert set(DEFECTS["js_only"]["trs_pagination"]) <= pages
    assert result["crawl"]["rendered"] == 0
    assert not any(e["screenshot"] for f in result["findings"] for e in f["evidence"])
    assert not (tmp_path / "out" / "evidence").exists()
    gkmlpt = next(p for p in snap.pages() if path(p.url) == "/gkmlpt/index")
    assert gkmlpt.metadata["needs_js"] is False


def test_crawl_over_ipv6_only(portal, tmp_path):
    """A zone with only an AAAA record: every request goes to [::1] through our resolver."""
    with DemoDNS({portal.host: {"AAAA": ["::1"]}}) as v6_only:
        result, snap = assess_demo(portal, tmp_path / "out", "--no-render", "--max-pages", "20",
                                   nameserver=f"127.0.0.1:{v6_only.port}")
    statuses = {f["check"]: f["status"] for f in result["findings"]}
    assert statuses["site.reachable"] == "pass"
    assert [p["detail"] for p in snap.probes("dns_aaaa")] == ["::1"]
    assert [p["ok"] for p in snap.probes("dns_a")] == [0]
    assert len(snap.pages()) >= 10


def test_rescore_with_another_profile_without_crawling(rendered_run, tmp_path):
    import shutil

    result, _, out = rendered_run
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    (copy / "crawl-job.json").unlink()  # proof that nothing is crawled again: the job is gone
    rescored = govscan("rescore", copy, "--profile", "guoban2019")
    assert rescored.returncode == 0, rescored.stderr
    again = json.loads((copy / "result.json").read_text(encoding="utf-8"))
    assert again["run"]["profile"] == "guoban2019" and again["run"]["id"] == result["run"]["id"]
    assert {f["check"]: f["status"] for f in again["findings"]} == {f["check"]: f["status"] for f in result["findings"]}
    assert [m["id"] for m in again["score"]["modules"]] == ["发布解读", "办事服务", "互动交流", "功能设计"]


def test_findings_do_not_depend_on_the_order_the_crawl_finished_pages_in(rendered_run, tmp_path):
    """Concurrent fetches finish in a different order each night: the same pages must give the same
    findings, evidence samples included, or an assessor cannot show the office the same proof twice."""
    import shutil
    import sqlite3

    _, _, out = rendered_run
    runs = []
    for name, reverse in (("as-crawled", False), ("reversed", True)):
        copy = tmp_path / name
        shutil.copytree(out, copy)
        if reverse:  # the pages finished in another order; a page's own links stay in document order
            with sqlite3.connect(copy / "snapshot.sqlite") as db:
                for table, order in (("pages", "rowid DESC"), ("links", "source DESC, rowid"),
                                     ("attachments", "rowid DESC"), ("errors", "rowid DESC")):
                    db.execute(f"CREATE TEMP TABLE t AS SELECT * FROM {table} ORDER BY {order}")
                    db.execute(f"DELETE FROM {table}")
                    db.execute(f"INSERT INTO {table} SELECT * FROM t")
                    db.execute("DROP TABLE t")
        assert govscan("rescore", copy).returncode == 0
        runs.append(json.loads((copy / "result.json").read_text(encoding="utf-8"))["findings"])
    as_crawled, reversed_ = runs
    assert [f["check"] for f in reversed_] == [f["check"] for f in as_crawled]
    changed = [a["check"] for a, b in zip(as_crawled, reversed_) if a != b]
    assert changed == []


def test_every_verdict_names_the_page_it_rests_on(rendered_run):
    """A pass is defended like a fail: every judged finding carries a page by address, and a page the
    crawl fetched by its title too."""
    result, snap, _ = rendered_run
    judged = [f for f in result["findings"] if f["status"] not in ("unverifiable", "not_applicable", "error")]
    unnamed = [f["check"] for f in judged if not any(e["url"] for e in f["evidence"])]
    assert unnamed == []
    untitled = [(f["check"], e["url"]) for f in judged for e in f["evidence"]
                if e["url"] and snap.page(e["url"]) is not None and snap.page(e["url"]).title and not e["title"]]
    assert untitled == []
