"""Background jobs for the GUI: reads on a small pool, writes on a one-thread pool.

The GUI thread never waits for the database. A job is a plain callable that returns plain
values; its outcome comes back to the GUI thread through a queued Qt signal and is handed
to the caller's callbacks there.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QGuiApplication

from todo_desktop.core.failures import Failure, failure_from

T = TypeVar("T")

_log = logging.getLogger(__name__)

READ_THREADS = 2
# Writes carry no view: each outcome matters (it confirms or rolls back an edit).
_WRITE_VIEW = ""
# Writes that carry no edit of their own: the outbox's flushes (``OutboxWatch``). What they
# send is already in the outbox file, so quitting need not wait for them.
SEND_WAITING_EDITS = "send waiting edits"  # the label of the outbox flush job
RESENDS = frozenset({SEND_WAITING_EDITS})


@dataclass(frozen=True, slots=True)
class _Ticket:
    view: str
    request_id: int
    label: str
    serial: int  # across every view and pool: which jobs were asked for before which


@dataclass(frozen=True, slots=True)
class _Outcome:
    ticket: _Ticket
    value: Any  # the job's result, or one sentence when it failed
    elapsed_ms: float


class JobSignals(QObject):
    """Carries outcomes from worker threads to the GUI thread.

    It lives on the GUI side (owned by ``Workers``), not in the runnable: a runnable is
    deleted by the pool as soon as ``run`` returns, which could be before a queued signal
    from it is delivered.
    """

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, ticket: _Ticket, fn: Callable[[], object], signals: JobSignals) -> None:
        super().__init__()
        self._ticket = ticket
        self._fn: Callable[[], object] | None = fn
        self._signals = signals

    def run(self) -> None:
        fn, self._fn = self._fn, None  # drop the closure as soon as possible
        assert fn is not None
        started = time.perf_counter()
        try:
            value = fn()
        except Exception as exc:
            self._emit(self._signals.failed, failure_from(exc, self._ticket.label), started)
        else:
            self._emit(self._signals.succeeded, value, started)

    def _emit(self, signal: Any, value: object, started: float) -> None:
        outcome = _Outcome(self._ticket, value, (time.perf_counter() - started) * 1000.0)
        try:
            signal.emit(outcome)
        except RuntimeError:
            # The GUI side is already gone (the app is quitting); nobody is left to tell.
            _log.info("Dropped the outcome of %r: the window was closed", self._ticket.label)


@dataclass(frozen=True, slots=True)
class _Callbacks:
    on_success: Callable[[Any], None]
    on_failure: Callable[[Failure], None]
    label: str


class Workers(QObject):
    """Runs jobs off the GUI thread and delivers their outcomes on it.

    Every read names the view it feeds; only the newest request for a view is delivered,
    so a slow old list can never overwrite a newer one. Writes run one at a time, in the
    order they were asked for, and every outcome is delivered.
    """

    latency_measured = Signal(float)  # milliseconds the last delivered job took
    stale_dropped = Signal(str, int)  # view, request id
    unavailable = Signal(str)  # a delivered job could not reach the database
    # A delivered job found the session ended: the serial of that job (compare ``last_serial``
    # to tell a job on the workspace in use from one asked for before it opened), and the sentence.
    signed_out = Signal(int, str)
    reachable = Signal()  # a delivered job succeeded: the database answers

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Pools are created before the signal holder, so Qt destroys them first: their
        # destructors wait for running jobs while the holder still exists.
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(READ_THREADS)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._signals = JobSignals(self)
        self._signals.succeeded.connect(self._deliver_success)
        self._signals.failed.connect(self._deliver_failure)
        self._latest: dict[str, int] = {}
        self._view_numbers = itertools.count(1)
        self._serials = itertools.count(1)
        self._last_serial = 0
        self._delivering: int | None = None  # the serial of the job whose outcome is being delivered
        self._pending: dict[tuple[str, int], _Callbacks] = {}

    def read(
        self,
        view: str,
        job: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[Failure], None],
        label: str = "read",
    ) -> int:
        """Run ``job`` for ``view``; any older request for the same view becomes stale."""
        if not view:
            raise ValueError("a read needs a view name")
        return self._submit(self._reads, view, job, on_success, on_failure, label)

    def write(
        self,
        job: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[Failure], None],
        label: str = "write",
    ) -> int:
        return self._submit(self._writes, _WRITE_VIEW, job, on_success, on_failure, label)

    def new_view(self, prefix: str) -> str:
        """A view name nobody else reads into, for one dialog's answers. (Built from the
        dialog's ``id()`` it could be reused by a later dialog once this one is gone, and a
        late answer would then reach the wrong one.)"""
        return f"{prefix}-{next(self._view_numbers)}"

    def drop_pending(self, *views: str) -> None:
        """Make every read in flight for ``views`` stale: its answer will not be delivered.

        For a workspace that closed: a list or count read on it must not fill the window later.
        """
        for view in views:
            self._latest[view] = self._latest.get(view, 0) + 1

    def is_current(self, view: str, request_id: int) -> bool:
        return self._latest.get(view) == request_id

    def reading(self, view: str) -> bool:
        """A read for ``view`` is on its way: its answer is neither delivered nor dropped yet."""
        return any(pending == view for pending, _ in self._pending)

    @property
    def pending_writes(self) -> int:
        return sum(1 for view, _ in self._pending if view == _WRITE_VIEW)

    @property
    def pending_edits(self) -> int:
        """Writes not yet answered that carry an edit (not a resend of the outbox)."""
        return sum(
            1 for (view, _), c in self._pending.items() if view == _WRITE_VIEW and c.label not in RESENDS
        )

    @property
    def last_serial(self) -> int:
        """The serial of the newest job asked for; every later one gets a greater number."""
        return self._last_serial

    def note_failure(self, failure: Failure) -> None:
        """Report a failure a job returned as a value (part of a batch) like a raised one;
        called while that job's outcome is delivered, so it is told as that job's."""
        self._note(failure, self._delivering if self._delivering is not None else self._last_serial)

    def _note(self, failure: Failure, serial: int) -> None:
        if failure.unavailable:
            self.unavailable.emit(str(failure))
        if failure.signed_out:
            self.signed_out.emit(serial, str(failure))

    def wait_for_all(self, timeout_ms: int) -> bool:
        """Block until no job runs at all; for shutting down (and tests tearing down)."""
        return self._writes.waitForDone(timeout_ms) and self._reads.waitForDone(timeout_ms)

    def wait_for_writes(self, timeout_ms: int) -> bool:
        """Block until every queued write has run; False if ``timeout_ms`` passed first.

        Only for quitting: the person has asked to leave, and leaving before the writes
        finish could lose what they typed.
        """
        return self._writes.waitForDone(timeout_ms)

    def wait_for_writes_showing_busy(self, timeout_ms: int) -> bool:
        """``wait_for_writes`` with the busy cursor, when there is anything to wait for."""
        if not self.pending_writes:
            return self.wait_for_writes(0)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self.wait_for_writes(timeout_ms)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def wait_for_edits(self, timeout_ms: int) -> bool:
        """Quitting: wait (bounded) until every edit asked for has been answered, delivering
        the answers meanwhile, so the window keeps answering; False if time ran out."""
        deadline = QDeadlineTimer(timeout_ms)
        loop = QEventLoop(self)
        while self.pending_edits and not deadline.hasExpired():
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return not self.pending_edits

    def let_go(self, timeout_ms: int) -> list[QObject]:
        """Quitting while the database is away: wait at most ``timeout_ms``, drop the jobs
        not started, and hand back (detached from this object) the pools whose jobs still
        wait out connection retries, so the window's going does not wait for them; with
        them goes the signal holder, so their late answers meet a live object nobody hears.

        The caller keeps them alive until the process ends. Only for a quit whose edits are
        all safe already (kept in the outbox file): a job let go may never finish.
        """
        deadline = QDeadlineTimer(timeout_ms)
        left: list[QObject] = []
        for pool in (self._writes, self._reads):
            pool.clear()
            if not pool.waitForDone(max(0, deadline.remainingTime())):
                pool.setParent(None)
                left.append(pool)
        if left:
            self._signals.setParent(None)
            left.append(self._signals)
        return left

    def _submit(
        self,
        pool: QThreadPool,
        view: str,
        job: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[Failure], None],
        label: str,
    ) -> int:
        request_id = self._latest.get(view, 0) + 1
        self._latest[view] = request_id
        self._last_serial = next(self._serials)
        ticket = _Ticket(view, request_id, label, self._last_serial)
        self._pending[(view, request_id)] = _Callbacks(on_success, on_failure, label)
        pool.start(_Job(ticket, job, self._signals))
        return request_id

    def _take(self, outcome: _Outcome) -> _Callbacks | None:
        ticket = outcome.ticket
        callbacks = self._pending.pop((ticket.view, ticket.request_id), None)
        if callbacks is None:
            return None
        if ticket.view != _WRITE_VIEW and not self.is_current(ticket.view, ticket.request_id):
            self.stale_dropped.emit(ticket.view, ticket.request_id)
            return None
        self.latency_measured.emit(outcome.elapsed_ms)
        return callbacks

    @Slot(object)
    def _deliver_success(self, outcome: _Outcome) -> None:
        callbacks = self._take(outcome)
        if callbacks is not None:
            self.reachable.emit()
            self._answer(outcome, callbacks.on_success)

    @Slot(object)
    def _deliver_failure(self, outcome: _Outcome) -> None:
        callbacks = self._take(outcome)
        if callbacks is not None:
            failure: Failure = outcome.value  # a failed job's value is always its Failure
            self._answer(outcome, callbacks.on_failure)
            self._note(failure, outcome.ticket.serial)

    def _answer(self, outcome: _Outcome, callback: Callable[[Any], None]) -> None:
        """``callback`` with the job's value, the job's serial being delivered meanwhile (for
        ``note_failure``); a callback may run the event loop (waiting to quit), delivering
        others meanwhile, so the outer delivery's serial comes back after it."""
        outer, self._delivering = self._delivering, outcome.ticket.serial
        try:
            callback(outcome.value)
        finally:
            self._delivering = outer
