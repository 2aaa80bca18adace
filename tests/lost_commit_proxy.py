"""A fault proxy that can also lose the answer to a COMMIT the server carried out.

Cutting a connection at random around COMMIT only sometimes lands in the one window that
matters (the server committed, the client never heard), so a write that is not idempotent
slips through most runs. ``lose_next_commit_answer()`` makes that window certain: the next
COMMIT any client sends reaches the server, and its answer is held back until the whole of
it has arrived (so the transaction is surely committed), then the connection is dropped
without passing it on. The client sees a connection lost in the middle of COMMIT.
"""

from __future__ import annotations

import selectors
import socket
import threading

from tests.faultproxy import FaultProxy

# Protocol messages: a simple Query "COMMIT", its CommandComplete, and ReadyForQuery.
COMMIT_QUERY = b"Q\x00\x00\x00\x0bCOMMIT\x00"
COMMIT_DONE = b"C\x00\x00\x00\x0bCOMMIT\x00"
READY = b"Z\x00\x00\x00\x05"


class LostCommitProxy(FaultProxy):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._armed = threading.Event()
        self.lost_answers = 0  # COMMITs carried out whose answer never reached the client

    def lose_next_commit_answer(self) -> None:
        self._armed.set()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        peer = {client: server, server: client}
        held: bytes | None = None  # the withheld answer, while one is being withheld
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
                        if src is client and COMMIT_QUERY in data and self._armed.is_set():
                            self._armed.clear()
                            held = b""
                        elif src is server and held is not None:
                            held += data
                            if READY in held:
                                self.lost_answers += COMMIT_DONE in held
                                return  # closing both sides drops the answer with the link
                            continue
                        peer[src].sendall(data)
                    except OSError:
                        return
