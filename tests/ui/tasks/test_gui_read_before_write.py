"""A list read that began before an edit committed, and whose page arrives after the edit
was confirmed, must not undo the edit on screen: the task added is still shown, the task
deleted stays gone, the new title stays. (Reads and writes run on different threads and
connections, so this happens whenever a reload and an edit overlap.)"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from todo_desktop.core.clock import LocalZone, end_of_day, utc_now
from todo_desktop.core.values import TaskDraft
from todo_desktop.ui.tasks.task_list import LIST_VIEW

pytestmark = pytest.mark.gui


def _hold_a_reload(qtbot, window, service) -> threading.Event:
    """Reload the list, and hold its page (already read from the database) until released."""
    gate = service.list_gates[""] = threading.Event()
    service.list_read.clear()
    window.refresh()
    qtbot.waitUntil(service.list_read.is_set)
    return gate


def _release(qtbot, window, gate: threading.Event) -> None:
    gate.set()
    qtbot.waitUntil(lambda: not window.workers.reading(LIST_VIEW))
    qtbot.wait(50)  # the page's delivery runs after the worker is done


def test_a_task_added_while_a_reload_was_reading_stays_shown(qtbot, make_window):
    window, service = make_window(2)
    gate = _hold_a_reload(qtbot, window, service)
    assert window.commands.add(TaskDraft(title="Early bird"))
    settle(qtbot, window)  # stored and confirmed before the older page arrives
    _release(qtbot, window, gate)
    assert "Early bird" in shown_titles(window)
    assert window.tasks.model.rowCount() == 3


def test_a_task_added_while_a_reload_was_reading_keeps_its_header(qtbot, make_window, alice_tasks):
    now, zone = utc_now(), LocalZone()
    for title, due in (
        ("Pay the rent", now - timedelta(days=3)),
        ("Book the dentist", end_of_day(now, zone, 1)),
    ):
        alice_tasks.create(TaskDraft(title=title, due_date=due))
    window, service = make_window()
    gate = _hold_a_reload(qtbot, window, service)
    assert window.commands.add(TaskDraft(title="Early bird", due_date=end_of_day(now, zone, 1)))
    settle(qtbot, window)
    _release(qtbot, window, gate)
    assert shown_titles(window) == ["Early bird", "Pay the rent", "Book the dentist"]
    model = window.tasks.model
    assert [model.section_title(row) for row in range(3)] == ["Just added", "Overdue", "Tomorrow"]


def test_a_task_deleted_while_a_reload_was_reading_stays_gone(qtbot, make_window):
    window, service = make_window(3)
    doomed = window.tasks.model.tasks()[1]
    gate = _hold_a_reload(qtbot, window, service)
    window.tasks.editor.delete([doomed.id])
    settle(qtbot, window)
    _release(qtbot, window, gate)
    assert doomed.title not in shown_titles(window)
    assert window.tasks.model.rowCount() == 2


def test_a_title_changed_while_a_reload_was_reading_stays_changed(qtbot, make_window):
    window, service = make_window(2)
    task = window.tasks.model.tasks()[0]
    gate = _hold_a_reload(qtbot, window, service)
    window.commands.rename(task.id, "Renamed meanwhile")
    settle(qtbot, window)
    _release(qtbot, window, gate)
    assert window.tasks.model.task(task.id).title == "Renamed meanwhile"
    # And a later reload, which sees all three writes, shows the same.
    window.refresh()
    qtbot.waitUntil(lambda: not window.workers.reading(LIST_VIEW))
    qtbot.wait(50)
    assert window.tasks.model.task(task.id).title == "Renamed meanwhile"


@pytest.mark.parametrize("answered_first", [True, False], ids=["restored", "restoring"])
def test_a_delete_undone_while_a_reload_was_reading_stays_back(qtbot, make_window, answered_first):
    """Undone before the page arrives: whether the database has answered the restore yet or
    not, the task stays on screen."""
    window, service = make_window(3)
    doomed = window.tasks.model.tasks()[1]
    select_rows(window, [1])
    key(qtbot, window.area.table, "Del")
    settle(qtbot, window)
    assert doomed.title not in shown_titles(window)
    gate = _hold_a_reload(qtbot, window, service)
    if not answered_first:
        service.write_delay = 1.0
    key(qtbot, window.area.table, "Ctrl+Z")
    if answered_first:
        settle(qtbot, window)
    _release(qtbot, window, gate)
    assert doomed.title in shown_titles(window)
    settle(qtbot, window)
    assert doomed.title in shown_titles(window)
