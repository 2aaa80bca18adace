"""A fault proxy that can also lose the answer to a COMMIT the server carried out.

Cutting a connection at random around COMMIT only sometimes lands in the one window that
matters (the server committed, the client never heard), so a write that is not idempotent
slips through most runs. ``lose_next_commit_answer()`` makes that window certain: the next
COMMIT any client sends reaches the server, and its answer is held back until the whole of
it has arrived (so the transaction is surely committed), then the connection is dropped
without passing it on. The client sees a connection lost in the middle of COMMIT.
"""

from __future__ import annotations

import threading
from typing import Any

from tests.support.faultproxy import FaultProxy

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

    def _carry(self, from_client: bool, data: bytes, state: dict[str, Any]) -> bytes | None:
        if from_client and COMMIT_QUERY in data and self._armed.is_set():
            self._armed.clear()
            state["held"] = b""  # from now on the server's answer is withheld
            return data
        if not from_client and "held" in state:
            state["held"] += data
            if READY in state["held"]:
                self.lost_answers += COMMIT_DONE in state["held"]
                return None  # closing both sides drops the answer with the link
            return b""
        return data
