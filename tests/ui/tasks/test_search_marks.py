"""The words of a search marked in the titles found, typed into the real window: right where
a title holds a letter whose lower case is longer (İ), and once where marked words overlap."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from tests.support.gui_fakes import key, shown_titles
from todo_desktop.core.values import TaskDraft

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def unmatched(alice_tasks):
    return alice_tasks.create(TaskDraft("Buy milk"))  # so the rows a search finds differ from all


def _search(qtbot, window, text: str, found: list[str]) -> None:
    key(qtbot, window.area.table, "Ctrl+F")
    qtbot.keyClicks(window.area.search, text)
    qtbot.waitUntil(lambda: sorted(shown_titles(window)) == found)


def test_a_title_with_a_dotted_capital_i_is_marked(qtbot, make_window, alice_tasks) -> None:
    alice_tasks.create(TaskDraft("İstanbul plan"))
    alice_tasks.create(TaskDraft("Plan İzmir İİ trip"))
    window, _ = make_window()
    delegate = window.area.title_delegate
    _search(qtbot, window, "plan", ["Plan İzmir İİ trip", "İstanbul plan"])
    assert delegate._marks("İstanbul plan") == [(9, 13)]
    key(qtbot, window.area.search, "Ctrl+A")
    qtbot.keyClicks(window.area.search, "trip")
    qtbot.waitUntil(lambda: shown_titles(window) == ["Plan İzmir İİ trip"])
    assert delegate._marks("Plan İzmir İİ trip") == [(14, 18)]
    window.area.table.viewport().repaint(QRect(0, 0, 400, 60))


def test_overlapping_words_are_marked_once(qtbot, make_window, alice_tasks) -> None:
    alice_tasks.create(TaskDraft("plum plumber"))
    window, _ = make_window()
    delegate = window.area.title_delegate
    _search(qtbot, window, "plum plumber", ["plum plumber"])
    assert delegate._marks("plum plumber") == [(0, 4), (5, 12)]
    key(qtbot, window.area.search, "Ctrl+A")
    qtbot.keyClicks(window.area.search, "plumber umb")
    qtbot.waitUntil(lambda: delegate.marked == ("plumber", "umb"))
    assert delegate._marks("plum plumber") == [(5, 12)]


def test_a_typographic_apostrophe_is_marked_for_a_plain_one(qtbot, make_window, alice_tasks) -> None:
    alice_tasks.create(TaskDraft("Don’t forget Ann’s gift"))
    window, _ = make_window()
    delegate = window.area.title_delegate
    _search(qtbot, window, "ann's", ["Don’t forget Ann’s gift"])
    assert delegate._marks("Don’t forget Ann’s gift") == [(13, 18)]
    window.area.search.setText("don’t")  # as an input method types it: no key sends ’
    qtbot.waitUntil(lambda: delegate.marked == ("don't",))
    assert delegate._marks("Don’t forget Ann’s gift") == [(0, 5)]
