"""The bookkeeping behind optimistic edits, without Qt: which version of each task the
database last confirmed, and how a batch of versioned writes is run and reported.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from todo_desktop import validation
from todo_desktop.errors import StaleEditError, ValidationError
from todo_desktop.ui.clock import utc_now
from todo_desktop.ui.workers import Failure, failure_from
from todo_desktop.values import Task, TaskChanges


def plural(n: int) -> str:
    return f"{n} task" if n == 1 else f"{n} tasks"


def quoted(title: str, most: int = 40) -> str:
    return f"“{title if len(title) <= most else title[: most - 1] + '…'}”"


def applied(task: Task, changes: TaskChanges) -> Task:
    """``task`` as it will look once ``changes`` are stored (the optimistic guess)."""
    try:
        values = validation.changes(changes)
    except ValidationError:
        return task  # the database will refuse it; show nothing that looks saved
    guess = replace(task, updated_at=utc_now(), **values)  # type: ignore[arg-type]
    if "completed" in values and values["completed"] != task.completed:
        guess = replace(guess, completed_at=utc_now() if guess.completed else None)
    return guess


class Versions:
    """Per task, the ``updated_at`` the database last confirmed (never the optimistic guess).

    Shared by the GUI thread and the one write thread: a queued write reads the version it
    is based on when it runs, right after the previous write of the same task stored its
    own, so a person's quick edits in a row never collide with each other.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[uuid.UUID, datetime] = {}
        # Tasks whose last write met another device's version: later queued writes of them
        # are not sent until the person chooses (they would overwrite what they have not seen).
        self._conflicted: dict[uuid.UUID, Task] = {}
        self.newest: datetime | None = None  # the newest version seen of any task

    def expected(self, task_id: uuid.UUID) -> datetime | None:
        with self._lock:
            return self._known.get(task_id)

    def conflicted(self, task_id: uuid.UUID) -> Task | None:
        with self._lock:
            return self._conflicted.get(task_id)

    def stored(self, task: Task) -> None:
        """A write's answer: the version from now on."""
        with self._lock:
            self._known[task.id] = task.updated_at
            self._note(task.updated_at)

    def seen(self, task: Task) -> None:
        """A read's answer: it may have been read before a write committed, so newer wins."""
        with self._lock:
            known = self._known.get(task.id)
            if task.id not in self._conflicted and (known is None or task.updated_at > known):
                self._known[task.id] = task.updated_at
            self._note(task.updated_at)

    def conflict(self, current: Task) -> None:
        with self._lock:
            self._conflicted[current.id] = current
            self._note(current.updated_at)

    def resolve(self, task_id: uuid.UUID, version: datetime | None = None) -> None:
        """The person chose; ``version`` (theirs, kept) becomes the base of later edits."""
        with self._lock:
            self._conflicted.pop(task_id, None)
            if version is not None:
                self._known[task_id] = version

    def _note(self, version: datetime) -> None:
        if self.newest is None or version > self.newest:
            self.newest = version


@dataclass(frozen=True, slots=True)
class Stale:
    """A write refused because another device changed the task first; nothing was written."""

    current: Task  # the task as stored now (theirs)


def versioned_write(
    versions: Versions,
    task_id: uuid.UUID,
    write: Callable[[datetime | None], Task],
    base: datetime | None = None,
) -> Task | Stale:
    """Run on the write thread: ``write(expected_version)``, keeping ``versions`` in step.

    ``base`` overrides the version to expect (Keep mine: the version the person chose over).
    """
    if base is None:
        theirs = versions.conflicted(task_id)
        if theirs is not None:
            return Stale(theirs)  # waiting for the person's choice: not sent
        base = versions.expected(task_id)
    try:
        task = write(base)
    except StaleEditError as exc:
        versions.conflict(exc.current)
        return Stale(exc.current)
    versions.resolve(task_id)
    versions.stored(task)
    return task


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Several single-task writes in a row: what was stored before one failed, if one did,
    and which met another device's version."""

    stored: list[Task]
    failed: list[uuid.UUID]
    failure: Failure | None
    stale: list[Task] = field(default_factory=list)


def run_batch(steps: Sequence[tuple[uuid.UUID, Callable[[], Task | Stale]]], label: str) -> BatchResult:
    """Run on a worker thread. Each step is its own transaction, so a failure part-way must
    report what was already stored instead of pretending nothing was."""
    stored: list[Task] = []
    stale: list[Task] = []
    for number, (_, step) in enumerate(steps):
        try:
            outcome = step()
        except Exception as exc:
            if not stored and not stale:
                raise  # nothing happened: an ordinary failure
            return BatchResult(stored, [i for i, _ in steps[number:]], failure_from(exc, label), stale)
        if isinstance(outcome, Stale):
            stale.append(outcome.current)
        else:
            stored.append(outcome)
    return BatchResult(stored, [], None, stale)


def created_with_version(versions: Versions, create: Callable[[], Task]) -> Task:
    task = create()
    versions.stored(task)
    return task
