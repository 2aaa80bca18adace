"""A time limit on waiting for the database's answer, enforced from this side.

A pooler can answer the connection while the server behind it is gone: PgBouncer then
parks each query in its queue for ``query_wait_timeout`` (two minutes by default) before it
says anything, and a cancel request cannot reach a query that has no server yet. Nor does a
server-side ``statement_timeout`` help. So the client keeps its own clock: a statement that
has not answered after ``slow`` seconds makes the window say the database is not answering,
and after ``limit`` seconds the connection's socket is shut down. The blocked call then
fails as a lost connection does, and the usual retries, the outbox and the banner take over.
Every statement the app sends answers in milliseconds when the database is there.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

SLOW_SECONDS = 2.0
LIMIT_SECONDS = 12.0


def _shut_down(dbapi_connection: Any) -> None:
    """End the connection under a thread that is blocked reading it: shutting the socket
    down (on a duplicate of its descriptor, which the driver never sees) makes that read
    return at once as if the server had hung up; the driver then closes the connection
    itself, on its own thread."""
    try:
        fd = os.dup(dbapi_connection.pgconn.socket)
    except Exception:  # already closed: nothing is waiting on it
        return
    with socket.socket(fileno=fd) as sock, contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One thread that runs callbacks at their due times: arming a limit costs a heap push,
    where a timer thread per statement would cost more than the statement itself."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._wake = threading.Condition()
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def at(self, delay: float, callback: Callable[[], None]) -> int:
        """Run ``callback`` in ``delay`` seconds unless ``cancel`` is called with the ticket."""
        with self._wake:
            ticket = next(self._count)
            heapq.heappush(self._due, (time.monotonic() + delay, ticket, callback))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="answer-watchdog", daemon=True)
                self._thread.start()
            elif self._due[0][1] == ticket:  # due before anything the thread waits for
                self._wake.notify()
            return ticket

    def cancel(self, ticket: int) -> None:
        with self._wake:
            self._cancelled.add(ticket)

    def _run(self) -> None:
        while True:
            with self._wake:
                while True:
                    while self._due and self._due[0][1] in self._cancelled:
                        self._cancelled.discard(heapq.heappop(self._due)[1])
                    if not self._due:
                        self._cancelled.clear()
                        if not self._wake.wait(timeout=30.0):
                            self._thread = None  # idle: the next ``at`` starts a new one
                            return
                        continue
                    due, _, callback = self._due[0]
                    wait = due - time.monotonic()
                    if wait <= 0:
                        heapq.heappop(self._due)
                        break
                    self._wake.wait(timeout=wait)
            try:
                callback()
            except Exception:  # a broken callback must not stop the others
                log.exception("A database answer limit failed to act")


@contextlib.contextmanager
def answer_within(
    dbapi_connection: Any,
    watchdog: Watchdog,
    *,
    waiting: Callable[[], None] | None = None,
    slow: float = SLOW_SECONDS,
    limit: float = LIMIT_SECONDS,
) -> Iterator[None]:
    """Around statements on one checked-out connection: ``waiting()`` after ``slow``
    seconds, and the connection ended after ``limit`` seconds, unless the block is done."""
    done = threading.Event()
    lock = threading.Lock()  # so a connection is never shut down after the block let it go

    def give_up() -> None:
        with lock:
            if done.is_set():
                return
            log.info("No answer from the database in %.0f s; dropping the connection", limit)
            _shut_down(dbapi_connection)

    def slow_answer() -> None:
        if waiting is not None and not done.is_set():
            waiting()

    tickets = [watchdog.at(limit, give_up)]
    if waiting is not None:
        tickets.append(watchdog.at(slow, slow_answer))
    try:
        yield
    finally:
        with lock:
            done.set()
        for ticket in tickets:
            watchdog.cancel(ticket)
