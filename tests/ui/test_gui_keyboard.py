"""The keyboard model, driven key by key against a real PostgreSQL database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from tests.support.memory_tasks import NOW
from todo_desktop.core.clock import LocalZone, end_of_day
from todo_desktop.core.errors import NotFoundError
from todo_desktop.core.values import Priority

pytestmark = pytest.mark.gui


def stored(alice_tasks, window, row: int):
    return alice_tasks.get(window.tasks.model.task_at(row).id)


def test_ctrl_n_quick_add_enter_adds_and_esc_leaves(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(1)
    key(qtbot, window.area.table, "Ctrl+N")
    assert window.area.quick_add.hasFocus()
    for title in ("Buy milk", "Call mum"):
        qtbot.keyClicks(window.area.quick_add, title)
        qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
        assert window.area.quick_add.text() == ""
    assert shown_titles(window)[:2] == ["Call mum", "Buy milk"]  # at once, before the database answers
    settle(qtbot, window)
    assert {t.title for t in alice_tasks.list(window.tasks.query).tasks} == {"Task 0", "Buy milk", "Call mum"}

    qtbot.keyClicks(window.area.quick_add, "half typed")
    key(qtbot, window.area.quick_add, "Esc")
    assert window.area.table.hasFocus()
    assert window.area.quick_add.text() == "half typed"  # leaving is not throwing away


def test_enter_and_f2_edit_the_title_in_place(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(2)
    select_rows(window, [1])
    due = window.tasks.model.task_at(1).due_date
    for name, title in (("Return", "Renamed by Enter"), ("F2", "Renamed by F2")):
        key(qtbot, window.area.table, name)
        assert window.area.table.state() == QAbstractItemView.State.EditingState
        editor = QApplication.focusWidget()
        assert isinstance(editor, QLineEdit)
        editor.selectAll()
        qtbot.keyClicks(editor, title)
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits on its next turn
        qtbot.waitUntil(lambda title=title: window.tasks.model.task_at(1).title == title)
        settle(qtbot, window)
        assert stored(alice_tasks, window, 1).title == title
        assert stored(alice_tasks, window, 1).due_date == due  # the "t" typed was not "due today"
        assert window.area.table.hasFocus()
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    assert stored(alice_tasks, window, 1).title == "Renamed by Enter"


def test_space_toggles_a_multi_selection_with_undo_and_redo(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(3)
    select_rows(window, [0, 2])
    key(qtbot, window.area.table, "Space")
    assert [t.completed for t in window.tasks.model.tasks()] == [True, False, True]
    settle(qtbot, window)
    assert [stored(alice_tasks, window, r).completed for r in range(3)] == [True, False, True]

    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    assert not any(stored(alice_tasks, window, r).completed for r in range(3))
    assert not any(t.completed for t in window.tasks.model.tasks())
    key(qtbot, window.area.table, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert [stored(alice_tasks, window, r).completed for r in range(3)] == [True, False, True]
    key(qtbot, window.area.table, "Space")  # all selected are done: reopen them
    settle(qtbot, window)
    assert not any(stored(alice_tasks, window, r).completed for r in range(3))


def test_delete_then_undo_restores_the_same_ids_and_redo_deletes_again(
    qtbot, make_window, alice_tasks
) -> None:
    window, _ = make_window(4)
    before = window.tasks.model.tasks()
    select_rows(window, [1, 2])
    key(qtbot, window.area.table, "Delete")
    assert shown_titles(window) == ["Task 0", "Task 3"]
    assert window.area.table.currentIndex().row() == 1  # the next row is ready for the next key
    settle(qtbot, window)
    for task in before[1:3]:
        with pytest.raises(NotFoundError):
            alice_tasks.get(task.id)

    key(qtbot, window.area.table, "Ctrl+Z")
    assert shown_titles(window) == ["Task 0", "Task 1", "Task 2", "Task 3"]
    settle(qtbot, window)
    for task in before[1:3]:
        back = alice_tasks.get(task.id)
        assert (back.title, back.due_date, back.priority) == (task.title, task.due_date, task.priority)
    assert [t.id for t in window.tasks.model.tasks()] == [t.id for t in before]

    key(qtbot, window.area.table, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert shown_titles(window) == ["Task 0", "Task 3"]
    with pytest.raises(NotFoundError):
        alice_tasks.get(before[1].id)


def test_number_keys_set_priority_on_the_selection(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(3)
    select_rows(window, [0, 1])
    for name, priority in (
        ("1", Priority.LOW),
        ("3", Priority.HIGH),
        ("4", Priority.URGENT),
        ("2", Priority.MEDIUM),
    ):
        key(qtbot, window.area.table, name)
        assert [t.priority for t in window.tasks.model.tasks()][:2] == [priority, priority]
        settle(qtbot, window)
        assert stored(alice_tasks, window, 0).priority is priority
        assert stored(alice_tasks, window, 1).priority is priority
    key(qtbot, window.area.table, "4")
    settle(qtbot, window)
    assert window.tasks.model.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()  # urgent is marked
    assert stored(alice_tasks, window, 2).priority is Priority.MEDIUM  # not selected: untouched


def test_t_and_shift_t_set_due_today_and_tomorrow(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(3)
    zone = LocalZone()
    select_rows(window, [0, 2])
    key(qtbot, window.area.table, "T")
    settle(qtbot, window)
    today = end_of_day(NOW, zone)
    assert {stored(alice_tasks, window, r).due_date for r in range(3)} >= {today}
    assert window.tasks.model.task_at(0).due_date == window.tasks.model.task_at(2).due_date == today
    local = today.astimezone(zone)
    assert (local.hour, local.minute) == (23, 59)

    key(qtbot, window.area.table, "Shift+T")
    settle(qtbot, window)
    tomorrow = end_of_day(NOW, zone, 1)
    assert stored(alice_tasks, window, 0).due_date == tomorrow
    assert stored(alice_tasks, window, 2).due_date == tomorrow
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    assert stored(alice_tasks, window, 0).due_date == today


def test_ctrl_d_opens_the_due_field_of_the_current_task(qtbot, make_window) -> None:
    window, _ = make_window(2)
    select_rows(window, [1])
    key(qtbot, window.area.table, "Ctrl+D")
    assert window.details.task_id == window.tasks.model.task_at(1).id
    assert window.details.due_edit.hasFocus()
    assert window.details.due_edit.calendarPopup()


def test_j_k_and_arrows_move_and_shift_extends(qtbot, make_window) -> None:
    window, _ = make_window(5)
    select_rows(window, [0])

    def current() -> int:
        return window.area.table.currentIndex().row()

    def selected() -> list[int]:
        return sorted(i.row() for i in window.area.table.selectionModel().selectedRows())

    key(qtbot, window.area.table, "J")
    key(qtbot, window.area.table, "J")
    assert (current(), selected()) == (2, [2])
    key(qtbot, window.area.table, "K")
    assert (current(), selected()) == (1, [1])
    key(qtbot, window.area.table, "Down")
    assert (current(), selected()) == (2, [2])
    key(qtbot, window.area.table, "Shift+J")
    key(qtbot, window.area.table, "Shift+Down")
    assert (current(), selected()) == (4, [2, 3, 4])
    key(qtbot, window.area.table, "Shift+K")
    key(qtbot, window.area.table, "Shift+Up")
    key(qtbot, window.area.table, "Shift+K")
    assert (current(), selected()) == (1, [1, 2])
    key(qtbot, window.area.table, "Up")
    assert (current(), selected()) == (0, [0])


def test_single_keys_do_nothing_while_typing(qtbot, make_window) -> None:
    window, _ = make_window(2)
    select_rows(window, [0])
    before = window.tasks.model.tasks()
    key(qtbot, window.area.table, "Ctrl+N")
    typed = "1 2 3 4 t T j k ?"
    qtbot.keyClicks(window.area.quick_add, typed)
    key(qtbot, window.area.quick_add, "Space")
    key(qtbot, window.area.quick_add, "Delete")  # deletes a character, not a task
    assert window.area.quick_add.text() == typed + " "
    assert window.tasks.model.tasks() == before
    assert not window.shortcuts.isVisible()

    key(qtbot, window.area.table, "Ctrl+Return")  # the details title is a text field too
    qtbot.keyClicks(window.details.title_edit, " 4t")
    assert window.details.title_edit.text().endswith(" 4t")
    assert window.tasks.model.tasks() == before
    assert window.workers.pending_writes == 0


def test_ctrl_q_waits_for_a_pending_write(qtbot, make_window, alice_tasks) -> None:
    window, service = make_window()
    service.write_delay = 0.4
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Typed just before quitting")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    assert window.workers.pending_writes == 1
    key(qtbot, window, "Ctrl+Q")
    assert not window.isVisible()
    assert [t.title for t in alice_tasks.list(window.tasks.query).tasks] == ["Typed just before quitting"]


ISSUE_KEYS = {
    "Ctrl+N": "New Task",
    "Return": "Edit Title",
    "F2": "Edit Title",
    "Ctrl+Return": "Open or Save Details",
    "Space": "Toggle Done",
    "Del": "Delete",
    "1": "Priority Low",
    "2": "Priority Medium",
    "3": "Priority High",
    "4": "Priority Urgent",
    "Ctrl+D": "Set Due Date",
    "T": "Due Today",
    "Shift+T": "Due Tomorrow",
    "Ctrl+Z": "Undo",
    "Ctrl+Shift+Z": "Redo",
    "Ctrl+F": "Find",
    "Ctrl+K": "Command Palette",
    "Ctrl+1": "Inbox",
    "Ctrl+6": "Urgent",
    "J": "Next Task",
    "K": "Previous Task",
    "F1": "Keyboard Shortcuts",
    "Ctrl+Q": "Quit",
}


def test_every_issue_shortcut_is_an_action_in_a_menu(make_window) -> None:
    window, _ = make_window()
    in_menus = {}
    for menu_action in window.menuBar().actions():
        stack = [menu_action.menu()]
        while stack:
            menu = stack.pop()
            for action in menu.actions():
                if action.menu() is not None:
                    stack.append(action.menu())
                for shortcut in action.shortcuts():
                    in_menus[shortcut.toString()] = action.text().replace("&", "")
    for shortcut, name in ISSUE_KEYS.items():
        assert shortcut in in_menus, shortcut
        assert in_menus[shortcut].startswith(name), (shortcut, in_menus[shortcut])
    assert QKeySequence("?") in window.command_table.commands[-1].aliases[0].shortcuts()
