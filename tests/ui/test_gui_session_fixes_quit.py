"""Ctrl+Q while edits wait for an unreachable database: one sentence says they are kept and
when they will be sent, and the app leaves at once instead of waiting out connection
retries. The edits stay in the outbox file for the next start.

A real database behind the fault proxy (refusing every connection), a real outbox file,
real widgets."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.support.faultproxy import FaultProxy, proxied_url
from tests.support.gui_fakes import key, open_outbox_window
from tests.support.offline_steps import OfflineSteps
from todo_desktop.core.ports import Workspace
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SignedIn, TaskDraft
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.outbox import outbox_for
from todo_desktop.sync.outbox_file import Outbox
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.workers import Workers

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]

# Each background try waits this long for a connection before giving up: far longer than
# anyone should wait for the window to go.
LONG_RETRY = 8.0
KEPT = "1 edit is waiting; it will be sent the next time you open Todo Desktop."


@pytest.fixture
def offline_window(
    qtbot, tmp_path: Path, test_db, proxy: FaultProxy, alice: SignedIn
) -> Iterator[tuple[MainWindow, Database]]:
    target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
    reachability = Reachability()
    db = Database(create_db_engine(target), target, retry_budget=0.5, reachability=reachability)
    tasks = TaskRepository(db, alice.token)
    tasks.create(TaskDraft(title="Already there"))
    window, _ = open_outbox_window(
        qtbot, tmp_path, tasks, alice.account, quit_wait_ms=15_000, reachability=reachability
    )
    yield window, db
    window.close()
    # What run_gui does once the window has gone: the jobs not started are dropped, those
    # still waiting out connection retries are let go (the app's process ends without them).
    left = window.workers.let_go(0)
    # A test's process goes on, so they must still end before the database goes. With
    # nothing listening at all, a retry gives up within the short budget for a certain
    # outage instead of waiting out LONG_RETRY.
    proxy.stop()
    for pool in left:
        if isinstance(pool, QThreadPool):
            assert pool.waitForDone(15_000)
    db.dispose()


def _kept_offline(qtbot, window: MainWindow, db: Database, proxy: FaultProxy, title: str) -> None:
    """An edit made with the database away, kept in the outbox; then background tries that
    each wait a long time for a connection, one of them running now."""
    proxy.refuse()
    proxy.cut()
    key(qtbot, window, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, title)
    key(qtbot, window.area.quick_add, "Return")
    outbox = window.session.workspace.outbox
    qtbot.waitUntil(lambda: outbox.pending_count() == 1, timeout=10_000)
    db.retry_budget = LONG_RETRY
    window.refresh()  # a list read and a count read, both waiting for the database
    _wait_for_a_long_write(qtbot, window)


def _wait_for_a_long_write(qtbot, window: MainWindow) -> None:
    """The outbox's next try at sending (every 2 s) is running, and has been for a while."""
    since: list[float] = []

    def long_enough() -> bool:
        if not window.workers.pending_writes:
            since.clear()
            return False
        since.append(time.monotonic())
        return since[-1] - since[0] > 0.5

    qtbot.waitUntil(long_enough, timeout=10_000)


def _answer_with(qtbot, key_name: Qt.Key) -> list[str]:
    """Answer the next message box with ``key_name``; returns what it said."""
    said: list[str] = []
    deadline = time.monotonic() + 5

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            said.append(box.text())
            qtbot.keyClick(box, key_name)
        elif time.monotonic() < deadline:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    return said


