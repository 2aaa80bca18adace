"""The search field as the place to pick a result from, against a real database: the arrows
and the page keys move through the results while the field keeps the keyboard, Enter edits
the result chosen as Enter does in the list, and switching the scope keeps what is typed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from tests.support.gui_fakes import key, shown_titles
from todo_desktop.core.values import TaskDraft

pytestmark = pytest.mark.gui

PLUMBING = ["Plumb the sink", "Plumb the bath", "Plumb the shower", "Plumb the garden tap"]


@pytest.fixture
def plumbing(alice_tasks):
    return [alice_tasks.create(TaskDraft(title)) for title in [*PLUMBING, "Buy milk"]]


def _search(qtbot, window, text: str) -> None:
    key(qtbot, window.area.table, "Ctrl+F")
    qtbot.keyClicks(window.area.search, text)
    qtbot.waitUntil(lambda: len(shown_titles(window)) == len(PLUMBING))
    qtbot.waitUntil(lambda: window.area.table.currentIndex().row() == 0)


def test_arrows_move_through_the_results_while_the_field_keeps_the_keys(qtbot, make_window, plumbing):
    window, _ = make_window()
    search, table = window.area.search, window.area.table
    _search(qtbot, window, "plumb")
    key(qtbot, search, "Down")
    key(qtbot, search, "Down")
    assert search.hasFocus()
    assert table.currentIndex().row() == 2
    assert [i.row() for i in table.selectionModel().selectedRows()] == [2]
    key(qtbot, search, "Up")
    assert table.currentIndex().row() == 1
    key(qtbot, search, "PgDown")
    assert table.currentIndex().row() == len(PLUMBING) - 1
    key(qtbot, search, "PgUp")
    assert table.currentIndex().row() == 0
    qtbot.keyClicks(search, "er")  # typing goes on in the field
    assert search.text() == "plumber" and search.hasFocus()


def test_enter_in_the_search_field_edits_the_result_chosen(qtbot, make_window, plumbing):
    window, _ = make_window()
    search, table = window.area.search, window.area.table
    _search(qtbot, window, "plumb")
    key(qtbot, search, "Down")
    key(qtbot, search, "Down")
    chosen = shown_titles(window)[2]
    key(qtbot, search, "Return")
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.EditingState)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor is not search
    assert editor.text() == chosen
    assert table.currentIndex().row() == 2
    assert search.text() == "plumb"


def test_enter_right_after_typing_edits_a_result_of_what_was_typed(qtbot, make_window, plumbing):
    window, _ = make_window(search_debounce_ms=60_000)  # the search would go out only on Enter
    search, table = window.area.search, window.area.table
    key(qtbot, table, "Ctrl+F")
    qtbot.keyClicks(search, "milk")
    key(qtbot, search, "Enter")
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.EditingState)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "Buy milk"


def test_switching_the_scope_while_typing_keeps_the_text(qtbot, make_window, plumbing):
    window, _ = make_window()
    search = window.area.search
    key(qtbot, window.area.table, "Ctrl+F")
    qtbot.keyClicks(search, "plu")
    key(qtbot, search, "Ctrl+Shift+F")
    qtbot.keyClicks(search, "mb")
    key(qtbot, search, "Ctrl+F")
    qtbot.keyClicks(search, "er")
    assert search.text() == "plumber"
    assert not window.navigator.everywhere


def test_coming_to_the_field_from_elsewhere_selects_its_text(qtbot, make_window, plumbing):
    window, _ = make_window()
    search, table = window.area.search, window.area.table
    _search(qtbot, window, "plumb")
    key(qtbot, search, "Esc")  # clears, and the list takes the keys
    qtbot.keyClicks(search, "milk")
    table.setFocus()
    key(qtbot, table, "Ctrl+Shift+F")
    assert search.hasFocus() and search.selectedText() == "milk"
