"""Help > Diagnostics…: the technical facts the status bar no longer shows (how long the last
database operation took, which database and account, notes and warnings), with the versions
of the app and its libraries, as plain text a person can copy into a bug report."""

from __future__ import annotations

import platform
from collections.abc import Callable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from todo_desktop import APP_NAME, __version__
from todo_desktop.ui.chrome.theme import pane_margins

TITLE = "Diagnostics"
INTRO = "Facts about this window and its database, for a bug report. Nothing here is sent anywhere."
NOTHING_YET = "Nothing measured yet: the database has not answered since the window opened."
COPY = "&Copy"
COPIED = "Copied"

Facts = Callable[[], list[tuple[str, str]]]


def versions() -> list[tuple[str, str]]:
    return [
        (APP_NAME, __version__),
        ("Python", platform.python_version()),
        ("Qt", f"{qVersion()} (PySide6 {pyside_version})"),
        ("System", platform.platform(terse=True)),
    ]


def report(facts: list[tuple[str, str]]) -> str:
    """``facts`` and the versions, one "name: value" a line."""
    lines = [f"{name}: {value}" for name, value in facts] or [NOTHING_YET]
    return "\n".join([*lines, "", *(f"{name}: {value}" for name, value in versions())])


class DiagnosticsDialog(QDialog):
    """Built once, filled afresh each time it opens (``open_dialog``)."""

    def __init__(self, facts: Facts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._facts = facts
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Diagnostics report")
        intro.setBuddy(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(COPY, self)
        self.copy_button.setAccessibleName("Copy the report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        layout = QVBoxLayout(self)
        pane_margins(layout)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(520, 340)

    def refresh(self) -> None:
        self.text.setPlainText(report(self._facts()))
        self.copy_button.setText(COPY)

    def open_dialog(self) -> None:
        """Show the facts as they are now; the report takes the keyboard (Ctrl+A, Ctrl+C)."""
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
        self.text.setFocus()

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.text.toPlainText())
            self.copy_button.setText(COPIED)
