"""Restoring the embedded database from a backup, safely.

1. The file is loaded into a new database beside the live one, and checked there: its schema
   is one this app knows, and it holds exactly the rows its backup counted. An older schema
   is upgraded there, and the database-wide settings a dump does not carry (no temporary
   objects for clients) are made again, so what is swapped in is ready for this app.
2. The live database is backed up ("before restore"), so the restore itself can be undone,
   with writes held off by table locks (which die with the process, unlike a revoked
   privilege: a restore cut short leaves the database as it was).
3. The two are swapped by renaming, in one transaction: the old one is dropped only after
   the swap committed. Nothing is replaced if any step before fails.

Run it while the local workspace is closed: the swap ends every connection to the database.
Databases left by a restore cut short (the app killed halfway) are dropped by the next one.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from todo_desktop.db.local.backup_policy import Backup
from todo_desktop.db.local.backups import COUNTED, BackupError, BackupsFolderFull, back_up, run_tool
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.local.workspace import LOCAL_DATABASE
from todo_desktop.db.schema import migrate

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

LOCK_ATTEMPTS = 5  # a deadlock with a write under way ends one attempt, and the write goes on
NOT_A_BACKUP = "That file is not a backup of this app's database."
UNREADABLE = "The backup could not be read, so nothing was replaced"
NEWER = "That backup was made by a newer version of this app; update the app to restore it."
HELD_OFF = "The database is busy with another program's writes, so nothing was replaced; try again"
TRIAL_PREFIX = "todo_restore_"
REPLACED_PREFIX = "todo_replaced_"


def restore(server: EmbeddedServer, backup: Backup, folder: Path, now: datetime) -> Backup:
    """Replace the local database with ``backup``; returns the backup of what it replaced."""
    import psycopg
    from psycopg import sql

    expected = backup.counts()
    if expected is None or any(table not in expected for table in COUNTED):
        raise BackupError(f"{NOT_A_BACKUP} (It has no record of what it holds.)")
    trial = f"{TRIAL_PREFIX}{secrets.token_hex(4)}"
    with psycopg.connect(server.superuser_dsn("postgres"), autocommit=True) as admin:
        _drop_leftovers(admin)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(trial)))
        try:
            try:
                run_tool(
                    server, "pg_restore", ["--exit-on-error", "--single-transaction", str(backup.path)], trial
                )
            except BackupError as exc:
                # pg_restore's own words, after ours: "input file does not appear to be a valid archive".
                raise BackupError(f"{UNREADABLE} ({exc.message.rstrip('.')}).") from exc
            _verify(server, trial, expected)
            _make_ready(server, admin, trial)
            # Writes held off before the copy is made: one committed after it would be in
            # neither the copy nor the restored database.
            with _writes_held(server):
                before = _keep_current(server, folder, now)
                _swap(admin, trial)
        except BaseException:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(trial)))
            raise
    return before


def _lock_every_table(conn: psycopg.Connection) -> None:
    """Every table locked against writes. The tasks first: a task's write takes its other
    tables after it (the owner's row for its foreign key, the counters, the titles' words), so
    such a write under way is waited for here while nothing else is held yet."""
    from psycopg import sql

    tables = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema'"
        " AND left(n.nspname, 3) <> 'pg_'"
        " ORDER BY (n.nspname, c.relname) <> ('public', 'tasks'), n.nspname, c.relname"
    ).fetchall()
    # A transaction some program leaves open would otherwise keep the restore waiting.
    conn.execute("SET LOCAL lock_timeout = '15s'")
    if tables:  # locked one by one in the order listed
        listed = sql.SQL(", ").join(sql.Identifier(schema, name) for schema, name in tables)
        conn.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(listed))


@contextlib.contextmanager
def _writes_held(server: EmbeddedServer) -> Iterator[None]:
    """Every table of the live database locked against writes (reads go on) by a transaction
    of its own, until the swap ends it. Nothing of this outlives the process: killed in the
    middle of a restore (the copy of a large database takes minutes), the app finds its
    database as it was at the next start. A write under way is let finish first, so it is
    in the copy; one that comes later waits, and is ended by the swap, never committed."""
    import psycopg

    conn = psycopg.connect(server.superuser_dsn(LOCAL_DATABASE))
    try:
        for attempt in range(1, LOCK_ATTEMPTS + 1):
            try:
                _lock_every_table(conn)
                break
            except psycopg.Error as exc:
                if isinstance(exc, psycopg.errors.DeadlockDetected) and attempt < LOCK_ATTEMPTS:
                    # A write that took its tables in another order: it goes on once this
                    # lets go, and the next attempt waits for it.
                    conn.rollback()
                    continue
                raise BackupError(f"{HELD_OFF} ({str(exc).strip().rstrip('.')}).") from exc
        yield
    finally:
        with contextlib.suppress(psycopg.Error):  # ended by the swap already, when it came
            conn.rollback()
        conn.close()


def _end_connections(admin: psycopg.Connection) -> None:
    """End every connection to the live database but this one."""
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        (LOCAL_DATABASE,),
    )


def _keep_current(server: EmbeddedServer, folder: Path, now: datetime) -> Backup:
    """The backup of the database about to be replaced, which undoes the restore."""
    try:
        return back_up(server, folder, now, before_restore=True)
    except BackupsFolderFull as exc:
        raise BackupError(
            f"The disk that holds the backups folder is full, so no copy of the current database "
            f"could be kept in {folder} and nothing was restored; free some space on it and try again."
        ) from exc
    except BackupError as exc:
        raise BackupError(
            f"No copy of the current database could be kept, so nothing was replaced: {exc.message}"
        ) from exc


def _verify(server: EmbeddedServer, database: str, expected: dict[str, int]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server.superuser_dsn(database)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
        except psycopg.errors.UndefinedTable:
            raise BackupError(NOT_A_BACKUP) from None
        version = row[0] if row else None
        if version not in migrate.known_revisions():
            if isinstance(version, str) and version.isdigit() and version > migrate.APP_HEAD:
                raise BackupError(NEWER)
            raise BackupError(f"{NOT_A_BACKUP} (Its schema is one this version of the app does not know.)")
        for table in COUNTED:
            found = conn.execute(
                sql.SQL("SELECT count(*) FROM public.{}").format(sql.Identifier(table))
            ).fetchone()
            if not found or int(found[0]) != expected.get(table):
                raise BackupError(
                    f"The backup is damaged: it should hold {expected.get(table)} {table} "
                    f"but {found[0] if found else 0} came back. Nothing was replaced."
                )


def _make_ready(server: EmbeddedServer, admin: object, trial: str) -> None:
    """What the live database has that a dump does not carry: the current schema (an older
    backup is upgraded here, so the app never meets it) and TEMPORARY revoked from clients."""
    import psycopg
    from psycopg import sql

    assert isinstance(admin, psycopg.Connection)
    with psycopg.connect(server.superuser_dsn(trial)) as conn:
        row = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
    if row is None or row[0] != migrate.APP_HEAD:
        migrate.upgrade(server.url("postgres", trial))
    clients = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'todo_app'").fetchone()
    revoke = "REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC" + (", todo_app" if clients else "")
    admin.execute(sql.SQL(revoke).format(sql.Identifier(trial)))


def open_to_clients(server: EmbeddedServer) -> None:
    """Undo what a restore cut short may leave: the live database refusing connections (killed
    in the swap), or CONNECT taken from everyone (killed while an earlier version of this app
    copied it). Done by the superuser from the server's own database, which stays open."""
    import psycopg
    from psycopg import sql

    ident = sql.Identifier(LOCAL_DATABASE)
    with psycopg.connect(server.superuser_dsn("postgres"), autocommit=True) as admin:
        row = admin.execute(
            "SELECT datallowconn, has_database_privilege('public', oid, 'CONNECT')"
            " FROM pg_database WHERE datname = %s",
            (LOCAL_DATABASE,),
        ).fetchone()
        if row is None:
            return
        allowed, public = row
        if not allowed:
            log.warning("The database refused connections, as a restore cut short leaves it; opened again")
            admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(ident))
        if not public:
            log.warning("The database was closed to its role, as a restore cut short leaves it; opened again")
            admin.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO PUBLIC").format(ident))


