"""The line under the quick-add field: what the typed text will become, in a few words, and
the sentence for what it cannot become (a repeat that ends before its first day).

"Tomorrow 09:00 · High · #home · Every week · Remind 10 min before". English, and the same text
for the same input, ``now`` and zone: no locale, no clock of its own.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from todo_desktop.core.quick_entry import reminders
from todo_desktop.core.quick_entry.repeat_text import DAY_NAMES, MONTH_ABBREVIATIONS, describe
from todo_desktop.core.quick_entry.result import QuickEntry, Rule
from todo_desktop.core.reminders import rings_at
from todo_desktop.core.repeats import parse_until

SEPARATOR = " · "
_FIELD = re.compile(r"([A-Z]+)=(-?[A-Z0-9,]+)")  # BYMONTHDAY=-1: the month's last day
_BYDAY = re.compile(r"BYDAY=([A-Z0-9,+-]+)")
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_UNTIL = re.compile(r"UNTIL=([0-9T]+Z?)")
_DAY = re.compile(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)")  # "MO", or with its place: "2MO", "-1FR"


def when(due: datetime, has_time: bool, now: datetime, zone: tzinfo) -> str:
    """Today, Tomorrow, a weekday name within the week, else "Thu 24 Dec" (with the year
    when it is not this year's); then the time, 24-hour, when there is one."""
    local = due.astimezone(zone)
    today = now.astimezone(zone).date()
    days = (local.date() - today).days
    weekday = DAY_NAMES[local.weekday()]
    if days == 0:
        text = "Today"
    elif days == 1:
        text = "Tomorrow"
    elif 1 < days < 7:
        text = weekday
    else:
        text = f"{weekday[:3]} {local.day} {MONTH_ABBREVIATIONS[local.month - 1]}"
        if local.year != today.year:
            text += f" {local.year}"
    return f"{text} {local:%H:%M}" if has_time else text


def rule_from_rrule(value: str, after_completion: bool = False) -> Rule:
    """Back from the RRULE subset this package writes to its rule."""
    fields = dict(_FIELD.findall(value))
    by_day = _BYDAY.search(value)
    days = [found for code in (by_day[1] if by_day else "").split(",") if (found := _DAY.fullmatch(code))]
    weekdays = tuple(_CODES.index(found[2]) for found in days)
    # This package writes a place only with a single weekday; on a list it is left unread.
    nth = int(days[0][1]) if len(days) == 1 and days[0][1] else None
    return Rule(
        freq=fields.get("FREQ", "DAILY"),
        interval=int(fields.get("INTERVAL", "1")),
        weekdays=weekdays,
        month=int(fields["BYMONTH"]) if "BYMONTH" in fields else None,
        month_day=int(fields["BYMONTHDAY"]) if "BYMONTHDAY" in fields else None,
        after_completion=after_completion,
        nth=nth,
        until=_until(value),
    )


def _until(value: str) -> date | datetime | None:
    """A rule's end as `core.repeats` stores it: a day, or an instant in UTC."""
    found = _UNTIL.search(value)
    return None if found is None else parse_until(found[1])


def summary(entry: QuickEntry, now: datetime, zone: tzinfo) -> str:
    """One line for what was recognised, or "" when nothing was."""
    pieces: list[str] = []
    if entry.due is not None:
        pieces.append(when(entry.due, entry.has_time, now, zone))
    if entry.priority is not None:
        pieces.append(entry.priority.value.capitalize())
    if entry.tags:
        pieces.append(" ".join(f"#{name}" for name in entry.tags))
    if entry.repeat is not None:
        pieces.append(describe(rule_from_rrule(entry.repeat, entry.repeat_after_completion)))
    if entry.reminder is not None:
        offset = reminders.describe(entry.reminder)
        at = entry.reminder.at
        piece = f"Remind {offset if at is None else when(at, True, now, zone)}"
        rings = rings_at(entry.reminder, entry.due, zone) if at is None and not entry.has_time else None
        if rings is not None:  # due all day: counted from 09:00, which the words do not say
            piece += f" ({when(rings, True, now, zone)})"
        pieces.append(piece)
    if entry.problem is not None:
        pieces.append(entry.problem)
    return SEPARATOR.join(pieces)
