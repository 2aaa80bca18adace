"""The task statements as SQL text, built once per shape and cached.

The hot paths send this text through ``Connection.exec_driver_sql``: building a fresh
SQLAlchemy statement per call and adapting its cached result columns cost more than the
query itself (measured: about 1 ms against 0.5 ms for a 100-row page). Parameters are
always bound, never interpolated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from todo_desktop.values import Priority, SortKey, Task

COLUMNS = "id, title, description, completed, priority, due_date, created_at, updated_at, completed_at"
# Extra columns that page queries return for the cursor of the last row.
KEY_COLUMNS = "lower(title) AS title_key, priority_rank"
_PRIORITY = {p.value: p for p in Priority}


def task_from_tuple(row: Sequence[object]) -> Task:
    return Task(
        id=row[0],  # type: ignore[arg-type]
        title=row[1],  # type: ignore[arg-type]
        description=row[2],  # type: ignore[arg-type]
        completed=row[3],  # type: ignore[arg-type]
        priority=_PRIORITY[row[4]],  # type: ignore[index]
        due_date=row[5],  # type: ignore[arg-type]
        created_at=row[6],  # type: ignore[arg-type]
        updated_at=row[7],  # type: ignore[arg-type]
        completed_at=row[8],  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Order:
    keys: tuple[str, ...]  # SQL expressions before the id tie-breaker
    descending: bool


ORDERS: dict[SortKey, Order] = {
    SortKey.DUE: Order(("due_date",), descending=False),
    SortKey.PRIORITY: Order(("priority_rank", "created_at"), descending=True),
    SortKey.CREATED: Order(("created_at",), descending=True),
    SortKey.UPDATED: Order(("updated_at",), descending=True),
    SortKey.TITLE: Order(("lower(title)",), descending=False),
}


@dataclass(frozen=True)
class PageShape:
    """Which filters a page query has; each distinct shape is one cached SQL text."""

    sort: SortKey
    completed: bool | None  # None: both
    priorities: bool
    due_after: bool
    due_before: bool
    overdue: bool
    text: bool
    after: bool  # a keyset cursor is given
    due_part: str | None = None  # for SortKey.DUE: "dated" or "undated"


@cache
def page_sql(shape: PageShape) -> str:
    # The user is named with its value, not the RLS subquery: the planner then knows how
    # many rows this user has and picks the ordered index walk for a big list.
    where = ["user_id = %(uid)s"]
    if shape.completed is not None:
        where.append("completed" if shape.completed else "NOT completed")
    if shape.priorities:
        where.append("priority = ANY(%(priorities)s)")
    if shape.due_after:
        where.append("due_date >= %(due_after)s")
    if shape.due_before:
        where.append("due_date < %(due_before)s")
    if shape.overdue:
        where.append("due_date < %(overdue_at)s")
    if shape.text:
        where.append("(title ILIKE %(pattern)s ESCAPE '\\' OR description ILIKE %(pattern)s ESCAPE '\\')")
    order = ORDERS[shape.sort]
    # In the undated run every due_date is NULL, so only id moves the cursor; due_date
    # stays in ORDER BY so the planner still walks (user_id, completed, due_date, id).
    cursor_keys = order.keys
    if shape.due_part == "undated":
        where.append("due_date IS NULL")
        cursor_keys = ()
    elif shape.due_part == "dated":
        where.append("due_date IS NOT NULL")
    if shape.after:
        left = ", ".join((*cursor_keys, "id"))
        right = ", ".join([*(f"%(k{i})s" for i in range(len(cursor_keys))), "%(after_id)s"])
        where.append(f"({left}) {'<' if order.descending else '>'} ({right})")
    direction = " DESC" if order.descending else ""
    order_by = ", ".join(f"{k}{direction}" for k in (*order.keys, "id"))
    return (
        f"SELECT {COLUMNS}, {KEY_COLUMNS} FROM tasks WHERE {' AND '.join(where)} "
        f"ORDER BY {order_by} LIMIT %(limit)s"
    )


COUNTS_SQL = (
    "SELECT c.open_tasks, c.completed_tasks, c.open_low, c.open_medium, c.open_high, c.open_urgent, "
    "public.todo_count_open_due(%(uid)s, %(today)s, %(tomorrow)s), "
    "public.todo_count_open_due(%(uid)s, %(tomorrow)s, %(upcoming_end)s), "
    "public.todo_count_open_due(%(uid)s, NULL, %(now)s) "
    "FROM task_counts c WHERE c.user_id = %(uid)s"
)

SELECT_ONE = f"SELECT {COLUMNS} FROM tasks WHERE id = %(id)s"
SELECT_MANY = f"SELECT {COLUMNS} FROM tasks WHERE id = ANY(%(ids)s)"
INSERT = (
    "INSERT INTO tasks (id, title, description, priority, due_date, completed) "
    "VALUES (%(id)s, %(title)s, %(description)s, %(priority)s, %(due_date)s, %(completed)s) "
    f"ON CONFLICT (id) DO NOTHING RETURNING {COLUMNS}"
)
RESTORE = (
    "INSERT INTO tasks (id, title, description, priority, due_date, completed, created_at, completed_at) "
    "SELECT id, title, description, priority, due_date, completed, created_at, completed_at "
    "FROM unnest(%(ids)s::uuid[], %(titles)s::text[], %(descriptions)s::text[], %(priorities)s::text[], "
    "%(dues)s::timestamptz[], %(completed)s::bool[], %(created)s::timestamptz[], "
    "%(completed_at)s::timestamptz[]) "
    "AS r(id, title, description, priority, due_date, completed, created_at, completed_at) "
    "ON CONFLICT (id) DO NOTHING"
)
SET_COMPLETED = (
    "UPDATE tasks SET completed = %(completed)s WHERE id = ANY(%(ids)s) AND completed <> %(completed)s"
)
DELETE = "DELETE FROM tasks WHERE id = ANY(%(ids)s)"
UPDATABLE = ("title", "description", "priority", "due_date", "completed")


@cache
def update_sql(columns: tuple[str, ...], versioned: bool = False) -> str:
    """``versioned``: apply only to the row version the edit was based on (``%(expected)s``);
    updated_at strictly increases on every change, so it is the row's version."""
    assert set(columns) <= set(UPDATABLE)
    assignments = ", ".join(f"{c} = %({c})s" for c in columns)
    where = "id = %(id)s AND updated_at = %(expected)s" if versioned else "id = %(id)s"
    return f"UPDATE tasks SET {assignments} WHERE {where} RETURNING {COLUMNS}"


# Rows changed after an instant, oldest first. ix_tasks_keyset_updated leads with
# (user_id, completed), so a person's open and completed tasks are two ordered ranges of it;
# each branch reads at most ``limit`` entries and a Merge Append interleaves them. When the
# statistics say the window holds few rows (a routine poll), the planner may walk the newest
# entries of idx_tasks_updated_at instead, skipping other people's recent changes; either
# way it reads a short index range and sorts nothing.
_CHANGED_BRANCH = (
    f"SELECT {COLUMNS} FROM tasks WHERE user_id = %(uid)s AND {{done}} AND updated_at > %(since)s "
    "ORDER BY updated_at, id LIMIT %(limit)s"
)
CHANGED_SINCE = (
    f"({_CHANGED_BRANCH.format(done='NOT completed')}) UNION ALL "
    f"({_CHANGED_BRANCH.format(done='completed')}) ORDER BY updated_at, id LIMIT %(limit)s"
)
