"""Repeats in words: typed in quick add, shown as a mark with "repeats every week" for screen
readers, and edited in the details pane as quick-add phrases ("every 2 weeks"), shown back in
words; the details pane's due date takes quick-add words too ("tomorrow 5pm"). Wrong input
gets one sentence beside its field and keeps what was typed. Tags and repeats another device
changed show in the conflict dialog."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from tests.support.memory_tasks import NOW, MemoryTasks
from tests.support.tag_windows import (
    BACKENDS,
    stored_task,
    tag_window_maker,
)
from todo_desktop.core.clock import LocalZone
from todo_desktop.core.values import TaskChanges, TaskDraft
from todo_desktop.ui.tags.names import NOT_A_REPEAT
from todo_desktop.ui.tasks.details_fields import NOT_A_DUE
from todo_desktop.ui.tasks.details_pane import UNSAVED

pytestmark = pytest.mark.gui


@pytest.fixture(params=BACKENDS)
def make_window(request, qtbot, tmp_path):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def open_details(qtbot, window, row: int):
    select_rows(window, [row])
    key(qtbot, window.area.table, "Ctrl+Return")
    return window.details


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    key(qtbot, field, "Backspace")
    qtbot.keyClicks(field, text)


def described(window, row: int) -> str:
    return window.tasks.model.index(row, 1).data(Qt.ItemDataRole.AccessibleDescriptionRole) or ""


def test_quick_add_reads_a_repeat_after_completion_and_says_it_in_words(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Existing")])
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Water the plants every! 3 days")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    settle(qtbot, window)
    row = shown_titles(window).index("Water the plants")
    task = stored_task(service, window.tasks.model.task_at(row).id)
    assert (task.repeat, task.repeat_after_completion) == ("FREQ=DAILY;INTERVAL=3", True)
    assert "Repeats every 3 days after completion" in described(window, row)
    assert window.tasks.model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole) == described(window, row)


def test_the_repeat_field_takes_a_phrase_and_shows_it_back_in_words(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Pay rent"), TaskDraft("Other")])
    pane = open_details(qtbot, window, 0)
    task_id = pane.task_id
    assert pane.repeat_edit.text() == ""
    type_into(qtbot, pane.repeat_edit, "every month on the 1st")
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    assert window.tasks.model.task_at(0).repeat == "FREQ=MONTHLY;BYMONTHDAY=1"  # at once
    settle(qtbot, window)
    assert stored_task(service, task_id).repeat == "FREQ=MONTHLY;BYMONTHDAY=1"
    assert pane.repeat_edit.text() == "Every month on the 1st"
    assert "Repeats every month on the 1st" in described(window, 0)

    type_into(qtbot, pane.repeat_edit, "every 2 weeks")
    key(qtbot, pane.repeat_edit, "Tab")  # leaving the field saves it too
    settle(qtbot, window)
    assert stored_task(service, task_id).repeat == "FREQ=WEEKLY;INTERVAL=2"
    assert pane.repeat_edit.text() == "Every 2 weeks"

    window.area.table.setFocus()
    key(qtbot, window.area.table, "Ctrl+Z")  # one undo per save
    settle(qtbot, window)
    assert stored_task(service, task_id).repeat == "FREQ=MONTHLY;BYMONTHDAY=1"
    assert pane.repeat_edit.text() == "Every month on the 1st"


def test_emptying_the_repeat_field_stops_the_repeat(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Gym", repeat="FREQ=WEEKLY;BYDAY=MO"), TaskDraft("Other")])
    pane = open_details(qtbot, window, 0)
    assert pane.repeat_edit.text() == "Every Monday"
    type_into(qtbot, pane.repeat_edit, "")
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    task = stored_task(service, pane.task_id)
    assert (task.repeat, task.repeat_after_completion) == (None, False)
    assert "Repeats" not in described(window, 0)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", "Every year on 24 Dec"),
        ("FREQ=WEEKLY;BYDAY=MO,WE", "Every week on Monday, Wednesday"),  # no quick-add phrase says it
    ],
)
def test_a_rule_shown_in_words_is_kept_by_saving_the_other_fields(qtbot, make_window, rule, words) -> None:
    window, service = make_window([TaskDraft("Birthday", repeat=rule)])
    pane = open_details(qtbot, window, 0)
    assert pane.repeat_edit.text() == words
    assert not pane.is_dirty()
    type_into(qtbot, pane.title_edit, "Renamed")
    key(qtbot, pane.title_edit, "Ctrl+Return")
    settle(qtbot, window)
    task = stored_task(service, pane.task_id)
    assert (task.title, task.repeat) == ("Renamed", rule)
    assert pane.error("repeat") == ""


def test_a_repeat_that_cannot_be_read_gets_one_sentence_and_keeps_the_typing(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Pay rent"), TaskDraft("Other")])
    pane = open_details(qtbot, window, 0)
    task_id = pane.task_id
    type_into(qtbot, pane.repeat_edit, "every blue moon")
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    assert pane.error("repeat") == NOT_A_REPEAT
    assert pane.repeat_edit.text() == "every blue moon"
    window.area.table.setFocus()
    key(qtbot, window.area.table, "Down")  # the list stays on the task until it is fixed
    qtbot.waitUntil(lambda: window.area.table.currentIndex().row() == 0)
    assert window.status.message_label.text() == UNSAVED
    assert pane.repeat_edit.text() == "every blue moon"
    settle(qtbot, window)
    assert stored_task(service, task_id).repeat is None

    type_into(qtbot, pane.repeat_edit, "every weekday")
    assert pane.error("repeat") == ""  # the sentence goes once the field reads
    assert window.status.message_label.text() == "", "and so does the status bar's: it is no longer true"
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert stored_task(service, task_id).repeat == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"


def test_the_due_date_takes_quick_add_words(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Dentist"), TaskDraft("Other")])
    pane = open_details(qtbot, window, 0)
    words = pane.words.due_words
    assert words.isVisible()
    type_into(qtbot, words, "tomorrow 5pm")
    qtbot.keyClick(words, Qt.Key.Key_Return)
    settle(qtbot, window)
    due = stored_task(service, pane.task_id).due_date.astimezone(LocalZone())
    tomorrow = (datetime.now(LocalZone()) + timedelta(days=1)).date()
    assert (due.date(), due.hour, due.minute) == (tomorrow, 17, 0)
    assert words.text() == ""  # read: the date editor shows it now
    assert pane.due_edit.dateTime().toSecsSinceEpoch() == int(due.timestamp())
    assert not pane.no_due.isChecked()


def test_due_words_that_cannot_be_read_keep_the_date_and_the_typing(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Dentist", due_date=NOW + timedelta(days=3))])
    pane = open_details(qtbot, window, 0)
    before = stored_task(service, pane.task_id).due_date
    words = pane.words.due_words
    type_into(qtbot, words, "whenever I feel like it")
    qtbot.keyClick(words, Qt.Key.Key_Return)
    assert pane.error("due_date") == NOT_A_DUE
    assert words.text() == "whenever I feel like it"
    type_into(qtbot, words, "every monday")  # a repeat is not a date: the Repeat field is for that
    qtbot.keyClick(words, Qt.Key.Key_Return)
    assert pane.error("due_date") == NOT_A_DUE
    settle(qtbot, window)
    assert stored_task(service, pane.task_id).due_date == before


def test_tags_and_repeat_changed_on_another_device_show_in_the_conflict_dialog(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Milk", tags=("shop",)), TaskDraft("Other")])
    milk = window.tasks.model.task_at(0)
    elsewhere = TaskChanges(tags=("dairy",), repeat="FREQ=WEEKLY")
    (service.update if isinstance(service, MemoryTasks) else service.inner.update)(milk.id, elsewhere)
    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+Return")
    pane = window.details
    pane.tags_edit.setFocus()
    pane.tags_edit.selectAll()
    qtbot.keyClicks(pane.tags_edit, "#shop #milk")
    qtbot.keyClick(pane.tags_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: milk.id in window.conflicts.dialogs)
    labels = window.conflicts.dialogs[milk.id].labels
    assert labels[("tags", "theirs")].text() == "#dairy"
    assert labels[("tags", "mine")].text() == "#shop #milk"
    assert labels[("repeat", "theirs")].text() == "Every week"
    assert labels[("tags", "mine")].font().bold()  # what differs stands out, not by colour


def test_taking_refused_typing_back_lets_the_list_move_and_says_nothing_stale(qtbot, make_window) -> None:
    window, _service = make_window([TaskDraft("Pay rent"), TaskDraft("Other")])
    pane = open_details(qtbot, window, 0)
    type_into(qtbot, pane.repeat_edit, "every blue moon")
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Return)
    window.area.table.setFocus()
    key(qtbot, window.area.table, "Down")
    qtbot.waitUntil(lambda: window.area.table.currentIndex().row() == 0)  # held on the task
    assert window.status.message_label.text() == UNSAVED
    pane.repeat_edit.setFocus()
    qtbot.keyClick(pane.repeat_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pane.repeat_edit.text() == ""
    window.area.table.setFocus()
    key(qtbot, window.area.table, "Down")
    qtbot.waitUntil(lambda: pane.shown_task is not None and pane.shown_task.title == "Other")
    assert window.status.message_label.text() != UNSAVED


def test_moving_off_unread_typing_marks_the_field_and_fixing_it_clears_the_status(qtbot, make_window) -> None:
    window, _service = make_window([TaskDraft("Pay rent"), TaskDraft("Other")])
    pane = open_details(qtbot, window, 0)
    type_into(qtbot, pane.repeat_edit, "every blue moon")  # no Enter: the list is what moves
    window.area.table.setFocus()
    key(qtbot, window.area.table, "Down")
    qtbot.waitUntil(lambda: window.area.table.currentIndex().row() == 0)
    assert window.status.message_label.text() == UNSAVED
    assert pane.error("repeat") == NOT_A_REPEAT, "the status bar speaks of a marked field: it is marked"
    type_into(qtbot, pane.repeat_edit, "every week")
    assert pane.error("repeat") == ""
    assert window.status.message_label.text() == ""
