"""A task's reminder as the VALARM of its VTODO (RFC 5545 3.6.6), written and read.

Written: one VALARM with ACTION:DISPLAY, the title as its DESCRIPTION, and a TRIGGER. A
reminder at a time of its own is ``TRIGGER;VALUE=DATE-TIME:20261207T090000Z``; one before the
due time is ``TRIGGER;RELATED=END:-PT15M``, since a VTODO's END is its DUE, so the alarm
moves with the due time as ours does. A reminder before the due time of a task without one
has nothing to be before, and is not written. Offsets are written to the second, like times.
A task due all day has a date for its DUE, and an alarm counts from the start of that day,
while this app counts an all-day task's reminders from 09:00 on it: "1 day before" is written
``-PT15H`` and "when due" ``PT9H``, as calendar apps write an all-day alert.

Read: the first VALARM of a to-do (of a completed one too) that rings at a time is its
reminder; more are said in one warning. Two kinds ring at no time and are passed over in
silence, since they hold no reminder to lose: ``ACTION:NONE`` (RFC 9074), which Apple
Reminders writes on every to-do as a placeholder at its sentinel time in 1976, and an alarm
with ``X-APPLE-PROXIMITY``, which rings on arriving at or leaving a place (a location
reminder cannot be kept here, and it is not one of time). A TRIGGER that is a time is
``at``; an offset RELATED=END is ``before_due`` (its negation: -PT15M is 15 minutes before).
An offset without RELATED counts from DTSTART (the RFC's default): when DTSTART is the due
time, as this app and others write a repeating to-do, it is read as before the due time, so
it keeps moving with it; another DTSTART gives the time DTSTART + offset. Without DTSTART,
which the RFC requires for such an offset, the due time is the only time the alarm can mean.
An offset with no time to count from is a warning. An offset from a DUE that is a date counts
from the start of that day: it is read as before 09:00 on it when it rings at or before 09:00
(and at most 30 days before), and as the time it names otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from todo_desktop.core.interchange.common import compact_utc, parse_compact, quoted
from todo_desktop.core.interchange.day_alarms import from_start_of_day, to_start_of_day
from todo_desktop.core.interchange.durations import iso_duration, parse_duration
from todo_desktop.core.interchange.rows import Rows
from todo_desktop.core.values import ReminderSetting

Property = tuple[dict[str, str], str | None]  # parameters, value (None: too long to read)
Properties = dict[str, list[Property]]  # of one component, by name
_SECOND = timedelta(seconds=1)


def alarm_lines(
    setting: ReminderSetting | None, due: datetime | None, title: str, *, all_day: bool = False
) -> list[str]:
    """The VALARM of a task's reminder (``title`` already escaped), or none; ``all_day``: the
    DUE is written as a date."""
    if setting is None:
        return []
    if setting.at is not None:
        trigger = f"TRIGGER;VALUE=DATE-TIME:{compact_utc(setting.at)}"
    elif setting.before_due is not None and due is not None:
        before = _SECOND * (setting.before_due // _SECOND)
        offset = to_start_of_day(before) if all_day else -before
        trigger = f"TRIGGER;RELATED=END:{iso_duration(offset)}"
    else:
        return []
    return ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{title}", trigger, "END:VALARM"]


def reminder(
    rows: Rows,
    number: int,
    alarms: list[Properties],
    due: datetime | None,
    start: Callable[[], datetime | None],
    zone: tzinfo,
    *,
    all_day: bool = False,
) -> ReminderSetting | None:
    """The reminder of a to-do's VALARMs, as they spell it; ``start`` reads its DTSTART, only
    asked for when an offset counts from it (its warnings are said once, and only then);
    ``all_day``: its DUE is a date."""
    alarms = [alarm for alarm in alarms if _rings_at_a_time(alarm)]
    if not alarms:
        return None
    if len(alarms) > 1:
        rows.warn(number, f"has {len(alarms):,} reminders; only the first reminder is kept")
    triggers = alarms[0].get("TRIGGER")
    if not triggers:
        rows.warn(number, "has a reminder without a time; it was left out")
        return None
    params, value = triggers[0]
    if value is None:
        rows.warn(number, "has a reminder too long to read; it was left out")
        return None
    text = value.strip()
    if params.get("VALUE", "").upper() == "DATE-TIME" or text.lstrip("+-")[:1].upper() != "P":
        found = parse_compact(text, zone)
        if found is None or found[1]:  # a date alone is no time to ring at
            _unreadable(rows, number, text)
            return None
        return ReminderSetting(at=found[0])
    offset = parse_duration(text)
    if offset is None:
        _unreadable(rows, number, text)
        return None
    if params.get("RELATED", "START").upper() != "END":
        begin = start()
        if begin is not None and begin != due:
            return ReminderSetting(at=begin + offset)
        if begin is None and due is None:
            rows.warn(number, "has a reminder counted from a start the to-do does not have; it was left out")
            return None
    if due is None:
        rows.warn(number, "has a reminder counted from a due date the to-do does not have; it was left out")
        return None
    if all_day:
        return from_start_of_day(due, offset, zone)
    return ReminderSetting(before_due=-offset)


def _rings_at_a_time(alarm: Properties) -> bool:
    actions = alarm.get("ACTION") or [({}, "")]
    action = (actions[0][1] or "").strip().upper()
    return action != "NONE" and "X-APPLE-PROXIMITY" not in alarm


def _unreadable(rows: Rows, number: int, text: str) -> None:
    rows.warn(number, f"has a reminder {quoted(text)} that is not a time or a duration; it was left out")
