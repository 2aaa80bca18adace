"""Alembic environment: one advisory lock around every upgrade, so two clients that start
at once cannot race; the second waits, then finds the work done.

The URL comes from the caller (``config.attributes["url"]``) or ``TODO_DATABASE_URL``.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import text

from todo_desktop.db.engine import create_db_engine
from todo_desktop.db.urls import parse_database_url
from todo_desktop.errors import ConfigurationError

# Any fixed 64-bit number works; it names this app's migration lock in pg_locks.
MIGRATION_LOCK_KEY = 7_406_931_245_507_315_001

config = context.config


def _url() -> str:
    url = config.attributes.get("url") or os.environ.get("TODO_DATABASE_URL")
    if not url:
        raise ConfigurationError("Set TODO_DATABASE_URL to the owner's database URL.")
    return str(url)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    target = parse_database_url(_url())
    if target.pooled:
        raise ConfigurationError(
            "Migrations need the direct host, not a pooled endpoint: remove '-pooler' from the host name."
        )
    engine = create_db_engine(target, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection) -> None:
    connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
    connection.commit()
    try:
        context.configure(connection=connection, transaction_per_migration=False)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
        connection.commit()


if context.is_offline_mode():
    raise ConfigurationError("Offline SQL generation is not supported; run against a database.")
run_migrations_online()
