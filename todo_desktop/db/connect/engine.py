"""The one engine factory: small pool, pre-ping, recycle before Neon's idle suspend,
timeouts, keepalives, a pooled-endpoint mode with no session state, and error messages
that never quote bound values.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from todo_desktop import APP_ID, __version__
from todo_desktop.db.connect import deadline
from todo_desktop.db.connect.error_mapping import map_error
from todo_desktop.db.connect.urls import ConnectionTarget

# Neon suspends an idle compute after 300 s; a pooled connection older than this is
# replaced before it can be found dead.
POOL_RECYCLE_SECONDS = 240
CONNECT_TIMEOUT_SECONDS = 10
# A connection used this recently is almost surely alive; pinging it anyway would add a
# network round trip to every operation (tens of ms to a remote Neon endpoint). Older
# ones are pinged at checkout; a dead one that slips through is retried on a new one.
IDLE_PING_SECONDS = 10.0
_LAST_USED = "todo.last_used"
_WATCHDOG = "todo.watchdog"


def connect_args_for(target: ConnectionTarget) -> dict[str, Any]:
    args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "application_name": f"{APP_ID}/{__version__}",
        # Whatever PGCLIENTENCODING says: the app speaks Unicode, and a Latin-1 session
        # would refuse to store most of the world's titles.
        "client_encoding": "utf8",
    }
    if not target.is_local:
        args.update(keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)
    if not target.private:
        # PgBouncer in transaction mode hands each transaction to any server connection: a
        # statement prepared on one is unknown on the next, and a pooler need not say it is
        # one (nor sit on a "-pooler" host, or on another machine). Worse, another client
        # could prepare a statement under the driver's own name on a shared connection, and
        # the driver would run it with this person's token set. Only the app's own server
        # is known to have no pooler in front.
        args["prepare_threshold"] = None
    return args


def create_db_engine(
    target: ConnectionTarget,
    *,
    pool_size: int = 2,
    max_overflow: int = 2,
    pool_timeout: float = 15.0,
) -> Engine:
    engine = create_engine(
        target.url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=False,
        pool_recycle=POOL_RECYCLE_SECONDS,
        pool_timeout=pool_timeout,
        connect_args=connect_args_for(target),
        # Bound values include password keys and session tokens; an error message that
        # quotes them would carry them into the log file.
        hide_parameters=True,
    )
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _note_use)
    event.listen(engine, "connect", _begin_read_write)
    return engine


def _begin_read_write(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    """With ``read_only`` False psycopg begins every transaction with BEGIN READ WRITE, so
    ``default_transaction_read_only`` set on the role (by anyone who can log in as it) or
    left on a pooled server connection cannot make the app's writes fail."""
    dbapi_connection.read_only = False


def _note_use(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_LAST_USED] = time.monotonic()


def _watchdog(record: ConnectionPoolEntry) -> deadline.Watchdog:
    """The connection's own watchdog for its pings (rare: only after it sat idle)."""
    found = record.info.get(_WATCHDOG)
    if found is None:
        found = record.info[_WATCHDOG] = deadline.Watchdog()
    return found  # type: ignore[no-any-return]


def _ping_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection) -> None:
    last = record.info.get(_LAST_USED)
    if last is not None and time.monotonic() - last < IDLE_PING_SECONDS:
        return
    try:
        # A pooler may hold the ping in its queue as long as any statement (db/deadline.py).
        with deadline.answer_within(dbapi_connection, _watchdog(record), limit=deadline.LIMIT_SECONDS):
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
    except psycopg.Error as exc:
        # The pool discards this connection and checks out (or opens) another.
        raise DisconnectionError(str(exc)) from exc


@contextmanager
def single_connection(target: ConnectionTarget, *, transaction: bool = False) -> Iterator[Connection]:
    """One connection for an admin step or a start-up check, closed with its engine after."""
    engine = create_db_engine(target, pool_size=1, max_overflow=0)
    try:
        with engine.begin() if transaction else engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:  # an admin at a terminal gets one sentence, not a traceback
        raise map_error(exc, where=target.described) from exc
    finally:
        engine.dispose()
