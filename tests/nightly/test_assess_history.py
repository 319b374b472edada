"""`govscan assess` records every run in history, and its result.json and scorecard say what changed."""

from __future__ import annotations

import json
import os

from govscan.history import History
from tests.conftest import free_port, govscan

PAGE = "<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def assess(url: str, var, out):
    done = govscan("assess", "--url", url, "--name", "某镇人民政府", "--var", var, "--out", out, "--no-render",
                   env={k: v for k, v in os.environ.items() if k not in ("GOVSCAN_DB_URL", "GOVSCAN_VAR")}, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def test_each_assessment_is_recorded_and_compared_with_the_previous(static_site, tmp_path):
    root, url = static_site
    (root / "index.html").write_text(PAGE.format(title="某镇人民政府", body="<a href='news.html'>新闻动态</a>"),
                                     encoding="utf-8")
    (root / "news.html").write_text(PAGE.format(title="新闻", body="2026-11-20 通知"), encoding="utf-8")
    var = tmp_path / "var"
    first = assess(url, var, tmp_path / "one")
    assert first["history"]["previous"] is None and [p["run"] for p in first["history"]["trend"]] == [first["run"]["id"]]

    (root / "news.html").unlink()  # the site gets a broken link
    second = assess(url, var, tmp_path / "two")
    changes = second["history"]
    assert changes["previous"]["run"] == first["run"]["id"]
    assert changes["total_delta"] == round(second["score"]["total"] - first["score"]["total"], 1) < 0
    assert "site.broken_links" in [item["check"] for item in changes["new_failures"]]
    assert [p["run"] for p in changes["trend"]] == [first["run"]["id"], second["run"]["id"]]
    scorecard = (tmp_path / "two" / "scorecard.html").read_text(encoding="utf-8")
    assert f"{changes['total_delta']:+.1f} 分" in scorecard and "与上次评估相比" in scorecard

    assert govscan("rescore", tmp_path / "two").returncode == 0  # re-scored: its place in history stays
    assert json.loads((tmp_path / "two" / "result.json").read_text(encoding="utf-8"))["history"] == changes
    assert govscan("rescore", tmp_path / "two", "--profile", "guoban2019").returncode == 0  # another model: no comparison
    assert "history" not in json.loads((tmp_path / "two" / "result.json").read_text(encoding="utf-8"))

    third = assess(f"http://127.0.0.1:{free_port()}/", var, tmp_path / "three")  # same site id, nobody answers
    # not a complete run: nothing compared, but the scorecard still names the last complete one
    assert third["history"]["new_failures"] == [] and third["history"]["previous"]["run"] == second["run"]["id"]

    history = History.open(var)  # one run each, nightly or not: nothing recorded twice
    try:
        runs = history.runs()
        assert [(r.id, r.outcome, r.path, r.night) for r in runs] == [
            (first["run"]["id"], "ok", str(tmp_path / "one"), None), (second["run"]["id"], "ok", str(tmp_path / "two"), None),
            (third["run"]["id"], "unreachable", str(tmp_path / "three"), None)]
    finally:
        history.close()
