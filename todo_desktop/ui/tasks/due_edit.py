"""The due date and time field of the details pane."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QTime
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QDateTimeEdit, QWidget

from todo_desktop.core.relative_dates import DATE_ONLY

DUE_FORMAT = "yyyy-MM-dd HH:mm"
DAY_FORMAT = "yyyy-MM-dd"
# A task due all day is kept at this local time (core.relative_dates.has_time).
ALL_DAY = QTime(DATE_ONLY.hour, DATE_ONLY.minute)
TIMED_NAME = "Due date and time"
ALL_DAY_NAME = "Due date, all day"
ALL_DAY_TIP = "Due all day. To give it a time, type one below (“fri 5pm”)."


class DueEdit(QDateTimeEdit):
    """The date and time field, taking typing the way a date is written: Qt moves on by itself
    once a part is full ("2026" goes to the month), and again at the separator typed after it,
    so "2026-12-12 18:00" landed a part too far each time and stored 12:18. A separator typed
    just after such a move is the one already passed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._moved_on = False
        self.setDisplayFormat(DUE_FORMAT)
        self.setAccessibleName(TIMED_NAME)

    def show_due(self, when: QDateTime) -> None:
        """Show ``when``: a date alone when it is all day, so "23:59" never shows; the field
        keeps that time while its date is stepped, typed or picked."""
        all_day = when.time() == ALL_DAY
        # The format first: a format without the time would set the value's time to 00:00.
        self.setDisplayFormat(DAY_FORMAT if all_day else DUE_FORMAT)
        self.setAccessibleName(ALL_DAY_NAME if all_day else TIMED_NAME)
        self.setToolTip(ALL_DAY_TIP if all_day else "")
        self.setDateTime(when)

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
