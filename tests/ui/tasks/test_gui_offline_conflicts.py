"""An edit kept offline meets another device's change: the window asks, once it is active.

Real window, real database; the window's outbox sits in front of a switch that makes the
database unreachable, and "another device" is the same person signed in a second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from tests.support.database import PASSWORD
from tests.support.gui_fakes import SwitchedTasks, key, open_outbox_window, select_rows, settle
from todo_desktop.core.values import Priority, TaskChanges, TaskDraft
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.outbox import DurableTasks
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.tasks.conflict_dialog import KEEP_MINE, KEEP_THEIRS, ConflictDialog

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]

WAIT_MS = 15_000
Opened = tuple[MainWindow, SwitchedTasks, DurableTasks]
NOT_SAVED = "was not saved"


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    second = accounts.sign_in(alice.account.email, PASSWORD)
    return TaskRepository(client_db, second.token)


@pytest.fixture
def opened(qtbot, tmp_path: Path, alice, alice_tasks) -> Iterator[Opened]:
    alice_tasks.create(TaskDraft("Shared task"))
    alice_tasks.create(TaskDraft("Another task"))
    service = SwitchedTasks(alice_tasks)
    window, durable = open_outbox_window(qtbot, tmp_path, service, alice.account, retry_first_ms=200)
    try:
        yield window, service, durable
    finally:
        service.down.clear()
        window.close()
        window.workers.wait_for_all(10_000)


def row_titled(window: MainWindow, title: str) -> int:
    return next(n for n, t in enumerate(window.tasks.model.tasks()) if t.title == title)


def said_by(window: MainWindow) -> list[str]:
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    return said


def offline_choice(window: MainWindow) -> ConflictDialog | None:
    return window.outbox_watch.choices.dialog


def test_an_offline_edit_that_met_another_devices_change_asks_when_the_window_is_active(
    qtbot, opened, alice_tasks, phone
):
    window, service, durable = opened
    said = said_by(window)
    task = window.tasks.model.task_at(row_titled(window, "Shared task"))

    service.down.set()
    select_rows(window, [row_titled(window, "Shared task")])
    key(qtbot, window.area.table, "4")  # Urgent, kept in the outbox
    qtbot.waitUntil(lambda: durable.pending_count() == 1, timeout=WAIT_MS)
    theirs = phone.update(task.id, TaskChanges(title="Renamed on the phone"))

    elsewhere = QWidget()  # the person is in another app when the database comes back
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is elsewhere)
    service.down.clear()
    qtbot.waitUntil(lambda: durable.pending_count() == 0, timeout=WAIT_MS)
    settle(qtbot, window)

    assert not [m for m in said if NOT_SAVED in m]  # the edit was not thrown away
    assert alice_tasks.get(task.id) == theirs  # nor written over theirs unseen
    qtbot.wait(300)
    assert offline_choice(window) is None  # never over another app

    window.activateWindow()
    qtbot.waitUntil(lambda: offline_choice(window) is not None, timeout=WAIT_MS)
    dialog = offline_choice(window)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.labels[("title", "theirs")].text() == "Renamed on the phone"
    assert dialog.labels[("title", "mine")].text() == "Renamed on the phone"
    assert dialog.labels[("priority", "theirs")].text() == "Medium"
    assert dialog.labels[("priority", "mine")].text() == "Urgent"
    assert "choose which version to keep" in window.statusBar().currentMessage()

    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.choice == KEEP_MINE
    qtbot.waitUntil(lambda: durable.conflicts() == [], timeout=WAIT_MS)
    settle(qtbot, window)
    stored = alice_tasks.get(task.id)
    assert (stored.title, stored.priority) == ("Renamed on the phone", Priority.URGENT)
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id) == stored, timeout=WAIT_MS)
    assert offline_choice(window) is None

    # The window's next edit of it builds on what was just stored: no second question.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    select_rows(window, [window.tasks.model.row_of(task.id) or 0])
    key(qtbot, window.area.table, "1")
    settle(qtbot, window)
    assert alice_tasks.get(task.id).priority is Priority.LOW
    assert not window.conflicts.dialogs and offline_choice(window) is None


def test_an_offline_delete_of_a_task_changed_elsewhere_waits_for_an_open_dialog_and_can_be_kept(
    qtbot, opened, alice_tasks, phone
):
    window, service, durable = opened
    said = said_by(window)
    task = window.tasks.model.task_at(row_titled(window, "Another task"))

    service.down.set()
    select_rows(window, [row_titled(window, "Another task")])
    key(qtbot, window.area.table, "Del")
    qtbot.waitUntil(lambda: durable.pending_count() == 1, timeout=WAIT_MS)
    assert window.tasks.model.task(task.id) is None
    theirs = phone.update(task.id, TaskChanges(title="Still needed on the phone"))

    modal = QDialog(window)  # e.g. the connections dialog is open
    modal.setModal(True)
    modal.show()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is modal)
    service.down.clear()
    qtbot.waitUntil(lambda: durable.pending_count() == 0, timeout=WAIT_MS)
    settle(qtbot, window)
    assert not [m for m in said if NOT_SAVED in m]
    assert alice_tasks.get(task.id) == theirs  # not deleted unseen
    qtbot.wait(300)
    assert offline_choice(window) is None  # not over an open dialog

    modal.reject()
    window.activateWindow()
    qtbot.waitUntil(lambda: offline_choice(window) is not None, timeout=WAIT_MS)
    dialog = offline_choice(window)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "deleted" in dialog.intro.text()
    assert dialog.labels[("title", "theirs")].text() == "Still needed on the phone"

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # keep it
    assert dialog.choice == KEEP_THEIRS
    qtbot.waitUntil(lambda: durable.conflicts() == [], timeout=WAIT_MS)
    settle(qtbot, window)
    assert alice_tasks.get(task.id) == theirs
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id) == theirs, timeout=WAIT_MS)
