"""What the task keys do to the selection: each edit becomes an undoable command."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QTableView

from todo_desktop.core import validation
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.values import Priority, Task, TaskChanges, TaskDraft
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.task_list import TaskListController
from todo_desktop.ui.tasks.undo_commands import (
    AddTask,
    DeleteTasks,
    EditTasks,
    SetCompleted,
    about,
    edit_text,
    next_said,
)

NOT_READY = "The database is not ready yet; your text is kept."
NOTHING_SELECTED = "Select a task first."


class TaskCommands(QObject):
    message = Signal(str)  # one sentence for the status bar
    title_refused = Signal(object, str, str)  # task id, the text typed, why it cannot be saved

    def __init__(
        self, table: QTableView, tasks: TaskListController, stack: QUndoStack, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._table = table
        self._tasks = tasks
        self._stack = stack
        self.editor = tasks.editor
        self.model = tasks.model
        self.model.completion_requested.connect(self.set_completed)
        self.model.title_edited.connect(self.rename)
        # Set for a database whose schema is not this app's: say so instead of trying.
        self.read_only: str | None = None

    # Selection -------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        rows = sorted({index.row() for index in self._table.selectionModel().selectedRows()})
        current = self._table.currentIndex()
        return rows or ([current.row()] if current.isValid() else [])

    def selected_tasks(self) -> list[Task]:
        return [self.model.task_at(row) for row in self.selected_rows() if row < self.model.rowCount()]

    def select_rows(self, rows: Sequence[int]) -> None:
        """Make these whole rows the selection; the current row stays where it is."""
        last = self.model.columnCount() - 1
        chosen = QItemSelection()
        for row in rows:
            chosen.select(self.model.index(row, 0), self.model.index(row, last))
        self._table.selectionModel().select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def select_tasks(self, ids: Sequence[uuid.UUID]) -> None:
        """Make the rows of ``ids`` the selection, the first of them current (an undone delete)."""
        rows = sorted(row for row in map(self.model.row_of, ids) if row is not None)
        if not rows:
            return
        first = self.model.index(rows[0], Column.TITLE)
        self._table.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.select_rows(rows)
        self._table.scrollTo(first)

    def current_task(self) -> Task | None:
        current = self._table.currentIndex()
        return self.model.task_at(current.row()) if current.isValid() else None

    def can_edit(self) -> bool:
        """Edits may be made now; otherwise the status bar says why not."""
        return self._ready()

    def _ready(self, tasks: Sequence[Task] | None = None) -> bool:
        if not self.editor.ready:
            self.message.emit(NOT_READY)
            return False
        if self.read_only is not None:
            self.message.emit(self.read_only)
            return False
        if tasks is not None and not tasks:
            self.message.emit(NOTHING_SELECTED)
            return False
        return True

    # Edits -----------------------------------------------------------------------------

    def add(self, draft: TaskDraft) -> bool:
        if not self._ready():
            return False
        self._stack.push(AddTask(self._stack, self.editor, draft))
        return True

    def toggle_selected(self) -> None:
        tasks = self.selected_tasks()
        if self._ready(tasks):
            # Complete them all, or reopen them if all are already complete.
            self._complete(tasks, not all(t.completed for t in tasks))

    def set_completed(self, ids: Sequence[uuid.UUID], completed: bool) -> None:
        tasks = [t for t in (self.model.task(i) for i in ids) if t is not None]
        if self._ready(tasks):
            self._complete(tasks, completed)

    def complete_tasks(self, tasks: Sequence[Task]) -> None:
        """Complete ``tasks`` as Space does (one undoable step, a repeat's next occurrence),
        also when the list on screen does not show them: a notification's Done."""
        if self._ready(tasks):
            self._complete(tasks, True)

    def _complete(self, tasks: Sequence[Task], completed: bool) -> None:
        changing = [t for t in tasks if t.completed != completed]
        if changing:
            command = SetCompleted(self._stack, self.editor, changing, completed)
            self._stack.push(command)
            if completed and len(changing) == 1 and changing[0].repeat:
                self.message.emit(next_said(changing[0], command.nexts.get(changing[0].id)))

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        tasks = self.selected_tasks()
        if not self._ready(tasks):
            return
        self._stack.push(DeleteTasks(self._stack, self.editor, tasks, self.select_tasks))
        # Keep the keyboard flow: the row that moved into the gap becomes current.
        if self.model.rowCount():
            next_row = min(rows[0], self.model.rowCount() - 1)
            self._table.setCurrentIndex(self.model.index(next_row, Column.TITLE))
        else:
            self._table.setCurrentIndex(QModelIndex())

    def set_priority(self, priority: Priority) -> None:
        tasks = self.selected_tasks()
        if self._ready(tasks):
            self.edit(tasks, TaskChanges(priority=priority), edit_text("priority", tasks, priority))

    def set_due(self, due: datetime | None, text: str) -> None:
        tasks = self.selected_tasks()
        if self._ready(tasks):
            self.edit(tasks, TaskChanges(due_date=due), f"{text} {about(tasks)}")

    def edit(self, tasks: Sequence[Task], change: TaskChanges, text: str) -> None:
        """One undoable edit of the fields in ``change`` on every task that it would alter."""
        wanted = change.as_dict()
        altered = [t for t in tasks if any(getattr(t, k) != v for k, v in wanted.items())]
        if altered:
            changes = {t.id: change for t in altered}
            self._stack.push(EditTasks(self._stack, self.editor, text, altered, changes))

    def rename(self, task_id: uuid.UUID, text: str) -> None:
        task = self.model.task(task_id)
        if task is not None:
            self.rename_task(task, text)

    def rename_task(self, task: Task, text: str) -> None:
        """Rename ``task`` as typed, also when the list on screen no longer shows it."""
        if not self._ready():
            return
        try:
            title = validation.title(text)
        except ValidationError as exc:
            # Not saved, but not lost: the owner shows the text with the reason.
            self.message.emit(exc.message)
            self.title_refused.emit(task.id, text, exc.message)
            return
        self.edit([task], TaskChanges(title=title), edit_text("title", [task]))

    def save(self, task: Task, changes: TaskChanges) -> None:
        """Save the details pane's changed fields as one undoable edit."""
        if not self._ready():
            return
        shown = self.model.task(task.id) or task
        fields = list(changes.as_dict())
        text = edit_text(fields[0] if len(fields) == 1 else "", [shown])
        changes_by_id = {shown.id: changes}
        self._stack.push(EditTasks(self._stack, self.editor, text, [shown], changes_by_id))

    # Moving ----------------------------------------------------------------------------

    def edit_current_title(self) -> None:
        current = self._table.currentIndex()
        if current.isValid():
            self._table.edit(self.model.index(current.row(), Column.TITLE))

    def move_cursor(self, down: bool, extend: bool) -> None:
        """J/K as the arrow keys: the view's own handling keeps anchor and selection right."""
        key = Qt.Key.Key_Down if down else Qt.Key.Key_Up
        modifiers = Qt.KeyboardModifier.ShiftModifier if extend else Qt.KeyboardModifier.NoModifier
        # Sent straight to the view, so no shortcut sees it (J must not trigger J again).
        QApplication.sendEvent(self._table, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))
