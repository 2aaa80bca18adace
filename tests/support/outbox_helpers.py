"""Shared by the outbox and batch tests: a switchable "database down" wrapper, a full read of
a person's tasks, compared field by field (timestamps left out: they are the server's), and
a recorder of what the data layer sends."""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import event

from todo_desktop.core.changes import ChangeCursor, ChangedTasks, RemovedTasks
from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.values import (
    BatchOutcome,
    ImportOutcome,
    ListCounts,
    Priority,
    SortKey,
    Status,
    TagCount,
    TagRemoval,
    Task,
    TaskChanges,
    TaskDraft,
    TaskEdit,
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

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        self._check(write=True)
        return self.inner.update(task_id, changes, expected_version)

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        self._check(write=True)
        return self.inner.update_many(edits)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        self._check(write=True)
        return self.inner.delete(task_ids)

    def delete_unchanged(self, versions: Mapping[uuid.UUID, datetime | None]) -> BatchOutcome:
        self._check(write=True)
        return self.inner.delete_unchanged(versions)

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        self._check(write=True)
        return self.inner.restore_many(snapshots)

    def import_many(self, snapshots: Sequence[Task]) -> ImportOutcome:
        self._check(write=True)
        return self.inner.import_many(snapshots)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        self._check()
        return self.inner.counts(now, zone)

    def tags(self) -> list[TagCount]:
        self._check()
        return self.inner.tags()

    def rename_tag(self, old: str, new: str) -> int:
        self._check(write=True)
        return self.inner.rename_tag(old, new)

    def delete_tag(self, name: str) -> TagRemoval:
        self._check(write=True)
        return self.inner.delete_tag(name)

    def restore_tag(self, removal: TagRemoval) -> int:
        self._check(write=True)
        return self.inner.restore_tag(removal)

    def change_cursor(self) -> ChangeCursor | None:
        self._check()
        return self.inner.change_cursor()

    def changed_since(self, cursor: ChangeCursor, limit: int = 500) -> ChangedTasks:
        self._check()
        return self.inner.changed_since(cursor, limit)

    def removed_since(self, cursor: ChangeCursor, limit: int = 500) -> RemovedTasks:
        self._check()
        return self.inner.removed_since(cursor, limit)

    def list(self, query: TaskQuery) -> TaskPage:
        self._check()
        return self.inner.list(query)


# The todo_api functions that change data (the others only read).
WRITE_CALL = re.compile(
    r"todo_api\.(create_task|update_tasks?|delete_tasks|restore_tasks|import_tasks|rename_tag|delete_tag"
    r"|restore_tag|set_reminder|clear_reminder|snooze_reminder|claim_due_reminders|prepare_search)\("
)


class Traffic:
    """What the data layer sends on one engine: statements, and the write transactions it
    commits: a COMMIT, or a write call sent in autocommit (its own transaction, committed
    when it returns). A read in autocommit commits nothing."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.statements: list[str] = []
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, _conn: Any, cursor: Any, statement: str, *_rest: Any) -> None:
        self.statements.append(statement)
        if cursor.connection.autocommit and WRITE_CALL.search(statement):
            self.commits += 1

    def _commit(self, _conn: Any) -> None:
        self.commits += 1

    def calls(self, name: str) -> int:
        """How many statements called ``name``, e.g. ``"todo_api.update_tasks("``."""
        return sum(name in s for s in self.statements)

    def clear(self) -> None:
        self.statements.clear()
        self.commits = 0

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)


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
