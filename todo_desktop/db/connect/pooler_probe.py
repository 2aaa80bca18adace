"""Asks the server whether a URL leads through a transaction-mode connection pooler.

Migrations hold a session advisory lock and run DDL over several transactions; through
PgBouncer in transaction mode each transaction may land on another server connection, so
the lock guards nothing and a half-applied upgrade can interleave with another. Neon's
pooled hosts say so in their name, but a self-hosted PgBouncer can sit on any host and
port, so the name is not enough.

The probe holds two client connections open at once and, in turn, asks each which server
process runs its (committed, so finished) transaction. A direct server gives every open
connection its own backend for the connection's whole life, so each connection always gets
the same answer and the two answers never match. A transaction pooler gives itself away
either way: when it is quiet, it parks the server connection the first client just
released and, reusing the most recent one first, hands it to the second client; when other
clients keep it busy, they take that server connection in between, and a client's next
transaction runs on another one. A few rounds make either sighting near certain, and a
direct server can produce neither. Session-mode pooling keeps one server connection per
client for the whole session, which is safe for migrations, and is rightly not reported.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.error_mapping import map_error
from todo_desktop.db.connect.urls import ConnectionTarget

ROUNDS = 5
# The backend's pid alone could repeat across two servers behind one TCP balancer; with
# the server's start time it names one server process.
_WHO_SERVES = "SELECT pg_backend_pid(), pg_postmaster_start_time()"


def _server_process(conn: Connection) -> tuple[object, ...]:
    row = conn.exec_driver_sql(_WHO_SERVES).one()
    conn.commit()  # the pooler may hand the server connection on only once this ends
    return tuple(row)


def shares_server_connections(target: ConnectionTarget, *, rounds: int = ROUNDS) -> bool:
    """True if ``target`` hands server connections from client to client between transactions."""
    # As if pooled: a statement psycopg prepared on one server connection would be
    # unknown on the next one a pooler hands out.
    engine = create_db_engine(replace(target, pooled=True), pool_size=2, max_overflow=0)
    try:
        seen: tuple[set[tuple[object, ...]], set[tuple[object, ...]]] = (set(), set())
        with engine.connect() as first, engine.connect() as second:
            for _ in range(rounds):
                seen[0].add(_server_process(first))
                seen[1].add(_server_process(second))
                if len(seen[0]) > 1 or len(seen[1]) > 1 or seen[0] & seen[1]:
                    return True
        return False
    except SQLAlchemyError as exc:
        raise map_error(exc, where=target.described) from exc
    finally:
        engine.dispose()
