"""What each smart list means, as a query. Day boundaries are local calendar days,
computed in the local zone and compared in UTC, so DST changes cannot shift them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

from todo_desktop.core.values import Priority, SmartList, SortKey, Status, TaskQuery

UPCOMING_DAYS = 7

_PRIORITY_LISTS = {
    SmartList.PRIORITY_LOW: Priority.LOW,
    SmartList.PRIORITY_MEDIUM: Priority.MEDIUM,
    SmartList.PRIORITY_HIGH: Priority.HIGH,
    SmartList.PRIORITY_URGENT: Priority.URGENT,
}


def local_day_start(now: datetime, zone: tzinfo, days_ahead: int = 0) -> datetime:
    local = now.astimezone(zone)
    day = (local + timedelta(days=days_ahead)).date()
    # Build the wall-clock midnight in the zone, then convert: correct across DST jumps.
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def query_for(
    smart_list: SmartList,
    now: datetime,
    zone: tzinfo,
    base: TaskQuery | None = None,
) -> TaskQuery:
    """The query for ``smart_list``, keeping ``base``'s text, sort and page size."""
    q = base or TaskQuery()
    q = replace(
        q,
        status=Status.OPEN,
        priorities=frozenset(),
        due_after=None,
        due_before=None,
        overdue_at=None,
        after=None,
    )
    if smart_list is SmartList.INBOX:
        return q
    if smart_list is SmartList.COMPLETED:
        return replace(q, status=Status.COMPLETED)
    if smart_list is SmartList.TODAY:
        return replace(q, due_after=local_day_start(now, zone), due_before=local_day_start(now, zone, 1))
    if smart_list is SmartList.UPCOMING:
        return replace(
            q,
            due_after=local_day_start(now, zone, 1),
            due_before=local_day_start(now, zone, 1 + UPCOMING_DAYS),
        )
    if smart_list is SmartList.OVERDUE:
        return replace(q, overdue_at=now)
    return replace(q, priorities=frozenset({_PRIORITY_LISTS[smart_list]}))


def default_sort(smart_list: SmartList) -> SortKey:
    return SortKey.UPDATED if smart_list is SmartList.COMPLETED else SortKey.DUE
