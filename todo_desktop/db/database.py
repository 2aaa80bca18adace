"""One transaction per job, with the session token set inside it; or, for one todo_api
call, one statement that sets the token itself (``Database.call``).

``set_config(..., true)`` lasts only until COMMIT, so the token never lingers on a
pooled server connection (PgBouncer in transaction mode may hand that connection to
someone else next), and it is sent as a bound parameter so it never appears in
``pg_stat_activity``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from psycopg import errors as pg
from sqlalchemy import Connection, Engine, Executable, Row, event
from sqlalchemy.exc import DBAPIError

from todo_desktop.core.errors import NotSignedInError
from todo_desktop.core.reachability import Reachability
from todo_desktop.db.connect import deadline
from todo_desktop.db.connect.error_mapping import SESSION_ENDED, map_error
from todo_desktop.db.connect.retry import Verdict, classify, with_retries
from todo_desktop.db.connect.urls import ConnectionTarget
from todo_desktop.db.task_errors import map_task_error

T = TypeVar("T")
log = logging.getLogger(__name__)

# The volatile set_config in a FROM subquery runs before the outer projection, so one
# round trip both sets the token and says whether it names a live session.
_BEGIN_SESSION = (
    "SELECT todo_auth.current_user_id() FROM (SELECT set_config('todo.session_token', %(token)s, true)) AS s"
)
# A connect slower than this is a database waking (or a network struggling): say so.
SLOW_CONNECT_SECONDS = 1.0


class Database:
    """The shared engine plus the rules for running a unit of work on it."""

    def __init__(
        self,
        engine: Engine,
        target: ConnectionTarget,
        *,
        retry_budget: float = 15.0,
        on_wait: Callable[[BaseException, float], None] | None = None,
        reachability: Reachability | None = None,
    ) -> None:
        self.engine = engine
        self.target = target
        self.retry_budget = retry_budget
        self.on_wait = on_wait
        # Told while an operation waits for a connection, so the window can say so.
        self.reachability = reachability if reachability is not None else Reachability()
        self.answer_limit = deadline.LIMIT_SECONDS
        # Set once the server refuses a write in autocommit (see ``call``).
        self._declare_writes = False
        self._watchdog = deadline.Watchdog()
        # A waking Neon compute often accepts the TCP connection and holds it until it
        # runs: no error, no retry, just a slow connect. The running operation's
        # ``waiting`` lives here, per thread, for the connect events to find.
        self._operation = threading.local()
        event.listen(engine, "do_connect", self._connect_started)
        event.listen(engine, "connect", self._connect_finished)

    @contextmanager
    def transaction(self, token: str | None) -> Iterator[Connection]:
        with self.engine.begin() as conn, self._answer_within(conn):
            # The todo_api functions find the user themselves; asking here turns an ended
            # session into "sign in again" before any work is tried.
            if token and conn.exec_driver_sql(_BEGIN_SESSION, {"token": token}).scalar() is None:
                raise NotSignedInError(SESSION_ENDED)
            yield conn

    def _answer_within(self, conn: Connection) -> AbstractContextManager[None]:
        """The client's own time limit on the database's answers (see db/deadline.py)."""
        waiting = getattr(self._operation, "waiting", None)
        dbapi_connection = conn.connection.dbapi_connection
        return deadline.answer_within(
            dbapi_connection, self._watchdog, waiting=waiting, limit=self.answer_limit
        )

    def run(self, token: str | None, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction, retrying lost connections and serialization
        failures. ``work`` must be idempotent: after an unknown COMMIT outcome it runs again.
        """

        def attempt() -> T:
            with self.transaction(token) as conn:
                return work(conn)

        return self._retrying(attempt)

    def call(
        self, token: str, statement: Executable, params: Mapping[str, Any], *, write: bool = False
    ) -> list[Row[Any]]:
        """The rows of one todo_api call that sets the session itself (it binds ``:token``;
        see task_sql). One round trip, a write too: in autocommit the statement is its own
        transaction, as atomic, and the token lasts exactly as long. Where the server will
        not write outside a declared read-write transaction (``default_transaction_read_only``
        set on the role, or left on a pooled server connection), writes go in BEGIN READ
        WRITE ... COMMIT from then on. Retried like ``run``, so the statement must be
        idempotent."""
        args = {**params, "token": token}

        def attempt() -> list[Row[Any]]:
            if write and self._declare_writes:
                with self.engine.begin() as conn, self._answer_within(conn):
                    return list(conn.execute(statement, args).all())
            try:
                with self.engine.connect() as conn, self._answer_within(conn):
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    return list(conn.execute(statement, args).all())
            except DBAPIError as exc:
                if not (write and isinstance(exc.orig, pg.ReadOnlySqlTransaction)):
                    raise
            log.warning("The database refused a write outside a read-write transaction; declaring them")
            self._declare_writes = True
            return attempt()

        return self._retrying(attempt)

    def _retrying(self, attempt: Callable[[], T]) -> T:
        with self.reachability.operation() as waiting:

            def on_wait(exc: BaseException, delay: float) -> None:
                if classify(exc) is Verdict.RECONNECT:  # not a lost race: that is no outage
                    waiting()
                self._waiting(exc, delay)

            self._operation.waiting = waiting
            try:
                return with_retries(attempt, budget=self.retry_budget, on_wait=on_wait)
            except Exception as exc:
                raise (map_task_error(exc) or map_error(exc, where=self.target.described)) from exc
            finally:
                self._operation.waiting = None
                self._connect_finished()

    def _connect_started(self, *_args: object) -> None:
        """``do_connect``: a new connection is being opened on this thread; returning
        None lets SQLAlchemy open it as usual."""
        self._connect_finished()  # an earlier attempt's connect failed: its timer is moot
        waiting = getattr(self._operation, "waiting", None)
        if waiting is not None:
            timer = threading.Timer(SLOW_CONNECT_SECONDS, waiting)
            timer.daemon = True
            timer.start()
            self._operation.timer = timer

    def _connect_finished(self, *_args: object) -> None:
        timer = getattr(self._operation, "timer", None)
        if timer is not None:
            timer.cancel()
            self._operation.timer = None

    def _waiting(self, exc: BaseException, delay: float) -> None:
        log.info("Database not answering (%s); retrying in %.2f s", type(exc).__name__, delay)
        if self.on_wait is not None:
            self.on_wait(exc, delay)

    def dispose(self) -> None:
        self.engine.dispose()
