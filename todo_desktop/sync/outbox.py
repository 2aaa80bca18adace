"""No edit ever lost: a durable local outbox in front of a TaskService.

``DurableTasks`` wraps a real TaskService. A write goes to the database at once while the
outbox is empty; when the database cannot be reached (``DatabaseUnavailableError``) the
write is queued and an optimistic value is returned, so the window keeps showing the edit.
While anything is queued, new writes are queued behind it, so the database sees every edit
in the order it was made. ``flush()`` replays the queue in order. Every write of the data
layer is idempotent (client-made ids with ``ON CONFLICT DO NOTHING``, absolute values,
delete by id), so replaying one whose COMMIT outcome was lost is harmless. Decisions:

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
- During ``flush()`` an edit the database refuses for good otherwise (invalid, the task
  deleted since, a duplicate, over a limit) is dropped with one sentence in ``problems``
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
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from todo_desktop.core import validation
from todo_desktop.core.errors import DatabaseUnavailableError, TodoError
from todo_desktop.core.ports import TaskService
from todo_desktop.core.values import (
    ListCounts,
    Task,
    TaskChanges,
    TaskDraft,
    TaskPage,
    TaskQuery,
    guess_task,
)
from todo_desktop.sync.conflicts import KEEP_MINE, Conflict, ConflictFile, replay_keeping
from todo_desktop.sync.memory import KnownTasks
from todo_desktop.sync.outbox_file import (
    Entry,
    FlushReport,
    Outbox,
    QueuedEditError,
    applied_values,
    changes_to_json,
    draft_to_json,
    task_to_json,
    when_to_json,
    with_real_version,
)
from todo_desktop.sync.refusals import REFUSED_FOR_GOOD, not_saved

log = logging.getLogger(__name__)

_T = TypeVar("_T")

QUEUED = (
    "The database cannot be reached; this edit is kept on this computer and will be sent "
    "when the database returns."
)
FLUSH_BACKOFF_FIRST = 1.0
FLUSH_BACKOFF_MAX = 30.0


def _now() -> datetime:
    return datetime.now(UTC)


class DurableTasks:
    """A TaskService whose writes are never lost while the database is unreachable."""

    def __init__(self, inner: TaskService, outbox: Outbox) -> None:
        self.inner = inner
        self.outbox = outbox
        self._lock = threading.RLock()
        self.known = KnownTasks()  # the bases of optimistic results; not under the write lock
        self._pending = len(outbox)  # read without the lock by the window
        self._offline = False
        self._retry_at = 0.0
        self._backoff = FLUSH_BACKOFF_FIRST
        self.problems: list[str] = []  # sentences about dropped edits not yet shown
        self._conflicts = ConflictFile(outbox.path, outbox.entries())

    def use(self, inner: TaskService) -> None:
        """Send through ``inner`` from now on (a new session of the same account)."""
        with self._lock:
            self.inner = inner

    # -- status, safe from any thread ---------------------------------------------

    def pending_count(self) -> int:
        return self._pending

    @property
    def offline(self) -> bool:
        """The last attempt found the database unreachable, and none has worked since."""
        return self._offline

    def take_problems(self) -> list[str]:
        with self._lock:
            taken, self.problems = self.problems, []
            return taken

    def conflicts(self) -> list[Conflict]:
        """Edits that met a newer version on another device and wait for the person's choice
        (not those whose choice waits in the outbox), oldest first. Memory only."""
        return self._conflicts.asking()

    # -- reads ----------------------------------------------------------------------

    # A read that works proves the database is back: the next flush need not wait.

    def get(self, task_id: uuid.UUID) -> Task:
        return self.known.remember(self._answered(self.inner.get(task_id)))

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        return self._answered(self.inner.counts(now, zone))

    def changed_since(self, since: datetime, limit: int = 500) -> list[Task]:
        return [self.known.remember(t) for t in self._answered(self.inner.changed_since(since, limit))]

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

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        values = validation.changes(changes)
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
            known = self.known.get(task_id)
            if known is None:
                raise QueuedEditError(QUEUED)
            return self.known.remember(applied_values(known, values, now))

        def stored() -> Task:
            if self._conflicts.get(task_id) is not None:  # the flush set it aside
                return guess()
            return self.known.get(task_id) or guess()

        send = lambda: self.inner.update(task_id, changes, expected_version)  # noqa: E731
        with self._lock:
            waiting = self._conflicts.get(task_id)
            if waiting is None:
                return self._write(entry, send, guess, stored)
            # Made without seeing their version either: it waits for the same choice.
            self._conflicts.put(Conflict(task_id, waiting.theirs, changes, made=(now.isoformat(),)))
            return guess()

    def toggle(self, task: Task, expected_version: datetime | None = None) -> Task:
        if self.known.get(task.id) is None:
            self.known.remember(task)
        return self.update(task.id, TaskChanges(completed=not task.completed), expected_version)

    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]:
        ids = list(dict.fromkeys(task_ids))
        now = _now()
        entry = {
            "op": "set_completed",
            "ids": [str(i) for i in ids],
            "completed": completed,
            "v": when_to_json(now),
        }

        def guess() -> list[Task]:
            known = [t for t in map(self.known.get, ids) if t is not None]
            return [self.known.remember(applied_values(t, {"completed": completed}, now)) for t in known]

        def stored() -> list[Task]:
            return [t for t in map(self.known.get, ids) if t is not None]

        return self._write(entry, lambda: self.inner.set_completed(ids, completed), guess, stored)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        ids = list(dict.fromkeys(task_ids))

        def guess() -> int:
            self.known.forget(ids)
            return len(ids)

        with self._lock:
            sent = [i for i in ids if self._conflicts.get(i) is None]
            for waiting in filter(None, map(self._conflicts.get, ids)):
                self._conflicts.put(replace(waiting, deleting=True))  # the choice is about that now
            if not sent:
                return guess()
            # The version of each task the person saw, to ask before deleting a newer one.
            seen = {str(t.id): t.updated_at.isoformat() for t in map(self.known.get, sent) if t}
            entry = {"op": "delete", "ids": [str(i) for i in sent], "seen": seen}
            return self._write(entry, lambda: self.inner.delete(sent), guess, guess)

    def restore(self, snapshot: Task) -> Task:
        self._conflicts.undelete(snapshot.id)  # a delete taken back: nothing to ask about it
        entry = {"op": "restore", "task": task_to_json(snapshot), "v": when_to_json(snapshot.updated_at)}
        return self._write(
            entry,
            lambda: self.inner.restore(snapshot),
            lambda: self.known.remember(snapshot),
            lambda: self.known.get(snapshot.id) or snapshot,
        )

    # -- the outbox -----------------------------------------------------------------

    def flush(self) -> FlushReport:
        """Replay queued edits in order. Raises DatabaseUnavailableError when it had to stop
        because the database is unreachable (the rest stay queued), so callers that report
        reachability see the truth."""
        with self._lock:
            report = self._flush()
            if report.pending and self._offline:
                raise DatabaseUnavailableError(QUEUED)
            return report

    def flush_if_due(self) -> FlushReport:
        """``flush()``, unless a recent attempt failed and its backoff has not passed."""
        with self._lock:
            if self._pending and time.monotonic() < self._retry_at:
                if self._offline:
                    raise DatabaseUnavailableError(QUEUED)
                return FlushReport(0, 0, self._pending)
            return self.flush()

    def _write(self, entry: Entry, send: Any, guess: Any, stored: Any) -> Any:
        """``send`` writes now; ``guess`` makes the optimistic result of a queued write;
        ``stored`` the result once a flush has sent it (from what the replay returned)."""
        with self._lock:
            if not self._pending:
                try:
                    result = send()
                except REFUSED_FOR_GOOD:
                    raise
                except Exception as exc:
                    if not isinstance(exc, TodoError):
                        log.exception("Outbox: a %s failed unexpectedly; kept to send later", entry["op"])
                    self._back_off(offline=isinstance(exc, DatabaseUnavailableError))
                    self._queue(entry)
                    return guess()
                self._came_back()
                return self.known.remember_all(result)
            self._queue(entry)
            if time.monotonic() >= self._retry_at:
                self._flush()
                if not self._pending:
                    return stored()
            return guess()

    def _queue(self, entry: Entry) -> None:
        self.outbox.append(entry)
        self._pending = len(self.outbox)

    # -- conflicts: the person's choice ----------------------------------------------

    def keep_mine(self, task_id: uuid.UUID) -> bool:
        """Keep the person's side of the task's conflict: their changes, sent again based on
        the version they chose over (or the delete, after all), in turn behind the edits
        still waiting. False: the task changed once more, and waits to be asked again with
        that version. A refusal (the task deleted elsewhere, say) goes to ``problems``."""
        with self._lock:
            if self._conflicts.get(task_id) is not None:
                self._queue({"op": KEEP_MINE, "id": str(task_id)})
                self._conflicts.choosing(str(task_id), queued=True)
                if time.monotonic() >= self._retry_at:
                    self._flush()
        return all(c.task_id != task_id for c in self.conflicts())

    def keep_theirs(self, task_id: uuid.UUID) -> Task | None:
        """Keep the other device's version and forget the person's side; returns that version
        (None: no such conflict). The window's next edit of the task builds on it."""
        with self._lock:
            conflict = self._conflicts.remove(task_id)
            if conflict is None:
                return None
            self.known.stored_as(conflict.theirs, *conflict.made)
            return self.known.remember(conflict.theirs)

    def _flush(self) -> FlushReport:
        sent = dropped = asked = 0
        problems: list[str] = []
        versions = self.known.versions
        replayed: dict[uuid.UUID, Task | None] = {}  # the stored values, None: deleted
        while True:
            head = self.outbox.first()
            if head is None:
                break
            entry = with_real_version(head, versions)
            try:
                outcome = replay_keeping(self.inner, entry, self._conflicts)
            except REFUSED_FOR_GOOD as exc:
                dropped += 1
                problems.append(not_saved(entry, exc))
                log.warning("Outbox: dropped a %s the database refused: %s", entry.get("op"), exc.message)
            except Exception as exc:
                # Unreachable, signed out, busy, or unexpected: it may work later, so keep it
                # (and everything after it, to keep the order) and wait longer.
                if not isinstance(exc, TodoError):
                    log.exception("Outbox: replaying a %s failed unexpectedly; kept", entry.get("op"))
                self._back_off(offline=isinstance(exc, DatabaseUnavailableError))
                self._keep_versions(versions)
                break
            else:
                sent += outcome.sent
                asked += outcome.conflicts
                self._came_back()
                replayed.update(dict.fromkeys(outcome.deleted))
                for task in outcome.stored:
                    replayed[task.id] = task
                    self.known.stored_as(task, entry.get("v"), *outcome.made)
            self.outbox.drop_first(1)
            self._pending = len(self.outbox)
            if entry["op"] == KEEP_MINE:  # answered: a conflict still there is asked again
                self._conflicts.choosing(entry["id"], queued=False)
        self.known.learn(replayed, settled=not self._pending)
        self.problems.extend(problems)
        return FlushReport(sent, dropped, self._pending, tuple(problems), asked)

    def _keep_versions(self, versions: Mapping[tuple[str, str], str]) -> None:
        # The made-up versions of edits already stored live in memory only: write the real
        # ones into what is left, so a restart can still replay the chain.
        if not versions:
            return
        entries = self.outbox.entries()
        updated = [with_real_version(e, versions) for e in entries]
        if updated != entries:
            self.outbox.replace_all(updated)

    def _back_off(self, *, offline: bool) -> None:
        """Wait longer before the next flush attempt (a write or ``flush_if_due``)."""
        self._offline = offline
        self._retry_at = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, FLUSH_BACKOFF_MAX)

    def _came_back(self) -> None:
        self._offline = False
        self._retry_at = 0.0
        self._backoff = FLUSH_BACKOFF_FIRST

    def _answered(self, value: _T) -> _T:
        if self._offline:
            self._came_back()
        return value

    def list(self, query: TaskQuery) -> TaskPage:  # last: its name would shadow list[...] above
        page = self._answered(self.inner.list(query))
        for task in page.tasks:
            self.known.remember(task)
        return page


def outbox_for(folder: Path, key: str, inner: TaskService) -> DurableTasks:
    """``inner`` behind the outbox kept in ``folder`` for workspace ``key``."""
    return DurableTasks(inner, Outbox(folder, key))
