"""Task reads and writes for the signed-in person. Every write is idempotent, so a retry
after a COMMIT whose outcome was lost cannot apply it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, tzinfo

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert

from todo_desktop import validation
from todo_desktop.db.database import Database
from todo_desktop.db.tables import tasks
from todo_desktop.db.task_queries import TASK_COLUMNS, count_lists, list_page, task_from_row
from todo_desktop.errors import NotFoundError, ValidationError
from todo_desktop.smart_lists import UPCOMING_DAYS, local_day_start
from todo_desktop.values import ListCounts, Task, TaskChanges, TaskDraft, TaskPage, TaskQuery

GONE = "That task no longer exists; it may have been deleted elsewhere."
MAX_BULK = 10_000


def _ids(ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_BULK:
        raise ValidationError("selection", f"Select at most {MAX_BULK:,} tasks at once.")
    return unique


class TaskRepository:
    """Bound to one session token; safe to call from any worker thread."""

    def __init__(self, db: Database, token: str) -> None:
        self.db = db
        self.token = token

    def create(self, draft: TaskDraft) -> Task:
        clean = validation.draft(draft)
        values = {
            "id": clean.id,
            "title": clean.title,
            "description": clean.description,
            "priority": clean.priority.value,
            "due_date": clean.due_date,
            "completed": clean.completed,
        }
        stmt = insert(tasks).values(**values).on_conflict_do_nothing(index_elements=[tasks.c.id])

        def work(conn: Connection) -> Task:
            conn.execute(stmt)
            # On a retry the first attempt's row is already there; either way, read it back.
            return _fetch(conn, clean.id)

        return self.db.run(self.token, work)

    def get(self, task_id: uuid.UUID) -> Task:
        return self.db.run(self.token, lambda c: _fetch(c, task_id))

    def update(self, task_id: uuid.UUID, changes: TaskChanges) -> Task:
        values = validation.changes(changes)
        if not values:
            return self.get(task_id)
        values = {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}
        stmt = update(tasks).where(tasks.c.id == task_id).values(**values).returning(*TASK_COLUMNS)

        def work(conn: Connection) -> Task:
            row = conn.execute(stmt).first()
            if row is None:
                raise NotFoundError(GONE)
            return task_from_row(row)

        return self.db.run(self.token, work)

    def toggle(self, task: Task) -> Task:
        """Flip ``task`` as the person saw it; sent as an absolute value, so retry-safe."""
        return self.update(task.id, TaskChanges(completed=not task.completed))

    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]:
        ids = _ids(task_ids)
        stmt = (
            update(tasks)
            .where(tasks.c.id.in_(ids), tasks.c.completed != completed)
            .values(completed=completed)
        )

        def work(conn: Connection) -> list[Task]:
            conn.execute(stmt)
            rows = conn.execute(select(*TASK_COLUMNS).where(tasks.c.id.in_(ids))).all()
            return [task_from_row(r) for r in rows]

        return self.db.run(self.token, work)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        """Delete the tasks; returns how many existed. Deleting twice is harmless."""
        ids = _ids(task_ids)
        stmt = delete(tasks).where(tasks.c.id.in_(ids))
        return self.db.run(self.token, lambda c: c.execute(stmt).rowcount)

    def restore(self, snapshot: Task) -> Task:
        """Put back a deleted task with its id and fields (undo of a delete)."""
        draft = TaskDraft(
            id=snapshot.id,
            title=snapshot.title,
            description=snapshot.description,
            priority=snapshot.priority,
            due_date=snapshot.due_date,
            completed=snapshot.completed,
        )
        return self.create(draft)

    def list(self, query: TaskQuery) -> TaskPage:
        if query.text:
            query = replace(query, text=validation.search_text(query.text))
        page, cursor = self.db.run(self.token, lambda c: list_page(c, query))
        return TaskPage(tasks=page, next_cursor=cursor)

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        today = local_day_start(now, zone)
        tomorrow = local_day_start(now, zone, 1)
        end = local_day_start(now, zone, 1 + UPCOMING_DAYS)
        return self.db.run(self.token, lambda c: count_lists(c, now, today, tomorrow, end))


def _fetch(conn: Connection, task_id: uuid.UUID) -> Task:
    row = conn.execute(select(*TASK_COLUMNS).where(tasks.c.id == task_id)).first()
    if row is None:
        raise NotFoundError(GONE)
    return task_from_row(row)
