"""Alembic environment: one advisory lock around every upgrade, so two clients that start
at once cannot race; the second waits, then finds the work done.

The wait is bounded (``todo_desktop.db.schema.migration_lock``): anyone with client credentials
can take the lock, and must not be able to stall upgrades for good. It lasts 30 s unless
the caller sets ``config.attributes["lock_wait"]`` or ``TODO_MIGRATION_LOCK_WAIT``.

The URL comes from the caller (``config.attributes["url"]``) or ``TODO_DATABASE_URL``.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from todo_desktop.core.errors import ConfigurationError
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.schema.migration_lock import lock_wait, migration_lock

config = context.config


def _url() -> str:
    url = config.attributes.get("url") or os.environ.get("TODO_DATABASE_URL")
    if not url:
        raise ConfigurationError("Set TODO_DATABASE_URL to the owner's database URL.")
    return str(url)


def run_migrations_online() -> None:
    wait = lock_wait(config.attributes, os.environ)
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection, wait)
        return
    target = parse_database_url(_url())
    if target.pooled:
        raise ConfigurationError(
            "Migrations need the direct host, not a pooled endpoint: remove '-pooler' from the host name."
        )
    engine = create_db_engine(target, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            _run(conn, wait)
    finally:
        engine.dispose()


def _run(connection: Connection, wait: float) -> None:
    with migration_lock(connection, wait):
        context.configure(connection=connection, transaction_per_migration=False)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise ConfigurationError("Offline SQL generation is not supported; run against a database.")
run_migrations_online()
