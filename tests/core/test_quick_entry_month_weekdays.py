"""Repeats on a weekday's place in the month ("every 2nd monday", "every last friday"): the
rule written, and its first day against dateutil's reading of that rule over many a month."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from todo_desktop.core.quick_entry import parse
from todo_desktop.core.quick_entry.repeats import describe
from todo_desktop.core.quick_entry.summary import rule_from_rrule

BERLIN = ZoneInfo("Europe/Berlin")
PLACES = {"1st": "1", "2nd": "2", "3rd": "3", "4th": "4", "5th": "5", "last": "-1"}
DAYS = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
    "friday": "FR", "saturday": "SA", "sunday": "SU",
}  # fmt: skip
# Every day of the week and every place in the month, across a leap February and a year end.
TODAYS = [date(2027, 11, 1) + timedelta(days=n) for n in range(0, 160, 3)]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("day", DAYS)
def test_the_first_day_is_the_next_one_dateutil_gives(place: str, day: str):
    rule = f"FREQ=MONTHLY;BYDAY={PLACES[place]}{DAYS[day]}"
    for today in TODAYS:
        now = datetime(today.year, today.month, today.day, 12, 0, tzinfo=BERLIN)
        entry = parse(f"Meet every {place} {day}", now, BERLIN)
        assert (entry.title, entry.repeat) == ("Meet", rule)
        assert entry.due is not None
        start = datetime(today.year, today.month, today.day)
        expected = rrulestr(rule, dtstart=start).after(start, inc=True)
        assert entry.due.astimezone(BERLIN).date() == expected.date(), today


@pytest.mark.parametrize("text", ["Meet every 6th monday", "Meet every 31st friday", "Meet every last"])
def test_no_weekday_has_a_place_past_the_fifth(text: str):
    entry = parse(text, datetime(2026, 12, 5, 10, 0, tzinfo=BERLIN), BERLIN)
    assert entry.repeat is None


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;BYDAY=-1FR", "Every month on the last Friday"),
        ("FREQ=MONTHLY;BYDAY=-2FR", "Every month on the 2nd to last Friday"),  # from another app
        ("FREQ=YEARLY;BYDAY=4TH;BYMONTH=11", "Every year on the 4th Thursday in Nov"),
    ],
)
def test_a_stored_place_in_the_month_is_said_in_words(rule: str, words: str) -> None:
    assert describe(rule_from_rrule(rule)) == words
