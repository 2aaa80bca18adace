"""Search keys made after an import: an import stores its tasks without them (making them
costs more than storing the task), and ``prepare_search`` makes them afterwards. Meanwhile
the tasks are found as if they had them, by every kind of search; making them later is no
edit (the version stays, no device sees a change); and one person's waiting tasks are never
another's candidates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from tests.support.change_reads import changed
from todo_desktop.core.values import Priority, SortKey, Status, Task, TaskChanges, TaskQuery
from todo_desktop.sync.transfer import PREPARE_BATCH, prepare_search

IMPORTED = 150  # more than restore_tasks takes for an undo


def _snapshots(count: int, word: str) -> list[Task]:
    now = datetime.now(UTC)
    return [
        Task(
            id=uuid.uuid4(),
            title=f"{word} number {i}" if i % 3 else f"Task {i}",
            description=None if i % 3 else f"notes with {word} inside",
            completed=i % 5 == 0,
            priority=Priority.MEDIUM,
            due_date=None,
            created_at=now,
            updated_at=now,
        )
        for i in range(count)
    ]


def _waiting(test_db, user_id) -> int:
    with test_db.superuser() as su:
        return su.execute(
            "SELECT count(*) FROM public.tasks WHERE user_id = %s AND search_pending", (user_id,)
        ).fetchone()[0]


def _found(tasks, text: str, **query) -> set[str]:
    titles, cursor = set(), None
    while True:
        page = tasks.list(TaskQuery(text=text, status=Status.ALL, after=cursor, **query))
        titles |= {t.title for t in page.tasks}
        cursor = page.next_cursor
        if cursor is None:
            return titles


def _searches(tasks) -> dict[str, set[str]]:
    return {
        "typed": _found(tasks, "plumbe"),
        "two words": _found(tasks, "plumber 1"),
        "word syntax": _found(tasks, '"plumber" -number'),
        "ranked": _found(tasks, "plumber", ranked=True),
        "by title": _found(tasks, "lumber", sort=SortKey.TITLE),
    }


def test_an_import_is_found_before_and_after_its_search_keys_are_made(test_db, alice, alice_tasks):
    alice_tasks.restore_many(_snapshots(IMPORTED, "Plumber"))
    assert _waiting(test_db, alice.account.id) == IMPORTED
    before = _searches(alice_tasks)
    assert len(before["typed"]) == IMPORTED and before["word syntax"] == {
        f"Task {i}" for i in range(0, IMPORTED, 3)
    }
    assert prepare_search(alice_tasks) == IMPORTED
    assert _waiting(test_db, alice.account.id) == 0
    assert _searches(alice_tasks) == before


def test_an_undo_makes_its_keys_at_once(test_db, alice, alice_tasks):
    alice_tasks.restore_many(_snapshots(5, "Plumber"))
    assert _waiting(test_db, alice.account.id) == 0


def test_making_keys_later_is_no_edit(alice_tasks):
    alice_tasks.restore_many(_snapshots(IMPORTED, "Plumber"))
    versions = {t.id: t.updated_at for t in alice_tasks.list(TaskQuery(status=Status.ALL, limit=500)).tasks}
    since = alice_tasks.change_cursor()
    prepare_search(alice_tasks)
    after = {t.id: t.updated_at for t in alice_tasks.list(TaskQuery(status=Status.ALL, limit=500)).tasks}
    assert after == versions
    assert changed(alice_tasks, since) == []


def test_an_edit_of_a_waiting_task_makes_its_keys_and_is_an_edit(test_db, alice, alice_tasks):
    first = _snapshots(IMPORTED, "Plumber")
    alice_tasks.restore_many(first)
    edited = alice_tasks.update(first[1].id, TaskChanges(title="Electrician visit"))
    assert edited.updated_at > first[1].updated_at
    assert _waiting(test_db, alice.account.id) == IMPORTED - 1
    assert _found(alice_tasks, "electri") == {"Electrician visit"}
    assert "Electrician visit" not in _found(alice_tasks, "plumb")


def test_prepare_search_makes_only_the_callers_keys(test_db, alice, alice_tasks, bob, bob_tasks):
    alice_tasks.restore_many(_snapshots(IMPORTED, "Plumber"))
    bob_tasks.restore_many(_snapshots(IMPORTED, "Lawyer"))
    assert prepare_search(alice_tasks) == IMPORTED
    assert _waiting(test_db, bob.account.id) == IMPORTED
    assert _found(alice_tasks, "lawyer") == set() and _found(alice_tasks, '"lawyer"') == set()
    assert len(_found(bob_tasks, "lawyer")) == IMPORTED


def test_prepare_search_goes_a_batch_at_a_time(test_db, alice, alice_tasks):
    alice_tasks.restore_many(_snapshots(IMPORTED, "Plumber"))
    assert alice_tasks.prepare_search(100) == 100
    assert alice_tasks.prepare_search(100) == IMPORTED - 100
    assert alice_tasks.prepare_search(100) == 0
    assert PREPARE_BATCH >= 100


@pytest.mark.parametrize("limit", [0, -1, 10_001])
def test_prepare_search_refuses_an_unreasonable_batch(alice_tasks, limit):
    from todo_desktop.core.errors import TodoError

    with pytest.raises(TodoError):
        alice_tasks.prepare_search(limit)


def test_waiting_tasks_are_candidates_only_of_their_owner(test_db, alice, alice_tasks, bob_tasks):
    """The candidate function alone, past the page's own check: Bob's waiting tasks match
    anything, so they must not even be Alice's candidates."""
    mine = alice_tasks.restore_many(_snapshots(IMPORTED, "Plumber")).stored
    bob_tasks.restore_many(_snapshots(IMPORTED, "Lawyer"))
    with test_db.superuser() as su:
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        for words, grams in (("to_tsquery('simple', 'lawyer')", "NULL"), ("NULL", "ARRAY['law']")):
            call = f"SELECT (todo_api.search_candidates({words}, {grams}, 1000)).ids"
            found = su.execute(call).fetchone()[0]
            assert set(found) == {t.id for t in mine}
