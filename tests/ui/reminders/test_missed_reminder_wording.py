"""A reminder missed while the app was closed speaks of its task's due time in the right tense:
a task still due tomorrow is "Due tomorrow", not "Was due tomorrow"; one without a due time
says when the reminder was for."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from todo_desktop.core.reminders import Reminder
from todo_desktop.ui.reminders.wording import reminder_notice

NOW = datetime(2026, 11, 26, 12, 0).astimezone()


def test_a_missed_reminder_of_a_task_due_later_says_it_is_due(qapp):
    # "Remind me a day before" rang at 09:00 while the app was closed; opened at noon.
    due = (NOW + timedelta(days=1)).replace(hour=9)
    reminder = Reminder(uuid.uuid4(), "Dentist", (due - timedelta(days=1)), due)
    body = reminder_notice(reminder, NOW, missed=True).body
    assert body.startswith("Due tomorrow"), body


def test_a_missed_reminder_of_a_task_due_earlier_says_it_was_due(qapp):
    due = NOW - timedelta(hours=2)
    reminder = Reminder(uuid.uuid4(), "Dentist", due, due)
    assert reminder_notice(reminder, NOW, missed=True).body.startswith("Was due today")


def test_a_missed_reminder_without_a_due_time_says_when_it_was_for(qapp):
    reminder = Reminder(uuid.uuid4(), "Stretch", NOW - timedelta(days=1), None)
    assert reminder_notice(reminder, NOW, missed=True).body.startswith("Reminder for yesterday")
    assert reminder_notice(reminder, NOW).body == "Reminder"
