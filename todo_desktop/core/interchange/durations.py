"""Durations as ISO 8601 spells them ("PT15M", "P1D", "P2DT3H4M5S"), for reminders' offsets.

Written in days, hours, minutes and seconds (with a fraction of a second when there is one),
each part only when it is not zero, and "PT0S" for none; minutes are written as 0M between
hours and seconds, since iCalendar's grammar (RFC 5545 3.3.6) knows no hours followed directly
by seconds, and so one spelling serves both our JSON and iCalendar. Read: the same, and weeks
("P2W"), in either case, with a sign. Years and months are refused: their length depends on
the date they are counted from, and a reminder's offset is a fixed length of time.
"""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(
    r"([+-])?P(?:(\d{1,9})W)?(?:(\d{1,9})D)?"
    r"(?:T(?=\d)(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9})(?:[.,](\d{1,6}))?S)?)?",
    re.IGNORECASE,
)


def iso_duration(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else ""
    delta = abs(delta)
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    day_part = f"{delta.days}D" if delta.days else ""
    time_part = f"{hours}H" if hours else ""
    if minutes or (hours and (seconds or delta.microseconds)):
        time_part += f"{minutes}M"
    if seconds or delta.microseconds:
        fraction = f".{delta.microseconds:06d}".rstrip("0") if delta.microseconds else ""
        time_part += f"{seconds}{fraction}S"
    if not day_part and not time_part:
        return "PT0S"
    return f"{sign}P{day_part}" + (f"T{time_part}" if time_part else "")


def parse_duration(text: str) -> timedelta | None:
    """The duration ``text`` spells, or None when it is none of fixed length."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    sign, weeks, days, hours, minutes, seconds, fraction = match.groups()
    if not any((weeks, days, hours, minutes, seconds)):
        return None  # "P" and "PT" alone name no length
    try:
        found = timedelta(
            weeks=int(weeks or 0),
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=int(seconds or 0),
            microseconds=int((fraction or "").ljust(6, "0")),
        )
    except OverflowError:
        return None
    return -found if sign == "-" else found
