"""Alembic environment for the history database.

govscan runs migrations itself when it opens the database (`govscan.history.migrate`), handing
over its connection. To write a new revision: `alembic -c govscan/migrations/alembic.ini revision
-m "..."` (with GOVSCAN_DB_URL naming a database at head for `--autogenerate`).
"""

import os

from alembic import context
from sqlalchemy import create_engine

from govscan.history import Base

config = context.config


def run(connection) -> None:
    # batch mode: SQLite can only add columns, so later revisions altering a table copy it
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(os.environ.get("GOVSCAN_DB_URL") or config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        run(connection)
    engine.dispose()
