"""Windows for the tag and repeat tests, on MemoryTasks or on the real database.

The database runs are skipped while the data layer's TaskService has no tag methods.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.support.gui_fakes import SwitchedTasks, key, open_window, opener_for, window_gates
from tests.support.memory_tasks import NOW, MemoryTasks
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.values import Status, Task, TaskDraft, TaskQuery
from todo_desktop.ui.main_window import MainWindow

BACKENDS = ("memory", "database")
NO_TAG_METHODS = "the data layer's TaskService has no tag methods yet"


def stored_task(service: Any, task_id: uuid.UUID) -> Task:
    """The task as the backend holds it now."""
    if isinstance(service, MemoryTasks):
        with service.lock:
            return service.tasks[task_id]
    return service.inner.get(task_id)  # type: ignore[no-any-return]


def all_stored(service: Any) -> list[Task]:
    query = TaskQuery(status=Status.ALL, limit=1000)
    return list(service.list(query).tasks)


def open_memory_window(qtbot: Any, service: MemoryTasks, **options: Any) -> MainWindow:
    options.setdefault("quit_wait_ms", 10_000)
    window = MainWindow(opener_for(service), **options)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.open_workspace()
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
    qtbot.waitUntil(lambda: window.navigator.counts is not None)
    return window


@contextlib.contextmanager
def tag_window_maker(request: Any, qtbot: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make(drafts, **options)`` stores the drafts (due an hour apart unless given, so the
    Inbox keeps their order) and opens a window on them, with their tags read; returns
    (window, service). ``request.param`` picks the backend (see ``BACKENDS``)."""
    windows: list[MainWindow] = []
    database = request.param == "database"
    repository = request.getfixturevalue("alice_tasks") if database else None
    if database and not hasattr(repository, "tags"):
        pytest.skip(NO_TAG_METHODS)

    def make(drafts: Sequence[TaskDraft] = (), **options: Any) -> tuple[MainWindow, Any]:
        service: Any = repository if database else MemoryTasks()
        for i, draft in enumerate(drafts):
            due = draft.due_date or NOW + timedelta(hours=i + 1)
            service.create(replace(draft, due_date=due))
        if database:
            service = SwitchedTasks(repository)
            account = request.getfixturevalue("alice").account
            windows.append(open_window(qtbot, tmp_path / "window.ini", service, account, **options))
        else:
            windows.append(open_memory_window(qtbot, service, **options))
        window = windows[-1]
        wanted = {tag_key(n) for d in drafts for n in d.tags}
        qtbot.waitUntil(lambda: {tag_key(n) for n in window.sidebar.tag_names()} == wanted)
        return window, service

    try:
        yield make
    finally:
        for window in windows:
            for event in window_gates(window):
                event.set()
            window.close()
            window.workers.wait_for_all(10_000)


def hold_tag_writes(service: Any) -> threading.Event:
    """Tag writes wait on their thread until the event is set."""
    release = threading.Event()
    if isinstance(service, MemoryTasks):
        service.tag_gate = release
    else:
        service.write_delay = 0.5  # the real service has no gate: slow it down instead
        threading.Thread(target=lambda: (release.wait(10), setattr(service, "write_delay", 0.0))).start()
    return release


def press_in_list(qtbot: Any, window: MainWindow, popup: Any, name: str) -> None:
    """A key in a completion list, which has the keyboard while it shows. The offscreen
    platform makes the list the active window and leaves it so once it closes (a desktop
    never does): the window is made active again, as it would be."""
    key(qtbot, popup, name)
    activate(qtbot, window)


def activate(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
