"""`govscan index`: every site of targets.yaml ranked within its level, from a history of several runs."""

from __future__ import annotations

import os
import re
import shutil

import pytest
import yaml

from govscan.config import Site
from govscan.history import OK, UNREACHABLE, History
from tests.conftest import govscan

SITES = {
    "prov": {"name": "某某省人民政府", "url": "http://prov.example/", "level": "province"},
    "city_a": {"name": "甲市人民政府", "url": "http://a.example/", "level": "city"},
    "city_b": {"name": "乙市人民政府", "url": "http://b.example/", "level": "city"},
    "quiet": {"name": "<b>丙区</b>人民政府", "url": "http://c.example/", "level": "district"},
}


def record(history: History, site_id: str, run_id: str, total: float | None, failing=(), outcome=OK, vetoes=(),
           path=None) -> None:
    site = Site(id=site_id, **SITES[site_id])
    history.start_run(site, run_id, path or f"/nowhere/{run_id}")
    findings = [{"check": check, "status": "fail", "title": f"问题{check}", "message": f"{check}<未整改>", "value": ""}
                for check in failing] + [{"check": "ok.check", "status": "pass", "title": "正常", "message": "", "value": ""}]
    history.finish_run(run_id, outcome, {
        "run": {"id": run_id, "profile": "default"}, "crawl": {"pages": 5},
        "score": {"total": total, "grade": "良好" if (total or 0) >= 80 else "合格",
                  "vetoes": [{"id": "V", "title": "否决", "check": check} for check in vetoes],
                  "modules": [{"id": "A", "title": "平台", "points": 10, "score": 7}]},
        "findings": findings})


@pytest.fixture
def var(tmp_path, db_url):
    history = History(db_url)
    record(history, "prov", "p1", 80.0)
    scorecard_dir = tmp_path / "var" / "runs" / "prov" / "p2"
    scorecard_dir.mkdir(parents=True)
    (scorecard_dir / "scorecard.html").write_text("<html></html>", encoding="utf-8")
    record(history, "prov", "p2", 85.5, path=scorecard_dir)
    for run_id, total in (("a1", 60.0), ("a2", 70.0)):
        record(history, "city_a", run_id, total, failing=["x"])
    record(history, "city_a", "a3", 65.0, failing=["w1", "w2", "v", "x"], vetoes=["v"])
    record(history, "city_b", "b1", 90.0)
    record(history, "city_b", "b2", None, outcome=UNREACHABLE)
    history.close()
    (tmp_path / "targets.yaml").write_text(yaml.safe_dump({"sites": SITES}, allow_unicode=True), encoding="utf-8")
    return tmp_path / "var"


def test_index_ranks_sites_within_their_level(var, db_url, tmp_path):
    env = dict({k: v for k, v in os.environ.items() if not k.startswith("GOVSCAN_")}, GOVSCAN_DB_URL=db_url)
    done = govscan("index", "--targets", tmp_path / "targets.yaml", "--var", var, env=env)
    assert done.returncode == 0, done.stderr
    page = (var / "index.html").read_text(encoding="utf-8")
    assert done.stdout.strip() == str(var / "index.html")
    headings = re.findall(r"<h2>(.*?)（", page)
    assert headings == ["省级", "地市级", "区县级"]
    city = page[page.index("<h2>地市级"):page.index("<h2>区县级")]
    assert city.index("乙市人民政府") < city.index("甲市人民政府")  # 90 before 65, though 乙市 was down last night
    b_part, a_part = city.split("甲市人民政府")
    assert "无法访问" in b_part and "90.0" in b_part
    assert "65.0" in a_part and "-5.0 分" in a_part
    worst = re.findall(r'<li><span class="badge [^"]+">([^<]+)</span>([^：]+)：', a_part)
    assert worst[0] == ("单项否决", "问题v") and len(worst) == 3  # the veto first, at most three
    assert "x&lt;未整改&gt;" in a_part or "w1&lt;未整改&gt;" in a_part
    [a_trend] = re.findall(r'<polyline points="([^"]*)"', a_part)
    assert len(a_trend.split()) == 3
    assert "+5.5 分" in page and '<a href="runs/prov/p2/scorecard.html">某某省人民政府</a>' in page
    assert "&lt;b&gt;丙区&lt;/b&gt;人民政府" in page and "暂无评估" in page
    assert "<script" not in page


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is installed by make setup")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_index_reads_on_a_phone(var, db_url, tmp_path):
    from playwright.sync_api import sync_playwright

    from govscan.config import load_targets
    from govscan.index import write_index

    history = History(db_url)
    out = write_index(list(load_targets(tmp_path / "targets.yaml").values()), history, var / "index.html")
    history.close()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto(out.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert "甲市人民政府" in page.inner_text("body")
        browser.close()
