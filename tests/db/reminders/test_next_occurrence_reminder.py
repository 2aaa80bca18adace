"""A repeating task's next occurrence keeps its reminder's offset, but a reminder that would
already have rung (two days before an occurrence due tomorrow) does not ring the moment the
task is ticked: it counts as gone by, as when an edit moves a due date past its reminder."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import NextOccurrence, TaskChanges, TaskDraft, TaskEdit


def _tick(tasks, task, next_due: datetime) -> uuid.UUID:
    nxt = NextOccurrence(uuid.uuid4(), next_due)
    tasks.update_many([TaskEdit(task.id, TaskChanges(completed=True), next=nxt)])
    return nxt.id


def test_an_offset_already_past_for_the_next_occurrence_does_not_ring(alice_tasks, alice_reminders):
    due = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    task = alice_tasks.create(TaskDraft(title="Water plants", due_date=due, repeat="FREQ=DAILY"))
    alice_reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(days=2)))
    assert alice_reminders.claim_due() != []  # its own reminder was already due: rung once
    next_id = _tick(alice_tasks, task, due + timedelta(days=1))
    assert alice_reminders.reminder_of(next_id) == ReminderSetting(before_due=timedelta(days=2))
    assert alice_reminders.claim_due() == []  # not at the tick
    assert next_id not in alice_reminders.reminded_task_ids()  # nothing left to ring for it


def test_an_offset_still_ahead_for_the_next_occurrence_rings_then(alice_tasks, alice_reminders):
    due = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    task = alice_tasks.create(TaskDraft(title="Bins", due_date=due, repeat="FREQ=WEEKLY"))
    alice_reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(days=2)))
    next_id = _tick(alice_tasks, task, due + timedelta(days=7))
    assert alice_reminders.claim_due() == []
    fire = alice_reminders.next_fire_at()
    assert fire is not None and abs(fire - (due + timedelta(days=5))) < timedelta(seconds=1)
    assert next_id in alice_reminders.reminded_task_ids()
