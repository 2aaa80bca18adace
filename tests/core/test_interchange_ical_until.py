"""A repeat's end written to iCalendar: RFC 5545 wants UNTIL of DTSTART's value type, so an end
stored as a day goes out, beside a start with a time, as the UTC instant that day ends in the
person's zone, and one beside an all-day start stays a day. The maintained ``icalendar``
package reads what we write, and reading it back ends the series on the same day."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange
from todo_desktop.core.repeats import next_due

BERLIN = ZoneInfo("Europe/Berlin")
RULE = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20400305"  # the last Monday: 5 March 2040


def _exported_rule(task, zone) -> tuple[icalendar.Component, str]:
    text = interchange.write([task], "ical", zone=zone)
    text = text if isinstance(text, str) else text.decode()
    [todo] = [c for c in icalendar.Calendar.from_ical(text).walk() if c.name == "VTODO"]
    return todo, next(line for line in text.splitlines() if line.startswith("RRULE:"))


def test_a_day_end_beside_a_timed_start_goes_out_as_an_instant():
    due = datetime(2040, 1, 2, 9, 0, tzinfo=BERLIN)
    task = make_task("Gym", due_date=due, repeat=RULE)
    todo, line = _exported_rule(task, BERLIN)
    assert line == "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20400305T225959Z"
    until = todo["RRULE"]["UNTIL"][0]
    assert until == datetime(2040, 3, 5, 22, 59, 59, tzinfo=UTC)
    [back] = interchange.read(interchange.write([task], "ical", zone=BERLIN), zone=BERLIN).rows
    assert back.repeat is not None
    last_monday = datetime(2040, 3, 5, 9, 0, tzinfo=BERLIN)
    before = datetime(2040, 2, 27, 9, 0, tzinfo=BERLIN)  # the Monday before
    assert next_due(back.repeat, before, before, BERLIN) == last_monday
    assert next_due(back.repeat, last_monday, last_monday, BERLIN) is None


def test_an_end_beside_an_all_day_start_stays_a_day():
    due = datetime(2040, 1, 2, 23, 59, tzinfo=BERLIN)  # all day, as the app keeps it
    task = make_task("Bins", due_date=due, repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20400305T225959Z")
    todo, line = _exported_rule(task, BERLIN)
    assert line == "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20400305"
    assert str(todo["DTSTART"].to_ical().decode()) == "20400102"
