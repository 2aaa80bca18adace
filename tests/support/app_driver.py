"""Drives the real app in its own process, as a person at the keyboard would.

Usage: python -m tests.support.app_driver add TITLE... | list | watch
``add`` types each title with Ctrl+N, text, Enter, then quits with Ctrl+Q at once;
``list`` prints the titles the window shows, then quits; ``watch`` prints "ready" once the
list is loaded, then "titles: ..." each time the titles on screen change, until it is told
to quit (SIGTERM, as a session ending). The app runs on the embedded database under
TODO_DESKTOP_HOME, exactly as ``todo-desktop`` does.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QTableView

from todo_desktop.__main__ import main
from todo_desktop.ui.main_window import MainWindow

TICK_MS = 50
GIVE_UP_MS = 60_000


def _window() -> QMainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    return None


def _table(window: QMainWindow) -> QTableView:
    return next(t for t in window.findChildren(QTableView) if t.accessibleName() == "Tasks")


def _quick_add(window: QMainWindow) -> QLineEdit:
    return next(e for e in window.findChildren(QLineEdit) if e.accessibleName() == "New task title")


def _titles(table: QTableView) -> list[str]:
    model = table.model()
    return sorted(
        str(model.index(row, column).data())
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        if model.headerData(column, Qt.Orientation.Horizontal) == "Title"
    )


class Watch:
    """``watch``: the titles on screen, printed as soon as the model changes."""

    def __init__(self) -> None:
        self.table: QTableView | None = None
        self.shown: list[str] | None = None

    def step(self, window: QMainWindow) -> None:
        if self.table is not None or not isinstance(window, MainWindow):
            return
        if window.session.workspace is None or not window.area.showing_list():
            return
        self.table = _table(window)
        model = self.table.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
            signal.connect(self.report)
        print("ready", flush=True)
        self.report()

    def report(self, *_args: object) -> None:
        assert self.table is not None
        titles = _titles(self.table)
        if titles != self.shown:
            self.shown = titles
            print("titles:", "|".join(titles), flush=True)


class Script:
    def __init__(self, mode: str, titles: list[str]) -> None:
        self.mode, self.titles = mode, titles
        self.waited = 0
        self.typed = False
        self.watch = Watch() if mode == "watch" else None
        self.timer = QTimer()
        self.timer.timeout.connect(self.step)
        self.timer.start(TICK_MS)

    def step(self) -> None:
        self.waited += TICK_MS
        if self.waited > GIVE_UP_MS:
            print("gave up waiting for the window", flush=True)
            os._exit(3)
        if self.watch is not None:
            window = _window()
            if window is not None:
                self.watch.step(window)
            if self.watch.table is not None:
                self.timer.stop()
            return
        window = _window()
        if window is None:
            return
        table = _table(window)
        # Shortcuts reach only the active window; an offscreen one is not made active by itself.
        window.activateWindow()
        if QApplication.activeWindow() is not window:
            return
        if self.mode == "add" and not self.typed:
            # Typed at once, before the database has started: nothing may be lost anyway.
            self.typed = True
            for title in self.titles:
                QTest.keySequence(window, QKeySequence("Ctrl+N"))
                QTest.keyClicks(_quick_add(window), title)
                QTest.keyClick(_quick_add(window), Qt.Key.Key_Return)
            # No waiting for the database: Ctrl+Q itself must let the writes finish.
            QTest.keySequence(window, QKeySequence("Ctrl+Q"))
            return
        if self.mode == "list" and table.model() is not None and table.model().rowCount() >= len(self.titles):
            print("titles:", "|".join(_titles(table)), flush=True)
            QTest.keySequence(window, QKeySequence("Ctrl+Q"))


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    script = Script(sys.argv[1], sys.argv[2:])
    sys.exit(main([]))
