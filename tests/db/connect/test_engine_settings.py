"""The engine's connection settings: prepared statements only on the app's own server,
keepalives and timeouts, and the pool's limits, as promised and as a live session shows."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from tests.db.connect.test_urls import NEON, NEON_POOLER
from todo_desktop import APP_ID, __version__
from todo_desktop.db.connect.engine import (
    CONNECT_TIMEOUT_SECONDS,
    IDLE_PING_SECONDS,
    POOL_RECYCLE_SECONDS,
    connect_args_for,
    create_db_engine,
)
from todo_desktop.db.connect.urls import parse_database_url

NEON_SUSPEND_SECONDS = 300


def test_only_the_apps_own_server_gets_prepared_statements():
    """A PgBouncer need not sit on a "-pooler" host, or on another machine: any server but
    the app's own may hand one server connection to many clients."""
    for raw in ("postgresql://u@localhost:6432/todo", "postgresql://u@/todo?host=/tmp"):
        assert connect_args_for(parse_database_url(raw))["prepare_threshold"] is None


def test_connect_args_for_the_apps_own_server():
    args = connect_args_for(parse_database_url("postgresql://u@/todo?host=/tmp", private=True))
    assert args["connect_timeout"] == CONNECT_TIMEOUT_SECONDS
    assert 1 <= args["connect_timeout"] <= 30
    assert __version__ in args["application_name"]
    assert APP_ID in args["application_name"]
    assert len(args["application_name"].encode()) < 64  # NAMEDATALEN would truncate it
    assert "prepare_threshold" not in args
    assert not any(key.startswith("keepalives") for key in args)


def test_connect_args_for_a_remote_direct_target_has_keepalives_and_no_prepared_statements():
    args = connect_args_for(parse_database_url(NEON))
    assert args["keepalives"] == 1
    assert args["keepalives_idle"] > 0
    assert args["keepalives_interval"] > 0
    assert args["keepalives_count"] > 0
    # A host that does not say it is a pooler may still be one, shared with strangers.
    assert args["prepare_threshold"] is None
    assert args["connect_timeout"] == CONNECT_TIMEOUT_SECONDS


def test_connect_args_for_a_pooled_target_turn_prepared_statements_off():
    args = connect_args_for(parse_database_url(NEON_POOLER))
    assert "prepare_threshold" in args
    assert args["prepare_threshold"] is None
    assert args["keepalives"] == 1


def test_engine_pool_settings():
    engine = create_db_engine(parse_database_url(NEON))
    try:
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() == 2
        assert pool._max_overflow == 2
        # Pinged at checkout only after IDLE_PING_SECONDS idle, not on every checkout.
        assert pool._pre_ping is False
        assert IDLE_PING_SECONDS < POOL_RECYCLE_SECONDS
        assert pool._recycle == POOL_RECYCLE_SECONDS == 240 < NEON_SUSPEND_SECONDS
        assert 0 < pool._timeout <= 30
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


@pytest.mark.parametrize("pooled", [False, True])
def test_engine_connects_with_the_promised_session_settings(test_db, pooled):
    target = parse_database_url(test_db.client_url, pooled=pooled)
    engine = create_db_engine(target)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW application_name")).scalar_one() == f"{APP_ID}/{__version__}"
            dbapi = conn.connection.dbapi_connection
            assert dbapi.prepare_threshold is None  # a shared server, pooled or not
    finally:
        engine.dispose()
