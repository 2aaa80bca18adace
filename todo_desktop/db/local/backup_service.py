"""Backups of this computer's database, as the window asks for them (``BackupService``).

It works on the embedded server the Local profile opened, and only once it is open. The
window calls it on its write worker, so a backup or a restore comes after every edit made
before it, in order.

A restore replaces the database under the open app, so before it starts:
- edits waiting in the outbox are sent; if some still wait (the database refused to take
  them, or a conflict waits for the person), the restore is refused with a sentence: they
  would be sent to the restored database later, or lost with the replaced one;
- the workspace's connections are given back (the swap ends any it still holds), and the
  window has closed the workspace, so nothing new is asked of it meanwhile.
After it, the app signs in to the restored database (a backup made before this run knows
nothing of the session it holds now) and the outbox sends through that new session.

This module is imported when the window is built: everything heavy is imported in the
methods, on the worker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from todo_desktop.core.app_services import BackupEntry
from todo_desktop.core.errors import TodoError
from todo_desktop.db.local.backup_policy import local_now

if TYPE_CHECKING:
    from todo_desktop.core.ports import TaskService
    from todo_desktop.db.local.backup_policy import Backup
    from todo_desktop.db.local.workspace import LocalWorkspace
    from todo_desktop.db.passwords import KdfCost
    from todo_desktop.machine.secret_store import SecretStore

NOT_OPEN = "Backups are of this computer's database, which is not open yet; choose the Local profile first."
GONE = "That backup is no longer there; choose another."


def edits_waiting(count: int) -> str:
    edits = "1 edit is" if count == 1 else f"{count:,} edits are"
    return (
        f"{edits} still waiting to be saved, so nothing was restored: "
        "restore once they are saved, or they would be lost."
    )


class Outbox(Protocol):
    """What a restore needs of the workspace's outbox (``sync.outbox.DurableTasks``)."""

    def pending_count(self) -> int: ...
    def flush(self) -> object: ...
    def use(self, inner: TaskService) -> None: ...


class LocalBackups:
    """``BackupService`` over the open Local workspace.

    ``data`` is the data folder (the backups are in its ``backups`` folder); ``local`` gives
    the open workspace and its outbox, or None while Local is not open; ``secrets`` the store
    its key is kept in (to sign in again after a restore).
    """

    def __init__(
        self,
        data: Path,
        local: Callable[[], tuple[LocalWorkspace, Outbox] | None],
        secrets: Callable[[], SecretStore],
        *,
        kdf_cost: KdfCost | None = None,
        clock: Callable[[], datetime] = local_now,  # the local calendar
    ) -> None:
        self._data = data
        self._local = local
        self._secrets = secrets
        self._kdf_cost = kdf_cost
        self._clock = clock

    @property
    def _folder(self) -> Path:
        from todo_desktop.db.local.backup_policy import backups_folder

        return backups_folder(self._data)

    def _open(self) -> tuple[LocalWorkspace, Outbox]:
        opened = self._local()
        if opened is None:
            raise TodoError(NOT_OPEN)
        return opened

    def backups(self) -> list[BackupEntry]:
        from todo_desktop.db.local.backup_policy import list_backups, weekly_only

        self._open()
        found = list_backups(self._folder)
        weekly = weekly_only(found, self._clock())
        return [_entry(b, weekly=b.path in weekly) for b in found]

    def back_up_now(self) -> BackupEntry:
        from todo_desktop.db.local.backups import back_up

        local, _ = self._open()
        with local.backup_lock:  # the daily backup's too: one backup or restore at a time
            made = back_up(local.server, self._folder, self._clock(), manual=True)
        return _entry(made, weekly=False)

    def restore(self, key: str) -> BackupEntry:
        from todo_desktop.db.local.restore import restore

        local, outbox = self._open()
        with local.backup_lock:
            backup = self._find(key)
            self._send_waiting_edits(outbox)
            local.db.dispose()  # the pool's connections; the swap ends any a job still holds
            try:
                before = restore(local.server, backup, self._folder, self._clock())
            finally:
                local.db.dispose()  # connections made meanwhile go to whichever database is there
            self._sign_in_again(local, outbox)
        return _entry(before, weekly=False)

    def _find(self, key: str) -> Backup:
        from todo_desktop.db.local.backup_policy import list_backups

        found = next((b for b in list_backups(self._folder) if b.path.name == key), None)
        if found is None:
            raise TodoError(GONE)
        return found

    @staticmethod
    def _send_waiting_edits(outbox: Outbox) -> None:
        if outbox.pending_count():
            with contextlib.suppress(TodoError):  # still waiting: said below
                outbox.flush()
        if outbox.pending_count():
            raise TodoError(edits_waiting(outbox.pending_count()))

    def _sign_in_again(self, local: LocalWorkspace, outbox: Outbox) -> None:
        import psycopg

        from todo_desktop.db.local.setup import sign_in_local
        from todo_desktop.db.local.workspace import LOCAL_DATABASE
        from todo_desktop.db.passwords import DEFAULT_COST

        try:
            with psycopg.connect(local.server.superuser_dsn(LOCAL_DATABASE), autocommit=True) as su:
                # As at start: the kept key signs in, or the account is given a new one.
                local.signed_in = sign_in_local(
                    local.accounts, su, self._secrets(), self._kdf_cost or DEFAULT_COST
                )
        except (psycopg.Error, TodoError) as exc:
            raise TodoError(
                "The backup was restored, but signing in to it failed; restart Todo Desktop to go on."
            ) from exc
        outbox.use(local.tasks)


def _entry(backup: Backup, *, weekly: bool) -> BackupEntry:
    counts = backup.counts()
    kind = (
        "before restore"
        if backup.before_restore
        else "manual"
        if backup.manual
        else "weekly"
        if weekly
        else "daily"
    )
    try:
        size = backup.size
    except OSError:  # pruned by another backup meanwhile
        size = 0
    return BackupEntry(
        key=backup.path.name,
        made_at=backup.made_at,
        kind=kind,
        tasks=counts.get("tasks") if counts is not None else None,
        size=size,
    )
