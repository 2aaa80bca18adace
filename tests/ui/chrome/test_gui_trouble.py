"""Behaviour under trouble, against a real database: an unreachable database, refused edits,
unexpected errors; and the table model checked by Qt's model tester on a real lazy list."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from PySide6.QtCore import QMessageLogContext, QModelIndex, QSettings, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QAbstractItemModelTester

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from tests.support.memory_tasks import REFUSED, UNREACHABLE
from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.failures import UNEXPECTED
from todo_desktop.core.ports import Workspace
from todo_desktop.core.values import Priority, SortKey, TaskDraft, TaskQuery
from todo_desktop.ui.app import report_unexpected
from todo_desktop.ui.chrome.banner import UNREACHABLE as BANNER_TEXT
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.tasks.task_list import TaskListController
from todo_desktop.ui.workers import Workers

pytestmark = pytest.mark.gui


def test_database_down_shows_a_banner_keeps_the_typing_and_recovers(qtbot, make_window, alice_tasks) -> None:
    window, service = make_window(3, retry_first_ms=40)
    service.down.set()
    key(qtbot, window.area.table, "F5")
    qtbot.waitUntil(window.area.banner.isVisible)
    assert window.area.banner.text == BANNER_TEXT
    assert shown_titles(window) == ["Task 0", "Task 1", "Task 2"]  # the list stays readable

    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Keep me")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.area.quick_add.text() == "Keep me")  # handed back, not lost
    assert "Keep me" not in shown_titles(window)
    assert UNREACHABLE in window.statusBar().currentMessage()

    calls = service.count_calls
    qtbot.waitUntil(lambda: service.count_calls >= calls + 2)  # it keeps trying by itself...
    assert window.retry.next_ms > 40  # ...each time after a longer pause
    assert window.area.banner.isVisible()

    service.down.clear()
    qtbot.waitUntil(lambda: not window.area.banner.isVisible(), timeout=5000)
    assert window.statusBar().currentMessage() == "Connected again."
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert "Keep me" in [t.title for t in alice_tasks.list(TaskQuery()).tasks]
    assert window.retry.next_ms == 40  # the next outage starts with a short pause again


def test_database_down_at_start_retries_until_the_list_opens(qtbot, tmp_path, alice, alice_tasks) -> None:
    alice_tasks.create(TaskDraft("Waiting for me"))
    attempts: list[int] = []

    def opener() -> Workspace:
        attempts.append(1)
        if len(attempts) < 3:
            raise DatabaseUnavailableError(UNREACHABLE)
        return Workspace(tasks=alice_tasks, account=alice.account, where="this computer")

    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(opener, settings=settings, retry_first_ms=30)
    qtbot.addWidget(window)
    window.show()
    window.open_workspace()
    qtbot.waitUntil(window.area.banner.isVisible)
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=5000)
    assert shown_titles(window) == ["Waiting for me"]
    assert not window.area.banner.isVisible()
    assert len(attempts) == 3
    window.close()
    window.workers.wait_for_all(10_000)


def test_refused_edits_roll_back_with_one_sentence_and_leave_no_undo_step(qtbot, make_window) -> None:
    window, service = make_window(3)
    before = window.tasks.model.tasks()
    service.refuse_writes.set()
    select_rows(window, [0, 1])
    attempts = [
        ("4", "Not changed"),
        ("Space", "Not changed"),
        ("T", "Not changed"),
        ("Delete", "Not deleted"),
    ]
    for name, said in attempts:
        key(qtbot, window.area.table, name)
        qtbot.waitUntil(lambda said=said: window.statusBar().currentMessage() == f"{said}: {REFUSED}")
        settle(qtbot, window)
        qtbot.waitUntil(lambda: window.tasks.model.tasks() == before)
        window.statusBar().clearMessage()
        select_rows(window, [0, 1])
    assert window.undo_stack.count() == 0
    assert not window.area.banner.isVisible()  # refused is not unreachable


def test_a_refused_undo_keeps_the_history_in_step(qtbot, make_window, alice_tasks) -> None:
    window, service = make_window(1)
    select_rows(window, [0])
    key(qtbot, window.area.table, "4")
    settle(qtbot, window)
    service.refuse_writes.set()
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.tasks.model.task_at(0).priority is Priority.URGENT)
    assert (window.undo_stack.count(), window.undo_stack.index()) == (1, 1)  # still undoable
    service.refuse_writes.clear()
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    assert alice_tasks.get(window.tasks.model.task_at(0).id).priority is Priority.MEDIUM


def test_a_reload_during_pending_writes_does_not_undo_them_on_screen(qtbot, make_window) -> None:
    window, service = make_window(3)
    service.write_delay = 0.3  # the list is read while these are still on their way
    select_rows(window, [0])
    key(qtbot, window.area.table, "4")
    select_rows(window, [1])
    key(qtbot, window.area.table, "Delete")
    reads = len(service.list_texts)
    key(qtbot, window.area.table, "F5")
    qtbot.waitUntil(lambda: len(service.list_texts) > reads and window.workers.pending_writes > 0)
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == 2)  # the fresh page is shown...
    assert window.tasks.model.task_at(0).priority is Priority.URGENT  # ...with the edits still in it
    assert shown_titles(window) == ["Task 0", "Task 2"]
    settle(qtbot, window)
    assert shown_titles(window) == ["Task 0", "Task 2"]


def test_an_unexpected_error_is_logged_and_shown_as_one_friendly_line(make_window, caplog) -> None:
    window, _ = make_window()
    with caplog.at_level(logging.ERROR):
        try:
            raise RuntimeError("internal detail nobody should read")
        except RuntimeError as exc:
            report_unexpected(window.show_message, RuntimeError, exc, exc.__traceback__)
    assert window.statusBar().currentMessage() == UNEXPECTED
    assert "internal detail nobody should read" in caplog.text


def test_the_model_passes_the_model_tester_lazily_loading_500_real_tasks(qtbot, alice_tasks) -> None:
    for i in range(500):
        priority = Priority.URGENT if i % 7 == 0 else Priority.LOW
        alice_tasks.create(TaskDraft(f"Task {i:03d}", priority=priority))
    failures: list[str] = []

    def collect(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if "FAIL" in message:
            failures.append(message)

    # Our own handler, so failures count even when pytest runs with -s (no Qt log capture).
    previous = qInstallMessageHandler(collect)
    workers = Workers()
    try:
        controller = TaskListController(workers, TaskQuery(sort=SortKey.TITLE))
        model = controller.model
        tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
        controller.bind(alice_tasks)
        # The tester asks for more after every change, as a view scrolled to the end would:
        # page after page arrives from the database, one request at a time.
        qtbot.waitUntil(lambda: model.rowCount() == 500, timeout=20_000)
        assert not model.canFetchMore(QModelIndex())
        assert [model.task_at(r).title for r in range(500)] == [f"Task {i:03d}" for i in range(500)]
        assert model.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()  # Task 000 is urgent
        first = model.task_at(0)
        model.replace_task(replace(first, title="Renamed"))
        removed = model.remove_ids([model.task_at(r).id for r in (0, 1, 250, 499)])
        model.restore_rows(removed)
        assert model.rowCount() == 500
        controller.reload()  # a fresh first page, then the tester pulls the rest again
        qtbot.waitUntil(lambda: model.rowCount() == 500 and model.task_at(0).title == "Task 000")
        del tester
    finally:
        workers.wait_for_all(10_000)
        qInstallMessageHandler(previous)
    assert failures == []
