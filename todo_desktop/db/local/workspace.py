"""The local workspace once it is open: the embedded server, its database and the automatic
local account, and the names they go by."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from todo_desktop.core.values import SignedIn

if TYPE_CHECKING:
    from todo_desktop.db.accounts import AccountService
    from todo_desktop.db.database import Database
    from todo_desktop.db.local.backups import DailyBackups
    from todo_desktop.db.local.embedded import EmbeddedServer
    from todo_desktop.db.tasks import TaskRepository

LOCAL_DATABASE = "todo"
LOCAL_ROLE = "todo_local"
LOCAL_EMAIL = "me@local.invalid"
KEY_SECRET = "local-account:key"  # noqa: S105 - a key name, not a secret
DAILY_JOIN_S = 10.0  # a dump ends soon after its server stops


@dataclass
class LocalWorkspace:
    server: EmbeddedServer
    db: Database
    accounts: AccountService
    signed_in: SignedIn
    daily: DailyBackups | None = None  # the app's own start backs up each day it is open
    # One backup or restore at a time: Back Up Now and Restore (on the window's write worker)
    # and the daily backup (on a thread of its own) all take it. A dump that met a restore's
    # swap would fail, and one made beside Back Up Now only doubles the work.
    backup_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def tasks(self) -> TaskRepository:
        from todo_desktop.db.tasks import TaskRepository

        return TaskRepository(self.db, self.signed_in.token)

    def close(self) -> None:
        if self.daily is not None:
            self.daily.stop()
        self.db.dispose()
        self.server.stop()
        if self.daily is not None:
            # A dump under way ends with the server; waiting for it means nothing of it is
            # written after this (an erase that follows would find a file appear meanwhile).
            self.daily.join(DAILY_JOIN_S)
