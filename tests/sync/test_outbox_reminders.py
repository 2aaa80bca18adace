"""A reminder typed with a new task goes in with it: online in the same create, and offline
kept with the task in the outbox file, across a restart, until the database is back. Never
lost, never set twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.outbox_helpers import Switched
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.values import ReminderSetting, TaskDraft
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.sync.outbox import DurableTasks, outbox_for
from todo_desktop.sync.outbox_file import Outbox, draft_from_json, draft_to_json

DUE = datetime(2031, 3, 7, 17, 0, tzinfo=UTC)
BEFORE = ReminderSetting(before_due=timedelta(minutes=10))
AT = ReminderSetting(at=datetime(2031, 3, 6, 9, 30, tzinfo=UTC))


@pytest.fixture
def reminders(client_db, alice) -> ReminderRepository:
    return ReminderRepository(client_db, alice.token)


@pytest.mark.parametrize("setting", [BEFORE, AT])
def test_a_reminder_goes_in_with_its_task(alice_tasks, reminders, setting):
    task = alice_tasks.create(TaskDraft("Dentist", due_date=DUE, reminder=setting))
    assert reminders.reminder_of(task.id) == setting
    assert task.id in reminders.reminded_task_ids()


def test_creating_again_after_a_lost_answer_sets_it_once(alice_tasks, reminders):
    draft = TaskDraft("Dentist", due_date=DUE, reminder=BEFORE)
    alice_tasks.create(draft)
    alice_tasks.create(draft)  # the retry of a create whose COMMIT answer was lost
    assert reminders.reminder_of(draft.id) == BEFORE


def test_a_bad_reminder_stops_the_task_with_one_sentence(alice_tasks, reminders):
    with pytest.raises(ValidationError) as refused:
        alice_tasks.create(TaskDraft("Dentist", due_date=DUE, reminder=ReminderSetting()))
    assert refused.value.field == "reminder"


@pytest.mark.parametrize("setting", [BEFORE, AT, None])
def test_the_outbox_file_keeps_the_reminder(setting):
    draft = TaskDraft("Dentist", due_date=DUE, reminder=setting)
    assert draft_from_json(draft_to_json(draft)) == draft


def test_an_entry_from_before_reminders_has_none():
    old = {k: v for k, v in draft_to_json(TaskDraft("Old")).items() if k != "reminder"}
    assert draft_from_json(old).reminder is None


def test_a_task_with_a_reminder_made_offline_gets_it_after_a_restart(alice_tasks, reminders, tmp_path: Path):
    folder = tmp_path / "outbox"
    switched = Switched(alice_tasks)
    durable = outbox_for(folder, "local", switched)
    switched.down.set()
    shown = durable.create(TaskDraft("Dentist", due_date=DUE, reminder=BEFORE))
    assert reminders.reminder_of(shown.id) is None  # nothing reached the database
    switched.down.clear()
    restarted = DurableTasks(Switched(alice_tasks), Outbox(folder, "local"))  # the app started again
    assert restarted.flush().sent == 1
    assert reminders.reminder_of(shown.id) == BEFORE