def test_quitting_with_an_edit_kept_offline_says_so_and_leaves_at_once(
    qtbot, offline_window, proxy: FaultProxy, tmp_path: Path
):
    window, db = offline_window
    _kept_offline(qtbot, window, db, proxy, "Written offline")

    said = _answer_with(qtbot, Qt.Key.Key_Escape)  # Wait: stay, the edit keeps trying
    key(qtbot, window, "Ctrl+Q")
    qtbot.waitUntil(lambda: bool(said), timeout=3_000)
    assert said == [KEPT]
    qtbot.wait(100)
    assert window.isVisible()

    window.activateWindow()  # the keyboard back from the box (a window manager would do this)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    said = _answer_with(qtbot, Qt.Key.Key_Return)  # Quit, the default
    started = time.monotonic()
    key(qtbot, window, "Ctrl+Q")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    took = time.monotonic() - started
    assert said == [KEPT]
    assert took < 2.0
    assert window.workers.pending_writes  # the try still waiting was not waited for

    entries = Outbox(tmp_path / "outbox", "local").entries()  # read afresh from the file
    assert [(e["op"], e["draft"]["title"]) for e in entries] == [("create", "Written offline")]


def test_jobs_let_go_at_quit_do_not_hold_up_the_window_going(qtbot):
    owner = QObject()  # stands in for the window, whose going takes its workers along
    workers = Workers(owner)
    release = threading.Event()
    running = threading.Event()

    def slow() -> None:
        running.set()
        release.wait(10)  # a connection retry that nobody should wait for

    workers.write(slow, lambda _: None, lambda _: None)
    workers.read("list", slow, lambda _: None, lambda _: None)
    assert running.wait(5)
    started = time.monotonic()
    left = workers.let_go(100)
    shiboken6.delete(owner)
    assert time.monotonic() - started < 1.0
    assert left
    release.set()
    assert all(pool.waitForDone(5_000) for pool in left if isinstance(pool, QThreadPool))


def test_run_gui_leaves_jobs_still_waiting_to_the_caller(
    qtbot, qapp, tmp_path: Path, test_db, proxy: FaultProxy, alice: SignedIn
):
    """The whole quit, as the app does it: run_gui returns at once and hands back what still
    runs, so the process can end without waiting out the retries."""
    from todo_desktop.ui.app import run_gui

    target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
    reachability = Reachability()
    db = Database(create_db_engine(target), target, retry_budget=0.5, reachability=reachability)
    tasks = TaskRepository(db, alice.token)
    durable = outbox_for(tmp_path / "outbox", "local", tasks)
    workspace = Workspace(tasks=durable, account=alice.account, where="this computer", outbox=durable)
    steps: list[Callable[[MainWindow], bool]] = []

    def window_now() -> MainWindow | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        return found[0] if found else None

    def drive() -> None:
        window = window_now()
        if window is not None and steps and steps[0](window):
            steps.pop(0)
        if steps:
            QTimer.singleShot(20, drive)

    offline = OfflineSteps(proxy, db, durable, LONG_RETRY)

    def quit_now(window: MainWindow) -> bool:
        _answer_with(qtbot, Qt.Key.Key_Return)
        offline.marks["quit"] = time.monotonic()
        window.command_table[CommandId.QUIT].trigger()
        return True

    steps += [offline.loaded, offline.offline_edit, offline.queued, offline.long_write, quit_now]
    QTimer.singleShot(0, drive)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(99))  # fail instead of hanging
    guard.start(40_000)
    left: list[QObject] = []
    try:
        code = run_gui(
            lambda: workspace,
            ["todo-desktop"],
            settings_path=tmp_path / "window.ini",
            reachability=reachability,
            left_running=left,
        )
        returned = time.monotonic()
    finally:
        guard.stop()
    try:
        assert code == 0
        assert returned - offline.marks["quit"] < 2.0
        assert left  # still waiting for the database, handed back rather than waited for
        assert durable.pending_count() == 1
        assert len(Outbox(tmp_path / "outbox", "local").entries()) == 1
    finally:
        # The tries handed back must end before the database goes; with nothing listening
        # they give up within the short budget for a certain outage, not LONG_RETRY.
        proxy.stop()
        for pool in left:
            if isinstance(pool, QThreadPool):
                pool.waitForDone(30_000)
        db.dispose()
