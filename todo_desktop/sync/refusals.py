"""Which refusals end an edit's stay in the outbox, and what a person is told about it.

A stale edit is refused for good when it is made (the window asks the person at once), but
not when the outbox replays it: then it waits for the person's choice (``outbox_conflicts``).
"""

from __future__ import annotations

from typing import Any

from todo_desktop.core.errors import (
    ConflictError,
    InputErrors,
    LimitError,
    NotFoundError,
    StaleEditError,
    TodoError,
    ValidationError,
)
from todo_desktop.sync.conflicts import KEEP_MINE

# What the database refuses for good: sending it again can never work.
REFUSED_FOR_GOOD: tuple[type[TodoError], ...] = (
    ValidationError,
    InputErrors,
    NotFoundError,
    StaleEditError,
    ConflictError,
    LimitError,
)


def not_saved(entry: dict[str, Any], exc: TodoError) -> str:
    """One sentence for an offline edit the database refused; a new task is named, so its
    text can be typed again."""
    if entry.get("op") == "create":
        return f"“{entry['draft']['title']}”, added offline, was not saved: {exc.message}"
    if entry.get("op") == KEEP_MINE:
        return f"The version you chose to keep was not saved: {exc.message}"
    return f"An edit made offline was not saved: {exc.message}"
