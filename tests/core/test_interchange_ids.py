"""Ids of imported rows: the same file always names the same tasks, another file's rows
never take them over."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core import interchange

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
TODOIST = (
    "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
    "task,Call the bank,,2,1,,,tomorrow at 5pm,en,Europe/Berlin\n"
    "task,Water the plants,,4,1,,,in 3 days,en,\n"
    "task,Plan the week,,1,1,,,every monday,en,\n"
    "task,File taxes,,1,1,,,31 Jul,en,\n"
)


def _ids(result: interchange.ImportResult) -> list[uuid.UUID]:
    return [row.id for row in result.rows]


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=40), timedelta(days=400)])
def test_a_todoist_file_names_the_same_tasks_whatever_the_day_it_is_read(later: timedelta):
    first = interchange.read(TODOIST, zone=UTC, now=NOW)
    again = interchange.read(TODOIST, zone=UTC, now=NOW + later)
    assert first.rows[0].due_date != again.rows[0].due_date  # "tomorrow" moved on
    assert len(first.rows) == 4 and _ids(again) == _ids(first)


def test_a_sheet_without_ids_names_the_same_tasks_in_any_zone():
    text = "title,due\nBuy milk,2026-03-01\nCall Bob,2026-03-02 09:30\n"
    here = interchange.read(text, zone=UTC)
    there = interchange.read(text, zone=ZoneInfo("Pacific/Auckland"))
    assert here.rows[0].due_date != there.rows[0].due_date
    assert _ids(there) == _ids(here)


@pytest.mark.parametrize(
    ("alpha", "beta"),
    [
        ("ID,Title\n1,Alpha\n", "ID,Title\n1,Beta\n"),
        ("id;title;due\n7;Alpha;2026-03-01\n", "id;title;due\n7;Alpha;2026-04-01\n"),
        (
            json.dumps({"format": "todo-desktop", "version": 1, "tasks": [{"id": "1", "title": "Alpha"}]}),
            json.dumps({"format": "todo-desktop", "version": 1, "tasks": [{"id": "1", "title": "Beta"}]}),
        ),
    ],
)
def test_row_numbers_of_different_sheets_are_different_tasks(alpha: str, beta: str):
    first = interchange.read(alpha)
    assert _ids(interchange.read(beta)) != _ids(first)
    assert _ids(interchange.read(alpha)) == _ids(first)  # the same file again: the same tasks


def test_a_uuid_in_a_sheet_still_names_its_task():
    known = uuid.uuid4()
    text = f"id,title\n{known},Alpha\n"
    assert _ids(interchange.read(text)) == [known]
    assert _ids(interchange.read(text.replace("Alpha", "Alpha, renamed"))) == [known]


def test_the_same_uid_twice_in_a_file_keeps_the_first_row():
    known = str(uuid.uuid4())
    result = interchange.read(f"id,title\n{known},Alpha\n{known},Beta\n")
    assert [row.title for row in result.rows] == ["Alpha"]
    assert [p.sentence for p in result.skipped] == ["line 3 has the same id as line 2"]
