"""A raw psycopg connection as the client role: what an attacker holding the shared
credentials would use, bypassing everything our data layer does."""

from __future__ import annotations

import re

import psycopg

from tests.conftest import POOLER, _dsn


def attacker(url: str) -> psycopg.Connection:
    # Through a transaction-mode pooler a statement prepared on one server connection is
    # unknown on the next, so psycopg must not prepare any.
    extra = {"prepare_threshold": None} if POOLER else {}
    return psycopg.connect(_dsn(url), autocommit=False, **extra)


def as_session(conn: psycopg.Connection, token: str | None) -> None:
    conn.execute("SELECT set_config('todo.session_token', %s, true)", (token or "",))


def executed_query(conn: psycopg.Connection, function: str) -> str:
    """The statement a todo_api function runs with EXECUTE, read from its live definition,
    with ``$n`` turned into psycopg's ``%(pn)s``: for reading its plan as the function's
    owner, since a client's EXPLAIN of the call shows nothing inside."""
    body = conn.execute("SELECT pg_get_functiondef(%s::regprocedure)", (function,)).fetchone()[0]
    start = body.index("QUERY EXECUTE")
    span = body[start : body.index("USING", start)]
    text = "".join(part.replace("''", "'") for part in re.findall(r"'((?:[^']|'')*)'", span))
    return re.sub(r"\$([0-9]+)", r"%(p\1)s", text.replace("%", "%%"))
