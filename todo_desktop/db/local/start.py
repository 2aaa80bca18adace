"""The embedded server's start, on a thread of its own, begun before anyone needs it.

Starting PostgreSQL is mostly a wait for a subprocess (``pg_ctl start -w``), which needs
neither Python nor the GIL. ``open_local`` begins it first, then imports the data layer
(about 0.4 s of GIL-bound work), so the wait passes during the imports instead of after
them. This module imports nothing heavy (no psycopg, no SQLAlchemy) for the same reason;
the server's own package is imported before the thread begins (see ``begin``).

The setup lock (one process at a time through server start, schema and account) is taken
here, before the server starts, and held until the caller's ``setup()`` block ends: the
same span it has always covered, only begun on another thread. A file lock belongs to the
process, not to a thread, so handing it over is sound.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import fasteners

from todo_desktop.db.local.embedded import EmbeddedServer, Listening
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

log = logging.getLogger(__name__)

SETUP_LOCK = ".setup.lock"


class LocalStart:
    """One start of the local server, for exactly one ``setup()``.

    ``begin()`` runs it on a thread at once; without it, ``setup()`` runs it on the caller's
    thread.
    """

    def __init__(
        self,
        paths: AppPaths,
        *,
        keep_server_running: bool = False,
        say: Callable[[str], None] | None = None,
        secrets: SecretStore | None = None,
        listening: Listening | None = None,
    ) -> None:
        """``listening`` None: as this platform wants (``Listening.for_this_platform``)."""
        self._paths = paths
        self._secrets = secrets
        self._listening = listening
        self._say = say  # told what a long step is doing ("Upgrading your database…")
        self._keep_running = keep_server_running
        self._lock = fasteners.InterProcessLock(str(paths.data / SETUP_LOCK))
        self._server: EmbeddedServer | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._claim = threading.Lock()
        self._claimed = False

    def begin(self) -> LocalStart:
        # What the start imports is imported here, before its thread: the caller goes on to
        # import the data layer, which imports the server's package too, and two threads
        # importing one package at once can deadlock in Python's import locks (a submodule's
        # lock taken before its package's). The thread would import it first thing anyway.
        import todo_desktop.db.local.loopback  # noqa: F401  (the server's package with it)

        # Not a daemon: cut off at exit, a half-done start would leave pgserver's list of
        # the processes using the server without this one while the server runs.
        self._thread = threading.Thread(target=self._run_ahead, name="local-server-start")
        self._thread.start()
        return self

    def _run_ahead(self) -> None:
        try:
            self._start()
        except BaseException as exc:  # raised where the server is wanted, in open_local
            self._error = exc

    def _start(self) -> None:
        self._paths.ensure()
        self._lock.acquire()
        try:
            server = EmbeddedServer(
                self._paths.data,
                keep_running=self._keep_running,
                say=self._say,
                listening=self._listening,
                secrets=self._secrets,
            )
            server.start()
        except BaseException:
            self._lock.release()
            raise
        self._server = server

    def _take(self) -> None:
        with self._claim:
            if self._claimed:
                raise RuntimeError("This start of the local server has been used already.")
            self._claimed = True

    @contextmanager
    def setup(self) -> Iterator[EmbeddedServer]:
        """The running server, with the setup lock held until the block ends."""
        self._take()
        if self._thread is None:
            self._start()
        else:
            self._thread.join()
            if self._error is not None:
                raise self._error
        assert self._server is not None
        try:
            yield self._server
        finally:
            self._lock.release()

    def abandon(self) -> None:
        """For a start ``setup()`` never took (its caller failed first): stop the server and
        free the lock, which would otherwise keep every other process waiting."""
        try:
            self._take()
        except RuntimeError:
            return  # taken: whoever took it owns the server
        if self._thread is not None:
            self._thread.join()
        if self._server is not None:
            log.info("The local database server was started but not used; stopping it")
            try:
                self._server.stop()
            finally:
                self._lock.release()
