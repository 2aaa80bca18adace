"""The details pane in step with the list, typed due dates, an emptied pane between accounts,
and status-bar sentences that are readable in full; driven with pytest-qt."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from tests.support.gui_fakes import key, select_rows, settle
from tests.support.memory_tasks import ALICE, REFUSED, MemoryTasks, make_task
from todo_desktop.core.ports import Workspace
from todo_desktop.core.values import Priority
from todo_desktop.ui.accounts.workspace_switch import KEYRING_NOTE
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.tasks.columns import Column

pytestmark = pytest.mark.gui


def open_details(qtbot, window: MainWindow, row: int):
    select_rows(window, [row])
    key(qtbot, window.area.table, "Ctrl+Return")
    return window.details


def retype(qtbot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    key(qtbot, field, "Backspace")
    qtbot.keyClicks(field, text)


def current_row(window: MainWindow) -> int:
    return window.area.table.currentIndex().row()


# The pane follows the selection -------------------------------------------------------------


def test_a_refusal_that_arrives_after_moving_on_leaves_the_pane_on_the_selected_task(
    qtbot, make_window, alice_tasks
) -> None:
    window, service = make_window(2)
    pane = open_details(qtbot, window, 0)
    first, second = window.tasks.model.task_at(0), window.tasks.model.task_at(1)
    service.refuse_writes.set()
    service.write_delay = 0.5  # the refusal comes back after the person has moved on
    retype(qtbot, pane.title_edit, "Refused title")
    window.area.table.setFocus()  # leaving the field saves it
    key(qtbot, window.area.table, "J")
    assert pane.task_id == second.id
    settle(qtbot, window)
    assert REFUSED in window.statusBar().currentMessage()

    assert current_row(window) == 1
    assert pane.task_id == second.id
    assert pane.heading.text() == "Task 1"
    assert pane.title_edit.text() == "Task 1"

    # Ctrl+Enter works on the task the person sees selected, and on no other.
    service.refuse_writes.clear()
    service.write_delay = 0.0
    key(qtbot, window.area.table, "Ctrl+Return")
    assert pane.title_edit.hasFocus()
    retype(qtbot, pane.title_edit, "Renamed second")
    key(qtbot, pane.title_edit, "Ctrl+Return")
    settle(qtbot, window)
    assert alice_tasks.get(second.id).title == "Renamed second"
    assert alice_tasks.get(first.id).title == "Task 0"

    # What was typed is not lost: back on the first task it is there, with the reason.
    key(qtbot, window.area.table, "K")
    assert pane.task_id == first.id and pane.heading.text() == "Task 0"
    assert pane.title_edit.text() == "Refused title"
    assert pane.error("title") == REFUSED


def test_moving_on_after_a_refused_edit_shows_the_next_task_and_saves_only_into_it(
    qtbot, make_window, alice_tasks
) -> None:
    window, service = make_window(2)
    pane = open_details(qtbot, window, 0)
    first, second = window.tasks.model.task_at(0), window.tasks.model.task_at(1)
    service.refuse_writes.set()
    retype(qtbot, pane.title_edit, "Refused title")
    window.area.table.setFocus()
    qtbot.waitUntil(lambda: pane.error("title") == REFUSED)
    service.refuse_writes.clear()

    key(qtbot, window.area.table, "J")
    assert current_row(window) == 1
    assert pane.task_id == second.id
    assert pane.heading.text() == "Task 1"
    assert pane.title_edit.text() == "Task 1"
    assert pane.error("title") == ""

    key(qtbot, window.area.table, "Ctrl+Return")
    retype(qtbot, pane.title_edit, "Renamed second")
    key(qtbot, pane.title_edit, "Ctrl+Return")
    settle(qtbot, window)
    assert alice_tasks.get(second.id).title == "Renamed second"
    assert alice_tasks.get(first.id).title == "Task 0"


def test_wrong_input_keeps_the_list_on_the_task_being_edited(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(2)
    pane = open_details(qtbot, window, 0)
    first = window.tasks.model.task_at(0)
    retype(qtbot, pane.title_edit, "   ")
    window.area.table.setFocus()
    assert pane.error("title") == "Title cannot be empty."

    key(qtbot, window.area.table, "J")
    # The list does not move to a task the pane is not showing.
    qtbot.waitUntil(lambda: current_row(window) == 0)
    assert [index.row() for index in window.area.table.selectionModel().selectedRows()] == [0]
    assert pane.task_id == first.id and pane.heading.text() == "Task 0"
    assert pane.title_edit.text() == "   "
    assert "fix the marked field" in window.statusBar().currentMessage()

    # A click on another row does the same.
    second_row = window.area.table.visualRect(window.tasks.model.index(1, Column.TITLE)).center()
    qtbot.mouseClick(window.area.table.viewport(), Qt.MouseButton.LeftButton, pos=second_row)
    qtbot.waitUntil(lambda: current_row(window) == 0)
    assert [index.row() for index in window.area.table.selectionModel().selectedRows()] == [0]
    assert pane.task_id == first.id and pane.title_edit.text() == "   "


# Typing a due date ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-12 18:00", (2026, 12, 12, 18, 0)),
        ("2027-03-04 09:05", (2027, 3, 4, 9, 5)),
        ("202612121800", (2026, 12, 12, 18, 0)),
        ("2026-1-5 9:05", (2026, 1, 5, 9, 5)),
    ],
)
def test_a_typed_due_date_and_time_is_stored_exactly(
    qtbot, make_window, alice_tasks, typed, expected
) -> None:
    window, _ = make_window(1)
    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+D")
    pane = window.details
    assert pane.due_edit.hasFocus()
    qtbot.keyClicks(pane.due_edit, typed)
    window.area.table.setFocus()  # leaving the field saves it
    settle(qtbot, window)
    local = alice_tasks.get(pane.task_id).due_date.astimezone()
    assert (local.year, local.month, local.day, local.hour, local.minute) == expected
    assert pane.due_edit.text() == "{:04}-{:02}-{:02} {:02}:{:02}".format(*expected)


def test_a_due_date_typed_over_the_whole_field_is_stored_exactly(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(1)
    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+D")
    pane = window.details
    key(qtbot, pane.due_edit, "Ctrl+A")
    qtbot.keyClicks(pane.due_edit, "2026-12-12 18:00")
    window.area.table.setFocus()
    settle(qtbot, window)
    local = alice_tasks.get(pane.task_id).due_date.astimezone()
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2026, 12, 12, 18, 0)


# A correction clears its message ------------------------------------------------------------


def test_a_details_message_clears_once_the_field_is_corrected(qtbot, make_window) -> None:
    window, _ = make_window(1)
    pane = open_details(qtbot, window, 0)
    retype(qtbot, pane.title_edit, "   ")
    window.area.table.setFocus()
    assert pane.error("title") == "Title cannot be empty."
    pane.title_edit.setFocus()
    qtbot.keyClicks(pane.title_edit, "Pay rent")
    assert pane.error("title") == ""
    assert pane.error("general") == ""
    assert pane.title_edit.text() == "   Pay rent"


# Another account, an empty pane ---------------------------------------------------------------


BOB = replace(ALICE, id=uuid.uuid4(), email="bob@example.com", first_name="Bob")


@pytest.fixture
def two_accounts(qtbot) -> Iterator[Callable[[], MainWindow]]:
    """A window whose workspace is Alice's first and Bob's after the next sign-in."""
    alice_due = datetime(2031, 5, 6, 9, 30).astimezone()
    alice = MemoryTasks(
        [make_task("Alice's dentist", due=alice_due, priority=Priority.HIGH, description="Bring X-rays")]
    )
    bob = MemoryTasks([make_task("Bob's plain task")])
    workspaces = iter(
        [
            Workspace(tasks=alice, account=ALICE, where="this computer"),
            Workspace(tasks=bob, account=BOB, where="this computer"),
        ]
    )
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(lambda: next(workspaces), quit_wait_ms=10_000)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        window.open_workspace()
        qtbot.waitUntil(
            lambda: (
                window.area.stack.currentWidget() is window.area.table and window.tasks.model.rowCount() == 1
            )
        )
        return window

    yield make
    for window in windows:
        window.close()
        window.workers.wait_for_all(10_000)


def assert_empty(pane) -> None:
    assert pane.due_edit.text().strip() == ""
    assert pane.title_edit.text() == ""
    assert pane.description_edit.toPlainText() == ""
    assert pane.priority_combo.currentText() == ""


def test_signing_out_and_in_as_someone_else_leaves_nothing_of_the_last_task(qtbot, two_accounts) -> None:
    window = two_accounts()
    pane = open_details(qtbot, window, 0)
    assert pane.due_edit.text() == "2031-05-06 09:30"
    window.area.table.setFocus()

    window.switch.close()
    qtbot.waitUntil(lambda: pane.task_id is None)
    assert not pane.title_edit.isEnabled() and not pane.due_edit.isEnabled()
    assert_empty(pane)
    assert pane.heading.text() == "No task selected"

    window.open_workspace()  # Bob this time
    qtbot.waitUntil(
        lambda: (
            window.tasks.model.rowCount() == 1 and window.tasks.model.task_at(0).title == "Bob's plain task"
        )
    )
    qtbot.waitUntil(lambda: pane.task_id == window.tasks.model.task_at(0).id)
    assert pane.title_edit.text() == "Bob's plain task"
    assert pane.no_due.isChecked() and not pane.due_edit.isEnabled()
    assert "2031" not in pane.due_edit.text()
    assert pane.due_edit.text().strip() == ""


# The status bar -----------------------------------------------------------------------------


def shown_in_full(window: MainWindow, text: str) -> bool:
    """True when a label in the status bar holds the whole sentence with room for all of it."""
    bar = window.statusBar()
    for label in bar.findChildren(QLabel):
        if not label.isVisible() or label.text() != text:
            continue
        inside = bar.rect().contains(label.geometry())
        if label.wordWrap():
            return inside and label.height() >= label.heightForWidth(label.width())
        return inside and label.width() >= label.fontMetrics().horizontalAdvance(text)
    return False


@pytest.mark.parametrize("width", [1100, 760])
def test_the_keyring_sentence_in_the_status_bar_can_be_read_in_full(qtbot, width) -> None:
    service = MemoryTasks([make_task("Water the plants")])
    window = MainWindow(
        lambda: Workspace(tasks=service, account=ALICE, where="this computer"), quit_wait_ms=10_000
    )
    qtbot.addWidget(window)
    window.resize(width, 600)
    window.show()
    qtbot.waitExposed(window)
    window.open_workspace()
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
    note = KEYRING_NOTE.format(cause="No system keyring is available (Secret Service not running)")
    window.show_message(note)
    assert window.statusBar().currentMessage() == note
    qtbot.waitUntil(lambda: shown_in_full(window, note))
    # The rest of the status bar is still there beside it.
    assert window.status.list_label.isVisible() and window.status.where_label.isVisible()
    window.statusBar().clearMessage()
    qtbot.waitUntil(lambda: not shown_in_full(window, note))
    window.close()
    window.workers.wait_for_all(10_000)
