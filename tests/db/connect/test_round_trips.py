"""Each call of the app is one round trip to the server: a read, and a write too.

On a shared database far away, the round trips are most of a call's time (tens of
milliseconds each to a Neon region). A write sent as BEGIN READ WRITE, the call, COMMIT took
three; one statement in autocommit is its own transaction, as atomic, in one. Only where the
server refuses to write outside a declared read-write transaction (``default_transaction_read_only``
set on the role, or left on a pooled server connection) do writes take the three again.

libpq's own trace of what the client sends counts the round trips: each ends with a Sync (a
statement with parameters) or is one Query (a bare command such as BEGIN or COMMIT).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from psycopg import pq

from todo_desktop.core.values import Priority, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository


@pytest.fixture
def one_connection(test_db) -> Iterator[Database]:
    """The app's data layer on a single pooled connection, so every call's messages are
    on the one connection being traced."""
    target = parse_database_url(test_db.client_url, pooled=True if test_db.pooler_address else None)
    db = Database(create_db_engine(target, pool_size=1, max_overflow=0), target, retry_budget=2.0)
    yield db
    db.dispose()


@pytest.fixture
def round_trips(one_connection: Database, tmp_path: Path) -> Callable[[Callable[[], object]], int]:
    def count(call: Callable[[], object]) -> int:
        with one_connection.engine.connect() as conn:
            pgconn = conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
        trace = tmp_path / "trace.txt"
        with _traced(pgconn, trace):
            call()
        # A message's text may span lines; each message of the client starts "F<tab>".
        sent = [line.split("\t", 3) for line in trace.read_text().splitlines() if line.startswith("F\t")]
        return sum(1 for fields in sent if fields[2] in ("Sync", "Query"))

    return count


@contextmanager
def _traced(pgconn: pq.abc.PGconn, path: Path) -> Iterator[None]:
    with path.open("w") as out:
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield
        finally:
            pgconn.untrace()


def test_the_trace_counts_a_transaction_as_three(one_connection, round_trips):
    """What the count below would say of a write in BEGIN ... COMMIT: it can tell."""

    def in_a_transaction() -> None:
        with one_connection.transaction(None) as conn:
            conn.exec_driver_sql("SELECT 1")

    assert round_trips(in_a_transaction) == 3


def test_every_write_and_read_is_one_round_trip(one_connection, round_trips, alice):
    tasks = TaskRepository(one_connection, alice.token)
    made: list = []
    assert round_trips(lambda: made.append(tasks.create(TaskDraft(title="Pay rent", tags=("home",))))) == 1
    task = made[0]
    higher = TaskChanges(priority=Priority.HIGH)
    assert round_trips(lambda: tasks.update(task.id, higher, task.updated_at)) == 1
    assert round_trips(lambda: tasks.set_completed([task.id], True)) == 1
    assert round_trips(lambda: tasks.rename_tag("home", "house")) == 1
    assert round_trips(lambda: tasks.list(TaskQuery())) == 1
    assert round_trips(lambda: tasks.delete([task.id])) == 1
    assert tasks.list(TaskQuery()).tasks == ()


def test_a_connection_left_read_only_costs_the_three_and_loses_nothing(
    test_db, one_connection, round_trips, alice
):
    if test_db.pooler_address:
        pytest.skip("through a pooler the next statement may run on another server connection")
    tasks = TaskRepository(one_connection, alice.token)
    with one_connection.engine.connect() as conn:
        conn.exec_driver_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        conn.commit()
    # Refused in autocommit, then sent again declared read-write.
    assert round_trips(lambda: tasks.create(TaskDraft(title="Written anyway"))) == 4
    assert round_trips(lambda: tasks.create(TaskDraft(title="And again"))) == 3
    assert sorted(t.title for t in tasks.list(TaskQuery()).tasks) == ["And again", "Written anyway"]
