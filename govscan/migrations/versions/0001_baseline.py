"""Baseline: sites, runs, findings, deliveries, probes.

Also adopts a database made before migrations existed (`ensure_schema` created tables and added
missing columns, but kept no alembic_version): tables it lacks are created and columns it lacks
added, nothing that exists is touched, so every row survives.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def tables() -> list[sa.Table]:
    """The schema as of this revision (frozen here: later models must not change what it creates)."""
    meta = sa.MetaData()
    return [
        sa.Table("sites", meta,
                 sa.Column("id", sa.String(100), primary_key=True),
                 sa.Column("name", sa.String(200), nullable=False),
                 sa.Column("url", sa.String(500), nullable=False),
                 sa.Column("level", sa.String(20), nullable=False),
                 sa.Column("parent", sa.String(100))),
        sa.Table("runs", meta,
                 sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("id", sa.String(64), nullable=False, unique=True),
                 sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), nullable=False, index=True),
                 sa.Column("night", sa.String(10), index=True),
                 sa.Column("started_at", WHEN, nullable=False),
                 sa.Column("finished_at", WHEN),
                 sa.Column("outcome", sa.String(20), nullable=False),
                 sa.Column("error", sa.Text),
                 sa.Column("profile", sa.String(50)),
                 sa.Column("total", sa.Float),
                 sa.Column("grade", sa.String(20)),
                 sa.Column("vetoes", sa.JSON),
                 sa.Column("modules", sa.JSON),
                 sa.Column("pages", sa.Integer),
                 sa.Column("path", sa.String(1000))),
        sa.Table("findings", meta,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), nullable=False, index=True),
                 sa.Column("check", sa.String(100), nullable=False),
                 sa.Column("status", sa.String(20), nullable=False),
                 sa.Column("value", sa.Text, nullable=False),
                 sa.Column("title", sa.Text, nullable=False),
                 sa.Column("message", sa.Text, nullable=False),
                 sa.Column("first_seen", WHEN, nullable=False),
                 sa.Column("last_confirmed", WHEN, nullable=False),
                 sa.Column("first_seq", sa.Integer, nullable=False, index=True),
                 sa.Column("last_seq", sa.Integer, nullable=False, index=True)),
        sa.Table("deliveries", meta,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("key", sa.String(200), nullable=False, index=True),
                 sa.Column("run_id", sa.String(64)),
                 sa.Column("recipients", sa.Text, nullable=False),
                 sa.Column("status", sa.String(20), nullable=False),
                 sa.Column("attempts", sa.Integer, nullable=False),
                 sa.Column("error", sa.Text),
                 sa.Column("at", WHEN, nullable=False)),
        sa.Table("probes", meta,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), nullable=False, index=True),
                 sa.Column("at", WHEN, nullable=False, index=True),
                 sa.Column("url", sa.String(500), nullable=False),
                 sa.Column("ok", sa.Boolean, nullable=False),
                 sa.Column("status", sa.Integer),
                 sa.Column("elapsed_ms", sa.Integer),
                 sa.Column("error", sa.Text)),
    ]


def upgrade() -> None:
    connection = op.get_bind()
    for table in tables():
        existing = sa.inspect(connection)
        if not existing.has_table(table.name):
            table.create(connection)
            continue
        present = {column["name"] for column in existing.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                # added nullable: rows written before the column existed have no value for it
                op.add_column(table.name, sa.Column(column.name, column.type))


def downgrade() -> None:
    raise NotImplementedError("govscan never downgrades its history database")
