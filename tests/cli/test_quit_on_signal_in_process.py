"""Quit signals inside one process, where the whole quit can be watched: the window asks
nobody about edits kept for an unreachable database (the session is ending; they are safe
in the outbox file), a dialog left open does not keep the app running, and a signal that
comes while nothing watches is held rather than ending the process.

Each test sends a real signal to this very process (``os.kill``), as the session would.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.support.faultproxy import FaultProxy, proxied_url
from tests.support.gui_fakes import real_opener
from tests.support.offline_steps import OfflineSteps
from tests.support.outbox_helpers import all_tasks
from todo_desktop.core.ports import Workspace
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SignedIn
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.outbox import outbox_for
from todo_desktop.sync.outbox_file import Outbox
from todo_desktop.ui.app import run_gui
from todo_desktop.ui.chrome.quit_signals import QuitSignals
from todo_desktop.ui.main_window import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.timeout(90),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

LONG_RETRY = 8.0  # each background try waits this long: far longer than a quit may take
Step = Callable[[MainWindow], bool]


def _window_now() -> MainWindow | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    return found[0] if found else None


def _run(
    opener: Callable[[], Workspace],
    tmp_path: Path,
    steps: list[Step],
    reachability: Reachability | None = None,
) -> tuple[int, list[QObject]]:
    """run_gui as the app runs it, catching the quit signals, with ``steps`` driving the window."""

    def drive() -> None:
        window = _window_now()
        if window is not None and steps and steps[0](window):
            steps.pop(0)
        if steps:
            QTimer.singleShot(20, drive)

    QTimer.singleShot(0, drive)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(99))  # fail instead of hanging
    guard.start(40_000)
    left: list[QObject] = []
    try:
        with QuitSignals() as quit_signals:
            code = run_gui(
                opener,
                ["todo-desktop"],
                settings_path=tmp_path / "window.ini",
                reachability=reachability,
                left_running=left,
                quit_signals=quit_signals,
            )
    finally:
        guard.stop()
    assert not steps, f"the quit came before step {steps[0].__name__}"
    return code, left


def _loaded(window: MainWindow) -> bool:
    return window.area.stack.currentWidget() is window.area.table


def test_sigterm_with_an_edit_kept_offline_leaves_at_once_without_asking(
    qapp, tmp_path: Path, test_db, proxy: FaultProxy, alice: SignedIn
) -> None:
    target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
    reachability = Reachability()
    db = Database(create_db_engine(target), target, retry_budget=0.5, reachability=reachability)
    durable = outbox_for(tmp_path / "outbox", "local", TaskRepository(db, alice.token))
    workspace = Workspace(tasks=durable, account=alice.account, where="this computer", outbox=durable)
    offline = OfflineSteps(proxy, db, durable, LONG_RETRY)
    marks = offline.marks

    def session_ends(_window: MainWindow) -> bool:
        marks["signal"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGTERM)
        return True

    try:
        code, left = _run(
            lambda: workspace,
            tmp_path,
            [offline.loaded, offline.offline_edit, offline.queued, offline.long_write, session_ends],
            reachability,
        )
        took = time.monotonic() - marks["signal"]
        assert code == 0
        assert took < 3.0, f"the quit took {took:.1f} s"
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        assert left  # the retries still waiting were handed over, not waited for
        entries = Outbox(tmp_path / "outbox", "local").entries()  # read afresh from the file
        assert [(e["op"], e["draft"]["title"]) for e in entries] == [("create", "Written offline")]
    finally:
        for pool in left:
            if isinstance(pool, QThreadPool):
                pool.waitForDone(30_000)
        db.dispose()


def test_sigint_while_a_dialog_is_open_still_quits_and_saves(
    qapp, tmp_path: Path, client_db: Database, alice: SignedIn
) -> None:
    """A modal box runs an event loop of its own; the quit must neither wait for someone to
    close it nor drop the task typed just before."""
    tasks = TaskRepository(client_db, alice.token)
    answered: list[QMessageBox.StandardButton] = []

    def typed_then_box(window: MainWindow) -> bool:
        window.area.quick_add.setText("Typed before the box")
        window.area.quick_add.returnPressed.emit()
        QTimer.singleShot(200, lambda: os.kill(os.getpid(), signal.SIGINT))
        answered.append(QMessageBox.question(window, "A question", "Nobody answers this"))
        return True

    code, _left = _run(real_opener(tasks, alice.account), tmp_path, [_loaded, typed_then_box])
    assert code == 0
    assert answered, "the box gave way"
    assert [t.title for t in all_tasks(tasks)] == ["Typed before the box"]


def test_signals_while_nothing_watches_are_held_and_handlers_come_back() -> None:
    """Between the event loop's end and the embedded server's stop, a signal must not end the
    process; after the block, the earlier handlers are back."""
    numbers = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    before = {number: signal.getsignal(number) for number in numbers}
    with QuitSignals():
        for number in numbers:
            os.kill(os.getpid(), number)
        time.sleep(0.05)  # a Python handler runs at the next bytecode: these are many
    assert {number: signal.getsignal(number) for number in numbers} == before
    assert signal.set_wakeup_fd(-1) == -1  # nothing left pointing at a closed socket
