"""The last day of the month (BYMONTHDAY=-1): the rule is taken, followed through short months
and leap years, and carried through iCalendar, Todoist and Taskwarrior files; a day counted
further from the end is refused with one sentence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange, repeats
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.interchange.taskwarrior import LAST_DAY_LOST

BERLIN = ZoneInfo("Europe/Berlin")
MONTHLY = "FREQ=MONTHLY;BYMONTHDAY=-1"


def _local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("rule", "due", "after"),
    [
        (MONTHLY, _local(2027, 1, 31, 9), [(2027, 2, 28), (2027, 3, 31), (2027, 4, 30)]),
        (MONTHLY, _local(2028, 1, 31, 9), [(2028, 2, 29), (2028, 3, 31)]),  # a leap year
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", _local(2027, 11, 30, 9), [(2028, 2, 29), (2028, 5, 31)]),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", _local(2027, 2, 28, 9), [(2028, 2, 29), (2029, 2, 28)]),
    ],
)
def test_the_next_occurrence_is_each_months_own_last_day(rule, due, after):
    found = []
    for _ in after:
        due = repeats.next_due(rule, due, due, BERLIN)
        assert due is not None and due.astimezone(BERLIN).hour == 9  # across DST too
        found.append(due.astimezone(BERLIN).date().timetuple()[:3])
    assert found == after
    # As every calendar that reads RFC 5545 would have it.
    start = _local(*after[0], 9).replace(tzinfo=None)
    assert [d.timetuple()[:3] for d in rrulestr(rule, dtstart=start)[:2]] == after[:2]


def test_the_rule_is_taken_and_nothing_further_from_the_end():
    assert repeats.canonical("bymonthday=-1;freq=monthly") == MONTHLY
    assert repeats.canonical("FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2") == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
    assert repeats.canonical("FREQ=WEEKLY;BYDAY=FR;BYMONTHDAY=-1") == "FREQ=WEEKLY;BYDAY=FR;BYMONTHDAY=-1"
    for rule in ("FREQ=MONTHLY;BYMONTHDAY=-2", "FREQ=MONTHLY;BYMONTHDAY=-0", "FREQ=MONTHLY;BYMONTHDAY=--1"):
        with pytest.raises(ValidationError, match=r"^A repeat's day \(BYMONTHDAY\) must be 1 to 31, or -1"):
            repeats.canonical(rule)
    with pytest.raises(ValidationError, match="weekdays"):
        repeats.canonical("FREQ=MONTHLY;BYDAY=-1FR;BYMONTHDAY=-1")


def test_icalendar_carries_the_last_day_both_ways():
    task = make_task("Rent", due_date=_local(2027, 1, 31, 9), repeat=MONTHLY)
    text = interchange.write([task], "ical", zone=BERLIN)
    assert "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1\r\n" in text
    [todo] = [c for c in icalendar.Calendar.from_ical(text).walk() if c.name == "VTODO"]
    assert todo["RRULE"]["BYMONTHDAY"] == [-1]
    [back] = interchange.read(text, zone=BERLIN).rows
    assert back.repeat == MONTHLY
    other = text.replace("BYMONTHDAY=-1", "BYMONTHDAY=-2")
    result = interchange.read(other, zone=BERLIN)
    assert result.rows[0].repeat is None
    [warning] = [p.sentence for p in result.warnings]
    assert warning.endswith(
        " repeats by a rule this app cannot keep (BYMONTHDAY=-2); imported without repeat"
    )


def test_todoists_every_last_day_is_read():
    text = (
        "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
        "task,Pay rent,,4,1,,,every last day,en,Europe/Berlin\n"
    )
    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    [row] = interchange.read(text, "todoist", zone=BERLIN, now=now).rows
    assert row.repeat == MONTHLY
    assert row.due_date == datetime(2026, 12, 31, 22, 59, tzinfo=UTC)  # 23:59 in Berlin


def test_taskwarrior_takes_it_as_monthly_and_its_series_back_with_a_warning():
    task = make_task("Rent", due_date=datetime(2027, 1, 31, 8, 0, tzinfo=UTC), repeat=MONTHLY)
    [record] = json.loads(interchange.write([task], "taskwarrior"))
    assert (record["recur"], record["todorepeat"], record["status"]) == ("monthly", MONTHLY, "recurring")
    ours = interchange.read(json.dumps([record]), "taskwarrior")
    assert (ours.rows[0].repeat, ours.warnings) == (MONTHLY, ())  # never run by Taskwarrior: nothing lost
    # Run by Taskwarrior: its occurrences stepped 31 January, 28 February, 28 March.
    ran = {**record, "mask": "++-"}
    pending = {
        **record,
        "uuid": "7c0c1ab6-9f66-4d6f-a1b2-3c4d5e6f7a8b",
        "status": "pending",
        "parent": record["uuid"],
        "due": "20270328T080000Z",
        "imask": 2,
    }
    result = interchange.read(json.dumps([ran, pending]), "taskwarrior")
    assert [row.repeat for row in result.rows] == [MONTHLY]
    assert [p.sentence for p in result.warnings] == [f"record 1 {LAST_DAY_LOST}"]
