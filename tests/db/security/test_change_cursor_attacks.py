"""The change cursor from the attacker's side (revision 0034): the transaction ids kept with
each change and deletion note are out of every client's reach, and whatever cursor a caller
sends, changed_since and removed_since answer with the caller's own rows or refuse in one
sentence, never with another person's rows or the server's internals."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import as_session
from todo_desktop.core.values import TaskDraft

REFUSAL = "that change cursor is not one this database gave"
PAST = "that change cursor is past where this database stands; it was restored to an earlier point"
CALLS = ("changed_since", "removed_since")


@pytest.fixture
def bobs_changes(bob_tasks):
    kept = bob_tasks.create(TaskDraft(title="Bob's secret plan"))
    gone = bob_tasks.create(TaskDraft(title="Bob's other plan"))
    bob_tasks.delete([gone.id])
    return kept, gone


def _call(conn, token: str, call: str, *args: object) -> list[tuple]:
    as_session(conn, token)
    try:
        return conn.execute(f"SELECT * FROM todo_api.{call}(%s, %s, %s, %s)", args).fetchall()
    finally:
        conn.rollback()


def test_the_transaction_ids_cannot_be_read_through_the_tables(conn, alice, bobs_changes):
    as_session(conn, alice.token)
    for table, column in (("public.tasks", "change_xid"), ("public.task_removals", "removed_xid")):
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(f"SELECT {column} FROM {table}")
        conn.rollback()
        as_session(conn, alice.token)


@pytest.mark.parametrize("call", CALLS)
def test_a_cursor_from_the_start_of_time_reads_only_the_caller_s_rows(
    conn, alice, alice_tasks, bobs_changes, call
):
    mine = alice_tasks.create(TaskDraft(title="mine"))
    if call == "removed_since":
        alice_tasks.delete([mine.id])
    rows = _call(conn, alice.token, call, 0, None, None, 1000)
    assert [r[0] for r in rows] == [mine.id]
    # Positioned right before Bob's rows (his ids, his transaction's id): still only Alice's.
    kept, gone = bobs_changes
    rows = _call(conn, alice.token, call, 0, 0, min(kept.id, gone.id), 1000)
    assert {r[0] for r in rows} <= {mine.id}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(
    "args",
    [
        (-1, None, None, 100),  # negative
        (None, None, None, 100),
        (0, 5, None, 100),  # half a position
        (0, None, uuid.UUID(int=0), 100),
        (5, 1, uuid.UUID(int=0), 100),  # a position before the cursor
        (0, -1, uuid.UUID(int=0), 100),
    ],
)
def test_a_crafted_cursor_is_refused_in_one_sentence(conn, alice, bobs_changes, call, args):
    with pytest.raises(pg.InvalidParameterValue) as caught:
        _call(conn, alice.token, call, *args)
    assert caught.value.diag.message_primary == REFUSAL
    assert caught.value.diag.context is None or "todo_api" in caught.value.diag.context


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("args", [(2**62, None, None, 100), (0, 2**62, uuid.UUID(int=0), 100)])
def test_a_cursor_past_the_database_says_it_went_back(conn, alice, bobs_changes, call, args):
    """As a window's cursor is after the database was restored to an earlier point: its own
    code, so the window reads its list afresh instead of polling in vain."""
    with pytest.raises(psycopg.Error) as caught:
        _call(conn, alice.token, call, *args)
    assert caught.value.sqlstate == "TDQ08"
    assert caught.value.diag.message_primary == PAST


@pytest.mark.parametrize("call", CALLS)
def test_a_cursor_that_is_no_number_is_refused_by_its_type(conn, alice, call):
    as_session(conn, alice.token)
    with pytest.raises(pg.InvalidTextRepresentation):
        conn.execute(f"SELECT * FROM todo_api.{call}('soon', NULL, NULL, 100)")
    conn.rollback()
    as_session(conn, alice.token)
    with pytest.raises(pg.NumericValueOutOfRange):
        conn.execute(f"SELECT * FROM todo_api.{call}('99999999999999999999', NULL, NULL, 100)")
    conn.rollback()


@pytest.mark.parametrize("call", [*CALLS, "change_cursor"])
def test_no_session_no_answer(conn, call):
    as_session(conn, None)
    args = "" if call == "change_cursor" else "0, NULL, NULL, 100"
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute(f"SELECT * FROM todo_api.{call}({args})")
    conn.rollback()


def test_the_cursor_helper_is_no_entry_point(conn, alice):
    as_session(conn, alice.token)
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute("SELECT todo_api.change_range(0, NULL, NULL, 1)")
    conn.rollback()


def test_the_new_functions_carry_their_siblings_settings(test_db):
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT p.oid::regprocedure::text, p.prosecdef, p.proconfig FROM pg_proc p"
            " WHERE p.pronamespace = 'todo_api'::regnamespace"
            " AND p.proname IN ('change_cursor', 'change_range', 'changed_since', 'removed_since')"
        ).fetchall()
    assert len(rows) == 4
    for name, definer, config in rows:
        assert {"search_path=pg_catalog, pg_temp", "jit=off", "client_min_messages=notice"} <= set(config), (
            name
        )
        assert definer == (not name.startswith("todo_api.change_range")), name


def test_a_transaction_held_open_holds_nobody_s_cursor_back_for_long(test_db, conn, alice, alice_tasks):
    """Any client may open a transaction, take a transaction id and keep it: every cursor is
    then the oldest transaction still running, and every person's poll would read their
    changes since it began again, up to the poll's cap, at each poll, for as long as it is
    held. The cursor goes back at most todo_auth.settings.change_lag_xids transactions."""
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET change_lag_xids = 20")
    conn.execute("SELECT pg_current_xact_id()")  # the held transaction, with an id of its own
    try:
        for n in range(40):
            alice_tasks.create(TaskDraft(title=f"Written while it is held {n}"))
        cursor = alice_tasks.change_cursor()
        read = alice_tasks.changed_since(cursor, 1000)
        assert len(read.tasks) <= 20, "the poll read changes from before the last 20 transactions"
    finally:
        conn.rollback()
