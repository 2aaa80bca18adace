"""Local time for the GUI: the machine's zone with its DST rules, and the due-date presets.

``datetime.now().astimezone().tzinfo`` is a fixed offset: right for today, an hour off for a
day on the other side of a DST change. The C library knows the rules, so this zone asks it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo

from todo_desktop.core.smart_lists import local_day_start

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class LocalZone(tzinfo):
    """The operating system's local zone, DST included (after the Python docs' example)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._local(dt).tm_gmtoff)

    def dst(self, dt: datetime | None) -> timedelta:
        # Only the total offset matters to callers; DST is folded into it.
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return self._local(dt).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        stamp = (dt.replace(tzinfo=UTC) - _EPOCH).total_seconds()
        offset = timedelta(seconds=time.localtime(stamp).tm_gmtoff)
        return (dt + offset).replace(tzinfo=self)

    def _local(self, dt: datetime | None) -> time.struct_time:
        if dt is None:
            return time.localtime()
        fields = (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.weekday(), 0, -1)
        try:
            return time.localtime(time.mktime(fields))
        except (OverflowError, ValueError):  # years far outside the C library's range
            return time.localtime()

    def __repr__(self) -> str:
        return "LocalZone()"


def utc_now() -> datetime:
    return datetime.now(UTC)


def end_of_day(now: datetime, zone: tzinfo, days_ahead: int = 0) -> datetime:
    """23:59 local time, ``days_ahead`` days from ``now``, as a UTC instant.

    A minute before the next local midnight, so the task still counts as due that day.
    """
    return local_day_start(now, zone, days_ahead + 1) - timedelta(minutes=1)


def from_epoch(seconds: float) -> datetime:
    # Adding to the epoch works for any year; fromtimestamp() fails before 1970 on Windows.
    return _EPOCH + timedelta(seconds=seconds)
