"""Workbench: users, assessors' reviews of findings (comply-or-explain), and the audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table("users",
                    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("name", sa.String(100), nullable=False, unique=True),
                    sa.Column("password_hash", sa.String(300), nullable=False),
                    sa.Column("created_at", WHEN, nullable=False))
    op.create_table("reviews",
                    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), nullable=False, index=True),
                    sa.Column("check", sa.String(100), nullable=False),
                    sa.Column("kind", sa.String(20), nullable=False),
                    sa.Column("status", sa.String(20), nullable=False),
                    sa.Column("value", sa.Text, nullable=False),
                    sa.Column("run_id", sa.String(64)),
                    sa.Column("reason", sa.Text, nullable=False),
                    sa.Column("until", sa.Date),
                    sa.Column("author", sa.String(100), nullable=False),
                    sa.Column("created_at", WHEN, nullable=False),
                    sa.Column("withdrawn_at", WHEN),
                    sa.Column("withdrawn_by", sa.String(100)))
    op.create_table("audit",
                    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("at", WHEN, nullable=False, index=True),
                    sa.Column("actor", sa.String(100), nullable=False),
                    sa.Column("action", sa.String(50), nullable=False),
                    sa.Column("site_id", sa.String(100), index=True),
                    sa.Column("check", sa.String(100)),
                    sa.Column("review_id", sa.Integer),
                    sa.Column("detail", sa.JSON))


def downgrade() -> None:
    raise NotImplementedError("govscan never downgrades its history database")
