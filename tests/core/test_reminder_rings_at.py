"""Where the window guesses a reminder's ring time before the database answers (the row's bell
at once), it counts as the database does (revisions 0036 and 0038): whole days on the calendar
of the zone, the rest exactly, and a task due all day from 09:00 on its day. The cases are the
database tests' own (tests/db/reminders/test_reminder_calendar_days.py, test_reminder_all_day.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core.reminders import rings_at
from todo_desktop.core.values import ReminderSetting

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
DAY, HOUR, MINUTE = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "due", "before", "rings"),
    [
        (BERLIN, utc(3, 29, 7), DAY, utc(3, 28, 7)),  # summer time already on the Sunday
        (BERLIN, utc(3, 28, 7), DAY, utc(3, 27, 8)),  # the day summer time begins
        (BERLIN, utc(3, 28, 7), DAY + 2 * HOUR, utc(3, 27, 6)),
        (BERLIN, utc(3, 28, 2), 2 * HOUR, utc(3, 28, 0)),  # hours stay hours
        (BERLIN, utc(10, 31, 8), DAY, utc(10, 30, 7)),  # the day summer time ends
        (NEW_YORK, utc(3, 14, 13), DAY, utc(3, 13, 14)),
        # 02:30 happens twice on 31 October: hours count from the pass the task is due in,
        # and a day before a later 02:30 is read as the second pass, as PostgreSQL reads it.
        (BERLIN, utc(10, 31, 1, 30), 30 * MINUTE, utc(10, 31, 1)),
        (BERLIN, utc(10, 31, 0, 30), 30 * MINUTE, utc(10, 31, 0)),
        (BERLIN, utc(11, 1, 1, 30), DAY, utc(10, 31, 1, 30)),
        (BERLIN, utc(3, 29, 0, 30), DAY, utc(3, 28, 1, 30)),  # 02:30 never happens on 28 March
        (None, utc(3, 28, 7), DAY, utc(3, 27, 7)),  # no zone: exact
        # Due all day: 23:59 in Berlin.
        (BERLIN, utc(3, 19, 22, 59), timedelta(0), utc(3, 19, 8)),
        (BERLIN, utc(3, 19, 22, 59), DAY, utc(3, 18, 8)),
        (BERLIN, utc(3, 19, 22, 59), HOUR, utc(3, 19, 7)),
        (BERLIN, utc(3, 19, 22, 59), 7 * DAY + 30 * MINUTE, utc(3, 12, 7, 30)),
        (BERLIN, utc(3, 28, 21, 59), DAY, utc(3, 27, 8)),
        (BERLIN, utc(3, 19, 22, 58), DAY, utc(3, 18, 22, 58)),  # 23:58 is a time
        (None, utc(3, 19, 22, 59), DAY, utc(3, 18, 22, 59)),
    ],
)
def test_an_offset_rings_where_the_database_rings_it(zone, due, before, rings) -> None:
    assert rings_at(ReminderSetting(before_due=before), due, zone) == rings


def test_a_time_of_its_own_and_an_offset_without_a_due_date() -> None:
    at = utc(5, 1, 9)
    assert rings_at(ReminderSetting(at=at), None, BERLIN) == at
    assert rings_at(ReminderSetting(at=at), utc(6, 1, 9), BERLIN) == at
    assert rings_at(ReminderSetting(before_due=HOUR), None, BERLIN) is None
