"""A raw psycopg connection as the client role: what an attacker holding the shared
credentials would use, bypassing everything our data layer does."""

from __future__ import annotations

import psycopg

from tests.conftest import POOLER, _dsn


def attacker(url: str) -> psycopg.Connection:
    # Through a transaction-mode pooler a statement prepared on one server connection is
    # unknown on the next, so psycopg must not prepare any.
    extra = {"prepare_threshold": None} if POOLER else {}
    return psycopg.connect(_dsn(url), autocommit=False, **extra)


def as_session(conn: psycopg.Connection, token: str | None) -> None:
    conn.execute("SELECT set_config('todo.session_token', %s, true)", (token or "",))
