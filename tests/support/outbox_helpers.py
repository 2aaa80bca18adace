"""Shared by the outbox tests: a switchable "database down" wrapper and a full read of a
person's tasks, compared field by field (timestamps left out: they are the server's)."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.values import (
    ListCounts,
    Priority,
    SortKey,
    Status,
    Task,
    TaskChanges,
    TaskDraft,
    TaskPage,
    TaskQuery,
)

UNREACHABLE = "Cannot reach the test database right now; try again in a moment."

Row = tuple[str, str | None, bool, Priority, datetime | None]


class Switched:
    """A real TaskService that fails every call like an unreachable database while ``down``."""

    unreachable = UNREACHABLE

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.down = threading.Event()
        self.calls = 0

    def _check(self, write: bool = False) -> None:
        self.calls += 1
        if self.down.is_set():
            raise DatabaseUnavailableError(self.unreachable)

    def create(self, draft: TaskDraft) -> Task:
        self._check(write=True)
        return self.inner.create(draft)

    def get(self, task_id: uuid.UUID) -> Task:
        self._check()
        return self.inner.get(task_id)

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        self._check(write=True)
        return self.inner.update(task_id, changes, expected_version)

    def toggle(self, task: Task, expected_version: datetime | None = None) -> Task:
        self._check(write=True)
        return self.inner.toggle(task, expected_version)

    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]:
        self._check(write=True)
        return self.inner.set_completed(task_ids, completed)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        self._check(write=True)
        return self.inner.delete(task_ids)

    def restore(self, snapshot: Task) -> Task:
        self._check(write=True)
        return self.inner.restore(snapshot)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        self._check()
        return self.inner.counts(now, zone)

    def changed_since(self, since: datetime, limit: int = 500) -> list[Task]:
        self._check()
        return self.inner.changed_since(since, limit)

    def list(self, query: TaskQuery) -> TaskPage:
        self._check()
        return self.inner.list(query)


def all_tasks(service: Any) -> list[Task]:
    found: list[Task] = []
    query = TaskQuery(status=Status.ALL, sort=SortKey.CREATED, limit=100)
    for _ in range(1000):
        page = service.list(query)
        found.extend(page.tasks)
        if page.next_cursor is None:
            return found
        query = TaskQuery(status=Status.ALL, sort=SortKey.CREATED, limit=100, after=page.next_cursor)
    raise AssertionError("too many pages")


def row_of(task: Task) -> Row:
    return (task.title, task.description, task.completed, task.priority, task.due_date)


def state(service: Any) -> dict[uuid.UUID, Row]:
    """Every task of the signed-in person, by id, as the fields a person edits."""
    return {t.id: row_of(t) for t in all_tasks(service)}


def drain(durable: Any, seconds: float = 30.0) -> None:
    """Flush until nothing waits, for at most ``seconds``, while the database comes back."""
    deadline = time.monotonic() + seconds
    while durable.pending_count() and time.monotonic() < deadline:
        try:
            durable.flush()
        except DatabaseUnavailableError:
            time.sleep(0.2)


DUE = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)


def random_changes(rng: random.Random) -> TaskChanges:
    """Some fields of a task, changed at random (never none)."""
    fields: dict[str, object] = {}
    if rng.random() < 0.6:
        fields["title"] = f"Title {rng.randrange(10_000)}"
    if rng.random() < 0.4:
        fields["description"] = rng.choice([None, f"Notes {rng.randrange(100)}"])
    if rng.random() < 0.4:
        fields["priority"] = rng.choice(list(Priority))
    if rng.random() < 0.3:
        fields["due_date"] = rng.choice([None, DUE + timedelta(days=rng.randrange(30))])
    if not fields:
        fields["title"] = f"Title {rng.randrange(10_000)}"
    return TaskChanges(**fields)  # type: ignore[arg-type]


def apply_changes(row: Row, changes: TaskChanges) -> Row:
    """``row`` as it is once ``changes`` are stored."""
    title, description, completed, priority, due = row
    values = changes.as_dict()
    return (
        values.get("title", title),  # type: ignore[return-value]
        values.get("description", description),
        values.get("completed", completed),
        values.get("priority", priority),
        values.get("due_date", due),
    )
