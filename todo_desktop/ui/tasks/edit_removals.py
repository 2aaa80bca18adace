"""Deleting tasks and putting them back (the undo of a delete), for the task editor.

Apart from the rest of the editor only to keep each file readable; it works on the editor's
own bookkeeping, which the annotations below name.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QKeySequence

from todo_desktop.core.failures import Failure
from todo_desktop.core.ports import TaskService
from todo_desktop.core.values import Task
from todo_desktop.sync.edit_versions import (
    BatchResult,
    CountChanges,
    Versions,
    plural,
    quoted,
    restored_batch,
)
from todo_desktop.ui.tasks.settled_writes import SettledWrites
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.workers import Workers

# Called once a write has settled: True if the database stored it.
Done = Callable[[bool], None]


def undo_key() -> str:
    """The window's Undo key as this platform writes it ("Ctrl+Z")."""
    undo = QKeySequence(QKeySequence.StandardKey.Undo)
    return undo.toString(QKeySequence.SequenceFormat.NativeText) or "Ctrl+Z"


class RemovalsMixin:
    _service: TaskService | None
    _workers: Workers
    _deleting: Counter[uuid.UUID]
    _unsaved: dict[uuid.UUID, Task]
    confirmed_since: SettledWrites
    _reload: Callable[[], None]
    model: TaskTableModel
    counting: CountChanges
    versions: Versions
    message: SignalInstance

    def _settle(self, done: Done | None, ok: bool) -> None:
        raise NotImplementedError

    # Delete and restore ----------------------------------------------------------------

    def delete(self, ids: Sequence[uuid.UUID], *, done: Done | None = None) -> list[tuple[int, Task]]:
        """Delete the tasks; returns the (row, task) pairs taken off the screen."""
        assert self._service is not None
        removed = self.model.remove_ids(ids)
        self.counting.note((task, None) for _, task in removed)
        self._deleting.update(ids)
        said = quoted(removed[0][1].title) if len(ids) == 1 and removed else plural(len(ids))
        self._workers.write(
            partial(self._service.delete, list(ids)),
            partial(self._deleted, ids, said, done),
            partial(self._delete_failed, ids, removed, done),
            label="delete",
        )
        return removed

    def _deleted(self, ids: Sequence[uuid.UUID], said: str, done: Done | None, count: int) -> None:
        self.confirmed_since.deleted(ids)
        self._deleting.subtract(ids)
        self._deleting = +self._deleting  # drop the zeros
        # Already gone elsewhere counts as done: the person wanted it gone.
        if count:
            said = said if count == len(ids) else plural(count)  # some were gone already
            them = "it" if count == 1 else "them"
            self.message.emit(f"Deleted {said}. {undo_key()} brings {them} back.")
        else:
            self.message.emit("Those tasks were already gone.")
        self._settle(done, True)

    def _delete_failed(
        self, ids: Sequence[uuid.UUID], removed: list[tuple[int, Task]], done: Done | None, failure: Failure
    ) -> None:
        self._deleting.subtract(ids)
        self._deleting = +self._deleting
        self.model.restore_rows(removed)
        self.counting.note((None, task) for _, task in removed)
        self.message.emit(f"Not deleted: {failure}")
        self._settle(done, False)

    def restore(
        self, snapshots: Sequence[Task], rows: Sequence[tuple[int, Task]] | None, *, done: Done | None = None
    ) -> None:
        """Put deleted tasks back with their ids; ``rows`` says where to show them, if anywhere."""
        assert self._service is not None
        if rows:
            self.model.restore_rows(rows)
            for _, task in rows:
                self.model.set_saving(task.id, True)
                self._unsaved[task.id] = task  # kept on screen by a reload that cannot see it yet
        shown = [task.id for _, task in rows or ()]
        self.counting.note((None, task) for task in snapshots)  # counted, shown here or not
        # One transaction: refused, none of them is back.
        self._workers.write(
            partial(restored_batch, self.versions, self._service.restore_many, list(snapshots)),
            partial(self._restored, shown, snapshots, done),
            partial(self._restore_failed, [t.id for t in snapshots], snapshots, done),
            label="restore",
        )

    def _restored(
        self, shown: list[uuid.UUID], snapshots: Sequence[Task], done: Done | None, result: BatchResult
    ) -> None:
        for task in snapshots:
            self._unsaved.pop(task.id, None)
        self.confirmed_since.stored(result.stored, added=True)
        for task in result.stored:
            self.model.set_saving(task.id, False)
            self.model.replace_task(task)
        if result.gone:  # another account holds the same id: it cannot come back
            self.model.remove_ids(result.gone)
            gone = set(result.gone)
            self.counting.note((task, None) for task in snapshots if task.id in gone)
            self.message.emit(f"Not restored: {plural(len(gone))}, as another account holds the same id.")
            self._settle(done, bool(result.stored))
            return
        self.message.emit(f"Restored {plural(len(snapshots))}.")
        if len(shown) < len(snapshots):
            self._reload()
        self._settle(done, True)

    def _restore_failed(
        self, ids: Sequence[uuid.UUID], snapshots: Sequence[Task], done: Done | None, failure: Failure
    ) -> None:
        for task_id in ids:
            self._unsaved.pop(task_id, None)
        self.model.remove_ids(ids)
        failed = set(ids)
        self.counting.note((task, None) for task in snapshots if task.id in failed)
        self.message.emit(f"Not restored: {failure}")
        self._settle(done, False)
