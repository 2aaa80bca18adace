"""Importing a file into an account, batch by batch, through ``TaskService.import_many``.

    job = ImportJob(tasks, account.id, interchange.read(data, "auto", zone=zone))
    report = job.run(progress=lambda done, total: ..., cancelled=lambda: False)
    print(report.sentence())  # "Imported 142 tasks: 140 new, 2 already there; 2 rows skipped."

The promises, and how they are kept:

- Nothing half-imported, and resumable. Each batch is one ``restore_tasks`` call and one
  transaction, so a batch is in or out, never half. Ids are stable (the reader derives them
  from the file's uids or contents) and the database inserts with ``ON CONFLICT (id) DO
  NOTHING``, so running an import again (after a cancel, a lost connection, a quota) adds
  only what is missing and never a duplicate.
- Ids per account. An id derived from the file alone is the same for everyone who imports
  that file; on a shared database the second person's rows would meet the first person's
  and be silently kept out. So a row is sent with the file's id first (a task of this app
  keeps its own id, and a Taskwarrior task its uuid, so round trips name the same tasks),
  and a row whose id another account holds is sent again with ``account_id(...)``, a uuid5
  of this account and that id: stable for this account, out of reach of everyone else's.
  (Pre-empting a file's ids therefore only moves the other person's rows to ids of their
  own. The price: should the other holder delete theirs, a later run here sends the row
  under the file's id again and it is added a second time; a rare, visible duplicate,
  against every import of one's own backup coming back doubled.)
- New or already there: the database answers each batch with how many tasks it added and
  which ids another account holds (``todo_api.import_tasks``), never with the tasks: reading
  100,000 rows back would cost a third of the import.
- A refusal (the account's task quota, the database gone) stops the import with one sentence
  saying how many went in; the rest comes with the next run.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from todo_desktop.core.errors import LimitError, NotFoundError, TodoError, ValidationError
from todo_desktop.core.interchange import ImportResult, ImportRow, Problem
from todo_desktop.core.interchange.common import plural, uuid5
from todo_desktop.core.ports import TaskService
from todo_desktop.core.reminders import ReminderGateway
from todo_desktop.core.values import Task
from todo_desktop.sync.outbox_queue import OutboxQueue

BATCH = 1000  # tasks per import_tasks call (at most 10,000); measured: tests/bench/transfer.py
IN_FLIGHT = 2  # batches sent at once
Progress = Callable[[int, int], None]  # (rows sent so far, rows to send)
Cancelled = Callable[[], bool]


def account_id(account: uuid.UUID, row_id: uuid.UUID) -> uuid.UUID:
    """The id a row takes in ``account`` when its own id belongs to another account."""
    return uuid5(f"account\x1e{account}\x1e{row_id}")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Where an import ended. ``stopped`` is None when every row was sent, else the sentence
    that says why it stopped (cancelled, over the quota, the database gone)."""

    total: int  # rows the file gave to import
    sent: int  # rows the database holds for this account now (new and already there)
    added: int
    skipped: tuple[Problem, ...] = ()  # the reader's skipped rows, each with its line
    lost: int = 0  # rows whose id nobody could take (an id held twice over: never in practice)
    stopped: str | None = None
    cancelled: bool = False

    @property
    def existing(self) -> int:
        return self.sent - self.added

    @property
    def complete(self) -> bool:
        return self.stopped is None

    def sentence(self) -> str:
        if self.stopped is not None:
            return self.stopped
        text = f"Imported {plural(self.sent, 'task')}: {self.added:,} new, {self.existing:,} already there"
        if self.skipped:
            text += f"; {plural(len(self.skipped), 'row')} skipped"
        if self.lost:
            text += f"; {plural(self.lost, 'task')} could not be stored (their ids are taken)"
        return text + "."


def _resume_hint(sent: int, total: int) -> str:
    return (
        f"{sent:,} of {plural(total, 'task')} went in; import the file again to add the rest "
        "(the tasks already in are not added twice)."
    )


@dataclass(frozen=True, slots=True)
class _Batch:
    start: int  # its first row's place in the file
    rows: Sequence[ImportRow]
    outcome: Future[tuple[int, int]]  # (added, held by this account now)


