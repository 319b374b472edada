"""Run leases: which process a run belongs to (runs.owner), the processes and their heartbeats
(owners), and what only one process may do (claims: a site's nightly run, a mail).

Existing runs get no owner: one still `running` counts as orphaned and is settled by the next run.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    existing = sa.inspect(op.get_bind())
    if "owner" not in {column["name"] for column in existing.get_columns("runs")}:
        op.add_column("runs", sa.Column("owner", sa.String(120)))
    if existing.has_table("owners"):  # adopted from before migrations (0001) with today's models: made already
        return
    op.create_table("owners",
                    sa.Column("id", sa.String(120), primary_key=True),
                    sa.Column("host", sa.String(200), nullable=False),
                    sa.Column("pid", sa.Integer, nullable=False),
                    sa.Column("heartbeat_at", WHEN, nullable=False))
    op.create_table("claims",
                    sa.Column("key", sa.String(200), primary_key=True),
                    sa.Column("owner", sa.String(120), nullable=False),
                    sa.Column("at", WHEN, nullable=False))


def downgrade() -> None:
    raise NotImplementedError("govscan never downgrades its history database")
