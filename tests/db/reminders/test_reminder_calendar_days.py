"""An offset's whole days are calendar days in the person's zone (revision 0036): "1 day
before" a task due at 09:00 rings at 09:00 the day before, local time, when summer time begins
or ends between the two; the rest of an offset stays an exact duration. That holds wherever a
ring time is made from a due time: setting the reminder, moving the due date, a repeating
task's next occurrence, and the undo of a delete. Python cannot tell a day from 24 hours
(``timedelta(hours=24) == timedelta(days=1)``), so 24 hours count as a calendar day too.

Times are written in UTC, worked out by hand: Berlin is UTC+1 in winter and UTC+2 in summer;
in 2027 its summer time runs from Sunday 28 March to Sunday 31 October. New York is UTC-5 and
UTC-4, summer time from Sunday 14 March 2027."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.support.attack_helpers import as_session, attacker
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import NextOccurrence, Task, TaskChanges, TaskDraft, TaskEdit
from todo_desktop.db import reminders as sql
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.db.tasks import TaskRepository

BERLIN = "Europe/Berlin"
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def in_berlin(client_db, alice) -> ReminderRepository:
    return ReminderRepository(client_db, alice.token, zone=lambda: BERLIN)


def fire_at(client_db, alice, task_id: uuid.UUID) -> datetime:
    (row,) = client_db.call(alice.token, sql.READ, {"task_id": task_id})
    return row[2]


def exported(client_db, alice, statement: str) -> list:
    return client_db.run(alice.token, lambda c: c.execute(text(statement)).all())


def test_the_export_carries_the_zone(client_db, alice, alice_tasks, in_berlin):
    task = reminded(alice_tasks, in_berlin, utc(3, 28, 7), DAY)
    rows = exported(client_db, alice, "SELECT id, task FROM todo_api.my_tasks(NULL, NULL, NULL, 10)")
    assert {r[0]: r[1]["reminder"]["zone"] for r in rows} == {task.id: BERLIN}


def reminded(tasks: TaskRepository, reminders: ReminderRepository, due: datetime, before: timedelta) -> Task:
    task = tasks.create(TaskDraft(title="Dentist", due_date=due))
    reminders.set_reminder(task.id, ReminderSetting(before_due=before))
    return task


@pytest.mark.parametrize(
    ("zone", "due", "before", "rings"),
    [
        # Monday 29 March 09:00 (summer): Sunday 09:00 is summer time already.
        (BERLIN, utc(3, 29, 7), DAY, utc(3, 28, 7)),
        # Two days before it is Saturday 09:00, still winter: an hour later in UTC.
        (BERLIN, utc(3, 29, 7), 2 * DAY, utc(3, 27, 8)),
        # Sunday 28 March 09:00, the day summer time begins: Saturday 09:00 winter time.
        (BERLIN, utc(3, 28, 7), DAY, utc(3, 27, 8)),
        (BERLIN, utc(3, 28, 7), timedelta(hours=24), utc(3, 27, 8)),
        # A week before Tuesday 30 March 09:00 is Tuesday 23 March 09:00, winter time.
        (BERLIN, utc(3, 30, 7), 7 * DAY, utc(3, 23, 8)),
        # Sunday 31 October 09:00, the day summer time ends: Saturday 09:00 summer time.
        (BERLIN, utc(10, 31, 8), DAY, utc(10, 30, 7)),
        # A day and two hours: Saturday 09:00, then two hours exactly before that.
        (BERLIN, utc(3, 28, 7), DAY + 2 * HOUR, utc(3, 27, 6)),
        # Hours stay hours: 2 hours before Sunday 04:00 summer time is 01:00 winter time.
        (BERLIN, utc(3, 28, 2), 2 * HOUR, utc(3, 28, 0)),
        (BERLIN, utc(3, 28, 7), 25 * HOUR - timedelta(minutes=1), utc(3, 27, 7, 1)),
        # At the due time, and the most there is: 30 days before 15 April 09:00 (summer).
        (BERLIN, utc(3, 28, 7), timedelta(0), utc(3, 28, 7)),
        (BERLIN, utc(4, 15, 7), 30 * DAY, utc(3, 16, 8)),
        # Sunday 14 March 09:00 in New York (summer): Saturday 09:00 is winter time.
        ("America/New_York", utc(3, 14, 13), DAY, utc(3, 13, 14)),
        # No zone (a machine that cannot name its zone): a day is 24 hours, as before.
        (None, utc(3, 28, 7), DAY, utc(3, 27, 7)),
    ],
)
def test_whole_days_are_days_on_the_persons_calendar(client_db, alice, alice_tasks, zone, due, before, rings):
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: zone)
    task = reminded(alice_tasks, reminders, due, before)
    assert fire_at(client_db, alice, task.id) == rings
    assert reminders.reminder_of(task.id) == ReminderSetting(before_due=before)  # read back as set


def test_the_sessions_own_time_zone_changes_nothing(test_db, alice, alice_tasks, client_db):
    """A pooled connection may carry any TimeZone and abbreviation set a client left on it."""
    task = alice_tasks.create(TaskDraft(title="Dentist", due_date=utc(3, 28, 7)))
    conn = attacker(test_db.client_url)
    try:
        conn.execute("SET TIME ZONE 'Pacific/Kiritimati'")
        conn.execute("SET timezone_abbreviations = 'India'")
        as_session(conn, alice.token)
        conn.execute("SELECT todo_api.set_reminder(%s, NULL, interval '1 day', %s)", (task.id, BERLIN))
        conn.commit()
    finally:
        conn.close()
    assert fire_at(client_db, alice, task.id) == utc(3, 27, 8)


def test_moving_the_due_date_moves_the_reminder_by_calendar_days(client_db, alice, alice_tasks, in_berlin):
    task = reminded(alice_tasks, in_berlin, utc(3, 20, 8), DAY)  # Saturday 20 March, winter
    assert fire_at(client_db, alice, task.id) == utc(3, 19, 8)
    alice_tasks.update(task.id, TaskChanges(due_date=utc(3, 28, 7)))  # Sunday, summer time
    assert fire_at(client_db, alice, task.id) == utc(3, 27, 8)
    alice_tasks.update_many([TaskEdit(task.id, TaskChanges(due_date=utc(10, 31, 8)))])
    assert fire_at(client_db, alice, task.id) == utc(10, 30, 7)
    assert in_berlin.next_fire_at() == utc(10, 30, 7)


def test_a_repeating_tasks_next_occurrence_counts_calendar_days(client_db, alice, alice_tasks, in_berlin):
    task = alice_tasks.create(TaskDraft(title="Bins", due_date=utc(3, 21, 8), repeat="FREQ=WEEKLY"))
    in_berlin.set_reminder(task.id, ReminderSetting(before_due=DAY))
    nxt = NextOccurrence(uuid.uuid4(), utc(3, 28, 7))  # next Sunday 09:00, summer time
    alice_tasks.update_many([TaskEdit(task.id, TaskChanges(completed=True), next=nxt)])
    assert fire_at(client_db, alice, nxt.id) == utc(3, 27, 8)
    # And that occurrence's own due date moved later still counts in the same zone.
    alice_tasks.update(nxt.id, TaskChanges(due_date=utc(10, 31, 8)))
    assert fire_at(client_db, alice, nxt.id) == utc(10, 30, 7)


def test_the_undo_of_a_delete_brings_the_zone_back(client_db, alice, alice_tasks, in_berlin):
    task = reminded(alice_tasks, in_berlin, utc(3, 20, 8), DAY)
    outcome = alice_tasks.delete_unchanged({task.id: task.updated_at})
    assert outcome.deleted
    (kept,) = exported(client_db, alice, "SELECT todo_api.my_data()")[0][0]["reminders_kept_for_undo"]
    assert kept["zone"] == BERLIN  # the person's data, in their export
    (back,) = alice_tasks.restore_many([task]).stored
    assert fire_at(client_db, alice, back.id) == utc(3, 19, 8)
    alice_tasks.update(back.id, TaskChanges(due_date=utc(3, 28, 7)))
    assert fire_at(client_db, alice, back.id) == utc(3, 27, 8)


def test_a_zone_the_database_does_not_know_keeps_exact_days(client_db, alice, alice_tasks):
    """A machine whose tz database is newer than the server's: the reminder is still set, and
    counts its days as 24 hours, as every reminder did before."""
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: "Mars/Olympus_Mons")
    for _ in range(2):  # the second time without asking the database about that zone again
        task = reminded(alice_tasks, reminders, utc(3, 28, 7), DAY)
        assert fire_at(client_db, alice, task.id) == utc(3, 27, 7)


def test_the_zone_is_the_machines_at_the_time_of_setting(client_db, alice, alice_tasks):
    """Set in New York, the reminder counts New York's days, also after moving to Berlin."""
    zone = ["America/New_York"]
    reminders = ReminderRepository(client_db, alice.token, zone=lambda: zone[0])
    task = reminded(alice_tasks, reminders, utc(3, 14, 13), DAY)
    zone[0] = BERLIN
    alice_tasks.update(task.id, TaskChanges(due_date=utc(3, 15, 13)))  # Monday 09:00 in New York
    assert fire_at(client_db, alice, task.id) == utc(3, 14, 13)
    reminders.set_reminder(task.id, ReminderSetting(before_due=DAY))  # set again, in Berlin
    assert fire_at(client_db, alice, task.id) == utc(3, 14, 13)  # Sunday 14:00 Berlin: same rule
    alice_tasks.update(task.id, TaskChanges(due_date=utc(3, 28, 7)))
    assert fire_at(client_db, alice, task.id) == utc(3, 27, 8)  # now Berlin's days
