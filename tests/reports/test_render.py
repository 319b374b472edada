"""The scorecard never turns crawled text into markup, and result.json keeps its schema."""

import copy
import json

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
