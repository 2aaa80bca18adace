"""How a due date reads in a list: "Today 17:00", "Tomorrow", "Fri", "Dec 24", "3 days overdue".

Only the calendar arithmetic lives here, in local calendar days (a DST change cannot make a
day 23 hours "away"); the names of days and months, and their order, come from the person's
locale in the UI, which turns a ``DueLabel`` into words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

# A due date typed without a time of day is stored at this local time (core.clock.end_of_day),
# so it counts as due all that day; such a task shows no time.
DATE_ONLY = time(23, 59)
WEEK_DAYS = 7  # a date within the coming week reads as its weekday ("Fri")
DAYS_OVERDUE_UNTIL = 14  # "13 days overdue"; from two weeks on, weeks
WEEKS_OVERDUE_UNTIL = 8  # "7 weeks overdue"; older than that, the date itself is clearer


class DueKind(enum.Enum):
    TODAY = "today"
    TOMORROW = "tomorrow"
    YESTERDAY = "yesterday"
    WEEKDAY = "weekday"  # within the coming week
    THIS_YEAR = "this_year"  # month and day
    OTHER_YEAR = "other_year"  # month, day and year
    DAYS_OVERDUE = "days_overdue"
    WEEKS_OVERDUE = "weeks_overdue"


@dataclass(frozen=True, slots=True)
class DueLabel:
    kind: DueKind
    day: date  # the local calendar day it is due
    time: time | None  # None when the task has no time of day
    count: int = 0  # the days or weeks overdue


def has_time(local: datetime) -> bool:
    return local.timetz().replace(tzinfo=None) != DATE_ONLY


def due_label(due: datetime, now: datetime, zone: tzinfo, *, open_task: bool = True) -> DueLabel:
    """How ``due`` reads at ``now``. Only an open task is "overdue"; a completed one's past
    due date reads as a date."""
    local = due.astimezone(zone)
    day = local.date()
    shown_time = local.time() if has_time(local) else None
    ahead = (day - now.astimezone(zone).date()).days
    if ahead == 0:
        return DueLabel(DueKind.TODAY, day, shown_time)
    if ahead == 1:
        return DueLabel(DueKind.TOMORROW, day, shown_time)
    if ahead == -1:
        return DueLabel(DueKind.YESTERDAY, day, shown_time)
    if 1 < ahead < WEEK_DAYS:
        return DueLabel(DueKind.WEEKDAY, day, shown_time)
    behind = -ahead
    if open_task and 1 < behind < DAYS_OVERDUE_UNTIL:
        return DueLabel(DueKind.DAYS_OVERDUE, day, shown_time, behind)
    if open_task and DAYS_OVERDUE_UNTIL <= behind < WEEKS_OVERDUE_UNTIL * 7:
        return DueLabel(DueKind.WEEKS_OVERDUE, day, shown_time, behind // 7)
    same_year = day.year == now.astimezone(zone).year
    return DueLabel(DueKind.THIS_YEAR if same_year else DueKind.OTHER_YEAR, day, shown_time)
