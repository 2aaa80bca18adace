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
import logging
import os
import socket
import threading
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


@contextlib.contextmanager
def answer_within(
    dbapi_connection: Any,
    *,
    waiting: Callable[[], None] | None = None,
    slow: float = SLOW_SECONDS,
    limit: float = LIMIT_SECONDS,
) -> Iterator[None]:
    """Around statements on one checked-out connection: ``waiting()`` after ``slow``
    seconds, and the connection ended after ``limit`` seconds, unless the block is done."""
    done = threading.Event()
    lock = threading.Lock()  # so a connection is never shut down after the block let it go
    timers: list[threading.Timer] = []

    def give_up() -> None:
        with lock:
            if done.is_set():
                return
            log.info("No answer from the database in %.0f s; dropping the connection", limit)
            _shut_down(dbapi_connection)

    if waiting is not None:
        timers.append(threading.Timer(slow, lambda: done.is_set() or waiting()))
    timers.append(threading.Timer(limit, give_up))
    for timer in timers:
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        with lock:
            done.set()
        for timer in timers:
            timer.cancel()
