"""The desktop session ending (SIGTERM, SIGHUP) or Ctrl+C in a terminal (SIGINT) quits the app
as Ctrl+Q does: what was typed reaches the database and the embedded server stops with it,
instead of the process vanishing and leaving the server running with nobody to stop it.

Each test starts the real app in its own process on a temporary data folder, offscreen,
waits until its window shows the local database, and sends it a real signal from outside.
Run as ``python -m tests.cli.test_quit_on_signal MODE [TITLE]``, this file is that app: it prints
one line when the signal may come, then does nothing more. MODE ``ready``: once the list
shows the local database; ``add``: then types TITLE with Ctrl+N, text and Enter; ``shown``:
as soon as the window shows, the database still starting; ``add-at-once``: that, typing first.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import psutil
import pytest

from tests.support.repo import ROOT

TICK_MS = 50
GIVE_UP_MS = 60_000
READY_S = 90.0  # a first launch makes the database cluster: slow on a busy machine
EXIT_S = 10.0  # "within a few seconds", with room for a loaded CI runner

pytestmark = [
    pytest.mark.slow,
    pytest.mark.gui,
    pytest.mark.timeout(180),
    # Windows has no SIGHUP, and SIGTERM there ends a process without running any handler.
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]


# The app's side ------------------------------------------------------------------------------


def _child(mode: str, title: str | None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from todo_desktop.__main__ import main
    from todo_desktop.ui.main_window import MainWindow

    _app = QApplication(sys.argv[:1])  # before main(), so the timer below has a loop to run in
    state = {"waited": 0}

    def window() -> MainWindow | None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        return shown[0] if shown else None

    def type_title(w: MainWindow) -> None:
        quick_add = next(e for e in w.findChildren(QLineEdit) if e.accessibleName() == "New task title")
        QTest.keySequence(w, QKeySequence("Ctrl+N"))
        QTest.keyClicks(quick_add, title or "")
        QTest.keyClick(quick_add, Qt.Key.Key_Return)

    def step() -> None:
        state["waited"] += TICK_MS
        if state["waited"] > GIVE_UP_MS:
            print("gave up waiting for the window", flush=True)
            os._exit(3)
        w = window()
        if w is None:
            return
        # Shortcuts reach only the active window; an offscreen one is not made active by itself.
        w.activateWindow()
        if QApplication.activeWindow() is not w:
            return
        if mode in ("shown", "add-at-once"):  # before the database has started
            if mode == "add-at-once":
                type_title(w)
            timer.stop()
            print("typed" if mode == "add-at-once" else "shown", flush=True)
            return
        if w.session.workspace is None or w.area.stack.currentWidget() is not w.area.table:
            return
        # Ready: from here on nothing in this script runs, so the event loop is as idle as
        # a person's app left alone (no Python code runs until Qt has something to do).
        timer.stop()
        if mode == "add":
            type_title(w)
        print("typed" if mode.startswith("add") else "ready", flush=True)

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(TICK_MS)
    sys.exit(main([]))


# The tests' side -----------------------------------------------------------------------------


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TODO_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    with (home / "app-stderr.txt").open("w") as errors:  # a file: a full pipe would stall the app
        return subprocess.Popen(
            [sys.executable, "-m", "tests.cli.test_quit_on_signal", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )


def _line(stream: IO[str], seconds: float) -> str:
    """The next line the app prints, or "" when none comes in time."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(seconds):
            return ""
    return stream.readline().strip()


def _pgdata(home: Path) -> Path:
    return home / "data" / "pgdata"


def _postmaster(home: Path) -> psutil.Process | None:
    try:
        return psutil.Process(int((_pgdata(home) / "postmaster.pid").read_text().split()[0]))
    except (FileNotFoundError, IndexError, ValueError, psutil.NoSuchProcess):
        return None  # not started yet


def _servers_on(home: Path) -> list[psutil.Process]:
    """Every live process that names this data folder: a server started while the signal
    was on its way would not be in postmaster.pid when it came."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        with contextlib.suppress(psutil.Error):
            if process.info["status"] != psutil.STATUS_ZOMBIE and str(_pgdata(home)) in " ".join(
                process.info["cmdline"] or []
            ):
                found.append(process)
    return found


def _gone(process: psutil.Process, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def _stderr(home: Path) -> str:
    return (home / "app-stderr.txt").read_text(errors="replace")


def _clean_up(app: subprocess.Popen[str], home: Path) -> None:
    """Whatever the outcome, nothing this test started outlives it."""
    if app.poll() is None:
        app.kill()
        app.wait()
    if app.stdout is not None:
        app.stdout.close()
    # PostgreSQL puts each child in a session of its own: each is named.
    for process in _servers_on(home):
        with contextlib.suppress(psutil.Error):
            process.kill()


def _quit_by_signal(
    home: Path, sig: signal.Signals, *args: str, says: str, exit_s: float = EXIT_S, started: bool = True
) -> None:
    """Start the app, wait for ``says``, send ``sig``: it must leave soon, cleanly, taking
    its embedded server with it. ``started``: the server runs when the signal is sent."""
    app = _start(home, *args)
    try:
        assert app.stdout is not None
        line = _line(app.stdout, READY_S)
        assert line == says, f"the app said {line!r}:\n{_stderr(home)}"
        postmaster = _postmaster(home)
        assert postmaster is not None or not started, "the window shows the local database"
        app.send_signal(sig)
        try:
            code = app.wait(exit_s)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {exit_s:.0f} s after {sig.name}:\n{_stderr(home)}")
        stopped = postmaster is None or _gone(postmaster, 2.0)
        outlived = [p.pid for p in _servers_on(home)]
        assert (code, stopped, outlived) == (0, True, []), (
            f"{sig.name}: status {code}, postmaster stopped: {stopped}, server processes left: "
            f"{outlived}\n{_stderr(home)}"
        )
        assert not (_pgdata(home) / "postmaster.pid").exists(), "the server stops with the app"
    finally:
        _clean_up(app, home)


def _titles_in_database(home: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from tests.support.outbox_helpers import all_tasks
    from tests.support.restart_helpers import open_as_the_app
    from todo_desktop.machine.paths import AppPaths

    monkeypatch.setenv("TODO_DESKTOP_HOME", str(home))
    local, _durable = open_as_the_app(AppPaths.from_environment())
    try:
        # The database itself, not the outbox: the edit was sent before the app left.
        return sorted(task.title for task in all_tasks(local.tasks))
    finally:
        local.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_signal_quits_and_stops_the_embedded_server(tmp_path: Path, sig: signal.Signals) -> None:
    _quit_by_signal(tmp_path, sig, "ready", says="ready")


def test_sigterm_while_the_database_starts_stops_it_too(tmp_path: Path) -> None:
    """The session ending while a first launch still makes and starts the server."""
    _quit_by_signal(tmp_path, signal.SIGTERM, "shown", says="shown", exit_s=45.0, started=False)


def test_task_typed_just_before_sigterm_is_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _quit_by_signal(tmp_path, signal.SIGTERM, "add", "Water the plants", says="typed")
    assert _titles_in_database(tmp_path, monkeypatch) == ["Water the plants"]


def test_task_typed_while_the_database_starts_survives_sighup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed on a first launch and the session ending at once: as with Ctrl+Q, the quit
    waits (bounded) for the database to start, so the task is not lost."""
    _quit_by_signal(
        tmp_path, signal.SIGHUP, "add-at-once", "Renew the passport", says="typed", exit_s=45.0, started=False
    )
    assert _titles_in_database(tmp_path, monkeypatch) == ["Renew the passport"]


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
