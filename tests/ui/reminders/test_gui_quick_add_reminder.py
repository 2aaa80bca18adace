"""A reminder typed in quick add is stored with its task, in the database, where every device
reads it; the words themselves are not left in the title."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import key, settle, shown_titles
from tests.support.tag_windows import stored_task, tag_window_maker
from todo_desktop.core.clock import LocalZone, end_of_day, utc_now
from todo_desktop.core.values import ReminderSetting, SmartList, TaskDraft
from todo_desktop.db.reminders import ReminderRepository

pytestmark = pytest.mark.gui


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


@pytest.mark.parametrize(
    ("typed", "title", "setting"),
    [
        (
            "Dentist friday 3pm remind 1 hour before",
            "Dentist",
            ReminderSetting(before_due=timedelta(hours=1)),
        ),
        (
            "Call mum friday 5pm remind 10 min before #family",
            "Call mum",
            ReminderSetting(before_due=timedelta(minutes=10)),
        ),
        ("Pay rent friday remind 1 day before", "Pay rent", ReminderSetting(before_due=timedelta(days=1))),
    ],
)
def test_quick_add_stores_the_reminder_with_the_task(
    qtbot, make_window, client_db, alice, typed, title, setting
):
    reminders = ReminderRepository(client_db, alice.token)
    window, _service = make_window([TaskDraft("Existing")], reminders=reminders)
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, typed)
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: title in shown_titles(window))
    task = next(t for t in window.tasks.model.tasks() if t.title == title)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == setting)
    # The list marks it with a bell, and says so in words.
    qtbot.waitUntil(lambda: task.id in window.tasks.model.reminded)
    row = window.tasks.model.row_of(task.id)
    described = window.tasks.model.index(row, 1).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert "Has a reminder" in described


def test_a_time_of_its_own_with_the_short_form(qtbot, make_window, client_db, alice):
    window, _service = make_window([TaskDraft("Existing")])
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Water the plants @5pm")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: "Water the plants" in shown_titles(window))
    task = next(t for t in window.tasks.model.tasks() if t.title == "Water the plants")
    reminders = ReminderRepository(client_db, alice.token)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is not None)
    stored = reminders.reminder_of(task.id)
    assert stored is not None and stored.at is not None and stored.at.astimezone().hour == 17


def test_done_from_a_notification_completes_the_task_as_space_does(qtbot, make_window):
    """Undoable like any completion in the window, and stored."""
    window, service = make_window([TaskDraft("Call mum")])
    assert window.reminders is not None
    task = next(t for t in window.tasks.model.tasks() if t.title == "Call mum")
    window.reminders.parts.desk.done_requested.emit(task.id)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: stored_task(service, task.id).completed)
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not stored_task(service, task.id).completed)


@pytest.mark.parametrize("typed", ["Call mum remind 10 min before", "Pay rent remind 1 day before"])
def test_quick_add_refuses_a_reminder_before_no_due_date(qtbot, make_window, typed) -> None:
    """With no due date to count back from, the reminder would never ring: no task, the
    sentence said, the text kept."""
    window, _service = make_window([TaskDraft("Existing")])
    field = window.area.quick_add
    field.setFocus()
    qtbot.keyClicks(field, typed)
    key(qtbot, field, "Return")
    settle(qtbot, window)
    assert shown_titles(window) == ["Existing"]
    assert field.text() == typed
    assert window.statusBar().currentMessage() == "Set a due date first, or give a time for the reminder."


def test_in_today_a_reminder_before_counts_from_today(qtbot, make_window, client_db, alice) -> None:
    """Typed into Today, a task is due today: its reminder counts back from 09:00 today, and
    the line under the field says the day and the ring time before Enter."""
    reminders = ReminderRepository(client_db, alice.token)
    window, _service = make_window([TaskDraft("Existing")], reminders=reminders)
    window.navigator.show_list(SmartList.TODAY)
    field = window.area.quick_add
    field.setFocus()
    qtbot.keyClicks(field, "Buy bread")
    assert window.area.understood.text() == "Today"  # the list's day, said before Enter
    field.clear()
    qtbot.keyClicks(field, "Call mom remind 1 hour before")
    assert window.area.understood.text() == "Today · Remind 1 hour before (Today 08:00)"
    key(qtbot, field, "Return")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: "Call mom" in shown_titles(window))
    task = next(t for t in window.tasks.model.tasks() if t.title == "Call mom")
    assert task.due_date == end_of_day(utc_now(), LocalZone(), 0)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == ReminderSetting(before_due=timedelta(hours=1)))
