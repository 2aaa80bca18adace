"""A task this window shows changed on another device: the status bar says so, naming the
task (the one open in the details first), without taking the keyboard from the person;
this window's own edits coming back from the database say nothing.

"Another device" is the same person signed in a second time, against a real database."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.support.database import PASSWORD
from tests.support.gui_fakes import key, select_rows, settle, window_maker
from todo_desktop.core.values import Priority, TaskChanges
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.lists.navigator import CHANGES_VIEW
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]

ELSEWHERE = "changed on another device"


@pytest.fixture
def make_window(qtbot, tmp_path, alice, alice_tasks):
    with window_maker(qtbot, tmp_path, alice, alice_tasks) as make:
        yield make


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
