"""The task list as a flat table model, fed with plain Task values.

It never runs queries: rows arrive through ``set_rows``/``append_rows`` and the model asks
for the next page through the ``fetch_more`` callback it was given. Sorting and filtering
happen in SQL; a proxy model would take seconds on 100k rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QGuiApplication, QPalette

from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.list_sections import SECTION_TITLES, DayBounds, SectionIndex
from todo_desktop.core.values import Priority, Task
from todo_desktop.ui.chrome.theme import danger_color
from todo_desktop.ui.tasks.columns import (
    COLUMN_FIELDS,
    HEADERS,
    ROW_STYLE_FIELDS,
    TITLE_EXTRA_FIELDS,
    Column,
    display_text,
    forget_local_times,
)
from todo_desktop.ui.tasks.due_text import DueText
from todo_desktop.ui.tasks.page_fetch import PageFetch
from todo_desktop.ui.tasks.row_places import RowPlaces, runs
from todo_desktop.ui.tasks.row_words import describe, marker_brushes, row_font, spoken
from todo_desktop.ui.tasks.table_roles import (
    ACCESSIBLE_TEXT,
    ALIGN,
    ANSWERED,
    CENTRED,
    CHECK,
    CHECKED,
    DISPLAY,
    EDIT,
    FLAGS,
    FONT,
    FOREGROUND,
    ROW_FLAGS,
    SECTION_ROLE,
    TASK_ROLE,
    UNCHECKED,
)

_ROOT = QModelIndex()
_URGENT = Priority.URGENT
_TITLE, _DONE, _DUE, _PRIORITY = int(Column.TITLE), int(Column.DONE), int(Column.DUE), int(Column.PRIORITY)
_COLUMNS = len(Column)

Index = QModelIndex | QPersistentModelIndex


class TaskTableModel(QAbstractTableModel):
    # (task ids, completed): a checkbox was clicked; the owner writes it and calls replace_task.
    completion_requested = Signal(object, bool)
    # (task id, text): a title was edited in place; the owner validates and writes it.
    title_edited = Signal(object, str)
    sections_changed = Signal()  # the rows that begin a section are other rows now
    completion_shown = Signal(object, bool)  # (task id, completed): a row was ticked or unticked
    moving = Signal(object)  # task ids about to move (``move_rows``); ``moved`` follows
    moved = Signal()

    def __init__(
        self,
        fetch_more: Callable[[], None] | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        zone: tzinfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._zone = zone or LocalZone()
        self.due_text = DueText(clock, self._zone)
        self.reminded: frozenset[uuid.UUID] = frozenset()  # tasks with a reminder still to ring
        self.sections = SectionIndex(DayBounds.at(clock(), self._zone))
        self._tasks: list[Task] = []
        self._places = RowPlaces()  # the row of each task, found without renumbering
        self._sunk = 0  # completed tasks moved below the rest: the last rows (CompletedRows)
        self._saving: set[uuid.UUID] = set()
        self.pages = PageFetch(fetch_more)  # the list read on, page after page
        # Readable on the scheme in use (plain #d9363e fell below 4.5:1 on dark rows).
        self._overdue = QBrush(danger_color(QGuiApplication.palette()))
        self._faded = QBrush(QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText))
        self._markers = marker_brushes(QGuiApplication.palette())

    # Feeding ---------------------------------------------------------------------------

    def set_rows(self, tasks: Iterable[Task], *, has_more: bool = False, added: int = 0) -> None:
        """``added``: the first rows are tasks just added, out of date order."""
        self.beginResetModel()
        self._tasks = list({t.id: t for t in tasks}.values())
        self._places.reset([t.id for t in self._tasks])
        self._sunk = 0
        self._saving &= self._places.ids()
        self.pages.settle(has_more)
        self.sections.reset([t.due_date for t in self._tasks], added=added)
        self.endResetModel()
        self.sections_changed.emit()  # the header rows anew (each row keeps its height through a reset)

    def append_rows(self, tasks: Iterable[Task], *, has_more: bool = False) -> None:
        # A row may already be here: a task added in this window, then met again in a page.
        self._insert(len(self._tasks), tasks, page_has_more=has_more)

    def insert_rows(self, row: int, tasks: Iterable[Task], *, added: bool = False) -> int:
        """Insert the tasks not already shown at ``row`` (``added``: ``SectionIndex.insert``);
        returns how many were inserted."""
        return self._insert(row, tasks, added=added)

    def _insert(
        self,
        row: int,
        tasks: Iterable[Task],
        page_has_more: bool | None = None,
        *,
        done: bool = False,
        added: bool = False,
    ) -> int:
        # done: completed tasks, moved below the rest; added: see SectionIndex.insert.
        seen: set[uuid.UUID] = set()
        fresh: list[Task] = []
        for task in tasks:
            if task.id not in self._places and task.id not in seen:
                seen.add(task.id)
                fresh.append(task)
        # Rows (and pages) go above the completed tasks moved to the bottom; those go below.
        row = max(0, min(row, len(self._tasks) - (0 if done else self._sunk)))
        if fresh:
            self.beginInsertRows(_ROOT, row, row + len(fresh) - 1)
            self._places.insert(row, [t.id for t in fresh], lambda: [t.id for t in self._tasks])
            self._tasks[row:row] = fresh
        if page_has_more is not None:
            # Settled before rowsInserted goes out: a listener may ask for the next page
            # right then, and must neither be refused nor sent the same page twice.
            self.pages.settle(page_has_more)
        if fresh:
            self.endInsertRows()
            self._sunk += len(fresh) if done else 0
            if self.sections.insert(row, [t.due_date for t in fresh], done=done, added=added):
                self.sections_changed.emit()
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
        if old.completed != task.completed:
            self.completion_shown.emit(task.id, task.completed)
            row = self._row(task.id)  # a listener may have moved it
            if row is None:
                return True
        sunk = row >= len(self._tasks) - self._sunk
        if old.due_date != task.due_date and not sunk and self.sections.replace(row, task.due_date):
            self.sections_changed.emit()
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
        rows = sorted({row for row in map(self._row, ids) if row is not None})
        removed = [(row, self._tasks[row]) for row in rows]
        bottom = len(self._tasks) - self._sunk
        self._sunk -= sum(1 for row in rows if row >= bottom)
        moved = False
        # Bottom-up, so the row numbers of runs still to remove stay valid.
        for first, last in reversed(runs(rows)):
            self.beginRemoveRows(_ROOT, first, last)
            self._places.remove(first, last, [t.id for t in self._tasks[first : last + 1]])
            del self._tasks[first : last + 1]
            self.endRemoveRows()
            moved = self.sections.remove(first, last) or moved
        if moved:
            self.sections_changed.emit()
        for _, task in removed:
            self._saving.discard(task.id)
        return removed

    def restore_rows(self, removed: Sequence[tuple[int, Task]]) -> None:
        """Put back what ``remove_ids`` returned, at the same rows where still possible."""
        ordered = sorted(removed, key=lambda pair: pair[0])
        for first, last in runs([row for row, _ in ordered]):
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
        self.pages.pending = True

    def stop_fetching(self) -> None:
        """A page failed: stop asking for more until the list is reloaded, not in a loop."""
        self.pages.settle(False)

    def is_sunk(self, task_id: uuid.UUID) -> bool:
        row = self._row(task_id)
        return row is not None and row >= len(self._tasks) - self._sunk

    def move_rows(self, ids: Iterable[uuid.UUID], row: int, *, done: bool) -> None:
        """Move tasks to ``row``: completed ones (``done``) below the rest, or back up.

        Taken out and put back, not moved: the selection stays where it was, so the keys go
        on from the task that took the moved one's place."""
        ids = list(ids)
        saving = self._saving.intersection(ids)
        self.moving.emit(ids)
        removed = self.remove_ids(ids)
        self._insert(row, [task for _, task in removed], done=done)
        self._saving |= saving
        self.moved.emit()

    def set_sections(self, shown: bool) -> None:
        """Show section headers (in a list ordered by date) or not; takes effect at once."""
        if shown != self.sections.enabled:
            self.sections.enabled = shown
            self.sections.reset([t.due_date for t in self._tasks], self._sunk)
            self.sections_changed.emit()

    def section_title(self, row: int) -> str | None:
        section = self.sections.starts.get(row)
        return None if section is None else SECTION_TITLES[section]

    def refresh_clock(self) -> None:
        """Repaint what depends on the time of day (overdue marks, "Tomorrow" that became
        "Today", the sections at midnight, and the local times, in case the zone changed)."""
        forget_local_times()
        self.due_text.forget()
        bounds = DayBounds.at(self._clock(), self._zone)
        if bounds != self.sections.bounds:
            self.sections.bounds = bounds
            if self.sections.enabled:
                self.sections.reset([t.due_date for t in self._tasks], self._sunk, self.sections.added_rows)
                self.sections_changed.emit()
        if self._tasks:
            last = len(self._tasks) - 1
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(last, len(Column) - 1),
                [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole],
            )
            self.dataChanged.emit(self.index(0, _DUE), self.index(last, _DUE), [Qt.ItemDataRole.DisplayRole])

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
        return 0 if parent.isValid() else _COLUMNS

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self.pages.can_ask()

    def fetchMore(self, parent: Index) -> None:
        if not parent.isValid():
            self.pages.ask()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return FLAGS.get(index.column(), ROW_FLAGS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def set_reminded(self, ids: frozenset[uuid.UUID]) -> None:
        """The tasks whose reminder has yet to ring: their titles carry a bell."""
        if ids != self.reminded:
            self.reminded = ids
            if self._tasks:
                self.dataChanged.emit(self.index(0, _TITLE), self.index(len(self._tasks) - 1, _TITLE))

    def data(self, index: Index, role: int = 0) -> Any:
        # About 900 calls per repaint: the roles in the order the style asks for them; its
        # decoration and background, never answered, cost one set lookup.
        if role not in ANSWERED:
            return None
        row = index.row()  # -1 for an invalid index
        tasks = self._tasks
        if not 0 <= row < len(tasks):
            return None
        task = tasks[row]
        if role == FONT:
            saving = self._saving  # mostly empty: then no UUID is hashed (a Python-level hash)
            return row_font(task.priority is _URGENT, task.completed, bool(saving) and task.id in saving)
        if role == ALIGN:
            return CENTRED if index.column() == _PRIORITY else None
        if role == FOREGROUND:
            if task.completed:
                return self._faded
            if index.column() == _PRIORITY:
                return self._markers[task.priority]
            due = task.due_date
            return self._overdue if due is not None and due < self._clock() else None
        if role == CHECK:
            return (CHECKED if task.completed else UNCHECKED) if index.column() == _DONE else None
        if role == DISPLAY:
            column = index.column()
            return self._due_words(task) if column == _DUE else display_text(task, column)
        if role == EDIT:
            return task.title if index.column() == _TITLE else None
        if role == TASK_ROLE:
            return task
        if role == SECTION_ROLE:
            return self.section_title(row)
        if role == ACCESSIBLE_TEXT:
            return spoken(task, index.column(), self.due_text)
        # Tooltip and accessible description: colour and weight alone do not reach everyone.
        return describe(
            task,
            index.column(),
            self.due_text,
            overdue=task.is_overdue(self._clock()),
            saving=task.id in self._saving,
            section=self.section_title(row),
            reminded=task.id in self.reminded,
        )

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

    def _due_words(self, task: Task) -> str:
        due = task.due_date
        return "" if due is None else self.due_text.text(due, not task.completed)

    def _row(self, task_id: uuid.UUID) -> int | None:
        return self._places.row(task_id)
