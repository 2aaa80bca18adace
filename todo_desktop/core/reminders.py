"""Reminders: when a task rings, and the one place that decides who shows it.

A task has at most one reminder: at a time of its own, or an offset before its due time (which
moves with the due time). The database keeps them, so every device shows the same ones, and
hands each one out once per person: the device that claims a reminder marks it delivered in
the same transaction, so two open devices never both ring.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ReminderSetting:
    """Exactly one of the two is set: a time of its own, or how long before the due time."""

    at: datetime | None = None
    before_due: timedelta | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder that has come due, claimed by this device to show."""

    task_id: uuid.UUID
    title: str
    fire_at: datetime  # when it was meant to ring (long past for one missed while closed)
    due_date: datetime | None


class ReminderGateway(Protocol):
    """What the GUI may ask of the reminders (``todo_desktop.db.reminders`` implements it)."""

    def set_reminder(self, task_id: uuid.UUID, setting: ReminderSetting) -> None: ...
    def clear_reminder(self, task_id: uuid.UUID) -> None: ...
    def reminder_of(self, task_id: uuid.UUID) -> ReminderSetting | None: ...
    # The tasks holding a reminder that has not rung yet (for the list's bell mark).
    def reminded_task_ids(self) -> frozenset[uuid.UUID]: ...
    # Every reminder due by now and not delivered, each marked delivered in the same
    # transaction: a reminder comes back from this call once, on one device.
    def claim_due(self) -> list[Reminder]: ...
    # Rings again after ``minutes`` (on whichever device claims it then).
    def snooze(self, task_id: uuid.UUID, minutes: int) -> None: ...
    # When the next reminder not yet delivered is due (None: none), for the GUI's timer.
    def next_fire_at(self) -> datetime | None: ...
