"""GUI unit tests for the main window, its table model and the worker helper.

The TaskService here is an in-memory stand-in (a dict of Task values), kept where a fake is
the point: an opener or a query held on its worker thread, a page computed before a newer
one. The flows (keys, details, lists, trouble) run on a real database in test_gui_*.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import (
    QMessageLogContext,
    QModelIndex,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from tests.support.gui_fakes import opener_for
from tests.support.memory_tasks import NOW, REFUSED, MemoryTasks, RefusingTasks, make_task, many_tasks
from todo_desktop.core.errors import TodoError
from todo_desktop.core.failures import UNEXPECTED
from todo_desktop.core.page_sizes import FIRST_PAGE, NEXT_PAGE
from todo_desktop.core.ports import Workspace
from todo_desktop.core.values import (
    Priority,
)
from todo_desktop.ui.app import run_gui
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.main_window import STARTING, MainWindow
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.table_model import TASK_ROLE, TaskTableModel
from todo_desktop.ui.workers import Workers

pytestmark = pytest.mark.gui


@pytest.fixture
def gate(qtbot) -> Iterator[Callable[[], threading.Event]]:
    # Depends on qtbot so it is torn down first: no worker is left blocked when windows close.
    made: list[threading.Event] = []

    def make() -> threading.Event:
        made.append(threading.Event())
        return made[-1]

    yield make
    for event in made:
        event.set()


@pytest.fixture
def window_for(qtbot, gate) -> Callable[..., MainWindow]:
    def make(
        service: MemoryTasks, opener: Callable[[], Workspace] | None = None, wait: bool = True
    ) -> MainWindow:
        window = MainWindow(opener or opener_for(service), quit_wait_ms=10_000)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        window.open_workspace()
        if wait:
            qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
        return window

    return make


def titles(window: MainWindow) -> list[str]:
    return [t.title for t in window.tasks.model.tasks()]


def quick_add(qtbot, window: MainWindow, text: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.area.quick_add.hasFocus()
    qtbot.keyClicks(window.area.quick_add, text)
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)


# Opening ------------------------------------------------------------------------------


def test_window_shows_before_the_database_is_ready(qtbot, window_for, gate) -> None:
    service = MemoryTasks([make_task("Water the plants")])
    held = gate()
    window = window_for(service, opener_for(service, held), wait=False)
    assert window.isVisible()
    assert window.windowTitle() == "Todo Desktop"
    assert window.area.stack.currentWidget() is window.area.placeholder
    assert window.area.placeholder.text == STARTING
    assert not window.area.placeholder.has_error

    held.set()
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
    assert titles(window) == ["Water the plants"]
    assert window.status.where_label.text() == "On this computer"
    assert window.status.account_label.isHidden()
    assert any(n == "Last operation" and v.endswith(" ms") for n, v in window.status.facts())
    assert window.status.warning_label.isHidden()


def test_workspace_warning_is_shown(window_for) -> None:
    service = MemoryTasks()
    warning = "This role bypasses row-level security; everyone's tasks are visible."
    window = window_for(service, opener_for(service, warning=warning))
    assert window.status.warning_label.text() == warning
    assert not window.status.warning_label.isHidden()


def test_open_failure_shows_the_sentence_and_retry_works(qtbot, window_for) -> None:
    service = MemoryTasks([make_task("Back again")])
    attempts: list[int] = []

    def flaky() -> Workspace:
        attempts.append(1)
        if len(attempts) == 1:
            raise TodoError("The database cannot be reached right now.")
        return opener_for(service)()

    window = window_for(service, flaky, wait=False)
    qtbot.waitUntil(lambda: window.area.placeholder.has_error)
    assert window.area.placeholder.text == "The database cannot be reached right now."
    qtbot.mouseClick(window.area.placeholder.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
    assert titles(window) == ["Back again"]


def test_run_gui_shows_the_window_before_the_opener_returns(qapp, gate, tmp_path) -> None:
    held = gate()
    seen: dict[str, object] = {}

    def inspect_then_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["count"] = len(windows)
        held.set()
        if windows:
            seen["title"] = windows[0].windowTitle()
            seen["placeholder"] = windows[0].area.placeholder.text
            windows[0].command_table[CommandId.QUIT].trigger()  # Ctrl+Q: closing the last window ends exec()

    # Not QApplication.quit(): besides ending exec() it leaves a second quit queued behind,
    # which would make every later event loop in this test session return at once.
    QTimer.singleShot(200, inspect_then_quit)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(99))  # fail instead of hanging
    guard.start(10_000)
    service = MemoryTasks()
    try:
        settings = tmp_path / "window.ini"  # never the person's real settings
        assert run_gui(opener_for(service, held), ["todo-desktop"], settings_path=settings) == 0
    finally:
        guard.stop()
    assert seen == {"count": 1, "title": "Todo Desktop", "placeholder": STARTING}
    assert QApplication.applicationName() == "Todo Desktop"


# Quick add ----------------------------------------------------------------------------


def test_quick_add_shows_the_row_at_once_and_keeps_it(qtbot, window_for, gate) -> None:
    service = MemoryTasks([make_task("Existing", due=NOW)])
    window = window_for(service)
    service.create_gate = gate()

    quick_add(qtbot, window, "Buy milk")
    assert window.area.quick_add.text() == ""
    guess = window.tasks.model.task_at(0)
    assert guess.title == "Buy milk"
    assert window.tasks.model.is_saving(guess.id)
    assert guess.id not in service.tasks

    service.create_gate.set()
    qtbot.waitUntil(lambda: not window.tasks.model.is_saving(guess.id))
    assert service.tasks[guess.id].title == "Buy milk"
    assert window.tasks.model.task_at(0) is service.tasks[guess.id]
    assert titles(window) == ["Buy milk", "Existing"]


def test_invalid_title_keeps_the_text_and_says_why(qtbot, window_for) -> None:
    service = MemoryTasks()
    window = window_for(service)
    quick_add(qtbot, window, "   ")
    assert window.area.quick_add.text() == "   "
    assert window.statusBar().currentMessage() == "Title cannot be empty."
    assert window.tasks.model.rowCount() == 0
    assert service.tasks == {}


def test_refused_add_is_rolled_back_with_a_message(qtbot, window_for) -> None:
    service = RefusingTasks([make_task("Existing")])
    window = window_for(service)
    quick_add(qtbot, window, "Never stored")
    qtbot.waitUntil(lambda: titles(window) == ["Existing"])
    assert REFUSED in window.statusBar().currentMessage()
    # What was typed is not lost: it is back in the field to try again.
    assert window.area.quick_add.text() == "Never stored"


def test_a_refused_add_while_the_field_holds_newer_typing_is_named_and_comes_back(qtbot, window_for) -> None:
    """Neither the refused task nor what is being typed now is lost."""
    service = RefusingTasks([])
    window = window_for(service)
    quick_add(qtbot, window, "First try")
    qtbot.keyClicks(window.area.quick_add, "Second")
    qtbot.waitUntil(lambda: "“First try” was not added" in window.statusBar().currentMessage())
    assert window.area.quick_add.text() == "Second"
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.area.quick_add.text() == "First try")


# Reads --------------------------------------------------------------------------------


def test_stale_list_result_is_dropped(qtbot, window_for, gate) -> None:
    old = make_task("Old")
    service = MemoryTasks([old])
    window = window_for(service)
    first, second = gate(), gate()
    service.list_gates[:] = [first, second]

    calls = service.list_calls
    window.refresh()
    qtbot.waitUntil(lambda: service.list_calls == calls + 1)  # first answer computed: only "Old"
    new = make_task("New", due=NOW)
    service.tasks[new.id] = new
    window.refresh()
    qtbot.waitUntil(lambda: service.list_calls == calls + 2)

    second.set()
    qtbot.waitUntil(lambda: titles(window) == ["New", "Old"])
    with qtbot.waitSignal(window.workers.stale_dropped, timeout=5000):
        first.set()
    assert titles(window) == ["New", "Old"]


def test_fetch_more_loads_the_next_pages(qtbot, window_for) -> None:
    tasks = many_tasks(FIRST_PAGE + NEXT_PAGE + 30)
    window = window_for(MemoryTasks(tasks))
    model = window.tasks.model
    assert model.rowCount() == FIRST_PAGE
    assert model.canFetchMore(QModelIndex())

    window.area.table.scrollToBottom()  # the view asks for more when it reaches the end
    qtbot.waitUntil(lambda: model.rowCount() == FIRST_PAGE + NEXT_PAGE)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == len(tasks))
    assert not model.canFetchMore(QModelIndex())
    assert titles(window) == [t.title for t in tasks]


# Model and workers without a window ---------------------------------------------------


def test_model_passes_the_model_tester_with_lazy_loading(qtbot) -> None:
    tasks = [
        make_task("Overdue", due=NOW - timedelta(days=1)),
        make_task("Urgent", priority=Priority.URGENT),
        make_task("Done", completed=True, completed_at=NOW),
        *many_tasks(20),
    ]
    pages = [tasks[:5], tasks[5:12], tasks[12:]]
    requests: list[int] = []
    failures: list[str] = []
    model: TaskTableModel

    def fetch_next() -> None:  # answers later, as a worker would
        requests.append(model.rowCount())
        QTimer.singleShot(0, lambda: model.append_rows(pages.pop(0), has_more=bool(pages)))

    def collect(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if "FAIL" in message:
            failures.append(message)

    # Our own handler, so failures count even when pytest runs with -s (no Qt log capture).
    previous = qInstallMessageHandler(collect)
    try:
        model = TaskTableModel(fetch_next)
        tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
        model.set_rows(pages.pop(0), has_more=True)
        # The tester calls fetchMore after every change, as a view scrolled to the end would.
        qtbot.waitUntil(lambda: model.rowCount() == len(tasks))
        assert not model.canFetchMore(QModelIndex())
        assert requests == [5, 12]  # one request per page, never two at once
        model.replace_task(replace(tasks[3], title="Renamed"))
        removed = model.remove_ids([tasks[0].id, tasks[1].id, tasks[7].id, tasks[22].id])
        model.restore_rows(removed)
        assert model.tasks() == (*tasks[:3], replace(tasks[3], title="Renamed"), *tasks[4:])
        model.insert_rows(0, [make_task("Fresh"), tasks[5]])  # tasks[5] is already there: skipped
        assert model.rowCount() == len(tasks) + 1
        model.set_rows([])
        del tester
    finally:
        qInstallMessageHandler(previous)
    assert failures == []


def test_model_marks_overdue_and_urgent_and_changes_exact_cells(qapp) -> None:
    late = NOW - timedelta(hours=1)
    overdue = make_task("Late", due=late)
    urgent = make_task("Hot", priority=Priority.URGENT, due=NOW + timedelta(days=1))
    model = TaskTableModel()
    model.set_rows([overdue, urgent])
    fg = Qt.ItemDataRole.ForegroundRole
    assert model.index(0, Column.TITLE).data(fg) is not None
    assert model.index(1, Column.TITLE).data(fg) is None
    assert model.index(1, Column.PRIORITY).data(Qt.ItemDataRole.FontRole).bold()
    assert not model.index(0, Column.PRIORITY).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, Column.DUE).data().endswith(late.astimezone().strftime("%H:%M"))  # "Today 14:00"
    assert model.index(0, Column.DONE).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.index(1, Column.TITLE).data(TASK_ROLE) is urgent

    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, _=(): changed.append((a.row(), a.column(), b.row(), b.column())))
    model.replace_task(replace(urgent, title="Hotter"))
    assert changed == [(1, Column.TITLE, 1, Column.TITLE)]
    changed.clear()
    model.replace_task(replace(overdue, completed=True))  # the row's look changes: whole row
    assert changed == [(0, 0, 0, len(Column) - 1)]


def test_job_failures_arrive_as_one_sentence(qtbot, caplog) -> None:
    workers = Workers()
    got: list[object] = []

    def boom() -> None:
        raise RuntimeError("secret internals")

    def refused() -> None:
        raise TodoError("Title cannot be empty.")

    with caplog.at_level(logging.ERROR):
        workers.write(boom, got.append, got.append)
        workers.write(refused, got.append, got.append)
        assert workers.wait_for_writes(5000)
        qtbot.waitUntil(lambda: len(got) == 2)
    assert got == [UNEXPECTED, "Title cannot be empty."]
    assert "secret internals" in caplog.text
