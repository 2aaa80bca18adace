"""The reminder desk: asks the database what has come due, and shows it.

It claims due reminders on a worker (the database marks each delivered in the same
transaction, so a reminder rings on one device only), shows each, and sets its timer for the
next one. It asks again at least every few minutes as well: another device, or an edit here,
may have moved the next reminder. Reminders that came due while the app was closed are found
by the first claim after a workspace opens, and shown together as one notification; more
than a few coming due at once are shown together too.

A database that cannot be reached is retried quietly: a reminder is never worth a dialog.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from todo_desktop.core.failures import Failure
from todo_desktop.core.reminders import Reminder, ReminderGateway
from todo_desktop.ui.reminders.notices import DONE, OPEN, SNOOZE, SNOOZE_MINUTES, Notice, Notifier
from todo_desktop.ui.reminders.wording import many_notice, missed_notice, reminder_notice
from todo_desktop.ui.workers import Workers

_log = logging.getLogger(__name__)

REMINDERS_VIEW = "reminders"
RECHECK_MS = 3 * 60_000  # ask again at least this often, whatever the timer says
RETRY_MS = 60_000  # after a failure (the database asleep or away)
# A reminder this far past its time at the first claim rang while the app was closed.
MISSED_AFTER = timedelta(minutes=2)
# Never sooner than this: a next reminder already past that no claim returns (another
# device took it, or the database's clock runs behind ours) must not make the desk spin.
MIN_WAIT_MS = 1_000
LATE_MS = 500  # a little after it, so the database's clock agrees that it is due
# More reminders than this at once come as one notification that counts them: never a flood.
MAX_APART = 3


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Round:
    claimed: list[Reminder]
    next_fire_at: datetime | None


def _ask(gateway: ReminderGateway) -> _Round:
    """On a worker: claim what is due, then ask when the next one is."""
    return _Round(gateway.claim_due(), gateway.next_fire_at())


class ReminderDesk(QObject):
    done_requested = Signal(object)  # uuid.UUID: complete it as the window completes a task
    open_requested = Signal(object)  # uuid.UUID: bring the window forward showing this task
    shown = Signal(object)  # the Notice just handed to the notifier

    def __init__(
        self,
        workers: Workers,
        notifier: Notifier,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        recheck_ms: int = RECHECK_MS,
        retry_ms: int = RETRY_MS,
    ) -> None:
        super().__init__(parent)
        self._workers = workers
        self._notifier = notifier
        self._clock = clock
        self._recheck_ms = recheck_ms
        self._retry_ms = retry_ms
        self._gateway: ReminderGateway | None = None
        self._first_round = True
        self._asking = False
        self._ask_again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check_now)
        notifier.action_invoked.connect(self._answer)

    @property
    def next_check_ms(self) -> int:
        """Milliseconds until the desk asks again; -1 when it is not waiting (for tests)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def set_gateway(self, gateway: ReminderGateway | None) -> None:
        """The open workspace's reminders (None: no workspace); asks at once."""
        self._gateway = gateway
        self._first_round = True
        self._timer.stop()
        if gateway is not None:
            self.check_now()

    def check_now(self) -> None:
        """Ask now (an edit changed a reminder, the window woke up, or the timer ran out)."""
        gateway = self._gateway
        if gateway is None:
            return
        if self._asking:  # never two claims at once: a dropped answer would lose reminders
            self._ask_again = True
            return
        self._asking = True
        self._workers.read(
            REMINDERS_VIEW,
            partial(_ask, gateway),
            partial(self._claimed, gateway),
            partial(self._not_reached, gateway),
            label="reminders due",
        )

    def _claimed(self, gateway: ReminderGateway, round_: _Round) -> None:
        self._asking = False
        if gateway is not self._gateway:
            # The workspace changed while asking; those were claimed for the one now closed.
            _log.info("Dropped %d reminders of a workspace that closed", len(round_.claimed))
            self._after_round()
            return
        self._show(round_.claimed)
        self._plan(round_.next_fire_at)
        self._after_round()

    def _not_reached(self, gateway: ReminderGateway, failure: Failure) -> None:
        self._asking = False
        _log.info("Could not ask for reminders (will retry): %s", failure)
        if gateway is self._gateway:
            self._timer.start(self._retry_ms)
        self._after_round()

    def _after_round(self) -> None:
        if self._ask_again:
            self._ask_again = False
            self.check_now()

    def _show(self, claimed: list[Reminder]) -> None:
        now = self._clock()
        missed: list[Reminder] = []
        if self._first_round:
            self._first_round = False
            missed = [r for r in claimed if now - r.fire_at > MISSED_AFTER]
        if len(missed) > 1:
            self._notify(missed_notice(missed))
        apart = [r for r in claimed if len(missed) < 2 or r not in missed]
        if len(apart) > MAX_APART:
            # Dozens of notifications, each with its buttons, bury the desktop: an import of
            # tasks whose reminders are past, a morning of tasks all due at 09:00, the rest of
            # more missed ones than one claim hands out.
            self._notify(many_notice(apart))
            return
        for reminder in apart:
            self._notify(reminder_notice(reminder, now, missed=reminder in missed))

    def _notify(self, notice: Notice) -> None:
        self._notifier.show(notice)
        self.shown.emit(notice)

    def _plan(self, next_fire_at: datetime | None) -> None:
        delay = self._recheck_ms
        if next_fire_at is not None:
            until = int((next_fire_at - self._clock()).total_seconds() * 1000) + LATE_MS
            delay = max(MIN_WAIT_MS, min(delay, until))
        self._timer.start(delay)

    def _answer(self, notice: Notice, action: str) -> None:
        if not notice.task_ids:
            return
        if action == DONE:
            for task_id in notice.task_ids:
                self.done_requested.emit(task_id)
        elif action == SNOOZE and self._gateway is not None:
            for task_id in notice.task_ids:
                self._snooze(self._gateway, task_id)
        elif action == OPEN:
            self.open_requested.emit(notice.task_ids[0])

    def _snooze(self, gateway: ReminderGateway, task_id: uuid.UUID) -> None:
        if gateway is not self._gateway:  # a retry after the workspace closed: not this one's
            return
        self._workers.write(
            partial(gateway.snooze, task_id, SNOOZE_MINUTES),
            lambda _none: self.check_now(),  # the next reminder may now be this one
            partial(self._snooze_failed, gateway, task_id),
            label="snooze a reminder",
        )

    def _snooze_failed(self, gateway: ReminderGateway, task_id: uuid.UUID, failure: Failure) -> None:
        # Already delivered, a reminder whose snooze is lost would never ring again: keep
        # trying while the database is away (and while the same workspace is open).
        if failure.unavailable and gateway is self._gateway:
            QTimer.singleShot(self._retry_ms, self, partial(self._snooze, gateway, task_id))
        else:
            _log.warning("Could not snooze a reminder: %s", failure)
