"""No edit ever lost: a durable local outbox in front of a TaskService.

``DurableTasks`` wraps a real TaskService. A write goes to the database at once while the
outbox is empty; when the database cannot be reached (``DatabaseUnavailableError``) the
write is queued and an optimistic value is returned, so the window keeps showing the edit.
While anything is queued, new writes are queued behind it, so the database sees every edit
in the order it was made. ``flush()`` replays the queue in order. Every write of the data
layer is idempotent (client-made ids with ``ON CONFLICT DO NOTHING``, absolute values,
delete by id), so replaying one whose COMMIT outcome was lost is harmless. Decisions:

- An edit of several tasks (``update_many``, ``delete``, ``restore_many``) is one entry and,
  sent now or replayed later, one call and one transaction for all of them, exactly once.

- A write the database refuses for good (``REFUSED_FOR_GOOD``: invalid, not found, stale,
  a duplicate, over a limit) is raised at once and never queued: the person must see it
  now, and the window gives a refused new task's text back. Every other failure (the
  database unreachable, the session ended, busy, or anything unexpected) queues the write:
  it may pass later, and an edit a person made is never thrown away on a guess.
- An update of a task this wrapper has never seen (it learns tasks from every result that
  passes through it, lists included) cannot be shown optimistically; it is still queued,
  and ``QueuedEditError`` (a ``DatabaseUnavailableError``) says so, so the window shows the
  outage while the edit waits in the outbox.
- During ``flush()`` an edit that meets a newer version of its task (an update refused as
  stale, a delete of a task changed since the person saw it) is not sent and not dropped:
  it waits as a conflict (``outbox_conflicts``) until the person chooses (``keep_mine``,
  ``keep_theirs``), and the flush goes on. Until then, later edits of that task join it.
  In a batch this is per task: its other tasks are written (``todo_desktop.sync.replay``).
- During ``flush()`` an edit the database refuses for good otherwise (invalid, the task
  deleted since, a duplicate, over a limit; in a batch, the tasks deleted since) is
  dropped with one sentence in ``problems``
  for the window, and the flush goes on: sending it again can never work, and keeping it
  would block every later edit forever. Any other failure (unreachable, signed out, busy,
  or unexpected) may pass later, so the flush stops there and keeps that edit and all
  after it, in order, and waits longer before the next try.
- Queued updates keep their ``expected_version``. A version this wrapper made up for an
  optimistic result is mapped to the real one once the write that made it is stored, so a
  chain of offline edits of one task replays without looking stale.
- Reads go to the wrapped service unchanged; they do not show queued edits (merging queued
  creates into a filtered, sorted, paged list is not worth its bugs). The window keeps its
  optimistic rows while the database is away, and reloads after a flush that sent
  something. A read that works ends the flush backoff at once: the database is back.
- A failed attempt backs off (1 s, doubling to 30 s) before the next automatic flush, so an
  outage does not cost every edit the data layer's whole retry budget; ``flush()`` itself
  always tries.
- Completing a repeating task shows its next occurrence at once: the edit names it (its id
  derived from the task, see ``core.repeats``), so the one shown offline is the one the
  database makes when the completion is replayed, once; an undo names it to take it back.
- Tag operations (rename, delete, the undo of a delete) are queued like edits, and shown at
  once on the tasks this computer knows (``todo_desktop.sync.outbox_tags``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TypeVar

from todo_desktop.core import validation
from todo_desktop.core.changes import ChangeCursor, ChangedTasks, RemovedTasks
from todo_desktop.core.ports import TaskService
from todo_desktop.core.repeats import next_task
from todo_desktop.core.validation import tag_key
from todo_desktop.core.values import (
    BatchOutcome,
    ImportOutcome,
    ListCounts,
    NextOccurrence,
    TagCount,
    TagRemoval,
    Task,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskPage,
    TaskQuery,
    guess_task,
)
from todo_desktop.sync.conflicts import Conflict
from todo_desktop.sync.edit_versions import applied
from todo_desktop.sync.outbox_file import (
    Entry,
    Outbox,
    QueuedEditError,
    changes_to_json,
    draft_to_json,
    edit_to_json,
    task_to_json,
    when_to_json,
)
from todo_desktop.sync.outbox_queue import QUEUED, OutboxQueue
from todo_desktop.sync.outbox_tags import removal_key, renamed, spelled, with_tag, without

__all__ = ["QUEUED", "DurableTasks", "QueuedEditError", "outbox_for"]

_T = TypeVar("_T")


def _now() -> datetime:
    return datetime.now(UTC)


class DurableTasks(OutboxQueue):
    """A TaskService whose writes are never lost while the database is unreachable."""

    # -- reads: a read that works ends the flush backoff ---------------------------------

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        return self._answered(self.inner.counts(now, zone))

    def change_cursor(self) -> ChangeCursor | None:
        return self._answered(self.inner.change_cursor())

    def changed_since(self, cursor: ChangeCursor, limit: int = 500) -> ChangedTasks:
        page = self._answered(self.inner.changed_since(cursor, limit))
        return replace(page, tasks=tuple(self.known.remember(t) for t in page.tasks))

    def removed_since(self, cursor: ChangeCursor, limit: int = 500) -> RemovedTasks:
        return self._answered(self.inner.removed_since(cursor, limit))

    # -- writes ---------------------------------------------------------------------

    def create(self, draft: TaskDraft) -> Task:
        clean = validation.draft(draft)
        now = _now()
        guess = guess_task(clean, now)
        entry = {"op": "create", "draft": draft_to_json(clean), "v": when_to_json(now)}
        return self._write(
            entry,
            lambda: self.inner.create(clean),
            lambda: self.known.remember(guess),
            lambda: self.known.get(clean.id) or guess,
        )

    def _guess(self, task_id: uuid.UUID, changes: TaskChanges, now: datetime) -> Task:
        known = self.known.get(task_id)
        if known is None:
            raise QueuedEditError(QUEUED)
        return self.known.remember(applied(known, changes, now))

    def _join_waiting(
        self, task_id: uuid.UUID, changes: TaskChanges, now: datetime, nxt: NextOccurrence | None = None
    ) -> bool:
        """True if the task waits for the person's choice: an edit made without seeing their
        version either joins that question instead of being sent."""
        waiting = self._conflicts.get(task_id)
        if waiting is not None:
            self._conflicts.put(Conflict(task_id, waiting.theirs, changes, made=(now.isoformat(),), next=nxt))
        return waiting is not None

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        validation.changes(changes)  # refused now, before anything is queued
        expected_version = self.known.real_version(task_id, expected_version)
        now = _now()
        entry: Entry = {
            "op": "update",
            "id": str(task_id),
            "changes": changes_to_json(changes),
            "expected": when_to_json(expected_version),
            "v": when_to_json(now),
        }

        def guess() -> Task:
            return self._guess(task_id, changes, now)

        def stored() -> Task:
            if self._conflicts.get(task_id) is not None:  # the flush set it aside
                return guess()
            return self.known.get(task_id) or guess()

        send = lambda: self.inner.update(task_id, changes, expected_version)  # noqa: E731
        with self._lock:
            if self._join_waiting(task_id, changes, now):
                return guess()
            return self._write(entry, send, guess, stored)

    def update_many(self, edits: Sequence[TaskEdit]) -> BatchOutcome:
        values = {e.task_id: validation.changes(e.changes) for e in edits}  # all, before queueing
        if len(values) != len(edits):
            raise ValueError("a batch may name each task once")
        edits = [
            replace(e, expected_version=self.known.real_version(e.task_id, e.expected_version)) for e in edits
        ]
        changes = {e.task_id: e.changes for e in edits}
        nexts = {e.task_id: e.next for e in edits if e.next is not None}
        now = _now()

        def guess(task_id: uuid.UUID) -> Task:
            return self._guess(task_id, changes[task_id], now)

        def guessed() -> BatchOutcome:
            # As the database will do it: a repeating task completed here makes its next
            # occurrence (the id the edit names), an undo takes it back.
            before = {i: self.known.get(i) for i in nexts}
            stored = tuple(map(guess, values))
            created, deleted = [], []
            for task in stored:
                nxt, was = nexts.get(task.id), before.get(task.id)
                if (
                    nxt is not None
                    and task.completed
                    and was is not None
                    and not was.completed
                    and task.repeat
                ):
                    created.append(self.known.remember(next_task(task, nxt, now)))
                elif nxt is not None and not task.completed:
                    deleted.append(nxt.id)
            self.known.forget(deleted)
            return BatchOutcome(stored=stored, created=tuple(created), deleted=tuple(deleted))

        def stored() -> BatchOutcome:
            # A flush sent it at once: each task as stored, or guessed if it was set aside.
            aside = {i for i in values if self._conflicts.get(i) is not None}
            known = {i: t for i in values if (t := self.known.get(i)) is not None}
            made = [t for n in nexts.values() if (t := self.known.get(n.id)) is not None]
            return BatchOutcome(
                stored=tuple(
                    guess(i) if i in aside else known[i] for i in values if i in aside or i in known
                ),
                gone=tuple(i for i in values if i not in aside and i not in known),
                created=tuple(t for t in made if not t.completed),
            )

        with self._lock:
            held = {e.task_id for e in edits if self._join_waiting(e.task_id, e.changes, now, e.next)}
            sent = [e for e in edits if e.task_id not in held]
            if not sent:
                return guessed()

            def send() -> BatchOutcome:
                outcome = self.inner.update_many(sent)
                # Those waiting for a choice show the person's edit, as a single update does.
                waiting = tuple(guess(i) for i in held if self.known.get(i) is not None)
                return replace(outcome, stored=(*outcome.stored, *waiting))

            entry = {"op": "edits", "edits": [edit_to_json(e) for e in sent], "v": when_to_json(now)}
            return self._write(entry, send, guessed, stored)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        ids = list(dict.fromkeys(task_ids))

        def guess() -> int:
            self.known.forget(ids)
            return len(ids)

        return self._deleting(ids, None, lambda sent: self.inner.delete(sent), guess)

    def delete_unchanged(self, versions: Mapping[uuid.UUID, datetime | None]) -> BatchOutcome:
        real = {i: self.known.real_version(i, v) for i, v in versions.items()}

        def guess() -> BatchOutcome:
            self.known.forget(real)
            return BatchOutcome(deleted=tuple(real))

        send = lambda sent: self.inner.delete_unchanged({i: real[i] for i in sent})  # noqa: E731
        return self._deleting(list(real), real, send, guess)

    def _deleting(
        self,
        ids: list[uuid.UUID],
        versions: Mapping[uuid.UUID, datetime | None] | None,
        send: Callable[[list[uuid.UUID]], _T],
        guess: Callable[[], _T],
    ) -> _T:
        """A delete of ``ids``, each checked against ``versions`` (None: the versions this
        wrapper last knew) when the outbox replays it."""
        with self._lock:
            sent = [i for i in ids if self._conflicts.get(i) is None]
            for waiting in filter(None, map(self._conflicts.get, ids)):
                self._conflicts.put(replace(waiting, deleting=True))  # the choice is about that now
            if not sent:
                return guess()
            # The version of each task the person saw, to ask before deleting a newer one.
            if versions is None:
                seen = {str(t.id): t.updated_at.isoformat() for t in map(self.known.get, sent) if t}
            else:
                seen = {str(i): v.isoformat() for i in sent if (v := versions[i]) is not None}
            entry = {"op": "delete", "ids": [str(i) for i in sent], "seen": seen}
            return self._write(entry, lambda: send(sent), guess, guess)

    def restore_many(self, snapshots: Sequence[Task]) -> BatchOutcome:
        unique: dict[uuid.UUID, Task] = {}
        for snapshot in snapshots:
            unique.setdefault(snapshot.id, snapshot)
        tasks = list(unique.values())
        for task in tasks:
            self._conflicts.undelete(task.id)  # a delete taken back: nothing to ask about it
        entry = {"op": "restores", "tasks": [task_to_json(t) for t in tasks]}
        return self._write(
            entry,
            lambda: self.inner.restore_many(tasks),
            lambda: BatchOutcome(stored=tuple(self.known.remember(t) for t in tasks)),
            lambda: BatchOutcome(stored=tuple(self.known.get(t.id) or t for t in tasks)),
        )

    def import_many(self, snapshots: Sequence[Task]) -> ImportOutcome:
        # Straight to the database: a batch of an import kept in the outbox file while the
        # database is away would be a second copy of the file (see sync.transfer.direct).
        return self.inner.import_many(snapshots)

    # -- tags: queued like edits, shown at once on the tasks known here --------------------

    def tags(self) -> list[TagCount]:
        return self._answered(self.inner.tags())

    def _retagging(
        self,
        entry: Entry,
        send: Callable[[], _T],
        change: Callable[[Task], tuple[str, ...] | None],
        guess: Callable[[list[uuid.UUID]], _T],
    ) -> _T:
        """A tag operation: sent now, or queued; either way the tasks known here follow it."""

        def sent() -> _T:
            result = send()
            self.known.retag(change)
            return result

        def guessed() -> _T:
            return guess(self.known.retag(change))

        return self._write(entry, sent, guessed, guessed)

    def rename_tag(self, old: str, new: str) -> int:
        old_name, new_name = validation.tag(old), validation.tag(new)
        entry = {"op": "rename_tag", "old": old_name, "new": new_name}
        return self._retagging(
            entry,
            lambda: self.inner.rename_tag(old_name, new_name),
            lambda task: renamed(task.tags, tag_key(old_name), new_name),
            len,
        )

    def delete_tag(self, name: str) -> TagRemoval:
        clean = validation.tag(name)
        key = tag_key(clean)
        with self._lock:
            had = [t for t in self.known.all() if spelled(t.tags, key) is not None]
            named = spelled(had[0].tags, key) if had else None
            entry = {"op": "delete_tag", "name": named or clean, "ids": sorted(str(t.id) for t in had)}
            return self._retagging(
                entry,
                lambda: self.inner.delete_tag(clean),
                lambda task: without(task.tags, key),
                lambda ids: TagRemoval(named or clean, tuple(sorted(ids))),
            )

    def restore_tag(self, removal: TagRemoval) -> int:
        name = validation.tag(removal.name)
        # A delete made offline named the tasks known here; once replayed, all it took from.
        real = self.known.removals.get(removal_key(name, removal.task_ids), ())
        ids = tuple(sorted({*removal.task_ids, *real}))
        entry = {"op": "restore_tag", "name": name, "ids": sorted(str(i) for i in removal.task_ids)}
        wanted = set(ids)

        def change(task: Task) -> tuple[str, ...] | None:
            return with_tag(task.tags, name) if task.id in wanted else None

        return self._retagging(entry, lambda: self.inner.restore_tag(TagRemoval(name, ids)), change, len)

    def list(self, query: TaskQuery) -> TaskPage:  # last: its name would shadow list[...] above
        page = self._answered(self.inner.list(query))
        for task in page.tasks:
            self.known.remember(task)
        return page


def outbox_for(folder: Path, key: str, inner: TaskService) -> DurableTasks:
    """``inner`` behind the outbox kept in ``folder`` for workspace ``key``."""
    return DurableTasks(inner, Outbox(folder, key))
