"""What a person leaving another app meets on import: counted sentences, a file in the wrong
encoding, notes with Windows line ends, repeats that end or skip dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange
from todo_desktop.core.repeats import next_due

CSV_ADVICE = (
    "save it again as “CSV UTF-8” in Excel, or with the character set “Unicode (UTF-8)” in "
    "LibreOffice, and import that."
)
TEXT_ADVICE = "open it in a text editor, save it again as UTF-8, and import that."


def _calendar(*lines: str) -> str:
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Elsewhere//EN", *lines, "END:VCALENDAR", ""]
    )


def _todo(*lines: str) -> list[str]:
    return ["BEGIN:VTODO", "UID:t1", "SUMMARY:Water the plants", *lines, "END:VTODO"]


def _event(uid: str) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "SUMMARY:Meeting", "END:VEVENT"]


@pytest.mark.parametrize(
    ("events", "sentence"),
    [
        (1, "1 event or journal entry in the file is not a to-do and was left out"),
        (2, "2 events or journal entries in the file are not to-dos and were left out"),
    ],
)
def test_events_left_out_are_counted_in_grammar(events: int, sentence: str):
    text = _calendar(*_todo(), *[line for n in range(events) for line in _event(f"e{n}")])
    assert [p.sentence for p in interchange.read(text).warnings] == [sentence]


@pytest.mark.parametrize(
    ("data", "byte", "advice"),
    [
        ("title,notes\nCafé,x\n".encode("cp1252"), 16, CSV_ADVICE),
        ("TYPE,CONTENT\ntask,Café\n".encode("cp1252"), 22, CSV_ADVICE),
        (_calendar(*_todo("DESCRIPTION:Café")).encode("cp1252"), 118, TEXT_ADVICE),
        ('[{"uuid": "a", "description": "Café"}]'.encode("cp1252"), 35, TEXT_ADVICE),
        (b'\n  {"format": "todo-desktop", "tasks": [{"title": "Caf\xe9"}]}', 55, TEXT_ADVICE),
    ],
)
def test_a_file_in_another_encoding_says_how_to_save_it(data: bytes, byte: int, advice: str):
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.read(data)
    assert refused.value.message == f"The file is not UTF-8 text (byte {byte} is not); {advice}"


def test_a_broken_utf16_file_says_how_to_save_it_too():
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.read(b"\xff\xfet\x00i\x00\x00\xdc")  # a lone low surrogate
    assert refused.value.message == f"The file is not UTF-16 text (byte 7 is not); {CSV_ADVICE}"


def test_csv_notes_get_the_line_ends_typed_in_the_app():
    text = 'title,notes\r\nA,"one\r\ntwo\rthree\nfour"\r\n'
    [row] = interchange.read(text, "csv").rows
    assert row.description == "one\ntwo\nthree\nfour"


def test_todoist_notes_and_comments_get_the_line_ends_typed_in_the_app():
    text = 'TYPE,CONTENT,DESCRIPTION\r\ntask,A,"one\r\ntwo"\r\nnote,"three\r\nfour",\r\n'
    [row] = interchange.read(text, "todoist").rows
    assert row.description == "one\ntwo\n\nthree\nfour"


def test_taskwarrior_json_and_icalendar_notes_get_the_line_ends_typed_in_the_app():
    annotations = [{"entry": "20260101T000000Z", "description": "one\r\ntwo\rthree"}]
    warrior = json.dumps([{"uuid": "a", "description": "A", "annotations": annotations}])
    assert interchange.read(warrior, "taskwarrior").rows[0].description == "one\ntwo\nthree"
    native = json.dumps(
        {"format": "todo-desktop", "version": 1, "tasks": [{"title": "A", "description": "a\r\nb\rc"}]}
    )
    # This app's own JSON is its backup: it gives back a task's text exactly as it was.
    assert interchange.read(native, "json").rows[0].description == "a\r\nb\rc"
    # A carriage return alone inside a line, as old Mac programs ended lines.
    ical = _calendar(*_todo("DESCRIPTION:one\\ntwo\rthree"))
    assert interchange.read(ical, "ical").rows[0].description == "one\ntwo\nthree"


def test_a_row_keeps_its_id_however_its_notes_end_their_lines():
    """Ids of rows without one come from the file as it is spelled (`rows`): a file imported
    before notes had their line ends mended names the same tasks now."""
    first = interchange.read('title,notes\r\nA,"one\r\ntwo"\r\n', "csv").rows[0]
    second = interchange.read('title,notes\nA,"one\ntwo"\n', "csv").rows[0]
    assert first.description == second.description and first.id != second.id


def test_an_icalendar_repeat_until_a_date_keeps_its_end():
    text = _calendar(
        *_todo("DUE:20260601T080000Z", "RRULE:FREQ=WEEKLY;UNTIL=20260701T080000Z;BYDAY=MO"),
        "BEGIN:VTODO",
        "UID:t2",
        "SUMMARY:Stretch",
        "DUE;VALUE=DATE:20260601",
        "RRULE:FREQ=DAILY;UNTIL=20260610",
        "END:VTODO",
    )
    result = interchange.read(text, "ical")
    assert [row.repeat for row in result.rows] == [
        "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260701T080000Z",
        "FREQ=DAILY;UNTIL=20260610",
    ]
    assert result.warnings == ()
    # The app's next occurrence honours the end it kept.
    june_29 = datetime(2026, 6, 29, 8, tzinfo=UTC)
    assert next_due(result.rows[0].repeat or "", june_29, june_29, UTC) is None


def test_a_floating_until_is_read_in_the_zone_given():
    text = _calendar(*_todo("DUE:20260601T080000", "RRULE:FREQ=DAILY;UNTIL=20260610T080000"))
    [row] = interchange.read(text, "ical", zone=ZoneInfo("Europe/Berlin")).rows
    assert row.repeat == "FREQ=DAILY;UNTIL=20260610T060000Z"


@pytest.mark.parametrize(
    ("rule", "kept", "sentence"),
    [
        (
            "FREQ=DAILY;COUNT=10",
            "FREQ=DAILY",
            "line 4 repeats a number of times (COUNT=10), which this app cannot keep; "
            "it repeats without that end",
        ),
        (
            "FREQ=WEEKLY;UNTIL=99991231;BYDAY=FR",
            "FREQ=WEEKLY;BYDAY=FR",
            "line 4 repeats until “99991231”, which this app cannot keep; it repeats without that end",
        ),
    ],
)
def test_an_end_that_cannot_be_kept_leaves_the_repeat(rule: str, kept: str, sentence: str):
    result = interchange.read(_calendar(*_todo("DUE:20260601T080000Z", f"RRULE:{rule}")), "ical")
    assert [row.repeat for row in result.rows] == [kept]
    assert [p.sentence for p in result.warnings] == [sentence]


def test_dates_taken_out_of_a_repeat_are_said_once_per_to_do():
    text = _calendar(
        *_todo(
            "DUE:20260601T080000Z",
            "RRULE:FREQ=DAILY",
            "EXDATE:20260603T080000Z,20260604T080000Z",
            "EXDATE:20260610T080000Z",
        )
    )
    result = interchange.read(text, "ical")
    assert [row.repeat for row in result.rows] == ["FREQ=DAILY"]
    assert [p.sentence for p in result.warnings] == [
        "line 4 leaves dates out of its repeat (EXDATE), which this app cannot; it repeats on them too"
    ]


def test_a_taskwarrior_repeat_until_a_date_keeps_its_end_and_is_written_back():
    record = {
        "uuid": "a",
        "description": "Stretch",
        "status": "recurring",
        "recur": "weekly",
        "due": "20260601T080000Z",
        "until": "20260701T080000Z",
    }
    result = interchange.read(json.dumps([record]), "taskwarrior")
    assert [row.repeat for row in result.rows] == ["FREQ=WEEKLY;UNTIL=20260701T080000Z"]
    assert result.warnings == ()
    task = make_task(
        title="Stretch", due_date=datetime(2026, 6, 1, 8, tzinfo=UTC), repeat=result.rows[0].repeat
    )
    [written] = json.loads(interchange.write([task], "taskwarrior"))
    assert (written["recur"], written["until"]) == ("weekly", "20260701T080000Z")
    assert interchange.read(interchange.write([task], "taskwarrior")).rows[0].repeat == task.repeat


def test_a_taskwarrior_until_that_is_no_date_leaves_the_repeat():
    record = {
        "uuid": "a",
        "description": "A",
        "status": "recurring",
        "recur": "daily",
        "due": "20260601T080000Z",
    }
    result = interchange.read(json.dumps([{**record, "until": "soon"}]), "taskwarrior")
    assert [row.repeat for row in result.rows] == ["FREQ=DAILY"]
    assert [p.sentence for p in result.warnings] == [
        "record 1 repeats until “soon”, which this app cannot keep; it repeats without that end"
    ]
