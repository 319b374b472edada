"""Nightly faults (issue 14): a digest that alone fails to send, a second nightly on the same history
database, a nightly or an assessment killed outright, a history database locked by another process."""

from __future__ import annotations

from govscan.history import History
from tests.conftest import govscan
from tests.nightly.test_nightly import env_with, local_site, office_mail, write_targets  # noqa: F401 (fixture)


def test_a_digest_that_alone_fails_fails_the_night_and_can_be_sent_again(local_site, smtp_server, tmp_path):
    mailbox, smtp_env = smtp_server
    mailbox.refused.add("chief@example.org")
    var = tmp_path / "var"
    targets = write_targets(tmp_path, {"street": {"name": "某某街道办事处", "url": local_site,
                                                  "recipients": ["street@example.org"]}})
    env = env_with(smtp_env, GOVSCAN_MAIL_SUPERVISOR="chief@example.org")
    args = ["nightly", "--targets", targets, "--var", var, "--no-render"]
    night = govscan(*args, env=env, timeout=300)
    assert night.returncode == 1, night.stderr
    assert "1 sites, 1 completed, 0 failed; mail: 1 sent, 1 failed (digest: failed)" in night.stdout
    assert set(office_mail(mailbox)) == {("street@example.org",)}

    history = History.open(var)
    [run] = history.runs()
    history.close()
    mailbox.refused.clear()
    again = govscan("mail", "--digest", run.night, "--targets", targets, "--var", var, env=env)
    assert again.returncode == 0 and "mail sent" in again.stdout, again.stderr
    [digest] = office_mail(mailbox)[("chief@example.org",)]
    assert run.night in digest["Subject"] and "某某街道办事处" in digest.get_body(("plain",)).get_content()

    settled = govscan(*args, env=env, timeout=120)  # the same night: nothing assessed or mailed again
    assert settled.returncode == 0 and "(digest: sent)" in settled.stdout, settled.stderr
    assert len(mailbox.messages) == 2
    nothing = govscan("mail", "--digest", "2020-01-01", "--targets", targets, "--var", var, env=env)
    assert nothing.returncode == 2 and "no nightly runs" in nothing.stderr
