"""Files as other apps really write them: a Todoist export's ``meta`` row, Apple Reminders'
placeholder and location alarms, an iCalendar writer that folds in the middle of a character."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core import interchange
from todo_desktop.core.reminders import ReminderSetting

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)

# The start of a project Todoist exports today ("Export as template"): a byte order mark,
# CRLF, the IS_COLLAPSED column, the view's ``meta`` row, the blank rows between sections,
# a comment (``note``) stamped with its time in DATE, and an empty line at the end.
TODOIST_EXPORT = "\ufeff" + "\r\n".join(
    [
        "TYPE,CONTENT,DESCRIPTION,IS_COLLAPSED,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,"
        "TIMEZONE,DURATION,DURATION_UNIT,DEADLINE,DEADLINE_LANG",
        "meta,view_style=board,,,,,,,,,,,,,",
        ",,,,,,,,,,,,,,",
        "task,Fenster ölen @Haus,Mit Leinöl,,2,1,,,every year,en,Europe/Berlin,,,,",
        "task,Bad,,,4,2,Andreas (8908577),,,,Europe/Berlin,,,,",
        "note,Ballistol benutzt,,,,,Andreas (8908577),,2018-06-08T07:02:05.000000Z,,,,,,",
        ",,,,,,,,,,,,,,",
        "section,Ofen,,False,,,,,,,,,,,",
        "task,Kamin fegen,,,1,1,,,tomorrow at 5pm,en,Europe/Berlin,,,,",
        "",
    ]
)


def test_a_todoist_export_has_nothing_to_ask_about():
    result = interchange.read(TODOIST_EXPORT.encode("utf-8"), zone=BERLIN, now=NOW)
    assert result.format == "todoist"
    assert [row.title for row in result.rows] == ["Fenster ölen", "Bad", "Kamin fegen"]
    assert result.rows[1].description == "Ballistol benutzt"
    assert result.rows[2].tags == ("Ofen",)
    # The view's settings are no task and nothing is wrong with them: no row to confirm.
    assert result.bad_rows == ()
    assert interchange.summary(result) == "3 tasks, 1 repeating, 2 tags"


APPLE = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Apple Inc.//iOS 17.0//EN",
        "BEGIN:VTODO",
        "UID:A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF",
        "DTSTAMP:20260601T120000Z",
        "SUMMARY:Buy flowers",
        "DUE;VALUE=DATE:20260628",
        "DTSTART;VALUE=DATE:20260628",
        # Apple's default alarm: ACTION:NONE (RFC 9074), at its sentinel time in 1976.
        "BEGIN:VALARM",
        "X-WR-ALARMUID:98DF-1",
        "UID:98DF-1",
        "TRIGGER;VALUE=DATE-TIME:19760401T005545Z",
        "ACTION:NONE",
        "X-APPLE-DEFAULT-ALARM:TRUE",
        "END:VALARM",
        "END:VTODO",
        "BEGIN:VTODO",
        "UID:B1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF",
        "DTSTAMP:20260601T120000Z",
        "SUMMARY:Water the garden",
        "DUE;TZID=Europe/Berlin:20260628T090000",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:Reminder",
        "TRIGGER:-PT15M",
        "END:VALARM",
        # A reminder on arriving somewhere: a place, not a time.
        "BEGIN:VALARM",
        "ACTION:AUDIO",
        "TRIGGER;VALUE=DATE-TIME:19760401T005545Z",
        "X-APPLE-PROXIMITY:ARRIVE",
        "X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-TITLE=Home:geo:52.5,13.4",
        "END:VALARM",
        "END:VTODO",
        "BEGIN:VTODO",
        "UID:C1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF",
        "DTSTAMP:20260601T120000Z",
        "SUMMARY:Pick up the parcel",
        "BEGIN:VALARM",
        "ACTION:AUDIO",
        "TRIGGER;VALUE=DATE-TIME:19760401T005545Z",
        "X-APPLE-PROXIMITY:DEPART",
        "END:VALARM",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER;VALUE=DATE-TIME:20260627T070000Z",
        "END:VALARM",
        "END:VTODO",
        "END:VCALENDAR",
        "",
    ]
)


def test_apple_reminders_placeholder_and_location_alarms_are_no_reminders():
    result = interchange.read(APPLE, zone=BERLIN)
    reminders = {row.title: row.reminder for row in result.rows}
    assert reminders == {
        "Buy flowers": None,  # not a reminder in 1976
        "Water the garden": ReminderSetting(before_due=timedelta(minutes=15)),
        "Pick up the parcel": ReminderSetting(at=datetime(2026, 6, 27, 7, 0, tzinfo=UTC)),
    }
    assert result.warnings == (), "a to-do with one reminder of time has nothing left out to warn of"


def _fold_octets(line: bytes, at: int) -> bytes:
    """``line`` folded after ``at`` octets, as a writer that counts bytes and not characters."""
    return line[:at] + b"\r\n " + line[at:]


def test_a_line_folded_inside_a_character_is_read_whole():
    title = "Überweisung für das Café — Miete März"
    summary = f"SUMMARY:{title}".encode()
    description = "DESCRIPTION:Grüße an Jürgen ☕ und Zoë".encode()
    inside_title = summary.index("é".encode()) + 1  # between the two bytes of é
    inside_description = description.index("☕".encode()) + 2  # two of the three bytes of ☕
    data = b"\r\n".join(
        [
            b"BEGIN:VCALENDAR",
            b"VERSION:2.0",
            b"PRODID:-//Simple//EN",
            b"BEGIN:VTODO",
            b"UID:fold-1",
            _fold_octets(summary, inside_title),
            _fold_octets(description, inside_description),
            b"DUE:20260628T090000Z",
            b"END:VTODO",
            b"BEGIN:VTODO",
            b"UID:fold-2",
            b"SUMMARY:The line after",
            b"PRIORITY:",
            b"END:VTODO",
            b"END:VCALENDAR",
            b"",
        ]
    )
    result = interchange.read(data, zone=BERLIN)
    assert [(row.title, row.description) for row in result.rows] == [
        (title, "Grüße an Jürgen ☕ und Zoë"),
        ("The line after", None),
    ]
    assert [row.number for row in result.rows] == [4, 12], "lines numbered as an editor shows them"


def test_a_file_that_is_not_utf8_is_still_refused_in_one_sentence():
    data = "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:Caf\xe9\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.read(data.encode("cp1252"))
    assert refused.value.message == (
        "The file is not UTF-8 text (byte 42 is not); "
        "open it in a text editor, save it again as UTF-8, and import that."
    )
