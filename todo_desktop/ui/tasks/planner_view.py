"""The task table dressed as a planner: section headers, no grid, and a Due column wide
enough for the longest words a due date takes."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView

from todo_desktop.core.relative_dates import DueKind, DueLabel
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.section_rows import RowDelegate, SectionRows
from todo_desktop.ui.tasks.table_model import TaskTableModel

# The longest a due date reads ("12 days overdue", "Dec 24 2027 11:59 PM"); all the others fit.
_SAMPLE_DAY = datetime(2027, 12, 24, 23, 58, tzinfo=UTC)
_LONGEST = (
    DueLabel(DueKind.DAYS_OVERDUE, _SAMPLE_DAY.date(), None, 12),
    DueLabel(DueKind.OTHER_YEAR, _SAMPLE_DAY.date(), _SAMPLE_DAY.time()),
    DueLabel(DueKind.TOMORROW, _SAMPLE_DAY.date(), _SAMPLE_DAY.time()),
)


def dress_table(table: QTableView, model: TaskTableModel) -> SectionRows:
    """Section headers above the rows that begin a section; returns what keeps them. Call it
    after the title column's delegate is set: header rows paint their titles with it."""
    # A planner, not a spreadsheet: rows and headers read without a grid across them.
    table.setShowGrid(False)
    bold = QFont(table.font())
    bold.setBold(True)  # urgent rows are bold: their dates must fit too
    metrics = QFontMetrics(bold)
    widest = max(metrics.horizontalAdvance(model.due_text.words(label)) for label in _LONGEST)
    table.horizontalHeader().resizeSection(Column.DUE, widest + metrics.averageCharWidth() * 3)
    title = table.itemDelegateForColumn(Column.TITLE)
    return SectionRows(table, model, title if isinstance(title, RowDelegate) else None)
