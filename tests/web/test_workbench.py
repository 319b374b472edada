"""`govscan serve` in a real Chromium, over a history made by real assessments of small loopback
portals, on SQLite and on PostgreSQL.

Four sites in targets.yaml: a province portal that keeps its home page up to date (no 单项否决),
a city and a district portal that do not (单项否决), the district one with a hostile page title and
assessed twice (a link breaks in between), and a street office nobody answers for (无法评估).
Screenshots of each main page at 375 px and 1280 px are written to the folder printed at the start.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from checks.model import BEIJING as SHANGHAI
from tests.conftest import ROOT, free_port, govscan
from tests.web.portals import HOSTILE, Portal, write_portal

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is installed by make setup")
PASSWORD = "correct horse battery"
SHOTS = Path(os.environ.get("GOVSCAN_TEST_ARTEFACTS") or tempfile.gettempdir()) / "govscan-workbench-shots"
TARGETS = """sites:
  sheng: {{name: 某省人民政府, url: "{sheng}", level: province}}
  shi: {{name: 某市人民政府, url: "{shi}", level: city, parent: sheng}}
  qu: {{name: 某区人民政府, url: "{qu}", level: district, parent: shi}}
  zhen: {{name: 某镇人民政府, url: "{zhen}", level: street, parent: qu}}
