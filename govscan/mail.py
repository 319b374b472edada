"""E-mail: scorecards to the offices, a digest to the supervisor.

SMTP settings come only from the environment (never from targets.yaml, which is shared and
versioned): GOVSCAN_SMTP_HOST (mail is on when set), GOVSCAN_SMTP_PORT, GOVSCAN_SMTP_SECURITY
(none / starttls / ssl), GOVSCAN_SMTP_USER, GOVSCAN_SMTP_PASSWORD, GOVSCAN_MAIL_FROM, and
GOVSCAN_MAIL_SUPERVISOR (comma-separated digest recipients). TLS certificates are verified
against the system store (SSL_CERT_FILE points elsewhere).
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from checks.model import BEIJING
from govscan.config import EMAIL_PATTERN, ConfigError
from reports.render import environment, local_time
from reports.review import counted_status

SECURITY_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password: str | None = None
    supervisor: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delivery:
    status: str  # sent / failed
    attempts: int
    error: str | None = None


def check_addresses(field_name: str, addresses: list[str]) -> list[str]:
    for address in addresses:
        if not re.match(EMAIL_PATTERN, address):
            raise ConfigError(f"{field_name}: '{address}' is not an e-mail address")
    return addresses


def smtp_settings(environ) -> SmtpSettings | None:
    """The SMTP settings, None when mail is off; ConfigError names the variable at fault."""
    host = environ.get("GOVSCAN_SMTP_HOST", "").strip()
    if not host:
        return None
    security = environ.get("GOVSCAN_SMTP_SECURITY", "starttls").strip().lower()
    if security not in SECURITY_PORTS:
        raise ConfigError(f"GOVSCAN_SMTP_SECURITY: '{security}' is not one of none, starttls, ssl")
    port_text = environ.get("GOVSCAN_SMTP_PORT", "").strip() or str(SECURITY_PORTS[security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"GOVSCAN_SMTP_PORT: '{port_text}' is not a port number")
    sender = environ.get("GOVSCAN_MAIL_FROM", "").strip()
    if not sender:
        raise ConfigError("GOVSCAN_MAIL_FROM is missing (needed when GOVSCAN_SMTP_HOST is set)")
    check_addresses("GOVSCAN_MAIL_FROM", [sender])
    user = environ.get("GOVSCAN_SMTP_USER") or None
    password = environ.get("GOVSCAN_SMTP_PASSWORD") or None
    if user and not password:
        raise ConfigError("GOVSCAN_SMTP_PASSWORD is missing (GOVSCAN_SMTP_USER is set)")
    if password and not password.isascii():  # smtplib's AUTH cannot encode anything else
        raise ConfigError("GOVSCAN_SMTP_PASSWORD: only ASCII characters can be used")
    if user and security == "none":
        raise ConfigError("GOVSCAN_SMTP_SECURITY: 'none' would send the password in clear; use starttls or ssl")
    supervisor = [a.strip() for a in environ.get("GOVSCAN_MAIL_SUPERVISOR", "").split(",") if a.strip()]
    check_addresses("GOVSCAN_MAIL_SUPERVISOR", supervisor)
    return SmtpSettings(host, int(port_text), security, sender, user, password, tuple(supervisor))


def compose(settings: SmtpSettings, recipients: list[str], subject: str, html: str, text: str,
            attachments: list[tuple[str, Path, str]] = ()) -> EmailMessage:
    """attachments: (file name shown to the reader, path, MIME type)."""
    message = EmailMessage()
    message["From"] = formataddr(("政务公开评估", settings.sender))
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.sender.split("@")[-1])
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for name, path, mime in attachments:
        maintype, subtype = mime.split("/")
        if maintype == "text":  # declared charset, so clients show Chinese text right
            message.add_attachment(Path(path).read_text(encoding="utf-8"), subtype=subtype, filename=name)
        else:
            message.add_attachment(Path(path).read_bytes(), maintype=maintype, subtype=subtype, filename=name)
    return message


def transient(error: Exception) -> bool:
    """Worth retrying: connection trouble and 4xx replies; a 5xx reply will not change."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = min(code for code, _ in error.recipients.values())
    return code is None or 400 <= code < 500


