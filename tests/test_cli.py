"""The CLI contract: exit statuses, one-line config errors naming the field, outputs on any site."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, free_port, govscan

GOOD_SITE = """
sites:
  jinping:
    name: 汕头市金平区人民政府
    url: http://www.gdjinping.gov.cn/
    level: district
    recipients: [office@example.org]
"""


@pytest.mark.parametrize("body,message", [
    (GOOD_SITE.replace("    url: http://www.gdjinping.gov.cn/\n", ""), "targets.yaml: site 'jinping': url is missing"),
    (GOOD_SITE.replace("level: district", "level: district\n    colour: red"), "site 'jinping': unknown key 'colour'"),
    (GOOD_SITE.replace("office@example.org", "not-an-address"), "site 'jinping': recipients: 'not-an-address' is not an e-mail address"),
    (GOOD_SITE.replace("level: district", "level: county"), "site 'jinping': level:"),
    (GOOD_SITE.replace("level: district", "level: district\n    parent: nowhere"), "parent 'nowhere' is not a site id"),
    (GOOD_SITE.replace("http://www", "ftp://www"), "url: must start with http"),
    ("sites: [", "targets.yaml: line"),
    ("site: {}", "a top-level 'sites:' mapping is missing"),
])
def test_config_errors_exit_2_with_one_line_naming_the_field(tmp_path, body, message):
    targets = tmp_path / "targets.yaml"
    targets.write_text(body, encoding="utf-8")
    result = govscan("assess", "jinping", "--targets", targets, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_usage_errors(tmp_path):
    assert govscan("assess", "nosuchsite").returncode == 2
    assert "no site 'nosuchsite'" in govscan("assess", "nosuchsite").stderr
    assert govscan("assess").returncode == 2
    assert govscan("assess", "demo", "--url", "http://127.0.0.1/").returncode == 2
    bad_ns = govscan("assess", "--url", "http://127.0.0.1/", "--nameserver", "dns.example:53")
    assert bad_ns.returncode == 2 and "--nameserver" in bad_ns.stderr


def test_project_targets_file_is_valid():
    result = govscan("validate")
    assert result.returncode == 0, result.stderr
    assert "5 sites OK" in result.stdout


def test_unreachable_site_still_gets_a_result_and_scorecard(tmp_path):
    port = free_port()  # nothing listens here
    out = tmp_path / "out"
    result = govscan("assess", "--url", f"http://127.0.0.1:{port}/", "--out", out, "--no-render")
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    statuses = {f["check"]: f["status"] for f in data["findings"]}
    assert statuses["site.reachable"] == "fail"
    # everything else, the 7-day availability included (no probes recorded), could not be examined
    assert {s for c, s in statuses.items() if c != "site.reachable"} == {"unverifiable"}
    assert "无法访问" in (out / "scorecard.html").read_text(encoding="utf-8")


def test_small_local_site(static_site, tmp_path):
    root, url = static_site
    (root / "index.html").write_text(
        "<html><head><meta charset='utf-8'><title>某镇人民政府</title></head><body>"
        "<a href='/xxgk/index.html'>政府信息公开</a><a href='/missing.html'>已删除</a>"
        "<p>网站标识码：4405110001</p></body></html>", encoding="utf-8")
    (root / "xxgk").mkdir()
    (root / "xxgk" / "index.html").write_text("<html><body><a href='/'>首页</a></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    result = govscan("assess", "--url", url, "--name", "某镇人民政府", "--out", out, "--no-render")
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert data["site"]["name"] == "某镇人民政府" and data["crawl"]["pages"] == 3
    statuses = {f["check"]: f["status"] for f in data["findings"]}
    assert statuses["disclosure.platform"] == "pass"
    broken = next(f for f in data["findings"] if f["check"] == "site.broken_links")
    assert [e["url"] for e in broken["evidence"]] == [url + "missing.html"]
    for name in ("scorecard.html", "snapshot.sqlite", "rectification.csv", "rectification.xlsx"):
        assert (out / name).stat().st_size > 0


def test_ctrl_c_leaves_no_result(hanging_server, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_text("{}", encoding="utf-8")  # an older run's result must not survive either
    process = subprocess.Popen([sys.executable, "-m", "govscan", "assess", "--url", hanging_server, "--out", str(out),
                                "--no-render"], cwd=ROOT, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (out / "crawl.log").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # the crawler is now waiting on the hanging server
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert not (out / "result.json").exists()
    assert not list(out.glob(".result.json.*"))


def test_robots_txt_is_honoured_and_not_counted_as_broken(static_site, tmp_path):
    root, url = static_site
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /internal/\n", encoding="utf-8")
    (root / "index.html").write_text("<html><head><meta charset='utf-8'><title>首页</title></head><body>"
                                     "<a href='/internal/a.html'>内部文件</a></body></html>", encoding="utf-8")
    (root / "internal").mkdir()
    (root / "internal" / "a.html").write_text("<html><title>内部</title></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert govscan("assess", "--url", url, "--out", out, "--no-render").returncode == 0
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    broken = next(f for f in data["findings"] if f["check"] == "site.broken_links")
    assert broken["status"] == "pass"
    assert broken["details"]["unverified"] == [{"url": url + "internal/a.html", "reason": "网站robots协议禁止抓取"}]
    assert data["crawl"]["pages"] == 1
