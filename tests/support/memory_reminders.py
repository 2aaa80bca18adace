"""An in-memory ReminderGateway for GUI tests of the reminder desk (the database side has its
own tests against PostgreSQL). It hands each due reminder out once, as the database does."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.reminders import Reminder, ReminderSetting
from todo_desktop.core.values import Task


class MemoryReminders:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # the desk calls from worker threads
        self.pending: dict[uuid.UUID, Reminder] = {}
        self.snoozed: list[tuple[uuid.UUID, int]] = []
        self.claims = 0
        self.failures_left = 0  # the next calls raise as an unreachable database does
        # When set, the first claim takes its reminders, then waits for this before answering
        # (a slow commit), so a test can ask again meanwhile.
        self.slow_first_claim: threading.Event | None = None
        # When set, what next_fire_at answers whatever is pending (a reminder another device
        # claims first, or a database whose clock runs behind ours).
        self.next_answer: datetime | None = None

    def add(self, title: str, fire_at: datetime, due: datetime | None = None) -> uuid.UUID:
        task_id = uuid.uuid4()
        with self._lock:
            self.pending[task_id] = Reminder(task_id, title, fire_at, due)
        return task_id

    def _maybe_fail(self) -> None:
        if self.failures_left > 0:
            self.failures_left -= 1
            raise DatabaseUnavailableError("The database cannot be reached.")

    def claim_due(self) -> list[Reminder]:
        with self._lock:
            self._maybe_fail()
            self.claims += 1
            first = self.claims == 1
            now = datetime.now(UTC)
            due = sorted((r for r in self.pending.values() if r.fire_at <= now), key=lambda r: r.fire_at)
            for reminder in due:
                del self.pending[reminder.task_id]
        if first and self.slow_first_claim is not None:
            self.slow_first_claim.wait(5)
        return due

    def next_fire_at(self) -> datetime | None:
        with self._lock:
            self._maybe_fail()
            if self.next_answer is not None:
                return self.next_answer
            return min((r.fire_at for r in self.pending.values()), default=None)

    def snooze(self, task_id: uuid.UUID, minutes: int) -> None:
        with self._lock:
            self._maybe_fail()
            self.snoozed.append((task_id, minutes))
            now = datetime.now(UTC)
            self.pending[task_id] = Reminder(task_id, "snoozed", now + timedelta(minutes=minutes), None)

    def set_reminder(self, task_id: uuid.UUID, setting: ReminderSetting) -> None:
        raise NotImplementedError

    def clear_reminder(self, task_id: uuid.UUID) -> None:
        with self._lock:
            self.pending.pop(task_id, None)

    def reminder_of(self, task_id: uuid.UUID) -> ReminderSetting | None:
        with self._lock:
            found = self.pending.get(task_id)
            return ReminderSetting(at=found.fire_at) if found is not None else None

    def reminded_task_ids(self) -> frozenset[uuid.UUID]:
        with self._lock:
            return frozenset(self.pending)

    def task(self, task_id: uuid.UUID) -> Task | None:
        return None  # it holds reminders only: every task is one it cannot show
