"""Workbench data in the history database: users, reviews of findings, and the audit trail.

Reviews are never edited: a change of mind is a new review, and withdrawing one stamps it, so the
reviews table and the audit table together say who decided what, when and why. After a review
changes, the site's latest complete run is scored again from its result.json (no crawl, no checks),
so its score, scorecard and 整改清单 show the decision at once; older runs keep what they said.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from checks.model import BEIJING
from govscan.history import OK, Base, History, RunRow, now, utc
from reports.review import CONFIRMED, EXCEPTION, KIND_LABELS, OVERTURNED, annotate

KINDS = (CONFIRMED, EXCEPTION, OVERTURNED)
USER_NAME = r"^[A-Za-z0-9_.@-]{1,100}$"


class ReviewError(ValueError):
    """A review or user that cannot be recorded; the message is for the assessor (zh-CN)."""


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewRow(Base):
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    check: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # the checker's verdict the assessor looked at
    value: Mapped[str] = mapped_column(Text)          # and its measured value
    run_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[date | None] = mapped_column(Date)  # exceptions only: the last day it holds
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))

    def as_dict(self) -> dict:
        return {"id": self.id, "site": self.site_id, "check": self.check, "kind": self.kind,
                "label": KIND_LABELS[self.kind], "status": self.status, "value": self.value, "run": self.run_id,
                "reason": self.reason, "until": self.until.isoformat() if self.until else None,
                "author": self.author, "at": utc(self.created_at).isoformat(timespec="seconds"),
                "withdrawn_at": utc(self.withdrawn_at).isoformat(timespec="seconds") if self.withdrawn_at else None,
                "withdrawn_by": self.withdrawn_by}


class AuditRow(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))  # user_added, review_added, review_withdrawn
    site_id: Mapped[str | None] = mapped_column(String(100), index=True)
    check: Mapped[str | None] = mapped_column(String(100))
    review_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict | None] = mapped_column(JSON)

    def as_dict(self) -> dict:
        return {"id": self.id, "at": utc(self.at).isoformat(timespec="seconds"), "actor": self.actor,
                "action": self.action, "site": self.site_id, "check": self.check, "review": self.review_id,
                "detail": self.detail}


class Workbench:
    """Users, reviews and audit over an open History."""

    def __init__(self, history: History):
        self.history = history

    def _session(self) -> Session:
        return Session(self.history.engine, expire_on_commit=False)

    # -- users ---------------------------------------------------------------------------------

    def add_user(self, name: str, password: str, actor: str = "cli") -> None:
        import re

        if not re.match(USER_NAME, name):
            raise ReviewError(f"用户名“{name}”不可用：只能使用字母、数字和 _ . @ -")
        if len(password) < 10:
            raise ReviewError("密码至少需要10个字符")
        with self._session() as session, session.begin():
            if session.scalars(select(UserRow).where(UserRow.name == name)).first():
                raise ReviewError(f"用户“{name}”已存在")
            session.add(UserRow(name=name, password_hash=generate_password_hash(password), created_at=now()))
            session.add(AuditRow(at=now(), actor=actor, action="user_added", detail={"user": name}))

    def users(self) -> list[str]:
        with self._session() as session:
            return list(session.scalars(select(UserRow.name).order_by(UserRow.name)))

    def verify(self, name: str, password: str) -> bool:
        with self._session() as session:
            user = session.scalars(select(UserRow).where(UserRow.name == name)).first()
        if user is None:
            check_password_hash(generate_password_hash("x"), password)  # same work: no user-name oracle by timing
            return False
        return check_password_hash(user.password_hash, password)

    # -- reviews -------------------------------------------------------------------------------

    def add_review(self, site_id: str, check: str, kind: str, reason: str, author: str, run_id: str,
                   status: str, value: str, until: date | None = None) -> dict:
        reason = reason.strip()
        if kind not in KINDS:
            raise ReviewError("未知的复核类型")
        if kind != CONFIRMED and not reason:
            raise ReviewError(f"“{KIND_LABELS[kind]}”必须写明理由")
        if kind == EXCEPTION and until is None:
            raise ReviewError("例外必须注明截止日期")
        if kind == EXCEPTION and until < datetime.now(BEIJING).date():
            raise ReviewError("例外的截止日期不能早于今天")
        with self._session() as session, session.begin():
            row = ReviewRow(site_id=site_id, check=check, kind=kind, status=status, value=value, run_id=run_id,
                            reason=reason, until=until if kind == EXCEPTION else None, author=author,
                            created_at=now())
            session.add(row)
            session.flush()
            session.add(AuditRow(at=now(), actor=author, action="review_added", site_id=site_id, check=check,
                                 review_id=row.id, detail=row.as_dict()))
            return row.as_dict()

    def withdraw(self, review_id: int, actor: str) -> dict:
        with self._session() as session, session.begin():
            row = session.get(ReviewRow, review_id)
            if row is None or row.withdrawn_at is not None:
                raise ReviewError("该复核记录不存在或已撤销")
            row.withdrawn_at, row.withdrawn_by = now(), actor
            session.add(AuditRow(at=now(), actor=actor, action="review_withdrawn", site_id=row.site_id,
                                 check=row.check, review_id=row.id, detail=row.as_dict()))
            return row.as_dict()

    def reviews(self, site_id: str, check: str | None = None, in_force: bool = True) -> list[dict]:
        query = select(ReviewRow).where(ReviewRow.site_id == site_id).order_by(ReviewRow.id.desc())
        if check is not None:
            query = query.where(ReviewRow.check == check)
        if in_force:
            query = query.where(ReviewRow.withdrawn_at.is_(None))
        with self._session() as session:
            return [row.as_dict() for row in session.scalars(query)]

    def audit(self, site_id: str | None = None, check: str | None = None, limit: int = 500) -> list[dict]:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if site_id is not None:
            query = query.where(AuditRow.site_id == site_id)
        if check is not None:
            query = query.where(AuditRow.check == check)
        with self._session() as session:
            return [row.as_dict() for row in session.scalars(query)]

    # -- scoring with reviews --------------------------------------------------------------------

    def apply(self, site_id: str, findings: list[dict], today: date, before_seq: int | None = None) -> None:
        """Annotate a run's findings with the site's reviews in force (see reports.review). The
        previous complete run (before `before_seq`, else the latest) dates expired exceptions."""
        query = select(RunRow).where(RunRow.site_id == site_id, RunRow.outcome == OK)
        if before_seq is not None:
            query = query.where(RunRow.seq < before_seq)
        with self._session() as session:
            previous = session.scalars(query.order_by(RunRow.seq.desc())).first()
        since = utc(previous.started_at).astimezone(BEIJING).date() if previous else None
        annotate(findings, self.reviews(site_id), today, since)

    def rescore_latest(self, site_id: str) -> dict | None:
        """Score the site's latest complete run again with the reviews in force, as of its own date;
        rewrite its result.json, scorecard and 整改清单 and its score in history. None when the run
        has no result.json to start from."""
        from reports.render import write_outputs
        from reports.result import write_result
        from reports.scoring import load_profile, score

        with self._session() as session:
            run = session.scalars(select(RunRow).where(RunRow.site_id == site_id, RunRow.outcome == OK)
                                  .order_by(RunRow.seq.desc())).first()
        result_file = Path(run.path or "") / "result.json" if run else None
        if result_file is None or not result_file.is_file():
            return None
        result = json.loads(result_file.read_text(encoding="utf-8"))
        as_of = datetime.fromisoformat(result["run"]["started_at"]).astimezone(BEIJING).date()
        self.apply(site_id, result["findings"], as_of, before_seq=run.seq)
        result["score"] = score(result["findings"], load_profile(result["run"]["profile"]))
        with self._session() as session, session.begin():
            row = session.get(RunRow, run.seq)
            row.total, row.grade, row.vetoes = result["score"]["total"], result["score"]["grade"], result["score"]["vetoes"]
            row.modules = [{key: m.get(key) for key in ("id", "title", "points", "score")} for m in result["score"]["modules"]]
        if "history" in result:
            result["history"] = self.history.report(run.id)
        write_outputs(result, result_file.parent)
        write_result(result_file, result)
        return result


def review_hook(history: History, site_id: str, run_id: str):
    """What the pipeline calls on a run's findings before scoring them."""
    run = history.run(run_id)
    workbench = Workbench(history)
    return lambda findings, today: workbench.apply(site_id, findings, today, before_seq=run.seq if run else None)
