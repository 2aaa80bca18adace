"""The poll for other devices' edits (``task_list.read_changes``) against a real PostgreSQL
database: a poll brings every change since the time asked, however many landed together.

The window polls from a few seconds before the newest version it has seen. A page of the
database's answer is at most 500 tasks, oldest first; if a poll took only that page, the
next poll would start from before the same page again (their versions lie within those
few seconds) and read the same tasks, and the rest would never show.
"""

from __future__ import annotations

import pytest

from tests.support.database import PASSWORD
from todo_desktop.core.changes import ChangeCursor
from todo_desktop.core.errors import ChangesLostError
from todo_desktop.core.values import TaskChanges, TaskDraft, TaskEdit
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.tasks.task_list import read_changes

MANY = 620  # more than one page of the database's answer


def _seeded(alice_tasks: TaskRepository) -> list:
    return [alice_tasks.create(TaskDraft(title=f"Task {i}")) for i in range(MANY)]


def _phone(client_db, accounts, alice) -> TaskRepository:
    return TaskRepository(client_db, accounts.sign_in(alice.account.email, PASSWORD).token)


def test_one_poll_reads_every_task_another_device_changed_at_once(client_db, accounts, alice, alice_tasks):
    tasks = _seeded(alice_tasks)
    since = alice_tasks.change_cursor()  # as the window's list read takes it
    phone = _phone(client_db, accounts, alice)
    phone.update_many([TaskEdit(t.id, TaskChanges(title=f"{t.title} (phone)")) for t in tasks])

    found, _removed = (c := read_changes(alice_tasks, since)).tasks, c.removed

    assert len(found) == MANY
    assert len({t.id for t in found}) == MANY
    assert all(t.title.endswith("(phone)") for t in found)


def test_one_poll_reads_every_task_another_device_deleted_at_once(client_db, accounts, alice, alice_tasks):
    tasks = _seeded(alice_tasks)
    since = alice_tasks.change_cursor()
    phone = _phone(client_db, accounts, alice)
    assert phone.delete([t.id for t in tasks]) == MANY

    removed = read_changes(alice_tasks, since).removed

    assert set(removed) == {t.id for t in tasks}


def test_a_poll_from_a_quiet_time_reads_nothing_twice(client_db, accounts, alice, alice_tasks):
    tasks = _seeded(alice_tasks)[:3]
    phone = _phone(client_db, accounts, alice)
    since = alice_tasks.change_cursor()
    phone.update(tasks[0].id, TaskChanges(title="Phone"))
    read = read_changes(alice_tasks, since)
    found, removed = read.tasks, read.removed
    assert [t.id for t in found] == [tasks[0].id] and not removed


def test_a_poll_after_the_database_went_back_reads_the_list_again(alice_tasks):
    """A cursor past where the database stands is what a window holds after its database was
    restored to an earlier point: the poll asks for the whole list again, and goes on from a
    cursor of the database as it is now, instead of failing at every poll."""
    now = alice_tasks.change_cursor()
    ahead = ChangeCursor(str(int(now.token) + 1_000_000))
    with pytest.raises(ChangesLostError):
        alice_tasks.changed_since(ahead)
    read = read_changes(alice_tasks, ahead)
    assert not read.complete and not read.tasks and not read.removed
    assert int(read.cursor.token) <= int(alice_tasks.change_cursor().token)
    alice_tasks.create(TaskDraft(title="After the restore"))
    assert [t.title for t in read_changes(alice_tasks, read.cursor).tasks] == ["After the restore"]
