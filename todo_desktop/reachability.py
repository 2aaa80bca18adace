"""Whether some database operation is waiting for the server to answer again.

A suspended Neon compute takes a few seconds to wake, and a dropped network or a restarting
local server looks the same from here: connections are refused or stall, and the data layer
retries with backoff. While any operation waits like that, the window says "Waking the
database…" instead of looking frozen; it learns this from the one ``Reachability`` the
composition root hands to every ``Database`` and to the window.

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
    """Counts the operations now waiting for a connection; tells listeners when the count
    goes from none to some ("waking") and back to none (answered, or given up)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._listeners: list[Listener] = []

    @property
    def waking(self) -> bool:
        return self._waiting > 0

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
        the block, however it ends, is the end of that wait, and later calls do nothing."""
        state = {"began": False, "ended": False}
        lock = threading.Lock()

        def waiting() -> None:
            with lock:  # held while telling, so an end never overtakes its beginning
                if not (state["began"] or state["ended"]):
                    state["began"] = True
                    self._change(+1)

        try:
            yield waiting
        finally:
            with lock:
                state["ended"] = True
                if state["began"]:
                    self._change(-1)

    def _change(self, step: int) -> None:
        # Listeners run under the lock so that two threads' news never arrive swapped;
        # they only hand it over to their own thread, so the lock is held briefly.
        with self._lock:
            before = self._waiting > 0
            self._waiting += step
            now = self._waiting > 0
            if before == now:
                return
            for listener in self._listeners:
                try:
                    listener(now)
                except Exception:  # a broken listener must never break a database operation
                    log.exception("A reachability listener failed")
