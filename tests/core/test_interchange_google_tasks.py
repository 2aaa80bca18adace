"""Google Tasks as Google Takeout writes it (Tasks/Tasks.json): lists become tags, dates are
days, deleted tasks stay out, and the same file imported twice names the same tasks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core import interchange
from todo_desktop.core.interchange.common import stable_id
from todo_desktop.core.values import Priority, SignedIn, Status, TaskQuery
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.transfer import ImportJob

SAMPLE = Path(__file__).parent / "data" / "google_takeout_tasks.json"
BERLIN = ZoneInfo("Europe/Berlin")


def _takeout(*tasks: Any, title: Any = "Errands") -> str:
    items = [{"kind": "tasks#taskList", "id": "list1", "title": title, "items": list(tasks)}]
    return json.dumps({"kind": "tasks#taskLists", "items": items})


def test_a_takeout_file_is_found_and_read_as_google_writes_it():
    result = interchange.read(SAMPLE.read_bytes(), zone=BERLIN)
    assert result.format == "google"
    by_title = {row.title: row for row in result.rows}
    assert list(by_title) == [
        "Renew the passport",
        "Book the photo booth",
        "Return the library books",
        "Oat milk",
    ]
    renew = by_title["Renew the passport"]
    # A day in Google Tasks: due at the end of that day where the person is.
    assert renew.due_date == datetime(2026, 3, 1, 22, 59, tzinfo=UTC)
    assert (
        renew.description == "Photos first\n\nYour appointment: https://mail.google.com/mail/#all/18d0c0ffee"
    )
    assert renew.tags == ("My-Tasks",) and renew.priority is Priority.MEDIUM
    assert renew.updated_at == datetime(2026, 2, 20, 10, tzinfo=UTC)
    done = by_title["Return the library books"]
    assert done.completed and done.completed_at == datetime(2026, 2, 11, 17, 30, tzinfo=UTC)
    assert by_title["Oat milk"].tags == ("Groceries-more",)
    assert [(p.sentence, p.expected) for p in result.skipped] == [
        ("record 4 was deleted in Google Tasks", True),
        ("record 5 is an empty task", True),
    ]
    assert result.bad_rows == ()
    assert interchange.summary(result) == (
        "4 tasks, 2 tags; 2 rows skipped: record 4 was deleted in Google Tasks, record 5 is an empty "
        "task; 2 warnings: the lists became tags, as this app has tags and not lists: “My-Tasks”, "
        "“Groceries-more”, 1 task was a subtask in Google Tasks; here it is a task of its own"
    )


def test_the_same_file_names_the_same_tasks_by_their_google_ids():
    first = interchange.read(SAMPLE.read_text(encoding="utf-8"))
    again = interchange.read(SAMPLE.read_text(encoding="utf-8"), "google", zone=BERLIN)
    assert [row.id for row in again.rows] == [row.id for row in first.rows]
    assert first.rows[0].id == stable_id("google", "ZVRwUm1HTDdCQ0pHM2NMRA")
    assert first.rows[0].source_uid == "ZVRwUm1HTDdCQ0pHM2NMRA"


@pytest.mark.parametrize(
    "document",
    [
        {"kind": "tasks#taskList", "id": "a", "title": "Errands", "items": []},
        {"kind": "tasks#tasks", "items": [{"kind": "tasks#task", "id": "a", "title": "x"}]},
    ],
)
def test_a_single_list_is_refused_in_one_sentence(document: dict[str, Any]):
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.read(json.dumps(document))
    assert refused.value.message == (
        "The file holds one Google Tasks list, not Google Takeout's export of all of them; "
        "export Tasks in Google Takeout and import its Tasks.json."
    )


def test_wrong_types_are_bad_rows_named_by_position():
    text = _takeout(
        "not a task",
        {"id": "b", "title": 7},
        {"id": "c", "title": "Due soon", "due": "soon"},
        {"id": "d", "title": "Fine", "notes": ["x"], "due": "2026-03-01T00:00:00.000Z", "status": "odd"},
    )
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["Fine"]
    assert [p.sentence for p in result.bad_rows] == [
        "record 1 is not a task",
        "record 2 has a title that is not text",
        "record 3 has a due date “soon” that is not a date",
    ]
    assert [p.sentence for p in result.warnings] == [
        "the list became a tag, as this app has tags and not lists: “Errands”",
        'record 4 has notes “["x"]” that is not text; it was left out',
        "record 4 has the status “odd”, which is not needsAction or completed; read as open",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"kind": "tasks#taskLists", "items": 3}', "The file has no Google Tasks lists."),
        ('{"kind": "tasks#taskLists"}', "The file has no Google Tasks lists."),
        ('{"kind": "tasks#taskLists", "items": [' + "[" * 100_000, "The file nests JSON deeper"),
    ],
)
def test_a_broken_takeout_file_is_one_sentence(text: str, message: str):
    with pytest.raises(interchange.InterchangeError, match=f"^{message}"):
        interchange.read(text)


def test_a_list_whose_title_cannot_be_a_tag_is_said_once():
    result = interchange.read(_takeout({"id": "a", "title": "A"}, {"id": "b", "title": "B"}, title="2024"))
    assert [row.tags for row in result.rows] == [(), ()]
    assert [p.sentence for p in result.warnings] == [
        "the list “2024” cannot be a tag here, so its tasks were imported without one"
    ]


def test_takeout_goes_into_the_database_once(alice_tasks: TaskRepository, alice: SignedIn):
    result = interchange.read(SAMPLE.read_bytes(), zone=BERLIN)
    first = ImportJob(alice_tasks, alice.account.id, result).run()
    again = ImportJob(alice_tasks, alice.account.id, interchange.read(SAMPLE.read_bytes(), zone=BERLIN)).run()
    assert (first.added, again.added, again.sent) == (4, 0, 4)
    stored = {t.title: t for t in alice_tasks.list(TaskQuery(status=Status.ALL)).tasks}
    assert stored["Renew the passport"].due_date == datetime(2026, 3, 1, 22, 59, tzinfo=UTC)
    assert stored["Renew the passport"].tags == ("My-Tasks",)
    done = stored["Return the library books"]
    assert done.completed and done.completed_at == datetime(2026, 2, 11, 17, 30, tzinfo=UTC)
