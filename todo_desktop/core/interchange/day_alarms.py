"""An alarm counted from the start of the day a task is due all day, as calendar apps and
TickTick write one ("PT9H": 09:00 on the day, "-PT15H": 09:00 the day before), read as this
app's reminder. This app counts an all-day task's reminders from 09:00 on its day
(``core.reminders.ALL_DAY_MORNING``, revision 0038), so such an alarm is a while before that
morning when it rings at or before it (at most 30 days before), and otherwise the time it
names: later that day, or longer before."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

from todo_desktop.core.reminders import ALL_DAY_MORNING, MAX_BEFORE_DUE
from todo_desktop.core.values import ReminderSetting


def from_start_of_day(due: datetime, offset: timedelta, zone: tzinfo) -> ReminderSetting:
    """The reminder of an alarm ``offset`` from the start of the day ``due`` falls on in ``zone``."""
    before = ALL_DAY_MORNING - offset
    if timedelta(0) <= before <= MAX_BEFORE_DUE:
        return ReminderSetting(before_due=before)
    # Days on the calendar, as the dates around it are (aware arithmetic is wall-clock).
    start_of_day = datetime.combine(due.astimezone(zone).date(), time(0), tzinfo=zone)
    return ReminderSetting(at=(start_of_day + offset).astimezone(UTC))


def to_start_of_day(before_due: timedelta) -> timedelta:
    """The alarm's offset from the start of the day for a reminder ``before_due`` the morning."""
    return ALL_DAY_MORNING - before_due
