"""The status bar's sentences for what another device did to rows on screen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from todo_desktop.core.values import Priority, Task
from todo_desktop.sync.edit_versions import deleted_elsewhere

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)


def _task(title: str) -> Task:
    return Task(uuid.uuid4(), title, None, False, Priority.MEDIUM, None, NOW, NOW)


def test_the_first_deleted_task_is_named_and_the_rest_counted():
    long = "A title far longer than forty characters, cut short"
    assert deleted_elsewhere([_task("Pay rent")]) == "“Pay rent” was deleted on another device."
    two = deleted_elsewhere([_task("a"), _task("b")])
    assert two == "“a” and 1 more task were deleted on another device."
    many = deleted_elsewhere([_task(long), *(_task("x") for _ in range(1200))])
    assert (
        many
        == "“A title far longer than forty character…” and 1,200 more tasks were deleted on another device."
    )
