"""The command's end of the instance socket, and the instance lock. Standard library only.

The lock (a file in the data folder) says who owns the workspace's files on this computer:
the window holds it while it runs, a command holds it while it opens the database itself.
The outbox file is read once and then rewritten by the process that holds it, so two
processes must never have it open together; the lock makes sure of that. A command that
finds the lock held by a window talks to the window instead (`reach`), and a second window
start hands over to the first (`claim_window`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from todo_desktop.core.errors import TodoError
from todo_desktop.ui.chrome.instance_protocol import (
    LOCK_NAME,
    MAX_MESSAGE,
    ProtocolError,
    Request,
    ShowRequest,
    encode,
    pipe_path,
    read_reply,
)

if TYPE_CHECKING:
    import logging

CONNECT_TIMEOUT = 1.0
# The window answers an add once it is stored, or after its own wait (REPLY_WAIT_MS, 3 s).
REPLY_TIMEOUT = 10.0
# How long to wait while another process holds the lock: a window starting (a moment until
# it listens), or another command opening the database (about a second; longer when the
# database is slow to answer).
LOCK_WAIT = 30.0
POLL = 0.05
BUSY = "Another Todo Desktop process is using this database; try again in a moment."
NO_ANSWER = "Todo Desktop did not answer; look in the window whether the change arrived."


def _log() -> logging.Logger:
    # Not on the fast path (a window that answers): importing logging is 4 ms of it.
    import logging

    return logging.getLogger(__name__)


class InstanceLock:
    """An exclusive lock on a file, held by this process until `release` (or its end)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        # os.open makes a descriptor children do not inherit: the embedded server started
        # by this process must not keep the lock after the process is gone.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                _unlock(fd)
            os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def exchange(address: str, request: Request, timeout: float = REPLY_TIMEOUT) -> dict[str, Any] | None:
    """The window's reply to ``request``, or None when no window listens at ``address``.
    Raises TodoError when a window is there but gives no usable answer."""
    if sys.platform == "win32":
        return _exchange_pipe(address, encode(request))
    peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with peer:
        peer.settimeout(CONNECT_TIMEOUT)
        try:
            peer.connect(address)
        except OSError as exc:
            # Never started, or a crashed window's socket file (refused): nobody to ask.
            _log().debug("No window at %s: %s", address, exc)
            return None
        peer.settimeout(timeout)
        try:
            peer.sendall(encode(request))
            raw = _read_line(peer.recv)
        except TimeoutError:
            raise TodoError(NO_ANSWER) from None
        except OSError as exc:
            _log().debug("The instance socket failed: %s", exc)
            raise TodoError(NO_ANSWER) from None
    return _reply(raw)


def _exchange_pipe(address: str, data: bytes) -> dict[str, Any] | None:
    """Windows: QLocalServer's named pipe, opened as a file. Untested here; no timeout."""
    try:
        pipe = open(pipe_path(address), "r+b", buffering=0)  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None
    except OSError as exc:  # all its instances busy, or another user's pipe
        _log().debug("The instance pipe failed: %s", exc)
        raise TodoError(NO_ANSWER) from None
    with pipe:
        pipe.write(data)
        raw = _read_line(pipe.read)
    return _reply(raw)


def _read_line(read: Any) -> bytes:
    raw = b""
    while b"\n" not in raw and len(raw) <= MAX_MESSAGE:
        chunk = read(4096)
        if not chunk:
            break
        raw += chunk
    return raw


def _reply(raw: bytes) -> dict[str, Any]:
    line, newline, _rest = raw.partition(b"\n")
    if not newline:  # refused at the door, or the window quit meanwhile
        raise TodoError(NO_ANSWER)
    try:
        return read_reply(line)
    except ProtocolError as exc:
        raise TodoError(exc.message) from None


@dataclass
class Reached:
    """Either the window's reply, or the lock: nobody else uses the database's files now.
    As a context manager, it lets go of the lock at the end of the block."""

    reply: dict[str, Any] | None = None
    lock: InstanceLock | None = None

    def __enter__(self) -> Reached:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.lock is not None:
            self.lock.release()


def reach(data_folder: Path, address: str | None, request: Request, *, wait: float = LOCK_WAIT) -> Reached:
    """Ask the window, or take the lock when no window runs; wait while either is busy
    (a window starting up holds the lock before it listens)."""
    lock = InstanceLock(data_folder / LOCK_NAME)
    deadline = time.monotonic() + wait
    while True:
        if address is not None:
            reply = exchange(address, request)
            if reply is not None:
                return Reached(reply=reply)
        if lock.try_acquire():
            _log().debug("No window is open; this command opens the database itself")
            return Reached(lock=lock)
        if time.monotonic() >= deadline:
            raise TodoError(BUSY)
        time.sleep(POLL)


@dataclass
class WindowClaim:
    """A window start: either another window was brought forward (``forwarded``), or this
    one holds the lock and listens at ``address`` (None: no listening, see the log)."""

    forwarded: bool
    lock: InstanceLock | None = None
    address: str | None = None

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()


def claim_window(data_folder: Path, address: str | None, activation_token: str | None) -> WindowClaim:
    """Bring an open window forward, or become the window of this data folder."""
    try:
        reached = reach(data_folder, address, ShowRequest(activation_token))
    except TodoError as exc:
        # A lock held all this while by something that does not answer: starting anyway
        # beats never starting; only the quick capture and single start are lost.
        _log().warning("Starting without the instance socket: %s", exc.message)
        return WindowClaim(forwarded=False)
    if reached.reply is not None:
        if not reached.reply["ok"]:
            _log().warning("The open window refused to come forward: %s", reached.reply["error"])
        return WindowClaim(forwarded=True)
    if address is None:
        _log().warning("No private runtime folder for the instance socket; each start opens a window")
    return WindowClaim(forwarded=False, lock=reached.lock, address=address)
