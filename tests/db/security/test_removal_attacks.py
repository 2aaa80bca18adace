"""Deletion notes from the attacker's side: the table is out of every client's reach, and
``removed_since`` tells each person only of their own deletions, whatever they ask."""

from __future__ import annotations

import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import as_session, assert_out_of_reach
from todo_desktop.core.values import TaskDraft


@pytest.fixture
def bobs_deleted(bob_tasks):
    task = bob_tasks.create(TaskDraft(title="Bob's secret plan"))
    bob_tasks.delete([task.id])
    return task


def test_the_notes_cannot_be_read_written_or_locked(conn, alice, bobs_deleted, test_db):
    row = "(gen_random_uuid(), gen_random_uuid(), now())"
    assert_out_of_reach(conn, alice.token, "public.task_removals", row)
    with test_db.superuser() as su:
        assert su.execute("SELECT count(*) FROM public.task_removals").fetchone()[0] == 1


def test_each_person_reads_only_their_own_deletions(conn, alice, bob, alice_tasks, bobs_deleted, test_db):
    mine = alice_tasks.create(TaskDraft(title="mine"))
    alice_tasks.delete([mine.id])
    as_session(conn, alice.token)
    rows = conn.execute("SELECT task_id FROM todo_api.removed_since(0, NULL, NULL, 1000)").fetchall()
    conn.rollback()
    assert rows == [(mine.id,)]
    as_session(conn, None)
    with pytest.raises(pg.InsufficientPrivilege):  # no session, no answer
        conn.execute("SELECT * FROM todo_api.removed_since(0, NULL, NULL, 1000)")
    conn.rollback()
    with test_db.superuser() as su:  # even the functions' owner, signed in as Alice, sees only hers
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        assert su.execute("SELECT task_id FROM public.task_removals").fetchall() == [(mine.id,)]
        row = su.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = 'task_removals' AND relnamespace = 'public'::regnamespace"
        ).fetchone()
    assert row == (True, True)
