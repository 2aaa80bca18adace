"""What another connection can read of the app's statements in ``pg_stat_activity``.

``ActivitySpy`` polls the view from a superuser connection in a thread of its own and keeps
every query text it sees from one role. Polling alone can miss a statement that runs in a
millisecond, so ``gated`` also holds a lock that every statement resolving a session must
wait for, and lets the app's statements through one at a time, each only once the spy has
read it while it waited: a statement that carries a session token is never missed. Two gate
connections take turns, the next one queued before the current one opens, so no statement
slips through between them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import psycopg

T = TypeVar("T")
# Every statement that sets a session token also looks that session up.
GATE = "todo_auth.sessions"
_WAITING = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)"
_POLL = (
    "SELECT pid, query_start, wait_event_type = 'Lock', query FROM pg_stat_activity "
    "WHERE datname = current_database() AND usename = %s AND pid <> pg_backend_pid()"
)


class ActivitySpy:
    def __init__(self, connect: Callable[[], psycopg.Connection], role: str) -> None:
        self._connect = connect
        self._role = role
        self.texts: set[str] = set()  # every query text seen
        self.held: list[str] = []  # the texts of statements seen waiting at the gate
        self._waiters: list[tuple[int, datetime]] = []
        self._known: set[tuple[int, datetime]] = set()
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="activity-spy", daemon=True)

    def __enter__(self) -> ActivitySpy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        try:
            with self._connect() as conn:
                while not self._stop.is_set():
                    rows = conn.execute(_POLL, (self._role,)).fetchall()
                    with self._changed:
                        for pid, started, waiting, query in rows:
                            self.texts.add(query)
                            if waiting and (pid, started) not in self._known:
                                self._known.add((pid, started))
                                self.held.append(query)
                                self._waiters.append((pid, started))
                                self._changed.notify_all()
        except BaseException as exc:  # reported by __exit__, on the test's thread
            self._failure = exc
            with self._changed:
                self._changed.notify_all()

    def _next_waiter(self, timeout: float) -> bool:
        """Whether a statement not seen before was found waiting at the gate."""
        with self._changed:
            self._changed.wait_for(lambda: self._waiters or self._failure is not None, timeout)
            if self._failure is not None:
                raise AssertionError("the activity spy stopped") from self._failure
            if self._waiters:
                self._waiters.pop(0)
                return True
            return False

    def gated(self, gate: psycopg.Connection, work: Callable[[], T], limit: float = 20.0) -> T:
        """``work()`` on a worker thread while ``gate`` (a superuser connection) holds the
        gate shut, opened for one waiting statement at a time once the spy has read it."""
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = work()
            except BaseException as exc:
                outcome["error"] = exc

        def shut(conn: psycopg.Connection) -> None:
            conn.execute("BEGIN")
            conn.execute(f"LOCK TABLE {GATE} IN ACCESS EXCLUSIVE MODE")

        def queued(conn: psycopg.Connection, holder: psycopg.Connection) -> bool:
            pid = conn.info.backend_pid
            return bool(holder.execute(_WAITING, (pid,)).fetchone()[0])

        worker = threading.Thread(target=run, name="gated-work", daemon=True)
        deadline = time.monotonic() + limit
        with self._connect() as other:
            gates, holding = [gate, other], 0
            shut(gates[holding])
            worker.start()
            try:
                while worker.is_alive():
                    assert time.monotonic() < deadline, "the app's work did not finish"
                    if not self._next_waiter(0.05):
                        continue
                    # The other gate asks for the lock before this one lets the statement
                    # through, so it queues behind that statement and ahead of the app's next:
                    # there is no moment when the gate is open to a statement not yet seen.
                    following = gates[1 - holding]
                    locker = threading.Thread(target=shut, args=(following,), daemon=True)
                    locker.start()
                    while not queued(following, gates[holding]):
                        assert time.monotonic() < deadline, "the gate did not queue"
                        time.sleep(0.001)
                    gates[holding].execute("COMMIT")
                    holding = 1 - holding
                    while locker.is_alive():  # granted once the let-through transaction ends
                        assert time.monotonic() < deadline, "the app's transaction did not end"
                        locker.join(0.05)
            finally:
                # The holder first: a gate still asking for the lock waits for it, and would
                # keep its own connection busy (a COMMIT sent there first would never return).
                for conn in (gates[holding], gates[1 - holding]):
                    conn.execute("COMMIT")
                worker.join(limit)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]  # type: ignore[no-any-return]
