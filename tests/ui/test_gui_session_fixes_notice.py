"""A task this window shows changed on another device: the status bar says so, naming the
task (the one open in the details first), without taking the keyboard from the person;
this window's own edits coming back from the database say nothing. A task added on another
device shows at the next poll, unless reading the list again would lose the person's place.

"Another device" is the same person signed in a second time, against a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication

from tests.support.database import PASSWORD
from tests.support.gui_fakes import NOW, key, select_rows, settle
from todo_desktop.core.page_sizes import FIRST_PAGE
from todo_desktop.core.values import Priority, SmartList, Status, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.lists.navigator import CHANGES_VIEW
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.tasks.task_list import LIST_VIEW

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]

ELSEWHERE = "changed on another device"


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    return TaskRepository(client_db, accounts.sign_in(alice.account.email, PASSWORD).token)


def _messages(window: MainWindow) -> list[str]:
    said: list[str] = []
    window.statusBar().messageChanged.connect(lambda text: text and said.append(text))
    return said


def _poll_once(qtbot, window: MainWindow) -> None:
    """One changed-since read, answered."""
    window.navigator.poll_changes()
    qtbot.waitUntil(lambda: not window.workers.reading(CHANGES_VIEW))


def test_a_change_from_another_device_is_named_in_the_status_bar_without_taking_focus(
    qtbot, make_window, phone
):
    window, _ = make_window(3, refresh_ms=60_000)  # polled by hand below
    first, second = window.tasks.model.task_at(0), window.tasks.model.task_at(1)
    select_rows(window, [1])
    qtbot.waitUntil(lambda: window.details.task_id == second.id)
    window.activateWindow()
    key(qtbot, window, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Half typed")
    said = _messages(window)

    phone.update(first.id, TaskChanges(priority=Priority.URGENT))
    phone.update(second.id, TaskChanges(title="Renamed on the phone"))
    _poll_once(qtbot, window)

    assert window.tasks.model.task(second.id).title == "Renamed on the phone"
    assert window.tasks.model.task(first.id).priority is Priority.URGENT
    # The task open in the details comes first, under the name the person knew it by.
    assert said == ["“Task 1” (now “Renamed on the phone”) and 1 more task were changed on another device."]
    assert QApplication.focusWidget() is window.area.quick_add
    assert window.area.quick_add.text() == "Half typed"

    phone.update(first.id, TaskChanges(title="Once more"))
    _poll_once(qtbot, window)
    assert said[-1] == "“Task 0” (now “Once more”) was changed on another device."


def test_this_windows_own_edits_coming_back_say_nothing(qtbot, make_window):
    window, _ = make_window(3, refresh_ms=60_000)
    said = _messages(window)
    select_rows(window, [2])
    key(qtbot, window.area.table, "4")
    key(qtbot, window.area.table, "Space")
    window.commands.rename(window.tasks.model.task_at(0).id, "Renamed here")
    settle(qtbot, window)
    for _ in range(3):
        _poll_once(qtbot, window)
    assert window.tasks.model.task_at(0).title == "Renamed here"
    assert not [m for m in said if ELSEWHERE in m]


def _list_reads(service) -> int:
    return len(service.list_texts)


def test_a_task_added_on_another_device_shows_at_the_next_poll(qtbot, make_window, phone):
    window, service = make_window(3, refresh_ms=60_000)
    select_rows(window, [1])
    kept = window.commands.current_task()
    added = phone.create(TaskDraft(title="Added on the phone", due_date=NOW + timedelta(minutes=90)))
    _poll_once(qtbot, window)
    qtbot.waitUntil(lambda: window.tasks.model.task(added.id) is not None)
    assert window.commands.current_task() == kept  # the person's place is kept
    reads = _list_reads(service)
    _poll_once(qtbot, window)  # the same news once only
    _poll_once(qtbot, window)
    assert _list_reads(service) == reads


def test_this_windows_own_adds_and_deletes_read_no_list_again(qtbot, make_window):
    window, service = make_window(3, refresh_ms=60_000)
    assert window.commands.add(TaskDraft(title="Added here"))
    select_rows(window, [2])
    window.commands.delete_selected()
    select_rows(window, [0])
    key(qtbot, window.area.table, "Space")
    settle(qtbot, window)
    reads = _list_reads(service)
    for _ in range(3):
        _poll_once(qtbot, window)
    assert _list_reads(service) == reads


def test_a_list_read_past_its_first_page_keeps_its_place_until_asked(qtbot, make_window, phone):
    window, service = make_window(FIRST_PAGE + 20, refresh_ms=60_000)
    model = window.tasks.model
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == FIRST_PAGE + 20)
    reads = _list_reads(service)
    added = phone.create(TaskDraft(title="Added on the phone", due_date=NOW + timedelta(minutes=30)))
    _poll_once(qtbot, window)
    assert _list_reads(service) == reads and model.task(added.id) is None
    assert model.rowCount() == FIRST_PAGE + 20  # nothing read is dropped


def test_a_next_occurrence_made_here_reads_no_list_again(qtbot, make_window, alice_tasks):
    """Completing a repeating task in Today makes its next occurrence, due tomorrow: this
    window wrote it, so it is no news, though this list does not show it."""
    window, service = make_window(0, refresh_ms=60_000)
    window.navigator.show_list(SmartList.TODAY)
    due = window.navigator.end_of_day(0) - timedelta(minutes=1)
    assert window.commands.add(TaskDraft(title="Water the plants", due_date=due, repeat="FREQ=DAILY"))
    settle(qtbot, window)
    select_rows(window, [0])
    key(qtbot, window.area.table, "Space")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.workers.reading(LIST_VIEW))
    assert window.tasks.model.rowCount() == 0  # today's is done, the next is tomorrow's
    stored = alice_tasks.list(TaskQuery(status=Status.ALL)).tasks
    assert sorted(t.completed for t in stored) == [False, True]
    reads = _list_reads(service)
    for _ in range(3):
        _poll_once(qtbot, window)
    assert _list_reads(service) == reads


def test_a_task_deleted_on_another_device_goes_at_the_next_poll(qtbot, make_window, phone):
    window, service = make_window(3, refresh_ms=60_000)
    model = window.tasks.model
    gone, back, typed = (model.task_at(r) for r in range(3))
    select_rows(window, [2])
    key(qtbot, window.area.table, "Ctrl+Return")
    qtbot.keyClicks(window.details.description_edit, "half a thought")  # not saved yet
    reads = _list_reads(service)
    said = _messages(window)
    phone.delete([gone.id, back.id, typed.id])
    phone.restore_many([back])  # deleted and back again: it stays
    _poll_once(qtbot, window)
    assert model.task(gone.id) is None
    assert said == ["“Task 0” was deleted on another device."]  # why the row went
    assert model.task(back.id) is not None
    # What the person is typing into stays, and so does what they typed.
    assert model.task(typed.id) is not None and window.commands.current_task().id == typed.id
    assert window.details.description_edit.toPlainText() == "half a thought"
    assert _list_reads(service) == reads  # taken out where it was, nothing read again
