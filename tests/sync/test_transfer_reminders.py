"""Reminders travel with the tasks through the formats that can carry them (this app's JSON,
iCalendar's VALARM): exported as set, imported onto the tasks as stored, once, and never over
a reminder set in the app since."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from todo_desktop.core import interchange
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import SignedIn, Status, TaskDraft, TaskQuery
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.transfer import ImportJob
from todo_desktop.sync.transfer_export import export_file

DUE = datetime(2031, 5, 6, 9, 0, tzinfo=UTC)
AT = datetime(2031, 5, 1, 7, 30, tzinfo=UTC)


def _reminders_by_title(
    tasks: TaskRepository, reminders: ReminderRepository
) -> dict[str, ReminderSetting | None]:
    return {t.title: reminders.reminder_of(t.id) for t in tasks.list(TaskQuery(status=Status.ALL)).tasks}


@pytest.mark.parametrize("fmt", ["json", "ical"])
def test_reminders_go_out_and_come_back_on_the_tasks(
    fmt: str, tmp_path: Path, client_db, alice_tasks, alice: SignedIn, bob_tasks, bob: SignedIn
) -> None:
    alice_reminders = ReminderRepository(client_db, alice.token)
    before = alice_tasks.create(TaskDraft(title="Dentist", due_date=DUE))
    alice_reminders.set_reminder(before.id, ReminderSetting(before_due=timedelta(minutes=15)))
    at = alice_tasks.create(TaskDraft(title="Call the bank"))
    alice_reminders.set_reminder(at.id, ReminderSetting(at=AT))
    alice_tasks.create(TaskDraft(title="No reminder", due_date=DUE))
    path = tmp_path / f"tasks.{fmt}"
    export_file(alice_tasks, path, fmt, reminders=alice_reminders)

    # Bob imports Alice's file: the ids are Alice's, so his tasks get ids of his own.
    bob_reminders = ReminderRepository(client_db, bob.token)
    result = interchange.read(path.read_bytes(), fmt)
    ImportJob(bob_tasks, bob.account.id, result, reminders=bob_reminders).run()
    wanted = {
        "Dentist": ReminderSetting(before_due=timedelta(minutes=15)),
        "Call the bank": ReminderSetting(at=AT),
        "No reminder": None,
    }
    assert _reminders_by_title(bob_tasks, bob_reminders) == wanted

    # Changed in the app, then the file imported again: nothing doubled, the change kept.
    dentist = next(t for t in bob_tasks.list(TaskQuery(status=Status.ALL)).tasks if t.title == "Dentist")
    bob_reminders.set_reminder(dentist.id, ReminderSetting(before_due=timedelta(hours=1)))
    ImportJob(
        bob_tasks, bob.account.id, interchange.read(path.read_bytes(), fmt), reminders=bob_reminders
    ).run()
    again = _reminders_by_title(bob_tasks, bob_reminders)
    assert len(bob_tasks.list(TaskQuery(status=Status.ALL)).tasks) == 3
    assert again == {**wanted, "Dentist": ReminderSetting(before_due=timedelta(hours=1))}
