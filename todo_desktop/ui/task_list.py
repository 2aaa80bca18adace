"""The open list: loads pages into the model and applies edits optimistically.

Every edit shows at once and is then confirmed by the database (the stored value replaces
the guess) or rolled back with one sentence for the status bar.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial

from PySide6.QtCore import QObject, Signal

from todo_desktop import validation
from todo_desktop.errors import ValidationError
from todo_desktop.services import TaskService
from todo_desktop.ui.task_table_model import TaskTableModel
from todo_desktop.ui.workers import Workers
from todo_desktop.values import Cursor, Task, TaskDraft, TaskPage, TaskQuery

PAGE_SIZE = 200
LIST_VIEW = "task-list"
NOT_READY = "The database is not ready yet; your text is kept."


def _now() -> datetime:
    return datetime.now(UTC)


def _plural(n: int) -> str:
    return f"{n} task" if n == 1 else f"{n} tasks"


class TaskListController(QObject):
    message = Signal(str)  # one sentence for the status bar
    loaded = Signal()  # a first page arrived
    load_failed = Signal(str)  # the first page could not be read
    add_failed = Signal(str)  # the title of a task the database refused, so it can be retyped

    def __init__(
        self, workers: Workers, query: TaskQuery | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._workers = workers
        self._query = query or TaskQuery(limit=PAGE_SIZE)
        self._service: TaskService | None = None
        self._cursor: Cursor | None = None
        self.model = TaskTableModel(self._fetch_next, parent=self)
        self.model.completion_requested.connect(self.set_completed)
        # Creates still in flight: kept visible across a reload that cannot see them yet.
        self._unsaved: dict[uuid.UUID, Task] = {}
        # Per task: how many writes are in flight, and the last value the database confirmed.
        # Only when the last write settles is that value shown, so replies to older edits
        # cannot flicker over a newer guess.
        self._in_flight: Counter[uuid.UUID] = Counter()
        self._confirmed: dict[uuid.UUID, Task] = {}

    @property
    def ready(self) -> bool:
        return self._service is not None

    def bind(self, service: TaskService) -> None:
        self._service = service
        self.reload()

    # Reads -----------------------------------------------------------------------------

    def reload(self) -> None:
        if self._service is None:
            return
        self.model.begin_loading()
        query = replace(self._query, after=None)
        self._workers.read(
            LIST_VIEW,
            partial(self._service.list, query),
            self._first_page,
            self._first_page_failed,
            label="list",
        )

    def _fetch_next(self) -> None:
        if self._service is None or self._cursor is None:
            self.model.stop_fetching()
            return
        query = replace(self._query, after=self._cursor)
        self._workers.read(
            LIST_VIEW,
            partial(self._service.list, query),
            self._next_page,
            self._next_page_failed,
            label="next page",
        )

    def _first_page(self, page: TaskPage) -> None:
        self._cursor = page.next_cursor
        shown = {t.id for t in page.tasks}
        unsaved = [t for t in self._unsaved.values() if t.id not in shown]
        self.model.set_rows([*reversed(unsaved), *page.tasks], has_more=page.next_cursor is not None)
        for task in unsaved:
            self.model.set_saving(task.id, True)
        self.loaded.emit()

    def _first_page_failed(self, message: str) -> None:
        self.model.stop_fetching()
        self.load_failed.emit(message)
        self.message.emit(message)

    def _next_page(self, page: TaskPage) -> None:
        self._cursor = page.next_cursor
        self.model.append_rows(page.tasks, has_more=page.next_cursor is not None)

    def _next_page_failed(self, message: str) -> None:
        self.model.stop_fetching()
        self.message.emit(f"{message} Press F5 to reload the list.")

    # Writes ----------------------------------------------------------------------------

    def add(self, text: str) -> bool:
        """Add a task titled ``text``; False (and a message) if it cannot be sent."""
        if self._service is None:
            self.message.emit(NOT_READY)
            return False
        try:
            title = validation.title(text)
        except ValidationError as exc:
            self.message.emit(exc.message)
            return False
        draft = TaskDraft(title=title)
        now = _now()
        guess = Task(
            id=draft.id,
            title=draft.title,
            description=draft.description,
            completed=draft.completed,
            priority=draft.priority,
            due_date=draft.due_date,
            created_at=now,
            updated_at=now,
        )
        self._unsaved[draft.id] = guess
        # At the top, where the person is looking; a later page that holds it is de-duplicated.
        self.model.insert_rows(0, [guess])
        self.model.set_saving(draft.id, True)
        self._workers.write(
            partial(self._service.create, draft),
            self._created,
            partial(self._create_failed, guess),
            label="create",
        )
        return True

    def _created(self, task: Task) -> None:
        self._unsaved.pop(task.id, None)
        self.model.set_saving(task.id, False)
        if task.id in self._in_flight:
            self._confirmed[task.id] = task
        else:
            self.model.replace_task(task)

    def _create_failed(self, guess: Task, message: str) -> None:
        self._unsaved.pop(guess.id, None)
        self.model.remove_ids([guess.id])
        self.add_failed.emit(guess.title)
        self.message.emit(f"Not added: {message}")

    def toggle_rows(self, rows: list[int]) -> None:
        """Complete the selected tasks, or reopen them if all are already complete."""
        tasks = [self.model.task_at(r) for r in rows]
        if tasks:
            self.set_completed([t.id for t in tasks], not all(t.completed for t in tasks))

    def set_completed(self, ids: list[uuid.UUID], completed: bool) -> None:
        if self._service is None:
            return
        tasks = [t for t in (self.model.task(i) for i in ids) if t is not None and t.completed != completed]
        if not tasks:
            return
        now = _now()
        for task in tasks:
            self._begin_edit(task)
            done_at = now if completed else None
            self.model.replace_task(replace(task, completed=completed, completed_at=done_at))
        changed = [t.id for t in tasks]
        self._workers.write(
            partial(self._service.set_completed, changed, completed),
            partial(self._edits_stored, changed),
            partial(self._edits_failed, changed),
            label="set completed",
        )

    def delete_rows(self, rows: list[int]) -> None:
        if self._service is None or not rows:
            return
        ids = [self.model.task_at(r).id for r in rows]
        removed = self.model.remove_ids(ids)
        self._workers.write(
            partial(self._service.delete, ids),
            self._deleted,
            partial(self._delete_failed, removed),
            label="delete",
        )

    def _deleted(self, count: int) -> None:
        # Already gone elsewhere counts as done: the person wanted it gone.
        self.message.emit(f"Deleted {_plural(count)}." if count else "Those tasks were already gone.")

    def _delete_failed(self, removed: list[tuple[int, Task]], message: str) -> None:
        self.model.restore_rows(removed)
        self.message.emit(f"Not deleted: {message}")

    def _begin_edit(self, task: Task) -> None:
        self._in_flight[task.id] += 1
        self._confirmed.setdefault(task.id, task)

    def _edits_stored(self, ids: list[uuid.UUID], stored: list[Task]) -> None:
        for task in stored:
            self._confirmed[task.id] = task
        for task_id in ids:
            self._end_edit(task_id)

    def _edits_failed(self, ids: list[uuid.UUID], message: str) -> None:
        for task_id in ids:
            self._end_edit(task_id)
        self.message.emit(f"Not changed: {message}")

    def _end_edit(self, task_id: uuid.UUID) -> None:
        self._in_flight[task_id] -= 1
        if self._in_flight[task_id] > 0:
            return
        del self._in_flight[task_id]
        confirmed = self._confirmed.pop(task_id)
        if task_id not in self._unsaved:
            self.model.replace_task(confirmed)
