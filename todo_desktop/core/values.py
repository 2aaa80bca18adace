"""Plain immutable values that the data layer returns and the GUI shows.

No ORM rows ever leave the data layer: a live row on the GUI thread would lazy-load
on attribute access, which is a query on the wrong thread.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return PRIORITY_RANK[self]


PRIORITY_RANK: dict[Priority, int] = {
    Priority.LOW: 1,
    Priority.MEDIUM: 2,
    Priority.HIGH: 3,
    Priority.URGENT: 4,
}


class Status(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    ALL = "all"


class SortKey(enum.StrEnum):
    """Orders a list can take; each is served by an index for keyset paging."""

    DUE = "due"  # soonest first, undated last
    PRIORITY = "priority"  # urgent first, then newest
    CREATED = "created"  # newest first
    UPDATED = "updated"  # most recently changed first
    TITLE = "title"  # A to Z, case-insensitive


class SmartList(enum.StrEnum):
    INBOX = "inbox"  # every open task
    TODAY = "today"  # open, due during the local calendar day
    UPCOMING = "upcoming"  # open, due in the seven days after today
    OVERDUE = "overdue"  # open, due before now
    COMPLETED = "completed"
    PRIORITY_LOW = "priority_low"
    PRIORITY_MEDIUM = "priority_medium"
    PRIORITY_HIGH = "priority_high"
    PRIORITY_URGENT = "priority_urgent"


@dataclass(frozen=True, slots=True)
class Task:
    id: uuid.UUID
    title: str
    description: str | None
    completed: bool
    priority: Priority
    due_date: datetime | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    tags: tuple[str, ...] = ()  # as first typed; one tag whatever the case ("#Home" is "#home")
    repeat: str | None = None  # an RFC 5545 RRULE value (the subset of core.quick_entry)
    repeat_after_completion: bool = False  # the next one counts from completion, not the due date

    def is_overdue(self, now: datetime) -> bool:
        return not self.completed and self.due_date is not None and self.due_date < now


@dataclass(frozen=True, slots=True)
class ReminderSetting:
    """Exactly one of the two is set: a time of its own, or how long before the due time."""

    at: datetime | None = None
    before_due: timedelta | None = None


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """What a person typed for a new task; ``id`` is made on the client so a retry is harmless."""

    title: str
    description: str | None = None
    priority: Priority = Priority.MEDIUM
    due_date: datetime | None = None
    completed: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    tags: tuple[str, ...] = ()
    repeat: str | None = None
    repeat_after_completion: bool = False
    # Set with the task, in the same call (and kept with it in the outbox), so it is never lost.
    reminder: ReminderSetting | None = None


def guess_task(draft: TaskDraft, now: datetime) -> Task:
    """The task a draft will become, shown before the database has stored it."""
    return Task(
        id=draft.id,
        title=draft.title,
        description=draft.description,
        completed=draft.completed,
        priority=draft.priority,
        due_date=draft.due_date,
        created_at=now,
        updated_at=now,
        completed_at=now if draft.completed else None,
        tags=draft.tags,
        repeat=draft.repeat,
        repeat_after_completion=draft.repeat_after_completion,
    )


_UNSET: object = object()


@dataclass(frozen=True, slots=True)
class TaskChanges:
    """A partial update: only the fields given are written.

    ``due_date``, ``description`` and ``repeat`` may be cleared, so "not given" is distinct
    from None. ``tags`` replaces the task's tags when given (an empty tuple removes them all).
    """

    title: str | None = None
    description: str | object | None = _UNSET
    priority: Priority | None = None
    due_date: datetime | object | None = _UNSET
    completed: bool | None = None
    tags: tuple[str, ...] | None = None
    repeat: str | object | None = _UNSET
    repeat_after_completion: bool | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.title is not None:
            out["title"] = self.title
        if self.description is not _UNSET:
            out["description"] = self.description
        if self.priority is not None:
            out["priority"] = self.priority
        if self.due_date is not _UNSET:
            out["due_date"] = self.due_date
        if self.completed is not None:
            out["completed"] = self.completed
        if self.tags is not None:
            out["tags"] = self.tags
        if self.repeat is not _UNSET:
            out["repeat"] = self.repeat
        if self.repeat_after_completion is not None:
            out["repeat_after_completion"] = self.repeat_after_completion
        return out


@dataclass(frozen=True, slots=True)
class NextOccurrence:
    """The task that completing a repeating task makes (see ``core.repeats``).

    ``id`` is derived from the completed task's id and due date, so the outbox replaying a
    completion, or a retry after a lost COMMIT, names the same task and the database makes
    it once. Sent with an un-completion (an undo), it names the occurrence to take back.
    """

    id: uuid.UUID
    due_date: datetime | None


@dataclass(frozen=True, slots=True)
class TaskEdit:
    """One task's part of an edit of several: its changes, and the version (``updated_at``)
    of the task the person changed; None writes whatever the version.

    ``next``: with ``completed=True``, the occurrence to create if the stored task repeats
    (exactly once, in the same transaction); with ``completed=False``, the occurrence a
    completion created, deleted in the same transaction (undo takes back both halves)."""

    task_id: uuid.UUID
    changes: TaskChanges
    expected_version: datetime | None = None
    next: NextOccurrence | None = None


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What one write of several tasks did, in one transaction.

    A task another device changed since the version an edit was based on is neither written
    nor deleted: it is in ``stale`` as stored, for the person to choose, while the rest of
    the batch is written. A task that does not exist, or is not the person's, is in ``gone``
    (the two look the same on purpose); for a restore, an id that is not free.
    """

    stored: tuple[Task, ...] = ()  # written (or already so), in the order asked
    stale: tuple[Task, ...] = ()  # as stored now (theirs); nothing of the batch written to them
    gone: tuple[uuid.UUID, ...] = ()
    deleted: tuple[uuid.UUID, ...] = ()
    # The next occurrences of the repeating tasks the batch completed (made now, or already
    # made by an earlier attempt of the same completion), as stored.
    created: tuple[Task, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What one batch of an import did: how many tasks it added (the others were there
    already), and the ids it could not use because another account holds them."""

    added: int = 0
    taken: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class Cursor:
    """The sort values of the last row of a page; the next page starts strictly after it."""

    values: tuple[object, ...]
    id: uuid.UUID


@dataclass(frozen=True, slots=True)
class TaskQuery:
    status: Status = Status.OPEN
    priorities: frozenset[Priority] = frozenset()
    due_after: datetime | None = None  # inclusive
    due_before: datetime | None = None  # exclusive
    overdue_at: datetime | None = None  # open tasks due before this instant
    text: str = ""
    tag: str | None = None  # only tasks with this tag (compared case-insensitively)
    sort: SortKey = SortKey.DUE
    limit: int = 100
    after: Cursor | None = None
    # Best match first; only with text. Every word starting a word of the title, then a word
    # of the title or the notes, then found inside words; the newest first within each. Pages
    # are then counted by position: Cursor.values is (rows already read,).
    ranked: bool = False


@dataclass(frozen=True, slots=True)
class TaskPage:
    tasks: tuple[Task, ...]
    next_cursor: Cursor | None  # None: this was the last page


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag as the sidebar lists it: its name as first typed, and how many open tasks have it."""

    name: str
    open_count: int


@dataclass(frozen=True, slots=True)
class TagRemoval:
    """What deleting a tag took away, so an undo can give it back to the same tasks."""

    name: str
    task_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True, slots=True)
class ListCounts:
    counts: dict[SmartList, int]

    def __getitem__(self, key: SmartList) -> int:
        return self.counts[key]


@dataclass(frozen=True, slots=True)
class Account:
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    is_active: bool
    created_at: datetime

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: the token is a secret and only goes to the keyring or the database."""

    account: Account
    token: str = field(repr=False)
    # Marks this device as known to the account, so a stranger's failed guesses never
    # lock it out; kept in the keyring and sent with the next sign-in.
    device_token: str | None = field(default=None, repr=False)
