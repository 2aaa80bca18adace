"""List queries: filters, the five orders, and keyset pages that each read one index range.

Keyset (``WHERE (sort, id) > (last_sort, last_id)``) instead of OFFSET keeps page 1,000
as fast as page 1. Every order ends in ``id`` so that rows with equal sort values have a
stable, total order. Undated tasks sort last by due date, in the order they were made (the
same on every device); a row comparison cannot cross NULLs, so the dated and undated runs
are two index ranges, the second read only when the first runs out. The SQL itself lives
in ``todo_api.tasks_page``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable

from todo_desktop.core.validation import tag_key
from todo_desktop.core.values import Cursor, ListCounts, SmartList, SortKey, Status, Task, TaskQuery
from todo_desktop.db.task_sql import COUNTS, PAGE, task_from_tuple

MAX_PAGE = 1000
# Rows a ranked page reads again before its position, to lose none when rows above it go.
RANKED_OVERLAP = 50
_NO_ID = uuid.UUID(int=0)
_COMPLETED = {Status.OPEN: False, Status.COMPLETED: True, Status.ALL: None}


def page_params(q: TaskQuery, fetch: int, due_part: str | None) -> dict[str, Any]:
    cursor: dict[str, Any] = {"after_id": None, "after_time": None, "after_rank": None, "after_text": None}
    offset = None
    if q.after is not None and ranked(q):
        offset = q.after.values[0]  # a ranked list pages by position (it is sorted whole)
    elif q.after is not None:
        cursor["after_id"] = q.after.id
        values = q.after.values
        if q.sort is SortKey.PRIORITY:
            cursor["after_rank"], cursor["after_time"] = values
        elif q.sort is SortKey.DUE and values[0] is None:  # in the undated run: by creation
            cursor["after_time"] = values[-1]
        elif q.sort is SortKey.TITLE:
            cursor["after_text"] = values[0]
        else:
            cursor["after_time"] = values[0]
    return {
        "sort": "relevance" if ranked(q) else q.sort.value,
        "completed": False if q.overdue_at is not None else _COMPLETED[q.status],
        "priorities": sorted(p.value for p in q.priorities) if q.priorities else None,
        "due_after": q.due_after,
        "due_before": q.due_before,
        "overdue_at": q.overdue_at,
        "pattern": None,
        "search": q.text or None,
        "offset": offset,
        "due_part": due_part,
        "limit": fetch,
        "tag_key": None if q.tag is None else tag_key(q.tag),
        **cursor,
    }


# Runs one statement with its parameters and returns its rows (``Database.call`` bound to a
# session, for example).
Fetch = Callable[[Executable, dict[str, Any]], Sequence[Any]]


def _run(fetch: Fetch, q: TaskQuery, size: int, due_part: str | None) -> list[Any]:
    return list(fetch(PAGE, page_params(q, size, due_part)))


def due_filtered(q: TaskQuery) -> bool:
    """Whether the list keeps only tasks due in some window, which undated tasks never are."""
    return q.due_after is not None or q.due_before is not None or q.overdue_at is not None


def _rows(fetch: Fetch, q: TaskQuery, size: int) -> list[Any]:
    if q.sort is not SortKey.DUE or ranked(q):
        return _run(fetch, q, size, None)
    if q.after is not None and q.after.values[0] is None:
        return _run(fetch, q, size, "undated")
    if q.after is None and not due_filtered(q):
        return _run(fetch, q, size, "both")  # the dated run, then the undated: one call
    rows = _run(fetch, q, size, "dated")
    if len(rows) < size and not due_filtered(q):
        rows += _run(fetch, replace(q, after=None), size - len(rows), "undated")
    return rows


def ranked(q: TaskQuery) -> bool:
    """Whether the list is in order of relevance: asked for, with words to rank by."""
    return q.ranked and bool(q.text)


def _cursor(sort: SortKey, row: Sequence[Any]) -> Cursor:
    # Columns 9 and 10 are title_key and priority_rank (task_sql.TASK_COLUMNS). Undated
    # tasks come in the order they were made, so their cursor carries created_at.
    values: tuple[object, ...] = {
        SortKey.DUE: (row[5],) if row[5] is not None else (None, row[6]),
        SortKey.PRIORITY: (row[10], row[6]),
        SortKey.CREATED: (row[6],),
        SortKey.UPDATED: (row[7],),
        SortKey.TITLE: (row[9],),
    }[sort]
    return Cursor(values=values, id=row[0])


def list_page(fetch: Fetch, q: TaskQuery) -> tuple[tuple[Task, ...], Cursor | None]:
    limit = max(1, min(q.limit, MAX_PAGE))
    if ranked(q):
        rows, next_cursor = _ranked_page(fetch, q, limit)
        return tuple(task_from_tuple(r) for r in rows), next_cursor
    rows = _rows(fetch, q, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(q.sort, rows[-1]) if more and rows else None
    return tuple(task_from_tuple(r) for r in rows), next_cursor


def _ranked_page(fetch: Fetch, q: TaskQuery, limit: int) -> tuple[list[Any], Cursor | None]:
    """A page of best matches, paged by position (the order is the whole list's, sorted).

    A position counts the rows above it, and rows go (deleted, done, edited out of the
    search) while the person reads: the next page would start as many rows too far, and
    skip them. So the cursor also holds the ids of the last rows read, the page is read from
    that many rows earlier, and the rows already read are left out of it: up to that many
    rows gone above lose none below.
    """
    read, seen = (cast(int, q.after.values[0]), q.after.values[1:]) if q.after is not None else (0, ())
    seen = seen[max(0, len(seen) - (MAX_PAGE - limit)) :]  # the window stays within a page's size
    start = max(0, read - len(seen))
    window = _rows(fetch, replace(q, after=Cursor(values=(start,), id=_NO_ID)), limit + len(seen) + 1)
    known = set(seen)
    fresh = [n for n, row in enumerate(window) if row[0] not in known]
    rows = [window[n] for n in fresh[:limit]]
    if len(fresh) <= limit or not rows:
        return rows, None
    consumed = fresh[limit - 1] + 1  # rows of the window read by the end of this page
    overlap = min(RANKED_OVERLAP, MAX_PAGE - limit)
    tail = tuple(row[0] for row in window[:consumed][-overlap:]) if overlap else ()
    return rows, Cursor(values=(start + consumed, *tail), id=rows[-1][0])


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
    fetch: Fetch, now: datetime, today: datetime, tomorrow: datetime, upcoming_end: datetime
) -> ListCounts:
    params = {"now": now, "today": today, "tomorrow": tomorrow, "upcoming_end": upcoming_end}
    rows = fetch(COUNTS, params)
    values = rows[0] if rows else (0,) * len(_COUNT_ORDER)
    return ListCounts({key: int(value) for key, value in zip(_COUNT_ORDER, values, strict=True)})
