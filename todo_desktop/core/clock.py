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


def _offset_near(wall: datetime, zone: tzinfo, days: int) -> timedelta | None:
    try:
        return (wall + timedelta(days=days)).replace(tzinfo=zone).utcoffset()
    except OverflowError:  # a day before the year 1 or after 9999
        return None


def wall_instant(wall: datetime, zone: tzinfo, *, second_pass: bool = False) -> datetime:
    """A local wall-clock time (naive) in ``zone`` as a UTC instant. A time a clock change
    skips takes the offset from before the change (02:30 on the spring night is 03:30); a time
    it repeats is its first pass, or with ``second_pass`` its second, as PostgreSQL reads one
    (``timestamp AT TIME ZONE``). Worked out from the offsets a day either side, because the
    zone objects disagree about those times: the machine's own zone (`LocalZone`, the C
    library's rules) knows no second pass and reads a skipped 02:30 as 01:30."""
    before, after = _offset_near(wall, zone, -1), _offset_near(wall, zone, 1)
    for offset in (after, before) if second_pass else (before, after):
        if offset is not None:
            moment = (wall - offset).replace(tzinfo=UTC)
            if moment.astimezone(zone).replace(tzinfo=None) == wall:
                return moment
    if before is None:
        return wall.replace(tzinfo=zone).astimezone(UTC)
    return (wall - before).replace(tzinfo=UTC)
