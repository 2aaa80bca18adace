"""The details pane against a real database: open, save on focus-out and Ctrl+Enter, and the
per-field messages that keep what was typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.support.gui_fakes import key, select_rows, settle
from tests.support.memory_tasks import REFUSED
from todo_desktop.core.validation import DESCRIPTION_MAX
from todo_desktop.core.values import Priority

pytestmark = pytest.mark.gui
TOO_LONG = f"Description is {DESCRIPTION_MAX + 1:,} characters; the limit is {DESCRIPTION_MAX:,}."


def open_details(qtbot, window, row: int):
    select_rows(window, [row])
    key(qtbot, window.area.table, "Ctrl+Return")
    assert window.details.task_id == window.tasks.model.task_at(row).id
    return window.details


def retype(qtbot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    key(qtbot, field, "Backspace")
    qtbot.keyClicks(field, text)


def test_ctrl_enter_opens_the_current_task_and_focus_out_saves(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(2)
    pane = open_details(qtbot, window, 1)
    task = window.tasks.model.task_at(1)
    assert pane.title_edit.hasFocus()
    assert pane.title_edit.text() == "Task 1"
    assert pane.priority_combo.currentData() == Priority.MEDIUM
    assert not pane.no_due.isChecked()

    retype(qtbot, pane.title_edit, "Pay the rent")
    key(qtbot, pane.title_edit, "Tab")  # focus leaves the field: it saves
    assert pane.description_edit.hasFocus()
    assert window.tasks.model.task_at(1).title == "Pay the rent"
    settle(qtbot, window)
    assert alice_tasks.get(task.id).title == "Pay the rent"
    assert window.area.table.currentIndex().row() == 1  # the list kept its place

    key(qtbot, pane.description_edit, "Ctrl+Z")  # in a text field Ctrl+Z is the field's own undo
    settle(qtbot, window)
    assert alice_tasks.get(task.id).title == "Pay the rent"
    window.area.table.setFocus()
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    assert alice_tasks.get(task.id).title == "Task 1"
    assert pane.title_edit.text() == "Task 1"


def test_ctrl_enter_inside_saves_every_field_and_returns_to_the_list(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(1)
    pane = open_details(qtbot, window, 0)
    task_id = pane.task_id
    key(qtbot, pane.title_edit, "Tab")
    qtbot.keyClicks(pane.description_edit, "first line")
    key(qtbot, pane.description_edit, "Return")
    qtbot.keyClicks(pane.description_edit, "second line")
    pane.priority_combo.setCurrentIndex(pane.priority_combo.findData(Priority.HIGH))
    pane.due_edit.setDateTime(QDateTime(QDate(2031, 5, 6), QTime(9, 30)))
    key(qtbot, pane.description_edit, "Ctrl+Return")
    assert window.area.table.hasFocus()
    settle(qtbot, window)
    stored = alice_tasks.get(task_id)
    assert stored.description == "first line\nsecond line"
    assert stored.priority is Priority.HIGH
    local = stored.due_date.astimezone()
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2031, 5, 6, 9, 30)
    assert window.undo_stack.count() == 1  # one save, one undo step
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    assert alice_tasks.get(task_id).description is None


def test_priority_saves_when_chosen_and_no_due_date_clears_the_date(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(1)
    pane = open_details(qtbot, window, 0)
    pane.priority_combo.setFocus()
    key(qtbot, pane.priority_combo, "Down")  # Medium -> High, chosen by keyboard
    settle(qtbot, window)
    assert alice_tasks.get(pane.task_id).priority is Priority.HIGH

    pane.no_due.setFocus()
    key(qtbot, pane.no_due, "Space")
    assert not pane.due_edit.isEnabled()
    window.area.table.setFocus()  # leaving the due group saves it
    settle(qtbot, window)
    assert alice_tasks.get(pane.task_id).due_date is None
    assert window.tasks.model.task_at(0).due_date is None

    key(qtbot, window.area.table, "Ctrl+D")  # a task without a date: Ctrl+D offers one to edit
    assert not pane.no_due.isChecked()
    assert pane.due_edit.hasFocus()
    key(qtbot, pane.due_edit, "Up")  # stepped: chosen
    window.area.table.setFocus()
    settle(qtbot, window)
    assert alice_tasks.get(pane.task_id).due_date is not None


def undated_with_ctrl_d(qtbot, make_window, alice_tasks):
    """A window whose one task has no date (cleared in the details), after Ctrl+D on it."""
    window, _ = make_window(1)
    pane = open_details(qtbot, window, 0)
    pane.no_due.setFocus()
    key(qtbot, pane.no_due, "Space")
    window.area.table.setFocus()
    settle(qtbot, window)
    assert alice_tasks.get(pane.task_id).due_date is None
    key(qtbot, window.area.table, "Ctrl+D")
    return window, pane


@pytest.mark.parametrize("leave", ["Escape", "Shift+Tab", "click"])
def test_a_date_offered_by_ctrl_d_and_left_untouched_is_not_saved(qtbot, make_window, alice_tasks, leave):
    """Ctrl+D on a task without a date puts today in the field to start from; leaving it
    as it came (Esc above all) gives the task no date the person did not choose. (Tab stays
    in the date's group: "No due date", then the words field.)"""
    window, pane = undated_with_ctrl_d(qtbot, make_window, alice_tasks)
    task_id = pane.task_id
    assert pane.due_edit.hasFocus() and not pane.no_due.isChecked()
    if leave == "click":
        window.area.table.setFocus()
    else:
        key(qtbot, pane.due_edit, leave)
    settle(qtbot, window)
    assert alice_tasks.get(task_id).due_date is None
    assert pane.no_due.isChecked(), "the pane shows the task as it is: no date"
    assert window.undo_stack.count() == 1  # the date cleared above; nothing since


@pytest.mark.parametrize("take", ["Return", "pick"])
def test_a_date_offered_by_ctrl_d_is_kept_once_taken(qtbot, make_window, alice_tasks, take) -> None:
    """Enter in the field, or the day clicked in its calendar (today itself, which changes
    nothing in the field), takes the date offered."""
    window, pane = undated_with_ctrl_d(qtbot, make_window, alice_tasks)
    task_id = pane.task_id
    offered = pane.due_edit.date()
    if take == "Return":
        key(qtbot, pane.due_edit, "Return")
    else:
        pane.due_edit.calendarWidget().clicked.emit(offered)  # as the popup's click does
    window.area.table.setFocus()
    settle(qtbot, window)
    due = alice_tasks.get(task_id).due_date
    assert due is not None and due.astimezone().date() == offered.toPython()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("title", "Title cannot be empty."),
        ("description", TOO_LONG),
        ("due_date", "Due date must be between the years 1900 and 9998."),
    ],
)
def test_a_wrong_field_says_why_beside_it_and_keeps_the_text(qtbot, make_window, alice_tasks, field, message):
    window, _ = make_window(2)
    pane = open_details(qtbot, window, 0)
    before = alice_tasks.get(pane.task_id)
    if field == "title":
        retype(qtbot, pane.title_edit, "   ")
        typed = lambda: pane.title_edit.text() == "   "  # noqa: E731
    elif field == "description":
        pane.description_edit.setFocus()
        pane.description_edit.setPlainText("x" * (DESCRIPTION_MAX + 1))
        typed = lambda: len(pane.description_edit.toPlainText()) == DESCRIPTION_MAX + 1  # noqa: E731
    else:
        key(qtbot, window.area.table, "Ctrl+D")
        pane.due_edit.setDateTime(QDateTime(QDate(9999, 3, 1), QTime(12, 0)))
        typed = lambda: pane.due_edit.date().year() == 9999  # noqa: E731
    window.area.table.setFocus()
    assert pane.error(field) == message
    assert typed()
    assert window.workers.pending_writes == 0
    assert alice_tasks.get(pane.task_id) == before

    # Moving on in the list does not throw the typing away: the pane stays on its task.
    key(qtbot, window.area.table, "J")
    assert pane.task_id == before.id
    assert typed()
    key(qtbot, window.area.table, "Ctrl+Return")
    key(qtbot, QApplication.focusWidget(), "Ctrl+Return")  # saving inside: still wrong, stays
    assert pane.contains_focus()
    assert pane.error(field) == message


