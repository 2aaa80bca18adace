"""In-memory stand-ins for the task service (a dict of Task values), for the GUI tests whose
point is threads, optimism and timing rather than the database."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from todo_desktop.core import repeats, validation
from todo_desktop.core.changes import ChangeCursor, ChangedTasks, RemovedTasks
from todo_desktop.core.errors import NotFoundError, StaleEditError, TodoError
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.values import (
    Account,
    BatchOutcome,
    Cursor,
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

NOW = datetime.now(UTC)
ALICE = Account(uuid.uuid4(), "alice@example.com", "Alice", "Tester", True, NOW)
REFUSED = "The database refused that change."
UNREACHABLE = "Cannot reach the database right now; try again in a moment."
EPOCH = datetime(1900, 1, 1, tzinfo=UTC)


def make_task(title: str, *, due: datetime | None = None, **fields: object) -> Task:
    base = Task(uuid.uuid4(), title, None, False, Priority.MEDIUM, due, NOW, NOW)
    return replace(base, **fields)  # type: ignore[arg-type]


def many_tasks(n: int) -> list[Task]:
    return [make_task(f"Task {i:04d}", due=NOW + timedelta(hours=i)) for i in range(n)]


def _sort_key(task: Task) -> tuple[bool, datetime, str]:
    return (task.due_date is None, task.due_date or EPOCH, str(task.id))


def _by_version(task: Task) -> tuple[datetime, uuid.UUID]:
    return (task.updated_at, task.id)


def _newest_first(task: Task) -> tuple[float, str]:
    return (-task.updated_at.timestamp(), str(task.id))


# The orders MemoryTasks keeps (the rest list by due date, as before): most recently changed
# first serves the tag edits, which look for the tasks they changed that way.
_SORTS: dict[SortKey, Callable[[Task], Any]] = {SortKey.UPDATED: _newest_first}


class MemoryTasks:
    """A TaskService over a dict; optional gates let a test hold a call on its worker thread."""

    def __init__(self, tasks: Iterable[Task] = ()) -> None:
        self.tasks: dict[uuid.UUID, Task] = _Written({t.id: t for t in tasks})
        self.removed: dict[uuid.UUID, datetime] = _Written()  # as the database notes deletions
        self.lock = threading.RLock()
        self.list_calls = 0
        self.list_gates: list[threading.Event] = []
        self.create_gate: threading.Event | None = None
        self.create_delay = 0.0
        self.spellings: dict[str, str] = {}  # tag key: the name as first typed
        self.tag_gate: threading.Event | None = None  # holds the tag writes on their thread
        for task in self.tasks.values():
            self._spelled(task.tags)

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
            repeat=clean.repeat,
            repeat_after_completion=clean.repeat_after_completion,
        )
        with self.lock:
            task = replace(task, tags=self._spelled(clean.tags))
            return self.tasks.setdefault(task.id, task)

    # Tags, as the database keeps them: one tag whatever the case, spelled as first typed.

    def _spelled(self, tags: Iterable[str]) -> tuple[str, ...]:
        out: dict[str, str] = {}
        for name in tags:
            key = tag_key(name)
            self.spellings.setdefault(key, name)
            out.setdefault(key, self.spellings[key])
        return tuple(out.values())

    def _values(self, changes: TaskChanges) -> dict[str, object]:
        values = validation.changes(changes)
        if "tags" in values:
            values["tags"] = self._spelled(values["tags"])  # type: ignore[arg-type]
        return values

    def tags(self) -> list[TagCount]:
        """Every tag, by name, with its open tasks: 0 too, as a tag lasts until deleted."""
        with self.lock:
            counts = dict.fromkeys(self.spellings, 0)
            for task in self.tasks.values():
                for name in task.tags:
                    counts[tag_key(name)] += not task.completed
            named = [TagCount(self.spellings[key], count) for key, count in counts.items()]
        return sorted(named, key=lambda t: tag_key(t.name))

    def _retag(self, fix: Callable[[Task], tuple[str, ...]]) -> list[uuid.UUID]:
        changed = []
        for task in list(self.tasks.values()):
            tags = fix(task)
            if tags != task.tags:
                self._write(task, {"tags": tags})
                changed.append(task.id)
        return changed

    def _hold(self) -> None:
        if self.tag_gate is not None:
            assert self.tag_gate.wait(10)

    def rename_tag(self, old: str, new: str) -> int:
        self._hold()
        name = validation.tag(new)
        old_key, new_key = tag_key(old), tag_key(name)
        with self.lock:
            if old_key not in self.spellings:
                return 0
            if new_key == old_key or new_key not in self.spellings:
                self.spellings[new_key] = name  # a new name, or the same tag spelled anew
            if new_key != old_key:
                del self.spellings[old_key]  # renamed, or merged into the other

            def fix(task: Task) -> tuple[str, ...]:
                if all(tag_key(n) != old_key for n in task.tags):
                    return task.tags
                return self._spelled(
                    self.spellings[new_key] if tag_key(n) == old_key else n for n in task.tags
                )

            return len(self._retag(fix))

    def delete_tag(self, name: str) -> TagRemoval:
        self._hold()
        key = tag_key(name)
        with self.lock:
            spelled = self.spellings.pop(key, None)
            if spelled is None:
                return TagRemoval(validation.tag(name), ())
            ids = self._retag(lambda t: tuple(n for n in t.tags if tag_key(n) != key))
        return TagRemoval(spelled, tuple(ids))

    def restore_tag(self, removal: TagRemoval) -> int:
        self._hold()
        key, wanted = tag_key(removal.name), set(removal.task_ids)
        with self.lock:
            self.spellings.setdefault(key, removal.name)

            def fix(task: Task) -> tuple[str, ...]:
                if task.id not in wanted or any(tag_key(n) == key for n in task.tags):
                    return task.tags
                return (*task.tags, self.spellings[key])

            return len(self._retag(fix))

    def _current(self, task_id: uuid.UUID) -> Task:
        if task_id not in self.tasks:
            raise NotFoundError("That task no longer exists.")
        return self.tasks[task_id]

    def _write(self, current: Task, values: dict[str, object]) -> Task:
        stamp = max(datetime.now(UTC), current.updated_at + timedelta(microseconds=1))
        task = replace(current, updated_at=stamp, **values)  # type: ignore[arg-type]
        if task.completed != current.completed:
            task = replace(task, completed_at=stamp if task.completed else None)
        self.tasks[task.id] = task
        return task

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        values = self._values(changes)
        with self.lock:
            current = self._current(task_id)
            if expected_version is not None and current.updated_at != expected_version:
                if any(getattr(current, k) != v for k, v in values.items()):
                    raise StaleEditError(current)
                return current
            return self._write(current, values)

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        """As the database does it: all at once; stale and gone tasks reported, not written."""
        values = [self._values(e.changes) for e in edits]
        stored: list[Task] = []
        stale: list[Task] = []
        gone: list[uuid.UUID] = []
        with self.lock:
            for edit, wanted in zip(edits, values, strict=True):
                current = self.tasks.get(edit.task_id)
                if current is None:
                    gone.append(edit.task_id)
                elif all(getattr(current, k) == v for k, v in wanted.items()):
                    stored.append(current)
                elif edit.expected_version not in (None, current.updated_at):
                    stale.append(current)
                else:
                    stored.append(self._write(current, wanted))
                    self._next_occurrence(current, wanted, edit)
        return BatchOutcome(tuple(stored), tuple(stale), tuple(gone))

    def _next_occurrence(self, before: Task, values: dict[str, object], edit: TaskEdit) -> None:
        """As the database does: completing a repeating task makes the occurrence the edit
        names (once); taking the completion back removes it."""
        occurrence = getattr(edit, "next", None)
        if occurrence is None or "completed" not in values:
            return
        if values["completed"]:
            self.tasks.setdefault(occurrence.id, repeats.next_task(before, occurrence, datetime.now(UTC)))
        else:
            self._remove(occurrence.id)

    def _remove(self, task_id: uuid.UUID) -> Task | None:
        with self.lock:
            task = self.tasks.pop(task_id, None)
            if task is not None:
                self.removed[task_id] = datetime.now(UTC)
            return task

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        return sum(self._remove(i) is not None for i in set(task_ids))

    def delete_unchanged(self, versions: Mapping[uuid.UUID, datetime | None]) -> BatchOutcome:
        deleted: list[uuid.UUID] = []
        stale: list[Task] = []
        with self.lock:
            for task_id, version in versions.items():
                current = self.tasks.get(task_id)
                if current is not None and version not in (None, current.updated_at):
                    stale.append(current)
                elif current is not None:
                    self._remove(task_id)
                    deleted.append(task_id)
        gone = tuple(i for i in versions if i not in deleted and all(t.id != i for t in stale))
        return BatchOutcome(stale=tuple(stale), gone=gone, deleted=tuple(deleted))

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        with self.lock:
            return BatchOutcome(stored=tuple(self.tasks.setdefault(s.id, s) for s in snapshots))

    def import_many(self, snapshots: Sequence[Task]) -> ImportOutcome:
        with self.lock:
            before = len(self.tasks)
            for s in snapshots:
                self.tasks.setdefault(s.id, s)
            return ImportOutcome(added=len(self.tasks) - before)

    def list(self, query: TaskQuery) -> TaskPage:
        with self.lock:
            self.list_calls += 1
            gate = self.list_gates.pop(0) if self.list_gates else None
            order = _SORTS.get(query.sort, _sort_key)
            tag = tag_key(query.tag) if query.tag is not None else None
            rows = sorted(
                (
                    t
                    for t in self.tasks.values()
                    if (query.status is Status.ALL or t.completed == (query.status is Status.COMPLETED))
                    and (tag is None or any(tag_key(n) == tag for n in t.tags))
                ),
                key=order,
            )
        if query.after is not None:
            rows = [t for t in rows if order(t) > query.after.values[0]]
        page = rows[: query.limit]
        more = len(rows) > query.limit
        cursor = Cursor((order(page[-1]),), page[-1].id) if more else None
        if gate is not None:  # the answer is fixed; only its delivery is held back
            assert gate.wait(10)
        return TaskPage(tuple(page), cursor)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        return ListCounts({})

    # Commit order, as the database keeps it: every entry written (a test's own too) takes the
    # next number, and a cursor is the number the next write will take.
    def change_cursor(self) -> ChangeCursor | None:
        return ChangeCursor(str(next(_WRITES)))

    def changed_since(self, cursor: ChangeCursor, limit: int = 500) -> ChangedTasks:
        with self.lock:
            found = _written_since(self.tasks, cursor, limit)  # type: ignore[arg-type]
        return ChangedTasks(tuple(t for _, _, t in found), _more(found, limit))

    def removed_since(self, cursor: ChangeCursor, limit: int = 500) -> RemovedTasks:
        with self.lock:
            found = _written_since(self.removed, cursor, limit)  # type: ignore[arg-type]
        return RemovedTasks({i: when for _, i, when in found}, _more(found, limit))


_WRITES = itertools.count(1)
_W = TypeVar("_W")


class _Written(dict[uuid.UUID, _W]):
    """A dict that notes when each entry was last written (see MemoryTasks.change_cursor)."""

    def __init__(self, items: dict[uuid.UUID, _W] | None = None) -> None:
        super().__init__()
        self.order: dict[uuid.UUID, int] = {}
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: uuid.UUID, value: _W) -> None:
        super().__setitem__(key, value)
        self.order[key] = next(_WRITES)


def _written_since(
    entries: _Written[_W], cursor: ChangeCursor, limit: int
) -> list[tuple[int, uuid.UUID, _W]]:
    start, _, after = cursor.token.partition(":")
    first = int(after) + 1 if after else int(start)
    keys = sorted((n, k) for k, n in entries.order.items() if n >= first and k in entries)
    return [(n, k, entries[k]) for n, k in keys[:limit]]


def _more(found: list[tuple[int, uuid.UUID, Any]], limit: int) -> ChangeCursor | None:
    # The page after the last entry read: its number, as the token's second part.
    return None if len(found) < limit else ChangeCursor(f"0:{found[-1][0]}")


class RefusingTasks(MemoryTasks):
    """Every write is refused, as a database constraint or a lost session would."""

    def create(self, draft: TaskDraft) -> Task:
        raise TodoError(REFUSED)

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        raise TodoError(REFUSED)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        raise TodoError(REFUSED)

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        raise TodoError(REFUSED)

    def import_many(self, snapshots: Sequence[Task]) -> ImportOutcome:
        raise TodoError(REFUSED)

    def rename_tag(self, old: str, new: str) -> int:
        self._hold()
        raise TodoError(REFUSED)

    def delete_tag(self, name: str) -> TagRemoval:
        raise TodoError(REFUSED)

    def restore_tag(self, removal: TagRemoval) -> int:
        raise TodoError(REFUSED)
