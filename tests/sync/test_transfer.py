"""Importing through the function API on a real PostgreSQL: batches that commit one by one,
ids that hold per account, runs that resume, and a quota that stops with one sentence."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from todo_desktop.core import interchange
from todo_desktop.core.errors import TodoError
from todo_desktop.core.ports import ReadOnlyTasks
from todo_desktop.core.values import SignedIn, Status, Task, TaskQuery
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.outbox import outbox_for
from todo_desktop.sync.transfer import IN_FLIGHT, ImportJob, account_id, direct, import_rows

DUE = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)


def taskwarrior_file(count: int) -> str:
    """A ``task export`` of ``count`` tasks, every fifth done, some tagged and repeating."""
    records = []
    for i in range(count):
        record: dict[str, object] = {
            "uuid": str(uuid.UUID(int=0xA000_0000 + i, version=4)),
            "description": f"Task number {i}",
            "status": "completed" if i % 5 == 0 else "pending",
            "entry": "20260101T090000Z",
        }
        if i % 5 == 0:
            record["end"] = "20260102T090000Z"
        if i % 3 == 0:
            record["tags"] = ["home", "Garden"]
        if i % 7 == 1:
            record |= {"due": "20300301T100000Z", "recur": "weekly", "status": "recurring"}
        records.append(record)
    return json.dumps(records)


def everything(tasks: TaskRepository) -> list[Task]:
    found: list[Task] = []
    query = TaskQuery(status=Status.ALL, limit=1000)
    while True:
        page = tasks.list(query)
        found.extend(page.tasks)
        if page.next_cursor is None:
            return found
        query = TaskQuery(status=Status.ALL, limit=1000, after=page.next_cursor)


def test_importing_twice_adds_nothing_the_second_time(alice_tasks: TaskRepository, alice: SignedIn):
    result = interchange.read(taskwarrior_file(120))
    first = import_rows(alice_tasks, alice.account.id, result, batch_size=50)
    assert (first.sent, first.added, first.existing, first.complete) == (120, 120, 0, True)
    assert first.sentence() == "Imported 120 tasks: 120 new, 0 already there."
    second = import_rows(alice_tasks, alice.account.id, interchange.read(taskwarrior_file(120)))
    assert (second.sent, second.added, second.existing) == (120, 0, 120)
    stored = everything(alice_tasks)
    assert len(stored) == 120 and len({t.id for t in stored}) == 120


def test_created_completed_tags_and_repeats_are_kept(alice_tasks: TaskRepository, alice: SignedIn):
    import_rows(alice_tasks, alice.account.id, interchange.read(taskwarrior_file(10)))
    by_title = {t.title: t for t in everything(alice_tasks)}
    done = by_title["Task number 0"]
    assert done.completed and done.completed_at == datetime(2026, 1, 2, 9, tzinfo=UTC)
    assert done.created_at == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert done.tags == ("Garden", "home") or set(done.tags) == {"home", "Garden"}
    repeating = by_title["Task number 1"]
    assert (repeating.repeat, repeating.due_date) == ("FREQ=WEEKLY", DUE)
    # A Taskwarrior task keeps its uuid: exported back, Taskwarrior knows it as the same task.
    assert repeating.id == uuid.UUID(int=0xA000_0001, version=4)


def test_two_accounts_importing_the_same_file_each_get_every_row(
    alice_tasks: TaskRepository, bob_tasks: TaskRepository, alice: SignedIn, bob: SignedIn
):
    text = taskwarrior_file(30)
    alice_report = import_rows(alice_tasks, alice.account.id, interchange.read(text))
    bob_report = import_rows(bob_tasks, bob.account.id, interchange.read(text))
    assert (alice_report.added, bob_report.added) == (30, 30)
    assert bob_report.sentence() == "Imported 30 tasks: 30 new, 0 already there."
    alice_ids = {t.id for t in everything(alice_tasks)}
    bob_ids = {t.id for t in everything(bob_tasks)}
    assert len(alice_ids) == len(bob_ids) == 30 and not alice_ids & bob_ids
    # Bob's ids are his own and stable: his second run finds them all there.
    assert bob_ids == {account_id(bob.account.id, i) for i in alice_ids}
    again = import_rows(bob_tasks, bob.account.id, interchange.read(text))
    assert (again.added, again.existing) == (0, 30)
    assert len(everything(bob_tasks)) == 30 and len(everything(alice_tasks)) == 30


def test_a_cancelled_import_is_finished_by_running_it_again(alice_tasks: TaskRepository, alice: SignedIn):
    result = interchange.read(taskwarrior_file(100))
    seen: list[tuple[int, int]] = []
    job = ImportJob(alice_tasks, alice.account.id, result, batch_size=20)
    report = job.run(progress=lambda done, total: seen.append((done, total)), cancelled=lambda: len(seen) > 1)
    step = 20 * IN_FLIGHT  # the batches under way when it was cancelled went in all the same
    assert seen == [(0, 100), (20, 100)]
    assert report.cancelled and not report.complete and report.sent == step
    assert report.sentence() == (
        f"Import cancelled: {step} of 100 tasks went in; import the file again to add the rest "
        "(the tasks already in are not added twice)."
    )
    assert len(everything(alice_tasks)) == step, "each batch committed on its own"
    rest = import_rows(alice_tasks, alice.account.id, interchange.read(taskwarrior_file(100)))
    assert (rest.added, rest.existing, rest.complete) == (100 - step, step, True)
    stored = everything(alice_tasks)
    assert len(stored) == 100 == len({t.id for t in stored})


def test_the_quota_stops_the_import_with_one_sentence(test_db, alice_tasks: TaskRepository, alice: SignedIn):
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET max_tasks_per_user = 45")
    report = import_rows(
        alice_tasks, alice.account.id, interchange.read(taskwarrior_file(100)), batch_size=20
    )
    assert not report.complete and not report.cancelled and report.sent == 40
    assert report.sentence() == (
        "This account holds as many tasks as this database allows; delete some to add more: 40 of 100 "
        "tasks went in; import the file again to add the rest (the tasks already in are not added twice)."
    )
    assert len(everything(alice_tasks)) == 40, "the refused batch left nothing behind"


def test_rows_the_reader_skipped_are_reported(alice_tasks: TaskRepository, alice: SignedIn):
    text = "title,due\nBuy milk,2030-03-01\n,2030-03-01\nPay rent,not a date\n"
    result = interchange.read(text, zone=UTC)
    report = import_rows(alice_tasks, alice.account.id, result)
    assert report.sent == 1 and [p.number for p in report.skipped] == [3, 4]
    assert report.sentence() == "Imported 1 task: 1 new, 0 already there; 2 rows skipped."


@pytest.mark.parametrize("size", [0, 10_001])
def test_a_batch_size_out_of_range_is_refused(alice_tasks: TaskRepository, alice: SignedIn, size: int):
    with pytest.raises(ValueError, match="1 to 10,000"):
        ImportJob(alice_tasks, alice.account.id, interchange.read("title\nA\n"), batch_size=size)


def test_a_refusal_before_anything_went_in_is_said_alone(alice_tasks: TaskRepository, alice: SignedIn):
    sentence = "This database opens read-only; changes cannot be saved."
    read_only = ReadOnlyTasks(alice_tasks, lambda: TodoError(sentence))
    report = import_rows(read_only, alice.account.id, interchange.read(taskwarrior_file(3)))
    assert (report.sentence(), report.sent, report.complete) == (sentence, 0, False)
    assert everything(alice_tasks) == []


def test_an_import_goes_past_the_outbox_straight_to_the_database(tmp_path, alice_tasks: TaskRepository):
    durable = outbox_for(tmp_path / "outbox", "local", alice_tasks)
    assert direct(durable) is alice_tasks, "thousands of rows never wait in the outbox file"
    assert direct(alice_tasks) is alice_tasks
