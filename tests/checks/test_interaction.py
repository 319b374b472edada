"""V-INTER on saved pages: channel found by name, message table parsed, 3-month replies."""

from datetime import date

import pytest

from checks.rules.interaction import channel
from checks.model import Context, Status, Unverifiable
from reports.scoring import load_profile
from tests.snapshots import make_snapshot, page_html

CTX = Context("t", "测试", "http://a.test/", "district", date(2026, 11, 25), thresholds=load_profile("default").thresholds)
HOME = page_html("<a href='/hdjl/index.html'>区长信箱</a><a href='/xf/'>网上信访</a>")


def mailbox(*rows):
    body = "".join(f"<tr><td>{s}</td><td>{a}</td><td>{r or '—'}</td><td>{'已答复' if r else '办理中'}</td></tr>" for s, a, r in rows)
    return page_html("<table><tr><th>留言 主题</th><th>留言时间</th><th>答复时间</th><th>状态</th></tr>" + body + "</table>")


def run(tmp_path, inbox, **kw):
    pages = {"http://a.test/": HOME}
    if inbox is not None:
        pages["http://a.test/hdjl/index.html"] = inbox
    return channel(make_snapshot(tmp_path / "s.sqlite", pages, start_url="http://a.test/", **kw), CTX)


def test_answered_in_time_and_pending_within_limit(tmp_path):
    finding = run(tmp_path, mailbox(("路灯不亮", "2026-11-21 12:28", None), ("加装电梯", "2026-06-01", "2026-07-15 09:00")))
    assert finding.status is Status.PASS and finding.details["messages"] == 2


def test_overdue_message_is_a_veto_and_old_messages_are_outside_the_window(tmp_path):
    finding = run(tmp_path, mailbox(("噪音扰民", "2026-07-01", None), ("公厕建议", "2026-01-10", "2026-05-20"),
                                    ("去年的留言", "2025-06-01", None)))
    assert finding.status is Status.FAIL
    assert [(m["subject"], m["waited_days"]) for m in finding.details["overdue"]] == [("噪音扰民", 147), ("公厕建议", 130)]


def test_no_channel_fails_and_special_channels_do_not_count(tmp_path):
    snap = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("<a href='/xf/'>网上信访</a>")})
    assert channel(snap, CTX).status is Status.FAIL


def test_channel_without_public_messages_warns_and_unreachable_is_unverifiable(tmp_path):
    assert run(tmp_path / "a", page_html("<form><textarea name='q'></textarea></form>")).status is Status.WARN
    with pytest.raises(Unverifiable):
        run(tmp_path / "b", None, errors={"http://a.test/hdjl/index.html": "timeout"})
