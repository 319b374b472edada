"""`govscan probe` records real fetches in history; an assessment judges V-AVAIL on what was recorded."""

import json
from datetime import datetime, timedelta, timezone

from govscan.config import load_targets
from govscan.history import History, database_url
from tests.conftest import free_port, govscan


def targets_for(tmp_path, up_url):
    path = tmp_path / "targets.yaml"
    path.write_text(f"sites:\n  up:\n    name: 某镇人民政府\n    url: {up_url}\n    crawl: {{render: false}}\n"
                    f"  down:\n    name: 某街道办事处\n    url: http://127.0.0.1:{free_port()}/\n", encoding="utf-8")
    return path


def test_probe_records_each_fetch(static_site, tmp_path):
    root, url = static_site
    (root / "index.html").write_text("<html><title>首页</title></html>", encoding="utf-8")
    targets, var = targets_for(tmp_path, url), tmp_path / "var"
    for _ in range(2):
        result = govscan("probe", "--all", "--targets", targets, "--var", var)
        assert result.returncode == 0, result.stderr
    assert "up: 可访问 HTTP 200" in result.stdout and "down: 无法访问（refused" in result.stdout
    history = History(database_url(var))
    since = datetime.now(timezone.utc) - timedelta(hours=1)
    assert [(p.ok, p.status) for p in history.probes("up", since)] == [(True, 200), (True, 200)]
    assert [p.ok for p in history.probes("down", since)] == [False, False]
    history.close()
    assert govscan("probe", "nosuch", "--targets", targets, "--var", var).returncode == 2


def test_assessment_judges_the_week_of_probes_in_history(static_site, tmp_path):
    root, url = static_site
    (root / "index.html").write_text("<html><title>首页</title></html>", encoding="utf-8")
    targets, var = targets_for(tmp_path, url), tmp_path / "var"
    site = load_targets(targets)["up"]
    history = History(database_url(var))
    start = datetime.now(timezone.utc) - timedelta(days=7)
    for hour in range(7 * 24):  # a week of hourly probes, 10 of them failed (6%): the V-AVAIL veto
        history.record_probe(site, {"url": url, "ok": hour % 16 != 0 or hour >= 160, "status": 200,
                                    "elapsed_ms": 5, "at": start + timedelta(hours=hour, minutes=30)})
    history.record_probe(site, {"url": url, "ok": True, "status": 200, "at": start - timedelta(days=3)})  # too old
    history.close()
    out = tmp_path / "out"
    result = govscan("assess", "up", "--targets", targets, "--var", var, "--out", out, "--no-render")
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    availability = next(f for f in data["findings"] if f["check"] == "site.availability")
    assert availability["status"] == "fail" and availability["value"] == "10/168次失败（6.0%）"
    assert "V-AVAIL" in [veto["id"] for veto in data["score"]["vetoes"]]
