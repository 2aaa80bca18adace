"""A notification speaks as a person does: "Due today 17:00", "Due tomorrow", "Was due Fri"."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QLocale

from todo_desktop.core.reminders import Reminder
from todo_desktop.ui.reminders.wording import LISTED, missed_notice, reminder_notice, when

ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
# A Thursday noon, in this machine's own time zone (the notification shows local time).
NOW = datetime(2026, 11, 26, 12, 0).astimezone()


def at(days: int, hour: int | None = None, minute: int = 0) -> datetime:
    """A day from NOW at a time; without one, as a due date typed without a time is kept."""
    day = NOW.replace(hour=0, minute=0) + timedelta(days=days)
    return day.replace(hour=23, minute=59) if hour is None else day.replace(hour=hour, minute=minute)


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (at(0, 17), "today 5:00 PM"),
        (at(0), "today"),
        (at(0, 0, 0), "today 12:00 AM"),
        (at(1), "tomorrow"),
        (at(1, 9, 30), "tomorrow 9:30 AM"),
        (at(-1, 8), "yesterday 8:00 AM"),
        (at(2), "Sat"),
        (at(6, 7), "Wed 7:00 AM"),
        (at(28), "Dec 24"),
        (at(393), "Dec 24 2027"),
    ],
)
def test_when_says_it_as_a_person_would(qapp, moment, said):
    # Qt's English times put a narrow no-break space before AM/PM; any space will do here.
    assert when(moment, NOW, ENGLISH).replace("\u202f", " ") == said


def test_a_reminder_names_its_task_and_when_it_is_due(qapp):
    reminder = Reminder(uuid.uuid4(), "Call mum", NOW, at(0, 17))
    notice = reminder_notice(reminder, NOW)
    assert notice.summary == "Call mum"
    assert notice.body.startswith("Due today")
    assert [key for key, _ in notice.actions] == ["done", "snooze", "default"]
    assert notice.task_ids == (reminder.task_id,)


def test_a_missed_reminder_says_it_was_due(qapp):
    reminder = Reminder(uuid.uuid4(), "Call mum", at(-1, 8), at(-1, 8))
    assert reminder_notice(reminder, NOW, missed=True).body.startswith("Was due yesterday")


def test_a_reminder_without_a_due_date_says_reminder(qapp):
    reminder = Reminder(uuid.uuid4(), "Stretch", NOW, None)
    assert reminder_notice(reminder, NOW).body == "Reminder"


def test_many_missed_reminders_are_counted_not_all_listed(qapp):
    reminders = [Reminder(uuid.uuid4(), f"Task {i}", at(-1), None) for i in range(LISTED + 3)]
    notice = missed_notice(reminders)
    assert notice.summary == f"{LISTED + 3} reminders you missed"
    assert notice.body.splitlines()[-1] == "and 3 more"
    assert len(notice.body.splitlines()) == LISTED + 1
    assert len(notice.task_ids) == LISTED + 3
