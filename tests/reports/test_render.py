"""The scorecard never turns crawled text into markup, and result.json keeps its schema."""

import copy
import datetime
import json
import re

import pytest
from pydantic import ValidationError

from reports.render import rectification_rows, scorecard_html, write_outputs
from reports.result import ResultModel, json_schema, write_result

HOSTILE = "<script>alert('xss')</script>关于金平区供水管网改造的公告"

RESULT = {
    "schema": "govscan.result/1",
    "site": {"id": "t", "name": "测试区<b>人民政府</b>", "url": "http://a.test/", "level": "district"},
    "run": {"id": "r1", "started_at": "2026-11-25T02:00:00+00:00", "finished_at": "2026-11-25T02:10:00+00:00",
            "profile": "default"},
    "crawl": {"pages": 3, "rendered": 1, "errors": 0, "duration_s": 12.5},
    "score": {"total": 70.0, "grade": "合格", "vetoes": [], "assessed_points": 12,
              "modules": [{"id": "A", "title": "网站基础与可用性", "points": 12, "score": 8.4,
                           "checks": ["site.broken_links"]}]},
    "findings": [{"check": "site.broken_links", "status": "fail", "title": "链接可用性", "message": f"发现错链：{HOSTILE}",
                  "value": "1/3", "threshold": "无错链", "basis": "国办秘函〔2019〕19号", "remedy": "修正",
                  "evidence": [{"url": "http://a.test/x.html", "text": HOSTILE, "screenshot": ""},
                               {"url": "javascript:alert(1)", "text": "", "screenshot": ""}]}],
}


def test_hostile_text_is_escaped_and_script_urls_not_linked():
    html = scorecard_html(RESULT)
    assert "<script>" not in html and "<b>人民政府</b>" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert '<a href="http://a.test/x.html">' in html


def test_outputs_written(tmp_path):
    paths = write_outputs(RESULT, tmp_path)
    assert paths["scorecard"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    csv = paths["csv"].read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == "序号,检查项,结论,问题描述,涉及页面,依据,整改建议"
    assert rectification_rows(RESULT)[0]["涉及页面"] == "http://a.test/x.html\njavascript:alert(1)"
    import pandas as pd
    assert pd.read_excel(paths["xlsx"]).iloc[0]["检查项"] == "链接可用性"


def test_result_schema_accepts_the_documented_shape_and_rejects_breakage(tmp_path):
    write_result(tmp_path / "result.json", RESULT)
    assert json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))["schema"] == "govscan.result/1"
    broken = copy.deepcopy(RESULT)
    broken["findings"][0]["status"] = "ok"
    with pytest.raises(ValidationError):
        ResultModel.check(broken)
    del broken["crawl"]
    with pytest.raises(ValidationError):
        write_result(tmp_path / "bad.json", broken)
    assert not (tmp_path / "bad.json").exists()
    assert "schema" in json_schema()["required"]


def test_published_json_schema_is_current():
    from pathlib import Path

    import reports
    published = json.loads((Path(reports.__file__).parent / "result.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), "regenerate reports/result.schema.json from reports.result.json_schema()"


def test_spreadsheet_cells_cannot_start_formulas():
    hostile = copy.deepcopy(RESULT)
    hostile["findings"][0]["message"] = "=HYPERLINK(\"http://evil\")"
    assert rectification_rows(hostile)[0]["问题描述"].startswith("'=")


def with_history(runs: int = 30) -> dict:
    """RESULT as the pipeline records it after `runs` nightly runs, the last one losing 3.5 points."""
    result = copy.deepcopy(RESULT)
    last = datetime.datetime(2026, 11, 25, 2, tzinfo=datetime.timezone.utc)
    nights = [last - datetime.timedelta(days=runs - 1 - day) for day in range(runs - 1)]
    trend = [{"run": f"r{day}", "at": night.isoformat(), "date": night.date().isoformat(), "total": 60.0 + day % 15,
              "grade": "合格", "modules": {"A": 6.0 + day % 5}} for day, night in enumerate(nights)]
    previous = dict(trend[-1], total=73.5)
    trend[-1] = previous
    trend.append({"run": "r1", "at": "2026-11-25T02:00:00+00:00", "date": "2026-11-25", "total": 70.0,
                  "grade": "合格", "modules": {"A": 8.4}})
    result["history"] = {
        "previous": previous, "total_delta": -3.5, "still_failing": 2, "trend": trend,
        "new_failures": [{"check": "site.broken_links", "title": "链接可用性", "status": "fail",
                          "message": f"发现错链：{HOSTILE}", "before": "pass"}],
        "fixed": [{"check": "site.identity", "title": "网站标识", "status": "pass", "message": "齐全", "before": "warn"}],
    }
    return result


def test_history_shows_change_what_changed_and_trend():
    result = with_history()
    ResultModel.check(result)
    html = scorecard_html(result)
    assert "-3.5 分" in html and "较上次（" + result["history"]["previous"]["date"] + "）" in html
    assert "新增问题（1项）" in html and "已整改（1项）" in html and "仍未整改 2 项" in html
    assert "<script>" not in html  # changed items carry crawled text too
    totals, modules = re.findall(r'<polyline[^>]*points="([^"]*)"', html)
    assert len(totals.split()) == len(modules.split()) == 30  # one point per run, x by time, left to right
    xs = [float(point.split(",")[0]) for point in totals.split()]
    assert xs == sorted(xs) and xs[0] == 0 and xs[-1] == 300
    ys = [float(point.split(",")[1]) for point in totals.split()]
    assert ys[-2] < ys[-1]  # lower score, lower on the chart (larger y)


def test_first_run_and_unrecorded_run():
    first = copy.deepcopy(RESULT)
    first["history"] = {"previous": None, "total_delta": None, "new_failures": [], "fixed": [], "still_failing": 0,
                        "trend": [{"run": "r1", "at": "2026-11-25T02:00:00+00:00", "date": "2026-11-25",
                                   "total": 70.0, "grade": "合格", "modules": {"A": 8.4}}]}
    ResultModel.check(first)
    html = scorecard_html(first)
    assert "首次评估" in html and "<polyline" not in html and "与上次评估相比" not in html
    plain = scorecard_html(RESULT)
    assert "较上次" not in plain and "首次评估" not in plain and "<polyline" not in plain
