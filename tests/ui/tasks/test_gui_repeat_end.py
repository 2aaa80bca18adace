"""A repeat with an end (UNTIL) in the details pane, on a real database: its words say the end,
saving another field keeps it, and its words typed back store the same rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import key, select_rows, settle
from tests.support.memory_tasks import NOW
from todo_desktop.core.values import TaskDraft

pytestmark = pytest.mark.gui
RULE = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20400305"
WORDS = "Every Monday until 5 Mar 2040"


def retype(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    key(qtbot, field, "Backspace")
    qtbot.keyClicks(field, text)


def test_the_repeat_field_says_keeps_and_reads_back_a_repeats_end(qtbot, make_window, alice_tasks) -> None:
    task = alice_tasks.create(TaskDraft("Gym", due_date=NOW + timedelta(days=1), repeat=RULE))
    window, _ = make_window()
    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+Return")
    pane = window.details
    assert pane.task_id == task.id
    assert pane.repeat_edit.text() == WORDS
    tip = window.tasks.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) or ""
    assert "Repeats every Monday until 5 Mar 2040" in tip

    retype(qtbot, pane.title_edit, "Gym at seven")  # another field: the end stays
    key(qtbot, pane.title_edit, "Ctrl+Return")
    settle(qtbot, window)
    assert (alice_tasks.get(task.id).title, alice_tasks.get(task.id).repeat) == ("Gym at seven", RULE)

    retype(qtbot, pane.repeat_edit, "Every Monday")  # the until words gone: no end
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert alice_tasks.get(task.id).repeat == "FREQ=WEEKLY;BYDAY=MO"

    retype(qtbot, pane.repeat_edit, WORDS)  # the words, typed back: the same rule
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert alice_tasks.get(task.id).repeat == RULE
    assert pane.repeat_edit.text() == WORDS

    retype(qtbot, pane.repeat_edit, "every monday until 5 mar 2040 22:59:59 utc")
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert alice_tasks.get(task.id).repeat == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20400305T225959Z"
    assert pane.repeat_edit.text() == "Every Monday until 5 Mar 2040 22:59:59 UTC"

    retype(qtbot, pane.repeat_edit, "every monday until 1 jan 2020")
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    assert pane.error("repeat").startswith("This repeat ends on 1 Jan 2020, before its first day, ")
    assert pane.repeat_edit.text() == "every monday until 1 jan 2020"
    settle(qtbot, window)
    assert alice_tasks.get(task.id).repeat == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20400305T225959Z"


def test_quick_add_refuses_a_repeat_that_ends_before_it_begins(qtbot, make_window) -> None:
    """Typed into quick add, a repeat whose end comes before its first day makes no task: the
    sentence is said, and the text stays in the field to be mended."""
    window, _ = make_window(0)
    field = window.area.quick_add
    text = "Gym every monday starting 10 jan 2041 until 5 jan 2041"
    field.setFocus()
    qtbot.keyClicks(field, text)
    key(qtbot, field, "Return")
    settle(qtbot, window)
    assert window.tasks.model.rowCount() == 0
    assert field.text() == text
    assert "before its first day" in window.statusBar().currentMessage()
