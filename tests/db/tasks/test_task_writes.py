"""Task writes: create, get, update, toggle, bulk complete, delete and restore."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from todo_desktop.core.errors import InputErrors, NotFoundError, NotSignedInError, TodoError, ValidationError
from todo_desktop.core.values import Priority, Status, Task, TaskChanges, TaskDraft, TaskQuery

DUE = datetime(2026, 7, 14, 9, 30, 15, 123456, tzinfo=UTC)


def all_tasks(repo) -> list[Task]:
    return list(repo.list(TaskQuery(status=Status.ALL, limit=1000)).tasks)


@pytest.fixture
def task(alice_tasks) -> Task:
    return alice_tasks.create(
        TaskDraft(title="Write report", description="Q3 numbers", priority=Priority.HIGH, due_date=DUE)
    )


@pytest.fixture
def bobs(bob_tasks) -> Task:
    return bob_tasks.create(TaskDraft(title="Bob's secret", description="do not touch", due_date=DUE))


# -- create and get ----------------------------------------------------------------------


def test_create_keeps_the_client_id_and_every_field(alice_tasks):
    draft = TaskDraft(
        title="  Plan trip \t", description="  pack light ", priority=Priority.URGENT, due_date=DUE
    )
    made = alice_tasks.create(draft)
    assert made.id == draft.id
    assert made.title == "Plan trip"
    assert made.description == "  pack light "
    assert made.priority is Priority.URGENT
    assert made.due_date == DUE
    assert made.due_date.tzinfo is not None
    assert made.completed is False
    assert made.completed_at is None
    assert made.updated_at == made.created_at
    assert alice_tasks.get(made.id) == made


def test_create_twice_with_the_same_draft_is_one_task(alice_tasks):
    draft = TaskDraft(title="Pay rent", priority=Priority.LOW)
    first = alice_tasks.create(draft)
    again = alice_tasks.create(draft)
    assert again == first
    assert [t.id for t in all_tasks(alice_tasks)] == [draft.id]


def test_create_completed_sets_completed_at(alice_tasks):
    made = alice_tasks.create(TaskDraft(title="Already done", completed=True))
    assert made.completed is True
    assert made.completed_at is not None


def test_blank_description_is_stored_as_none(alice_tasks):
    assert alice_tasks.create(TaskDraft(title="x", description=" \n ")).description is None


def test_get_missing_id_is_not_found(alice_tasks):
    with pytest.raises(NotFoundError) as info:
        alice_tasks.get(uuid.uuid4())
    assert info.value.message.endswith(".")


def test_create_reusing_bobs_id_neither_reveals_nor_changes_it(alice_tasks, bob_tasks, bobs):
    with pytest.raises(TodoError):
        alice_tasks.create(TaskDraft(id=bobs.id, title="hijack", description="mine now"))
    assert bob_tasks.get(bobs.id) == bobs
    assert all_tasks(alice_tasks) == []


# -- update ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (TaskChanges(title="  Rewrite report  "), {"title": "Rewrite report"}),
        (TaskChanges(description="Q4 numbers"), {"description": "Q4 numbers"}),
        (TaskChanges(description=None), {"description": None}),
        (TaskChanges(description="   "), {"description": None}),
        (TaskChanges(priority=Priority.LOW), {"priority": Priority.LOW}),
        (TaskChanges(due_date=DUE + timedelta(days=3)), {"due_date": DUE + timedelta(days=3)}),
        (TaskChanges(due_date=None), {"due_date": None}),
        (TaskChanges(completed=True), {"completed": True}),
    ],
)
def test_update_changes_only_the_given_field(alice_tasks, task, changes, expected):
    after = alice_tasks.update(task.id, changes)
    for name in ("title", "description", "priority", "due_date", "completed"):
        assert getattr(after, name) == expected.get(name, getattr(task, name)), name
    assert after.id == task.id
    assert after.created_at == task.created_at
    assert after.updated_at > task.updated_at
    assert alice_tasks.get(task.id) == after


def test_update_with_nothing_returns_the_task_unchanged(alice_tasks, task):
    assert alice_tasks.update(task.id, TaskChanges()) == task


def test_update_every_field_at_once(alice_tasks, task):
    after = alice_tasks.update(
        task.id,
        TaskChanges(title="New", description=None, priority=Priority.URGENT, due_date=None, completed=True),
    )
    assert (after.title, after.description, after.priority, after.due_date, after.completed) == (
        "New",
        None,
        Priority.URGENT,
        None,
        True,
    )


def test_updated_at_strictly_increases_across_quick_updates(alice_tasks, task):
    stamps = [task.updated_at]
    for i in range(15):
        stamps.append(alice_tasks.update(task.id, TaskChanges(title=f"v{i}")).updated_at)
    assert all(a < b for a, b in itertools.pairwise(stamps))


def test_invalid_update_reports_each_field_and_changes_nothing(alice_tasks, task):
    with pytest.raises(InputErrors) as info:
        alice_tasks.update(task.id, TaskChanges(title="", due_date=datetime(2026, 1, 1), priority="soon"))
    assert set(info.value.by_field) == {"title", "due_date", "priority"}
    assert alice_tasks.get(task.id) == task


def test_update_missing_id_is_not_found(alice_tasks):
    with pytest.raises(NotFoundError):
        alice_tasks.update(uuid.uuid4(), TaskChanges(title="ghost"))
    with pytest.raises(NotFoundError):
        alice_tasks.update(uuid.uuid4(), TaskChanges())


# -- completion --------------------------------------------------------------------------


def test_toggle_sets_and_clears_completed_at(alice_tasks, task):
    done = alice_tasks.toggle(task)
    assert done.completed is True
    assert done.completed_at is not None
    assert done.completed_at >= task.updated_at
    reopened = alice_tasks.toggle(done)
    assert reopened.completed is False
    assert reopened.completed_at is None


def test_toggle_is_retry_safe(alice_tasks, task):
    """Toggling the same snapshot twice (a retried click) lands on the same state."""
    once = alice_tasks.toggle(task)
    twice = alice_tasks.toggle(task)
    assert twice.completed is True
    assert twice.completed_at == once.completed_at


def test_set_completed_in_bulk(alice_tasks):
    made = [alice_tasks.create(TaskDraft(title=f"t{i}")) for i in range(5)]
    early = alice_tasks.set_completed([made[0].id], True)[0]
    result = alice_tasks.set_completed([t.id for t in made] + [uuid.uuid4()], True)
    assert sorted(t.id for t in result) == sorted(t.id for t in made)
    assert all(t.completed and t.completed_at is not None for t in result)
    by_id = {t.id: t for t in result}
    assert by_id[made[0].id].completed_at == early.completed_at, "already done keeps its completion time"
    assert by_id[made[0].id].updated_at == early.updated_at, "a no-op must not bump updated_at"
    reopened = alice_tasks.set_completed([t.id for t in made[:3]], False)
    assert all(not t.completed and t.completed_at is None for t in reopened)
    still = {t.id: t.completed for t in all_tasks(alice_tasks)}
    assert still == {t.id: i >= 3 for i, t in enumerate(made)}


def test_set_completed_with_no_ids_is_harmless(alice_tasks, task):
    assert alice_tasks.set_completed([], True) == []
    assert alice_tasks.get(task.id) == task


# -- delete and restore ------------------------------------------------------------------


def test_delete_in_bulk_counts_and_is_idempotent(alice_tasks, task):
    others = [alice_tasks.create(TaskDraft(title=f"o{i}")) for i in range(3)]
    doomed = [task.id, others[0].id, others[0].id, uuid.uuid4()]
    assert alice_tasks.delete(doomed) == 2
    assert alice_tasks.delete(doomed) == 0
    assert alice_tasks.delete([]) == 0
    assert sorted(t.id for t in all_tasks(alice_tasks)) == sorted(t.id for t in others[1:])
    with pytest.raises(NotFoundError):
        alice_tasks.get(task.id)


def test_restore_after_delete_keeps_id_and_fields(alice_tasks, task):
    done = alice_tasks.update(task.id, TaskChanges(completed=True))
    assert alice_tasks.delete([done.id]) == 1
    [back] = alice_tasks.restore_many([done]).stored
    assert back.id == done.id
    for name in ("title", "description", "priority", "due_date", "completed"):
        assert getattr(back, name) == getattr(done, name), name
    assert back.completed_at is not None
    assert alice_tasks.restore_many([done]).stored == (back,), "restore is retry-safe too"


def test_too_many_ids_at_once_is_refused(alice_tasks):
    with pytest.raises(ValidationError) as info:
        alice_tasks.delete(uuid.uuid4() for _ in range(10_001))
    assert info.value.field == "selection"


# -- other people's tasks ----------------------------------------------------------------


def test_alice_cannot_touch_bobs_task(alice_tasks, bob_tasks, bobs):
    with pytest.raises(NotFoundError):
        alice_tasks.get(bobs.id)
    with pytest.raises(NotFoundError):
        alice_tasks.update(bobs.id, TaskChanges(title="pwned", description=None, completed=True))
    with pytest.raises(NotFoundError):
        alice_tasks.toggle(bobs)
    assert alice_tasks.set_completed([bobs.id], True) == []
    assert alice_tasks.delete([bobs.id]) == 0
    assert bob_tasks.get(bobs.id) == bobs
    assert all_tasks(bob_tasks) == [bobs]


def test_restore_of_bobs_snapshot_cannot_overwrite_it(alice_tasks, bob_tasks, bobs):
    forged = Task(**{**{f: getattr(bobs, f) for f in Task.__slots__}, "title": "pwned"})
    outcome = alice_tasks.restore_many([forged])
    assert (outcome.stored, outcome.gone) == ((), (bobs.id,))  # nothing of his shown either
    assert bob_tasks.get(bobs.id) == bobs


def test_signed_out_create_says_sign_in_again(accounts, alice, alice_tasks):
    accounts.sign_out(alice.token)
    with pytest.raises(NotSignedInError) as info:
        alice_tasks.create(TaskDraft(title="after sign-out"))
    assert "sign in" in info.value.message.lower()


SIGNED_OUT_IS_NOT_FOUND = (
    "with an ended session, RLS hides every row, so TaskRepository.update/get/list answer "
    "'That task no longer exists' or an empty list instead of NotSignedInError"
)


def test_signed_out_update_says_sign_in_again(accounts, alice, alice_tasks, task):
    accounts.sign_out(alice.token)
    with pytest.raises(NotSignedInError):
        alice_tasks.update(task.id, TaskChanges(title="typed while signed out"))


def test_signed_out_list_says_sign_in_again(accounts, alice, alice_tasks, task):
    accounts.sign_out(alice.token)
    with pytest.raises(NotSignedInError):
        alice_tasks.list(TaskQuery())


def test_restore_brings_back_creation_and_completion_times(alice_tasks):
    first = alice_tasks.toggle(
        alice_tasks.create(TaskDraft(title="finished long ago", priority=Priority.HIGH))
    )
    other = alice_tasks.create(TaskDraft(title="second"))
    assert alice_tasks.delete([first.id, other.id]) == 2
    back = alice_tasks.restore_many([first, other]).stored
    assert [t.id for t in back] == [first.id, other.id]
    assert back[0].created_at == first.created_at
    assert back[0].completed_at == first.completed_at
    assert back[0].updated_at > first.updated_at  # the restore is itself a change
    assert (back[1].title, back[1].created_at) == (other.title, other.created_at)
    assert alice_tasks.restore_many([first]).stored == (back[0],)  # a second restore changes nothing
