"""Two devices, one task, in the window: against a real PostgreSQL database.

"Another device" is the same person signed in a second time (another session token) with
its own TaskRepository; the window never hears from it except through the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.support.database import PASSWORD
from tests.support.gui_fakes import key, select_rows, settle
from todo_desktop.core.errors import NotFoundError, StaleEditError
from todo_desktop.core.values import Priority, SmartList, TaskChanges
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.tasks.conflict_dialog import KEEP_MINE, KEEP_THEIRS, ConflictDialog

pytestmark = pytest.mark.gui

OTHER_DEVICE = "changed on another device"


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    second = accounts.sign_in(alice.account.email, PASSWORD)
    assert second.token != alice.token
    return TaskRepository(client_db, second.token)


def conflict_dialog(qtbot, window, task_id) -> ConflictDialog:
    qtbot.waitUntil(lambda: task_id in window.conflicts.dialogs)
    dialog = window.conflicts.dialogs[task_id]
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def stale_priority_edit(qtbot, window, phone):
    """The phone renames the first task and raises it to High; then the window, which has
    not seen that, sets it Urgent."""
    task = window.tasks.model.task_at(0)
    theirs = phone.update(task.id, TaskChanges(title="Renamed on the phone", priority=Priority.HIGH))
    select_rows(window, [0])
    key(qtbot, window.area.table, "4")
    return task, theirs, conflict_dialog(qtbot, window, task.id)


def test_a_stale_edit_shows_both_versions_and_esc_keeps_theirs(qtbot, make_window, alice_tasks, phone):
    window, _ = make_window(2)
    task, theirs, dialog = stale_priority_edit(qtbot, window, phone)

    assert not dialog.isModal()  # the window stays usable
    assert dialog.labels[("title", "theirs")].text() == "Renamed on the phone"
    assert dialog.labels[("title", "mine")].text() == "Renamed on the phone"  # mine changed no title
    assert dialog.labels[("priority", "theirs")].text() == "High"
    assert dialog.labels[("priority", "mine")].text() == "Urgent"
    assert dialog.labels[("priority", "mine")].font().bold()
    assert not dialog.labels[("title", "mine")].font().bold()
    assert ("description", "theirs") not in dialog.labels  # notes are the same: not shown
    assert OTHER_DEVICE in window.statusBar().currentMessage()
    settle(qtbot, window)
    # The row shows what is stored (theirs) while the person chooses; nothing was overwritten.
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id) == theirs)
    assert alice_tasks.get(task.id) == theirs
    assert window.undo_stack.count() == 0  # the edit never happened

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.choice == KEEP_THEIRS
    qtbot.waitUntil(lambda: not window.conflicts.dialogs)
    settle(qtbot, window)
    assert alice_tasks.get(task.id) == theirs
    assert window.tasks.model.task(task.id) == theirs
    assert window.statusBar().currentMessage() == "Kept the version from the other device."

    # Later edits are based on their version: no conflict.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # the keyboard is back
    select_rows(window, [0])
    key(qtbot, window.area.table, "1")
    settle(qtbot, window)
    assert alice_tasks.get(task.id).priority is Priority.LOW
    assert alice_tasks.get(task.id).title == "Renamed on the phone"
    assert not window.conflicts.dialogs


def test_enter_keeps_mine_over_theirs_and_keeps_their_other_fields(qtbot, make_window, alice_tasks, phone):
    window, _ = make_window(2)
    task, theirs, dialog = stale_priority_edit(qtbot, window, phone)
    settle(qtbot, window)

    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.choice == KEEP_MINE
    qtbot.waitUntil(lambda: not window.conflicts.dialogs)
    settle(qtbot, window)
    stored = alice_tasks.get(task.id)
    assert stored.priority is Priority.URGENT  # mine
    assert stored.title == "Renamed on the phone"  # their field, which I did not change
    assert stored.updated_at > theirs.updated_at
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id) == stored)

    # The phone's view is now stale in turn: both ways round, nothing is overwritten silently.
    with pytest.raises(StaleEditError):
        phone.update(task.id, TaskChanges(title="Phone again"), expected_version=theirs.updated_at)


def test_edits_queued_behind_a_conflict_join_its_dialog(qtbot, make_window, alice_tasks, phone):
    window, service = make_window(1)
    task = window.tasks.model.task_at(0)
    phone.update(task.id, TaskChanges(title="Phone"))
    service.write_delay = 0.2  # both edits are queued before the first is refused
    select_rows(window, [0])
    key(qtbot, window.area.table, "4")
    key(qtbot, window.area.table, "T")
    settle(qtbot, window)
    dialog = conflict_dialog(qtbot, window, task.id)
    qtbot.waitUntil(
        lambda: dialog.labels[("due_date", "mine")].text() != dialog.labels[("due_date", "theirs")].text()
    )
    assert len(window.conflicts.dialogs) == 1
    assert dialog.labels[("priority", "mine")].text() == "Urgent"
    assert alice_tasks.get(task.id).title == "Phone"  # neither queued edit overwrote it

    dialog.mine_button.click()
    settle(qtbot, window)
    stored = alice_tasks.get(task.id)
    assert (stored.title, stored.priority, stored.due_date is not None) == ("Phone", Priority.URGENT, True)


def test_rapid_own_edits_of_one_task_never_conflict(qtbot, make_window, alice_tasks):
    window, service = make_window(2)
    task = window.tasks.model.task_at(0)
    service.write_delay = 0.05  # each is still queued when the next key is pressed
    select_rows(window, [0])
    for name in ("4", "3", "2", "Space", "Space", "Space"):
        key(qtbot, window.area.table, name)
    window.commands.rename(task.id, "First title")
    window.commands.rename(task.id, "Second title")
    assert window.workers.pending_writes > 1
    settle(qtbot, window)
    stored = alice_tasks.get(task.id)
    assert (stored.priority, stored.completed, stored.title) == (Priority.MEDIUM, True, "Second title")
    assert window.tasks.model.task(task.id) == stored
    assert not window.conflicts.dialogs
    assert OTHER_DEVICE not in window.statusBar().currentMessage()

    # Undo and redo are versioned too, and based on what this window just wrote.
    key(qtbot, window.area.table, "Ctrl+Z")
    key(qtbot, window.area.table, "Ctrl+Z")
    key(qtbot, window.area.table, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert alice_tasks.get(task.id).title == "First title"
    assert alice_tasks.get(task.id).completed is True
    assert not window.conflicts.dialogs


def test_another_devices_change_appears_after_the_periodic_refresh(qtbot, make_window, alice_tasks, phone):
    window, _ = make_window(3, refresh_ms=100)
    first, second = window.tasks.model.task_at(0), window.tasks.model.task_at(1)
    assert window.navigator.counts is not None
    assert window.navigator.counts.counts.get(SmartList.PRIORITY_URGENT, 0) == 0

    phone.update(first.id, TaskChanges(title="Edited on the phone", priority=Priority.URGENT))
    qtbot.waitUntil(lambda: window.tasks.model.task(first.id).title == "Edited on the phone", timeout=5000)
    assert window.tasks.model.task(first.id).priority is Priority.URGENT
    assert window.tasks.model.row_of(first.id) == 0  # in place: no reload moved anything
    counts = window.navigator
    qtbot.waitUntil(
        lambda: counts.counts is not None and counts.counts.counts.get(SmartList.PRIORITY_URGENT) == 1
    )

    # Nor a row whose title the person is typing: the typing is kept, the row waits.
    third = window.tasks.model.task_at(2)
    select_rows(window, [2])
    key(qtbot, window.area.table, "F2")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, " and more")
    phone.update(third.id, TaskChanges(title="Phone title while typing"))
    phone.update(first.id, TaskChanges(title="Edited on the phone again"))
    qtbot.waitUntil(
        lambda: window.tasks.model.task(first.id).title == "Edited on the phone again", timeout=5000
    )
    assert window.tasks.model.task(third.id).title == third.title
    assert editor.text().endswith(" and more")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)

    # A change read from elsewhere never overwrites a row with a local edit on its way.
    window.session.workspace.tasks.write_delay = 0.5
    select_rows(window, [1])
    key(qtbot, window.area.table, "3")
    older = replace(second, priority=Priority.LOW, updated_at=second.updated_at + timedelta(seconds=1))
    assert window.tasks.editor.merge([older]) == 0
    assert window.tasks.model.task(second.id).priority is Priority.HIGH
    settle(qtbot, window)
    assert alice_tasks.get(second.id).priority is Priority.HIGH
    assert not window.conflicts.dialogs


def test_a_deletion_on_another_device_disappears_when_the_window_regains_focus(
    qtbot, make_window, alice_tasks, phone
):
    window, service = make_window(3)
    window.navigator.activate_gap_ms = 0
    gone = window.tasks.model.task_at(1)
    assert phone.delete([gone.id]) == 1
    with pytest.raises(NotFoundError):
        alice_tasks.get(gone.id)
    reads = len(service.list_texts)

    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(lambda: window.tasks.model.task(gone.id) is None)
    assert len(service.list_texts) == reads + 1
    assert window.area.stack.currentWidget() is window.area.table  # quietly: no loading page
    assert [t.title for t in window.tasks.model.tasks()] == ["Task 0", "Task 2"]


def test_focus_coming_back_right_after_a_load_reloads_nothing(make_window, monkeypatch):
    window, _ = make_window(2)
    reloads: list[int] = []
    monkeypatch.setattr(window.tasks, "reload", lambda: reloads.append(1))
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))  # e.g. a dialog closed
    assert reloads == []
    window.navigator.activate_gap_ms = 0
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert reloads == [1]
