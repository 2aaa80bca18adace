"""A selection of several tasks edited from the keyboard reaches the database as one call and
one transaction, whatever the edit (complete, delete, priority, due date, undo of a delete),
against a real PostgreSQL database. What the window sends is read off the data layer's engine:
every todo_api call it makes, and every COMMIT (reads run in autocommit and send none).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from tests.support.database import PASSWORD
from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from tests.support.outbox_helpers import Traffic
from todo_desktop.core.errors import NotFoundError
from todo_desktop.core.values import Priority, TaskChanges
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.tasks.conflict_dialog import KEEP_MINE

pytestmark = pytest.mark.gui

SINGLE_CALLS = ("todo_api.update_task(", "todo_api.create_task(")


@pytest.fixture
def traffic(client_db) -> Iterator[Traffic]:
    watched = Traffic(client_db.engine)
    yield watched
    watched.close()


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    return TaskRepository(client_db, accounts.sign_in(alice.account.email, PASSWORD).token)


def one_batch(traffic: Traffic, call: str) -> None:
    """Exactly one write went out since the last check: one call of ``call``, one COMMIT."""
    assert traffic.calls(call) == 1, traffic.statements
    assert not any(traffic.calls(single) for single in SINGLE_CALLS)
    assert traffic.commits == 1
    traffic.clear()


def test_completing_and_reopening_a_selection_is_one_transaction_each(
    qtbot, make_window, alice_tasks, traffic
):
    window, _ = make_window(4)
    tasks = window.tasks.model.tasks()
    traffic.clear()
    select_rows(window, [0, 1, 3])
    key(qtbot, window.area.table, "Space")
    assert [t.completed for t in window.tasks.model.tasks()] == [True, True, False, True]  # at once
    settle(qtbot, window)
    one_batch(traffic, "todo_api.update_tasks(")
    assert [alice_tasks.get(t.id).completed for t in tasks] == [True, True, False, True]

    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    one_batch(traffic, "todo_api.update_tasks(")
    assert not any(alice_tasks.get(t.id).completed for t in tasks)


def test_priority_and_due_date_of_a_selection_are_one_transaction_each(
    qtbot, make_window, alice_tasks, traffic
):
    window, _ = make_window(3)
    tasks = window.tasks.model.tasks()
    traffic.clear()
    select_rows(window, [0, 1, 2])
    key(qtbot, window.area.table, "3")
    settle(qtbot, window)
    one_batch(traffic, "todo_api.update_tasks(")
    assert {alice_tasks.get(t.id).priority for t in tasks} == {Priority.HIGH}

    key(qtbot, window.area.table, "Shift+T")  # due tomorrow
    settle(qtbot, window)
    one_batch(traffic, "todo_api.update_tasks(")
    dues = {alice_tasks.get(t.id).due_date for t in tasks}
    assert len(dues) == 1 and None not in dues and dues != {t.due_date for t in tasks}

    # Undo writes back each task's own due date, still in one transaction.
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    one_batch(traffic, "todo_api.update_tasks(")
    assert [alice_tasks.get(t.id).due_date for t in tasks] == [t.due_date for t in tasks]


def test_deleting_a_selection_and_undoing_it_are_one_transaction_each(
    qtbot, make_window, alice_tasks, traffic
):
    window, _ = make_window(4)
    before = window.tasks.model.tasks()
    traffic.clear()
    select_rows(window, [0, 1, 2])
    key(qtbot, window.area.table, "Delete")
    assert shown_titles(window) == ["Task 3"]
    settle(qtbot, window)
    one_batch(traffic, "todo_api.delete_tasks(")
    assert window.statusBar().currentMessage() == "Deleted 3 tasks. Ctrl+Z brings them back."
    for task in before[:3]:
        with pytest.raises(NotFoundError):
            alice_tasks.get(task.id)

    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    one_batch(traffic, "todo_api.restore_tasks(")
    assert [t.id for t in window.tasks.model.tasks()] == [t.id for t in before]
    assert [alice_tasks.get(t.id).title for t in before] == [t.title for t in before]
    assert window.statusBar().currentMessage() == "Restored 3 tasks."


def test_a_refused_batch_rolls_back_every_row_with_one_sentence(qtbot, make_window, alice_tasks, test_db):
    window, _ = make_window(3)
    before = window.tasks.model.tasks()
    found = (
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'todo_api' AND p.proname = 'update_tasks'"
    )
    with test_db.superuser() as su:  # the database itself refuses the call, whatever its arguments
        signatures = [row[0] for row in su.execute(found).fetchall()]
        assert signatures
        for signature in signatures:
            su.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM todo_app")
    said: list[str] = []
    window.tasks.editor.message.connect(said.append)
    select_rows(window, [0, 1, 2])
    key(qtbot, window.area.table, "4")
    assert {t.priority for t in window.tasks.model.tasks()} == {Priority.URGENT}  # optimistic
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.tasks.model.tasks() == before)  # every row back
    assert said == ["Not changed: The database does not allow this account to do that."]
    assert window.statusBar().currentMessage() == said[0]
    assert window.undo_stack.count() == 0  # it never happened
    assert [alice_tasks.get(t.id) for t in before] == list(before)


def test_a_task_changed_elsewhere_asks_and_the_rest_of_the_selection_is_written(
    qtbot, make_window, alice_tasks, phone, traffic
):
    window, _ = make_window(3)
    tasks = window.tasks.model.tasks()
    theirs = phone.update(tasks[1].id, TaskChanges(title="Renamed on the phone"))
    traffic.clear()
    select_rows(window, [0, 1, 2])
    key(qtbot, window.area.table, "4")
    qtbot.waitUntil(lambda: tasks[1].id in window.conflicts.dialogs)
    settle(qtbot, window)
    one_batch(traffic, "todo_api.update_tasks(")
    assert [alice_tasks.get(t.id).priority for t in (tasks[0], tasks[2])] == [Priority.URGENT] * 2
    assert alice_tasks.get(tasks[1].id) == theirs  # not overwritten unseen
    assert len(window.conflicts.dialogs) == 1
    qtbot.waitUntil(lambda: window.tasks.model.task(tasks[1].id) == theirs)

    dialog = window.conflicts.dialogs[tasks[1].id]
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.choice == KEEP_MINE
    qtbot.waitUntil(lambda: not window.conflicts.dialogs)
    settle(qtbot, window)
    stored = alice_tasks.get(tasks[1].id)
    assert (stored.title, stored.priority) == ("Renamed on the phone", Priority.URGENT)


def test_a_task_deleted_elsewhere_is_named_and_the_rest_of_the_selection_is_written(
    qtbot, make_window, alice_tasks, traffic
):
    window, _ = make_window(3)
    tasks = window.tasks.model.tasks()
    alice_tasks.delete([tasks[1].id])  # gone on another device, still on this screen
    traffic.clear()
    select_rows(window, [0, 1, 2])
    key(qtbot, window.area.table, "3")
    qtbot.waitUntil(lambda: "no longer exists" in window.statusBar().currentMessage())
    settle(qtbot, window)
    one_batch(traffic, "todo_api.update_tasks(")
    assert window.statusBar().currentMessage() == (
        "Not changed: “Task 1” no longer exists; it may have been deleted on another device."
    )
    assert [alice_tasks.get(t.id).priority for t in (tasks[0], tasks[2])] == [Priority.HIGH] * 2
    assert [t.priority for t in window.tasks.model.tasks()] == [Priority.HIGH, Priority.MEDIUM, Priority.HIGH]
    assert window.undo_stack.count() == 1  # the rest happened, and can be undone
