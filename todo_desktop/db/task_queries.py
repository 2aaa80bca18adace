"""List queries: filters, the five orders, and keyset pages that each read one index range.

Keyset (``WHERE (sort, id) > (last_sort, last_id)``) instead of OFFSET keeps page 1,000
as fast as page 1. Every order ends in ``id`` so that rows with equal sort values have a
stable, total order. Undated tasks sort last by due date; a row comparison cannot cross
NULLs, so the dated and undated runs are two index ranges, the second read only when the
first runs out.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from todo_desktop.db.database import session_user
from todo_desktop.db.task_sql import COUNTS_SQL, PageShape, page_sql, task_from_tuple
from todo_desktop.values import Cursor, ListCounts, SmartList, SortKey, Status, Task, TaskQuery

MAX_PAGE = 1000


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _shape(q: TaskQuery, due_part: str | None) -> PageShape:
    completed: bool | None = {Status.OPEN: False, Status.COMPLETED: True, Status.ALL: None}[q.status]
    if q.overdue_at is not None:
        completed = False
    return PageShape(
        sort=q.sort,
        completed=completed,
        priorities=bool(q.priorities),
        due_after=q.due_after is not None,
        due_before=q.due_before is not None,
        overdue=q.overdue_at is not None,
        text=bool(q.text),
        after=q.after is not None,
        due_part=due_part,
    )


def _params(q: TaskQuery, uid: uuid.UUID, fetch: int) -> dict[str, Any]:
    params: dict[str, Any] = {"uid": uid, "limit": fetch}
    if q.priorities:
        params["priorities"] = sorted(p.value for p in q.priorities)
    if q.due_after is not None:
        params["due_after"] = q.due_after
    if q.due_before is not None:
        params["due_before"] = q.due_before
    if q.overdue_at is not None:
        params["overdue_at"] = q.overdue_at
    if q.text:
        params["pattern"] = f"%{_escape_like(q.text)}%"
    if q.after is not None:
        params["after_id"] = q.after.id
        for i, value in enumerate(q.after.values):
            params[f"k{i}"] = value
    return params


def _run(conn: Connection, q: TaskQuery, uid: uuid.UUID, fetch: int, due_part: str | None) -> list[Any]:
    sql = page_sql(_shape(q, due_part))
    return list(conn.exec_driver_sql(sql, _params(q, uid, fetch)).all())


def _rows(conn: Connection, q: TaskQuery, uid: uuid.UUID, fetch: int) -> list[Any]:
    if q.sort is not SortKey.DUE:
        return _run(conn, q, uid, fetch, None)
    if q.after is not None and q.after.values[0] is None:
        return _run(conn, q, uid, fetch, "undated")
    rows = _run(conn, q, uid, fetch, "dated")
    if len(rows) < fetch:
        undated = TaskQuery(**{**_as_dict(q), "after": None})
        rows += _run(conn, undated, uid, fetch - len(rows), "undated")
    return rows


def _as_dict(q: TaskQuery) -> dict[str, Any]:
    return {name: getattr(q, name) for name in q.__dataclass_fields__}


def _cursor(sort: SortKey, row: Sequence[Any]) -> Cursor:
    # Columns 9 and 10 are lower(title) and priority_rank (task_sql.KEY_COLUMNS).
    values: tuple[object, ...] = {
        SortKey.DUE: (row[5],),
        SortKey.PRIORITY: (row[10], row[6]),
        SortKey.CREATED: (row[6],),
        SortKey.UPDATED: (row[7],),
        SortKey.TITLE: (row[9],),
    }[sort]
    return Cursor(values=values, id=row[0])


def list_page(conn: Connection, q: TaskQuery) -> tuple[tuple[Task, ...], Cursor | None]:
    limit = max(1, min(q.limit, MAX_PAGE))
    rows = _rows(conn, q, session_user(conn), limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(q.sort, rows[-1]) if more and rows else None
    return tuple(task_from_tuple(r) for r in rows), next_cursor


_COUNT_ORDER = (
    SmartList.INBOX,
    SmartList.COMPLETED,
    SmartList.PRIORITY_LOW,
    SmartList.PRIORITY_MEDIUM,
    SmartList.PRIORITY_HIGH,
    SmartList.PRIORITY_URGENT,
    SmartList.TODAY,
    SmartList.UPCOMING,
    SmartList.OVERDUE,
)


def count_lists(
    conn: Connection, now: datetime, today: datetime, tomorrow: datetime, upcoming_end: datetime
) -> ListCounts:
    params = {
        "uid": session_user(conn),
        "now": now,
        "today": today,
        "tomorrow": tomorrow,
        "upcoming_end": upcoming_end,
    }
    row = conn.exec_driver_sql(COUNTS_SQL, params).first()
    values = row if row is not None else (0,) * len(_COUNT_ORDER)
    return ListCounts({key: int(value) for key, value in zip(_COUNT_ORDER, values, strict=True)})
