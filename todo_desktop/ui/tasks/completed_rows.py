"""Completed tasks fade at once and move below the rest a moment later, as in Things.

The pause lets the person see what they ticked, and tick it back (Space again, or Ctrl+Z):
a task reopened within it never moves. Every tick restarts the pause, so a run of ticks moves
together, none lost. A task reopened after it moved goes back where it was: before the task
that followed it then, if that one is still above, or else at its old row.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, QTimer

from todo_desktop.ui.tasks.table_model import TaskTableModel

SINK_DELAY_MS = 1500


class CompletedRows(QObject):
    def __init__(
        self, model: TaskTableModel, parent: QObject | None = None, *, delay_ms: int = SINK_DELAY_MS
    ) -> None:
        super().__init__(parent)
        self._model = model
        # Off in lists of completed tasks, where a tick means nothing of the sort.
        self.enabled = True
        self._waiting: dict[uuid.UUID, None] = {}  # ticked, in order, not moved yet
        self._places: dict[uuid.UUID, tuple[uuid.UUID | None, int]] = {}  # moved: (next task, row)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.settle)
        model.completion_shown.connect(self._shown)
        model.modelReset.connect(self._forget)  # a new read: moved rows are where they belong

    def _forget(self) -> None:
        self._waiting.clear()
        self._places.clear()
        self._timer.stop()

    def _shown(self, task_id: uuid.UUID, completed: bool) -> None:
        if completed:
            if self.enabled:
                self._waiting[task_id] = None
                self._timer.start()  # restarted: a run of ticks moves together
            return
        self._waiting.pop(task_id, None)
        place = self._places.pop(task_id, None)
        if place is not None and self._model.is_sunk(task_id):
            follower, row = place
            follower_row = self._model.row_of(follower) if follower is not None else None
            if follower is not None and follower_row is not None and not self._model.is_sunk(follower):
                row = follower_row
            self._model.move_rows([task_id], row, done=False)

    def settle(self) -> None:
        """Move the ticked tasks that are still complete below the rest (now, not after the pause)."""
        self._timer.stop()
        model = self._model
        moving = [
            task_id
            for task_id in self._waiting
            if (task := model.task(task_id)) is not None and task.completed and not model.is_sunk(task_id)
        ]
        self._waiting.clear()
        leaving = set(moving)
        for task_id in moving:
            row = model.row_of(task_id)
            assert row is not None
            follower = None
            for below in range(row + 1, model.rowCount()):
                candidate = model.task_at(below).id
                if candidate in leaving or model.is_sunk(candidate):
                    continue
                follower = candidate
                break
            self._places[task_id] = (follower, row)
        if moving:
            model.move_rows(moving, model.rowCount(), done=True)
