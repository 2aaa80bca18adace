"""A list's first read holds a tall window's rows and no more, since the person waits for it
after every key typed into the search; the rows below arrive as the view asks for them, by
scrolling to the end or by being taller than the first read. Against a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QModelIndex

from tests.support.database import PASSWORD
from tests.support.gui_fakes import NOW, select_rows
from todo_desktop.core.page_sizes import FIRST_PAGE, NEXT_PAGE
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.tasks.task_list import LIST_VIEW

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


def _titles(window: MainWindow) -> list[str]:
    return [t.title for t in window.tasks.model.tasks()]


def _scroll_to_the_end(window: MainWindow) -> None:
    bar = window.area.table.verticalScrollBar()
    bar.setValue(bar.maximum())


def test_the_first_read_is_one_window_and_scrolling_to_the_end_reads_the_rest_in_order(qtbot, make_window):
    total = FIRST_PAGE + NEXT_PAGE + 7
    window, _ = make_window(total)
    window.resize(900, 600)
    model = window.tasks.model
    qtbot.waitUntil(lambda: model.rowCount() == FIRST_PAGE)
    qtbot.wait(50)  # a view that wanted more would have asked by now
    assert model.rowCount() == FIRST_PAGE and model.canFetchMore(QModelIndex())

    _scroll_to_the_end(window)
    qtbot.waitUntil(lambda: model.rowCount() == FIRST_PAGE + NEXT_PAGE)
    _scroll_to_the_end(window)
    qtbot.waitUntil(lambda: model.rowCount() == total)
    assert not model.canFetchMore(QModelIndex())
    # Due an hour apart: the pages meet without a row lost or read twice.
    assert _titles(window) == [f"Task {i}" for i in range(total)]


def test_a_window_taller_than_the_first_read_fills_itself_without_scrolling(qtbot, make_window):
    total = FIRST_PAGE + 30
    window, _ = make_window(total)
    table = window.area.table
    rows_high = table.verticalHeader().defaultSectionSize()
    window.resize(900, (total + 20) * rows_high + 400)
    qtbot.waitUntil(lambda: table.viewport().height() > (FIRST_PAGE + 5) * rows_high)
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == total)
    assert table.verticalScrollBar().value() == 0
    assert _titles(window) == [f"Task {i}" for i in range(total)]


def test_a_tall_windows_first_read_fills_it_and_another_devices_add_shows_at_the_next_poll(
    qtbot, make_window, client_db, accounts, alice
):
    total = FIRST_PAGE + 30
    window, service = make_window(total, refresh_ms=60_000)
    model = window.tasks.model
    rows_high = window.area.table.verticalHeader().defaultSectionSize()
    window.resize(900, (total + 20) * rows_high + 400)
    qtbot.waitUntil(lambda: model.rowCount() == total)  # asked for by the view, once taller

    reads = len(service.list_texts)
    window.tasks.reload()  # as F5 or another list does: one read now fills the window
    qtbot.waitUntil(lambda: not window.workers.reading(LIST_VIEW))
    assert model.rowCount() == total and len(service.list_texts) == reads + 1
    assert not model.canFetchMore(QModelIndex())

    phone = TaskRepository(client_db, accounts.sign_in(alice.account.email, PASSWORD).token)
    added = phone.create(TaskDraft(title="Added on the phone", due_date=NOW + timedelta(minutes=30)))
    window.navigator.poll_changes()
    qtbot.waitUntil(lambda: model.task(added.id) is not None)
    assert model.rowCount() == total + 1


def test_the_window_back_in_focus_reads_the_rows_loaded_again_and_keeps_the_place(qtbot, make_window):
    total = FIRST_PAGE + NEXT_PAGE + 7
    window, service = make_window(total, refresh_ms=60_000)
    window.resize(900, 600)
    model = window.tasks.model
    for loaded in (FIRST_PAGE, FIRST_PAGE + NEXT_PAGE, total):
        _scroll_to_the_end(window)
        qtbot.waitUntil(lambda n=loaded: model.rowCount() == n)
    far = FIRST_PAGE + 60
    select_rows(window, [far])
    reads = len(service.list_texts)

    window.navigator.activate_gap_ms = 0
    window.navigator.regained_focus()
    qtbot.waitUntil(lambda: len(service.list_texts) == reads + 1 and not window.workers.reading(LIST_VIEW))
    assert model.rowCount() == total
    current = window.commands.current_task()
    assert current is not None and current.title == f"Task {far}"
