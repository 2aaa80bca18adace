"""The data layer's side of a ChangeCursor: what its token holds.

A token is the database's cursor (a transaction id, from todo_api.change_cursor), and within
a poll, after a full page, also the last row read: its transaction's id and its task's id.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from todo_desktop.core.changes import ChangeCursor

MAX_CHANGED = 1000
BAD_CURSOR = "That change cursor was not made by this app's data layer."


def from_database(value: object) -> ChangeCursor:
    """The cursor todo_api.change_cursor returned."""
    if not isinstance(value, int) or value < 0:
        raise ValueError(BAD_CURSOR)
    return ChangeCursor(str(value))


def arguments(cursor: ChangeCursor, limit: int) -> dict[str, Any]:
    """The arguments of todo_api.changed_since and removed_since for ``cursor``."""
    parts = cursor.token.split(":")
    try:
        if len(parts) == 1:
            return {"cursor": _number(parts[0]), "after": None, "after_id": None, "limit": _limit(limit)}
        if len(parts) == 3:
            after, after_id = _number(parts[1]), uuid.UUID(parts[2])
            return {"cursor": _number(parts[0]), "after": after, "after_id": after_id, "limit": _limit(limit)}
    except ValueError:
        pass
    raise ValueError(BAD_CURSOR)


def next_page(cursor: ChangeCursor, rows: Sequence[Sequence[Any]], limit: int) -> ChangeCursor | None:
    """Where the page after ``rows`` (read from ``cursor``; each row a task's id first and its
    transaction's id last) starts; None when the page came short: there is no more."""
    if len(rows) < _limit(limit):
        return None
    last = rows[-1]
    return ChangeCursor(f"{cursor.token.split(':')[0]}:{last[-1]}:{last[0]}")


def _number(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise ValueError(BAD_CURSOR)
    return int(text)


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_CHANGED))
