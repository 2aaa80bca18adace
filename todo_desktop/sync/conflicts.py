"""Offline edits that met a newer version on another device, kept until the person chooses.

A replayed update the database refuses as stale, or a replayed delete of a task changed
since the person saw it, is neither sent nor dropped: it becomes a ``Conflict`` (their
version as stored, the person's changes) kept in a file beside the outbox, and the flush
goes on with the entries after it (``todo_desktop.sync.replay``). A batch is settled task
by task: its other tasks are written. ``DurableTasks`` settles each one as the person chooses.
Decisions:

- One conflict per task. A later edit of a task that waits for a choice joins it instead of
  being sent: it was made without seeing the other device's version either. A later delete
  makes it a question about the delete; undoing that delete (a restore) takes it back.
- The conflict is on disk before its outbox entry is removed. A crash in between replays
  the entry again, and joining the same edit twice changes nothing.
- A queued delete names the version of each task the person saw (``seen``); the database
  deletes only the tasks still at it, in the same statement (``delete_unchanged``), so no
  change made elsewhere can slip in between a check and the delete.
- The person's "keep mine" is an outbox entry of its own (``KEEP_MINE``): it is sent in
  turn, after the edits queued before it, and takes the person's side from the conflict
  as it is then (with any edits that joined it meanwhile). Until it is sent the conflict
  is not asked again. "Keep theirs" needs no database: it only forgets.
- Deletes queued by the previous release carry no ``seen``: they replay as they always did.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, runtime_checkable

from todo_desktop.core.values import NextOccurrence, Task, TaskChanges
from todo_desktop.machine.atomic_file import fsync_folder
from todo_desktop.sync.outbox_file import (
    Entry,
    changes_from_json,
    changes_to_json,
    next_from_json,
    next_to_json,
    read_lines,
    task_from_json,
    task_to_json,
    write_lines,
)

log = logging.getLogger(__name__)

KEEP_MINE = "keep_mine"  # the outbox operation of the person's choice


@dataclass(frozen=True, slots=True)
class Conflict:
    """The person's side of a task that another device changed meanwhile."""

    task_id: uuid.UUID
    theirs: Task  # the task as the database stored it when the person's edit met it
    mine: TaskChanges | None  # the fields the person changed, if any
    deleting: bool = False  # the person deleted it (after those changes, if any)
    # Versions made up for the optimistic results of the person's edits; once the person
    # chooses, they stand for the chosen version, so the window's next edit builds on it.
    made: tuple[str, ...] = ()
    # The next occurrence the person's completion of a repeating task names (or its undo):
    # keeping their side makes it (or takes it back), as the edit would have.
    next: NextOccurrence | None = None


def merged(first: TaskChanges | None, later: TaskChanges | None) -> TaskChanges | None:
    """Both edits as one: a field set in both takes the later value."""
    if first is None or later is None:
        return first if later is None else later
    return changes_from_json({**changes_to_json(first), **changes_to_json(later)})


def joined(old: Conflict, new: Conflict) -> Conflict:
    """One conflict for the task: the newest version of theirs, all of the person's side."""
    theirs = new.theirs if new.theirs.updated_at >= old.theirs.updated_at else old.theirs
    made = tuple(dict.fromkeys(old.made + new.made))
    return Conflict(
        old.task_id,
        theirs,
        merged(old.mine, new.mine),
        old.deleting or new.deleting,
        made,
        new.next or old.next,
    )


def conflict_to_json(conflict: Conflict) -> Entry:
    return {
        "id": str(conflict.task_id),
        "theirs": task_to_json(conflict.theirs),
        "mine": None if conflict.mine is None else changes_to_json(conflict.mine),
        "deleting": conflict.deleting,
        "made": list(conflict.made),
        "next": None if conflict.next is None else next_to_json(conflict.next),
    }


