"""The outbox's file and the plain-JSON form of what it holds; ``todo_desktop.sync.outbox`` uses it.

``Outbox`` is an ordered queue of pending writes kept in a JSON-lines file (one file per
workspace, 0600 in a 0700 folder). Each append is fsync'ed before it counts; entries are
removed only after the database accepted them, by rewriting the file atomically (write a
temporary file, fsync, rename, fsync the folder). A crash at any moment leaves either the
old file or the new one, and at worst a torn last line, which is skipped.
The file is rewritten after every replayed edit: a crash can then repeat at most the one
edit whose success was not yet recorded, which is harmless because replays are idempotent.
Edits that met a newer version and wait for the person's choice are kept in a second file
beside it, written the same way (``todo_desktop.sync.conflicts``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import NextOccurrence, Priority, Task, TaskChanges, TaskDraft, TaskEdit
from todo_desktop.machine.atomic_file import write_atomically

log = logging.getLogger(__name__)

Entry = dict[str, Any]


def _safe_key(key: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", key).strip(".") or "local"
    return cleaned[:100]


class Outbox:
    """A durable, ordered queue of pending write operations (plain JSON objects)."""

    def __init__(self, folder: Path, key: str = "local") -> None:
        self.folder = folder
        self.path = folder / f"{_safe_key(key)}.jsonl"
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            folder.chmod(0o700)
        self._entries = self._load()

    def _load(self) -> list[Entry]:
        entries, damaged = read_lines(self.path)
        if damaged:
            self._rewrite(entries)
        return entries

    def __len__(self) -> int:
        return len(self._entries)

    def first(self) -> Entry | None:
        with self._lock:
            return dict(self._entries[0]) if self._entries else None

    def entries(self) -> list[Entry]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def append(self, entry: Entry) -> None:
        """Add ``entry`` at the end; it is on disk (fsync'ed) when this returns."""
        line = (json.dumps(entry, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._entries.append(dict(entry))

    def replace_all(self, entries: Iterable[Entry]) -> None:
        """Make the queue exactly ``entries``, atomically on disk."""
        with self._lock:
            kept = [dict(e) for e in entries]
            self._rewrite(kept)
            self._entries = kept

    def drop_first(self, count: int = 1) -> None:
        with self._lock:
            kept = self._entries[count:]
            self._rewrite(kept)
            self._entries = kept

    def _rewrite(self, entries: list[Entry]) -> None:
        write_lines(self.path, entries)


def write_lines(path: Path, entries: Iterable[Entry]) -> None:
    """Make ``path`` hold exactly ``entries``, one JSON object a line, atomically: a crash
    leaves the old file or the new one, never a mix."""
    body = "".join(json.dumps(e, separators=(",", ":"), ensure_ascii=True) + "\n" for e in entries)
    write_atomically(path, body.encode("ascii"))


def read_lines(path: Path) -> tuple[list[Entry], bool]:
    """The JSON objects in ``path``, and whether a torn or unreadable line was skipped."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], False
    entries: list[Entry] = []
    torn = 0
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            torn += 1  # a crash in the middle of an append: that edit never counted
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    damaged = bool(torn or (raw and not raw.endswith(b"\n")))
    if damaged:
        log.warning("%s: skipped %d unreadable line(s)", path.name, torn)
    return entries, damaged


# -- operations as plain JSON ----------------------------------------------------------


def when_to_json(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def when_from_json(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


# Tags and repeats came with revision 0007: entries queued before it have none, and replay
# as tasks without them.
def _extras_to_json(value: Task | TaskDraft) -> Entry:
    return {
        "tags": list(value.tags),
        "repeat": value.repeat,
        "repeat_after_completion": value.repeat_after_completion,
    }


def _extras_from_json(data: Entry) -> dict[str, Any]:
    return {
        "tags": tuple(data.get("tags") or ()),
        "repeat": data.get("repeat"),
        "repeat_after_completion": bool(data.get("repeat_after_completion")),
    }


def _reminder_to_json(value: ReminderSetting | None) -> Entry | None:
    if value is None:
        return None
    before = value.before_due.total_seconds() if value.before_due is not None else None
    return {"at": when_to_json(value.at), "before_due_seconds": before}


def _reminder_from_json(data: Any) -> ReminderSetting | None:
    if not isinstance(data, dict):
        return None  # queued before reminders, or none
    before = data.get("before_due_seconds")
    offset = timedelta(seconds=before) if before is not None else None
    return ReminderSetting(at=when_from_json(data.get("at")), before_due=offset)


def draft_to_json(draft: TaskDraft) -> Entry:
    return {
        "id": str(draft.id),
        "title": draft.title,
        "description": draft.description,
        "priority": draft.priority.value,
        "due_date": when_to_json(draft.due_date),
        "completed": draft.completed,
        "reminder": _reminder_to_json(draft.reminder),
        **_extras_to_json(draft),
    }


def draft_from_json(data: Entry) -> TaskDraft:
    return TaskDraft(
        title=data["title"],
        description=data["description"],
        priority=Priority(data["priority"]),
        due_date=when_from_json(data["due_date"]),
        completed=bool(data["completed"]),
        id=uuid.UUID(data["id"]),
        reminder=_reminder_from_json(data.get("reminder")),
        **_extras_from_json(data),
    )


def changes_to_json(changes: TaskChanges) -> Entry:
    """Only the fields given; a cleared field is an explicit null."""
    out: Entry = {}
    for name, value in changes.as_dict().items():
        if isinstance(value, Priority):
            out[name] = value.value
        elif isinstance(value, datetime):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def changes_from_json(data: Entry) -> TaskChanges:
    values: dict[str, Any] = dict(data)
    if "priority" in values:
        values["priority"] = Priority(values["priority"])
    if values.get("due_date") is not None:
        values["due_date"] = when_from_json(values["due_date"])
    if values.get("tags") is not None:
        values["tags"] = tuple(values["tags"])
    return TaskChanges(**values)


def next_to_json(occurrence: NextOccurrence) -> Entry:
    return {"id": str(occurrence.id), "due_date": when_to_json(occurrence.due_date)}


def next_from_json(data: Entry | None) -> NextOccurrence | None:
    return None if not data else NextOccurrence(uuid.UUID(data["id"]), when_from_json(data["due_date"]))


def edit_to_json(edit: TaskEdit) -> Entry:
    out: Entry = {
        "id": str(edit.task_id),
        "changes": changes_to_json(edit.changes),
        "expected": when_to_json(edit.expected_version),
    }
    if edit.next is not None:  # the same id every time it is sent: made once
        out["next"] = next_to_json(edit.next)
    return out


def edit_from_json(data: Entry) -> TaskEdit:
    return TaskEdit(
        uuid.UUID(data["id"]),
        changes_from_json(data["changes"]),
        when_from_json(data.get("expected")),
        next_from_json(data.get("next")),
    )


def task_to_json(task: Task) -> Entry:
    return {
        "id": str(task.id),
        "title": task.title,
        "description": task.description,
        "completed": task.completed,
        "priority": task.priority.value,
        "due_date": when_to_json(task.due_date),
        "created_at": when_to_json(task.created_at),
        "updated_at": when_to_json(task.updated_at),
        "completed_at": when_to_json(task.completed_at),
        **_extras_to_json(task),
    }


def task_from_json(data: Entry) -> Task:
    created = when_from_json(data["created_at"])
    updated = when_from_json(data["updated_at"])
    assert created is not None and updated is not None
    return Task(
        id=uuid.UUID(data["id"]),
        title=data["title"],
        description=data["description"],
        completed=bool(data["completed"]),
        priority=Priority(data["priority"]),
        due_date=when_from_json(data["due_date"]),
        created_at=created,
        updated_at=updated,
        completed_at=when_from_json(data["completed_at"]),
        **_extras_from_json(data),
    )


# -- values ----------------------------------------------------------------------------


class QueuedEditError(DatabaseUnavailableError):
    """The database is unreachable; the edit is queued but cannot be shown optimistically."""


@dataclass(frozen=True, slots=True)
class FlushReport:
    sent: int  # edits the database accepted
    dropped: int  # edits it refused for good (see ``DurableTasks.problems``)
    pending: int  # still waiting
    problems: tuple[str, ...] = ()  # one sentence per dropped edit, for the window
    conflicts: int = 0  # edits that met a newer version and wait for the person's choice


# -- versions ----------------------------------------------------------------------------


def made_versions(entry: Entry) -> dict[str, str]:
    """Per task id, the version an entry's optimistic result showed (made up on this computer
    until the database stores the write)."""
    op, v = entry.get("op"), str(entry.get("v") or "")
    if op == "restores":
        return {t["id"]: t["updated_at"] for t in entry["tasks"]}
    if not v:
        return {}
    if op == "create":
        return {entry["draft"]["id"]: v}
    if op == "update":
        return {entry["id"]: v}
    if op == "edits":  # and the next occurrences its completions made
        made = {e["id"]: v for e in entry["edits"]}
        return made | {e["next"]["id"]: v for e in entry["edits"] if e.get("next") and _completes(e)}
    if op == "set_completed":
        return dict.fromkeys(entry["ids"], v)
    if op == "restore":
        return {entry["task"]["id"]: v}
    return {}


def _completes(edit: Entry) -> bool:
    return bool(edit["changes"].get("completed"))


def with_real_version(entry: Entry, versions: Mapping[tuple[str, str], str]) -> Entry:
    """``entry`` with the versions made up for optimistic results replaced by the stored ones
    (an update's ``expected``, each of a batch's; a delete's ``seen``, the versions the person
    deleted)."""
    op = entry.get("op")
    if op == "delete" and entry.get("seen"):
        seen = {i: versions.get((i, v), v) for i, v in entry["seen"].items()}
        return entry if seen == entry["seen"] else {**entry, "seen": seen}
    if op == "edits":
        edits = [_real_expected(e, versions) for e in entry["edits"]]
        return entry if edits == entry["edits"] else {**entry, "edits": edits}
    return _real_expected(entry, versions) if op == "update" else entry


def _real_expected(edit: Entry, versions: Mapping[tuple[str, str], str]) -> Entry:
    expected = edit.get("expected")
    real = versions.get((edit["id"], expected)) if expected is not None else None
    return edit if real is None else {**edit, "expected": real}
