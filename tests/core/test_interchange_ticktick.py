"""TickTick's CSV backup (Settings > Backup): the lines before its header, lists as tags, its
priorities, statuses, all-day dates and repeats; and the other formats still found as before."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.core.interchange_strategies import TICKTICK_HEADER, TICKTICK_PREAMBLE, make_task
from todo_desktop.cli.parser import build_parser
from todo_desktop.core import interchange
from todo_desktop.core.values import Priority, SignedIn, Status, TaskQuery
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.transfer import ImportJob

SAMPLE = Path(__file__).parent / "data" / "ticktick_backup.csv"
NEW_YORK = ZoneInfo("America/New_York")
HEADER, PREAMBLE = TICKTICK_HEADER, TICKTICK_PREAMBLE


def _row(title: str, *, due: str = "", priority: str = "0", status: str = "0", task_id: str = "1") -> str:
    cells = ["", "Inbox", title, "TEXT", "", "", "N", "", due, "", "", priority, status]
    cells += [
        "2026-01-01T08:00:00+0000",
        "",
        "0",
        "Europe/Berlin",
        "false",
        "false",
        "",
        "",
        "list",
        task_id,
        "",
    ]
    return ",".join(f'"{cell}"' for cell in cells)


def test_a_ticktick_backup_is_found_after_its_preamble_and_read():
    result = interchange.read(SAMPLE.read_bytes(), zone=NEW_YORK)
    assert result.format == "ticktick"
    by_title = {row.title: row for row in result.rows}
    assert list(by_title) == [
        "Buy milk",
        "Weekly review",
        "Pack for the trip",
        "Send the invoice",
        "Print the agenda",
        "Water the plants",
    ]
    milk = by_title["Buy milk"]
    assert (milk.due_date, milk.priority) == (datetime(2026, 3, 1, 9, tzinfo=UTC), Priority.HIGH)
    assert milk.tags == ("errands", "home")  # TickTick's Inbox is no list of its own here
    assert milk.description == "Oat milk if they have it"
    assert milk.created_at == datetime(2026, 2, 20, 8, tzinfo=UTC)
    review = by_title["Weekly review"]
    # All day on 1 March where the task was made (Berlin), so due at 23:59 on 1 March here.
    assert review.due_date == datetime(2026, 3, 2, 4, 59, tzinfo=UTC)
    assert (review.repeat, review.priority, review.tags) == (
        "FREQ=WEEKLY;BYDAY=MO",
        Priority.MEDIUM,
        ("Work-stuff",),
    )
    trip = by_title["Pack for the trip"]
    assert (trip.description, trip.priority, trip.tags) == (
        "▫Passport\n▪Tickets",
        Priority.LOW,
        ("travel", "Work-stuff"),
    )
    invoice = by_title["Send the invoice"]
    assert invoice.completed and invoice.completed_at == datetime(2026, 1, 15, 16, 45, tzinfo=UTC)
    assert by_title["Water the plants"].repeat is None
    assert [(p.sentence, p.expected) for p in result.skipped] == [
        ("line 15 is a note in TickTick, not a task", True),
        ("line 16 has a due date “soon” that is not a date", False),
        ("line 17 was marked won't do in TickTick", True),
    ]
    assert [p.sentence for p in result.warnings] == [
        "the list became a tag, as this app has tags and not lists: “Work-stuff”",
        "line 14 repeats by a rule this app cannot keep (TT_SKIP is not supported); imported without repeat",
        "1 task was a subtask in TickTick; here it is a task of its own",
    ]


def test_the_same_backup_names_the_same_tasks():
    first = interchange.read(SAMPLE.read_bytes())
    again = interchange.read(SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n"), "ticktick")
    assert len(first.rows) == 6 and [row.id for row in again.rows] == [row.id for row in first.rows]
    assert first.rows[0].source_uid is not None and first.rows[0].source_uid.startswith("1")


def test_a_number_id_names_a_row_of_one_backup_not_a_task():
    """TickTick numbers a backup's tasks 1, 2, 3 ...: the first task of a later backup is
    another task, and must not be taken for the first one already imported."""
    first = interchange.read(PREAMBLE + HEADER + "\n" + _row("Alpha") + "\n")
    later = interchange.read(
        PREAMBLE + HEADER + "\n" + _row("Beta").replace("2026-01-01T08", "2026-02-01T08") + "\n"
    )
    assert first.rows[0].id != later.rows[0].id
    long_id = "65a1f0c2e4b0a1b2c3d4e5f6"  # a TickTick object id names one task anywhere
    one = interchange.read(PREAMBLE + HEADER + "\n" + _row("Alpha", task_id=long_id) + "\n")
    renamed = interchange.read(PREAMBLE + HEADER + "\n" + _row("Alpha, renamed", task_id=long_id) + "\n")
    assert one.rows[0].id == renamed.rows[0].id


def test_odd_cells_are_one_sentence_each():
    text = (
        PREAMBLE
        + HEADER
        + "\n"
        + "\n".join(
            [
                _row("Odd priority", priority="9"),
                _row("Odd status", status="7", task_id="2"),
                _row("", task_id="3"),
                '"","Inbox"',  # cut short: no title
            ]
        )
    )
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["Odd priority", "Odd status"]
    assert [p.sentence for p in result.bad_rows] == ["line 10 has no title", "line 11 has no title"]
    assert [p.sentence for p in result.warnings] == [
        "line 8 has the priority “9”, which is not 0, 1, 3 or 5; read as medium",
        "line 9 has the status “7”, which is not 0, 1 or 2; read as open",
    ]


def test_a_preamble_without_a_header_is_one_sentence():
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.read(PREAMBLE + '"Title","Due"\n"x",""\n', "ticktick")
    assert refused.value.message == (
        "The file is not a TickTick backup: no line near its start names the columns Title and List Name."
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (interchange.write([make_task("A")], "json"), "json"),
        (interchange.write([make_task("A")], "taskwarrior"), "taskwarrior"),
        (interchange.write([make_task("A")], "csv"), "csv"),
        (interchange.write([make_task("A")], "ical"), "ical"),
        ("TYPE,CONTENT\ntask,A\n", "todoist"),
        ("Title,List Name\nA,Home\n", "csv"),  # a sheet that names a list is still a sheet
        ('{"uuid": "a", "description": "A"}\n', "taskwarrior"),
        (json.dumps({"kind": "tasks#taskLists", "items": []}), "google"),
        (HEADER + "\n", "ticktick"),
        ("\ufeff" + PREAMBLE + HEADER + "\r\n", "ticktick"),
    ],
)
def test_each_format_is_found_by_its_contents(text: str, name: str):
    assert interchange.detect(text) == name


@pytest.mark.parametrize("name", ["google", "ticktick"])
def test_the_command_line_reads_every_format(name: str):
    assert build_parser().parse_args(["import", "tasks", "--format", name]).format == name
    choices = next(a.choices for a in _import_parser()._actions if a.dest == "format")
    assert set(choices or ()) == {"auto", *interchange.FORMATS}


def _import_parser() -> argparse.ArgumentParser:
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices["import"]


def test_a_ticktick_backup_goes_into_the_database_once(alice_tasks: TaskRepository, alice: SignedIn):
    first = ImportJob(
        alice_tasks, alice.account.id, interchange.read(SAMPLE.read_bytes(), zone=NEW_YORK)
    ).run()
    again = ImportJob(
        alice_tasks, alice.account.id, interchange.read(SAMPLE.read_bytes(), zone=NEW_YORK)
    ).run()
    assert (first.added, again.added, again.sent) == (6, 0, 6)
    stored = {t.title: t for t in alice_tasks.list(TaskQuery(status=Status.ALL)).tasks}
    assert stored["Weekly review"].repeat == "FREQ=WEEKLY;BYDAY=MO"
    assert stored["Weekly review"].due_date == datetime(2026, 3, 2, 4, 59, tzinfo=UTC)
    assert set(stored["Pack for the trip"].tags) == {"travel", "Work-stuff"}
    assert stored["Send the invoice"].completed
