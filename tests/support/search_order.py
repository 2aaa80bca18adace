"""What a search should answer, worked out from the tasks themselves: for tests that compare
the database's pages with it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from todo_desktop.core.values import Task, TaskQuery


def walk(tasks: Any, query: TaskQuery) -> list[Task]:
    """Every page of ``query``, in order."""
    found: list[Task] = []
    cursor = None
    while True:
        page = tasks.list(TaskQuery(**{**{f: getattr(query, f) for f in query.__slots__}, "after": cursor}))
        found += page.tasks
        cursor = page.next_cursor
        if cursor is None:
            return found


def matches(task: Task, word: str) -> bool:
    """A typed (lower-case) word found anywhere in the title or the notes."""
    return word in f"{task.title}\n{task.description or ''}".lower()


def tier(task: Task, words: Sequence[str]) -> int:
    """The relevance tier as people read it: every word starts a word of the title (2), of
    the title or the notes (1), or is only inside words (0)."""
    title = re.findall(r"\w+", task.title.lower())
    notes = re.findall(r"\w+", (task.description or "").lower())
    starts = [any(t.startswith(w) for t in title) for w in words]
    anywhere = [s or any(n.startswith(w) for n in notes) for s, w in zip(starts, words, strict=True)]
    return int(all(starts)) + int(all(anywhere))


def best_first(everything: Sequence[Task], words: Sequence[str]) -> list[Task]:
    """The tasks holding every word, best match first: the tier, then the newest."""
    found = [t for t in everything if all(matches(t, w) for w in words)]
    return sorted(found, key=lambda t: (-tier(t, words), -t.created_at.timestamp(), -t.id.int))
