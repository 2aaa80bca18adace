"""The child process of the start-time benchmark: ``python -m tests.bench._gui_probe app|empty``.

It makes the QApplication itself (``run_gui`` reuses an existing one), watches its events,
then runs the real app through ``todo_desktop.__main__.main`` (``app``) or shows an empty
QMainWindow (``empty``, the baseline). It prints one JSON line of wall-clock marks
(``time.time()``, comparable with the parent's clock) and closes the window, which quits
the app the ordinary way:

- ``probe``: this module is running (the interpreter is up);
- ``window``: the main window's first frame is drawn (its first expose, handled);
- ``tasks``: the task table has drawn rows for the first time.

Nothing in the app is changed for this; the marks come from an application event filter.
"""

from __future__ import annotations

import json
import os
import sys
import time

STARTED = time.time()

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QWindow  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QWidget  # noqa: E402

SETTINGS_ENV = "TODO_BENCH_SETTINGS_DIR"


class Probe(QObject):
    def __init__(self, app: QApplication, want_tasks: bool) -> None:
        super().__init__(app)
        self._app = app
        self._want_tasks = want_tasks
        self.marks: dict[str, float] = {"probe": STARTED}
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Expose and "window" not in self.marks and isinstance(watched, QWindow):
            window = self._main_window()
            if window is not None and window.windowHandle() is watched:
                # Handle it here, then stamp: the widgets paint the first frame inside it.
                watched.event(event)
                self.marks["window"] = time.time()
                self._maybe_finish()
                return True
        if kind == QEvent.Type.Paint and self._want_tasks and "tasks" not in self.marks:
            table = watched.parent() if isinstance(watched, QWidget) else None
            if isinstance(table, QTableView) and table.viewport() is watched:
                model = table.model()
                if model is not None and model.rowCount() > 0:
                    watched.event(event)
                    self.marks["tasks"] = time.time()
                    self._maybe_finish()
                    return True
        return False

    def _main_window(self) -> QMainWindow | None:
        for widget in self._app.topLevelWidgets():
            if isinstance(widget, QMainWindow):
                return widget
        return None

    def _maybe_finish(self) -> None:
        if self._done or "window" not in self.marks or (self._want_tasks and "tasks" not in self.marks):
            return
        self._done = True
        print(json.dumps(self.marks), flush=True)
        # Quit as a person would: closing the window waits for writes and stops the server.
        QTimer.singleShot(0, self._close)

    def _close(self) -> None:
        window = self._main_window()
        if window is not None:
            window.close()


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "app"
    settings_dir = os.environ.get(SETTINGS_ENV)
    if settings_dir:
        # Window sizes go to the benchmark's folder, never the person's own settings.
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = QApplication([sys.argv[0]])
    probe = Probe(app, want_tasks=mode == "app")
    app.installEventFilter(probe)
    if mode == "empty":
        window = QMainWindow()
        window.resize(1100, 650)
        window.show()
        return app.exec()
    from todo_desktop.__main__ import main as app_main

    return app_main([])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
