"""Writes confirmed while a list read was on its way.

Reads and writes run on different threads and connections, so a page may be read just
before a write commits and arrive after the write was confirmed. Shown as read, it would
drop a task just added, bring back one just deleted, or show an old title, until the next
reload. Each write confirmed while a read is on its way is noted with a tick; a page is
laid over with the writes confirmed after its read was sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from todo_desktop.core.values import Task


@dataclass(frozen=True)
class _Write:
    tick: int
    task: Task | None  # None: deleted
    added: bool  # created or restored: shown even where the page does not have it


class SettledWrites:
    def __init__(self, watching: Callable[[], bool]) -> None:
        """``watching`` says whether a list read is on its way; only then is a write noted,
        so nothing piles up between reads."""
        self._watching = watching
        self._tick = 0
        self._writes: dict[uuid.UUID, _Write] = {}

    def mark(self) -> int:
        """Taken when a read is sent: the writes noted after it are news to its page."""
        return self._tick

    def stored(self, tasks: Iterable[Task], *, added: bool = False) -> None:
        if not self._watching():
            return
        for task in tasks:
            before = self._writes.get(task.id)
            self._note(task.id, task, added or (before is not None and before.added))

    def deleted(self, ids: Iterable[uuid.UUID]) -> None:
        if not self._watching():
            return
        for task_id in ids:
            self._note(task_id, None, False)

    def _note(self, task_id: uuid.UUID, task: Task | None, added: bool) -> None:
        self._tick += 1
        self._writes[task_id] = _Write(self._tick, task, added)

    def lay_over(self, tasks: Iterable[Task], mark: int) -> list[Task]:
        """The page read after ``mark``, with the writes confirmed since: a deleted task left
        out, and a stored one shown as stored unless the page holds a newer version."""
        shown = []
        for task in tasks:
            write = self._writes.get(task.id)
            if write is None or write.tick <= mark:
                shown.append(task)
            elif write.task is not None:
                shown.append(write.task if write.task.updated_at >= task.updated_at else task)
        return shown

    def added_since(self, mark: int, leave_out: Collection[uuid.UUID]) -> list[Task]:
        """The tasks added (or restored) after ``mark``, newest first, but not those in
        ``leave_out``."""
        found = [w for i, w in self._writes.items() if w.added and w.tick > mark and i not in leave_out]
        return [w.task for w in sorted(found, key=lambda w: -w.tick) if w.task is not None]

    def forget(self, mark: int) -> None:
        """A page read after ``mark`` has been shown: later reads see what came before it."""
        self._writes = {i: w for i, w in self._writes.items() if w.tick > mark}

    def clear(self) -> None:
        self._writes.clear()
