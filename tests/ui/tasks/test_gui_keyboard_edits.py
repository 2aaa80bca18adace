"""Editing a task from the keyboard alone: Enter and Tab in the details, and a title typed in
the list that a reload or a change of list must not throw away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget

from tests.support.gui_fakes import key, select_rows, settle, shown_titles

pytestmark = pytest.mark.gui


def _inline_editor(window) -> QLineEdit:
    editor = QApplication.focusWidget()
    assert window.area.table.state() == QAbstractItemView.State.EditingState
    assert isinstance(editor, QLineEdit)
    assert window.area.table.viewport().isAncestorOf(editor)
    return editor


def test_enter_in_the_details_title_saves_it_and_stays(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(2)
    select_rows(window, [0])
    task_id = window.tasks.model.task_at(0).id
    key(qtbot, window.area.table, "Ctrl+Return")
    pane = window.details
    assert pane.title_edit.hasFocus()
    pane.title_edit.selectAll()
    qtbot.keyClicks(pane.title_edit, "Renamed with Enter")
    qtbot.keyClick(pane.title_edit, Qt.Key.Key_Return)
    assert window.tasks.model.task(task_id).title == "Renamed with Enter"  # at once, as Enter in Tags
    assert pane.title_edit.hasFocus()
    settle(qtbot, window)
    assert alice_tasks.get(task_id).title == "Renamed with Enter"


def test_tab_walks_the_details_in_the_order_they_are_shown(qtbot, make_window) -> None:
    window, _ = make_window(1)
    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+Return")
    pane = window.details
    words = pane.words
    # Top to bottom, left to right: the date, its "No due date" beside it, the words under it.
    wanted: list[QWidget] = [
        pane.title_edit,
        pane.description_edit,
        pane.priority_combo,
        pane.due_edit,
        pane.no_due,
        words.due_words,
        pane.tags_edit,
        pane.repeat_edit,
    ]
    reached: list[QWidget] = []
    for _ in range(20):
        focus = QApplication.focusWidget()
        if focus is None or not pane.isAncestorOf(focus):
            break
        if not reached or reached[-1] is not focus:  # the date field takes a Tab per part
            reached.append(focus)
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert [w.accessibleName() for w in reached] == [w.accessibleName() for w in wanted]


def test_a_reload_while_renaming_in_the_list_keeps_the_typing(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(3)
    select_rows(window, [1])
    task_id = window.tasks.model.task_at(1).id
    key(qtbot, window.area.table, "F2")
    editor = _inline_editor(window)
    editor.selectAll()
    qtbot.keyClicks(editor, "Half way through")
    editor.setCursorPosition(4)
    loads = len(window.session.workspace.tasks.list_texts)
    window.refresh()  # as F5 does, or the database coming back, or the window being activated
    qtbot.waitUntil(lambda: len(window.session.workspace.tasks.list_texts) > loads)
    qtbot.waitUntil(lambda: not window.tasks.model.pages.pending)
    qtbot.wait(50)

    editor = _inline_editor(window)
    assert editor.text() == "Half way through"
    assert editor.cursorPosition() == 4
    assert window.tasks.model.task_at(window.area.table.currentIndex().row()).id == task_id
    qtbot.keyClicks(editor, "!")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tasks.model.task(task_id).title == "Half! way through")
    settle(qtbot, window)
    assert alice_tasks.get(task_id).title == "Half! way through"


def test_switching_lists_while_renaming_saves_the_typing(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(2)
    select_rows(window, [1])
    task_id = window.tasks.model.task_at(1).id
    key(qtbot, window.area.table, "F2")
    editor = _inline_editor(window)
    editor.selectAll()
    qtbot.keyClicks(editor, "Typed before Ctrl+5")
    key(qtbot, editor, "Ctrl+5")  # Completed: the open task is not in it
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == 0)
    settle(qtbot, window)
    assert alice_tasks.get(task_id).title == "Typed before Ctrl+5"
    key(qtbot, window.area.table, "Ctrl+Z")  # an edit like any other
    settle(qtbot, window)
    assert alice_tasks.get(task_id).title == "Task 1"


def test_ctrl_z_in_quick_add_takes_back_the_task_just_added(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(1)
    field = window.area.quick_add
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(field, "Added by mistake")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, window)
    key(qtbot, field, "Ctrl+Z")  # nothing typed since: the add is what is undone
    settle(qtbot, window)
    assert shown_titles(window) == ["Task 0"]
    assert field.text() == ""  # not the old text back, to be added twice by the next Enter
    assert [t.title for t in alice_tasks.list(window.tasks.query).tasks] == ["Task 0"]
    qtbot.keyClicks(field, "Half")
    key(qtbot, field, "Ctrl+Z")  # typing there: the field's own undo, as ever
    assert field.text() == ""
    assert shown_titles(window) == ["Task 0"]


def test_a_delete_names_the_task_and_the_key_that_brings_it_back(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(2)
    table = window.area.table
    title = window.tasks.model.task_at(1).title
    select_rows(window, [1])
    key(qtbot, table, "Delete")
    settle(qtbot, window)
    assert window.statusBar().currentMessage() == f"Deleted “{title}”. Ctrl+Z brings it back."
    key(qtbot, table, "Ctrl+Z")
    settle(qtbot, window)
    assert [t.title for t in alice_tasks.list(window.tasks.query).tasks].count(title) == 1


def test_undoing_a_delete_selects_the_tasks_it_brings_back(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(4)
    table = window.area.table
    select_rows(window, [1, 2])
    key(qtbot, table, "Delete")
    settle(qtbot, window)
    key(qtbot, table, "Ctrl+Z")
    settle(qtbot, window)
    assert sorted(i.row() for i in table.selectionModel().selectedRows()) == [1, 2]
    assert table.currentIndex().row() == 1
    key(qtbot, table, "Space")  # the next key acts on what came back
    settle(qtbot, window)
    assert [t.completed for t in window.tasks.model.tasks()] == [False, True, True, False]


def test_undoing_the_delete_of_every_task_leaves_one_to_act_on(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window(2)
    table = window.area.table
    select_rows(window, [0, 1])
    key(qtbot, table, "Delete")
    settle(qtbot, window)
    key(qtbot, table, "Ctrl+Z")
    settle(qtbot, window)
    assert shown_titles(window) == ["Task 0", "Task 1"]
    assert table.currentIndex().row() == 0
    assert window.details.task_id == window.tasks.model.task_at(0).id
