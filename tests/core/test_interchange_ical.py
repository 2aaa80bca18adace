"""iCalendar: our output checked by the maintained ``icalendar`` package, and files it writes read."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.interchange_strategies import fields, make_task, tasks
from todo_desktop.core import interchange
from todo_desktop.core.interchange.ical import fold
from todo_desktop.core.values import Priority, ReminderSetting, Task

BERLIN = ZoneInfo("Europe/Berlin")
DUE = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)


def _parsed(text: str) -> list[icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(text)
    for component in calendar.walk():
        assert component.errors == [], component.errors
    return [c for c in calendar.walk() if c.name == "VTODO"]


@settings(max_examples=60, deadline=None)
@given(st.lists(tasks(controls=False), min_size=1, max_size=5, unique_by=lambda t: t.id))
def test_icalendar_reads_what_we_write(ours: list[Task]):
    text = interchange.write(ours, "ical")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")
    todos = _parsed(text)
    assert len(todos) == len(ours)
    for todo, task in zip(todos, ours, strict=True):
        assert str(todo["UID"]) == str(task.id)
        assert str(todo["SUMMARY"]) == task.title
        assert str(todo.get("DESCRIPTION", "")) == (task.description or "").replace("\r", "")
        if task.due_date is not None:
            assert todo.decoded("DUE") == task.due_date.replace(microsecond=0)
        if task.tags:
            assert [str(c) for c in todo["CATEGORIES"].cats] == list(task.tags)
        if task.repeat:
            assert dict(todo["RRULE"]) == dict(icalendar.vRecur.from_ical(task.repeat))
            assert "DTSTART" in todo  # a rule repeats from its start
        assert str(todo["STATUS"]) == ("COMPLETED" if task.completed else "NEEDS-ACTION")


def test_a_repeating_to_do_starts_at_its_due_date_or_else_when_it_was_made():
    all_day = datetime(2030, 3, 5, 23, 59, tzinfo=BERLIN).astimezone(UTC)
    ours = [
        make_task("Pay rent", due_date=DUE, repeat="FREQ=MONTHLY"),
        make_task("Water the plants", due_date=all_day, repeat="FREQ=DAILY;INTERVAL=3"),
        make_task("Stretch", repeat="FREQ=WEEKLY;BYDAY=MO,TH", repeat_after_completion=True),
        make_task("Once", due_date=DUE),
    ]
    text = interchange.ical.write(ours, zone=BERLIN)
    rent, plants, stretch, once = _parsed(text)
    assert rent.decoded("DTSTART") == rent.decoded("DUE") == DUE
    assert plants.decoded("DTSTART") == plants.decoded("DUE") == date(2030, 3, 5)
    assert stretch.decoded("DTSTART") == ours[2].created_at and "DUE" not in stretch
    assert "DTSTART" not in once
    result = interchange.read(text, zone=BERLIN)
    assert (result.skipped, result.warnings) == ((), ())
    assert [fields(row) for row in result.rows] == [fields(task) for task in ours]


def _calendar(*todos: icalendar.Todo, timezones: bool = False) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Elsewhere//Tasks//EN")
    calendar.add("version", "2.0")
    for todo in todos:
        calendar.add_component(todo)
    if timezones:
        calendar.add_missing_timezones()
    return calendar.to_ical()


def _todo(summary: str, **props: object) -> icalendar.Todo:
    todo = icalendar.Todo()
    todo.add("uid", props.pop("uid", str(uuid.uuid4())))
    todo.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    todo.add("summary", summary)
    for name, value in props.items():
        todo.add(name.replace("_", "-"), value)
    return todo


def test_a_file_icalendar_writes_is_read():
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(minutes=-15))
    berlin = _todo(
        'Berlin, 10:00; "quoted"',
        uid="not-a-uuid@example.com",
        due=datetime(2030, 3, 1, 10, 0, tzinfo=BERLIN),
        description="line one\nline two, with a comma",
        categories=["Work", "Side project"],
        rrule={"freq": "weekly", "byday": ["FR", "MO"]},
        priority=2,
    )
    berlin.add_component(alarm)
    data = _calendar(
        berlin,
        _todo("All day", due=date(2030, 3, 2), priority=5),
        _todo(
            "Done",
            due=DUE,
            status="COMPLETED",
            completed=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
            priority=9,
        ),
        _todo("Counted", rrule={"freq": "daily", "count": 5}, priority=0),
        timezones=True,
    )
    result = interchange.read(data, "auto", zone=BERLIN)
    assert result.format == "ical"
    berlin_row, all_day, done, counted = result.rows
    assert berlin_row.title == 'Berlin, 10:00; "quoted"'
    assert berlin_row.due_date == datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    assert berlin_row.description == "line one\nline two, with a comma"
    assert berlin_row.tags == ("Work", "Side-project")
    assert berlin_row.repeat == "FREQ=WEEKLY;BYDAY=MO,FR"
    assert berlin_row.priority is Priority.HIGH
    assert berlin_row.reminder == ReminderSetting(before_due=timedelta(minutes=15))
    assert berlin_row.id == uuid.uuid5(interchange.common.NAMESPACE, "ical\x1enot-a-uuid@example.com")
    assert all_day.due_date == datetime(2030, 3, 2, 23, 59, tzinfo=BERLIN)
    assert all_day.priority is Priority.MEDIUM
    assert (done.completed, done.completed_at, done.priority) == (
        True,
        datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        Priority.LOW,
    )
    assert counted.repeat == "FREQ=DAILY"  # it still repeats; only its end is lost
    lines = data.decode().split("\r\n")
    counted_line = [i for i, line in enumerate(lines, start=1) if line == "BEGIN:VTODO"][-1]
    assert [w.sentence for w in result.warnings] == [
        f"line {counted_line} repeats a number of times (COUNT=5), which this app cannot keep; "
        "it repeats without that end"
    ]


@pytest.mark.parametrize(
    ("level", "priority"),
    [(1, "urgent"), (2, "high"), (4, "high"), (5, "medium"), (6, "low"), (9, "low"), (0, "medium")],
)
def test_priorities_one_to_nine(level: int, priority: str):
    row = interchange.read(_calendar(_todo("x", priority=level))).rows[0]
    assert row.priority.value == priority


def test_to_dos_we_cannot_hold_are_skipped_with_a_sentence_and_events_counted():
    event = icalendar.Event()
    event.add("uid", "e1")
    event.add("summary", "Meeting")
    no_title = icalendar.Todo()
    no_title.add("uid", "t1")
    data = _calendar(
        _todo("Cancelled", status="CANCELLED"),
        _todo("Moved one", recurrence_id=datetime(2030, 1, 1, tzinfo=UTC)),
        no_title,
        _todo("Bad zone", due=datetime(2030, 1, 1, 9, 0)),
    ).decode()
    data = data.replace("DUE:20300101T090000", "DUE;TZID=Customized Time Zone:20300101T090000")
    data = data.replace(
        "END:VCALENDAR", "BEGIN:VEVENT\r\nUID:e1\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR"
    )
    result = interchange.read(data, zone=BERLIN)
    assert [row.title for row in result.rows] == ["Bad zone"]
    assert result.rows[0].due_date == datetime(2030, 1, 1, 9, 0, tzinfo=BERLIN)
    assert [p.sentence for p in result.skipped] == [
        "line 4 is a cancelled to-do",
        "line 10 changes one occurrence of a repeating to-do, which cannot be kept",
        "line 16 has no title",
    ]
    assert [p.sentence for p in result.warnings] == [
        "line 19 has the time zone “Customized Time Zone”, which is not known; read in yours",
        "1 event or journal entry in the file is not a to-do and was left out",
    ]


def test_a_to_do_with_a_start_and_a_length_is_due_when_it_ends():
    todo = _todo(
        "Write the report",
        dtstart=datetime(2030, 3, 1, 9, tzinfo=UTC),
        duration=timedelta(hours=2, minutes=30),
    )
    [row] = interchange.read(_calendar(todo).decode(), "ical").rows
    assert row.due_date == datetime(2030, 3, 1, 11, 30, tzinfo=UTC)


def test_a_zone_name_behind_a_prefix_is_found():
    data = _calendar(_todo("x", due=datetime(2030, 7, 1, 9, 0))).decode()
    data = data.replace("DUE:", "DUE;TZID=/mozilla.org/20050126_1/Europe/Berlin:")
    assert interchange.read(data).rows[0].due_date == datetime(2030, 7, 1, 7, 0, tzinfo=UTC)


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "漢🙂é" * 40
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


@pytest.mark.parametrize(
    ("dtstart", "duration", "sentence"),
    [
        (None, "PT1H", "line 4 has a DURATION but no DTSTART to count it from, so its due date is not known"),
        ("20300301T090000Z", "PT2X", "line 4 has a DURATION “PT2X” that is not a length of time"),
        ("20300301T090000Z", "-PT1H", "line 4 has a DURATION “-PT1H” that is not a length of time"),
        ("soon", "PT1H", "line 4 has a start “soon” that is not a date"),
    ],
)
def test_a_length_whose_end_cannot_be_worked_out_is_asked_about(dtstart, duration, sentence):
    """Its due date is not known, as with a DUE that is not a date: the row waits for a yes."""
    start = f"DTSTART:{dtstart}\r\n" if dtstart else ""
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:a\r\nSUMMARY:Report\r\n"
        f"{start}DURATION:{duration}\r\nEND:VTODO\r\n"
        "BEGIN:VTODO\r\nUID:b\r\nSUMMARY:Other\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    result = interchange.read(text, "ical")
    assert [row.title for row in result.rows] == ["Other"]
    assert [p.sentence for p in result.skipped] == [sentence]
