"""The due date and time field of the details pane."""

from __future__ import annotations

from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QDateTimeEdit, QWidget


class DueEdit(QDateTimeEdit):
    """The date and time field, taking typing the way a date is written: Qt moves on by itself
    once a part is full ("2026" goes to the month), and again at the separator typed after it,
    so "2026-12-12 18:00" landed a part too far each time and stored 12:18. A separator typed
    just after such a move is the one already passed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._moved_on = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        typed_separator = bool(text) and text.isprintable() and not text.isdigit()
        if self._moved_on and typed_separator:
            self._moved_on = False
            event.accept()
            return
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._moved_on = text.isdigit() and self.currentSectionIndex() != before

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._moved_on = False
        super().focusInEvent(event)
