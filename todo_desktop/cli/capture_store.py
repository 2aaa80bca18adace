"""The command's own way to the database, for when no window takes its request.

It opens a profile's workspace as the window does (``todo_desktop.__main__``): Local starts
or joins the embedded server and signs in to the automatic account, and stops the server
again if this was its last user, as the window does at quit; a shared profile resumes the
session kept in the keyring. With ``outbox`` (only while holding the instance lock, so no
window has the same file open) writes go through the workspace's outbox, so an edit made
while the database is away is kept and sent later, by the next command or the window.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Protocol

from todo_desktop import APP_ID
from todo_desktop.core.errors import NotSignedInError, TodoError
from todo_desktop.core.ports import PendingEdits, TaskService
from todo_desktop.core.reminders import ReminderGateway
from todo_desktop.core.smart_lists import default_sort, query_for
from todo_desktop.core.values import (
    BatchOutcome,
    SmartList,
    SortKey,
    Status,
    Task,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskPage,
    TaskQuery,
)
from todo_desktop.machine.log_files import open_log_file
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

log = logging.getLogger(__name__)

PAGE = 1000  # the data layer's largest page
OUTBOX_FOLDER = "outbox"  # as the window's, under the data folder


class CommandTasks(Protocol):
    """What the commands ask of a workspace's tasks (a TaskService, outbox or not)."""

    def create(self, draft: TaskDraft) -> Task: ...
    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome: ...
    def list(self, query: TaskQuery) -> TaskPage: ...


@dataclass
class Opened:
    tasks: TaskService
    outbox: PendingEdits | None
    account_id: uuid.UUID
    warning: str | None = None  # a loud one, e.g. a role that bypasses row-level security
    reminders: ReminderGateway | None = None  # for the reminders a file carries in or out

    def pending(self) -> int:
        """Edits still waiting in the outbox for the database."""
        return self.outbox.pending_count() if self.outbox is not None else 0

    def problems(self) -> list[str]:
        """Sentences about earlier edits the outbox sent and the database refused for good."""
        return self.outbox.take_problems() if self.outbox is not None else []


@contextmanager
def opened(paths: AppPaths, profile_id: str, *, outbox: bool) -> Iterator[Opened]:
    _log_to_file(paths)
    from todo_desktop.core.profiles import LOCAL_ID

    if profile_id == LOCAL_ID:
        with _local(paths, outbox=outbox) as workspace:
            yield workspace
    else:
        with _shared(paths, profile_id, outbox=outbox) as workspace:
            yield workspace


def _log_to_file(paths: AppPaths) -> None:
    root = logging.getLogger()
    if not root.handlers:  # no -v: errors only on stderr (the window's notes are not for a terminal)
        console = logging.StreamHandler()
        console.setLevel(logging.ERROR)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
        root.setLevel(logging.INFO)
    try:
        root.addHandler(open_log_file(paths.logs))
    except OSError as exc:  # a read-only home must not stop the command
        log.warning("Not logging to a file: %s", exc)


@contextmanager
def _local(paths: AppPaths, *, outbox: bool) -> Iterator[Opened]:
    from todo_desktop.db.local.opener import open_local
    from todo_desktop.db.reminders import ReminderRepository
    from todo_desktop.sync.outbox import outbox_for

    secrets = SecretStore(APP_ID, paths.secrets, allow_file_fallback=True)
    # keep_server_running=False, as the window: the server stops with its last user.
    local = open_local(paths, secrets)
    try:
        account = local.signed_in.account.id
        reminders = ReminderRepository(local.db, local.signed_in.token)
        if outbox:
            durable = outbox_for(paths.data / OUTBOX_FOLDER, "local", local.tasks)
            yield Opened(durable, durable, account, reminders=reminders)
        else:
            yield Opened(local.tasks, None, account, reminders=reminders)
    finally:
        local.close()


@contextmanager
def _shared(paths: AppPaths, profile_id: str, *, outbox: bool) -> Iterator[Opened]:
    from todo_desktop.db.shared.gateway import SharedDatabases
    from todo_desktop.machine.profile_store import ProfileStore

    gateway = SharedDatabases(
        ProfileStore(paths.config),
        # As the window: a shared profile's secrets never fall back to a file.
        lambda: SecretStore(APP_ID, None, allow_file_fallback=False),
        outbox_folder=paths.data / OUTBOX_FOLDER if outbox else None,
    )
    try:
        profile = gateway.profile(profile_id)
        workspace = gateway.resume(profile_id)
        if workspace is None:
            raise NotSignedInError(
                f"You are not signed in to “{profile.name}”: sign in once in Todo Desktop with "
                "“Stay signed in” ticked, then try again."
            )
        if workspace.warning:
            log.warning("%s", workspace.warning)
        yield Opened(
            workspace.tasks, workspace.outbox, workspace.account.id, workspace.warning, workspace.reminders
        )
    finally:
        gateway.close()


def _all(tasks: CommandTasks, query: TaskQuery) -> list[Task]:
    found: list[Task] = []
    page = tasks.list(query)
    found.extend(page.tasks)
    while page.next_cursor is not None:
        page = tasks.list(replace(query, after=page.next_cursor))
        found.extend(page.tasks)
    return found


def smart_list(tasks: CommandTasks, which: SmartList, now: datetime, zone: tzinfo) -> list[Task]:
    """Every task of a smart list, in its usual order."""
    base = TaskQuery(sort=default_sort(which), limit=PAGE)
    return _all(tasks, query_for(which, now, zone, base=base))


def tagged(tasks: CommandTasks, tag: str) -> list[Task]:
    """Every open task with ``tag`` (any case), soonest due first."""
    return _all(tasks, TaskQuery(tag=tag, sort=SortKey.DUE, limit=PAGE))


def by_prefixes(tasks: CommandTasks, prefixes: Sequence[str]) -> list[Task]:
    """The one task each id prefix names (hex digits, no dashes), in the order given."""
    everything = _all(tasks, TaskQuery(status=Status.ALL, sort=SortKey.CREATED, limit=PAGE))
    chosen: dict[str, Task] = {}
    for prefix in prefixes:
        matches = [t for t in everything if t.id.hex.startswith(prefix)]
        if not matches:
            raise TodoError(f"No task has an id starting with {prefix}.")
        if len(matches) > 1:
            raise TodoError(f"The id prefix {prefix} matches {len(matches)} tasks; give more of its digits.")
        chosen.setdefault(str(matches[0].id), matches[0])
    return list(chosen.values())


def complete(tasks: CommandTasks, chosen: Sequence[Task]) -> None:
    """Mark them done in one transaction, whatever version each is at; a repeating one makes
    its next occurrence, as in the window."""
    from todo_desktop.core.clock import LocalZone, utc_now
    from todo_desktop.core.repeats import next_occurrence

    now, zone = utc_now(), LocalZone()
    done = TaskChanges(completed=True)
    outcome = tasks.update_many([TaskEdit(t.id, done, None, next_occurrence(t, now, zone)) for t in chosen])
    if outcome.gone:
        raise TodoError("A task was deleted before it could be completed.")
