"""Users, reviews and the audit trail in the history database (SQLite; the browser tests also run on PostgreSQL)."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from govscan.history import History
from govscan.reviews import ReviewError, Workbench


@pytest.fixture
def store(tmp_path):
    history = History(f"sqlite:///{tmp_path / 'govscan.db'}")
    site = SimpleNamespace(id="qu", name="某区", url="http://qu.example/", level="district", parent=None)
    history.start_run(site, "r1", tmp_path / "r1")
    yield Workbench(history)
    history.close()


def test_users_need_a_real_password_and_are_checked_by_hash(store):
    with pytest.raises(ReviewError, match="至少需要10个字符"):
        store.add_user("alice", "short")
    with pytest.raises(ReviewError, match="只能使用"):
        store.add_user("<b>", "long enough password")
    store.add_user("alice", "long enough password")
    with pytest.raises(ReviewError, match="已存在"):
        store.add_user("alice", "another long password")
    assert store.verify("alice", "long enough password") and not store.verify("alice", "wrong password!")
    assert not store.verify("bob", "long enough password")
    assert store.users() == ["alice"] and store.audit()[0]["action"] == "user_added"


def test_reviews_are_checked_kept_and_withdrawn_with_a_trail(store):
    future = date.today() + timedelta(days=30)
    with pytest.raises(ReviewError, match="必须写明理由"):
        store.add_review("qu", "site.search", "exception", "  ", "alice", "r1", "fail", "无搜索", future)
    with pytest.raises(ReviewError, match="截止日期"):
        store.add_review("qu", "site.search", "exception", "市级平台提供", "alice", "r1", "fail", "无搜索")
    with pytest.raises(ReviewError, match="不能早于今天"):
        store.add_review("qu", "site.search", "exception", "市级平台提供", "alice", "r1", "fail", "无搜索",
                         date.today() - timedelta(days=2))
    made = store.add_review("qu", "site.search", "exception", "市级平台提供", "alice", "r1", "fail", "无搜索", future)
    assert made["until"] == future.isoformat() and made["label"] == "例外"
    assert [r["id"] for r in store.reviews("qu")] == [made["id"]]
    store.withdraw(made["id"], "bob")
    assert store.reviews("qu") == [] and store.reviews("qu", in_force=False)[0]["withdrawn_by"] == "bob"
    with pytest.raises(ReviewError):
        store.withdraw(made["id"], "bob")
    assert [e["action"] for e in store.audit("qu", "site.search")] == ["review_withdrawn", "review_added"]


def test_the_migrations_build_exactly_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from govscan.history import Base

    with store.history.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
