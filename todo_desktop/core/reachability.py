"""Whether some database operation is waiting for the server to answer again.

A suspended Neon compute takes a few seconds to wake, and a dropped network or a restarting
local server looks the same from here: connections are refused or stall, and the data layer
retries with backoff. While any operation waits like that, the window says "Waking the
database…" instead of looking frozen; it learns this from the one ``Reachability`` the
composition root hands to every ``Database`` and to the window.

Once an operation has waited and given up, the database is not waking but away: later
operations that wait again (the window's background retries, the outbox's flushes) are
part of that outage, not a new wake-up, so ``waking`` stays False and ``unreachable``
True until an operation gets an answer. Otherwise every retry would flip the window
between "cannot be reached" and "Waking…".

Plain Python, no Qt: the data layer calls it on worker threads, and listeners must only
hand the news over to their own thread (the window uses a queued Qt signal).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)

Listener = Callable[[bool], None]


class Reachability:
    """Counts the operations now waiting for a connection, and remembers whether the last
    wait ended in giving up; tells listeners when ``waking`` or ``unreachable`` changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._gave_up = False
        self._listeners: list[Listener] = []
        self._note_listeners: list[Callable[[str], None]] = []

    @property
    def waiting(self) -> bool:
        """Some operation waits for a connection now, outage or not."""
        return self._waiting > 0

    @property
    def waking(self) -> bool:
        """Some operation waits for a connection, and the database has not been given up on."""
        return self._waiting > 0 and not self._gave_up

    @property
    def unreachable(self) -> bool:
        """An operation waited and gave up, and none has had an answer since."""
        return self._gave_up

    def listen_notes(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(text)`` with what a long start-up step is doing ("Upgrading your
        database…"); returns the way to stop listening."""
        with self._lock:
            self._note_listeners.append(listener)

        def stop() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._note_listeners.remove(listener)

        return stop

    def say(self, text: str) -> None:
        with self._lock:
            listeners = list(self._note_listeners)
        for listener in listeners:
            try:
                listener(text)
            except Exception:  # a broken listener must never break the start
                log.exception("A reachability note listener failed")

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(waking)`` on every change; returns the way to stop listening."""
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return stop

    @contextlib.contextmanager
    def operation(self) -> Iterator[Callable[[], None]]:
        """Around one operation: call the yielded ``waiting()``, from any thread, whenever
        it has to wait for a connection (once is enough, more are harmless); the end of
        the block, however it ends, is the end of that wait, and later calls do nothing.

        A block that ends normally proves the database answers; one that raises after
        waiting has given up on it. One that raises without waiting says nothing either way.
        """
        state = {"began": False, "ended": False}
        lock = threading.Lock()
        answered = False

        def waiting() -> None:
            with lock:  # held while telling, so an end never overtakes its beginning
                if not (state["began"] or state["ended"]):
                    state["began"] = True
                    self._change(waiting=+1)

        try:
            yield waiting
            answered = True
        finally:
            with lock:
                state["ended"] = True
                if state["began"] or answered:
                    self._change(waiting=-1 if state["began"] else 0, answered=answered)

    def _change(self, *, waiting: int, answered: bool | None = None) -> None:
        # Listeners run under the lock so that two threads' news never arrive swapped;
        # they only hand it over to their own thread, so the lock is held briefly.
        with self._lock:
            before = (self.waking, self._gave_up)
            self._waiting += waiting
            if answered is not None:
                self._gave_up = not answered
            if (self.waking, self._gave_up) == before:
                return
            for listener in self._listeners:
                try:
                    listener(self.waking)
                except Exception:  # a broken listener must never break a database operation
                    log.exception("A reachability listener failed")
