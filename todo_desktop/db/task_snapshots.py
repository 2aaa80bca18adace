"""Tasks as the batch functions take them: a restore's arrays, an import's JSON document, and
the tags of several tasks laid out one after another. Each task is checked as a new one is."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from todo_desktop.core import validation
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.title_order import title_key
from todo_desktop.core.values import Task, TaskDraft

MAX_BULK = 10_000


def check_size(count: int) -> None:
    # Refused here, before anything is sent; the database refuses more as well.
    if count > MAX_BULK:
        raise ValidationError("selection", f"Select at most {MAX_BULK:,} tasks at once.")


def _draft_of(task: Task) -> TaskDraft:
    return TaskDraft(
        task.title,
        task.description,
        task.priority,
        task.due_date,
        task.completed,
        task.id,
        task.tags,
        task.repeat,
        task.repeat_after_completion,
    )


def flat_tags(lists: Sequence[tuple[str, ...] | None]) -> dict[str, Any]:
    """Per task its count of tags (None: not set), and every name and key one task after
    another: the layout of the todo_api functions' tag arrays."""
    names = [name for tags in lists if tags for name in tags]
    return {
        "tag_counts": [None if tags is None else len(tags) for tags in lists],
        "tag_names": names,
        "tag_keys": [validation.tag_key(name) for name in names],
    }


def snapshot_drafts(snapshots: Sequence[Task]) -> tuple[list[uuid.UUID], list[tuple[Task, TaskDraft]]]:
    """The ids (first of each, in the order given), and each task with its checked draft (as a
    new task is checked), by id: two restores of the same tasks lock them in one order."""
    unique: dict[uuid.UUID, Task] = {}
    for snapshot in snapshots:
        unique.setdefault(snapshot.id, snapshot)
    check_size(len(unique))
    drafts = [(s, validation.draft(_draft_of(s))) for s in unique.values()]
    drafts.sort(key=lambda pair: pair[1].id)
    return list(unique), drafts


def restore_arrays(drafts: Sequence[tuple[Task, TaskDraft]]) -> dict[str, Any]:
    """The arrays of restore_tasks."""
    return {
        "ids": [d.id for _, d in drafts],
        "titles": [d.title for _, d in drafts],
        "title_keys": [title_key(d.title) for _, d in drafts],
        "descriptions": [d.description for _, d in drafts],
        "priorities": [d.priority.value for _, d in drafts],
        "dues": [d.due_date for _, d in drafts],
        "completed": [d.completed for _, d in drafts],
        "created": [s.created_at for s, _ in drafts],
        "completed_at": [s.completed_at for s, _ in drafts],
        **flat_tags([d.tags for _, d in drafts]),
        "repeats": [d.repeat for _, d in drafts],
        "after_completion": [d.repeat_after_completion for _, d in drafts],
    }


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def import_document(drafts: Sequence[tuple[Task, TaskDraft]]) -> str:
    """The JSON array of import_tasks (its keys: sql/0011_import_speed.sql)."""
    return json.dumps(
        [
            {
                "id": str(d.id),
                "title": d.title,
                "title_key": title_key(d.title),
                "notes": d.description,
                "priority": d.priority.value,
                "due": _when(d.due_date),
                "done": d.completed,
                "created": _when(s.created_at),
                "done_at": _when(s.completed_at),
                "tags": list(d.tags or ()),
                "tag_keys": [validation.tag_key(name) for name in d.tags or ()],
                "repeat": d.repeat,
                "after_done": d.repeat_after_completion,
            }
            for s, d in drafts
        ],
        ensure_ascii=False,
    )