"""


class Bench:
    """The server under test and what the tests need to reach it."""

    def __init__(self, kind: str, url: str, var: Path, targets: Path, env: dict, qu_runs: list[str], portals):
        self.kind, self.url, self.var, self.targets, self.env, self.qu_runs, self.portals = \
            kind, url, var, targets, env, qu_runs, portals

    def api(self, page, path: str) -> dict:
        response = page.request.get(self.url + path.lstrip("/"))
        assert response.ok, (path, response.status)
        return response.json()

    def shot(self, page, name: str) -> None:
        """The page at 375 px and at 1280 px; nothing may stick out sideways on the phone."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("load")  # images and styles in place before anything is measured
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")  # laid out anew
            if width == 375:
                wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)
                                        .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60))""")
                assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{name} overflows at 375 px: {wide}"
            page.screenshot(path=str(SHOTS / f"{self.kind}-{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def start_server(args: list[str], env: dict) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "govscan", "serve", "--port", "0", *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://[^/]+/", line)
    if not match:
        process.kill()
        pytest.fail(f"govscan serve did not start: {line}{process.stderr.read()}")
    return process, match.group(0)


def assess(site: str, targets: Path, var: Path, env: dict, *extra) -> dict:
    out = var / "runs" / f"{site}-{len(list((var / 'runs').glob(site + '-*'))) if (var / 'runs').exists() else 0}"
    done = govscan("assess", site, "--targets", targets, "--var", var, "--out", out, *extra, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bench(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"workbench-{request.param}")
    var = folder / "var"
    env = {key: value for key, value in os.environ.items() if key not in ("GOVSCAN_DB_URL", "GOVSCAN_BASE_URL")}
    if request.param == "postgresql":
        import psycopg

        url, port = request.getfixturevalue("postgres_server")
        name = f"wb_{os.urandom(4).hex()}"
        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        env["GOVSCAN_DB_URL"] = f"{url}/{name}"
    portals = {}
    for site, title, kept in (("sheng", "某省人民政府门户网站", True), ("shi", "某市人民政府", False),
                              ("qu", HOSTILE + "某区人民政府", False)):
        write_portal(folder / site, title, kept)
        portals[site] = Portal(folder / site)
    targets = folder / "targets.yaml"
    targets.write_text(TARGETS.format(**{site: p.url for site, p in portals.items()},
                                      zhen=f"http://127.0.0.1:{free_port()}/"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "govscan", "users", "add", "alice", "--var", var], cwd=ROOT, env=env,
                          input=PASSWORD + "\n", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    server, url = start_server(["--var", str(var), "--targets", str(targets), "--public"], env)
    env["GOVSCAN_BASE_URL"] = url  # the scorecards link their findings to this workbench
    try:
        with ThreadPoolExecutor(4) as pool:  # independent sites at once; the district's first run takes screenshots
            first = [pool.submit(assess, site, targets, var, env, *([] if site == "qu" else ["--no-render"]))
                     for site in ("qu", "sheng", "shi", "zhen")]
            qu_first = first[0].result()
            [future.result() for future in first[1:]]
        (folder / "qu" / "news.html").unlink()  # a link breaks before the second run
        qu_second = assess("qu", targets, var, env)
        yield Bench(request.param, url, var, targets, env, [qu_first["run"]["id"], qu_second["run"]["id"]], portals)
    finally:
        server.terminate()
        server.wait(timeout=10)
        for portal in portals.values():
            portal.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    print(f"\nworkbench screenshots: {SHOTS}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    assert not dialogs, f"a script from crawled text ran: {dialogs}"
    context.close()


def rows(page) -> list[str]:
    return [text.split("\n")[0].strip() for text in page.locator("table.sites tbody tr td:first-child").all_inner_texts()]


def test_sites_list_filters_and_exports(bench, page):
    page.goto(bench.url)
    assert page.title().startswith("站点总览")
    assert set(rows(page)) == {"某省人民政府", "某市人民政府", "某区人民政府", "某镇人民政府"}
    apart = page.locator("#unassessable")
    assert "某镇人民政府" in apart.inner_text() and "无法评估（无法访问）" in apart.inner_text()
    assert "某区人民政府" not in apart.inner_text()
    assert page.evaluate("document.scripts.length") == 0
    bench.shot(page, "sites")

    page.select_option("select[name=level]", "district")
    page.click("text=筛选")
    assert rows(page) == ["某区人民政府"]
    page.select_option("select[name=level]", "")
    page.select_option("select[name=veto]", "yes")
    page.click("text=筛选")
    assert set(rows(page)) == {"某市人民政府", "某区人民政府"}  # the province keeps its home page up to date
    page.select_option("select[name=veto]", "no")
    page.click("text=筛选")
    assert "某省人民政府" in rows(page) and "某区人民政府" not in rows(page)
    page.select_option("select[name=veto]", "")
    page.fill("input[name=check]", "site.broken_links")
    page.click("text=筛选")
    assert rows(page) == ["某区人民政府"]  # only the district has a broken link

    page.goto(bench.url + "?veto=yes")
    with page.expect_download() as download:
        page.click("text=Excel")
    table = pd.read_excel(download.value.path(), sheet_name="站点评估总览")
    listed = {site["id"]: site for site in bench.api(page, "/api/sites?veto=yes")["sites"]}
    assert sorted(table["标识"]) == sorted(listed) == ["qu", "shi"]
    for _, row in table.iterrows():
        assert row["得分"] == listed[row["标识"]]["total"] and row["等级"] == listed[row["标识"]]["grade"]
        assert row["单项否决"]


def test_site_compare_and_finding_with_screenshot(bench, page):
    page.goto(bench.url)
    page.click("table.sites >> text=某区人民政府")
    assert page.locator("h1").inner_text() == "某区人民政府"
    assert "2 次完整评估" in page.inner_text("body") or "评估记录（2次）" in page.inner_text("body")
    bench.shot(page, "site")

    page.click("button:has-text('比较')")  # the last two runs are preselected
    new = page.locator("section.diff-new")
    assert "链接可用性" in new.inner_text()
    assert bench.portals["qu"].url + "news.html" in new.locator(".urls.new").inner_text()
    diff = bench.api(page, f"/api/sites/qu/compare?a={bench.qu_runs[0]}&b={bench.qu_runs[1]}")
    assert "site.broken_links" in [row["check"] for row in diff["new"]]
    assert "site.broken_links" not in [row["check"] for row in diff["still"]]
    bench.shot(page, "compare")

    new.locator("text=链接可用性").first.click()
    assert "/sites/qu/findings/site.broken_links" in page.url
    body = page.inner_text("body")
    for expected in ("依据", "要求", "检测值", "首次发现", "最近确认", "如何得出此结论", "国办秘函"):
        assert expected in body
    assert page.locator("figure.shot img").count() >= 1
    page.wait_for_function("() => [...document.querySelectorAll('figure.shot img')].every(i => i.complete && i.naturalWidth > 100)")
    bench.shot(page, "finding")

    # a hostile page title is text, never markup, wherever it shows
    page.goto(bench.url + "sites/qu/findings/site.identity")
    titles = page.locator("table.pages td.title").all_inner_texts()
    assert any(HOSTILE in title for title in titles)
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], script').length") == 0


def test_evidence_opens_as_archived_the_bytes_the_server_sent(bench, page):
    """Under each piece of evidence: when it was captured, its digest, and the page from the run's WARC,
    marked as archived, scripts off; the raw download is byte for byte the file the portal served (the
    second run's home page came back 304: its record lives in the first run's archive)."""
    import hashlib
    import sqlite3
    from urllib.parse import parse_qs, urlsplit

    page.goto(bench.url + f"sites/qu/findings/site.identity?run={bench.qu_runs[1]}")
    capture = page.locator("ul.evidence .capture").first
    assert "采集于" in capture.inner_text()
    shown = capture.locator("code").inner_text().rstrip("…")
    archived = capture.locator("a:has-text('查看存档页面')").get_attribute("href")
    url = parse_qs(urlsplit(archived).query)["url"][0]
    served = (bench.portals["qu"].root / (urlsplit(url).path.lstrip("/") or "index.html")).read_bytes()

    with sqlite3.connect(bench.var / "runs" / "qu-1" / "snapshot.sqlite") as db:  # the second run's capture
        assert db.execute("SELECT kind FROM captures WHERE url = ?", (url,)).fetchone() == ("revisit",)

    raw = page.request.get(bench.url.rstrip("/") + capture.locator("a:has-text('下载原始响应')").get_attribute("href"))
    assert raw.ok and raw.body() == served
    assert hashlib.sha256(raw.body()).hexdigest().startswith(shown)

    response = page.goto(bench.url.rstrip("/") + archived)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "sandbox" in response.headers["content-security-policy"]
    banner = page.inner_text("body")
    assert "存档页面 — 采集于" in banner and shown in banner and "脚本已禁用" in banner
    assert page.title() == HOSTILE + "某区人民政府"  # the page's own text, as served

    missing = page.goto(bench.url + f"runs/{bench.qu_runs[1]}/archive?url=" + bench.portals["qu"].url + "never.html")
    assert missing.status == 404 and "没有该地址的存档" in page.inner_text("body")


def test_scorecard_links_to_its_finding_pages(bench, page):
    run = bench.api(page, f"/api/runs/{bench.qu_runs[1]}")["run"]
    page.goto(bench.url + f"runs/{run['id']}/files/scorecard.html")
    link = page.locator("a:has-text('在评估工作台查看')").first
    href = link.get_attribute("href")
    assert href.startswith(bench.url + "sites/qu/findings/") and f"run={run['id']}" in href
    page.goto(href)
    assert page.locator("h1").count() == 1 and "某区人民政府" in page.inner_text("nav.crumbs")


def test_login_exception_changes_the_score_then_logout(bench, page):
    before = bench.api(page, "/api/sites/qu")["site"]["total"]
    page.goto(bench.url + "sites/qu/findings/site.search")
    assert "登录</a>后可记录复核" in page.content()
    page.click("main >> text=登录")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", "wrong password")
    page.click("button:has-text('登录')")
    assert "用户名或密码不正确" in page.inner_text("body")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    assert "/sites/qu/findings/site.search" in page.url and "alice" in page.inner_text("header")
    bench.shot(page, "login")

    until = (datetime.now(SHANGHAI).date() + timedelta(days=1)).isoformat()
    page.check("input[value=exception]")
    page.fill("textarea[name=reason]", "站内搜索由市级平台统一提供，已报备（市政数函〔2026〕1号）")
    page.fill("input[name=until]", until)
    page.click("text=记录复核")
    flash = page.inner_text("p.flash")
    assert "重新计分" in flash
    after = bench.api(page, "/api/sites/qu")["site"]["total"]
    assert after > before, (before, after)
    assert f"{before:.1f} → {after:.1f}" in flash
    assert f"例外·至{until}" in page.inner_text("body")
    bench.shot(page, "finding-reviewed")

    page.goto(bench.url + "sites/qu")
    assert f"{after:.1f}" in page.inner_text(".headline") and "人工复核改变了计分的项目" in page.inner_text("body")
    scorecard = page.request.get(bench.url + f"runs/{bench.qu_runs[1]}/files/scorecard.html").text()
    assert "例外（不计分，至" in scorecard and "站内搜索由市级平台统一提供" in scorecard
    page.goto(bench.url + "audit")
    assert "记录复核" in page.inner_text("table") and "alice" in page.inner_text("table")
    bench.shot(page, "audit")

    page.click("button:has-text('退出')")
    assert "已退出登录" in page.inner_text("body") and "alice" not in page.inner_text("header")


def test_changes_need_a_login_and_a_csrf_token(bench, browser):
    context = browser.new_context()
    page = context.new_page()
    target = bench.url + "sites/qu/findings/site.https/reviews"
    form = {"kind": "overturned", "reason": "forged"}
    assert page.request.post(target, form=form).status == 400  # no token: refused before anything else
    page.goto(bench.url + "login")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    refused = page.request.post(target, form=form)  # logged in, but the form carries no CSRF token
    assert refused.status == 400 and "安全令牌" in refused.text()
    assert bench.api(page, "/api/audit?site=qu&check=site.https")["audit"] == []
    context.close()


def test_review_survives_rescore_and_lapses_on_a_later_run(bench, page, monkeypatch):
    total = bench.api(page, "/api/sites/qu")["site"]["total"]
    path = bench.var / "runs" / "qu-1"  # the second, latest run
    assert bench.api(page, f"/api/runs/{bench.qu_runs[1]}")["result"]["run"]["id"] == bench.qu_runs[1]
    done = govscan("rescore", path, "--var", bench.var, env=bench.env)
    assert done.returncode == 0, done.stderr
    kept = json.loads((path / "result.json").read_text(encoding="utf-8"))
    search = next(f for f in kept["findings"] if f["check"] == "site.search")
    assert search["review"]["effect"] == "excepted" and kept["score"]["total"] == total

    later = (datetime.now(SHANGHAI).date() + timedelta(days=3)).isoformat()  # the exception ran out the day after
    lapsed = assess("qu", bench.targets, bench.var, bench.env, "--no-render", "--today", later)
    search = next(f for f in lapsed["findings"] if f["check"] == "site.search")
    assert search["review"]["expired"] and search["review"]["effect"] is None

    from govscan.history import Changes
    from govscan.mail import SmtpSettings, scorecard_message

    monkeypatch.setenv("GOVSCAN_BASE_URL", bench.url)
    message = scorecard_message(SmtpSettings("127.0.0.1", 25, "none", "a@b.org"), ["o@b.org"], lapsed,
                                bench.var / "runs" / "qu-2", Changes())
    text = message.get_body(("plain",)).get_content()
    assert "例外已到期，本次重新计分" in text and "站内搜索" in text
    assert f"{bench.url}sites/qu/findings/site.search?run={lapsed['run']['id']}" in text  # the mail links its findings


def test_without_public_everything_needs_a_login_and_logins_are_rate_limited(bench, browser):
    server, url = start_server(["--var", str(bench.var), "--targets", str(bench.targets)],
                               dict(bench.env, GOVSCAN_LOGIN_LIMIT="3 per minute"))
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "sites/qu")
        assert "/login" in page.url and page.locator("input[name=password]").count() == 1
        assert page.request.get(url + "api/sites").status == 401
        statuses = []
        for _ in range(4):
            page.goto(url + "login")
            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", "not the password")
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                page.click("button:has-text('登录')")
            statuses.append(answer.value.status)
        assert statuses == [401, 401, 401, 429]
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
