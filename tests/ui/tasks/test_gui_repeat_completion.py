"""Completing a repeating task in the window makes its next occurrence, once, and Ctrl+Z
takes back both halves: the task open again and the next one gone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import key, select_rows, settle
from todo_desktop.core.values import Status, TaskQuery

pytestmark = pytest.mark.gui


@pytest.fixture
def make_window(make_window, alice_tasks):
    # The shared window maker, skipped where the data layer has no repeats to complete.
    if not hasattr(alice_tasks, "tags"):
        pytest.skip("the data layer has no tags or repeats yet")
    return make_window


def _stored(alice_tasks, title: str):
    return [t for t in alice_tasks.list(TaskQuery(status=Status.ALL)).tasks if t.title == title]


def test_completing_a_repeating_task_makes_the_next_one_and_undo_takes_both_back(
    qtbot, make_window, alice_tasks
):
    window, _ = make_window(0)
    field = window.area.quick_add
    field.setFocus()
    qtbot.keyClicks(field, "Water the plants every day")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, window)
    [first] = _stored(alice_tasks, "Water the plants")
    assert first.repeat == "FREQ=DAILY" and first.due_date is not None
    row = window.tasks.model.row_of(first.id)
    select_rows(window, [row])
    key(qtbot, window.area.table, "Space")
    settle(qtbot, window)
    both = _stored(alice_tasks, "Water the plants")
    assert len(both) == 2
    done = next(t for t in both if t.id == first.id)
    [after] = [t for t in both if t.id != first.id]
    assert done.completed and not after.completed and after.repeat == "FREQ=DAILY"
    assert after.due_date > first.due_date
    qtbot.waitUntil(lambda: window.tasks.model.row_of(after.id) is not None)  # shown at once
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    [back] = _stored(alice_tasks, "Water the plants")
    assert back.id == first.id and not back.completed
    key(qtbot, window.area.table, "Ctrl+Shift+Z")  # redo: the same next occurrence, once
    settle(qtbot, window)
    again = _stored(alice_tasks, "Water the plants")
    assert {t.id for t in again} == {first.id, after.id}
