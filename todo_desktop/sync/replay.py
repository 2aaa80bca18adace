"""Sending one queued entry of the outbox to the database; ``todo_desktop.sync.outbox`` uses it.

Every entry is one call of the data layer, so one transaction, however many tasks it names:
an edit of a selection made offline (``edits``) is replayed as one batch, a delete of several
tasks as one versioned delete, an undo of a multi-delete (``restores``) as one restore. Every
one is idempotent, so replaying it again after a crash, or after a COMMIT whose answer was
lost, changes nothing more: a task that already holds what an edit asks for counts as done,
a task already deleted counts as deleted, a task already back is left as it is.

Nothing is written over a version the person has not seen: a task of a batch that another
device changed meanwhile, or one that already waits for the person's choice, is set aside as
a conflict (``todo_desktop.sync.conflicts``) while the rest of the batch is written; a task
of a batch that no longer exists is dropped with one sentence, and the rest is written.

Entries the previous release queued (``update``, ``set_completed``, ``restore``; ``delete``
without the versions seen) replay for one more release, mapped to the calls of this one; so do
entries queued before tags and repeats (they have none of either).

A completion of a repeating task names its next occurrence (always the same id), and the
database makes it only when that completion moves the task from open to completed: replayed
after a lost COMMIT, or again after a crash, it finds the task completed and makes nothing.
Tag operations replay as they were made; a delete's answer (every task it took the tag from)
is kept for the undo that may follow it in the queue (``todo_desktop.sync.outbox_tags``).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from todo_desktop.core.errors import NotFoundError, StaleEditError
from todo_desktop.core.ports import TaskService
from todo_desktop.core.values import BatchOutcome, TagRemoval, Task, TaskChanges, TaskEdit
from todo_desktop.sync.conflicts import KEEP_MINE, Conflict, ConflictFile
from todo_desktop.sync.outbox_file import (
    Entry,
    changes_from_json,
    draft_from_json,
    edit_from_json,
    task_from_json,
    when_from_json,
)
from todo_desktop.sync.outbox_tags import removal_key

log = logging.getLogger(__name__)


def gone_from_batch(count: int) -> str:
    """One sentence for the edits of a queued batch whose tasks were deleted meanwhile."""
    which = "a task that no longer exists" if count == 1 else f"{count} tasks that no longer exist"
    return f"An edit made offline was not saved for {which}; it may have been deleted on another device."


def not_restored(count: int) -> str:
    which = "a task" if count == 1 else f"{count} tasks"
    return f"An undo made offline could not bring back {which}: another account holds the same id."


@dataclass(frozen=True, slots=True)
class Replayed:
    """What one queued write did."""

    stored: list[Task]  # as the database stored them
    deleted: list[uuid.UUID]  # deleted, or found gone already
    conflicts: int = 0  # tasks set aside for the person's choice
    sent: bool = True  # something of it reached the database
    made: tuple[str, ...] = ()  # versions made up for the person's edits, now stored ones
    problems: tuple[str, ...] = ()  # parts the database refused for good, one sentence each
    # A tag's delete: (its key and the tasks guessed here, the tasks the database took it from)
    removed: tuple[tuple[str, tuple[uuid.UUID, ...]], tuple[uuid.UUID, ...]] | None = None


def replay_keeping(inner: TaskService, entry: Entry, kept: ConflictFile) -> Replayed:
    """Send ``entry`` through ``inner``, except that nothing is written over a version the
    person has not seen: a stale update or delete, and any update of a task already waiting,
    go to ``kept``."""
    op = entry["op"]
    if op == "create":
        return Replayed([inner.create(draft_from_json(entry["draft"]))], [])
    if op == "update":
        return _update(inner, entry, kept)
    if op == "edits":
        return _edits(inner, [edit_from_json(e) for e in entry["edits"]], entry, kept)
    if op == "set_completed":  # queued by the previous release: absolute values, no versions
        changes = TaskChanges(completed=bool(entry["completed"]))
        outcome = inner.update_many([TaskEdit(uuid.UUID(i), changes) for i in entry["ids"]])
        return Replayed(list(outcome.stored), [])
    if op == "delete":
        return _delete(inner, entry, kept)
    if op in ("restore", "restores"):
        return _restore(inner, [task_from_json(t) for t in entry.get("tasks") or [entry["task"]]], kept)
    if op == KEEP_MINE:
        return _keep_mine(inner, uuid.UUID(entry["id"]), kept)
    if op == "rename_tag":  # renaming a tag that is gone already renames nothing
        inner.rename_tag(entry["old"], entry["new"])
        return Replayed([], [])
    if op == "delete_tag":
        removal = inner.delete_tag(entry["name"])
        return Replayed(
            [], [], removed=(removal_key(entry["name"], entry.get("ids") or []), removal.task_ids)
        )
    if op == "restore_tag":
        inner.restore_tag(TagRemoval(entry["name"], tuple(uuid.UUID(i) for i in entry["ids"])))
        return Replayed([], [])
    raise ValueError(f"unknown outbox operation {op!r}")


def _update(inner: TaskService, entry: Entry, kept: ConflictFile) -> Replayed:
    task_id = uuid.UUID(entry["id"])
    waiting = kept.get(task_id)
    if waiting is None:
        try:
            changes = changes_from_json(entry["changes"])
            return Replayed([inner.update(task_id, changes, when_from_json(entry.get("expected")))], [])
        except StaleEditError as exc:
            theirs = exc.current
    else:
        theirs = waiting.theirs
    made = (entry["v"],) if entry.get("v") else ()
    kept.put(Conflict(task_id, theirs, changes_from_json(entry["changes"]), made=made))
    log.info("Outbox: an edit met a newer version of its task; kept for the person's choice")
    return Replayed([], [], conflicts=1, sent=False)


def _edits(inner: TaskService, edits: list[TaskEdit], entry: Entry, kept: ConflictFile) -> Replayed:
    made = (entry["v"],) if entry.get("v") else ()
    # A task that waits for the person's choice is not sent: this edit joins the question.
    waiting = {e.task_id: w for e in edits if (w := kept.get(e.task_id)) is not None}
    sent = [e for e in edits if e.task_id not in waiting]
    outcome = inner.update_many(sent) if sent else BatchOutcome()
    changes = {e.task_id: e.changes for e in edits}
    nexts = {e.task_id: e.next for e in edits}
    theirs = [w.theirs for w in waiting.values()] + list(outcome.stale)
    for current in theirs:
        kept.put(Conflict(current.id, current, changes[current.id], made=made, next=nexts[current.id]))
    if theirs:
        log.info("Outbox: %d edit(s) of a batch met newer versions; kept for a choice", len(theirs))
    problems = (gone_from_batch(len(outcome.gone)),) if outcome.gone else ()
    return Replayed(
        [*outcome.stored, *outcome.created],  # with the next occurrences its completions made
        [*outcome.gone, *outcome.deleted],  # and those its undos took back
        conflicts=len(theirs),
        sent=bool(outcome.stored),
        problems=problems,
    )


def _delete(inner: TaskService, entry: Entry, kept: ConflictFile) -> Replayed:
    """One versioned delete: each task goes only if it is still as the person saw it. Deletes
    queued by the previous release carry no versions seen: they delete as they always did."""
    seen: dict[str, str] = entry.get("seen") or {}
    versions: dict[uuid.UUID, datetime | None] = {}
    asked = 0
    for text in entry["ids"]:
        task_id = uuid.UUID(text)
        version = when_from_json(seen.get(text))
        waiting = kept.get(task_id)
        if version is None and waiting is not None:
            # The person never saw their version: the question is now about deleting it.
            kept.put(replace(waiting, deleting=True))
            asked += 1
            continue
        versions[task_id] = version
    outcome = inner.delete_unchanged(versions) if versions else BatchOutcome()
    for current in outcome.stale:
        kept.put(Conflict(current.id, current, None, deleting=True))
    done = [*outcome.deleted, *outcome.gone]  # gone already counts: the person wanted it gone
    for task_id in done:
        kept.remove(task_id)  # the person deleted what they saw: nothing left to ask
    return Replayed([], done, conflicts=asked + len(outcome.stale), sent=bool(done))


def _restore(inner: TaskService, snapshots: list[Task], kept: ConflictFile) -> Replayed:
    for snapshot in snapshots:
        kept.undelete(snapshot.id)  # a delete taken back: nothing to ask about it
    outcome = inner.restore_many(snapshots)
    problems = (not_restored(len(outcome.gone)),) if outcome.gone else ()
    return Replayed(list(outcome.stored), [], sent=bool(outcome.stored), problems=problems)


def _keep_mine(inner: TaskService, task_id: uuid.UUID, kept: ConflictFile) -> Replayed:
    conflict = kept.get(task_id)
    if conflict is None:
        return Replayed([], [], sent=False)  # settled already
    if conflict.deleting:
        # Still checked against the version the person chose over: a newer one asks again.
        seen = {str(task_id): conflict.theirs.updated_at.isoformat()}
        return _delete(inner, {"ids": [str(task_id)], "seen": seen}, kept)
    if conflict.mine is None:
        kept.remove(task_id)  # nothing of the person's to send
        return Replayed([], [], sent=False)
    made: list[Task] = []
    taken: list[uuid.UUID] = []
    try:
        if conflict.next is None:
            task = inner.update(task_id, conflict.mine, conflict.theirs.updated_at)
        else:  # with the occurrence the completion makes (or its undo takes back)
            task, made, taken = _sent_with_next(inner, conflict)
    except StaleEditError as exc:
        kept.put(replace(conflict, theirs=exc.current))  # the same side, against the newer one
        return Replayed([], [], conflicts=1, sent=False)
    except NotFoundError:
        kept.remove(task_id)  # deleted elsewhere meanwhile: nothing left to choose
        raise
    kept.remove(task_id)
    return Replayed([task, *made], taken, made=conflict.made)


def _sent_with_next(inner: TaskService, conflict: Conflict) -> tuple[Task, list[Task], list[uuid.UUID]]:
    """The person's side as a batch of one, naming its next occurrence; refused as
    ``inner.update`` refuses."""
    edit = TaskEdit(
        conflict.task_id, conflict.mine or TaskChanges(), conflict.theirs.updated_at, conflict.next
    )
    outcome = inner.update_many([edit])
    if outcome.stale:
        raise StaleEditError(outcome.stale[0])
    if not outcome.stored:
        raise NotFoundError("That task no longer exists; it may have been deleted elsewhere.")
    return outcome.stored[0], list(outcome.created), list(outcome.deleted)
