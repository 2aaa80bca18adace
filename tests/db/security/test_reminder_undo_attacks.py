"""The reminders of deleted tasks, kept for an undo, from the attacker's side: out of reach of
every client, and never handed to whoever restores a task under someone else's deleted id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.attack_helpers import assert_out_of_reach
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import Task, TaskDraft
from todo_desktop.db.reminders import ReminderRepository

AT = datetime(2031, 5, 4, 9, tzinfo=UTC)


@pytest.fixture
def bobs_deleted(bob_tasks, client_db, bob) -> Task:
    """Bob's task with a reminder, deleted: the reminder waits for Bob's undo."""
    task = bob_tasks.create(TaskDraft(title="Bob's secret plan", due_date=AT + timedelta(days=1)))
    ReminderRepository(client_db, bob.token).set_reminder(task.id, ReminderSetting(at=AT))
    assert bob_tasks.delete([task.id]) == 1
    return task


def _kept(test_db) -> list[tuple]:
    with test_db.superuser() as su:
        return su.execute(
            "SELECT task_id, user_id, remind_at FROM public.task_reminders_removed ORDER BY task_id"
        ).fetchall()


def test_the_kept_reminders_cannot_be_read_written_or_locked(conn, alice, bobs_deleted, test_db):
    before = _kept(test_db)
    assert len(before) == 1
    row = "(gen_random_uuid(), gen_random_uuid(), now(), NULL, now(), NULL, NULL, now())"
    assert_out_of_reach(conn, alice.token, "public.task_reminders_removed", row)
    assert _kept(test_db) == before


def test_rls_is_forced_on_them_and_binds_the_functions_owner(test_db, alice, bobs_deleted):
    with test_db.superuser() as su:
        row = su.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = 'task_reminders_removed' AND relnamespace = 'public'::regnamespace"
        ).fetchone()
        assert row == (True, True)
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        assert su.execute("SELECT count(*) FROM public.task_reminders_removed").fetchone()[0] == 0
        assert su.execute("DELETE FROM public.task_reminders_removed").rowcount == 0


def test_restoring_someone_elses_deleted_task_id_does_not_take_their_reminder(
    alice_tasks, client_db, alice, bob_tasks, bobs_deleted, test_db
):
    """The id is free once Bob deleted his task, so Alice may put a task of hers there; his
    reminder stays his, waiting, and hers is none."""
    before = _kept(test_db)
    taken = alice_tasks.restore_many([bobs_deleted]).stored
    assert [t.id for t in taken] == [bobs_deleted.id]
    alice_reminders = ReminderRepository(client_db, alice.token)
    assert alice_reminders.reminder_of(bobs_deleted.id) is None
    assert alice_reminders.reminded_task_ids() == frozenset() and alice_reminders.next_fire_at() is None
    assert _kept(test_db) == before
    # Alice sets a reminder there and deletes the task: Bob's kept reminder is not replaced.
    alice_reminders.set_reminder(bobs_deleted.id, ReminderSetting(at=AT + timedelta(hours=5)))
    alice_tasks.delete([bobs_deleted.id])
    assert before[0] in _kept(test_db) and len(_kept(test_db)) == 2
    # Bob's undo now brings back his task and his reminder, not hers.
    assert [t.id for t in bob_tasks.restore_many([bobs_deleted]).stored] == [bobs_deleted.id]
    bob_reminders = ReminderRepository(client_db, bob_tasks.token)
    assert bob_reminders.reminder_of(bobs_deleted.id) == ReminderSetting(at=AT)
