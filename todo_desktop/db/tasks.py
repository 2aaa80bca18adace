"""Task reads and writes for the signed-in person. Every write is idempotent, so a retry
after a COMMIT whose outcome was lost cannot apply it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Executable, Row

from todo_desktop.core import validation
from todo_desktop.core.errors import NotFoundError, StaleEditError, ValidationError
from todo_desktop.core.smart_lists import UPCOMING_DAYS, local_day_start
from todo_desktop.core.title_order import title_key
from todo_desktop.core.values import ListCounts, Task, TaskChanges, TaskDraft, TaskPage, TaskQuery
from todo_desktop.db import task_sql
from todo_desktop.db.database import Database
from todo_desktop.db.task_queries import count_lists, list_page

GONE = "That task no longer exists; it may have been deleted elsewhere."
MAX_BULK = 10_000
MAX_CHANGED = 1000


def _ids(ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_BULK:
        raise ValidationError("selection", f"Select at most {MAX_BULK:,} tasks at once.")
    return unique


def _column_value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _draft_of(task: Task) -> TaskDraft:
    return TaskDraft(task.title, task.description, task.priority, task.due_date, task.completed, task.id)


class TaskRepository:
    """Bound to one session token; safe to call from any worker thread."""

    def __init__(self, db: Database, token: str) -> None:
        self.db = db
        self.token = token

    def _read(self, statement: Executable, params: dict[str, Any]) -> list[Row[Any]]:
        return self.db.call(self.token, statement, params)

    def _write(self, statement: Executable, params: dict[str, Any]) -> list[Row[Any]]:
        return self.db.call(self.token, statement, params, write=True)

    def _one(self, rows: list[Row[Any]]) -> Task:
        if not rows:
            raise NotFoundError(GONE)
        return task_sql.task_from_tuple(rows[0])

    def create(self, draft: TaskDraft) -> Task:
        clean = validation.draft(draft)
        params = {
            "id": clean.id,
            "title": clean.title,
            "title_key": title_key(clean.title),
            "description": clean.description,
            "priority": clean.priority.value,
            "due_date": clean.due_date,
            "completed": clean.completed,
        }

        # A retry after a lost COMMIT gets the first attempt's row back; no row at all means
        # the id belongs to someone else.
        return self._one(self._write(task_sql.CREATE, params))

    def get(self, task_id: uuid.UUID) -> Task:
        return self._one(self._read(task_sql.GET, {"ids": [task_id]}))

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        """Write ``changes``. With ``expected_version`` (the ``updated_at`` of the task the
        edit was based on) the write applies only if the task is still at that version;
        otherwise nothing is written and StaleEditError carries the stored task.
        """
        if expected_version is not None and expected_version.tzinfo is None:
            raise ValueError("expected_version must be timezone-aware")
        values = validation.changes(changes)
        if not values:
            return self.get(task_id)
        columns = [c for c in task_sql.UPDATABLE if c in values]
        params: dict[str, Any] = {c: _column_value(values.get(c)) for c in task_sql.UPDATABLE}
        params |= {"id": task_id, "expected": expected_version, "columns": columns}
        params["title_key"] = title_key(params["title"]) if params["title"] is not None else None

        rows = self._write(task_sql.UPDATE, params)
        if not rows:
            raise NotFoundError(GONE)
        outcome, task = rows[0][0], task_sql.task_from_tuple(rows[0][1:])
        # "updated" and "unchanged" both succeed: "unchanged" means the task already held
        # what this edit asks for, as after a retry whose COMMIT answer was lost (its first
        # attempt moved the version), or the same edit made elsewhere.
        if outcome == "stale":
            raise StaleEditError(task)
        return task

    def toggle(self, task: Task, expected_version: datetime | None = None) -> Task:
        """Flip ``task`` as the person saw it; sent as an absolute value, so retry-safe.
        Pass ``task.updated_at`` as ``expected_version`` to refuse a stale flip."""
        return self.update(task.id, TaskChanges(completed=not task.completed), expected_version)

    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]:
        ids = _ids(task_ids)
        params = {"ids": ids, "completed": completed}

        return [task_sql.task_from_tuple(r) for r in self._write(task_sql.SET_COMPLETED, params)]

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        """Delete the tasks; returns how many existed. Deleting twice is harmless."""
        params = {"ids": _ids(task_ids)}
        return int(self._write(task_sql.DELETE, params)[0][0])

    def restore(self, snapshot: Task) -> Task:
        """Put back a deleted task with its id, fields and creation time (undo of a delete)."""
        return self.restore_many([snapshot])[0]

    def restore_many(self, snapshots: Iterable[Task]) -> list[Task]:
        """Undo of a delete, in one transaction; rows still present are left as they are."""
        drafts = [(s, validation.draft(_draft_of(s))) for s in snapshots]
        if len(drafts) > MAX_BULK:
            raise ValidationError("selection", f"Select at most {MAX_BULK:,} tasks at once.")
        ids = [d.id for _, d in drafts]
        params: dict[str, Any] = {
            "ids": ids,
            "titles": [d.title for _, d in drafts],
            "title_keys": [title_key(d.title) for _, d in drafts],
            "descriptions": [d.description for _, d in drafts],
            "priorities": [d.priority.value for _, d in drafts],
            "dues": [d.due_date for _, d in drafts],
            "completed": [d.completed for _, d in drafts],
            "created": [s.created_at for s, _ in drafts],
            "completed_at": [s.completed_at for s, _ in drafts],
        }

        by_id = {r[0]: task_sql.task_from_tuple(r) for r in self._write(task_sql.RESTORE, params)}
        if any(i not in by_id for i in ids):  # the id belongs to someone else: RLS hid its row
            raise NotFoundError(GONE)
        return [by_id[i] for i in ids]

    def changed_since(self, since: datetime, limit: int = 500) -> list[Task]:
        """The signed-in person's tasks changed (or created) after ``since``, oldest first,
        at most ``limit`` of them. ``since`` is a database time, such as the newest
        ``updated_at`` already seen. Deleted tasks leave no row, so they do not show here.
        """
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        limit = max(1, min(limit, MAX_CHANGED))

        rows = self._read(task_sql.CHANGED_SINCE, {"since": since, "limit": limit})
        return [task_sql.task_from_tuple(r) for r in rows]

    def list(self, query: TaskQuery) -> TaskPage:
        if query.text:
            query = replace(query, text=validation.search_text(query.text))
        page, cursor = list_page(self._read, query)
        return TaskPage(tasks=page, next_cursor=cursor)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        today = local_day_start(now, zone)
        tomorrow = local_day_start(now, zone, 1)
        end = local_day_start(now, zone, 1 + UPCOMING_DAYS)
        return count_lists(self._read, now, today, tomorrow, end)
