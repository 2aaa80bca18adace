"""What the outbox remembers of each task, in memory only; ``todo_desktop.sync.outbox`` uses it.

An optimistic result needs the last known value of the task it changes; a chain of offline
edits needs, for each version made up for such a result, the version the database stored
once the write that made it was sent. Both are bounded, and readable from any thread
without the outbox's write lock: a read must never wait for a flush.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from todo_desktop.core.values import BatchOutcome, Task

KNOWN_TASKS = 20_000  # optimistic values need the last known task; bounded memory


class KnownTasks:
    def __init__(self, most: int = KNOWN_TASKS) -> None:
        self._most = most
        self._lock = threading.Lock()
        self._tasks: OrderedDict[uuid.UUID, Task] = OrderedDict()
        # (task id, version made up for an optimistic result) -> the version stored for it
        self.versions: OrderedDict[tuple[str, str], str] = OrderedDict()
        # A tag's delete as guessed here -> the tasks the database took it from (outbox_tags)
        self.removals: OrderedDict[tuple[str, tuple[uuid.UUID, ...]], tuple[uuid.UUID, ...]] = OrderedDict()

    def get(self, task_id: uuid.UUID) -> Task | None:
        with self._lock:
            return self._tasks.get(task_id)

    def remember(self, task: Task) -> Task:
        with self._lock:
            self._tasks[task.id] = task
            self._tasks.move_to_end(task.id)
            while len(self._tasks) > self._most:
                self._tasks.popitem(last=False)
        return task

    def remember_all(self, result: Any) -> Any:
        """Every task in ``result`` (a task, a list holding some, or what a batch did: the
        stale ones are stored too, as theirs); returns ``result``."""
        if isinstance(result, Task):
            self.remember(result)
        elif isinstance(result, list):
            for item in result:
                if isinstance(item, Task):
                    self.remember(item)
        elif isinstance(result, BatchOutcome):
            for task in (*result.stored, *result.stale, *result.created):
                self.remember(task)
            self.forget((*result.gone, *result.deleted))
        return result

    def all(self) -> list[Task]:
        with self._lock:
            return list(self._tasks.values())

    def retag(self, change: Callable[[Task], tuple[str, ...] | None]) -> list[uuid.UUID]:
        """Every known task whose tags ``change`` changes (None: unchanged) remembered with
        the new ones; returns their ids. Their versions stay: a version is the database's."""
        with self._lock:
            changed = {
                t.id: replace(t, tags=new) for t in self._tasks.values() if (new := change(t)) is not None
            }
            self._tasks.update(changed)
        return list(changed)

    def removed(self, key: tuple[str, tuple[uuid.UUID, ...]], real: tuple[uuid.UUID, ...]) -> None:
        self.removals[key] = real
        while len(self.removals) > 100:
            self.removals.popitem(last=False)

    def forget(self, task_ids: Iterable[uuid.UUID]) -> None:
        with self._lock:
            for task_id in task_ids:
                self._tasks.pop(task_id, None)

    def stored_as(self, task: Task, *made: str | None) -> None:
        """The versions ``made`` up for optimistic results of ``task`` stand for its stored one."""
        for version in made:
            if version is not None:
                key = (str(task.id), version)
                self.versions[key] = task.updated_at.isoformat()
                self.versions.move_to_end(key)
        while len(self.versions) > self._most:
            self.versions.popitem(last=False)

    def learn(self, replayed: dict[uuid.UUID, Task | None], *, settled: bool) -> None:
        """What a flush stored (None: deleted) becomes the base of the next optimistic value
        only once nothing waits (``settled``); until then the known value (the last optimistic
        one) already includes the edits still queued, and an older stored one would undo them."""
        for task_id, task in replayed.items():
            if task is None:
                if settled:
                    self.forget([task_id])
            elif settled or self.get(task_id) is None:
                self.remember(task)

    def real_version(self, task_id: uuid.UUID, version: datetime | None) -> datetime | None:
        real = self.versions.get((str(task_id), version.isoformat())) if version else None
        return version if real is None else datetime.fromisoformat(real)
