"""Reminders: when a task rings, and the one place that decides who shows it.

A task has at most one reminder: at a time of its own, or an offset before its due time (which
moves with the due time). The database keeps them, so every device shows the same ones, and
hands each one out once per person: the device that claims a reminder marks it delivered in
the same transaction, so two open devices never both ring.

An offset's whole days are days on the calendar of the zone it was set in: "1 day before" a
task due at 09:00 rings at 09:00 the day before, local time, across a change to or from summer
time; the rest of an offset is an exact duration. A timedelta cannot tell a day from 24 hours,
so 24 hours count as a calendar day too. The zone travels by its IANA name (``zone_name``);
where the device cannot name its zone, days are 24 hours long, as they were before.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Protocol

from todo_desktop.core.clock import wall_instant
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.relative_dates import has_time
from todo_desktop.core.values import ReminderSetting, Task

# The database keeps the same limits (revision 0010) and answers with these sentences too.
MAX_BEFORE_DUE = timedelta(days=30)
SNOOZE_MINUTES = (1, 1440)
BOTH_OR_NEITHER = "A reminder is either at a time or a while before the due time."
BEFORE_DUE_RANGE = "A reminder can be at most 30 days before the due time."
TIME_RANGE = "A reminder's time must be between the years 1900 and 9998."
SNOOZE_RANGE = "A snooze lasts from 1 minute to 24 hours."
NEEDS_DUE_DATE = "Set a due date first, or give a time for the reminder."
# A task due all day (a date alone, kept at 23:59) counts its reminders from this time of its
# day, as calendar apps ring for a whole day (revision 0038 does it in the database).
ALL_DAY_MORNING = timedelta(hours=9)
ZONE_UNKNOWN = "The database does not know this computer's time zone."
# A place's IANA name ("Europe/Berlin", "Etc/GMT+3"): never a POSIX rule ("EST5EDT,M3.2.0,M11.1.0")
# or an abbreviation ("CET"), which PostgreSQL also reads, but which name no place or whose
# meaning it takes from the session's settings; a name with a slash is neither. The database
# checks the same shape (revision 0036, state TDR05).
ZONE_MAX = 64
_ZONE_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9][A-Za-z0-9_+-]*)+")
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def check_setting(setting: ReminderSetting) -> ReminderSetting:
    """The setting, if the database will take it; else ValidationError("reminder", ...)."""
    if (setting.at is None) == (setting.before_due is None):
        raise ValidationError("reminder", BOTH_OR_NEITHER)
    if setting.before_due is not None and not timedelta(0) <= setting.before_due <= MAX_BEFORE_DUE:
        raise ValidationError("reminder", BEFORE_DUE_RANGE)
    if setting.at is not None:
        if setting.at.tzinfo is None:
            raise ValueError("a reminder's time must be timezone-aware")
        if not _EARLIEST <= setting.at < _LATEST:
            raise ValidationError("reminder", TIME_RANGE)
    return setting


def offset_problem(setting: ReminderSetting | None, due: datetime | None) -> str | None:
    """An offset counts back from the due date: a task without one cannot have it (it would
    never ring). The sentence that says so, or None. A task due all day has its reminders
    counted from 09:00 on its day (revision 0038)."""
    if setting is not None and setting.before_due is not None and due is None:
        return NEEDS_DUE_DATE
    return None


def rings_at(setting: ReminderSetting, due: datetime | None, zone: tzinfo | None) -> datetime | None:
    """When ``setting`` rings for a task due at ``due`` (None: an offset without a due date),
    counted as the database counts it (public.todo_reminder_fire_at): in ``zone``, the one it
    was set in, whole days are days on the calendar and the rest exact, and a task due all day
    (23:59 there) counts from 09:00 on its day; without a zone the offset is exact. The
    database's answer is the ring time; this is the window's guess until it comes."""
    if setting.at is not None:
        return setting.at
    if due is None or setting.before_due is None:
        return None
    if zone is None:
        return due - setting.before_due
    days = timedelta(days=setting.before_due.days)
    local = due.astimezone(zone)
    if not has_time(local):  # due all day
        wall = datetime.combine(local.date(), time(0)) + ALL_DAY_MORNING
    elif not days:
        return due - setting.before_due  # hours are exact, also in an hour that happens twice
    else:
        wall = local.replace(tzinfo=None)
    # The local time is read as the database reads it: a time that happens twice as its second pass.
    return wall_instant(wall - days, zone, second_pass=True) - (setting.before_due - days)


def check_offset(setting: ReminderSetting | None, due: datetime | None) -> None:
    """ValidationError("reminder", ...) where `offset_problem` finds one."""
    problem = offset_problem(setting, due)
    if problem is not None:
        raise ValidationError("reminder", problem)


def zone_name(name: str | None) -> str | None:
    """``name`` when it can be a reminder's zone, else None (the reminder's days are then 24 hours)."""
    if name is None or len(name) > ZONE_MAX or not _ZONE_SHAPE.fullmatch(name):
        return None
    return name


def check_snooze(minutes: int) -> int:
    low, high = SNOOZE_MINUTES
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise ValidationError("snooze", SNOOZE_RANGE)
    return minutes


class ReminderDefault(enum.StrEnum):
    """The person's setting for tasks whose quick-add text names no reminder."""

    NONE = "none"
    AT_DUE_TIME = "at_due_time"  # at the due time, when the due date has a time of day


def default_reminder(policy: ReminderDefault, due: datetime | None, has_time: bool) -> ReminderSetting | None:
    """The reminder a new task gets without one of its own: a date alone (due all day) gets none."""
    if policy is ReminderDefault.AT_DUE_TIME and due is not None and has_time:
        return ReminderSetting(before_due=timedelta(0))
    return None


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
    # The task a reminder is for, as stored now (None: gone), when the window does not show it.
    def task(self, task_id: uuid.UUID) -> Task | None: ...
