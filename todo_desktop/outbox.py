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
- During ``flush()`` an edit the database refuses for good (``REFUSED_FOR_GOOD``: invalid,
  the task deleted or changed on another device since, a duplicate) is dropped with one
  sentence in ``problems`` for the window, and the flush goes on: sending it again can
  never work, and keeping it would block every later edit forever. Any other failure
  (unreachable, signed out, busy, or unexpected) may pass later, so the flush stops there
  and keeps that edit and all after it, in order, and waits longer before the next try.
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
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from todo_desktop import validation
from todo_desktop.errors import DatabaseUnavailableError, TodoError
from todo_desktop.outbox_file import (
    Entry,
    FlushReport,
    Outbox,
    QueuedEditError,
    applied_values,
    changes_to_json,
    draft_to_json,
    replay,
    task_to_json,
    when_to_json,
    with_real_version,
)
from todo_desktop.outbox_refusals import REFUSED_FOR_GOOD, not_saved
from todo_desktop.services import TaskService
from todo_desktop.values import (
    ListCounts,
    Task,
    TaskChanges,
    TaskDraft,
    TaskPage,
    TaskQuery,
    guess_task,
)

log = logging.getLogger(__name__)

_T = TypeVar("_T")

QUEUED = (
    "The database cannot be reached; this edit is kept on this computer and will be sent "
    "when the database returns."
)
KNOWN_TASKS = 20_000  # optimistic values need the last known task; bounded memory


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
        self._known: OrderedDict[uuid.UUID, Task] = OrderedDict()
        self._known_lock = threading.Lock()  # not the write lock: reads must never wait for a flush
        # (task id, version made up for an optimistic result) -> the version stored for it
        self._versions: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._pending = len(outbox)  # read without the lock by the window
        self._offline = False
        self._retry_at = 0.0
        self._backoff = FLUSH_BACKOFF_FIRST
        self.problems: list[str] = []  # sentences about dropped edits not yet shown

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

    # -- reads ----------------------------------------------------------------------

    # A read that works proves the database is back: the next flush need not wait.

    def get(self, task_id: uuid.UUID) -> Task:
        return self._remember(self._answered(self.inner.get(task_id)))

    def counts(self, now: datetime, zone: tzinfo) -> ListCounts:
        return self._answered(self.inner.counts(now, zone))

    def changed_since(self, since: datetime, limit: int = 500) -> list[Task]:
        return [self._remember(t) for t in self._answered(self.inner.changed_since(since, limit))]

    # -- writes ---------------------------------------------------------------------

    def create(self, draft: TaskDraft) -> Task:
        clean = validation.draft(draft)
        now = _now()
        guess = guess_task(clean, now)
        entry = {"op": "create", "draft": draft_to_json(clean), "v": when_to_json(now)}
        return self._write(
            entry,
            lambda: self.inner.create(clean),
            lambda: self._remember(guess),
            lambda: self._known_task(clean.id) or guess,
        )

    def update(
        self, task_id: uuid.UUID, changes: TaskChanges, expected_version: datetime | None = None
    ) -> Task:
        values = validation.changes(changes)
        expected_version = self._real_version(task_id, expected_version)
        now = _now()
        entry = {
            "op": "update",
            "id": str(task_id),
            "changes": changes_to_json(changes),
            "expected": when_to_json(expected_version),
            "v": when_to_json(now),
        }

        def guess() -> Task:
            known = self._known_task(task_id)
            if known is None:
                raise QueuedEditError(QUEUED)
            return self._remember(applied_values(known, values, now))

        def stored() -> Task:
            return self._known_task(task_id) or guess()

        send = lambda: self.inner.update(task_id, changes, expected_version)  # noqa: E731
        return self._write(entry, send, guess, stored)

    def toggle(self, task: Task, expected_version: datetime | None = None) -> Task:
        with self._known_lock:
            self._known.setdefault(task.id, task)
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
            known = [t for t in map(self._known_task, ids) if t is not None]
            return [self._remember(applied_values(t, {"completed": completed}, now)) for t in known]

        def stored() -> list[Task]:
            return [t for t in map(self._known_task, ids) if t is not None]

        return self._write(entry, lambda: self.inner.set_completed(ids, completed), guess, stored)

    def delete(self, task_ids: Iterable[uuid.UUID]) -> int:
        ids = list(dict.fromkeys(task_ids))
        entry = {"op": "delete", "ids": [str(i) for i in ids]}

        def guess() -> int:
            with self._known_lock:
                for i in ids:
                    self._known.pop(i, None)
            return len(ids)

        return self._write(entry, lambda: self.inner.delete(ids), guess, guess)

    def restore(self, snapshot: Task) -> Task:
        entry = {"op": "restore", "task": task_to_json(snapshot), "v": when_to_json(snapshot.updated_at)}
        return self._write(
            entry,
            lambda: self.inner.restore(snapshot),
            lambda: self._remember(snapshot),
            lambda: self._known_task(snapshot.id) or snapshot,
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
                return self._remember_all(result)
            self._queue(entry)
            if time.monotonic() >= self._retry_at:
                self._flush()
                if not self._pending:
                    return stored()
            return guess()

    def _queue(self, entry: Entry) -> None:
        self.outbox.append(entry)
        self._pending = len(self.outbox)

    def _flush(self) -> FlushReport:
        sent = dropped = 0
        problems: list[str] = []
        versions = self._versions
        replayed: dict[uuid.UUID, Task | None] = {}  # the stored values, None: deleted
        while True:
            head = self.outbox.first()
            if head is None:
                break
            entry = with_real_version(head, versions)
            try:
                result = replay(self.inner, entry)
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
                sent += 1
                self._came_back()
                if entry["op"] == "delete":
                    replayed.update(dict.fromkeys(map(uuid.UUID, entry["ids"])))
                for task in result:
                    replayed[task.id] = task
                    if entry.get("v") is not None:
                        versions[(str(task.id), entry["v"])] = task.updated_at.isoformat()
                        while len(versions) > KNOWN_TASKS:
                            versions.popitem(last=False)
            self.outbox.drop_first(1)
            self._pending = len(self.outbox)
        self._learn(replayed)
        self.problems.extend(problems)
        return FlushReport(sent, dropped, self._pending, tuple(problems))

    def _learn(self, replayed: dict[uuid.UUID, Task | None]) -> None:
        """What a flush stored becomes the base of the next optimistic value only when
        nothing waits any more; until then the known value (the last optimistic one)
        already includes the edits still queued, and an older stored one would undo them."""
        for task_id, task in replayed.items():
            if task is None:
                if not self._pending:
                    with self._known_lock:
                        self._known.pop(task_id, None)
            elif not self._pending or self._known_task(task_id) is None:
                self._remember(task)

    def _keep_versions(self, versions: OrderedDict[tuple[str, str], str]) -> None:
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

    def _real_version(self, task_id: uuid.UUID, version: datetime | None) -> datetime | None:
        real = self._versions.get((str(task_id), version.isoformat())) if version else None
        return version if real is None else datetime.fromisoformat(real)

    def _known_task(self, task_id: uuid.UUID) -> Task | None:
        with self._known_lock:
            return self._known.get(task_id)

    def _remember(self, task: Task) -> Task:
        with self._known_lock:
            self._known[task.id] = task
            self._known.move_to_end(task.id)
            while len(self._known) > KNOWN_TASKS:
                self._known.popitem(last=False)
        return task

    def _remember_all(self, result: Any) -> Any:
        if isinstance(result, Task):
            self._remember(result)
        elif isinstance(result, list):
            for item in result:
                if isinstance(item, Task):
                    self._remember(item)
        return result

    def list(self, query: TaskQuery) -> TaskPage:  # last: its name would shadow list[...] above
        page = self._answered(self.inner.list(query))
        for task in page.tasks:
            self._remember(task)
        return page


def outbox_for(folder: Path, key: str, inner: TaskService) -> DurableTasks:
    """``inner`` behind the outbox kept in ``folder`` for workspace ``key``."""
    return DurableTasks(inner, Outbox(folder, key))
