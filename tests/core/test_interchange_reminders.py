"""Reminders in our own JSON: written beside their tasks, read back as the same settings, and a
reminder the app cannot keep left out with a sentence while its task goes in."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange
from todo_desktop.core.interchange.durations import iso_duration, parse_duration
from todo_desktop.core.reminders import MAX_BEFORE_DUE, ReminderSetting

DUE = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _document(*tasks: dict[str, object]) -> str:
    return json.dumps({"format": "todo-desktop", "version": 1, "tasks": list(tasks)})


def _task(**fields: object) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "title": "Call", "due_date": "2026-12-08T17:00:00+00:00", **fields}


def test_both_kinds_of_reminder_are_written_and_read_back():
    at, before, none, all_day = (
        make_task("Call the bank", due_date=DUE),
        make_task("Pay rent", due_date=DUE),
        make_task("Stretch"),
        make_task("Plan the week", due_date=DUE),
    )
    reminders = {
        at.id: ReminderSetting(at=AT),
        before.id: ReminderSetting(before_due=timedelta(minutes=15)),
        all_day.id: ReminderSetting(before_due=timedelta(days=1)),
    }
    text = interchange.write([at, before, none, all_day], "json", reminders=reminders)
    records = json.loads(text)["tasks"]
    assert records[0]["reminder"] == {"at": "2026-12-07T09:00:00+00:00"}
    assert records[1]["reminder"] == {"before_due": "PT15M"}
    assert "reminder" not in records[2]
    assert records[3]["reminder"] == {"before_due": "P1D"}
    result = interchange.read(text)
    assert (result.skipped, result.warnings) == ((), ())
    assert {row.id: row.reminder for row in result.rows} == {**reminders, none.id: None}


def test_an_export_without_reminders_is_the_file_it_always_was():
    ours = [make_task("Call", due_date=DUE)]
    setting = {ours[0].id: ReminderSetting(at=AT)}
    assert interchange.write(ours, "json", reminders={}) == interchange.write(ours, "json")
    for fmt in ("csv", "taskwarrior"):  # formats with no place for a reminder
        assert interchange.write(ours, fmt, reminders=setting) == interchange.write(ours, fmt)
    assert "".join(interchange.chunks(ours, "json", reminders=setting)) == interchange.write(
        ours, "json", reminders=setting
    )


def test_a_reminder_at_a_time_in_another_offset_is_written_in_utc():
    task = make_task("Call")
    local = AT.astimezone(timezone(timedelta(hours=5, minutes=30)))
    text = interchange.write([task], "json", reminders={task.id: ReminderSetting(at=local)})
    assert json.loads(text)["tasks"][0]["reminder"] == {"at": "2026-12-07T09:00:00+00:00"}
    assert interchange.read(text).rows[0].reminder == ReminderSetting(at=AT)


@pytest.mark.parametrize(
    ("delta", "spelling"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(minutes=15), "PT15M"),
        (timedelta(hours=1), "PT1H"),
        (timedelta(days=1), "P1D"),
        (timedelta(days=2, hours=3, minutes=4, seconds=5), "P2DT3H4M5S"),
        (timedelta(seconds=1, microseconds=500000), "PT1.5S"),
        (timedelta(hours=1, seconds=5), "PT1H0M5S"),
        (timedelta(microseconds=1), "PT0.000001S"),
        (MAX_BEFORE_DUE, "P30D"),
        (-timedelta(minutes=15), "-PT15M"),
    ],
)
def test_durations_are_spelled_in_iso_8601(delta: timedelta, spelling: str):
    assert iso_duration(delta) == spelling
    assert parse_duration(spelling) == delta


@pytest.mark.parametrize(
    ("text", "delta"),
    [("P2W", timedelta(weeks=2)), ("+PT90M", timedelta(minutes=90)), (" pt1h30m ", timedelta(minutes=90))],
)
def test_other_spellings_of_a_duration_are_read(text: str, delta: timedelta):
    assert parse_duration(text) == delta


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "15M", "P1M", "P1Y", "PT1H2", "P1DT", "PT-5M", "P" + "9" * 30 + "D", "PT1.S"]
)
def test_what_is_not_a_duration_of_fixed_length_is_refused(text: str):
    assert parse_duration(text) is None


@settings(max_examples=200, deadline=None)
@given(st.timedeltas(min_value=-MAX_BEFORE_DUE, max_value=MAX_BEFORE_DUE))
def test_every_duration_reads_back_as_itself(delta: timedelta):
    assert parse_duration(iso_duration(delta)) == delta


def test_a_reminder_the_app_cannot_keep_is_left_out_and_its_task_goes_in():
    text = _document(
        _task(title="Far ahead", reminder={"before_due": "P400D"}),
        _task(title="After due", reminder={"before_due": "-PT5M"}),
        _task(title="No due", due_date=None, reminder={"before_due": "PT5M"}),
        _task(title="Both", reminder={"at": "2026-12-07T09:00:00Z", "before_due": "PT5M"}),
        _task(title="Neither", reminder={}),
        _task(title="Months", reminder={"before_due": "P1M"}),
        _task(title="Not a time", reminder={"at": "soon"}),
        _task(title="Not an object", reminder="PT5M"),
        _task(title="A number", reminder={"before_due": 300}),
        _task(title="Too old", reminder={"at": "1800-01-01T00:00:00Z"}),
        _task(title="Fine", reminder={"at": "2026-12-07T10:00:00+01:00", "note": "unknown keys are ignored"}),
        _task(title="Null", reminder=None),
        _task(title="Null kind", reminder={"at": None, "before_due": "PT0S"}),
    )
    result = interchange.read(text)
    assert result.skipped == ()
    assert [row.title for row in result.rows][:3] == ["Far ahead", "After due", "No due"]
    assert [row.reminder for row in result.rows] == [None] * 10 + [
        ReminderSetting(at=AT),
        None,
        ReminderSetting(before_due=timedelta(0)),
    ]
    sentences = [w.sentence for w in result.warnings]
    assert [w.number for w in result.warnings] == list(range(1, 11))
    assert all(s.startswith(f"record {n} has a reminder") for n, s in enumerate(sentences, start=1))
    assert "30 days" in sentences[0]
    assert "after its due time" in sentences[1]
    assert "no due date" in sentences[2]
    assert "“P1M”" in sentences[5]
    assert "1900" in sentences[9]
    assert all(s.endswith("it was left out") for s in sentences)
    assert "10 warnings" in interchange.summary(result)


def test_a_skipped_record_says_nothing_of_its_reminder():
    result = interchange.read(_document(_task(title="", reminder={"before_due": "P400D"})))
    assert result.rows == () and result.warnings == ()
    assert [p.sentence for p in result.skipped] == ["record 1 has no title"]
