"""The permanent part of the status bar: warning, list and count, where, who, and latency."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from todo_desktop.services import Workspace
from todo_desktop.ui.theme import error_style


class WindowStatus(QObject):
    def __init__(self, bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.warning_label = self._label(bar, "Warning")
        self.warning_label.setStyleSheet(error_style(bold=True))
        self.warning_label.hide()
        self.list_label = self._label(bar, "Current list")
        self.where_label = self._label(bar, "Database location")
        self.account_label = self._label(bar, "Signed in as")
        self.latency_label = self._label(bar, "Last operation time")
        for label in (
            self.warning_label,
            self.list_label,
            self.where_label,
            self.account_label,
            self.latency_label,
        ):
            bar.addPermanentWidget(label)

    @staticmethod
    def _label(bar: QStatusBar, name: str) -> QLabel:
        label = QLabel(bar)
        label.setAccessibleName(name)
        return label

    def show_workspace(self, workspace: Workspace, profile_name: str | None = None) -> None:
        """``profile_name`` for a shared profile: its host alone may read "this computer" too."""
        where = workspace.where if profile_name is None else f"{profile_name} ({workspace.where})"
        self.where_label.setText(where)
        # A quiet note (secrets in a private file) is there for whoever hovers, never in red.
        self.where_label.setToolTip(workspace.note or "")
        self.account_label.setText(workspace.account.display_name)
        self.account_label.setToolTip(workspace.account.email)
        self.warning_label.setText(workspace.warning or "")
        self.warning_label.setVisible(bool(workspace.warning))

    def show_closed(self, where: str, who: str) -> None:
        """No workspace: where the window is about to connect, and why nobody is signed in."""
        for label, text in ((self.where_label, where), (self.account_label, who)):
            label.setText(text)
            label.setToolTip("")
        self.warning_label.clear()
        self.warning_label.hide()

    def show_list(self, name: str, count: int | None) -> None:
        self.list_label.setText(name if count is None else f"{name}: {count:,}")

    def show_latency(self, ms: float) -> None:
        self.latency_label.setText(f"{ms:.0f} ms")
