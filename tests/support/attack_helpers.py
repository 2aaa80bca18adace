"""A raw psycopg connection as the client role: what an attacker holding the shared
credentials would use, bypassing everything our data layer does."""

from __future__ import annotations

import psycopg

from tests.support.database import POOLER, _dsn


def attacker(url: str) -> psycopg.Connection:
    # Through a transaction-mode pooler a statement prepared on one server connection is
    # unknown on the next, so psycopg must not prepare any.
    extra = {"prepare_threshold": None} if POOLER else {}
    return psycopg.connect(_dsn(url), autocommit=False, **extra)


def as_session(conn: psycopg.Connection, token: str | None) -> None:
    conn.execute("SELECT set_config('todo.session_token', %s, true)", (token or "",))


def answer(conn: psycopg.Connection, token: str, statement: str, args: tuple = ()) -> list[tuple]:
    """What one call tells the caller, committed (as an attacker would)."""
    as_session(conn, token)
    try:
        rows = conn.execute(statement, args).fetchall()
    except psycopg.Error:
        conn.rollback()
        raise
    conn.commit()
    return rows


def blocks_read(conn: psycopg.Connection, token: str, call: str, params: dict[str, object]) -> int:
    """Buffer pages one todo_api call reads, with everything the function runs inside it
    (a client's EXPLAIN shows no plan in there, but the call's buffer counts include it).
    The call runs once untimed first, so the count is of a warm, cached plan; then the least
    of three counts, because a plan made again (autovacuum analysed a table meanwhile) reads
    a hundred catalog pages once, where a plan that walks a list reads its pages every time."""
    conn.execute("SELECT set_config('todo.session_token', %s, false)", (token,))
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM " + call
    conn.execute(sql, params)
    counts = []
    for _ in range(3):
        plan = conn.execute(sql, params).fetchone()[0][0]["Plan"]
        counts.append(int(plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]))
    return min(counts)


def assert_out_of_reach(conn: psycopg.Connection, token: str, table: str, row: str) -> None:
    """Signed in as ``token``, every way at ``table`` is refused: reading it, counting it,
    changing it, adding ``row`` (a VALUES list) to it, locking it and EXPLAIN ANALYZE on it."""
    for statement in (
        f"SELECT * FROM {table}",
        f"SELECT count(*) FROM {table}",
        f"UPDATE {table} SET user_id = user_id",
        f"DELETE FROM {table}",
        f"INSERT INTO {table} VALUES {row}",
        f"LOCK TABLE {table}",
        f"EXPLAIN ANALYZE SELECT * FROM {table}",
    ):
        as_session(conn, token)
        try:
            conn.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
        else:
            conn.rollback()
            raise AssertionError(f"allowed: {statement}")
