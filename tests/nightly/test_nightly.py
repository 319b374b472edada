"""`govscan nightly` end to end over sites served on loopback: one completes, one is down (DNS), one hangs;
mail goes to a real SMTP server; a nightly killed midway is completed by the next start."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import yaml

import demo
from govscan.history import History
from govscan.nightly import NightLock
from tests.conftest import ROOT, govscan

HANG_BUDGET = {"max_duration_s": 10, "timeout_s": 60, "robots": False}
GRACE = "3"  # the hung crawl is stopped at 10 + 3 s


@pytest.fixture(scope="module")
def portal():
    with demo.running() as running:
        yield running


@pytest.fixture
def local_site(static_site):
    root, url = static_site
    (root / "index.html").write_text(
        "<html><head><meta charset='utf-8'><title>某某街道办事处</title></head><body>"
        "<a href='news.html'>新闻动态</a><a href='gk.html'>政府信息公开</a></body></html>", encoding="utf-8")
    for page in ("news.html", "gk.html"):
        (root / page).write_text(f"<html><head><meta charset='utf-8'><title>{page}</title></head>"
                                 "<body>2026-11-20 通知</body></html>", encoding="utf-8")
    return url


def write_targets(tmp_path, sites: dict) -> str:
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True), encoding="utf-8")
    return path


def env_with(smtp_env: dict, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSCAN_")}
    return dict(env, **smtp_env, **extra)


def office_mail(mailbox) -> dict[str, list]:
    by_site = {}
    for envelope_to, message in mailbox.messages:
        by_site.setdefault(tuple(envelope_to), []).append(message)
    return by_site


def test_one_bad_site_never_spoils_the_night(portal, local_site, hanging_server, smtp_server, tmp_path):
    mailbox, smtp_env = smtp_server
    var = tmp_path / "var"
    targets = write_targets(tmp_path, {
        "portal": {"name": demo.SITE_NAME, "url": portal.url, "nameserver": portal.nameserver,
                   "recipients": ["portal-office@example.org"], "crawl": {"max_pages": 25}},
        "street": {"name": "某某街道办事处", "url": local_site, "level": "street",
                   "recipients": ["street@example.org", "street-head@example.org"]},
        "gone": {"name": "已下线站点", "url": f"http://gone.jinping.demo.test:{portal.port}/", "nameserver": portal.nameserver,
                 "recipients": ["gone@example.org"]},
        "stuck": {"name": "卡死站点", "url": hanging_server, "recipients": ["stuck@example.org"], "crawl": HANG_BUDGET},
    })
    env = env_with(smtp_env, GOVSCAN_MAIL_SUPERVISOR="chief@example.org")
    args = ["nightly", "--targets", targets, "--var", var, "--no-render", "--jobs", "2", "--crawl-grace", GRACE]
    started = time.monotonic()
    night = govscan(*args, env=env, timeout=300)
    assert night.returncode == 1, night.stderr  # some sites failed
    assert time.monotonic() - started < 120

    summary = {line.split()[0]: line.split()[1] for line in night.stdout.splitlines() if line[:1].isalpha()
               and len(line.split()) > 2 and line.split()[0] in ("portal", "street", "gone", "stuck")}
    assert summary == {"portal": "ok", "street": "ok", "gone": "unreachable", "stuck": "timeout"}
    assert "4 sites, 2 completed, 2 failed" in night.stdout
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* INFO portal: ok", night.stderr, re.M)  # plain log lines

    history = History.open(var)
    runs = {run.site_id: run for run in history.runs()}
    assert {site: run.outcome for site, run in runs.items()} == summary
    assert "dns" in runs["gone"].error.lower() and "time limit" in runs["stuck"].error
    assert runs["portal"].total is not None and runs["portal"].grade and len(history.findings(runs["portal"].id)) > 5
    for run in runs.values():
        assert (var / "runs" / run.site_id / run.id).is_dir() and run.path == str(var / "runs" / run.site_id / run.id)
    portal_result = json.loads((var / "runs" / "portal" / runs["portal"].id / "result.json").read_text(encoding="utf-8"))
    assert portal_result["history"]["previous"] is None  # recorded once, by the pipeline, before rendering
    assert [point["run"] for point in portal_result["history"]["trend"]] == [runs["portal"].id]
    index = (var / "index.html").read_text(encoding="utf-8")  # the overview of the night
    for name in (demo.SITE_NAME, "某某街道办事处", "已下线站点", "卡死站点", "无法访问"):
        assert name in index

    mail = office_mail(mailbox)
    assert set(mail) == {("portal-office@example.org",), ("street@example.org", "street-head@example.org"),
                         ("chief@example.org",)}
    [portal_mail] = mail[("portal-office@example.org",)]
    assert demo.SITE_NAME in portal_mail["Subject"] and runs["portal"].grade in portal_mail["Subject"]
    assert sorted(p.get_filename().split("-")[0] for p in portal_mail.iter_attachments()) == ["整改清单", "评估报告"]
    assert "首次评估" in portal_mail.get_body(("plain",)).get_content()
    [digest] = mail[("chief@example.org",)]
    digest_text = digest.get_body(("plain",)).get_content()
    for name in (demo.SITE_NAME, "某某街道办事处", "已下线站点", "卡死站点", "无法访问", "超时"):
        assert name in digest_text
    assert all(d.status == "sent" for d in history.deliveries())

    log_files = list((var / "log").glob("nightly-*.log"))
    assert len(log_files) == 1 and "stuck: timeout" in log_files[0].read_text(encoding="utf-8")

    again = govscan(*args, env=env, timeout=60)  # the same night again: nothing is run or sent twice
    assert again.returncode == 1 and "already done tonight" in again.stderr
    assert len(history.runs()) == 4 and len(mailbox.messages) == 3
    history.close()


def test_a_killed_nightly_is_completed_by_the_next_start(local_site, hanging_server, smtp_server, tmp_path):
    mailbox, smtp_env = smtp_server
    var = tmp_path / "var"
    targets = write_targets(tmp_path, {
        "street": {"name": "某某街道办事处", "url": local_site, "recipients": ["street@example.org"]},
        "stuck": {"name": "卡死站点", "url": hanging_server, "recipients": ["stuck@example.org"], "crawl": HANG_BUDGET},
    })
    env = env_with(smtp_env, GOVSCAN_MAIL_SUPERVISOR="chief@example.org")
    args = [sys.executable, "-m", "govscan", "nightly", "--targets", str(targets), "--var", str(var), "--no-render",
            "--jobs", "1", "--crawl-grace", GRACE]
    process = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill it while the second site is being crawled
        if len(mailbox.messages) == 1 and (var / "runs" / "stuck").exists():
            break
        time.sleep(0.2)
    else:
        pytest.fail("the first site was never mailed")
    os.killpg(process.pid, signal.SIGKILL)  # as a crash or `systemctl kill` would: crawler included
    process.wait()

    finished = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 1, finished.stderr  # stuck timed out: a failed site
    history = History.open(var)
    runs = history.runs()
    assert [(r.site_id, r.outcome) for r in runs] == [("street", "ok"), ("stuck", "interrupted"), ("stuck", "timeout")]
    interrupted = runs[1]
    assert not (var / "runs" / "stuck" / interrupted.id / "result.json").exists()  # never looks complete
    assert [tuple(to) for to, _ in mailbox.messages] == [("street@example.org",), ("chief@example.org",)]
    history.close()


def test_two_nightly_runs_never_overlap(tmp_path, local_site):
    targets = write_targets(tmp_path, {"street": {"name": "某某街道办事处", "url": local_site}})
    with NightLock(tmp_path / "var"):
        busy = govscan("nightly", "--targets", targets, "--var", tmp_path / "var", "--no-render",
                       env=env_with({}))
    assert busy.returncode == 75 and "another nightly run holds" in busy.stderr
    assert not (tmp_path / "var" / "runs").exists()


GOOD = {"a": {"name": "甲", "url": "http://a.example/", "recipients": ["a@example.org"]}}


@pytest.mark.parametrize("targets_text,args,env,message", [
    ("sites:\n  a: {name: 甲, url: 'http://a.example/'}\n  a: {name: 乙, url: 'http://b.example/'}\n", [], {},
     "line 3: not valid YAML (duplicate key 'a')"),
    (yaml.safe_dump({"sites": {"a": dict(GOOD["a"], recipients=["office-at-example.org"])}}), [], {},
     "site 'a': recipients: 'office-at-example.org' is not an e-mail address"),
    (yaml.safe_dump({"sites": GOOD}), ["--sites", "a,b"], {}, "--sites: no site 'b'"),
    (yaml.safe_dump({"sites": GOOD}), [], {"GOVSCAN_SMTP_HOST": "127.0.0.1"}, "GOVSCAN_MAIL_FROM is missing"),
    (yaml.safe_dump({"sites": GOOD}), [], {"GOVSCAN_SMTP_HOST": "127.0.0.1", "GOVSCAN_MAIL_FROM": "a@b.org",
                                           "GOVSCAN_MAIL_SUPERVISOR": "chief"}, "GOVSCAN_MAIL_SUPERVISOR: 'chief'"),
])
def test_config_errors_stop_the_night_before_any_crawl(tmp_path, targets_text, args, env, message):
    targets = tmp_path / "targets.yaml"
    targets.write_text(targets_text, encoding="utf-8")
    result = govscan("nightly", "--targets", targets, "--var", tmp_path / "var", *args, env=env_with(env))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "var").exists()
