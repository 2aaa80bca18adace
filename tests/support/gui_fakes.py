"""Helpers for the GUI tests.

In-memory stand-ins (a dict of Task values) serve the tests whose point is threads,
optimism and timing; the flow tests use a real TaskRepository, through ``SwitchedTasks``
and ``open_window`` at the end of this file.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtGui import QKeySequence

from tests.support.outbox_helpers import Switched
from todo_desktop.core import validation
from todo_desktop.core.errors import NotFoundError, StaleEditError, TodoError
from todo_desktop.core.ports import Workspace
from todo_desktop.core.values import (
    Account,
    BatchOutcome,
    Cursor,
    ListCounts,
    Priority,
    SignedIn,
    Status,
    Task,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskPage,
    TaskQuery,
)
from todo_desktop.sync.outbox import DurableTasks, outbox_for
from todo_desktop.ui.main_window import MainWindow

NOW = datetime.now(UTC)
ALICE = Account(uuid.uuid4(), "alice@example.com", "Alice", "Tester", True, NOW)
REFUSED = "The database refused that change."
UNREACHABLE = "Cannot reach the database right now; try again in a moment."
EPOCH = datetime(1900, 1, 1, tzinfo=UTC)


def make_task(title: str, *, due: datetime | None = None, **fields: object) -> Task:
    base = Task(uuid.uuid4(), title, None, False, Priority.MEDIUM, due, NOW, NOW)
    return replace(base, **fields)  # type: ignore[arg-type]


def many_tasks(n: int) -> list[Task]:
    return [make_task(f"Task {i:04d}", due=NOW + timedelta(hours=i)) for i in range(n)]


def _sort_key(task: Task) -> tuple[bool, datetime, str]:
    return (task.due_date is None, task.due_date or EPOCH, str(task.id))


def _by_version(task: Task) -> tuple[datetime, uuid.UUID]:
    return (task.updated_at, task.id)


class MemoryTasks:
    """A TaskService over a dict; optional gates let a test hold a call on its worker thread."""

    def __init__(self, tasks: Iterable[Task] = ()) -> None:
        self.tasks = {t.id: t for t in tasks}
        self.lock = threading.RLock()
        self.list_calls = 0
        self.list_gates: list[threading.Event] = []
        self.create_gate: threading.Event | None = None
        self.create_delay = 0.0

    def create(self, draft: TaskDraft) -> Task:
        if self.create_gate is not None:
            assert self.create_gate.wait(10)
        if self.create_delay:
            time.sleep(self.create_delay)  # stands in for a slow network round trip
        clean = validation.draft(draft)
        now = datetime.now(UTC)
        task = Task(
            clean.id,
            clean.title,
            clean.description,
            clean.completed,
            clean.priority,
            clean.due_date,
            now,
            now,
        )
        with self.lock:
            return self.tasks.setdefault(task.id, task)

    def _current(self, task_id: uuid.UUID) -> Task:
        if task_id not in self.tasks:
            raise NotFoundError("That task no longer exists.")
        return self.tasks[task_id]

    def _write(self, current: Task, values: dict[str, object]) -> Task:
        stamp = max(datetime.now(UTC), current.updated_at + timedelta(microseconds=1))
        task = replace(current, updated_at=stamp, **values)  # type: ignore[arg-type]
        if task.completed != current.completed:
            task = replace(task, completed_at=stamp if task.completed else None)
        self.tasks[task.id] = task
        return task

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        values = validation.changes(changes)
        with self.lock:
            current = self._current(task_id)
            if expected_version is not None and current.updated_at != expected_version:
                if any(getattr(current, k) != v for k, v in values.items()):
                    raise StaleEditError(current)
                return current
            return self._write(current, values)

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        """As the database does it: all at once; stale and gone tasks reported, not written."""
        values = [validation.changes(e.changes) for e in edits]
        stored: list[Task] = []
        stale: list[Task] = []
        gone: list[uuid.UUID] = []
        with self.lock:
            for edit, wanted in zip(edits, values, strict=True):
                current = self.tasks.get(edit.task_id)
                if current is None:
                    gone.append(edit.task_id)
                elif all(getattr(current, k) == v for k, v in wanted.items()):
                    stored.append(current)
                elif edit.expected_version not in (None, current.updated_at):
                    stale.append(current)
                else:
                    stored.append(self._write(current, wanted))
        return BatchOutcome(tuple(stored), tuple(stale), tuple(gone))

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        with self.lock:
            return sum(self.tasks.pop(i, None) is not None for i in set(task_ids))

    def delete_unchanged(self, versions: Mapping[uuid.UUID, datetime | None]) -> BatchOutcome:
        deleted: list[uuid.UUID] = []
        stale: list[Task] = []
        with self.lock:
            for task_id, version in versions.items():
                current = self.tasks.get(task_id)
                if current is not None and version not in (None, current.updated_at):
                    stale.append(current)
                elif current is not None:
                    deleted.append(self.tasks.pop(task_id).id)
        gone = tuple(i for i in versions if i not in deleted and all(t.id != i for t in stale))
        return BatchOutcome(stale=tuple(stale), gone=gone, deleted=tuple(deleted))

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        with self.lock:
            return BatchOutcome(stored=tuple(self.tasks.setdefault(s.id, s) for s in snapshots))

    def list(self, query: TaskQuery) -> TaskPage:
        with self.lock:
            self.list_calls += 1
            gate = self.list_gates.pop(0) if self.list_gates else None
            rows = sorted(
                (
                    t
                    for t in self.tasks.values()
                    if query.status is Status.ALL or t.completed == (query.status is Status.COMPLETED)
                ),
                key=_sort_key,
            )
        if query.after is not None:
            rows = [t for t in rows if _sort_key(t) > query.after.values[0]]  # type: ignore[operator]
        page = rows[: query.limit]
        more = len(rows) > query.limit
        cursor = Cursor((_sort_key(page[-1]),), page[-1].id) if more else None
        if gate is not None:  # the answer is fixed; only its delivery is held back
            assert gate.wait(10)
        return TaskPage(tuple(page), cursor)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        return ListCounts({})

    def changed_since(self, since: datetime, limit: int = 500) -> list[Task]:
        with self.lock:
            changed = sorted((t for t in self.tasks.values() if t.updated_at > since), key=_by_version)
        return changed[:limit]


class RefusingTasks(MemoryTasks):
    """Every write is refused, as a database constraint or a lost session would."""

    def create(self, draft: TaskDraft) -> Task:
        raise TodoError(REFUSED)

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        raise TodoError(REFUSED)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        raise TodoError(REFUSED)

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        raise TodoError(REFUSED)


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

    def list(self, query: TaskQuery) -> TaskPage:
        self._check()
        self.list_texts.append(query.text)
        gate = self.list_gates.get(query.text)
        page = self.inner.list(query)
        if gate is not None:  # the answer is fixed; only its delivery is held back
            assert gate.wait(10)
        return page


def real_opener(service: Any, account: Account) -> Callable[[], Workspace]:
    return lambda: Workspace(tasks=service, account=account, where="this computer")


def open_window(
    qtbot: Any, settings_file: Path, service: Any, account: Account, **options: Any
) -> MainWindow:
    """A shown main window on ``service``, with its first page and counts loaded."""
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    options.setdefault("quit_wait_ms", 10_000)
    window = MainWindow(real_opener(service, account), settings=settings, **options)
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
