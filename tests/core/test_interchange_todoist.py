"""Todoist CSV, in the column layout of Todoist's own template (tests/core/data)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core import interchange
from todo_desktop.core.interchange.todoist_csv import TEMPLATE_COLUMNS
from todo_desktop.core.values import Priority

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # a Monday
SAMPLE = Path(__file__).parent / "data" / "todoist_template.csv"


@pytest.fixture(scope="module")
def result() -> interchange.ImportResult:
    return interchange.read(SAMPLE.read_bytes(), zone=BERLIN, now=NOW)


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_the_sample_has_the_template_columns():
    assert SAMPLE.read_bytes().decode("utf-8").split("\r\n")[0] == ",".join(TEMPLATE_COLUMNS)


def test_tasks_labels_notes_sections_priorities_and_dates(result: interchange.ImportResult):
    assert result.format == "todoist"
    rows = {row.title: row for row in result.rows}
    plan = rows["Plan the week"]
    assert (plan.priority, plan.tags, plan.repeat) == (Priority.URGENT, ("planning",), "FREQ=WEEKLY;BYDAY=MO")
    assert plan.description == "Look at the calendar first\n\nRemember the shared calendar too"
    assert plan.due_date == _local(2026, 6, 1, 23, 59)
    milk = rows["Buy milk, bread and coffee"]
    assert (milk.priority, milk.tags, milk.due_date) == (
        Priority.LOW,
        ("errands", "home"),
        _local(2026, 6, 13, 23, 59),
    )
    assert (rows["Gather receipts"].priority, rows["Gather receipts"].due_date) == (Priority.MEDIUM, None)
    bank = rows["Call the bank"]
    assert (bank.priority, bank.due_date, bank.tags) == (
        Priority.HIGH,
        _local(2026, 6, 2, 17, 0),
        ("Errands",),
    )
    assert bank.description == 'Ask about the "fee", politely'
    plants = rows["Water the plants"]
    assert (plants.priority, plants.repeat, plants.repeat_after_completion) == (
        Priority.MEDIUM,
        "FREQ=DAILY;INTERVAL=3",
        True,
    )
    assert rows["File taxes"].due_date == _local(2026, 7, 31, 23, 59)  # the deadline, without a date
    assert rows["Pick up parcel"].due_date == datetime(2026, 6, 20, 16, 30, tzinfo=UTC)
    assert "Zahnarzt" not in rows  # its date ("jeden Montag") was not understood: asked about
    mail = rows["Mail me@example.com the draft"]
    assert (mail.tags, mail.priority) == (("work", "Errands"), Priority.MEDIUM)
    assert all(not row.completed for row in result.rows)


def test_bad_rows_and_warnings_name_their_line(result: interchange.ImportResult):
    assert [p.sentence for p in result.skipped] == [
        "line 2 is a note with no task above it",
        "line 13 has the date “jeden Montag”, which was not understood",
        "line 14 has no title",
        "line 16 is of the type “milestone”, which is not task, note or section",
    ]
    assert [p.sentence for p in result.warnings] == [
        "line 15 has the priority “5”, which is not 1 to 4; read as medium",
    ]
    assert interchange.summary(result) == (
        "8 tasks, 2 repeating, 4 tags; 4 rows skipped: line 2 is a note with no task above it, "
        "line 13 has the date “jeden Montag”, which was not understood, line 14 has no title and 1 more; "
        "1 warning: line 15 has the priority “5”, which is not 1 to 4; read as medium"
    )


def test_a_date_not_understood_skips_its_row_and_its_notes_with_it():
    text = (
        "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
        "task,Check the boiler,,4,1,,,every hour,en,Europe/Berlin\n"
        "note,Ask for the gas man,,,,,,,,\n"
        "task,Pay rent,,4,1,,,tomorrow,en,Europe/Berlin\n"
    )
    result = interchange.read(text, "todoist", zone=BERLIN, now=NOW)
    assert [r.title for r in result.rows] == ["Pay rent"]
    assert [p.sentence for p in result.skipped] == [
        "line 2 has the date “every hour”, which was not understood"
    ]


def test_the_same_file_twice_gives_the_same_ids_and_identical_rows_differ():
    text = SAMPLE.read_text(encoding="utf-8")
    first = interchange.read(text, "todoist", zone=BERLIN, now=NOW)
    assert [r.id for r in first.rows] == [
        r.id for r in interchange.read(text, "todoist", zone=BERLIN, now=NOW).rows
    ]
    doubled = "TYPE,CONTENT\ntask,Same\ntask,Same\n"
    ids = [row.id for row in interchange.read(doubled, "todoist", now=NOW).rows]
    assert len(set(ids)) == 2


def test_an_older_export_without_the_last_columns_and_with_semicolons_is_read():
    text = (
        "TYPE;CONTENT;DESCRIPTION;PRIORITY;INDENT;AUTHOR;RESPONSIBLE;DATE;DATE_LANG;TIMEZONE\n"
        "task;Old one;;2;1;;;;en;\n"
    )
    rows = interchange.read(text, zone=BERLIN, now=NOW).rows
    assert [(r.title, r.priority) for r in rows] == [("Old one", Priority.HIGH)]