@dataclass
class ImportJob:
    """An import under way. ``step`` counts the next batch in (the window runs each step as
    a job of its own, so edits made meanwhile keep their turn); ``run`` sends them all.

    ``IN_FLIGHT`` batches are under way at once, each in a transaction of its own on a
    connection of its own: while the database stores one, the next is checked and packed
    here, and a second core stores it. They are counted in the file's order."""

    tasks: TaskService
    account: uuid.UUID
    result: ImportResult
    batch_size: int = BATCH
    reminders: ReminderGateway | None = None  # where the file's reminders go; None: left out
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    position: int = 0  # rows sent and counted so far
    sent: int = 0
    added: int = 0
    lost: int = 0
    stopped: str | None = None
    cancelled: bool = False
    _handed_out: int = field(default=0, init=False, repr=False)  # rows given to a batch so far
    _under_way: deque[_Batch] = field(default_factory=deque, init=False, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 10_000:
            raise ValueError("a batch holds 1 to 10,000 tasks")
        self._handed_out = self.position

    @property
    def total(self) -> int:
        return len(self.result.rows)

    @property
    def finished(self) -> bool:
        return self.stopped is not None or self.position >= self.total

    def report(self) -> ImportReport:
        return ImportReport(
            total=self.total,
            sent=self.sent,
            added=self.added,
            skipped=self.result.skipped,
            lost=self.lost,
            stopped=self.stopped,
            cancelled=self.cancelled,
        )

    def cancel(self) -> None:
        """Send nothing more. Batches under way go in all the same; until the next ``step``
        has counted them, the job is not finished."""
        if self.finished:
            return
        self.cancelled = True
        if not self._under_way:
            self._cancelled()

    def step(self) -> bool:
        """Count the oldest batch under way in, the next ones sent meanwhile; False once
        nothing is left to send (or it stopped). A refusal ends the job with its sentence in
        ``stopped``, once the batches sent beside it are counted; only unexpected errors are
        raised."""
        if self.finished:
            return False
        if not self.cancelled:
            self._hand_out()
        batch = self._under_way.popleft()
        try:
            outcome = batch.outcome.result()
        except TodoError as exc:
            self._count_the_rest()
            self._stop_for(exc)
            return False
        except BaseException:
            self._count_the_rest()
            raise
        self._count(batch, outcome)
        if self.cancelled:
            self._count_the_rest()
            self._cancelled()
        if self.finished:
            self._close()
        return not self.finished

    def run(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ImportReport:
        """Every batch in turn; ``cancelled`` is asked between batches."""
        if progress is not None:
            progress(self.position, self.total)
        while not self.finished:
            if cancelled is not None and not self.cancelled and cancelled():
                self.cancel()
                continue
            self.step()
            if progress is not None and self.stopped is None:
                progress(self.position, self.total)
        return self.report()

    def _hand_out(self) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=IN_FLIGHT, thread_name_prefix="import")
        while len(self._under_way) < IN_FLIGHT and self._handed_out < self.total:
            start = self._handed_out
            rows = self.result.rows[start : start + self.batch_size]
            self._under_way.append(_Batch(start, rows, self._pool.submit(self._send, start, rows)))
            self._handed_out += len(rows)

    def _count(self, batch: _Batch, outcome: tuple[int, int]) -> None:
        added, stored = outcome
        self.added += added
        self.sent += stored
        self.lost += len(batch.rows) - stored
        self.position = max(self.position, batch.start + len(batch.rows))

    def _count_the_rest(self) -> None:
        """Wait for every batch still under way, and count those that went in."""
        while self._under_way:
            batch = self._under_way.popleft()
            with suppress(TodoError):  # the first refusal is the one reported
                self._count(batch, batch.outcome.result())
        self._close()

    def _cancelled(self) -> None:
        self.stopped = f"Import cancelled: {_resume_hint(self.sent, self.total)}"
        self._close()

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _stop_for(self, exc: TodoError) -> None:
        if self.sent == 0:  # nothing went in: the refusal alone says it all
            self.stopped = exc.message
        elif isinstance(exc, LimitError):
            self.stopped = f"{exc.message.rstrip('.')}: {_resume_hint(self.sent, self.total)}"
        else:
            self.stopped = (
                f"The import stopped ({exc.message.rstrip('.')}); {_resume_hint(self.sent, self.total)}"
            )

    def _send(self, start: int, rows: Sequence[ImportRow]) -> tuple[int, int]:
        """Import ``rows`` (from row ``start`` of the file); those whose ids belong to someone
        else go again with ids of this account. Returns how many were added, and how many this
        account holds now."""
        first = self.tasks.import_many([self._snapshot(start + i, row, row.id) for i, row in enumerate(rows)])
        unique = len({row.id for row in rows})
        taken = set(first.taken)
        if not taken:
            self._remind(rows, set(), set())
            return first.added, unique
        again = [
            self._snapshot(start + i, row, account_id(self.account, row.id))
            for i, row in enumerate(rows)
            if row.id in taken
        ]
        second = self.tasks.import_many(again)
        self._remind(rows, taken, set(second.taken))
        return first.added + second.added, unique - len(second.taken)

    def _remind(self, rows: Sequence[ImportRow], moved: set[uuid.UUID], lost: set[uuid.UUID]) -> None:
        """The rows' reminders, on their tasks as stored (``moved``: under this account's own
        ids; ``lost``: not stored at all). A task that has a reminder keeps it: one set in the
        app since the file was written wins, as the task's own edits do."""
        if self.reminders is None:
            return
        for row in rows:
            if row.reminder is None or row.id in lost:
                continue
            task_id = account_id(self.account, row.id) if row.id in moved else row.id
            if self.reminders.reminder_of(task_id) is None:
                # Refused (a task completed since, or gone): the task is in; its reminder is not.
                with suppress(NotFoundError, ValidationError):
                    self.reminders.set_reminder(task_id, row.reminder)

    def _snapshot(self, index: int, row: ImportRow, task_id: uuid.UUID) -> Task:
        # Rows without a creation time keep the file's order among themselves: a microsecond
        # apart, ending now (the database takes no creation time from the future).
        made = row.created_at or self.now - timedelta(microseconds=self.total - index)
        return Task(
            id=task_id,
            title=row.title,
            description=row.description,
            completed=row.completed,
            priority=row.priority,
            due_date=row.due_date,
            created_at=made,
            updated_at=row.updated_at or made,
            completed_at=(row.completed_at or self.now) if row.completed else None,
            tags=row.tags,
            repeat=row.repeat,
            repeat_after_completion=row.repeat_after_completion,
        )


def direct(tasks: TaskService) -> TaskService:
    """The service behind an outbox. An import goes straight to the database: a batch of
    thousands kept in the outbox file while the database is away would be a second copy of
    the file; the import stops instead, and running it again finishes it."""
    return tasks.inner if isinstance(tasks, OutboxQueue) else tasks


def import_rows(
    tasks: TaskService,
    account: uuid.UUID,
    result: ImportResult,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    batch_size: int = BATCH,
    reminders: ReminderGateway | None = None,
) -> ImportReport:
    return ImportJob(tasks, account, result, batch_size=batch_size, reminders=reminders).run(
        progress, cancelled
    )


@runtime_checkable
class SearchPreparer(Protocol):
    def prepare_search(self, limit: int) -> int: ...


PREPARE_BATCH = 2000  # tasks per prepare_search call: a fraction of a second each


def prepare_search(tasks: TaskService, cancelled: Cancelled | None = None) -> int:
    """Make the search keys an import left for later (the database leaves them for imports
    of 100 tasks or more per call), a batch per transaction; returns how many it made. A
    service with no such keys (an in-memory one) has nothing to make."""
    inner = direct(tasks)
    if not isinstance(inner, SearchPreparer):
        return 0
    made = 0
    while cancelled is None or not cancelled():
        batch = inner.prepare_search(PREPARE_BATCH)
        made += batch
        if batch < PREPARE_BATCH:
            break
    return made
