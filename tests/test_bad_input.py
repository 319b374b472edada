"""Bad input is refused before anything is crawled or recorded: exit 2, one line on stderr naming the
file, option or field, no traceback, history untouched (issue 14, faults 2-6)."""

from __future__ import annotations

import pytest

from govscan.config import Site, adhoc_id
from govscan.history import History
from tests.conftest import govscan

SITE = "sites:\n  shantou:\n    name: 汕头市人民政府\n    url: http://www.shantou.gov.cn/\n"


def refused(result, *words) -> None:
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def no_runs(var) -> bool:
    if not (var / "govscan.db").exists():
        return not (var / "runs").exists()
    history = History.open(var)
    try:
        return history.runs() == [] and not (var / "runs").exists()
    finally:
        history.close()


def test_a_targets_file_in_gbk_is_named_with_its_encoding_problem(tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_bytes(SITE.encode("gbk"))
    refused(govscan("validate", "--targets", targets), str(targets), "not UTF-8")
    refused(govscan("assess", "shantou", "--targets", targets, "--var", tmp_path / "var"), "not UTF-8")
    refused(govscan("nightly", "--targets", targets, "--var", tmp_path / "var"), "not UTF-8")
    assert no_runs(tmp_path / "var")


@pytest.mark.parametrize("url,problem", [
    ("http://www.aa gov.cn/ x", "space"),
    ("http://", "no host name"),
    ("http://www.aa.gov.cn:99999/", "not a valid URL"),
    ("http://[::1/", "not a valid URL"),
])
def test_a_malformed_url_is_refused_and_nothing_is_recorded(tmp_path, url, problem):
    var = tmp_path / "var"
    history = History.open(var)  # a site assessed before, under the id the bad URL would slug to
    history.start_run(Site(id="www-aa-gov-cn", name="某区", url="http://www.aa.gov.cn/"), "r1", var / "runs" / "r1")
    history.close()
    refused(govscan("assess", "--url", url, "--var", var, "--no-render"), "--url", problem)
    history = History.open(var)
    try:
        assert [run.id for run in history.runs()] == ["r1"]
        with history.engine.connect() as db:
            assert db.exec_driver_sql("SELECT url FROM sites").scalars().all() == ["http://www.aa.gov.cn/"]
    finally:
        history.close()
    body = SITE.replace("http://www.shantou.gov.cn/", url)
    (tmp_path / "targets.yaml").write_text(body, encoding="utf-8")
    refused(govscan("validate", "--targets", tmp_path / "targets.yaml"), "site 'shantou': url:", problem)


def test_ad_hoc_ids_are_safe_ascii():
    assert adhoc_id("www.aa.gov.cn") == "www-aa-gov-cn"
    assert adhoc_id("金平.政务").startswith("xn--") and adhoc_id("...") == "site"


@pytest.mark.parametrize("where", ["file", "under-file", "read-only"])
def test_an_unusable_out_is_refused_before_anything_is_recorded(tmp_path, where):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me", encoding="utf-8")
    out = {"file": a_file, "under-file": a_file / "run", "read-only": "/sys/govscan-out"}[where]
    var = tmp_path / "var"
    refused(govscan("assess", "--url", "http://127.0.0.1:9/", "--out", out, "--var", var, "--no-render"), "--out")
    assert a_file.read_text(encoding="utf-8") == "keep me"
    assert no_runs(var)


def test_a_nameserver_that_is_not_an_ip_is_refused_by_validation(tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text(SITE + "    nameserver: not-an-ip\n", encoding="utf-8")
    refused(govscan("validate", "--targets", targets), "site 'shantou': nameserver: 'not-an-ip'")
    targets.write_text(SITE + "    nameserver: '[::1]:5353'\n", encoding="utf-8")
    assert govscan("validate", "--targets", targets).returncode == 0


@pytest.mark.parametrize("site_id", ["../../etc", ".hidden", "a/b", "x" * 65])
def test_site_ids_cannot_name_a_path_outside_the_runs_folder(tmp_path, site_id):
    targets = tmp_path / "targets.yaml"
    targets.write_text(SITE.replace("shantou:", f"'{site_id}':"), encoding="utf-8")
    refused(govscan("validate", "--targets", targets), f"site '{site_id}'", "letters, digits")
    refused(govscan("assess", site_id, "--targets", targets, "--var", tmp_path / "var"), "letters, digits")
    assert no_runs(tmp_path / "var") and not (tmp_path / "etc").exists()
