"""A raw psycopg connection as the client role: what an attacker holding the shared
credentials would use, bypassing everything our data layer does."""

from __future__ import annotations

import psycopg

from tests.conftest import _dsn


def attacker(url: str) -> psycopg.Connection:
    return psycopg.connect(_dsn(url), autocommit=False)


def as_session(conn: psycopg.Connection, token: str | None) -> None:
    conn.execute("SELECT set_config('todo.session_token', %s, true)", (token or "",))
