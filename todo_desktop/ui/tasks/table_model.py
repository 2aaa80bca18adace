"""The task list as a flat table model, fed with plain Task values.

It never runs queries: rows arrive through ``set_rows``/``append_rows`` and the model asks
for the next page through the ``fetch_more`` callback it was given. Sorting and filtering
happen in SQL; a proxy model would take seconds on 100k rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QGuiApplication

from todo_desktop.core.values import Priority, Task
from todo_desktop.ui.chrome.theme import danger_color
from todo_desktop.ui.tags.names import repeat_sentence
from todo_desktop.ui.tasks.columns import (
    COLUMN_FIELDS,
    HEADERS,
    ROW_STYLE_FIELDS,
    TITLE_EXTRA_FIELDS,
    Column,
    display_text,
    forget_local_times,
)

_ROOT = QModelIndex()
TASK_ROLE = int(Qt.ItemDataRole.UserRole) + 1
# Plain ints, looked up once: Qt asks for about 300 cells' roles at every repaint, and each
# enum attribute lookup through PySide costs more than the answer.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_CHECK = int(Qt.ItemDataRole.CheckStateRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleDescriptionRole)
_TITLE, _DONE = int(Column.TITLE), int(Column.DONE)
_CHECKED, _UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_FLAGS = {
    _DONE: _ROW_FLAGS | Qt.ItemFlag.ItemIsUserCheckable,
    _TITLE: _ROW_FLAGS | Qt.ItemFlag.ItemIsEditable,
}
# Readable on both light and dark palettes.

Index = QModelIndex | QPersistentModelIndex


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class TaskTableModel(QAbstractTableModel):
    # (task ids, completed): a checkbox was clicked; the owner writes it and calls replace_task.
    completion_requested = Signal(object, bool)
    # (task id, text): a title was edited in place; the owner validates and writes it.
    title_edited = Signal(object, str)

    def __init__(
        self,
        fetch_more: Callable[[], None] | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_more = fetch_more
        self._clock = clock
        self._tasks: list[Task] = []
        # Row of each task, stored minus ``_shift``: inserting at the top then moves every
        # existing row by changing one number instead of renumbering 100,000 entries.
        self._rows: dict[uuid.UUID, int] = {}
        self._shift = 0
        self._saving: set[uuid.UUID] = set()
        self._has_more = False
        self._fetching = False
        self._fonts: dict[tuple[bool, bool, bool], QFont] = {}
        # Readable on the scheme in use (plain #d9363e fell below 4.5:1 on dark rows).
        self._overdue = QBrush(danger_color(QGuiApplication.palette()))

    # Feeding ---------------------------------------------------------------------------

    def set_rows(self, tasks: Iterable[Task], *, has_more: bool = False) -> None:
        self.beginResetModel()
        self._tasks = list({t.id: t for t in tasks}.values())
        self._rows = {}
        self._shift = 0
        self._reindex(0)
        self._saving &= self._rows.keys()
        self._has_more = has_more
        self._fetching = False
        self.endResetModel()

    def append_rows(self, tasks: Iterable[Task], *, has_more: bool = False) -> None:
        # A row may already be here: a task added in this window, then met again in a page.
        self._insert(len(self._tasks), tasks, page_has_more=has_more)

    def insert_rows(self, row: int, tasks: Iterable[Task]) -> int:
        """Insert the tasks not already shown at ``row``; returns how many were inserted."""
        return self._insert(row, tasks)

    def _insert(self, row: int, tasks: Iterable[Task], page_has_more: bool | None = None) -> int:
        seen: set[uuid.UUID] = set()
        fresh: list[Task] = []
        for task in tasks:
            if task.id not in self._rows and task.id not in seen:
                seen.add(task.id)
                fresh.append(task)
        row = max(0, min(row, len(self._tasks)))
        if fresh:
            self.beginInsertRows(_ROOT, row, row + len(fresh) - 1)
            self._tasks[row:row] = fresh
            if row == 0:
                self._shift += len(fresh)
                self._reindex(0, len(fresh))
            else:
                self._reindex(row)
        if page_has_more is not None:
            # Settled before rowsInserted goes out: a listener may ask for the next page
            # right then, and must neither be refused nor sent the same page twice.
            self._has_more = page_has_more
            self._fetching = False
        if fresh:
            self.endInsertRows()
        return len(fresh)

    def replace_task(self, task: Task) -> bool:
        """Show the new version of a task in place; False if it is not in the list."""
        row = self._row(task.id)
        if row is None:
            return False
        old = self._tasks[row]
        self._tasks[row] = task
        if old == task:
            return True
        if any(getattr(old, f) != getattr(task, f) for f in ROW_STYLE_FIELDS):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
            return True
        changed = [c for c, f in COLUMN_FIELDS.items() if getattr(old, f) != getattr(task, f)]
        if Column.TITLE not in changed and any(
            getattr(old, f) != getattr(task, f) for f in TITLE_EXTRA_FIELDS
        ):
            changed.append(Column.TITLE)  # its chips or repeat mark
        for column in changed:
            cell = self.index(row, column)
            self.dataChanged.emit(cell, cell)
        if not changed:  # only fields without a column (say, the description)
            cell = self.index(row, Column.TITLE)
            self.dataChanged.emit(cell, cell, [TASK_ROLE])
        return True

    def remove_ids(self, ids: Iterable[uuid.UUID]) -> list[tuple[int, Task]]:
        """Remove the rows of ``ids``; returns (row, task) pairs so a failed delete can undo it."""
        rows = sorted({self._rows[i] + self._shift for i in ids if i in self._rows})
        removed = [(row, self._tasks[row]) for row in rows]
        # Bottom-up, so the row numbers of runs still to remove stay valid.
        for first, last in reversed(_runs(rows)):
            self.beginRemoveRows(_ROOT, first, last)
            del self._tasks[first : last + 1]
            self.endRemoveRows()
        for _, task in removed:
            del self._rows[task.id]
            self._saving.discard(task.id)
        if rows:
            self._reindex(rows[0])
        return removed

    def restore_rows(self, removed: Sequence[tuple[int, Task]]) -> None:
        """Put back what ``remove_ids`` returned, at the same rows where still possible."""
        ordered = sorted(removed, key=lambda pair: pair[0])
        for first, last in _runs([row for row, _ in ordered]):
            block = [task for row, task in ordered if first <= row <= last]
            self.insert_rows(first, block)

    def set_saving(self, task_id: uuid.UUID, saving: bool) -> None:
        """Mark a row whose write has not been confirmed yet (shown in italics)."""
        if saving:
            self._saving.add(task_id)
        else:
            self._saving.discard(task_id)
        row = self._row(task_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def begin_loading(self) -> None:
        """A reload is on its way: ask for no further page until it arrives."""
        self._fetching = True

    def stop_fetching(self) -> None:
        """A page failed: stop asking for more until the list is reloaded, not in a loop."""
        self._fetching = False
        self._has_more = False

    def refresh_clock(self) -> None:
        """Repaint what depends on the time of day (overdue marks, and the local times, in
        case the machine's zone changed)."""
        forget_local_times()
        if self._tasks:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._tasks) - 1, len(Column) - 1),
                [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole],
            )

    # Reading ---------------------------------------------------------------------------

    def task_at(self, row: int) -> Task:
        return self._tasks[row]

    def row_of(self, task_id: uuid.UUID) -> int | None:
        return self._row(task_id)

    def task(self, task_id: uuid.UUID) -> Task | None:
        row = self._row(task_id)
        return None if row is None else self._tasks[row]

    def tasks(self) -> tuple[Task, ...]:
        return tuple(self._tasks)

    def is_saving(self, task_id: uuid.UUID) -> bool:
        return task_id in self._saving

    # Qt interface ----------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._tasks)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._has_more and not self._fetching and self._fetch_more is not None

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent) or self._fetch_more is None:
            return
        self._fetching = True
        self._fetch_more()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS.get(index.column(), _ROW_FLAGS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._tasks):
            return None
        task = self._tasks[row]
        if role == _DISPLAY:
            return display_text(task, index.column())
        if role == _FONT:
            return self._font(task)
        if role == _FOREGROUND:
            return self._overdue if task.is_overdue(self._clock()) else None
        if role == _CHECK:
            return (_CHECKED if task.completed else _UNCHECKED) if index.column() == _DONE else None
        if role == _EDIT:
            return task.title if index.column() == _TITLE else None
        if role in (_TOOLTIP, _ACCESSIBLE):
            return self._describe(task)
        if role == TASK_ROLE:
            return task
        return None

    def setData(self, index: Index, value: Any, role: int = 2) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._tasks):
            return False
        task = self._tasks[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == Column.DONE:
            checked = value in (Qt.CheckState.Checked, int(Qt.CheckState.Checked.value))
            self.completion_requested.emit([task.id], checked)
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == Column.TITLE and isinstance(value, str):
            # The row changes when the owner applies the edit (optimistically), not here: it
            # validates first, and an invalid title must not show as if it were saved.
            if value != task.title:
                self.title_edited.emit(task.id, value)
            return True
        return False

    # Presentation ----------------------------------------------------------------------

    def _font(self, task: Task) -> QFont:
        key = (task.priority is Priority.URGENT, task.completed, task.id in self._saving)
        font = self._fonts.get(key)
        if font is None:
            font = QFont()
            font.setBold(key[0])
            font.setStrikeOut(key[1])
            font.setItalic(key[2])
            self._fonts[key] = font
        return font

    def _describe(self, task: Task) -> str | None:
        # Colour and weight alone do not reach everyone; say it in words too.
        notes = []
        if task.is_overdue(self._clock()):
            notes.append("Overdue")
        if task.priority is Priority.URGENT:
            notes.append("Urgent")
        if task.tags:
            notes.append("Tags " + ", ".join(f"#{name}" for name in task.tags))
        if task.repeat:
            notes.append(repeat_sentence(task.repeat, task.repeat_after_completion))
        if task.id in self._saving:
            notes.append("Saving…")
        return ", ".join(notes) or None

    def _row(self, task_id: uuid.UUID) -> int | None:
        stored = self._rows.get(task_id)
        return None if stored is None else stored + self._shift

    def _reindex(self, start: int, end: int | None = None) -> None:
        for row in range(start, len(self._tasks) if end is None else end):
            self._rows[self._tasks[row].id] = row - self._shift
