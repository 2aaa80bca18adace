"""Our own exports come back as the tasks they were: lossless for JSON and CSV, and stable for
Taskwarrior and iCalendar (which hold times to the second)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.interchange_strategies import fields, make_task, task_lists, tasks
from todo_desktop.core import interchange
from todo_desktop.core.interchange.plain_csv import FORMULA_STARTS, escape_cell, unescape_cell
from todo_desktop.core.values import Priority, Task

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(task_lists, st.sampled_from(["json", "csv"]))
def test_json_and_csv_keep_every_field(originals: list[Task], fmt: str):
    text = interchange.write(originals, fmt)
    result = interchange.read(text, "auto")
    assert result.format == fmt
    assert result.skipped == () and result.warnings == ()
    assert [fields(row) for row in result.rows] == [_line_ends(fields(task), fmt) for task in originals]


def _line_ends(expected: dict[str, object], fmt: str) -> dict[str, object]:
    """CSV gives a description's line breaks back as LF, as a sheet's CR LF is read (`rows`)."""
    description = expected["description"]
    if fmt == "csv" and isinstance(description, str):
        expected["description"] = description.replace("\r\n", "\n").replace("\r", "\n")
    return expected


@SETTINGS
@given(task_lists, st.sampled_from(["json", "csv"]))
def test_the_same_bytes_in_utf8_read_the_same(originals: list[Task], fmt: str):
    text = interchange.write(originals, fmt)
    assert interchange.read(text.encode("utf-8"), fmt) == interchange.read(text, fmt)


def _to_the_second(task: Task) -> dict[str, object]:
    expected = fields(task)
    for key in ("due_date", "created_at", "updated_at", "completed_at"):
        value = expected[key]
        expected[key] = value.replace(microsecond=0) if isinstance(value, datetime) else None
    if task.completed and expected["completed_at"] is None:
        expected["completed_at"] = expected["updated_at"]  # both formats need a completion time
    return expected


@SETTINGS
@given(
    st.lists(tasks(controls=False), max_size=6, unique_by=lambda t: t.id),
    st.sampled_from(["taskwarrior", "ical"]),
)
def test_taskwarrior_and_ical_exports_come_back_the_same(originals: list[Task], fmt: str):
    result = interchange.read(interchange.write(originals, fmt), fmt)
    assert result.skipped == () and result.warnings == ()
    assert [fields(row) for row in result.rows] == [_to_the_second(task) for task in originals]


@pytest.mark.parametrize("fmt", ["json", "csv", "taskwarrior", "ical"])
def test_reading_twice_gives_the_same_ids(fmt: str):
    text = interchange.write([make_task("One"), make_task("Two", tags=("home",))], fmt)
    first, second = interchange.read(text, fmt), interchange.read(text, fmt)
    assert [row.id for row in first.rows] == [row.id for row in second.rows]
    assert len({row.id for row in first.rows}) == 2


def test_ical_writes_a_day_without_time_as_a_date_in_the_zone_given():
    due = datetime(2026, 3, 5, 23, 59, tzinfo=BERLIN).astimezone(UTC)
    text = interchange.write([make_task("All day", due_date=due)], "ical", zone=BERLIN)
    assert "DUE;VALUE=DATE:20260305\r\n" in text
    assert interchange.read(text, zone=BERLIN).rows[0].due_date == due
    assert "DUE:20260305T225900Z" in interchange.write([make_task("x", due_date=due)], "ical")


@pytest.mark.parametrize("start", [*FORMULA_STARTS, "'"])
def test_csv_cells_that_a_spreadsheet_would_run_are_escaped_and_come_back(start: str):
    title = f"{start}HYPERLINK(1)" if start not in "\t\r" else f"x{start}y"
    task = make_task(title if start not in "\t\r" else "x", description=f"{start}cmd|' /C calc'!A0")
    text = interchange.write([task], "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for cell in rows[1]:
        assert not cell.startswith(FORMULA_STARTS), cell
    assert interchange.read(text, "csv").rows[0].description == (task.description or "").replace("\r", "\n")


@given(st.text(max_size=30))
def test_escaping_a_cell_is_undone_exactly(value: str):
    escaped = escape_cell(value)
    assert not escaped.startswith(FORMULA_STARTS)
    assert unescape_cell(escaped) == value


def test_csv_export_is_rfc_4180_with_crlf_and_a_header():
    text = interchange.write([make_task('a, "b"', description="one\ntwo", priority=Priority.HIGH)], "csv")
    lines = text.split("\r\n")
    assert lines[0].startswith("id,title,description,priority,due_date")
    assert '"a, ""b"""' in lines[1]
    assert text.endswith("\r\n")


def test_writers_hand_out_pieces_that_join_to_the_whole_file():
    many = [make_task(f"Task {i}", description="x" * 200) for i in range(600)]
    for fmt in ("json", "csv", "taskwarrior", "ical"):
        pieces = list(interchange.chunks(many, fmt))
        assert len(pieces) > 2
        assert "".join(pieces) == interchange.write(many, fmt)


def test_todoist_cannot_be_written():
    with pytest.raises(interchange.InterchangeError, match="cannot write"):
        interchange.write([make_task()], "todoist")
