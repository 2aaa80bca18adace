"""A task due all day (a date alone, kept at 23:59 local time) shows its date alone in the
details pane, not "23:59": the field is a date, stepping or typing it keeps the task all day,
and a time typed in words makes it a date and time again."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from tests.support.gui_fakes import key, select_rows, settle
from todo_desktop.core.clock import LocalZone
from todo_desktop.core.values import TaskDraft
from todo_desktop.ui.tasks.due_edit import DueEdit

pytestmark = pytest.mark.gui


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LocalZone())


def local_parts(due: datetime) -> tuple[int, int, int, int, int]:
    at = due.astimezone(LocalZone())
    return (at.year, at.month, at.day, at.hour, at.minute)


def open_details(qtbot, window, title: str):
    model = window.tasks.model
    row = next(r for r in range(model.rowCount()) if model.task_at(r).title == title)
    select_rows(window, [row])
    key(qtbot, window.area.table, "Ctrl+Return")
    return window.details


def test_a_task_due_all_day_shows_its_date_alone(qtbot, make_window, alice_tasks) -> None:
    whole_day = alice_tasks.create(TaskDraft("Pay rent", due_date=local(2031, 5, 6, 23, 59)))
    alice_tasks.create(TaskDraft("Dentist", due_date=local(2031, 5, 7, 14, 30)))
    window, _ = make_window()
    pane = open_details(qtbot, window, "Pay rent")
    edit: DueEdit = pane.due_edit
    assert edit.text() == "2031-05-06"
    assert "all day" in edit.accessibleName().lower()

    edit.setFocus()
    edit.setCurrentSection(DueEdit.Section.DaySection)
    key(qtbot, edit, "Up")  # the next day, still all day
    assert edit.text() == "2031-05-07"
    window.area.table.setFocus()
    settle(qtbot, window)
    assert local_parts(alice_tasks.get(whole_day.id).due_date) == (2031, 5, 7, 23, 59)

    pane = open_details(qtbot, window, "Dentist")
    assert pane.due_edit.text() == "2031-05-07 14:30"
    assert "all day" not in pane.due_edit.accessibleName().lower()

    pane = open_details(qtbot, window, "Pay rent")  # back to the date alone
    assert pane.due_edit.text() == "2031-05-07"
    pane.words.due_words.setFocus()
    qtbot.keyClicks(pane.words.due_words, "may 8 2031 5pm")
    key(qtbot, pane.words.due_words, "Return")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: local_parts(alice_tasks.get(whole_day.id).due_date) == (2031, 5, 8, 17, 0))
    qtbot.waitUntil(lambda: pane.due_edit.text() == "2031-05-08 17:00")


def test_the_date_offered_for_a_task_without_one_is_a_day(qtbot, make_window, alice_tasks) -> None:
    undated = alice_tasks.create(TaskDraft("Someday"))
    window, _ = make_window()
    pane = open_details(qtbot, window, "Someday")
    pane.no_due.setFocus()
    key(qtbot, pane.no_due, "Space")  # a date to edit: today, all day
    assert ":" not in pane.due_edit.text()
    window.area.table.setFocus()
    settle(qtbot, window)
    stored = alice_tasks.get(undated.id).due_date
    assert stored is not None and stored.astimezone(LocalZone()).time() == time(23, 59)
