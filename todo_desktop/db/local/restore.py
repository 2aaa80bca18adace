"""Restoring the embedded database from a backup, safely.

1. The file is loaded into a new database beside the live one, and checked there: its schema
   is one this app knows (an older one is upgraded at the next start, as always), and it
   holds exactly the rows its backup counted.
2. The live database is backed up ("before restore"), so the restore itself can be undone.
3. The two are swapped by renaming, in one transaction: the old one is dropped only after
   the swap committed. Nothing is replaced if any step before fails.

Run it while the local workspace is closed: the swap ends every connection to the database.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from todo_desktop.db.local.backups import COUNTED, Backup, BackupError, back_up, run_tool
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.local.workspace import LOCAL_DATABASE
from todo_desktop.db.schema import migrate

NOT_A_BACKUP = "That file is not a backup of this app's database."


def restore(server: EmbeddedServer, backup: Backup, folder: Path, now: datetime) -> Backup:
    """Replace the local database with ``backup``; returns the backup of what it replaced."""
    import psycopg
    from psycopg import sql

    expected = backup.counts()
    if expected is None:
        raise BackupError(f"{NOT_A_BACKUP} (It has no record of what it holds.)")
    trial = f"todo_restore_{secrets.token_hex(4)}"
    with psycopg.connect(server.superuser_dsn("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(trial)))
        try:
            run_tool(
                server, "pg_restore", ["--exit-on-error", "--single-transaction", str(backup.path)], trial
            )
            _verify(server, trial, expected)
            before = back_up(server, folder, now, before_restore=True)
            _swap(admin, trial)
        except BaseException:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(trial)))
            raise
    return before


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


def _swap(admin: object, trial: str) -> None:
    import psycopg
    from psycopg import sql

    assert isinstance(admin, psycopg.Connection)
    old = f"todo_replaced_{secrets.token_hex(4)}"
    ident = sql.Identifier
    # Renaming needs the database free of connections; a new one could arrive between the
    # terminate and the rename, so both happen with connections to it refused.
    admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(ident(LOCAL_DATABASE)))
    try:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (LOCAL_DATABASE,),
        )
        with admin.transaction():
            admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(LOCAL_DATABASE), ident(old)))
            admin.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(ident(trial), ident(LOCAL_DATABASE))
            )
    except BaseException:
        admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(ident(LOCAL_DATABASE)))
        raise
    admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident(old)))
