"""The embedded default: a private server, its schema kept current, and an automatic
local account, so a first launch lands in an empty task list with no forms.

The account's derived key lives in the OS keyring (or a 0600 file beside the database);
keeping the key rather than a password means no argon2 wait at each start.

When an operation has to wait for a connection, the server is checked: one killed while the
app runs is started again at once (``EmbeddedServer.revive``), and the operation goes on.

This module is light on purpose: ``open_local`` starts the server on a thread of its own
first, and only then imports the data layer (``local_setup``: SQLAlchemy, psycopg, pydantic,
about 0.4 s of GIL-bound work), so the server's start-up passes during the imports instead
of after them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from todo_desktop.core.reachability import Reachability
from todo_desktop.db.local.embedded import Listening
from todo_desktop.db.local.start import LocalStart
from todo_desktop.db.passwords import DEFAULT_COST, KdfCost
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

if TYPE_CHECKING:
    from todo_desktop.db.local.workspace import LocalWorkspace


def open_local(
    paths: AppPaths,
    secrets: SecretStore,
    *,
    kdf_cost: KdfCost = DEFAULT_COST,
    keep_server_running: bool = False,
    reachability: Reachability | None = None,
    listening: Listening | None = None,
    daily_backup: bool = False,
) -> LocalWorkspace:
    """Start (or join) the embedded server and sign in to the local account.

    ``reachability`` hears when an operation waits for the server (a restart, say).
    ``listening`` None: as this platform wants; the tests force LOOPBACK on Linux.
    ``daily_backup``: back the database up in the background on each day it is open (the
    app's own start; not the tests', whose servers come and go)."""
    say = reachability.say if reachability is not None else None
    start = LocalStart(
        paths, keep_server_running=keep_server_running, say=say, secrets=secrets, listening=listening
    ).begin()
    try:
        from todo_desktop.db.local.setup import set_up

        workspace = set_up(start, secrets, kdf_cost=kdf_cost, reachability=reachability)
        if daily_backup:
            from todo_desktop.db.local.backup_policy import backups_folder
            from todo_desktop.db.local.backups import DailyBackups

            workspace.daily = DailyBackups(
                workspace.server, backups_folder(paths.data), lock=workspace.backup_lock
            ).start()
        return workspace
    finally:
        start.abandon()  # only when set_up never took the server: then nothing else stops it
