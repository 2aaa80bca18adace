"""In-memory stand-ins for the GUI unit tests: a dict of Task values, not the database.

These tests are about threads, optimism and keys; real-database GUI tests are separate.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

from todo_desktop import validation
from todo_desktop.errors import NotFoundError, TodoError
from todo_desktop.services import Workspace
from todo_desktop.values import (
    Account,
    Cursor,
    ListCounts,
    Priority,
    Status,
    Task,
    TaskChanges,
    TaskDraft,
    TaskPage,
    TaskQuery,
)

NOW = datetime.now(UTC)
ALICE = Account(uuid.uuid4(), "alice@example.com", "Alice", "Tester", True, NOW)
REFUSED = "The database refused that change."
EPOCH = datetime(1900, 1, 1, tzinfo=UTC)


def make_task(title: str, *, due: datetime | None = None, **fields: object) -> Task:
    base = Task(uuid.uuid4(), title, None, False, Priority.MEDIUM, due, NOW, NOW)
    return replace(base, **fields)  # type: ignore[arg-type]


def many_tasks(n: int) -> list[Task]:
    return [make_task(f"Task {i:04d}", due=NOW + timedelta(hours=i)) for i in range(n)]


def _sort_key(task: Task) -> tuple[bool, datetime, str]:
    return (task.due_date is None, task.due_date or EPOCH, str(task.id))


class MemoryTasks:
    """A TaskService over a dict; optional gates let a test hold a call on its worker thread."""

    def __init__(self, tasks: Iterable[Task] = ()) -> None:
        self.tasks = {t.id: t for t in tasks}
        self.lock = threading.RLock()
        self.list_calls = 0
        self.list_gates: list[threading.Event] = []
        self.create_gate: threading.Event | None = None
        self.create_delay = 0.0

    def create(self, draft: TaskDraft) -> Task:
        if self.create_gate is not None:
            assert self.create_gate.wait(10)
        if self.create_delay:
            time.sleep(self.create_delay)  # stands in for a slow network round trip
        clean = validation.draft(draft)
        now = datetime.now(UTC)
        task = Task(
            clean.id,
            clean.title,
            clean.description,
            clean.completed,
            clean.priority,
            clean.due_date,
            now,
            now,
        )
        with self.lock:
            return self.tasks.setdefault(task.id, task)

    def get(self, task_id: uuid.UUID) -> Task:
        with self.lock:
            if task_id not in self.tasks:
                raise NotFoundError("That task no longer exists.")
            return self.tasks[task_id]

    def update(self, task_id: uuid.UUID, changes: TaskChanges) -> Task:
        values = validation.changes(changes)
        with self.lock:
            task = replace(self.get(task_id), updated_at=datetime.now(UTC), **values)  # type: ignore[arg-type]
            self.tasks[task_id] = task
            return task

    def toggle(self, task: Task) -> Task:
        return self.update(task.id, TaskChanges(completed=not task.completed))

    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]:
        now, ids = datetime.now(UTC), list(task_ids)
        with self.lock:
            for i in ids:
                if i in self.tasks and self.tasks[i].completed != completed:
                    self.tasks[i] = replace(
                        self.tasks[i],
                        completed=completed,
                        updated_at=now,
                        completed_at=now if completed else None,
                    )
            return [self.tasks[i] for i in ids if i in self.tasks]

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        with self.lock:
            return sum(self.tasks.pop(i, None) is not None for i in set(task_ids))

    def restore(self, snapshot: Task) -> Task:
        with self.lock:
            return self.tasks.setdefault(snapshot.id, snapshot)

    def list(self, query: TaskQuery) -> TaskPage:
        with self.lock:
            self.list_calls += 1
            gate = self.list_gates.pop(0) if self.list_gates else None
            rows = sorted(
                (
                    t
                    for t in self.tasks.values()
                    if query.status is Status.ALL or t.completed == (query.status is Status.COMPLETED)
                ),
                key=_sort_key,
            )
        if query.after is not None:
            rows = [t for t in rows if _sort_key(t) > query.after.values[0]]  # type: ignore[operator]
        page = rows[: query.limit]
        more = len(rows) > query.limit
        cursor = Cursor((_sort_key(page[-1]),), page[-1].id) if more else None
        if gate is not None:  # the answer is fixed; only its delivery is held back
            assert gate.wait(10)
        return TaskPage(tuple(page), cursor)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        return ListCounts({})


class RefusingTasks(MemoryTasks):
    """Every write is refused, as a database constraint or a lost session would."""

    def create(self, draft: TaskDraft) -> Task:
        raise TodoError(REFUSED)

    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]:
        raise TodoError(REFUSED)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        raise TodoError(REFUSED)


def opener_for(
    service: MemoryTasks, gate: threading.Event | None = None, warning: str | None = None
) -> Callable[[], Workspace]:
    def opener() -> Workspace:
        if gate is not None:
            assert gate.wait(10)
        return Workspace(tasks=service, account=ALICE, where="this computer", warning=warning)

    return opener
