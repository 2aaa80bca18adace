"""The export's report, as the window and the command line show it, names what the file
leaves out: read from the account's own tasks and reminders in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import SignedIn, TaskDraft
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.sync.transfer_export import export_file

DUE = datetime(2031, 5, 30, 9, 0, tzinfo=UTC)


def test_an_export_to_csv_names_the_reminders_it_could_not_write(
    tmp_path: Path, client_db, alice_tasks, alice: SignedIn, bob_tasks, bob: SignedIn
) -> None:
    reminders = ReminderRepository(client_db, alice.token)
    dentist = alice_tasks.create(TaskDraft(title="Dentist", due_date=DUE))
    reminders.set_reminder(dentist.id, ReminderSetting(before_due=timedelta(minutes=15)))
    alice_tasks.create(TaskDraft(title="No reminder"))
    # Another person's reminder is not this export's business.
    other = bob_tasks.create(TaskDraft(title="Bob's", due_date=DUE))
    bob_reminders = ReminderRepository(client_db, bob.token)
    bob_reminders.set_reminder(other.id, ReminderSetting(before_due=timedelta(hours=1)))

    csv = export_file(alice_tasks, tmp_path / "tasks.csv", "csv", reminders=reminders)
    assert csv.sentence() == (
        "Exported 2 tasks to tasks.csv (CSV)."
        " CSV files hold no reminders: the reminder of 1 task is not in the file."
    )
    whole = export_file(alice_tasks, tmp_path / "tasks.json", "json", reminders=reminders)
    assert whole.sentence() == "Exported 2 tasks to tasks.json (Todo Desktop JSON)."


def test_an_export_to_taskwarrior_names_the_repeats_it_can_only_come_near(
    tmp_path: Path, alice_tasks
) -> None:
    alice_tasks.create(TaskDraft(title="Pay rent", due_date=DUE, repeat="FREQ=MONTHLY;BYMONTHDAY=-1"))
    alice_tasks.create(TaskDraft(title="Weekly review", due_date=DUE, repeat="FREQ=WEEKLY"))
    report = export_file(alice_tasks, tmp_path / "tasks.json", "taskwarrior")
    assert report.left_out == (
        "Taskwarrior has no words for the repeat of 1 task (such as \u201cEvery month on the last day\u201d):"
        " there they repeat every day, week, month or year from the due date, and this app reads the exact"
        " rules back from the file.",
    )
