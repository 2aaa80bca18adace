"""A small threaded TCP proxy in front of the test PostgreSQL server that can misbehave.

It listens on 127.0.0.1 (an ephemeral port) and forwards each client to the real server:
to its Unix socket for the embedded server, or to ``host:port`` when the suite runs
against a TCP server (``TODO_TEST_DATABASE_URL``). Through the Unix socket the server
sees this process as the peer, so peer authentication still passes.

Modes, switchable at any time from the test thread:

- ``passthrough()``: forward bytes both ways;
- ``refuse()``: accept new connections and close them at once (live ones keep going);
- ``stall(seconds)``: accept new connections but forward nothing for ``seconds``;
- ``cut()``: drop every live connection now (the mode is unchanged).
"""

from __future__ import annotations

import contextlib
import glob
import os
import selectors
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL, make_url

DEFAULT_PORT = 5432
Upstream = str | tuple[str, int]  # a Unix socket path, or (host, port)


def upstream_for(url: str) -> Upstream:
    """Where the server behind ``url`` really listens."""
    u = make_url(url)
    host = u.host or u.query.get("host")
    if isinstance(host, tuple):
        host = host[0]
    if not host or host.startswith("/"):
        folder = host or "/var/run/postgresql"
        port = u.port or int(os.environ.get("PGPORT", DEFAULT_PORT))
        path = os.path.join(folder, f".s.PGSQL.{port}")
        if not os.path.exists(path) and u.port is None:
            found = [p for p in glob.glob(os.path.join(folder, ".s.PGSQL.*")) if not p.endswith(".lock")]
            if len(found) == 1:
                path = found[0]
        return path
    return (host, u.port or DEFAULT_PORT)


def proxied_url(url: str, proxy_port: int) -> str:
    """``url`` (same role, password and database) redirected through the proxy."""
    u: URL = make_url(url).difference_update_query(["host", "port", "hostaddr"])
    return u.set(host="127.0.0.1", port=proxy_port).render_as_string(hide_password=False)


@dataclass(eq=False)
class _Pair:
    client: socket.socket
    server: socket.socket | None = None
    closed: threading.Event = field(default_factory=threading.Event)

    def shutdown(self) -> None:
        """Wake the pump; it closes the sockets itself so no descriptor is reused under it."""
        self.closed.set()
        for sock in (self.client, self.server):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class FaultProxy:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        self.mode = "pass"
        self.stall_seconds = 0.0
        self.accepted = 0
        self.refused = 0
        self._pairs: set[_Pair] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._frozen = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]

    # -- control -------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._spawn(self._accept_loop, "faultproxy-accept")
        return self

    def passthrough(self) -> None:
        self.mode = "pass"
        self._frozen.clear()

    def freeze(self) -> None:
        """Live connections stay open but carry nothing more, either way: a server (or the
        network) that hangs without closing anything."""
        self._frozen.set()

    def refuse(self) -> None:
        self.mode = "refuse"

    def stall(self, seconds: float) -> None:
        self.stall_seconds = seconds
        self.mode = "stall"

    def cut(self) -> int:
        """Drop every live connection; returns how many there were."""
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            pair.shutdown()
        return len(pairs)

    @property
    def live(self) -> int:
        with self._lock:
            return len(self._pairs)

    def stop(self) -> None:
        self._stopping.set()
        self.cut()
        for thread in self._threads:
            thread.join(timeout=2.0)
        with contextlib.suppress(OSError):
            self._listener.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- machinery -----------------------------------------------------------------

    def _spawn(self, target: object, name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)  # type: ignore[arg-type]
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            if self.mode == "refuse":
                self.refused += 1
                client.close()
                continue
            pair = _Pair(client)
            with self._lock:
                self._pairs.add(pair)
            delay = self.stall_seconds if self.mode == "stall" else 0.0
            self._spawn(self._serve, "faultproxy-pump", pair, delay)

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self.upstream, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(self.upstream)
            return sock
        return socket.create_connection(self.upstream, timeout=5.0)

    def _serve(self, pair: _Pair, delay: float) -> None:
        try:
            if delay and (pair.closed.wait(delay) or self._stopping.is_set()):
                return
            try:
                server = self._connect_upstream()
            except OSError:
                return
            server.settimeout(None)
            pair.server = server
            if pair.closed.is_set():  # cut while connecting
                return
            self._pump(pair.client, server)
        finally:
            with self._lock:
                self._pairs.discard(pair)
            for sock in (pair.client, pair.server):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.close()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        peer = {client: server, server: client}
        state: dict[str, Any] = {}  # one connection's own, for ``_carry``
        with selectors.DefaultSelector() as sel:
            sel.register(client, selectors.EVENT_READ)
            sel.register(server, selectors.EVENT_READ)
            while not self._stopping.is_set():
                if self._frozen.is_set():
                    self._stopping.wait(0.05)
                    continue
                for key, _ in sel.select(timeout=0.1):
                    src: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = src.recv(65536)
                        if not data:
                            return
                        out = self._carry(src is client, data, state)
                        if out is None:
                            return
                        if out:
                            peer[src].sendall(out)
                    except OSError:
                        return

    def _carry(self, from_client: bool, data: bytes, state: dict[str, Any]) -> bytes | None:
        """What of ``data`` to pass on (nothing: b""), or None to drop the connection; a
        proxy that faults the stream itself, not only the connections, overrides this."""
        return data
