"""Task reads and writes for the signed-in person. Every write is idempotent, so a retry
after a COMMIT whose outcome was lost cannot apply it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Executable, Row

from todo_desktop.core import validation
from todo_desktop.core.changes import ChangeCursor, ChangedTasks, RemovedTasks
from todo_desktop.core.errors import NotFoundError, StaleEditError
from todo_desktop.core.smart_lists import UPCOMING_DAYS, local_day_start
from todo_desktop.core.title_order import title_key
from todo_desktop.core.values import (
    BatchOutcome,
    ImportOutcome,
    ListCounts,
    TagCount,
    TagRemoval,
    Task,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskPage,
    TaskQuery,
)
from todo_desktop.db import change_cursors, task_sql
from todo_desktop.db.database import Database
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.db.task_queries import count_lists, list_page
from todo_desktop.db.task_snapshots import (
    check_size,
    flat_tags,
    import_document,
    restore_arrays,
    snapshot_drafts,
)

GONE = "That task no longer exists; it may have been deleted elsewhere."
MAX_TAGS = 10_000  # as todo_api.tags allows; an account holds 1,000 by default


def _ids(ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    check_size(len(unique))
    return unique


def _outcome(ids: Sequence[uuid.UUID], rows: Sequence[Sequence[Any]]) -> BatchOutcome:
    """A batch's rows (todo_api.task_edit) sorted out, in the order of ``ids``. A task with
    no row was not there, or not the caller's. Rows of other ids are the next occurrences
    of repeating tasks: made by a completion ('next'), or taken back by an undo ('deleted')."""
    asked = set(ids)
    by_id: dict[uuid.UUID, tuple[str, Task]] = {
        r[1]: (r[0], task_sql.task_from_tuple(r[1:])) for r in rows if r[1] in asked
    }
    found = [(i, by_id[i][0], by_id[i][1]) for i in ids if i in by_id]
    others = [(r[0], r[1]) for r in rows if r[1] not in asked]
    return BatchOutcome(
        stored=tuple(t for _, o, t in found if o in ("updated", "unchanged")),
        stale=tuple(t for _, o, t in found if o == "stale"),
        gone=tuple(i for i in ids if i not in by_id),
        deleted=tuple(i for i, o, _ in found if o == "deleted")
        + tuple(i for o, i in others if o == "deleted"),
        created=tuple(task_sql.task_from_tuple(r[1:]) for r in rows if r[1] not in asked and r[0] == "next"),
    )


def _column_value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _tag_key(name: str) -> str:
    return validation.tag_key(validation.tag(name))


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
            "tag_names": list(clean.tags),
            "tag_keys": [validation.tag_key(t) for t in clean.tags],
            "repeat": clean.repeat,
            "after_completion": clean.repeat_after_completion,
        }
        # A retry after a lost COMMIT gets the first attempt's row back; no row at all means
        # the id belongs to someone else.
        task = self._one(self._write(task_sql.CREATE, params))
        if clean.reminder is not None:
            # After the task, and safe to repeat: a failure here fails the create, which an
            # outbox then sends again whole (the task comes back as it is, the reminder goes in).
            ReminderRepository(self.db, self.token).set_reminder(task.id, clean.reminder)
        return task

    def get(self, task_id: uuid.UUID) -> Task:
        """Not part of TaskService (the window reads lists): for the self-check and tests."""
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
        columns = [c for c in task_sql.ONE_TASK_FIELDS if c in values]
        params: dict[str, Any] = {c: _column_value(values.get(c)) for c in task_sql.UPDATABLE}
        params |= {"id": task_id, "expected": expected_version, "columns": columns}
        params["title_key"] = title_key(params["title"]) if params["title"] is not None else None
        tags = values.get("tags")
        params |= {
            "tag_names": list(tags) if isinstance(tags, tuple) else None,
            "tag_keys": [validation.tag_key(t) for t in tags] if isinstance(tags, tuple) else None,
            "repeat": values.get("repeat"),
            "after_completion": values.get("repeat_after_completion"),
        }
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

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        """Write every edit in one call and one transaction. An edit whose ``expected_version``
        is stale writes nothing and its task comes back in ``stale``, while the others are
        written: each conflict is about one task, and the person settles it task by task
        (all or nothing would throw away, or send again, the edits of every other task).
        Anything refused, such as a value or a limit, refuses the whole batch."""
        edits = list(edits)
        check_size(len(edits))
        ids = [e.task_id for e in edits]
        if len(set(ids)) != len(ids):
            raise ValueError("a batch may name each task once")
        if any(e.expected_version is not None and e.expected_version.tzinfo is None for e in edits):
            raise ValueError("expected versions must be timezone-aware")
        if any(e.next and e.next.due_date is not None and e.next.due_date.tzinfo is None for e in edits):
            raise ValueError("next occurrences must be due at timezone-aware times")
        # Every one checked before anything is sent; a selection shares one TaskChanges.
        checked = {c: validation.changes(c) for c in {e.changes for e in edits}}
        if not edits:
            return BatchOutcome()
        # Sorted, so that two batches over the same tasks lock them in one order.
        edits = sorted(edits, key=lambda e: e.task_id)
        values = [checked[e.changes] for e in edits]
        keys = {t: title_key(t) for v in values if isinstance(t := v.get("title"), str)}
        titles = [v.get("title") for v in values]
        nexts = [e.next for e in edits]
        params: dict[str, Any] = {
            "ids": [e.task_id for e in edits],
            "versions": [e.expected_version for e in edits],
            "fields": [sum(task_sql.FIELDS[k] for k in v) for v in values],
            "titles": titles,
            "title_keys": [keys.get(t) if isinstance(t, str) else None for t in titles],
            "descriptions": [v.get("description") for v in values],
            "priorities": [_column_value(v.get("priority")) for v in values],
            "dues": [v.get("due_date") for v in values],
            "completed": [v.get("completed") for v in values],
            **flat_tags([v.get("tags") for v in values]),  # type: ignore[misc]
            "repeats": [v.get("repeat") for v in values],
            "after_completion": [v.get("repeat_after_completion") for v in values],
            "next_ids": [n.id if n else None for n in nexts],
            "next_dues": [n.due_date if n else None for n in nexts],
        }
        return _outcome(ids, self._write(task_sql.UPDATE_MANY, params))

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        """Delete the tasks whatever their versions; returns how many existed. Deleting twice
        is harmless."""
        return len(self.delete_unchanged(dict.fromkeys(_ids(task_ids))).deleted)

    def delete_unchanged(self, versions: Mapping[uuid.UUID, datetime | None]) -> BatchOutcome:
        """Delete, in one transaction, each task still at the version given (None: at any
        version); a task changed since is kept and comes back in ``stale``."""
        ids = _ids(versions)
        if any(v is not None and v.tzinfo is None for v in versions.values()):
            raise ValueError("versions must be timezone-aware")
        if not ids:
            return BatchOutcome()
        ordered = sorted(ids)  # two deletes over the same tasks lock them in one order
        params = {"ids": ordered, "versions": [versions[i] for i in ordered]}
        return _outcome(ids, self._write(task_sql.DELETE, params))

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        """Undo of a delete, in one transaction: the tasks come back with their ids, fields and
        creation times; rows still present are left as they are. An id another person holds
        cannot come back and is in ``gone``."""
        ids, drafts = snapshot_drafts(snapshots)
        if not ids:
            return BatchOutcome()
        rows = self._write(task_sql.RESTORE, restore_arrays(drafts))
        by_id = {r[0]: task_sql.task_from_tuple(r) for r in rows}
        return BatchOutcome(
            stored=tuple(by_id[i] for i in ids if i in by_id), gone=tuple(i for i in ids if i not in by_id)
        )

    def import_many(self, snapshots: Sequence[Task]) -> ImportOutcome:
        """An import's batch, in one transaction: as ``restore_many``, but answered with how
        many tasks it added and the ids another account holds, not with every task."""
        ids, drafts = snapshot_drafts(snapshots)
        if not ids:
            return ImportOutcome()
        rows: list[Any] = self._write(task_sql.IMPORT, {"tasks": import_document(drafts)})
        return ImportOutcome(added=int(rows[0][0]), taken=tuple(rows[0][1]))

    # Not part of TaskService: the self-check (cli/self_check.py) and the GUI benchmark's
    # baseline (tests/bench/_gui_loop.py) still call these two.
    def toggle(self, task: Task, expected_version: datetime | None = None) -> Task:
        """Flip ``task`` as the person saw it; sent as an absolute value, so retry-safe."""
        return self.update(task.id, TaskChanges(completed=not task.completed), expected_version)

    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]:
        edits = [TaskEdit(i, TaskChanges(completed=completed)) for i in _ids(task_ids)]
        return list(self.update_many(edits).stored)

    def change_cursor(self) -> ChangeCursor:
        """Where the next read of changes starts: whatever a read after this call cannot see
        yet (it was still being written) is read from here, however long its transaction."""
        return change_cursors.from_database(self._read(task_sql.CHANGE_CURSOR, {})[0][0])

    def changed_since(self, cursor: ChangeCursor, limit: int = 500) -> ChangedTasks:
        """One page of the signed-in person's tasks changed (or created) by transactions at or
        after ``cursor``; a task may come again in a later read. Deleted tasks leave no row:
        ``removed_since`` names them."""
        rows = self._read(task_sql.CHANGED_SINCE, change_cursors.arguments(cursor, limit))
        tasks = tuple(task_sql.task_from_tuple(r) for r in rows)
        return ChangedTasks(tasks, change_cursors.next_page(cursor, rows, limit))

    def removed_since(self, cursor: ChangeCursor, limit: int = 500) -> RemovedTasks:
        """One page of the signed-in person's tasks deleted at or after ``cursor`` (notes are
        kept a day), each id with when it went. A task restored since is also in
        ``changed_since``, at a later version."""
        rows: list[Any] = self._read(task_sql.REMOVED_SINCE, change_cursors.arguments(cursor, limit))
        return RemovedTasks({r[0]: r[1] for r in rows}, change_cursors.next_page(cursor, rows, limit))

    # -- tags ---------------------------------------------------------------------------

    def tags(self) -> list[TagCount]:
        """The person's tags, by name, each with how many open tasks have it."""
        rows: list[Any] = self._read(task_sql.TAGS, {"limit": MAX_TAGS})
        return [TagCount(row[0], int(row[1])) for row in rows]

    def rename_tag(self, old: str, new: str) -> int:
        """Rename tag ``old`` (any case) to ``new`` on every task; into a tag the person already
        has, the two become one. Returns how many tasks changed (0: no such tag)."""
        name = validation.tag(new)
        params = {"old_key": _tag_key(old), "new_name": name, "new_key": validation.tag_key(name)}
        return int(self._write(task_sql.RENAME_TAG, params)[0][0])

    def delete_tag(self, name: str) -> TagRemoval:
        """Take tag ``name`` (any case) off every task and forget it; what it was on comes
        back, for `restore_tag`. No such tag: no tasks."""
        rows: list[Any] = self._write(task_sql.DELETE_TAG, {"key": _tag_key(name)})
        if not rows:
            return TagRemoval(validation.tag(name), ())
        return TagRemoval(rows[0][0], tuple(rows[0][1]))

    def restore_tag(self, removal: TagRemoval) -> int:
        """Undo of `delete_tag`: the tag again, on those of its tasks still there. Returns how
        many got it back."""
        ids = _ids(removal.task_ids)
        name = validation.tag(removal.name)
        params = {"name": name, "key": validation.tag_key(name), "ids": sorted(ids)}
        return int(self._write(task_sql.RESTORE_TAG, params)[0][0])

    def prepare_search(self, limit: int) -> int:
        """Make the search keys of up to ``limit`` tasks an import stored without them (they
        are found meanwhile, only more slowly); returns how many, fewer than ``limit`` once
        none wait."""
        return int(self._write(task_sql.PREPARE_SEARCH, {"limit": limit})[0][0])

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        today = local_day_start(now, zone)
        tomorrow = local_day_start(now, zone, 1)
        end = local_day_start(now, zone, 1 + UPCOMING_DAYS)
        return count_lists(self._read, now, today, tomorrow, end)

    def list(self, query: TaskQuery) -> TaskPage:  # last: its name would shadow list[...] above
        if query.text:
            query = replace(query, text=validation.search_text(query.text))
        if query.tag is not None:
            query = replace(query, tag=validation.tag(query.tag))
        page, cursor = list_page(self._read, query)
        return TaskPage(tasks=page, next_cursor=cursor)
