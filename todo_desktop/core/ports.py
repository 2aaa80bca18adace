"""What the GUI may ask of the data layer, as protocols of plain values.

The composition root passes in the concrete objects (``todo_desktop.db``); the GUI only
knows these shapes, so it can be tested with any implementation and never imports SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import NoReturn, Protocol

from todo_desktop.core.changes import ChangeCursor, ChangedTasks, RemovedTasks
from todo_desktop.core.errors import TodoError
from todo_desktop.core.profiles import LOCAL_ID, Profile, Profiles
from todo_desktop.core.reminders import ReminderGateway
from todo_desktop.core.values import (
    Account,
    BatchOutcome,
    ImportOutcome,
    ListCounts,
    TagCount,
    TagRemoval,
    Task,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskPage,
    TaskQuery,
)


class TaskService(Protocol):
    """Every write is one transaction, however many tasks it names."""

    def create(self, draft: TaskDraft) -> Task: ...
    # expected_version: the updated_at the edit was based on; a stale one raises
    # StaleEditError (carrying the stored task) and writes nothing. None: write regardless.
    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task: ...
    # Several tasks at once, each based on its own version: the stale ones come back in the
    # outcome, unwritten, and the others are written (see BatchOutcome).
    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome: ...
    # Returns how many existed; deleting twice is harmless.
    def delete(self, task_ids: Iterable[uuid.UUID]) -> int: ...
    # Deletes each task still at the version given (None: at any version); the others come
    # back as stale, kept.
    def delete_unchanged(self, versions: Mapping[uuid.UUID, datetime | None]) -> BatchOutcome: ...
    # Undo of a delete: the tasks come back with their ids; rows still present stay as they are.
    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome: ...
    # An import's batch: as restore_many, answered with figures instead of the tasks.
    def import_many(self, snapshots: Sequence[Task]) -> ImportOutcome: ...
    # Other devices' changes (core.changes). change_cursor: where the next read starts, taken
    # before a read so that whatever it cannot see yet comes in the one after; None when this
    # database gives none (a schema of another version): then nothing is read that way.
    def change_cursor(self) -> ChangeCursor | None: ...
    # One page of the tasks changed from `cursor` on (a task may come again later); deletions
    # leave no row here (see removed_since).
    def changed_since(self, cursor: ChangeCursor, limit: int = 500) -> ChangedTasks: ...
    # One page of the tasks deleted from `cursor` on, each with when it went (kept a day).
    def removed_since(self, cursor: ChangeCursor, limit: int = 500) -> RemovedTasks: ...
    def counts(self, now: datetime, zone: tzinfo) -> ListCounts: ...
    # Tags, compared case-insensitively and kept as first spelled. ``tags``: every tag of the
    # person, by name, with its count of open tasks (0 too: a tag lasts until deleted).
    def tags(self) -> list[TagCount]: ...
    # Renames a tag on every task (into one the person has: they merge); returns how many
    # tasks changed, 0 when there is no such tag.
    def rename_tag(self, old: str, new: str) -> int: ...
    # Takes a tag off every task and forgets it; the result names the tasks, for the undo.
    def delete_tag(self, name: str) -> TagRemoval: ...
    # Undo of delete_tag: the tag on those tasks again; returns how many got it back.
    def restore_tag(self, removal: TagRemoval) -> int: ...
    def list(self, query: TaskQuery) -> TaskPage: ...  # last: its name would shadow list[...] above


class PendingEdits(Protocol):
    """Edits kept on this computer until the database takes them (``todo_desktop.sync.outbox``).

    ``pending_count`` and ``offline`` read memory only (safe on the GUI thread); the flushes
    touch the database: run them as writes, so they stay in order with the other edits.
    Both raise DatabaseUnavailableError when edits are still waiting for the database.
    """

    def pending_count(self) -> int: ...
    @property
    def offline(self) -> bool: ...
    def flush(self) -> object: ...
    def flush_if_due(self) -> object: ...
    def take_problems(self) -> list[str]: ...


@dataclass(frozen=True)
class Workspace:
    """A connected, signed-in place to keep tasks."""

    tasks: TaskService
    account: Account
    where: str  # "this computer" or the shared host, for the status bar
    warning: str | None = None  # e.g. a role that bypasses RLS
    # A schema older or newer than the app: reads work, every write is refused with `warning`.
    read_only: bool = False
    profile_id: str = LOCAL_ID  # which connection profile this is, for Sign out
    # A quiet remark, not a warning: the local profile's secrets kept in a private file by design.
    note: str | None = None
    # Writes that wait here while the database is unreachable; None: no outbox.
    outbox: PendingEdits | None = None
    # The person's reminders (None: this database has none to give, e.g. read-only).
    reminders: ReminderGateway | None = None


class WorkspaceOpener(Protocol):
    """Blocking; the GUI calls it on a worker thread. Raises TodoError with one sentence."""

    def __call__(self) -> Workspace: ...


_CONNECTED = {
    "current": "; its schema is current.",
    "older": ", but its schema is older than this app, so it opens read-only.",
    "newer": ", but its schema is newer than this app, so it opens read-only.",
    "missing": ", but this role finds no Todo Desktop schema there; ask its admin.",
}


@dataclass(frozen=True, slots=True)
class SchemaInfo:
    """How a database's schema fits this app, as plain values for the GUI."""

    state: str  # "current", "older", "newer" or "missing"
    message: str  # plain sentences: what is wrong and who can fix it

    @property
    def read_only(self) -> bool:
        return self.state != "current"


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """The outcome of "Test connection": one sentence, plus a loud warning when there is one."""

    ok: bool
    message: str
    schema: SchemaInfo | None = None
    warning: str | None = None  # e.g. the role bypasses row-level security

    @classmethod
    def connected(
        cls, where: str, schema: SchemaInfo, warning: str | None, *, pooler: bool = False
    ) -> ConnectionReport:
        through = " through a connection pooler" if pooler else ""
        return cls(True, f"Connected to {where}{through}{_CONNECTED[schema.state]}", schema, warning)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a person typed into the sign-in or registration form."""

    email: str
    password: str = field(repr=False)
    stay_signed_in: bool = False  # keep the session token in the keyring
    db_password: str | None = field(default=None, repr=False)  # when the keyring has none
    first_name: str = ""  # registration only
    last_name: str = ""


class ReadOnlyTasks:
    """A TaskService for a database whose schema is not this app's: reads go through,
    every write is refused with the plain sentence ``refusal()`` makes."""

    def __init__(self, inner: TaskService, refusal: Callable[[], TodoError]) -> None:
        self._inner = inner
        self._refusal = refusal

    def _refuse(self) -> NoReturn:
        raise self._refusal()

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        return self._inner.counts(now, zone)

    def change_cursor(self) -> ChangeCursor | None:
        # A schema of another version may read changes another way, or not at all: none are
        # read, and other devices' edits show when the list is read again.
        return None

    def changed_since(self, cursor: ChangeCursor, limit: int = 500) -> ChangedTasks:
        return ChangedTasks()

    def removed_since(self, cursor: ChangeCursor, limit: int = 500) -> RemovedTasks:
        return RemovedTasks()

    def create(self, draft: TaskDraft) -> Task:
        self._refuse()

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        self._refuse()

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        self._refuse()

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        self._refuse()

    def delete_unchanged(self, versions: Mapping[uuid.UUID, datetime | None]) -> BatchOutcome:
        self._refuse()

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        self._refuse()

    def import_many(self, snapshots: Sequence[Task]) -> ImportOutcome:
        self._refuse()

    def tags(self) -> list[TagCount]:
        return self._inner.tags()

    def rename_tag(self, old: str, new: str) -> int:
        self._refuse()

    def delete_tag(self, name: str) -> TagRemoval:
        self._refuse()

    def restore_tag(self, removal: TagRemoval) -> int:
        self._refuse()

    def list(self, query: TaskQuery) -> TaskPage:  # last: its name would shadow list[...] above
        return self._inner.list(query)


class ProfileGateway(Protocol):
    """Connection profiles and accounts on shared databases, for the dialogs.

    ``profiles`` and ``profile`` read memory only. Every other method may touch the
    keyring, the disk or the network: call it on a worker. Failures raise TodoError with
    one sentence (sign-in failures always the same generic one).
    """

    def profiles(self) -> Profiles: ...
    def profile(self, profile_id: str) -> Profile: ...
    def set_active(self, profile_id: str) -> Profiles: ...
    def save_profile(self, profile: Profile, password: str | None) -> Profile: ...
    def remove_profile(self, profile_id: str) -> Profiles: ...
    def keyring_problem(self) -> str | None: ...
    def needs_password(self, profile_id: str) -> bool: ...
    def test_connection(self, profile: Profile, password: str | None) -> ConnectionReport: ...
    def resume(self, profile_id: str) -> Workspace | None: ...
    def sign_in(self, profile_id: str, credentials: Credentials) -> Workspace: ...
    def register(self, profile_id: str, credentials: Credentials) -> Workspace: ...
    def sign_out(self, profile_id: str) -> str: ...
    def sign_out_everywhere(self, profile_id: str) -> int: ...
