"""``todo-desktop db backup --database-url OWNER_URL FILE``: a backup of a shared database.

One ``pg_dump`` in custom format (``pg_restore`` reads it), made with the ``pg_dump`` this
app carries for its own database: newer than or as new as any server the app supports, which
is what pg_dump needs. It connects to the direct host, as migrations do: a transaction pooler
(Neon's ``-pooler`` hosts, PgBouncer) is refused with one sentence.

The password goes to the child in a 0600 password file in a private folder, deleted after;
never on its command line (which every user of the machine can read) nor in its output.
FILE is written under a temporary name beside it (0600) and renamed when complete, so a cut
short backup never looks whole, and an older FILE stays until the new one is complete.

The role must read every row: a superuser or one with BYPASSRLS (Neon's owner role has it).
A role subject to row-level security would make a backup that silently misses rows, so it
is refused up front.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy import text

from todo_desktop.cli.admin_commands import URL_ENV, direct_target
from todo_desktop.core.errors import ConfigurationError
from todo_desktop.db.connect.engine import single_connection
from todo_desktop.db.connect.urls import ConnectionTarget
from todo_desktop.db.local.backups import BackupError, filled_up, password_file, run_pg_tool
from todo_desktop.machine.atomic_file import fsync_folder


def _reads_every_row(target: ConnectionTarget) -> None:
    with single_connection(target) as conn:
        row = conn.execute(
            text("SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user")
        ).first()
    if row is None or not row[0]:
        user = target.url.username or "this role"
        raise ConfigurationError(
            f"{user} is subject to row-level security, so a backup would miss other people's rows; "
            "use a role with BYPASSRLS (Neon's owner role has it) or a superuser."
        )


_SECRET_KEYS = ("password",)  # libpq takes one in the URL's query as readily as before the host


def _password(target: ConnectionTarget) -> str | None:
    if target.url.password is not None:
        return str(target.url.password)
    value = target.url.query.get("password")
    return ",".join(value) if isinstance(value, tuple) else value


def _libpq_params(target: ConnectionTarget) -> dict[str, str]:
    """Where and how to connect, as libpq keywords, the password left out (wherever the URL
    had it): these go on pg_dump's command line."""
    url = target.url
    params: dict[str, str] = {}
    for key, value in url.query.items():
        if key not in _SECRET_KEYS:
            params[key] = ",".join(value) if isinstance(value, tuple) else str(value)
    where: dict[str, object] = {"host": url.host, "port": url.port, "user": url.username}
    where["dbname"] = url.database
    params.update({k: str(v) for k, v in where.items() if v is not None and v != ""})
    params.setdefault("application_name", "todo-desktop backup")
    return params


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def _writable(final: Path) -> Path:
    """``final``, if a backup may be written there: the backup replaces it by renaming, so
    anything but a plain file (a folder, a device such as /dev/stdout, a link) is refused."""
    if final.is_dir():
        raise ConfigurationError(f"{final} is a folder; give the name of the backup file to write.")
    if final.is_symlink() or (final.exists() and not final.is_file()):
        raise ConfigurationError(f"{final} is not a plain file; give the name of the backup file to write.")
    if not final.parent.is_dir():
        raise ConfigurationError(f"There is no folder {final.parent} to write the backup in.")
    return final


def db_backup(url: str | None, file: str, out: TextIO | None = None) -> int:
    from psycopg.conninfo import make_conninfo

    out = out or sys.stdout
    if not (url or os.environ.get(URL_ENV)):
        raise ConfigurationError(
            f"Give the shared database's owner URL (--database-url or {URL_ENV}); "
            "this computer's own database is backed up from File > Back Up Now."
        )
    target = direct_target(url)  # refuses a pooled endpoint with one sentence
    final = _writable(Path(file).expanduser().absolute())
    _reads_every_row(target)
    conninfo = make_conninfo(**_libpq_params(target))
    partial = final.parent / f".{final.name}.{secrets.token_hex(4)}.partial"
    try:
        # Made 0600 before pg_dump writes into it: a dump holds every person's data.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with password_file(_password(target)) as env:
            args = ["--no-password", "--format=custom", f"--file={partial}", f"--dbname={conninfo}"]
            try:
                run_pg_tool("pg_dump", args, env, failed="pg_dump failed, so nothing was written")
            except BackupError as exc:
                if filled_up(final.parent, exc.message):  # asked while the part written takes the room
                    raise ConfigurationError(
                        f"The disk that holds {final.parent} is full, so no backup was written; "
                        "free some space on it, or give a file on another disk, and try again."
                    ) from exc
                raise
        os.replace(partial, final)
        fsync_folder(final.parent)
    except OSError as exc:
        raise ConfigurationError(
            f"The backup could not be written in {final.parent}: {exc.strerror or exc}."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    where = f"{target.url.database} at {target.address}"
    print(f"Backed up {where} to {final} ({_size(final.stat().st_size)}).", file=out)
    return 0
