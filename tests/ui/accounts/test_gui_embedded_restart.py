"""The window on the embedded database, wired as the app wires it (``open_local`` behind
``outbox_for``): every server process is killed with SIGKILL while the window is open, the
person goes on typing, and the running app starts the server again by itself; nothing typed
is lost, and the window never needs a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from tests.support.gui_fakes import settle, shown_titles
from tests.support.outbox_helpers import state
from tests.support.restart_helpers import kill_server, open_as_the_app
from todo_desktop.core.ports import Workspace
from todo_desktop.machine.paths import AppPaths
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.timeout(90)]


def _add(qtbot, window: MainWindow, title: str) -> None:
    window.area.quick_add.setText(title)
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)


def test_the_open_window_outlives_a_killed_server(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    local, durable = open_as_the_app(AppPaths.from_environment())
    workspace = Workspace(
        tasks=durable, outbox=durable, account=local.signed_in.account, where=local.db.target.display_host
    )
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(lambda: workspace, settings=settings, quit_wait_ms=10_000, retry_first_ms=200)
    qtbot.addWidget(window)
    window.show()
    try:
        window.open_workspace()
        qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=10_000)
        _add(qtbot, window, "Before the kill")
        settle(qtbot, window)
        killed = kill_server(local.server, everything=True)

        typed = ["Right after the kill", "A moment later"]
        for title in typed:  # no pause: the first is still waiting for the server
            _add(qtbot, window, title)
        qtbot.waitUntil(lambda: set(typed) <= set(shown_titles(window)), timeout=5_000)
        # Only the window's own workers touch the database until here: they restarted it.
        qtbot.waitUntil(lambda: local.server.restarts == 1, timeout=20_000)
        settle(qtbot, window)
        assert durable.pending_count() == 0
        assert local.server.pid != killed
        qtbot.waitUntil(lambda: not window.area.banner.isVisible(), timeout=10_000)
        assert sorted(row[0] for row in state(local.tasks).values()) == sorted(["Before the kill", *typed])
        assert sorted(shown_titles(window)) == sorted(["Before the kill", *typed])
    finally:
        window.close()
        window.workers.wait_for_all(10_000)
        local.close()
