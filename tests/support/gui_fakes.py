"""Helpers for the GUI tests: windows on in-memory services (``tests.support.memory_tasks``)
or on a real TaskRepository, through ``SwitchedTasks`` and ``open_window``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtGui import QKeySequence

from tests.support.memory_tasks import ALICE, NOW, REFUSED, UNREACHABLE, MemoryTasks
from tests.support.outbox_helpers import Switched
from todo_desktop.core.errors import TodoError
from todo_desktop.core.ports import Workspace
from todo_desktop.core.values import (
    Account,
    ListCounts,
    SignedIn,
    TaskDraft,
    TaskPage,
    TaskQuery,
)
from todo_desktop.sync.outbox import DurableTasks, outbox_for
from todo_desktop.ui.main_window import MainWindow


def opener_for(
    service: MemoryTasks, gate: threading.Event | None = None, warning: str | None = None
) -> Callable[[], Workspace]:
    def opener() -> Workspace:
        if gate is not None:
            assert gate.wait(10)
        return Workspace(tasks=service, account=ALICE, where="this computer", warning=warning)

    return opener


# Real-database windows -------------------------------------------------------------------
# The flow tests build the window on a real TaskRepository (tests/conftest.py gives each test
# a fresh PostgreSQL database); the wrapper below only adds switches a test can flip.


class SwitchedTasks(Switched):
    """A real TaskService with switches: ``down`` makes every call fail as an unreachable
    database would; ``refuse_writes`` makes writes fail as a refusing one would; a gate in
    ``list_gates`` holds list queries for that search text until it is set."""

    unreachable = UNREACHABLE

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.refuse_writes = threading.Event()
        self.list_gates: dict[str, threading.Event] = {}
        self.list_read = threading.Event()  # a gated list query has read its page
        self.list_texts: list[str] = []
        self.count_calls = 0
        self.write_delay = 0.0

    def _check(self, write: bool = False) -> None:
        if write and self.write_delay:
            time.sleep(self.write_delay)  # stands in for a slow network round trip
        super()._check(write)
        if write and self.refuse_writes.is_set():
            raise TodoError(REFUSED)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        self.count_calls += 1
        return super().counts(now, zone)

    def __getattr__(self, name: str) -> Any:
        # The tag methods pass through only when the repository has them (the data layer
        # adds them), so the window sees a service without tags until then.
        if name not in ("tags", "rename_tag", "delete_tag", "restore_tag"):
            raise AttributeError(name)
        method = getattr(self.inner, name)

        def call(*args: Any) -> Any:
            self._check(write=name != "tags")
            return method(*args)

        return call

    def list(self, query: TaskQuery) -> TaskPage:
        self._check()
        self.list_texts.append(query.text)
        gate = self.list_gates.get(query.text)
        page = self.inner.list(query)
        if gate is not None:  # the answer is fixed; only its delivery is held back
            self.list_read.set()
            assert gate.wait(10)
        return page


def real_opener(service: Any, account: Account, reminders: Any = None) -> Callable[[], Workspace]:
    return lambda: Workspace(tasks=service, account=account, where="this computer", reminders=reminders)


def open_window(
    qtbot: Any, settings_file: Path, service: Any, account: Account, **options: Any
) -> MainWindow:
    """A shown main window on ``service`` (and the ``reminders`` option's gateway, if given),
    with its first page and counts loaded."""
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    options.setdefault("quit_wait_ms", 10_000)
    opener = real_opener(service, account, options.pop("reminders", None))
    window = MainWindow(opener, settings=settings, **options)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.open_workspace()
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
    qtbot.waitUntil(lambda: window.navigator.counts is not None)
    return window


def open_outbox_window(
    qtbot: Any, tmp_path: Path, service: Any, account: Account, **options: Any
) -> tuple[MainWindow, DurableTasks]:
    """A shown, active window on ``service`` behind a durable outbox kept in ``tmp_path``
    (as the app opens the Local profile), with its first page loaded."""
    durable = outbox_for(tmp_path / "outbox", "local", service)
    workspace = Workspace(tasks=durable, account=account, where="this computer", outbox=durable)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    options.setdefault("quit_wait_ms", 10_000)
    window = MainWindow(lambda: workspace, settings=settings, **options)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.open_workspace()
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
    return window, durable


@contextlib.contextmanager
def window_maker(
    qtbot: Any, tmp_path: Path, alice: SignedIn, alice_tasks: Any
) -> Iterator[Callable[..., Any]]:
    """``make(count, **options)`` seeds ``count`` tasks and opens a window on them; returns
    (window, switched service). Windows are closed, and their workers drained, before the
    test's database is dropped: a read still running then would fail at exit."""
    windows: list[MainWindow] = []

    def make(count: int = 0, **options: Any) -> tuple[MainWindow, SwitchedTasks]:
        for i in range(count):  # due an hour apart, so the Inbox (by due date) keeps this order
            alice_tasks.create(TaskDraft(title=f"Task {i}", due_date=NOW + timedelta(hours=i + 1)))
        service = SwitchedTasks(alice_tasks)
        windows.append(open_window(qtbot, tmp_path / "window.ini", service, alice.account, **options))
        return windows[-1], service

    try:
        yield make
    finally:
        for window in windows:
            for event in window_gates(window):
                event.set()
            window.close()
            window.workers.wait_for_all(10_000)


def window_gates(window: MainWindow) -> list[threading.Event]:
    service = window.session.workspace.tasks if window.session.workspace is not None else None
    return list(service.list_gates.values()) if isinstance(service, SwitchedTasks) else []


def settle(qtbot: Any, window: MainWindow) -> None:
    """Wait until every write has been answered and the list is not loading."""
    qtbot.waitUntil(lambda: window.workers.pending_writes == 0)


def shown_titles(window: MainWindow) -> list[str]:
    return [t.title for t in window.tasks.model.tasks()]


def select_rows(window: MainWindow, rows: list[int]) -> None:
    window.area.table.setFocus()
    selection = window.area.table.selectionModel()
    flag = QItemSelectionModel.SelectionFlag
    selection.setCurrentIndex(window.tasks.model.index(rows[0], 1), flag.Clear)
    for row in rows:
        selection.select(window.tasks.model.index(row, 0), flag.Select | flag.Rows)


def key(qtbot: Any, widget: Any, name: str) -> None:
    """Press a key sequence such as "Ctrl+Shift+Z", "Shift+T" or "?" on ``widget``."""
    combination = QKeySequence(name)[0]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())
