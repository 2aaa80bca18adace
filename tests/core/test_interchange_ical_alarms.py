"""Reminders as iCalendar VALARMs: ours checked by the ``icalendar`` package and read back, and
alarms that package writes read as the reminders they mean."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange
from todo_desktop.core.reminders import ReminderSetting

BERLIN = ZoneInfo("Europe/Berlin")
DUE = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _components(text: str | bytes, name: str) -> list[icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(text)
    for component in calendar.walk():
        assert component.errors == [], component.errors
    return [c for c in calendar.walk() if c.name == name]


def test_both_kinds_of_reminder_are_valid_alarms_and_read_back():
    at = make_task("Call, the bank; now", due_date=DUE)
    before = make_task("Pay rent", due_date=DUE, repeat="FREQ=MONTHLY")
    no_due = make_task("Stretch")
    at_no_due = make_task("Water the plants")
    plain = make_task("Read", due_date=DUE)
    done = make_task("Done", due_date=DUE, completed=True, completed_at=DUE)
    reminders = {
        at.id: ReminderSetting(at=AT),
        before.id: ReminderSetting(before_due=timedelta(minutes=15)),
        no_due.id: ReminderSetting(before_due=timedelta(hours=1)),  # nothing to be before
        at_no_due.id: ReminderSetting(at=AT),
        done.id: ReminderSetting(before_due=timedelta(0)),
    }
    ours = [at, before, no_due, at_no_due, plain, done]
    text = interchange.write(ours, "ical", reminders=reminders)
    assert "TRIGGER;VALUE=DATE-TIME:20261207T090000Z\r\n" in text
    assert "TRIGGER;RELATED=END:-PT15M\r\n" in text
    assert "TRIGGER;RELATED=END:PT0S\r\n" in text
    todos = _components(text, "VTODO")
    alarms = [[c for c in todo.subcomponents if c.name == "VALARM"] for todo in todos]
    assert [len(a) for a in alarms] == [1, 1, 0, 1, 0, 1]
    first, second, fourth, sixth = alarms[0][0], alarms[1][0], alarms[3][0], alarms[5][0]
    assert str(first["ACTION"]) == "DISPLAY" and str(first["DESCRIPTION"]) == at.title
    assert first.decoded("TRIGGER") == AT
    assert first["TRIGGER"].params.get("VALUE") == "DATE-TIME"
    assert second.decoded("TRIGGER") == -timedelta(minutes=15)
    assert second["TRIGGER"].params["RELATED"] == "END"
    assert str(second["DESCRIPTION"]) == "Pay rent"
    assert fourth.decoded("TRIGGER") == AT
    assert sixth.decoded("TRIGGER") == timedelta(0)
    for zone in (UTC, BERLIN):
        result = interchange.read(text, zone=zone)
        assert (result.skipped, result.warnings) == ((), ())
        read = {row.id: row.reminder for row in result.rows}
        assert read == {**reminders, no_due.id: None, plain.id: None}


@pytest.mark.parametrize(
    ("before", "trigger"),
    [
        (timedelta(days=1), "-PT15H"),  # 09:00 the day before, as calendars write it
        (timedelta(0), "PT9H"),  # when due: 09:00 on the day
        (timedelta(hours=1), "PT8H"),
        (timedelta(days=30), "-P29DT15H"),
    ],
)
def test_an_all_day_task_keeps_its_reminder_through_a_zone(before: timedelta, trigger: str):
    """An all-day task's reminders count from 09:00 on its day (revision 0038); its DUE is a
    date, whose alarm counts from the start of that day, so the trigger says where 09:00 is."""
    due = datetime(2026, 12, 8, 23, 59, tzinfo=BERLIN).astimezone(UTC)
    task = make_task("Plan the week", due_date=due, repeat="FREQ=WEEKLY")
    setting = ReminderSetting(before_due=before)
    text = interchange.write([task], "ical", zone=BERLIN, reminders={task.id: setting})
    assert "DUE;VALUE=DATE:20261208\r\n" in text and f"TRIGGER;RELATED=END:{trigger}\r\n" in text
    (todo,) = _components(text, "VTODO")
    (alarm,) = [c for c in todo.subcomponents if c.name == "VALARM"]
    start_of_day = datetime.combine(todo.decoded("DUE"), datetime.min.time(), tzinfo=BERLIN)
    assert start_of_day + alarm.decoded("TRIGGER") == datetime(2026, 12, 8, 9, 0, tzinfo=BERLIN) - before
    assert interchange.read(text, zone=BERLIN).rows[0].reminder == setting


def test_no_alarm_without_a_reminder_and_no_option_for_one():
    text = interchange.write([make_task("Call", due_date=DUE)], "ical")
    assert "VALARM" not in text
    with pytest.raises(TypeError):
        interchange.ical.write([make_task("Call", due_date=DUE)], alarms=True)  # type: ignore[call-arg]


def _todo(summary: str, *alarms: icalendar.Alarm, **props: object) -> icalendar.Todo:
    todo = icalendar.Todo()
    todo.add("uid", str(uuid.uuid4()))
    todo.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    todo.add("summary", summary)
    for name, value in props.items():
        todo.add(name, value)
    for alarm in alarms:
        todo.add_component(alarm)
    return todo


def _alarm(trigger: timedelta | datetime, **params: str) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "Reminder")
    alarm.add("trigger", trigger, parameters=params or None)
    return alarm


def _file(*todos: icalendar.Todo) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Elsewhere//Tasks//EN")
    calendar.add("version", "2.0")
    for todo in todos:
        calendar.add_component(todo)
    return calendar.to_ical()


def test_alarms_icalendar_writes_are_read_as_reminders():
    data = _file(
        _todo("Related to the end", _alarm(-timedelta(hours=1), RELATED="END"), due=DUE),
        _todo("Absolute", _alarm(AT), due=DUE),
        _todo("From the start, which is due", _alarm(-timedelta(minutes=30)), due=DUE, dtstart=DUE),
        _todo("Two alarms", _alarm(-timedelta(minutes=5), RELATED="END"), _alarm(AT), due=DUE),
        _todo("From an earlier start", _alarm(timedelta(hours=2)), due=DUE, dtstart=AT),
        # A date's alarm counts from the start of the day: noon the day before, 21 hours
        # before the morning this app counts an all-day task from.
        _todo("All day", _alarm(-timedelta(hours=12), RELATED="END"), due=date(2026, 12, 8)),
        _todo("Done", _alarm(AT), due=DUE, status="COMPLETED", completed=DUE),
        _todo("Without alarm", due=DUE),
        # DTSTART is missing, which RFC 5545 requires here: the due time is all it can mean.
        _todo("From a start it lacks", _alarm(-timedelta(minutes=10)), due=DUE),
    )
    # The package leaves out VALUE=DATE-TIME, which RFC 5545 asks for: the value alone says it.
    assert b"TRIGGER;RELATED=END:-PT1H" in data and b"TRIGGER:20261207T090000Z" in data
    result = interchange.read(data, zone=BERLIN)
    assert result.skipped == ()
    assert [row.reminder for row in result.rows] == [
        ReminderSetting(before_due=timedelta(hours=1)),
        ReminderSetting(at=AT),
        ReminderSetting(before_due=timedelta(minutes=30)),
        ReminderSetting(before_due=timedelta(minutes=5)),
        ReminderSetting(at=AT + timedelta(hours=2)),
        ReminderSetting(before_due=timedelta(hours=21)),
        ReminderSetting(at=AT),
        None,
        ReminderSetting(before_due=timedelta(minutes=10)),
    ]
    assert result.rows[6].completed
    assert [(w.number, w.sentence) for w in result.warnings] == [
        (
            result.rows[3].number,
            f"line {result.rows[3].number} has 2 reminders; only the first reminder is kept",
        )
    ]


def test_alarms_that_cannot_be_reminders_are_left_out_and_their_tasks_go_in():
    data = _file(
        _todo("Too early", _alarm(-timedelta(days=400), RELATED="END"), due=DUE),
        _todo("After the due time", _alarm(timedelta(minutes=10), RELATED="END"), due=DUE),
        _todo("Nothing to start from", _alarm(-timedelta(minutes=10))),
        _todo("No due to end at", _alarm(-timedelta(minutes=10), RELATED="END"), dtstart=AT),
        _todo("Too old", _alarm(datetime(1800, 1, 1, tzinfo=UTC)), due=DUE),
    )
    result = interchange.read(data)
    assert result.skipped == () and len(result.rows) == 5
    assert [row.reminder for row in result.rows] == [None] * 5
    sentences = [w.sentence for w in result.warnings]
    assert [w.number for w in result.warnings] == [row.number for row in result.rows]
    assert all(
        s.startswith(f"line {row.number} has a reminder")
        for s, row in zip(sentences, result.rows, strict=True)
    )
    assert all(s.endswith("it was left out") for s in sentences)
    assert "30 days" in sentences[0] and "after its due time" in sentences[1]
    assert "1900" in sentences[4]


@pytest.mark.parametrize(
    ("trigger", "sentence"),
    [
        ("TRIGGER:soon", "has a reminder “soon” that is not a time or a duration; it was left out"),
        ("TRIGGER:P1M", "has a reminder “P1M” that is not a time or a duration; it was left out"),
        (
            "TRIGGER;VALUE=DATE-TIME:20261207",
            "has a reminder “20261207” that is not a time or a duration; it was left out",
        ),
        ("ACTION:DISPLAY", "has a reminder without a time; it was left out"),
    ],
)
def test_a_trigger_that_cannot_be_read_is_one_sentence(trigger: str, sentence: str):
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:a\r\nSUMMARY:Call\r\n"
        f"DUE:20261208T170000Z\r\nBEGIN:VALARM\r\n{trigger}\r\nEND:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["Call"] and result.rows[0].reminder is None
    assert [w.sentence for w in result.warnings] == [f"line 4 {sentence}"]


def test_a_relative_trigger_with_value_duration_and_a_folded_line_is_read():
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:a\r\nSUMMARY:Call\r\n"
        "DUE:20261208T170000Z\r\nBEGIN:VALARM\r\nTRIGGER;VALUE=DURATION;RELATED=END:-P\r\n T15M\r\n"
        "END:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    result = interchange.read(text)
    assert result.warnings == ()
    assert result.rows[0].reminder == ReminderSetting(before_due=timedelta(minutes=15))


def test_all_day_alarms_other_apps_write_ring_when_they_say():
    """Calendar apps write an all-day alert as an offset from the start of the day: PT9H is 09:00
    on it, -PT15H 09:00 the day before. An alarm later in the day than 09:00 cannot count back
    from the morning, so it is kept as the time it names."""
    day = date(2026, 12, 8)
    data = _file(
        _todo("On the day", _alarm(timedelta(hours=9), RELATED="END"), due=day),
        _todo("The day before", _alarm(-timedelta(hours=15), RELATED="END"), due=day),
        _todo("From its start", _alarm(-timedelta(hours=15)), due=day, dtstart=day),
        _todo("In the afternoon", _alarm(timedelta(hours=14), RELATED="END"), due=day),
        _todo("Long before", _alarm(-timedelta(days=40), RELATED="END"), due=day),
    )
    result = interchange.read(data, zone=BERLIN)
    assert (result.skipped, result.warnings) == ((), ())
    assert [row.reminder for row in result.rows] == [
        ReminderSetting(before_due=timedelta(0)),
        ReminderSetting(before_due=timedelta(days=1)),
        ReminderSetting(before_due=timedelta(days=1)),
        ReminderSetting(at=datetime(2026, 12, 8, 14, 0, tzinfo=BERLIN).astimezone(UTC)),
        ReminderSetting(at=datetime(2026, 10, 29, 0, 0, tzinfo=BERLIN).astimezone(UTC)),
    ]
