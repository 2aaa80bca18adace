"""Edits of several tasks through the repository: one call and one transaction for the whole
selection, each task checked against its own version. Against a real PostgreSQL database.

"One transaction" is shown three ways: the client sends one statement and one COMMIT, every
row the batch wrote carries the same writing transaction (``xmin``), and a batch refused in
the middle leaves nothing of itself behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.support.database import PASSWORD
from tests.support.outbox_helpers import Traffic
from todo_desktop.core.errors import LimitError, NotFoundError, ValidationError
from todo_desktop.core.values import Priority, Task, TaskChanges, TaskDraft, TaskEdit
from todo_desktop.db.task_snapshots import MAX_BULK
from todo_desktop.db.tasks import TaskRepository

DUE = datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)


class LostCommits:
    """A Database whose every write commits but whose answer is lost, so the data layer sends
    it again, as it does after a connection dropped during COMMIT."""

    def __init__(self, db) -> None:
        self.db = db

    def call(self, token, statement, params, *, write=False):
        self.db.call(token, statement, params, write=write)
        return self.db.call(token, statement, params, write=write)


@pytest.fixture
def traffic(client_db) -> Iterator[Traffic]:
    watched = Traffic(client_db.engine)
    yield watched
    watched.close()


@pytest.fixture
def tasks(alice_tasks) -> list[Task]:
    return [alice_tasks.create(TaskDraft(title=f"Task {i}", due_date=DUE)) for i in range(5)]


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    """The same person on another device: another session, its own repository."""
    return TaskRepository(client_db, accounts.sign_in(alice.account.email, PASSWORD).token)


def writers(test_db, ids: list[uuid.UUID]) -> set[str]:
    """The transactions that wrote the rows as they are now (each row's ``xmin``)."""
    with test_db.superuser() as su:
        rows = su.execute("SELECT xmin::text FROM public.tasks WHERE id = ANY(%s)", (ids,)).fetchall()
    assert len(rows) == len(ids)
    return {r[0] for r in rows}


def completing(tasks: list[Task]) -> list[TaskEdit]:
    return [TaskEdit(t.id, TaskChanges(completed=True), t.updated_at) for t in tasks]


# -- one transaction ------------------------------------------------------------------------


def test_completing_a_selection_is_one_call_and_one_transaction(alice_tasks, tasks, traffic, test_db):
    ids = [t.id for t in tasks]
    assert len(writers(test_db, ids)) == len(tasks)  # made one by one
    traffic.clear()

    outcome = alice_tasks.update_many(completing(tasks))

    assert [t.id for t in outcome.stored] == ids
    assert all(t.completed and t.completed_at is not None for t in outcome.stored)
    assert (outcome.stale, outcome.gone) == ((), ())
    assert traffic.calls("todo_api.update_tasks(") == 1
    assert traffic.calls("todo_api.update_task(") == 0
    assert traffic.commits == 1
    assert len(writers(test_db, ids)) == 1  # every row written by the same transaction


def test_a_batch_refused_in_the_middle_leaves_nothing_half_done(alice_tasks, tasks, test_db):
    with test_db.superuser() as su:
        used = su.execute("SELECT text_bytes FROM public.task_counts").fetchone()[0]
        su.execute("UPDATE todo_auth.settings SET max_text_bytes_per_user = %s", (used + 100,))
    # The first two fit on their own; the third takes the account over its text limit.
    notes = ["a" * 10, "b" * 10, "c" * 200, "d", "e"]
    edits = [
        TaskEdit(t.id, TaskChanges(description=n), t.updated_at) for t, n in zip(tasks, notes, strict=True)
    ]
    with pytest.raises(LimitError):
        alice_tasks.update_many(edits)
    assert [alice_tasks.get(t.id) for t in tasks] == tasks  # not one of them written


def test_each_task_of_a_batch_may_change_its_own_fields(alice_tasks, tasks):
    """As an undo of a multi-edit sends back each task's own old values."""
    a, b, c = tasks[:3]
    outcome = alice_tasks.update_many(
        [
            TaskEdit(a.id, TaskChanges(priority=Priority.LOW), a.updated_at),
            TaskEdit(b.id, TaskChanges(due_date=None), b.updated_at),
            TaskEdit(c.id, TaskChanges(title="  Renamed ", description=None, completed=True)),
        ]
    )
    stored = {t.id: t for t in outcome.stored}
    assert (stored[a.id].priority, stored[a.id].title, stored[a.id].due_date) == (Priority.LOW, a.title, DUE)
    assert (stored[b.id].due_date, stored[b.id].priority) == (None, b.priority)
    assert (stored[c.id].title, stored[c.id].completed, stored[c.id].due_date) == ("Renamed", True, DUE)
    assert [alice_tasks.get(t.id) for t in (a, b, c)] == [stored[a.id], stored[b.id], stored[c.id]]


def test_restoring_a_deleted_selection_is_one_transaction(alice_tasks, tasks, traffic, test_db):
    assert alice_tasks.delete([t.id for t in tasks]) == len(tasks)
    traffic.clear()
    outcome = alice_tasks.restore_many(tasks + tasks[:1])  # the same task twice counts once
    assert [t.id for t in outcome.stored] == [t.id for t in tasks]
    assert [(t.title, t.created_at) for t in outcome.stored] == [(t.title, t.created_at) for t in tasks]
    assert (traffic.calls("todo_api.restore_tasks("), traffic.commits) == (1, 1)
    assert len(writers(test_db, [t.id for t in tasks])) == 1
    assert alice_tasks.restore_many(tasks).stored == outcome.stored  # again: changes nothing


# -- versions -------------------------------------------------------------------------------


def test_a_stale_task_is_reported_with_their_version_and_the_rest_is_written(alice_tasks, phone, tasks):
    theirs = phone.update(tasks[1].id, TaskChanges(title="Renamed on the phone"))
    outcome = alice_tasks.update_many(
        [TaskEdit(t.id, TaskChanges(priority=Priority.URGENT), t.updated_at) for t in tasks]
    )
    assert outcome.stale == (theirs,)
    assert [t.id for t in outcome.stored] == [t.id for t in tasks if t.id != theirs.id]
    assert all(t.priority is Priority.URGENT for t in outcome.stored)
    assert alice_tasks.get(theirs.id) == theirs  # nothing written over it

    # Keeping mine: the same change, based on the version just seen.
    [mine] = alice_tasks.update_many(
        [TaskEdit(theirs.id, TaskChanges(priority=Priority.URGENT), theirs.updated_at)]
    ).stored
    assert (mine.title, mine.priority) == ("Renamed on the phone", Priority.URGENT)


def test_a_stale_version_that_asks_for_what_is_stored_succeeds_quietly(alice_tasks, phone, tasks):
    theirs = phone.update(tasks[0].id, TaskChanges(priority=Priority.HIGH))
    outcome = alice_tasks.update_many([TaskEdit(tasks[0].id, TaskChanges(priority=Priority.HIGH), DUE)])
    assert (outcome.stored, outcome.stale) == ((theirs,), ())


def test_a_task_that_already_holds_the_values_is_not_written_again(alice_tasks, tasks):
    """No new version, so no other device fetches a change that changed nothing."""
    [done] = alice_tasks.update_many(completing(tasks[:1])).stored
    again = alice_tasks.update_many([TaskEdit(done.id, TaskChanges(completed=True), done.updated_at)])
    assert again.stored == (done,)
    assert alice_tasks.get(done.id) == done


def test_a_batch_sent_again_after_a_lost_commit_is_applied_once(client_db, alice_tasks, tasks):
    flaky = TaskRepository(LostCommits(client_db), alice_tasks.token)  # type: ignore[arg-type]
    edits = [
        TaskEdit(t.id, TaskChanges(title=f"Once {i}", completed=True), t.updated_at)
        for i, t in enumerate(tasks)
    ]
    outcome = flaky.update_many(edits)
    assert outcome.stale == ()  # its own first attempt moved the versions: not a conflict
    assert [alice_tasks.get(t.id) for t in tasks] == list(outcome.stored)
    assert [t.title for t in outcome.stored] == [f"Once {i}" for i in range(len(tasks))]

    doomed = flaky.delete_unchanged({t.id: t.updated_at for t in outcome.stored[:2]})
    assert (doomed.deleted, doomed.stale) == ((), ())  # the retry found them gone, as wanted
    assert set(doomed.gone) == {t.id for t in tasks[:2]}
    with pytest.raises(NotFoundError):
        alice_tasks.get(tasks[0].id)
    back = flaky.restore_many(tasks[:2])
    assert [t.id for t in back.stored] == [t.id for t in tasks[:2]] and back.gone == ()


def test_gone_and_foreign_tasks_are_reported_alike_and_stop_nothing(alice_tasks, bob_tasks, tasks):
    bobs = bob_tasks.create(TaskDraft(title="Bob's", description="private"))
    alice_tasks.delete([tasks[0].id])  # gone on another device
    stranger = uuid.uuid4()
    asked = [tasks[0].id, stranger, bobs.id, tasks[1].id]
    outcome = alice_tasks.update_many([TaskEdit(i, TaskChanges(title="pwned"), None) for i in asked])
    assert outcome.gone == (tasks[0].id, stranger, bobs.id)
    assert [t.title for t in outcome.stored] == ["pwned"]
    assert bob_tasks.get(bobs.id) == bobs
    assert alice_tasks.delete_unchanged({bobs.id: bobs.updated_at, stranger: None}).gone == (
        bobs.id,
        stranger,
    )
    assert bob_tasks.get(bobs.id) == bobs
    forged = alice_tasks.restore_many([bobs, tasks[0]])
    assert (forged.gone, [t.id for t in forged.stored]) == ((bobs.id,), [tasks[0].id])
    assert bob_tasks.get(bobs.id) == bobs


# -- deletes with versions -------------------------------------------------------------------


def test_a_delete_keeps_a_task_changed_since_it_was_seen(alice_tasks, phone, tasks, traffic):
    theirs = phone.update(tasks[1].id, TaskChanges(description="still needed"))
    gone = uuid.uuid4()
    traffic.clear()
    outcome = alice_tasks.delete_unchanged(
        {tasks[0].id: tasks[0].updated_at, tasks[1].id: tasks[1].updated_at, tasks[2].id: None, gone: None}
    )
    assert outcome.deleted == (tasks[0].id, tasks[2].id)
    assert (outcome.stale, outcome.gone) == ((theirs,), (gone,))
    assert traffic.commits == 1
    assert alice_tasks.get(theirs.id) == theirs
    assert alice_tasks.delete([t.id for t in tasks]) == 3  # unversioned: whatever their version


# -- refused before anything is sent ---------------------------------------------------------


def test_the_repository_refuses_a_bad_batch_before_sending_it(alice_tasks, tasks, traffic):
    traffic.clear()
    with pytest.raises(ValidationError) as info:
        alice_tasks.update_many(
            [TaskEdit(uuid.uuid4(), TaskChanges(completed=True)) for _ in range(MAX_BULK + 1)]
        )
    assert info.value.field == "selection"
    with pytest.raises(ValidationError):
        alice_tasks.restore_many(
            [Task(**{**_fields(tasks[0]), "id": uuid.uuid4()}) for _ in range(MAX_BULK + 1)]
        )
    with pytest.raises(ValueError, match="each task once"):
        alice_tasks.update_many([TaskEdit(tasks[0].id, TaskChanges(title="a"))] * 2)
    with pytest.raises(ValueError, match="timezone-aware"):
        alice_tasks.update_many([TaskEdit(tasks[0].id, TaskChanges(title="a"), datetime(2026, 1, 1))])
    with pytest.raises(ValidationError):  # one bad value refuses the whole batch
        alice_tasks.update_many(
            [TaskEdit(tasks[0].id, TaskChanges(title="ok")), TaskEdit(tasks[1].id, TaskChanges(title=" "))]
        )
    assert alice_tasks.update_many([]).stored == ()
    assert alice_tasks.delete_unchanged({}).deleted == ()
    assert traffic.statements == []
    assert [alice_tasks.get(t.id) for t in tasks] == tasks


def _fields(task: Task) -> dict[str, object]:
    return {f: getattr(task, f) for f in Task.__slots__}
