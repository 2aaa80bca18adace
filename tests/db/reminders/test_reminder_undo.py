"""A deleted task's reminder comes back with the task when the delete is undone: as it was
(at a time or before the due time, rung or not), and only a reminder the task still had when
it was deleted. What waits for an undo is bounded: a week, and the newest 1,000 per person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import Task, TaskDraft
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.db.tasks import TaskRepository

KEPT = 1000


def soon(minutes: float) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def delete_and_undo(tasks: TaskRepository, *deleted: Task) -> tuple[Task, ...]:
    """What Delete and then Ctrl+Z do: delete at the versions shown, restore the tasks shown.
    Returns them as restored (at their new versions)."""
    outcome = tasks.delete_unchanged({t.id: t.updated_at for t in deleted})
    assert set(outcome.deleted) == {t.id for t in deleted}
    restored = tasks.restore_many(deleted).stored
    assert {t.id for t in restored} == {t.id for t in deleted}
    return restored


def test_undoing_a_delete_brings_each_reminder_back_as_it_was(
    alice_tasks: TaskRepository, alice_reminders: ReminderRepository
) -> None:
    due = soon(180).replace(microsecond=0)
    before = alice_tasks.create(TaskDraft(title="Dentist", due_date=due))
    at = alice_tasks.create(TaskDraft(title="Call mum"))
    plain = alice_tasks.create(TaskDraft(title="no reminder"))
    ring = soon(60).replace(microsecond=0)
    alice_reminders.set_reminder(before.id, ReminderSetting(before_due=timedelta(minutes=30)))
    alice_reminders.set_reminder(at.id, ReminderSetting(at=ring))
    delete_and_undo(alice_tasks, before, at, plain)
    assert alice_reminders.reminder_of(before.id) == ReminderSetting(before_due=timedelta(minutes=30))
    assert alice_reminders.reminder_of(at.id) == ReminderSetting(at=ring)
    assert alice_reminders.reminder_of(plain.id) is None
    assert alice_reminders.reminded_task_ids() == {before.id, at.id}
    assert alice_reminders.next_fire_at() == ring  # it still rings, and at its time


def test_a_reminder_that_rang_does_not_ring_again_after_the_undo(
    alice_tasks: TaskRepository, alice_reminders: ReminderRepository
) -> None:
    task = alice_tasks.create(TaskDraft(title="rang already"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(-5)))
    assert [r.task_id for r in alice_reminders.claim_due()] == [task.id]
    delete_and_undo(alice_tasks, task)
    assert alice_reminders.reminder_of(task.id) is not None
    assert alice_reminders.claim_due() == []


def test_a_reminder_cleared_before_the_delete_stays_cleared(
    alice_tasks: TaskRepository, alice_reminders: ReminderRepository
) -> None:
    task = alice_tasks.create(TaskDraft(title="t"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(30)))
    alice_reminders.clear_reminder(task.id)
    delete_and_undo(alice_tasks, task)
    assert alice_reminders.reminder_of(task.id) is None


def test_a_second_undo_brings_back_the_reminder_of_the_second_delete(
    alice_tasks: TaskRepository, alice_reminders: ReminderRepository
) -> None:
    task = alice_tasks.create(TaskDraft(title="t"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(30).replace(microsecond=0)))
    (task,) = delete_and_undo(alice_tasks, task)
    later = soon(90).replace(microsecond=0)
    alice_reminders.set_reminder(task.id, ReminderSetting(at=later))
    delete_and_undo(alice_tasks, task)
    assert alice_reminders.reminder_of(task.id) == ReminderSetting(at=later)


def test_what_waits_for_an_undo_is_a_week_and_the_newest_thousand(
    alice_tasks: TaskRepository, alice_reminders: ReminderRepository, alice, test_db
) -> None:
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO public.task_reminders_removed (task_id, user_id, remind_at, fire_at, removed_at) "
            "SELECT gen_random_uuid(), %s, now(), now(), now() - make_interval(secs => n) "
            "FROM generate_series(1, %s) AS n",
            (alice.account.id, KEPT),
        )
        su.execute(
            "INSERT INTO public.task_reminders_removed (task_id, user_id, remind_at, fire_at, removed_at) "
            "VALUES (gen_random_uuid(), %s, now(), now(), now() - interval '8 days')",
            (alice.account.id,),
        )
    task = alice_tasks.create(TaskDraft(title="newest"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(30)))
    alice_tasks.delete([task.id])
    with test_db.superuser() as su:
        kept = su.execute(
            "SELECT count(*), bool_or(task_id = %s), min(removed_at) > now() - interval '7 days' "
            "FROM public.task_reminders_removed WHERE user_id = %s",
            (task.id, alice.account.id),
        ).fetchone()
    assert kept == (KEPT, True, True)
