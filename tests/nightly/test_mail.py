"""Mail through a real SMTP server (aiosmtpd) on loopback: what arrives, over each kind of connection."""

from __future__ import annotations

import json
import os
import time

import pytest

from govscan.config import ConfigError
from govscan.history import Changes
from govscan.mail import digest_message, scorecard_message, send, smtp_settings
from tests.conftest import free_port

RESULT = {
    "site": {"id": "jinping", "name": "汕头市金平区人民政府", "url": "http://www.gdjinping.gov.cn/", "level": "district"},
    "run": {"id": "20261125T180000Z-abcdef", "started_at": "2026-11-25T18:00:00+00:00", "profile": "default"},
    "crawl": {"pages": 3},
    "score": {"total": 55.0, "grade": "不合格", "modules": [],
              "vetoes": [{"id": "V-HOME", "title": "首页长期未更新", "check": "site.home_updated"}]},
    "findings": [
        {"check": "disclosure.guide", "status": "fail", "title": "政府信息公开指南", "message": "指南缺少<申请渠道>"},
        {"check": "site.identity", "status": "pass", "title": "网站标识", "message": "齐全"},
    ],
}
CHANGES = Changes(previous_run="r0", previous_total=60.0, total_delta=-5.0,
                  new_failures=[{"check": "disclosure.guide", "title": "政府信息公开指南", "status": "fail",
                                 "message": "指南缺少<申请渠道>", "before": "pass"}],
                  fixed=[{"check": "site.https", "title": "HTTPS 访问", "status": "pass", "message": "", "before": "fail"}])


def run_dir(tmp_path):
    (tmp_path / "scorecard.html").write_text("<html><body>评估报告</body></html>", encoding="utf-8")
    (tmp_path / "rectification.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "result.json").write_text(json.dumps(RESULT, ensure_ascii=False), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("smtp_server", ["none", "starttls", "ssl"], indirect=True)
def test_scorecard_arrives_intact(smtp_server, tmp_path, monkeypatch):
    mailbox, env = smtp_server
    monkeypatch.setenv("SSL_CERT_FILE", env["SSL_CERT_FILE"])
    settings = smtp_settings(env)
    recipients = ["zwgk@jinping.example.org", "duty@jinping.example.org"]
    delivery = send(settings, scorecard_message(settings, recipients, RESULT, run_dir(tmp_path), CHANGES), attempts=1)
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 1, None)
    [(envelope_to, message)] = mailbox.messages
    assert envelope_to == recipients
    assert message["Subject"] == "【政务公开评估】汕头市金平区人民政府 2026-11-26：55.0 分，不合格"
    html = message.get_body(("html",)).get_content()
    plain = message.get_body(("plain",)).get_content()
    for part in (html, plain):
        assert "55.0" in part and "不合格" in part and "首页长期未更新" in part and "-5.0" in part
        assert "政府信息公开指南" in part and "HTTPS 访问" in part
    assert "指南缺少&lt;申请渠道&gt;" in html and "指南缺少<申请渠道>" in plain  # escaped only in HTML
    assert "<img" not in html and "<script" not in html and 'style="' in html
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(attachments) == {"评估报告-jinping-2026-11-26.html", "整改清单-jinping-2026-11-26.xlsx"}
    assert "评估报告" in attachments["评估报告-jinping-2026-11-26.html"]
    assert attachments["整改清单-jinping-2026-11-26.xlsx"] == (tmp_path / "rectification.xlsx").read_bytes()


def test_first_run_and_digest(smtp_server, tmp_path):
    mailbox, env = smtp_server
    settings = smtp_settings(dict(env, GOVSCAN_MAIL_SUPERVISOR="chief@gov.example.org, deputy@gov.example.org"))
    send(settings, scorecard_message(settings, ["a@example.org"], RESULT, run_dir(tmp_path), Changes()))
    rows = [{"site": "汕头市金平区人民政府", "outcome": "ok", "outcome_label": "完成", "error": None, "total": 81.5,
             "grade": "良好", "vetoes": 0, "changes": "新增问题 1 项，已整改 2 项"},
            {"site": "失联站点", "outcome": "unreachable", "outcome_label": "无法访问", "error": "dns: NXDOMAIN",
             "total": None, "grade": None, "vetoes": 0, "changes": ""}]
    send(settings, digest_message(settings, "2026-11-26", rows))
    (_, office), (digest_to, digest) = mailbox.messages
    assert "首次评估" in office.get_body(("plain",)).get_content()
    assert digest_to == ["chief@gov.example.org", "deputy@gov.example.org"]
    assert digest["Subject"] == "【政务公开评估】2026-11-26 夜间评估汇总：2 个站点，1 个未完成"
    for part in (digest.get_body(("html",)).get_content(), digest.get_body(("plain",)).get_content()):
        assert "81.5" in part and "良好" in part and "失联站点" in part and "dns: NXDOMAIN" in part


