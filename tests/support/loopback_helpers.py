"""For the tests of the embedded server in LOOPBACK mode: a witness of every command the app
runs, a stranger who takes a dead server's port, and searches for a leaked password."""

from __future__ import annotations

import contextlib
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

_NEGOTIATIONS = (80877103, 80877104)  # SSLRequest, GSSENCRequest: answered "no"


class CommandWitness:
    """Every command this process starts, with its arguments and environment, as ``ps``
    and ``/proc/<pid>/environ`` show them while it runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.commands: list[tuple[list[str], dict[str, str] | None]] = []
        witness, original = self, subprocess.Popen

        class Recording(original):  # type: ignore[misc, valid-type]
            def __init__(self, args: Any, *rest: Any, **kw: Any) -> None:
                argv = [args] if isinstance(args, str) else [str(a) for a in args]
                witness.commands.append((argv, kw.get("env")))
                super().__init__(args, *rest, **kw)

        monkeypatch.setattr(subprocess, "Popen", Recording)

    def holding(self, secret: str) -> list[list[str]]:
        return [
            argv
            for argv, env in self.commands
            if any(secret in a for a in argv) or any(secret in v for v in (env or {}).values())
        ]

    def ran(self, program: str) -> bool:
        return any(Path(argv[0]).name == program for argv, _ in self.commands)


def processes_holding(secret: str) -> list[str]:
    """Processes whose command line or environment holds ``secret`` (run as root: all of them)."""
    found = []
    for process in psutil.process_iter(["pid", "name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            if secret in " ".join(process.info["cmdline"] or []) or any(
                secret in value for value in process.environ().values()
            ):
                found.append(f"{process.info['pid']} {process.info['name']}")
    return found


def files_holding(secret: str, folders: Iterable[Path], *, but: Path) -> list[Path]:
    needle = secret.encode()
    return [
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and path != but and needle in path.read_bytes()
    ]


def other_addresses() -> list[str]:
    """This machine's addresses that are not loopback, where a stranger on the network would knock."""
    return [
        address.address.split("%")[0]
        for addresses in psutil.net_if_addrs().values()
        for address in addresses
        if address.family in (socket.AF_INET, socket.AF_INET6)
        and not address.address.startswith(("127.", "::1", "fe80:"))
    ]


class Impostor:
    """Listens on ``port`` of 127.0.0.1 as a server would, and asks each client for its
    password in cleartext (or, ``trust``, lets it in without one); keeps what they send."""

    def __init__(self, port: int, *, trust: bool = False) -> None:
        self.trust = trust
        self.received = bytearray()
        self.clients = 0
        self._listener = _take(port)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):  # closed
            while True:
                client, _ = self._listener.accept()
                with client:
                    self.clients += 1
                    self._answer(client)

    def _answer(self, client: socket.socket) -> None:
        client.settimeout(5)
        with contextlib.suppress(OSError):
            while True:
                length = struct.unpack("!I", _exactly(client, 4))[0]
                body = _exactly(client, length - 4)
                self.received += body
                if struct.unpack("!I", body[:4])[0] not in _NEGOTIATIONS:
                    break  # the startup packet: user and database
                client.sendall(b"N")
            # AuthenticationOk (0), or AuthenticationCleartextPassword (3).
            client.sendall(b"R" + struct.pack("!II", 8, 0 if self.trust else 3))
            if self.trust:
                client.sendall(b"Z" + struct.pack("!I", 5) + b"I")  # ready for queries
            else:
                self.received += client.recv(4096)  # a client that gives in sends it now
                fields = b"SFATAL\0C28P01\0Mpassword authentication failed (impostor)\0\0"
                client.sendall(b"E" + struct.pack("!I", 4 + len(fields)) + fields)
            while chunk := client.recv(4096):
                self.received += chunk

    def close(self) -> None:
        with contextlib.suppress(OSError):  # wakes the accept() still waiting, on Linux
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=10)


def _take(port: int) -> socket.socket:
    """The port, as soon as the killed server's processes have let go of it."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return socket.create_server(("127.0.0.1", port))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _exactly(client: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = client.recv(size - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


@contextlib.contextmanager
def impostor_on(port: int, *, trust: bool = False) -> Iterator[Impostor]:
    impostor = Impostor(port, trust=trust)
    try:
        yield impostor
    finally:
        impostor.close()
