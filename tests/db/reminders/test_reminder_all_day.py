"""A task due all day (a date alone, kept at 23:59 local) counts its reminders from 09:00 on
that day (revision 0038), as calendar apps do: "1 day before" rings at 09:00 the day before,
"when due" at 09:00 on the day. They rang a minute before midnight, or late the evening before.
That holds wherever a ring time is made from a due time: setting the reminder, moving the due
date to a date alone (or back to a time), and a repeating task's next occurrence. A reminder
without a zone cannot tell the local day, and keeps its old meaning.

Times are written in UTC: Berlin is UTC+1 in winter and UTC+2 in summer; in 2027 its summer
time runs from Sunday 28 March to Sunday 31 October."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.db.reminders.test_reminder_calendar_days import BERLIN, fire_at, reminded, utc
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import NextOccurrence, TaskChanges, TaskDraft, TaskEdit
from todo_desktop.db.reminders import ReminderRepository

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
FRIDAY = utc(3, 19, 22, 59)  # Friday 19 March, all day: 23:59 in Berlin, winter time
SUNDAY = utc(3, 28, 21, 59)  # Sunday 28 March, all day: 23:59 summer time (the change is that night)


@pytest.mark.parametrize(
    ("due", "before", "rings"),
    [
        (FRIDAY, timedelta(0), utc(3, 19, 8)),  # when due: Friday 09:00
        (FRIDAY, DAY, utc(3, 18, 8)),  # Thursday 09:00
        (FRIDAY, HOUR, utc(3, 19, 7)),  # Friday 08:00
        (FRIDAY, 7 * DAY + 30 * timedelta(minutes=1), utc(3, 12, 7, 30)),  # Friday a week before, 08:30
        (SUNDAY, timedelta(0), utc(3, 28, 7)),  # Sunday 09:00, summer time already
        (SUNDAY, DAY, utc(3, 27, 8)),  # Saturday 09:00, winter time
        (utc(3, 19, 22, 58), DAY, utc(3, 18, 22, 58)),  # 23:58 is a time: a day before it
    ],
)
def test_a_task_due_all_day_rings_from_the_morning(client_db, alice, alice_tasks, due, before, rings):
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: BERLIN)
    task = reminded(alice_tasks, reminders, due, before)
    assert fire_at(client_db, alice, task.id) == rings
    assert reminders.reminder_of(task.id) == ReminderSetting(before_due=before)  # read back as set


def test_a_due_date_made_a_date_alone_moves_the_reminder_to_the_morning(client_db, alice, alice_tasks):
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: BERLIN)
    task = reminded(alice_tasks, reminders, utc(3, 19, 14), HOUR)  # Friday 15:00
    assert fire_at(client_db, alice, task.id) == utc(3, 19, 13)
    alice_tasks.update(task.id, TaskChanges(due_date=FRIDAY))  # the time taken away: all day
    assert fire_at(client_db, alice, task.id) == utc(3, 19, 7)
    alice_tasks.update_many([TaskEdit(task.id, TaskChanges(due_date=utc(3, 19, 16)))])  # 17:00 again
    assert fire_at(client_db, alice, task.id) == utc(3, 19, 15)


def test_a_repeating_task_due_all_day_rings_from_the_morning_of_the_next_one(client_db, alice, alice_tasks):
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: BERLIN)
    task = alice_tasks.create(TaskDraft(title="Bins", due_date=FRIDAY, repeat="FREQ=WEEKLY"))
    reminders.set_reminder(task.id, ReminderSetting(before_due=DAY))
    nxt = NextOccurrence(uuid.uuid4(), FRIDAY + 7 * DAY)  # Friday 26 March, all day
    alice_tasks.update_many([TaskEdit(task.id, TaskChanges(completed=True), next=nxt)])
    assert fire_at(client_db, alice, nxt.id) == utc(3, 25, 8)


def test_without_a_zone_the_day_is_not_known(client_db, alice, alice_tasks):
    """A machine that cannot name its zone: 23:59 is 23:59 somewhere, so the offset is exact."""
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: None)
    task = reminded(alice_tasks, reminders, FRIDAY, DAY)
    assert fire_at(client_db, alice, task.id) == FRIDAY - DAY


def test_the_morning_is_in_the_zone_the_reminder_was_set_in(client_db, alice, alice_tasks):
    """All day in New York is 23:59 there, 04:59 the next morning in Berlin: set in New York,
    it rings at 09:00 New York time; Berlin's clock does not make it a time of day."""
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: "America/New_York")
    new_york_friday = datetime(2027, 3, 20, 3, 59, tzinfo=UTC)  # Friday 19 March 23:59 EDT
    task = reminded(alice_tasks, reminders, new_york_friday, timedelta(0))
    assert fire_at(client_db, alice, task.id) == utc(3, 19, 13)
