"""Edits of several tasks through the outbox: queued as one entry, replayed as one call and
one transaction, exactly once, even when the answer to its COMMIT is lost; and the entries
the previous release left on people's disks still replay.

The outbox replays against the real TaskRepository; "another device" is the same person
signed in a second time. What reaches the database is read off the data layer's engine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.database import PASSWORD
from tests.support.faultproxy import proxied_url, upstream_for
from tests.support.lost_commit_proxy import LostCommitProxy
from tests.support.outbox_helpers import Switched, Traffic, state
from todo_desktop.core.values import Priority, Task, TaskChanges, TaskDraft, TaskEdit
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.outbox import DurableTasks, outbox_for
from todo_desktop.sync.outbox_file import Outbox, changes_to_json, task_to_json

pytestmark = pytest.mark.timeout(60)

DUE = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.fixture
def switched(alice_tasks) -> Switched:
    return Switched(alice_tasks)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "outbox"


@pytest.fixture
def traffic(client_db) -> Iterator[Traffic]:
    watched = Traffic(client_db.engine)
    yield watched
    watched.close()


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    return TaskRepository(client_db, accounts.sign_in(alice.account.email, PASSWORD).token)


def made(durable, count: int) -> list[Task]:
    return [durable.create(TaskDraft(f"Task {i}", due_date=DUE)) for i in range(count)]


def urgent(tasks: list[Task]) -> list[TaskEdit]:
    return [TaskEdit(t.id, TaskChanges(priority=Priority.URGENT), t.updated_at) for t in tasks]


def restarted(folder: Path, inner) -> DurableTasks:
    """What the next run of the app finds: the same folder, nothing in memory."""
    return DurableTasks(Switched(inner), Outbox(folder, "local"))


# -- one entry, one transaction -------------------------------------------------------------


def test_a_selection_edited_offline_is_one_entry_and_one_transaction_when_sent(
    switched, folder, alice_tasks, traffic
):
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 4)
    switched.down.set()
    shown = durable.update_many(urgent(tasks))
    assert [t.priority for t in shown.stored] == [Priority.URGENT] * 4  # optimistic
    assert durable.pending_count() == 1
    [entry] = Outbox(folder, "local").entries()
    assert entry["op"] == "edits" and [e["id"] for e in entry["edits"]] == [str(t.id) for t in tasks]

    switched.down.clear()
    traffic.clear()
    report = restarted(folder, alice_tasks).flush()  # after a quit, from the file alone
    assert (report.sent, report.dropped, report.conflicts, report.pending) == (1, 0, 0, 0)
    assert traffic.calls("todo_api.update_tasks(") == 1 and traffic.commits == 1
    assert traffic.calls("todo_api.update_task(") == 0
    assert {row[3] for row in state(alice_tasks).values()} == {Priority.URGENT}


def test_a_chain_of_offline_batches_replays_without_looking_stale(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 3)
    switched.down.set()
    first = durable.update_many(urgent(tasks)).stored  # versions made up on this computer
    second = [TaskEdit(t.id, TaskChanges(completed=True), t.updated_at) for t in first]
    durable.update_many(second)
    switched.down.clear()
    report = durable.flush()
    assert (report.sent, report.conflicts, report.dropped) == (2, 0, 0)
    assert set(state(alice_tasks).values()) == {(t.title, None, True, Priority.URGENT, DUE) for t in tasks}


def test_a_queued_delete_of_several_is_one_versioned_call(switched, folder, alice_tasks, phone, traffic):
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 3)
    switched.down.set()
    assert durable.delete([t.id for t in tasks]) == 3
    theirs = phone.update(tasks[1].id, TaskChanges(title="The phone still needs this"))
    switched.down.clear()
    traffic.clear()
    report = durable.flush()
    assert (report.sent, report.conflicts, report.dropped) == (1, 1, 0)
    # One call that checks each version as it deletes: no read first, no gap between the two.
    assert traffic.calls("todo_api.delete_tasks(") == 1 and traffic.commits == 1
    assert traffic.calls("todo_api.get_tasks(") == 0
    assert list(state(alice_tasks)) == [theirs.id]
    [conflict] = durable.conflicts()
    assert (conflict.task_id, conflict.theirs, conflict.deleting) == (theirs.id, theirs, True)


def test_an_undone_multi_delete_is_one_entry_and_one_transaction(switched, folder, alice_tasks, traffic):
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 3)
    switched.down.set()
    durable.delete([t.id for t in tasks])
    back = durable.restore_many(tasks)
    assert back.stored == tuple(tasks)
    assert [e["op"] for e in Outbox(folder, "local").entries()] == ["delete", "restores"]
    switched.down.clear()
    traffic.clear()
    assert durable.flush().sent == 2
    assert (traffic.calls("todo_api.restore_tasks("), traffic.commits) == (1, 2)  # and the delete
    assert sorted(state(alice_tasks)) == sorted(t.id for t in tasks)
    assert {alice_tasks.get(t.id).created_at for t in tasks} == {t.created_at for t in tasks}


# -- versions and refusals inside a batch ----------------------------------------------------


def test_a_task_of_a_queued_batch_changed_elsewhere_waits_and_the_rest_is_written(
    switched, folder, alice_tasks, phone
):
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 3)
    switched.down.set()
    durable.update_many(urgent(tasks))
    theirs = phone.update(tasks[1].id, TaskChanges(title="Renamed on the phone"))
    switched.down.clear()

    report = durable.flush()
    assert (report.sent, report.conflicts, report.dropped, report.pending) == (1, 1, 0, 0)
    assert [alice_tasks.get(t.id).priority for t in (tasks[0], tasks[2])] == [Priority.URGENT] * 2
    assert alice_tasks.get(theirs.id) == theirs
    [conflict] = restarted(folder, alice_tasks).conflicts()
    assert (conflict.task_id, conflict.theirs) == (theirs.id, theirs)
    assert conflict.mine is not None and conflict.mine.as_dict() == {"priority": Priority.URGENT}

    assert durable.keep_mine(theirs.id) is True
    stored = alice_tasks.get(theirs.id)
    assert (stored.title, stored.priority) == ("Renamed on the phone", Priority.URGENT)


def test_a_task_of_a_queued_batch_deleted_elsewhere_is_named_and_the_rest_is_written(
    switched, folder, alice_tasks
):
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 3)
    switched.down.set()
    durable.update_many(urgent(tasks))
    alice_tasks.delete([tasks[0].id])
    switched.down.clear()
    report = durable.flush()
    assert (report.sent, report.dropped, report.pending) == (1, 1, 0)
    assert report.problems == (
        "An edit made offline was not saved for a task that no longer exists; "
        "it may have been deleted on another device.",
    )
    assert [alice_tasks.get(t.id).priority for t in tasks[1:]] == [Priority.URGENT] * 2


def test_an_edit_of_a_task_waiting_for_a_choice_joins_it_instead_of_being_sent(
    switched, folder, alice_tasks, phone
):
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 2)
    switched.down.set()
    durable.update(tasks[0].id, TaskChanges(title="Mine"), tasks[0].updated_at)
    theirs = phone.update(tasks[0].id, TaskChanges(description="From the phone"))
    switched.down.clear()
    assert durable.flush().conflicts == 1
    shown = durable.update_many(urgent(tasks))  # the window's next edit of both
    assert alice_tasks.get(tasks[0].id) == theirs  # still not written over unseen
    assert alice_tasks.get(tasks[1].id).priority is Priority.URGENT
    assert {t.id for t in shown.stored} == {t.id for t in tasks}
    [conflict] = durable.conflicts()
    assert conflict.mine is not None
    assert conflict.mine.as_dict() == {"title": "Mine", "priority": Priority.URGENT}


# -- exactly once ---------------------------------------------------------------------------


@pytest.fixture
def lossy(test_db, alice) -> Iterator[tuple[LostCommitProxy, TaskRepository]]:
    """The repository through a proxy that can lose the answer to a COMMIT."""
    with LostCommitProxy(upstream_for(test_db.client_url)) as proxy:
        target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
        db = Database(create_db_engine(target), target, retry_budget=5.0)
        try:
            yield proxy, TaskRepository(db, alice.token)
        finally:
            db.dispose()


class LosingAnswers(Switched):
    """While ``losing``, the answer to every write's first COMMIT is lost on its way back:
    the server committed, and the data layer sends the write again."""

    def __init__(self, inner, proxy: LostCommitProxy) -> None:
        super().__init__(inner)
        self.proxy = proxy
        self.losing = False

    def _check(self, write: bool = False) -> None:
        super()._check(write)
        if write and self.losing:
            self.proxy.lose_next_commit_answer()


def test_a_replayed_batch_whose_commit_answer_is_lost_lands_exactly_once(lossy, folder, alice_tasks):
    proxy, repo = lossy
    switched = LosingAnswers(repo, proxy)
    durable = outbox_for(folder, "local", switched)
    tasks = made(durable, 3)
    switched.down.set()
    done = [
        TaskEdit(t.id, TaskChanges(completed=True, title=f"Done {t.title}"), t.updated_at) for t in tasks[:2]
    ]
    durable.update_many(done)
    durable.delete([tasks[2].id])
    durable.restore_many(tasks[2:])
    durable.delete([tasks[2].id])
    entries = Outbox(folder, "local").entries()
    switched.down.clear()

    switched.losing = True
    report = durable.flush()
    assert proxy.lost_answers == len(entries) == 4  # every replay committed unheard, and was sent again
    assert (report.sent, report.conflicts, report.dropped, report.pending) == (4, 0, 0, 0)
    assert durable.conflicts() == [] and durable.take_problems() == []
    expected = {t.id: (f"Done {t.title}", None, True, Priority.MEDIUM, DUE) for t in tasks[:2]}
    assert state(alice_tasks) == expected

    # A crash before an entry left the file: the next run replays it again, and nothing moves,
    # not even a version.
    switched.losing = False
    stored = [alice_tasks.get(t.id) for t in tasks[:2]]
    for entry in (entries[0], entries[-1]):
        Outbox(folder, "local").replace_all([entry])
        report = restarted(folder, repo).flush()
        assert (report.sent, report.conflicts, report.dropped) == (1, 0, 0), entry["op"]
    assert [alice_tasks.get(t.id) for t in tasks[:2]] == stored
    assert state(alice_tasks) == expected


# -- what the previous release queued --------------------------------------------------------


def test_single_entries_queued_by_the_previous_release_still_replay(switched, folder, alice_tasks):
    a, b, c, d, e = (alice_tasks.create(TaskDraft(f"Old {i}")) for i in range(5))
    alice_tasks.delete([e.id])
    old = [
        # An update, and a toggle (queued as an update of completed), each with its version.
        {
            "op": "update",
            "id": str(a.id),
            "changes": changes_to_json(TaskChanges(title="Renamed")),
            "expected": a.updated_at.isoformat(),
            "v": "2026-01-01T00:00:00+00:00",
        },
        {
            "op": "update",
            "id": str(b.id),
            "changes": {"completed": True},
            "expected": b.updated_at.isoformat(),
            "v": "2026-01-01T00:00:01+00:00",
        },
        {
            "op": "set_completed",
            "ids": [str(c.id), str(a.id)],
            "completed": True,
            "v": "2026-01-01T00:00:02+00:00",
        },
        {"op": "delete", "ids": [str(d.id)]},  # before versions were kept
        {"op": "restore", "task": task_to_json(e), "v": e.updated_at.isoformat()},
    ]
    box = Outbox(folder, "local")
    for entry in old:
        box.append(entry)
    durable = outbox_for(folder, "local", switched)
    report = durable.flush()
    assert (report.sent, report.dropped, report.conflicts, report.pending) == (5, 0, 0, 0)
    assert state(alice_tasks) == {
        a.id: ("Renamed", None, True, Priority.MEDIUM, None),
        b.id: ("Old 1", None, True, Priority.MEDIUM, None),
        c.id: ("Old 2", None, True, Priority.MEDIUM, None),
        e.id: ("Old 4", None, False, Priority.MEDIUM, None),
    }
    assert alice_tasks.get(e.id).created_at == e.created_at  # restored, not made anew


def test_an_unknown_entry_stops_the_flush_and_is_kept(switched, folder, alice_tasks):
    """A newer release's entry, say, after a downgrade: never dropped on a guess."""
    Outbox(folder, "local").append({"op": "from_the_future", "ids": [str(uuid.uuid4())]})
    durable = outbox_for(folder, "local", switched)
    report = durable.flush()
    assert (report.sent, report.dropped, report.pending) == (0, 0, 1)
