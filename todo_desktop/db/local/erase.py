"""Erasing this computer's data: the embedded database, its backups, the Local profile's
outbox and its secrets. The server must have stopped first (``LocalWorkspace.close``).

Only named entries of the app's own data folder go, and nothing is followed out of it: a
link found there is removed as a link, never what it points to, and an entry whose folder
resolves outside the data folder is left alone. The instance lock and the start-up lock stay:
the running app holds them.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from todo_desktop.core.errors import TodoError
from todo_desktop.db.local.backup_policy import backups_folder
from todo_desktop.db.local.workspace import KEY_SECRET
from todo_desktop.machine.secret_store import SecretStore

log = logging.getLogger(__name__)

OUTBOX_FOLDER = "outbox"  # as the composition root names it
LOCAL_OUTBOX = ("local.jsonl", "local.conflicts")  # the Local workspace's queue, and its conflicts
SECRETS_FILE = "secrets"  # AppPaths.secrets: the 0600 fallback of the Local profile's secrets


def erase_local_data(data: Path, secrets: SecretStore) -> list[Path]:
    """Remove the Local profile's data from ``data``; returns what was removed. TodoError,
    once all else is removed, names what could not be."""
    from todo_desktop.db.local.loopback import ServerPassword

    root = data.resolve()
    pgdata = data / "pgdata"  # EmbeddedServer's folder
    # The secrets first: the store's delete also clears its copy in the fallback file.
    for key in (KEY_SECRET, ServerPassword(pgdata, None).key):
        secrets.delete(key)
    entries = [
        pgdata,
        pgdata.with_name(pgdata.name + ".old"),  # the copy an upgrade keeps until it works
        backups_folder(data),
        *(data / OUTBOX_FOLDER / name for name in LOCAL_OUTBOX),
        data / SECRETS_FILE,
    ]
    removed: list[Path] = []
    left: list[str] = []
    for entry in entries:
        # One entry that will not go (a backup another program holds open, a read-only
        # mount) must not keep the others: the outbox's edits above all, which the fresh
        # database would otherwise be sent.
        try:
            if _remove(entry, root):
                removed.append(entry)
        except OSError as exc:
            log.warning("Could not erase %s", entry, exc_info=True)
            left.append(f"{entry.relative_to(data)}: {exc.strerror or exc}")
    log.info(
        "Erased this computer's data: %s", ", ".join(str(p.relative_to(data)) for p in removed) or "none"
    )
    if left:
        raise TodoError(
            f"Some of this computer's data could not be erased ({'; '.join(left)}); "
            "close any program using it, then erase again."
        )
    return removed


def _remove(path: Path, root: Path) -> bool:
    """Remove ``path`` if it lies in ``root``; a link goes as a link."""
    if not os.path.lexists(path):
        return False
    if not _inside(path.parent.resolve(), root):
        log.warning("Not erasing %s: its folder lies outside the data folder", path)
        return False
    if path.is_symlink() or not path.is_dir():
        path.unlink()
    else:
        # Follows no link inside the tree (on POSIX it works through file descriptors, so a
        # link swapped in meanwhile is not followed either).
        shutil.rmtree(path)
    return True


def _inside(folder: Path, root: Path) -> bool:
    return folder == root or root in folder.parents
