"""Reading what other devices changed: a cursor, and the pages read from it.

Only the data layer makes a cursor, from what the database says (never from this computer's
clock, which may be wrong by hours); to everyone else it is an opaque value handed back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from todo_desktop.core.values import Task


@dataclass(frozen=True, slots=True)
class ChangeCursor:
    """Where a read of changes starts: a poll's place, or a page's within a poll."""

    token: str


@dataclass(frozen=True, slots=True)
class ChangedTasks:
    """One page of changed (or created) tasks, in the order they were read."""

    tasks: tuple[Task, ...] = ()
    more: ChangeCursor | None = None  # the page came full: the next page starts here


@dataclass(frozen=True, slots=True)
class RemovedTasks:
    """One page of deleted tasks, each id with when it went."""

    removed: dict[uuid.UUID, datetime] = field(default_factory=dict)
    more: ChangeCursor | None = None
