"""What a reminder's notification says, in the person's locale and local time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QDate, QLocale, QTime

from todo_desktop.core.relative_dates import DATE_ONLY  # due that day: the notification names no time
from todo_desktop.core.reminders import Reminder
from todo_desktop.ui.reminders.notices import OPEN_ONLY, REMINDER_ACTIONS, Notice

LISTED = 5  # titles named in a group of missed reminders; the rest are counted


def when(moment: datetime, now: datetime, locale: QLocale | None = None) -> str:
    """ "today 17:00", "tomorrow", "Fri 09:30", "Dec 24 2027"...: as near as a person says it."""
    loc = locale or QLocale()
    local, today = moment.astimezone(), now.astimezone().date()
    days = (local.date() - today).days
    clock = (
        ""
        if local.time().replace(second=0, microsecond=0) == DATE_ONLY
        else " " + loc.toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)
    )
    if days == 0:
        return "today" + clock
    if days == 1:
        return "tomorrow" + clock
    if days == -1:
        return "yesterday" + clock
    qdate = QDate(local.year, local.month, local.day)
    if 1 < days < 7:
        return loc.dayName(qdate.dayOfWeek(), QLocale.FormatType.ShortFormat) + clock
    pattern = "MMM d" if local.year == today.year else "MMM d yyyy"
    return loc.toString(qdate, pattern) + clock


def reminder_notice(reminder: Reminder, now: datetime, *, missed: bool = False) -> Notice:
    """``missed``: it rang while the app was closed. The tense follows the due time alone (a
    reminder a day ahead, missed, is still for a task due tomorrow); a task without one says
    when the reminder was for, since it comes late."""
    if reminder.due_date is None:
        body = f"Reminder for {when(reminder.fire_at, now)}" if missed else "Reminder"
    elif reminder.due_date < now:
        body = f"Was due {when(reminder.due_date, now)}"
    else:
        body = f"Due {when(reminder.due_date, now)}"
    return Notice(reminder.title, body, (reminder.task_id,), REMINDER_ACTIONS)


def _grouped(summary: str, reminders: Sequence[Reminder]) -> Notice:
    titles = [r.title for r in reminders[:LISTED]]
    if len(reminders) > LISTED:
        titles.append(f"and {len(reminders) - LISTED} more")
    return Notice(summary, "\n".join(titles), tuple(r.task_id for r in reminders), OPEN_ONLY)


def missed_notice(reminders: Sequence[Reminder]) -> Notice:
    """Reminders that rang while the app was closed, as one notification."""
    return _grouped(f"{len(reminders)} reminders you missed", reminders)


def many_notice(reminders: Sequence[Reminder]) -> Notice:
    """More reminders coming due at once than are worth a notification each, as one."""
    return _grouped(f"{len(reminders)} reminders", reminders)
