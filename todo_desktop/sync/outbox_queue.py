"""The outbox's queue: a write goes to the database now, or waits on disk and is replayed in
order; ``todo_desktop.sync.outbox`` puts a TaskService in front of it (the decisions are
described there). The person's choices about conflicts go through the queue too, in turn.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import TypeVar

from todo_desktop.core.errors import DatabaseUnavailableError, TodoError
from todo_desktop.core.ports import TaskService
from todo_desktop.core.values import Task
from todo_desktop.sync.conflicts import KEEP_MINE, Conflict, ConflictFile
from todo_desktop.sync.memory import KnownTasks
from todo_desktop.sync.outbox_file import Entry, FlushReport, Outbox, made_versions, with_real_version
from todo_desktop.sync.outbox_tags import with_real_removal
from todo_desktop.sync.refusals import REFUSED_FOR_GOOD, not_saved
from todo_desktop.sync.replay import replay_keeping

log = logging.getLogger(__name__)

_T = TypeVar("_T")

QUEUED = (
    "The database cannot be reached; this edit is kept on this computer and will be sent "
    "when the database returns."
)
FLUSH_BACKOFF_FIRST = 1.0
FLUSH_BACKOFF_MAX = 30.0


class OutboxQueue:
    """Writes through ``inner`` while the database answers and nothing waits; otherwise queued."""

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

    # -- writing or queueing ----------------------------------------------------------

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

    def _write(
        self, entry: Entry, send: Callable[[], _T], guess: Callable[[], _T], stored: Callable[[], _T]
    ) -> _T:
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
            if conflict.next is not None and conflict.mine is not None and conflict.mine.completed:
                self.known.forget([conflict.next.id])  # shown for the completion, never made
            return self.known.remember(conflict.theirs)

    # -- replaying ----------------------------------------------------------------------

    def _flush(self) -> FlushReport:
        sent = dropped = asked = 0
        problems: list[str] = []
        versions = self.known.versions
        replayed: dict[uuid.UUID, Task | None] = {}  # the stored values, None: deleted
        while True:
            head = self.outbox.first()
            if head is None:
                break
            entry = with_real_removal(with_real_version(head, versions), self.known.removals)
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
                dropped += len(outcome.problems)
                problems.extend(outcome.problems)
                self._came_back()
                if outcome.removed is not None:
                    self.known.removed(*outcome.removed)
                replayed.update(dict.fromkeys(outcome.deleted))
                made = made_versions(entry)
                for task in outcome.stored:
                    replayed[task.id] = task
                    self.known.stored_as(task, made.get(str(task.id)), *outcome.made)
            self.outbox.drop_first(1)
            self._pending = len(self.outbox)
            if entry["op"] == KEEP_MINE:  # answered: a conflict still there is asked again
                self._conflicts.choosing(entry["id"], queued=False)
        self.known.learn(replayed, settled=not self._pending)
        self.problems.extend(problems)
        return FlushReport(sent, dropped, self._pending, tuple(problems), asked)

    def _keep_versions(self, versions: Mapping[tuple[str, str], str]) -> None:
        # The made-up versions of edits already stored live in memory only: write the real
        # ones into what is left, so a restart can still replay the chain (and the tasks a
        # replayed tag delete took its tag from, into the undo waiting behind it).
        removals = self.known.removals
        if not versions and not removals:
            return
        entries = self.outbox.entries()
        updated = [with_real_removal(with_real_version(e, versions), removals) for e in entries]
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
        """A read that works proves the database is back: the next flush need not wait."""
        if self._offline:
            self._came_back()
        return value