def conflict_from_json(data: Entry) -> Conflict:
    mine = data.get("mine")
    return Conflict(
        task_id=uuid.UUID(data["id"]),
        theirs=task_from_json(data["theirs"]),
        mine=None if mine is None else changes_from_json(mine),
        deleting=bool(data.get("deleting")),
        made=tuple(str(v) for v in data.get("made") or ()),
        next=next_from_json(data.get("next")),
    )


class ConflictFile:
    """The conflicts of one outbox, by task, oldest first. Every change is on disk (the file
    rewritten atomically) when it returns; the file exists only while a conflict waits.

    Reads take no lock (the window reads on its own thread, and must not wait for a disk):
    every change publishes a new dict or set, never edits the one published.
    """

    def __init__(self, outbox_path: Path, queued: Iterable[Entry] = ()) -> None:
        # No outbox file ends in ".conflicts", so no workspace key can name this one.
        self.path = outbox_path.with_suffix(".conflicts")
        self._lock = threading.Lock()
        # Tasks whose "keep mine" waits in the outbox: not asked about again meanwhile.
        self._chosen = frozenset(str(e.get("id")) for e in queued if e.get("op") == KEEP_MINE)
        self._kept: dict[uuid.UUID, Conflict] = {}
        for data in read_lines(self.path)[0]:
            try:
                conflict = conflict_from_json(data)
            except (KeyError, TypeError, ValueError):
                log.warning("%s: skipped an unreadable conflict", self.path.name)
                continue
            known = self._kept.get(conflict.task_id)
            self._kept[conflict.task_id] = conflict if known is None else joined(known, conflict)

    def asking(self) -> list[Conflict]:
        """The conflicts to put to the person: not those whose "keep mine" is on its way."""
        chosen = self._chosen
        return [c for c in self._kept.values() if str(c.task_id) not in chosen]

    def get(self, task_id: uuid.UUID) -> Conflict | None:
        return self._kept.get(task_id)

    def choosing(self, task_id: str, queued: bool) -> None:
        """A "keep mine" of ``task_id`` was queued (True) or has left the outbox (False)."""
        with self._lock:
            self._chosen = self._chosen | {task_id} if queued else self._chosen - {task_id}

    def put(self, conflict: Conflict) -> Conflict:
        """Keep ``conflict``, joined with the one already waiting for that task."""
        with self._lock:
            known = self._kept.get(conflict.task_id)
            kept = conflict if known is None else joined(known, conflict)
            self._save({**self._kept, kept.task_id: kept})
            return kept

    def remove(self, task_id: uuid.UUID) -> Conflict | None:
        with self._lock:
            known = self._kept.get(task_id)
            if known is not None:
                self._save({i: c for i, c in self._kept.items() if i != task_id})
            return known

    def undelete(self, task_id: uuid.UUID) -> None:
        """The person undid their delete: what is left to ask is their changes, if any."""
        with self._lock:
            known = self._kept.get(task_id)
            if known is None or not known.deleting:
                return
            if known.mine is None:
                self._save({i: c for i, c in self._kept.items() if i != task_id})
            else:
                self._save({**self._kept, task_id: replace(known, deleting=False)})

    def _save(self, kept: dict[uuid.UUID, Conflict]) -> None:
        # Memory changes only once the disk has: a failed write leaves both as they were.
        if kept:
            write_lines(self.path, [conflict_to_json(c) for c in kept.values()])
        elif self.path.exists():
            self.path.unlink()
            fsync_folder(self.path.parent)
        self._kept = kept


@runtime_checkable
class ConflictChoices(Protocol):
    """What a window needs to put the outbox's conflicts to the person (``DurableTasks``).

    ``conflicts`` reads memory only; the choices write: run them as writes, in order.
    """

    def conflicts(self) -> list[Conflict]: ...
    def keep_mine(self, task_id: uuid.UUID) -> bool: ...
    def keep_theirs(self, task_id: uuid.UUID) -> Task | None: ...
    def take_problems(self) -> list[str]: ...