def send(settings: SmtpSettings, message: EmailMessage, attempts: int = 4, backoff_s: float = 30.0,
         timeout_s: float = 60.0) -> Delivery:
    """Send with retries (backoff_s, then doubling); never raises for a delivery problem."""
    context = ssl.create_default_context()
    error = None
    for attempt in range(1, attempts + 1):
        try:
            if settings.security == "ssl":
                client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout_s, context=context)
            else:
                client = smtplib.SMTP(settings.host, settings.port, timeout=timeout_s)
            with client:
                if settings.security == "starttls":
                    client.starttls(context=context)
                if settings.user:
                    client.login(settings.user, settings.password)
                client.send_message(message)
            return Delivery("sent", attempt)
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if not transient(exc):
                return Delivery("failed", attempt, error)
        if attempt < attempts:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return Delivery("failed", attempts, error)


def _render(template: str, **context) -> tuple[str, str]:
    html = environment().get_template(f"{template}.html.j2").render(**context)
    plain = environment()
    plain.autoescape = False  # the text part is not HTML: no entities in it
    return html, plain.get_template(f"{template}.txt.j2").render(**context)


def scorecard_message(settings: SmtpSettings, recipients: list[str], result: dict, run_dir: Path,
                      changes) -> EmailMessage:
    """One office's message: score, grade, vetoes, what changed; scorecard and 整改清单 attached."""
    site, score = result["site"], result["score"]
    day = local_time(result["run"]["started_at"])[:10]
    total = "—" if score["total"] is None else f"{score['total']:.1f} 分"
    subject = f"【政务公开评估】{site['name']} {day}：{total}，{score['grade']}"
    reviewed = [(f, f.get("review") or {}) for f in result["findings"]]
    html, text = _render("mail", kind="site", r=result, changes=changes, day=day,
                         actions=[f for f in result["findings"] if counted_status(f) in ("fail", "warn")],
                         excepted=[f for f, review in reviewed if review.get("effect") == "excepted"],
                         lapsed=[f for f, review in reviewed if review.get("expired")])
    run_dir = Path(run_dir)
    attachments = [(f"评估报告-{site['id']}-{day}.html", run_dir / "scorecard.html", "text/html"),
                   (f"整改清单-{site['id']}-{day}.xlsx", run_dir / "rectification.xlsx", XLSX)]
    return compose(settings, recipients, subject, html, text, [a for a in attachments if a[1].exists()])


def digest_message(settings: SmtpSettings, night: str, rows: list[dict]) -> EmailMessage:
    """rows: {site, outcome, error, total, grade, vetoes, changes, mail} per site, for the supervisor."""
    failed = sum(1 for row in rows if row["outcome"] != "ok")
    subject = f"【政务公开评估】{night} 夜间评估汇总：{len(rows)} 个站点" + (f"，{failed} 个未完成" if failed else "")
    html, text = _render("mail", kind="digest", rows=rows, night=night, failed=failed,
                         generated=datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M"))
    return compose(settings, list(settings.supervisor), subject, html, text)


def resend(run_dir: Path, targets_file: Path, var: Path, recipients_text: str | None) -> Delivery:
    """`govscan mail RUN_DIR`: one run's scorecard to its office (or to --to), recorded in history."""
    from govscan.config import load_targets
    from govscan.history import Changes, History

    result_file = Path(run_dir) / "result.json"
    if not result_file.exists():
        raise ConfigError(f"{run_dir}: no result.json (not a completed run)")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    settings = smtp_settings(os.environ)
    if settings is None:
        raise ConfigError("GOVSCAN_SMTP_HOST is not set: mail is off")
    if recipients_text:
        recipients = check_addresses("--to", [a.strip() for a in recipients_text.split(",") if a.strip()])
    else:
        sites = load_targets(targets_file)
        site_id = result["site"]["id"]
        if site_id not in sites or not sites[site_id].recipients:
            raise ConfigError(f"{Path(targets_file).name}: site '{site_id}': recipients is missing (or give --to)")
        recipients = sites[site_id].recipients
    history = History.open(var)
    try:
        run_id = result["run"]["id"]
        changes = history.changes(run_id) if history.run(run_id) else Changes()
        delivery = send(settings, scorecard_message(settings, recipients, result, run_dir, changes))
        history.record_delivery(f"office:{run_id}", run_id, recipients, delivery.status, delivery.attempts,
                                delivery.error)
    finally:
        history.close()
    return delivery
