"""List queries: filters, the five orders, and keyset pages that each read one index range.

Keyset (``WHERE (sort, id) > (last_sort, last_id)``) instead of OFFSET keeps page 1,000
as fast as page 1. Every order ends in ``id`` so that rows with equal sort values have a
stable, total order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    union_all,
)

from todo_desktop.db.tables import tasks
from todo_desktop.values import (
    Cursor,
    ListCounts,
    Priority,
    SmartList,
    SortKey,
    Status,
    Task,
    TaskQuery,
)

CURRENT_USER = select(literal_column("todo_auth.current_user_id()")).scalar_subquery()

TASK_COLUMNS = (
    tasks.c.id,
    tasks.c.title,
    tasks.c.description,
    tasks.c.completed,
    tasks.c.priority,
    tasks.c.due_date,
    tasks.c.created_at,
    tasks.c.updated_at,
    tasks.c.completed_at,
)
_TITLE_KEY = func.lower(tasks.c.title).label("title_key")


def task_from_row(row: Row) -> Task:
    return Task(
        id=row.id,
        title=row.title,
        description=row.description,
        completed=row.completed,
        priority=Priority(row.priority),
        due_date=row.due_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
    )


@dataclass(frozen=True)
class _Order:
    columns: tuple[ColumnElement, ...]  # the sort values, before the id tie-breaker
    descending: bool


_ORDERS: dict[SortKey, _Order] = {
    SortKey.DUE: _Order((tasks.c.due_date,), descending=False),
    SortKey.PRIORITY: _Order((tasks.c.priority_rank, tasks.c.created_at), descending=True),
    SortKey.CREATED: _Order((tasks.c.created_at,), descending=True),
    SortKey.UPDATED: _Order((tasks.c.updated_at,), descending=True),
    SortKey.TITLE: _Order((func.lower(tasks.c.title),), descending=False),
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filters(q: TaskQuery) -> list[ColumnElement[bool]]:
    # Naming the user explicitly (RLS would add the same) lets the planner pick the
    # (user_id, completed, ...) index ranges.
    where: list[ColumnElement[bool]] = [tasks.c.user_id == CURRENT_USER]
    if q.status is Status.OPEN or q.overdue_at is not None:
        where.append(tasks.c.completed == false())
    elif q.status is Status.COMPLETED:
        where.append(tasks.c.completed == true())
    if q.priorities:
        where.append(tasks.c.priority.in_(sorted(p.value for p in q.priorities)))
    if q.due_after is not None:
        where.append(tasks.c.due_date >= q.due_after)
    if q.due_before is not None:
        where.append(tasks.c.due_date < q.due_before)
    if q.overdue_at is not None:
        where.append(tasks.c.due_date < q.overdue_at)
    if q.text:
        pattern = f"%{_escape_like(q.text)}%"
        where.append(
            or_(
                tasks.c.title.ilike(pattern, escape="\\"),
                tasks.c.description.ilike(pattern, escape="\\"),
            )
        )
    return where


def _ordered(stmt: Select, order: _Order) -> Select:
    keys = (*order.columns, tasks.c.id)
    return stmt.order_by(*(k.desc() if order.descending else k.asc() for k in keys))


def _after(order: _Order, cursor: Cursor) -> ColumnElement[bool]:
    left = tuple_(*order.columns, tasks.c.id)
    right = tuple_(*cursor.values, cursor.id)
    return left < right if order.descending else left > right


def _page_statement(q: TaskQuery, fetch: int) -> Select:
    order = _ORDERS[q.sort]
    where = _filters(q)
    base = select(*TASK_COLUMNS, _TITLE_KEY, tasks.c.priority_rank)
    if q.sort is not SortKey.DUE:
        if q.after is not None:
            where.append(_after(order, q.after))
        return _ordered(base.where(*where), order).limit(fetch)
    # Undated tasks come last. A row comparison cannot cross NULLs, so the dated and
    # undated runs are two index ranges, appended; the second runs only if needed.
    dated = [*where, tasks.c.due_date.is_not(None)]
    undated = [*where, tasks.c.due_date.is_(None)]
    if q.after is not None and q.after.values[0] is None:
        undated.append(tasks.c.id > q.after.id)
        return _ordered(base.where(*undated), order).limit(fetch)
    if q.after is not None:
        dated.append(_after(order, q.after))
    first = _ordered(base.where(*dated), order).limit(fetch)
    second = base.where(*undated).order_by(tasks.c.id).limit(fetch)
    both = union_all(first.subquery().select(), second.subquery().select()).subquery()
    return select(both).limit(fetch)


def _cursor(sort: SortKey, row: Row) -> Cursor:
    values: tuple[object, ...] = {
        SortKey.DUE: (row.due_date,),
        SortKey.PRIORITY: (row.priority_rank, row.created_at),
        SortKey.CREATED: (row.created_at,),
        SortKey.UPDATED: (row.updated_at,),
        SortKey.TITLE: (row.title_key,),
    }[sort]
    return Cursor(values=values, id=row.id)


def list_page(conn: Connection, q: TaskQuery) -> tuple[tuple[Task, ...], Cursor | None]:
    limit = max(1, min(q.limit, 1000))
    rows = conn.execute(_page_statement(q, limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(q.sort, rows[-1]) if more and rows else None
    return tuple(task_from_row(r) for r in rows), next_cursor


def count_lists(
    conn: Connection, now: datetime, today: datetime, tomorrow: datetime, upcoming_end: datetime
) -> ListCounts:
    open_ = tasks.c.completed == false()
    due = tasks.c.due_date
    by_priority = {
        SmartList.PRIORITY_LOW: Priority.LOW,
        SmartList.PRIORITY_MEDIUM: Priority.MEDIUM,
        SmartList.PRIORITY_HIGH: Priority.HIGH,
        SmartList.PRIORITY_URGENT: Priority.URGENT,
    }
    conditions: dict[SmartList, ColumnElement[bool]] = {
        SmartList.INBOX: open_,
        SmartList.TODAY: and_(open_, due >= today, due < tomorrow),
        SmartList.UPCOMING: and_(open_, due >= tomorrow, due < upcoming_end),
        SmartList.OVERDUE: and_(open_, due < now),
        SmartList.COMPLETED: tasks.c.completed == true(),
        **{k: and_(open_, tasks.c.priority == p.value) for k, p in by_priority.items()},
    }
    stmt = select(*(func.count().filter(cond).label(key.value) for key, cond in conditions.items())).where(
        tasks.c.user_id == CURRENT_USER
    )
    row = conn.execute(stmt).one()
    return ListCounts({key: int(getattr(row, key.value)) for key in conditions})
