"""What the list area shows while there is no list yet: a quiet note, or an error and Retry."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from todo_desktop.ui.chrome.theme import TextStyle, pane_margins, quiet, set_text_style

RETRY = "&Retry"


class ListPlaceholder(QWidget):
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("List status")
        set_text_style(self.label, TextStyle.BODY)
        quiet(self.label)
        self.retry = QPushButton(RETRY, self)
        self.retry.setAccessibleName("Retry")
        self.retry.setAccessibleDescription("Try again to open the task list")
        self.retry.clicked.connect(self.retry_requested)
        layout = QVBoxLayout(self)
        pane_margins(layout)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.show_busy("")

    @property
    def text(self) -> str:
        return self.label.text()

    def show_busy(self, text: str) -> None:
        self.label.setText(text)
        self.retry.hide()

    def show_error(self, message: str, action: str = RETRY) -> None:
        """``message`` and a button that tries again; ``action`` names what trying again does
        when it is more than that ("Sign In…" opens the sign-in again)."""
        self.label.setText(message)
        self.retry.setText(action)
        self.retry.setAccessibleName(action.replace("&", "").rstrip("…"))
        self.retry.show()
        self.retry.setFocus()

    @property
    def has_error(self) -> bool:
        return not self.retry.isHidden()
