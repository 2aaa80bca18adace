"""The next occurrence at the edges of what a rule may say: intervals of many years or months
(the series goes on), and times a DST change skips or repeats in the machine's own zone (the
one the window passes), which must read them as a named zone does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core import repeats
from todo_desktop.core.clock import LocalZone

BERLIN = ZoneInfo("Europe/Berlin")


def at(zone, *fields: int) -> datetime:
    return datetime(*fields, tzinfo=zone).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=YEARLY;INTERVAL=50", (2077, 6, 1)),
        ("FREQ=YEARLY;INTERVAL=999", (3026, 6, 1)),
        ("FREQ=MONTHLY;INTERVAL=600", (2077, 6, 1)),
        ("FREQ=MONTHLY;INTERVAL=999", (2110, 9, 1)),
        # Every 41 years on the 29th of February: 2068 is the series' first leap year.
        ("FREQ=YEARLY;INTERVAL=41;BYMONTH=2;BYMONTHDAY=29", (2068, 2, 29)),
    ],
)
def test_a_long_interval_goes_on_instead_of_ending_the_series(rule, expected):
    due = at(BERLIN, 2027, 6, 1, 9, 0)
    assert repeats.next_due(rule, due, due, BERLIN) == at(BERLIN, *expected, 9, 0)


def test_a_long_interval_past_the_last_year_a_task_may_have_ends():
    due = at(BERLIN, 9000, 6, 1, 9, 0)
    assert repeats.next_due("FREQ=YEARLY;INTERVAL=999", due, due, BERLIN) is None


@pytest.fixture
def berlin_machine(monkeypatch) -> Iterator[LocalZone]:
    """This machine's own zone set to Berlin, as the window reads it (the C library's)."""
    if not hasattr(time, "tzset"):
        pytest.skip("the C library's zone can be changed only where time.tzset exists")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield LocalZone()
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("rule", ["FREQ=DAILY", "FREQ=WEEKLY"])
def test_a_skipped_time_in_the_machines_zone_is_after_the_change_as_in_a_named_zone(berlin_machine, rule):
    """02:30 does not exist on 28 March 2027 in Berlin: 03:30 summer time, never 01:30, an hour
    before the time the person gave."""
    due = at(BERLIN, 2027, 3, 28 - (7 if rule == "FREQ=WEEKLY" else 1), 2, 30)
    expected = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert repeats.next_due(rule, due, due, BERLIN) == expected
    assert repeats.next_due(rule, due, due, berlin_machine) == expected


def test_a_repeated_time_in_the_machines_zone_is_the_first_of_the_two(berlin_machine):
    due = at(BERLIN, 2027, 10, 30, 2, 30)  # summer time
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, before the clocks go back
    assert repeats.next_due("FREQ=DAILY", due, due, BERLIN) == first
    assert repeats.next_due("FREQ=DAILY", due, due, berlin_machine) == first


def test_after_completion_on_the_night_the_clocks_go_forward(berlin_machine):
    due = at(BERLIN, 2027, 3, 20, 2, 30)
    done = at(BERLIN, 2027, 3, 27, 20, 0)
    expected = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert repeats.next_due("FREQ=DAILY", due, done, BERLIN, after_completion=True) == expected
    assert repeats.next_due("FREQ=DAILY", due, done, berlin_machine, after_completion=True) == expected
