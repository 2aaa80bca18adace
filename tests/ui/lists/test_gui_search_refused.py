"""Searches the window cannot run, against a real database: a text over the length limit
leaves no old rows passing for its results and keeps what was typed, and a text with no
letters or digits says so instead of "nothing matches"."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from tests.support.gui_fakes import key, shown_titles
from todo_desktop.core.values import TaskDraft

pytestmark = pytest.mark.gui

TOO_LONG = "Search is longer than 200 characters."


@pytest.fixture
def groceries(alice_tasks):
    return [alice_tasks.create(TaskDraft(title)) for title in ("Buy milk", "Call the plumber")]


def _empty_says(window, text: str) -> bool:
    return window.area.empty.isVisible() and text in window.area.empty.text


def test_a_search_too_long_shows_no_old_rows_and_keeps_the_text(qtbot, make_window, groceries):
    window, _ = make_window()
    search = window.area.search
    key(qtbot, window.area.table, "Ctrl+F")
    qtbot.keyClicks(search, "milk")
    qtbot.waitUntil(lambda: shown_titles(window) == ["Buy milk"])
    long = "milk " + "x" * 250
    QGuiApplication.clipboard().setText(long)
    key(qtbot, search, "Ctrl+A")
    key(qtbot, search, "Ctrl+V")
    qtbot.waitUntil(lambda: _empty_says(window, TOO_LONG))
    assert shown_titles(window) == []
    assert window.area.title_delegate.marked == ()
    assert search.text() == long and search.hasFocus()

    # Nothing brings the old rows back while the text stays: another list, the window's focus.
    key(qtbot, search, "Ctrl+2")
    qtbot.wait(300)
    assert shown_titles(window) == [] and _empty_says(window, TOO_LONG)
    window.navigator.activate_gap_ms = 0
    window.navigator.regained_focus()
    qtbot.wait(300)
    assert shown_titles(window) == [] and _empty_says(window, TOO_LONG)

    key(qtbot, search, "Ctrl+1")
    key(qtbot, search, "Ctrl+A")
    qtbot.keyClicks(search, "milk")  # the very search shown before: it runs again
    qtbot.waitUntil(lambda: shown_titles(window) == ["Buy milk"])
    assert window.area.title_delegate.marked == ("milk",)
    assert not window.area.empty.isVisible()


@pytest.mark.parametrize("text", ['"', '""', "-", "--", "'", "\\"])
def test_a_search_with_nothing_to_search_for_says_so(qtbot, make_window, groceries, text):
    window, _ = make_window()
    key(qtbot, window.area.table, "Ctrl+F")
    qtbot.keyClicks(window.area.search, text)
    qtbot.waitUntil(lambda: _empty_says(window, f"“{text}” has no letters or digits to search for."))
    assert "Nothing matches" not in window.area.empty.text
    assert "fewer or shorter" not in window.area.empty.text


def test_a_search_with_letters_still_says_nothing_matches(qtbot, make_window, groceries):
    window, _ = make_window()
    key(qtbot, window.area.table, "Ctrl+F")
    qtbot.keyClicks(window.area.search, "zebra -")
    qtbot.waitUntil(lambda: _empty_says(window, "Nothing matches “zebra -” in the Inbox."))
