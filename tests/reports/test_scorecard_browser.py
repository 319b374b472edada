"""The scorecard in real Chromium: readable at 375 px with nothing overflowing, printable to A4."""

import io
import shutil

import pytest

from reports.render import write_outputs
from tests.reports.test_render import with_history

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is installed by make setup")
LONG_URL = "http://www.jinping.demo.test/zwgk/fdzdgknr/czyjs/content/" + "a" * 160 + ".html"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def scorecard(tmp_path):
    result = with_history(runs=365)  # a year of nightly runs
    finding = result["findings"][0]
    finding["evidence"] = [{"url": LONG_URL, "text": "所在页面：" + LONG_URL, "screenshot": ""}] * 3
    result["findings"].append(dict(finding, check="site.identity", status="unverifiable", title="页面底部功能区标识",
                                   message="首页底部信息位于无法读取的内嵌框架中。"))
    write_outputs(result, tmp_path)
    return tmp_path / "scorecard.html"


def test_readable_on_a_phone(browser, scorecard, tmp_path):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(scorecard.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    text = page.inner_text("body")
    for expected in ("测试区<b>人民政府</b> 政务公开评估报告", "70.0", "合格", "需整改事项", "无法核验的项目（不计为网站问题）",
                     "-3.5 分", "与上次评估相比", "新增问题（1项）", "已整改（1项）", "历史趋势", "共 365 次完整评估"):
        assert expected in text
    # the change since the last run is on the first screen, beside the total
    assert page.locator(".delta").bounding_box()["y"] < 800
    for chart in page.locator("svg.chart").all():
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] > 20
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    assert (tmp_path / "phone.png").stat().st_size > 10_000
    assert page.evaluate("document.scripts.length") == 0


def test_prints_to_a4(browser, scorecard):
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(scorecard.as_uri())
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    box = pdf.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1.5 and abs(float(box.height) - 841.9) < 1.5  # A4 in points
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "政务公开评估报告" in text and "链接可用性" in text
    assert "与上次评估相比" in text and "历史趋势" in text and "较上次" in text
