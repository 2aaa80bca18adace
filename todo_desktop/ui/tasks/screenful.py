"""How many rows the task table shows, told on every resize to whoever reads the list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView


class ScreenfulWatch(QObject):
    def __init__(self, table: QTableView, tell: Callable[[int], None]) -> None:
        super().__init__(table)
        self._table = table
        self._tell = tell
        table.viewport().installEventFilter(self)

    def rows_shown(self) -> int:
        """Rows that fit the table, a partly shown last one too."""
        height = max(1, self._table.verticalHeader().defaultSectionSize())
        return -(-self._table.viewport().height() // height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._tell(self.rows_shown())
        return False