def test_a_refused_save_keeps_the_typed_title_with_the_reason(qtbot, make_window, alice_tasks) -> None:
    window, service = make_window(1)
    pane = open_details(qtbot, window, 0)
    service.refuse_writes.set()
    retype(qtbot, pane.title_edit, "Refused title")
    window.area.table.setFocus()
    qtbot.waitUntil(lambda: pane.error("title") == REFUSED)
    assert pane.title_edit.text() == "Refused title"
    assert window.tasks.model.task_at(0).title == "Task 0"  # rolled back in the list
    assert REFUSED in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0  # nothing happened, so nothing to undo


def test_a_task_deleted_elsewhere_keeps_the_typing_and_says_so(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(1)
    pane = open_details(qtbot, window, 0)
    alice_tasks.delete([pane.task_id])  # another device deletes it
    pane.description_edit.setFocus()
    qtbot.keyClicks(pane.description_edit, "notes nobody may lose")
    window.area.table.setFocus()
    qtbot.waitUntil(lambda: "no longer exists" in pane.error("description"))
    assert pane.description_edit.toPlainText() == "notes nobody may lose"


def test_an_empty_title_typed_in_place_moves_to_the_details_with_the_reason(qtbot, make_window, alice_tasks):
    window, _ = make_window(2)
    select_rows(window, [1])
    key(qtbot, window.area.table, "F2")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    retype(qtbot, editor, "   ")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    pane = window.details
    qtbot.waitUntil(lambda: pane.error("title") == "Title cannot be empty.")
    assert pane.title_edit.text() == "   "
    assert pane.title_edit.hasFocus()
    assert window.statusBar().currentMessage() == "Title cannot be empty."
    assert alice_tasks.get(window.tasks.model.task_at(1).id).title == "Task 1"
