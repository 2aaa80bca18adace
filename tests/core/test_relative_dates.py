"""Due dates in the words a planner uses, by local calendar day: "Today 17:00", "Tomorrow",
"Fri", "Dec 24", "3 days overdue". Days are counted on the calendar, never as 24-hour spans."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core.clock import end_of_day
from todo_desktop.core.relative_dates import DueKind, due_label

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 25 November 2026, 10:00 in Berlin.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)


def at(day: int, hour: int = 15, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("due", "kind", "count"),
    [
        (at(25, 17), DueKind.TODAY, 0),
        (at(25, 8), DueKind.TODAY, 0),  # earlier today: still today (shown red, not "0 days")
        (at(26, 9), DueKind.TOMORROW, 0),
        (at(24, 9), DueKind.YESTERDAY, 0),
        (at(27), DueKind.WEEKDAY, 0),
        (at(1, month=12), DueKind.WEEKDAY, 0),  # six days on: still "Tue"
        (at(2, month=12), DueKind.THIS_YEAR, 0),  # a week on: "Dec 2", not an ambiguous "Wed"
        (at(24, month=12, year=2027), DueKind.OTHER_YEAR, 0),
        (at(22), DueKind.DAYS_OVERDUE, 3),
        (at(12), DueKind.DAYS_OVERDUE, 13),
        (at(11), DueKind.WEEKS_OVERDUE, 2),
        (at(1, month=10), DueKind.WEEKS_OVERDUE, 7),
        (at(1, month=9), DueKind.THIS_YEAR, 0),  # long overdue: the date says more
    ],
)
def test_each_distance_reads_as_a_planner_says_it(due, kind, count):
    label = due_label(due, NOW, BERLIN)
    assert (label.kind, label.count) == (kind, count)


def test_a_date_typed_without_a_time_shows_no_time():
    due = end_of_day(NOW, BERLIN, 1)  # how "tomorrow" is stored: 23:59 local
    label = due_label(due, NOW, BERLIN)
    assert label.kind is DueKind.TOMORROW
    assert label.time is None
    assert due_label(at(26, 9, 30), NOW, BERLIN).time == time(9, 30)


def test_a_completed_task_is_never_overdue():
    label = due_label(at(20), NOW, BERLIN, open_task=False)
    assert label.kind is DueKind.THIS_YEAR


def test_days_are_calendar_days_across_a_change_of_clocks():
    # Berlin leaves summer time on 25 October 2026: that Sunday has 25 hours.
    saturday_late = datetime(2026, 10, 24, 23, 30, tzinfo=BERLIN)
    monday_early = datetime(2026, 10, 26, 0, 15, tzinfo=BERLIN).astimezone(UTC)
    assert due_label(monday_early, saturday_late, BERLIN).kind is DueKind.WEEKDAY  # two days, not one
    sunday = datetime(2026, 10, 25, 23, 45, tzinfo=BERLIN).astimezone(UTC)
    assert due_label(sunday, saturday_late, BERLIN).kind is DueKind.TOMORROW


def test_the_day_is_the_local_one_not_utc():
    # 00:30 on the 26th in Berlin is still the 25th in UTC: it is tomorrow here.
    label = due_label(at(26, 0, 30), NOW, BERLIN)
    assert label.kind is DueKind.TOMORROW
    assert label.day.day == 26
