"""Searching the list shown or every list, against a real database: Ctrl+F and Ctrl+Shift+F,
what the field and the status bar say, the best match first across lists, the words marked
in the titles, and choosing a list going back to searching it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from tests.support.gui_fakes import key, shown_titles
from todo_desktop.core.search_terms import marked_words
from todo_desktop.core.values import Priority, SmartList, TaskDraft

pytestmark = pytest.mark.gui


@pytest.fixture
def spread(alice_tasks):
    drafts = [
        TaskDraft("Call the plumber", priority=Priority.URGENT),
        TaskDraft("Pay invoice", description="for the plumber's visit"),
        TaskDraft("Plumber came", completed=True),
        TaskDraft("Buy milk"),
    ]
    return [alice_tasks.create(d) for d in drafts]


def test_ctrl_shift_f_searches_every_list_best_match_first(qtbot, make_window, spread) -> None:
    window, _ = make_window()
    key(qtbot, window.area.table, "Ctrl+6")  # Urgent: only "Call the plumber" is in it
    qtbot.waitUntil(lambda: shown_titles(window) == ["Call the plumber"])
    key(qtbot, window.area.table, "Ctrl+Shift+F")
    assert window.area.search.hasFocus()
    assert "all lists" in window.area.search.placeholderText()
    qtbot.keyClicks(window.area.search, "plumber")
    # Open and done, from every list; a title match above a note match.
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 3)
    titles = shown_titles(window)
    assert set(titles[:2]) == {"Call the plumber", "Plumber came"} and titles[2] == "Pay invoice"
    assert window.status.list_label.toolTip() == "All lists"

    key(qtbot, window.area.search, "Ctrl+F")  # the same words, in the list shown
    qtbot.waitUntil(lambda: shown_titles(window) == ["Call the plumber"])
    assert "this list" in window.area.search.placeholderText()
    assert "Ctrl+Shift+F" in window.area.search.toolTip()  # the other scope's key, still at hand
    assert window.status.list_label.toolTip().startswith("Urgent")


def test_choosing_a_list_searches_that_list_again(qtbot, make_window, spread) -> None:
    window, _ = make_window()
    key(qtbot, window.area.table, "Ctrl+Shift+F")
    qtbot.keyClicks(window.area.search, "plumb")
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 3)
    window.navigator.show_list(SmartList.COMPLETED)
    qtbot.waitUntil(lambda: shown_titles(window) == ["Plumber came"])
    assert not window.navigator.everywhere
    assert "this list" in window.area.search.placeholderText()


def test_the_words_found_are_marked_in_the_titles(qtbot, make_window, spread) -> None:
    window, _ = make_window()
    delegate = window.area.title_delegate
    key(qtbot, window.area.table, "Ctrl+F")
    qtbot.keyClicks(window.area.search, "PLUMB")
    qtbot.waitUntil(lambda: sorted(shown_titles(window)) == ["Call the plumber", "Pay invoice"])
    assert delegate.marked == ("plumb",)
    assert delegate._marks("Call the plumber") == [(9, 14)]
    assert delegate._marks("Pay invoice") == []  # found in its notes: nothing to mark in the title
    window.area.table.viewport().repaint(QRect(0, 0, 400, 60))  # painting a marked row does not fail
    key(qtbot, window.area.search, "Esc")
    qtbot.waitUntil(lambda: delegate.marked == ())


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Plumb  leak", ("plumb", "leak")),
        ('"buy milk" -oat', ("buy", "milk")),
        ("milk or bread", ("milk", "bread")),
        ("milk milk", ("milk",)),
        ("-", ()),
    ],
)
def test_marked_words_leave_out_the_word_syntax(text, words) -> None:
    assert marked_words(text) == words
