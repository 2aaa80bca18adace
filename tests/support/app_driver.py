"""Drives the real app in its own process, as a person at the keyboard would.

Usage: python -m tests.support.app_driver add TITLE... | list
``add`` types each title with Ctrl+N, text, Enter, then quits with Ctrl+Q at once;
``list`` prints the titles the window shows, then quits. The app runs on the embedded
database under TODO_DESKTOP_HOME, exactly as ``todo-desktop`` does.
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


class Script:
    def __init__(self, mode: str, titles: list[str]) -> None:
        self.mode, self.titles = mode, titles
        self.waited = 0
        self.typed = False
        self.timer = QTimer()
        self.timer.timeout.connect(self.step)
        self.timer.start(TICK_MS)

    def step(self) -> None:
        self.waited += TICK_MS
        if self.waited > GIVE_UP_MS:
            print("gave up waiting for the window", flush=True)
            os._exit(3)
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
            model = table.model()
            shown = sorted(
                str(model.index(row, column).data())
                for row in range(model.rowCount())
                for column in range(model.columnCount())
                if model.headerData(column, Qt.Orientation.Horizontal) == "Title"
            )
            print("titles:", "|".join(shown), flush=True)
            QTest.keySequence(window, QKeySequence("Ctrl+Q"))


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    script = Script(sys.argv[1], sys.argv[2:])
    sys.exit(main([]))