def _drop_leftovers(admin: object) -> None:
    import psycopg
    from psycopg import sql

    assert isinstance(admin, psycopg.Connection)
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s OR datname LIKE %s",
        (f"{TRIAL_PREFIX}%", f"{REPLACED_PREFIX}%"),
    ).fetchall()
    for (name,) in rows:
        log.info("Dropping %s, left by a restore cut short", name)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _swap(admin: object, trial: str) -> None:
    import psycopg
    from psycopg import sql

    assert isinstance(admin, psycopg.Connection)
    old = f"{REPLACED_PREFIX}{secrets.token_hex(4)}"
    ident = sql.Identifier
    # Renaming needs the database free of connections; a new one could arrive between the
    # terminate and the rename, so both happen with connections to it refused.
    admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(ident(LOCAL_DATABASE)))
    try:
        _end_connections(admin)
        with admin.transaction():
            admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(LOCAL_DATABASE), ident(old)))
            admin.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(trial), ident(LOCAL_DATABASE))
            )
    except BaseException:
        admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(ident(LOCAL_DATABASE)))
        raise
    try:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident(old)))
    except psycopg.Error:
        # The restore is done; the old copy only takes room, and the next restore drops it.
        log.warning("Could not drop %s after a restore", old, exc_info=True)