def test_a_failed_send_is_retried_with_backoff(tmp_path):
    settings = smtp_settings({"GOVSCAN_SMTP_HOST": "127.0.0.1", "GOVSCAN_SMTP_PORT": str(free_port()),
                              "GOVSCAN_SMTP_SECURITY": "none", "GOVSCAN_MAIL_FROM": "govscan@example.org"})
    message = scorecard_message(settings, ["a@example.org"], RESULT, run_dir(tmp_path), Changes())
    started = time.monotonic()
    delivery = send(settings, message, attempts=3, backoff_s=0.2)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "ConnectionRefused" in delivery.error
    assert time.monotonic() - started >= 0.2 + 0.4  # waited, doubling


@pytest.mark.parametrize("env,field", [
    ({"GOVSCAN_SMTP_HOST": "smtp.example.org"}, "GOVSCAN_MAIL_FROM is missing"),
    ({"GOVSCAN_SMTP_HOST": "smtp.example.org", "GOVSCAN_MAIL_FROM": "not-an-address"}, "GOVSCAN_MAIL_FROM: 'not-an"),
    ({"GOVSCAN_SMTP_HOST": "h", "GOVSCAN_MAIL_FROM": "a@b.org", "GOVSCAN_SMTP_SECURITY": "tls"}, "GOVSCAN_SMTP_SECURITY"),
    ({"GOVSCAN_SMTP_HOST": "h", "GOVSCAN_MAIL_FROM": "a@b.org", "GOVSCAN_SMTP_PORT": "smtp"}, "GOVSCAN_SMTP_PORT"),
    ({"GOVSCAN_SMTP_HOST": "h", "GOVSCAN_MAIL_FROM": "a@b.org", "GOVSCAN_SMTP_USER": "u"}, "GOVSCAN_SMTP_PASSWORD is missing"),
    ({"GOVSCAN_SMTP_HOST": "h", "GOVSCAN_MAIL_FROM": "a@b.org", "GOVSCAN_SMTP_SECURITY": "none",
      "GOVSCAN_SMTP_USER": "u", "GOVSCAN_SMTP_PASSWORD": "p"}, "in clear"),
    ({"GOVSCAN_SMTP_HOST": "h", "GOVSCAN_MAIL_FROM": "a@b.org", "GOVSCAN_MAIL_SUPERVISOR": "boss"}, "GOVSCAN_MAIL_SUPERVISOR"),
])
def test_smtp_settings_errors_name_the_variable(env, field):
    with pytest.raises(ConfigError, match=field):
        smtp_settings(env)


def test_mail_is_off_without_a_host_and_ports_follow_security():
    assert smtp_settings({}) is None
    assert smtp_settings({"GOVSCAN_SMTP_HOST": "h", "GOVSCAN_MAIL_FROM": "a@b.org"}).port == 587
    assert smtp_settings({"GOVSCAN_SMTP_HOST": "h", "GOVSCAN_MAIL_FROM": "a@b.org",
                          "GOVSCAN_SMTP_SECURITY": "ssl"}).port == 465


def test_mail_command_resends_one_run(smtp_server, tmp_path):
    from govscan.history import History
    from tests.conftest import govscan

    mailbox, smtp_env = smtp_server
    env = dict(os.environ, **smtp_env)
    targets = tmp_path / "targets.yaml"
    targets.write_text("sites:\n  jinping:\n    name: 汕头市金平区人民政府\n    url: http://www.gdjinping.gov.cn/\n"
                       "    recipients: [zwgk@jinping.example.org]\n", encoding="utf-8")
    (tmp_path / "run").mkdir()
    folder = run_dir(tmp_path / "run")
    var = tmp_path / "var"
    sent = govscan("mail", folder, "--targets", targets, "--var", var, env=env)
    assert sent.returncode == 0, sent.stderr
    again = govscan("mail", folder, "--targets", targets, "--var", var, "--to", "clerk@example.org", env=env)
    assert again.returncode == 0, again.stderr
    assert [to for to, _ in mailbox.messages] == [["zwgk@jinping.example.org"], ["clerk@example.org"]]
    history = History.open(var)
    assert [d.status for d in history.deliveries(f"office:{RESULT['run']['id']}")] == ["sent", "sent"]
    history.close()
    off = govscan("mail", folder, "--targets", targets, "--var", var, env={k: v for k, v in env.items()
                                                                           if k != "GOVSCAN_SMTP_HOST"})
    assert off.returncode == 2 and "GOVSCAN_SMTP_HOST is not set" in off.stderr


@pytest.mark.parametrize("smtp_server", ["starttls"], indirect=True)
def test_a_refused_login_is_not_retried(smtp_server, tmp_path, monkeypatch):
    mailbox, env = smtp_server
    monkeypatch.setenv("SSL_CERT_FILE", env["SSL_CERT_FILE"])
    settings = smtp_settings(dict(env, GOVSCAN_SMTP_PASSWORD="wrong"))
    message = scorecard_message(settings, ["a@example.org"], RESULT, run_dir(tmp_path), Changes())
    delivery = send(settings, message, attempts=3, backoff_s=5, timeout_s=10)  # a retry: attempts > 1
    assert (delivery.status, delivery.attempts) == ("failed", 1) and "535" in delivery.error
    assert mailbox.messages == []
