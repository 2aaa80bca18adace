"""Reading other devices' changes through a TaskService as a poll does: every page from a
cursor, and where the next poll starts (taken before the reads, as ``read_changes`` does)."""

from __future__ import annotations

import uuid
from datetime import datetime

from todo_desktop.core.changes import ChangeCursor
from todo_desktop.core.ports import TaskService
from todo_desktop.core.values import Task


def changed(tasks: TaskService, cursor: ChangeCursor | None, limit: int = 500) -> list[Task]:
    """Every task changed from ``cursor`` on, in the order read (a task once: its last read)."""
    found: dict[uuid.UUID, Task] = {}
    after = cursor
    while after is not None:
        page = tasks.changed_since(after, limit)
        found.update((t.id, t) for t in page.tasks)
        after = page.more
    return list(found.values())


def removed(tasks: TaskService, cursor: ChangeCursor | None, limit: int = 500) -> dict[uuid.UUID, datetime]:
    """Every task deleted from ``cursor`` on, each with when it went, in the order read."""
    found: dict[uuid.UUID, datetime] = {}
    after = cursor
    while after is not None:
        page = tasks.removed_since(after, limit)
        found.update(page.removed)
        after = page.more
    return found


def poll(
    tasks: TaskService, cursor: ChangeCursor | None
) -> tuple[list[Task], dict[uuid.UUID, datetime], ChangeCursor | None]:
    """One poll: what changed and what went from ``cursor`` on, and the next poll's cursor."""
    following = tasks.change_cursor()
    return changed(tasks, cursor), removed(tasks, cursor), following
