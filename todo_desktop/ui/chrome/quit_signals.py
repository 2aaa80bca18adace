"""Quitting when told to by a signal: the desktop session ending (SIGTERM, and SIGHUP when a
terminal goes away) or Ctrl+C in a terminal (SIGINT) takes the same path as File > Quit.

Left to their default actions these signals end the process at once, before the window can
send what was typed or the embedded server can be stopped, which leaves the server running
with no app to stop it. Catching them takes two parts, because Python runs a handler only
between bytecodes of the main thread, and none run while Qt's event loop waits in C:

- a Python handler that does nothing by itself, so the default action no longer applies;
- the interpreter's wakeup descriptor, one end of a socket pair, into which the C-level
  handler writes the signal's number at once; a ``QSocketNotifier`` on the other end wakes
  the event loop, and the quit runs on the GUI thread as an ordinary slot.

Between the two, a signal that comes while nothing watches (before the event loop runs, or
while the app is already quitting) is held, not acted on, so it cannot cut a quit short.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from types import FrameType, TracebackType
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier

_log = logging.getLogger(__name__)

# Windows has no SIGHUP; SIGTERM exists there, but only the process itself can raise it.
QUIT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _held(_number: int, _frame: FrameType | None) -> None:
    """The Python half of each caught signal: the byte on the wakeup socket carries the news."""


class QuitSignals:
    """Catches the quit signals while in a ``with`` block, restoring the earlier handlers after.

    Only the main thread may set signal handlers; entered on another, it catches nothing
    and the signals keep their earlier effect.
    """

    def __init__(self, signals: Iterable[int] = QUIT_SIGNALS) -> None:
        self._signals = frozenset(int(number) for number in signals)
        self._previous: dict[int, Any] = {}
        self._previous_fd = -1
        self._pair: tuple[socket.socket, socket.socket] | None = None

    def __enter__(self) -> QuitSignals:
        if self._pair is not None or threading.current_thread() is not threading.main_thread():
            return self
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)  # a handler must never block, even with the socket full
        # A full socket only drops bytes: one waiting byte is enough to wake the loop.
        self._previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        self._pair = (reader, writer)
        for number in sorted(self._signals):
            self._previous[number] = signal.signal(number, _held)
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._pair is None:
            return
        for number, handler in self._previous.items():
            # None: a handler set outside Python, which cannot be put back; the default is closest.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        self._previous.clear()
        signal.set_wakeup_fd(self._previous_fd)
        for end in self._pair:
            end.close()
        self._pair = None

    @contextlib.contextmanager
    def watching(self, parent: QObject, on_signal: Callable[[int], None]) -> Iterator[None]:
        """Within the block, each quit signal calls ``on_signal(number)`` on the GUI thread
        as soon as the event loop runs, including those that came before the block."""
        if self._pair is None:
            yield
            return
        watch = _SocketWatch(self._pair[0], self._signals, on_signal, parent)
        try:
            yield
        finally:
            watch.stop()


class _SocketWatch(QObject):
    def __init__(
        self,
        reader: socket.socket,
        signals: frozenset[int],
        on_signal: Callable[[int], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._reader = reader
        self._signals = signals
        self._on_signal = on_signal
        self._notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def stop(self) -> None:
        self._notifier.setEnabled(False)
        self.deleteLater()

    def _woken(self) -> None:
        # Read everything first: the quit may run a nested event loop (waiting for writes),
        # and unread bytes would wake this slot again and again meanwhile.
        received = self._drain()
        for number in received:
            if number in self._signals:
                _log.info("Quitting on %s", _signal_name(number))
                self._on_signal(number)

    def _drain(self) -> bytes:
        received = b""
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while chunk := self._reader.recv(256):
                received += chunk
        return received
