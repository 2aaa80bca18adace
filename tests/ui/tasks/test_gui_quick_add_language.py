"""The quick-add field reads the quick-add language as a person types: what it understood is
highlighted and said under the field, Enter stores it, and a part read by mistake turns back
into plain words with one key, so what is stored is what the person meant."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import key, settle, shown_titles
from todo_desktop.core.clock import LocalZone
from todo_desktop.core.values import Priority

pytestmark = pytest.mark.gui


def _newest(alice_tasks, window):
    return next(t for t in alice_tasks.list(window.tasks.query).tasks if t.title != "Task 0")


def test_a_typed_date_time_and_priority_are_stored_and_said_first(qtbot, make_window, alice_tasks):
    window, _ = make_window(1)
    field = window.area.quick_add
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(field, "Pay rent tomorrow 9am !high")
    said = window.area.understood
    assert said.isVisible() and said.text() == "Tomorrow 09:00 · High"
    assert [p.text for p in field.parts] == ["tomorrow", "9am", "!high"]
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "" and not said.isVisible()
    assert shown_titles(window)[0] == "Pay rent"
    settle(qtbot, window)
    task = _newest(alice_tasks, window)
    tomorrow = (datetime.now(LocalZone()) + timedelta(days=1)).date()
    local_due = task.due_date.astimezone(LocalZone())
    assert (task.title, local_due.date(), local_due.hour, local_due.minute) == ("Pay rent", tomorrow, 9, 0)
    assert task.priority is Priority.HIGH


def test_titles_that_only_look_like_dates_keep_their_words(qtbot, make_window, alice_tasks):
    window, _ = make_window(1)
    field = window.area.quick_add
    field.setFocus()
    qtbot.keyClicks(field, "Watch Friday Night Lights")
    assert field.parts == () and not window.area.understood.isVisible()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, window)
    task = _newest(alice_tasks, window)
    assert (task.title, task.due_date) == ("Watch Friday Night Lights", None)


def test_backspace_right_after_a_highlight_makes_it_plain_words(qtbot, make_window, alice_tasks):
    window, _ = make_window(1)
    field = window.area.quick_add
    field.setFocus()
    qtbot.keyClicks(field, "Book review friday")
    assert [p.text for p in field.parts] == ["friday"]
    qtbot.keyClick(field, Qt.Key.Key_Backspace)  # not a deleted "y": the date is undone
    assert field.text() == "Book review \\friday" and field.parts == ()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, window)
    task = _newest(alice_tasks, window)
    assert (task.title, task.due_date) == ("Book review friday", None)


def test_backspace_elsewhere_deletes_and_the_plain_key_undoes_the_last_part(qtbot, make_window):
    window, _ = make_window(1)
    field = window.area.quick_add
    field.setFocus()
    qtbot.keyClicks(field, "Ship it tomorrow !urgent")
    qtbot.keyClick(field, Qt.Key.Key_Left)  # moved away: Backspace deletes as ever
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.text() == "Ship it tomorrow !urget"
    field.setText("Ship it tomorrow !urgent")
    key(qtbot, field, "Ctrl+Shift+Space")
    assert field.text() == "Ship it tomorrow \\!urgent"
    assert [p.text for p in field.parts] == ["tomorrow"]
