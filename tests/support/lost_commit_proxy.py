"""A fault proxy that can also lose the answer to a write the server committed.

Cutting a connection at random around a commit only sometimes lands in the one window that
matters (the server committed, the client never heard), so a write that is not idempotent
slips through most runs. ``lose_next_commit_answer()`` makes that window certain: the answer
to the next exchange that leaves the server outside a transaction (a write sent on its own
in autocommit, or a COMMIT) is held back until the whole of it has arrived, so the write
is surely committed, then the connection is dropped without passing it on. The client sees
a connection lost while it waited for the answer. An answer that leaves a transaction open
(BEGIN, a statement inside it) or reports an error is passed on as usual, and a pooled
connection's ping (``SELECT 1``, then ``ROLLBACK``) is not the write: neither is lost.
"""

from __future__ import annotations

import threading
from typing import Any

from tests.support.faultproxy import FaultProxy

# The server's ReadyForQuery: its status byte says idle (I), in a transaction (T) or failed (E).
READY = b"Z\x00\x00\x00\x05"
IDLE = READY + b"I"
PING = (b"SELECT 1\x00", b"ROLLBACK\x00")


def _errors_in(answer: bytes) -> bool:
    """Whether the server's messages in ``answer`` include an ErrorResponse."""
    at = 0
    while at + 5 <= len(answer):
        kind, length = answer[at : at + 1], int.from_bytes(answer[at + 1 : at + 5], "big")
        if kind == b"E":
            return True
        at += 1 + length
    return False


class LostCommitProxy(FaultProxy):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._armed = threading.Event()
        self.lost_answers = 0  # commits carried out whose answer never reached the client

    def lose_next_commit_answer(self) -> None:
        self._armed.set()

    def _carry(self, from_client: bool, data: bytes, state: dict[str, Any]) -> bytes | None:
        if from_client:
            # Not while a new connection starts up (its sign-in is a conversation).
            exchange = state.get("ready") and "held" not in state
            if exchange and self._armed.is_set() and not any(p in data for p in PING):
                state["held"] = b""  # the server's answer to this is withheld until it is whole
            return data
        if "held" not in state:
            state["ready"] = state.get("ready") or READY in data
            return data
        state["held"] += data
        if READY not in state["held"]:
            return b""
        answer = state.pop("held")
        if answer.endswith(IDLE) and not _errors_in(answer) and self._armed.is_set():
            self._armed.clear()
            self.lost_answers += 1
            return None  # closing both sides drops the answer with the link
        return answer
