"""The date and time phrases: which runs of words name a day or a time, and which.

Each matcher looks at the words from index ``i`` and returns every phrase starting there
(several when a shorter one is also complete: "dec 24" and "dec 24 2027"). Days are
resolved against ``today``, the local date in the person's zone; a phrase that names no
real day ("feb 30", a year past 9998) is no phrase at all, and stays text.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.result import Clock, PartKind, Phrase

Words = Sequence[str | None]

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SLASHED = re.compile(r"([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{4}))?")
# Dotted dates are always day first, and need the closing dot or a year: "1.2" is a number.
_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})?")
_TWELVE_HOUR = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?(am|pm|a\.m\.|p\.m\.)")
_HOUR_MINUTE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_BARE_HOUR = re.compile(r"[0-9]{1,2}")
_MERIDIEM = {"am": False, "a.m.": False, "pm": True, "p.m.": True}
# An hour alone is a time only right after these: elsewhere a number is a count or a name
# ("Buy 6 eggs", "Room 6 at noon").
_HOUR_CUES = ("at", "@")
# An hour alone says no half of the day, so it is read as people mean it, as calendar apps
# commonly do: 7 to 11 the morning, 12 noon, 1 to 6 the afternoon and evening
# (a task is seldom due at 3 at night, and "at 6" said at breakfast means the evening).
_LAST_AFTERNOON_HOUR = 6
_SUNDAY = 6  # weeks start on Monday (see `in_next_week`), so they end on Sunday
TONIGHT = Clock(20, 0)  # "tonight" without a time
DAYPARTS = {"morning": Clock(9, 0), "afternoon": Clock(15, 0), "evening": Clock(19, 0), "night": TONIGHT}
_THIS_DAYPARTS = ("morning", "afternoon", "evening")  # "this night" is no way to say tonight


def at(words: Words, i: int) -> str | None:
    return words[i] if 0 <= i < len(words) else None


def _safe(make: date | None) -> date | None:
    return make if make is not None and make.year <= 9998 else None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return _safe(date(year, month, day))
    except ValueError:
        return None


def upcoming(today: date, month: int, day: int) -> date | None:
    """The next ``month``/``day`` from today on: one already past this year is next year's."""
    this_year = _day(today.year, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    return _day(today.year + 1, month, day)


def coming(today: date, weekday: int) -> date:
    """The soonest such weekday, today included: "friday" on a Friday is today."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def in_next_week(today: date, weekday: int) -> date:
    """For "next friday": the Friday of next week (weeks start on Monday), never this week's."""
    return today + timedelta(days=7 - today.weekday() + weekday)


def add_months(day: date, months: int) -> date | None:
    """The same day ``months`` later, or the month's last day when it is shorter (Jan 31 + 1)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        if last <= day.day:
            found = _day(year, month + 1, last)
            if found is not None:
                return found
    return None


def shift(today: date, count: int, unit: str) -> date | None:
    try:
        if unit == "day":
            return _safe(today + timedelta(days=count))
        if unit == "week":
            return _safe(today + timedelta(weeks=count))
    except OverflowError:
        return None
    return add_months(today, count * (12 if unit == "year" else 1))


def _phrase(
    start: int,
    end: int,
    day: date | None,
    *,
    needs_cue: bool = False,
    mid_text: bool = True,
    tonight: bool = False,
    daypart: Clock | None = None,
) -> list[Phrase]:
    if day is None:
        return []
    return [
        Phrase(
            PartKind.DATE,
            start,
            end,
            day,
            needs_cue=needs_cue,
            mid_text=mid_text,
            tonight=tonight,
            daypart=daypart,
        )
    ]


def _month_day(words: Words, i: int, today: date) -> list[Phrase]:
    """dec 24, dec 24th, 24 dec, 24th of december, the 24th of december; a year may follow."""
    a, b = at(words, i), at(words, i + 1)
    found: list[tuple[int, int, int]] = []  # (end, month, day)
    month, day = w.month(a), w.day_number(b)
    if month is not None and day is not None:
        found.append((i + 2, month, day))
    day, month = w.day_number(a), w.month(b)
    if day is not None and month is not None:
        found.append((i + 2, month, day))
    if w.ordinal(a) is not None and b == "of" and w.month(at(words, i + 2)) is not None:
        found.append((i + 3, w.month(at(words, i + 2)) or 0, w.ordinal(a) or 0))
    if a == "the" and w.ordinal(b) is not None and at(words, i + 2) == "of":
        month = w.month(at(words, i + 3))
        if month is not None:
            found.append((i + 4, month, w.ordinal(b) or 0))
    out: list[Phrase] = []
    for end, month, day in found:
        out += _phrase(i, end, upcoming(today, month, day))
        year = w.year(at(words, end))
        if year is not None:
            out += _phrase(i, end + 1, _day(year, month, day))
    return out


def _numeric(word: str | None, today: date, day_first: bool) -> date | None:
    """2026-12-24, 24/12, 12/31, 5/6 (by ``day_first``), 24/12/2026, 24.12., 24.12.2026."""
    if word is None or not word[:1].isdigit():
        return None
    iso = _ISO.fullmatch(word)
    if iso:
        return _day(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    dotted = _DOTTED.fullmatch(word)
    slashed = _SLASHED.fullmatch(word)
    if dotted:
        day, month, year = int(dotted.group(1)), int(dotted.group(2)), dotted.group(3)
    elif slashed:
        first, second, year = int(slashed.group(1)), int(slashed.group(2)), slashed.group(3)
        # Only one reading is possible when one number cannot be a month.
        if first > 12 and second > 12:
            return None
        day_then_month = first > 12 or (second <= 12 and day_first)
        day, month = (first, second) if day_then_month else (second, first)
    else:
        return None
    if year is None:
        return upcoming(today, month, day) if 1 <= month <= 12 else None
    return _day(int(year), month, day) if w.year(year) is not None else None


def _end_of(words: Words, i: int, today: date) -> list[Phrase]:
    """ "end of week", "the end of the month", "end of next year": that week's, month's or
    year's last day. Only right after a cue ("by end of week"): "The End of the Year" may be
    what the task is about."""
    j = i + 1 if at(words, i) == "the" else i
    if at(words, j) != "end" or at(words, j + 1) != "of":
        return []
    which = at(words, j + 2)
    k = j + 3 if which in ("the", "this", "next") else j + 2
    last = _last_day(today, at(words, k), 1 if which == "next" else 0)
    return _phrase(i, k + 1, last, needs_cue=True)


def _last_day(today: date, unit: str | None, ahead: int) -> date | None:
    """The last day of the week, month or year ``ahead`` of today's. A week ends on its Sunday:
    on a Sunday, this week's end is today."""
    if unit == "week":
        return shift(coming(today, _SUNDAY), ahead, "week")
    if unit == "month":
        first = add_months(today.replace(day=1), ahead)
        if first is None:
            return None
        return _day(first.year, first.month, monthrange(first.year, first.month)[1])
    if unit == "year":
        return _day(today.year + ahead, 12, 31)
    return None


def match_date(words: Words, i: int, today: date, day_first: bool) -> list[Phrase]:
    a = at(words, i)
    if a is None:
        return []
    if a in ("end", "the") and (ends := _end_of(words, i, today)):
        return ends
    if a == "today":
        return _phrase(i, i + 1, today)
    if a == "tonight":
        return _phrase(i, i + 1, today, tonight=True, daypart=TONIGHT)
    if a in ("tomorrow", "tmrw", "tmr"):
        return _phrase(i, i + 1, today + timedelta(days=1))
    weekday = w.weekday(a)
    if weekday is not None:
        return _phrase(i, i + 1, coming(today, weekday), needs_cue=w.strip_dot(a) in w.AMBIGUOUS_WEEKDAYS)
    b = at(words, i + 1)
    if a == "this" and b in _THIS_DAYPARTS:
        # "this afternoon": today, at the part's time; an hour alone after the evening is
        # the evening's, as after "tonight".
        return _phrase(i, i + 2, today, tonight=b == "evening", daypart=DAYPARTS[b])
    if a in ("this", "next"):
        weekday = 5 if b == "weekend" else w.weekday(b)
        if weekday is not None:
            pick = coming if a == "this" else in_next_week
            return _phrase(i, i + 2, pick(today, weekday))
        if a == "next" and b == "week":
            return _phrase(i, i + 2, in_next_week(today, 0))
        if a == "next" and b == "month":
            return _phrase(i, i + 2, add_months(today.replace(day=1), 1))
        if a == "next" and b == "year":
            return _phrase(i, i + 2, _day(today.year + 1, 1, 1))
        return []
    if a == "in":
        count, unit = w.count(b), w.UNITS.get(at(words, i + 2) or "")
        if count is not None and unit is not None:
            return _phrase(i, i + 3, shift(today, count, unit))
        return []
    if a == "the" and w.ordinal(b) is not None and at(words, i + 2) != "of":
        # "on the 5th": the next 5th of a month. Only right after "on", and only at the end of
        # the text: "the 5th floor", "the 2nd draft" are not dates (Vikunja's "2nd Floor").
        day = w.ordinal(b) or 0
        found = next((d for n in range(3) if (d := _nth_of_month(today, n, day)) is not None), None)
        return _phrase(i, i + 2, found, needs_cue=True, mid_text=False)
    numeric = _numeric(a, today, day_first)
    if numeric is not None:
        return _phrase(i, i + 1, numeric)
    return _month_day(words, i, today)


def _nth_of_month(today: date, months_ahead: int, day: int) -> date | None:
    first = add_months(today.replace(day=1), months_ahead)
    found = None if first is None else _day(first.year, first.month, day)
    return found if found is not None and found >= today else None


def _clock(hour: int, minute: int, pm: bool | None) -> Clock | None:
    if not 0 <= minute <= 59:
        return None
    if pm is None:
        return Clock(hour, minute) if 0 <= hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    return Clock(hour % 12 + (12 if pm else 0), minute)


def _hour_alone(words: Words, i: int) -> list[Phrase]:
    """ "at 6" (18:00), "@ 9" (09:00), "at 18", "at 06": an hour without minutes or am/pm,
    right after "at" or "@". Read only at the end of the text: in the middle it is as often a
    count ("at 6 shops")."""
    word = at(words, i)
    if at(words, i - 1) not in _HOUR_CUES or word is None or not _BARE_HOUR.fullmatch(word):
        return []
    hour = int(word)
    # A leading zero ("06", "00") is how a 24-hour clock writes an hour; "0" alone is a count.
    daytime = 1 <= hour <= 12 and word[0] != "0"
    if daytime:
        clock = _daytime(Clock(hour, 0))
    elif hour <= 23 and word != "0":
        clock = Clock(hour, 0)
    else:
        return []
    return [Phrase(PartKind.TIME, i, i + 1, clock, needs_cue=True, mid_text=False, daytime=daytime)]


def _daytime(clock: Clock) -> Clock:
    """A clock said with no half of the day, read in the day's: 1 to 6 o'clock the afternoon's."""
    return Clock(clock.hour + 12, clock.minute) if 1 <= clock.hour <= _LAST_AFTERNOON_HOUR else clock


def at_night(clock: Clock) -> Clock:
    """An hour alone said after "tonight" is the evening's: "tonight at 9" is 21:00, and
    "tonight at 12" the midnight that ends the day."""
    if clock.hour == 12:
        return Clock(0, 0, next_day=True)
    return Clock(clock.hour + 12, clock.minute) if clock.hour < 12 else clock


def match_time_from_now(words: Words, i: int, now: datetime) -> list[Phrase]:
    """ "in 2 hours", "in 20 min", "in an hour": that moment's time on the clock (``now`` in
    the person's zone), under a day; the day is then today's, or tomorrow's past midnight.
    Only at the end of the text: "in 2 hours of work" is no time."""
    if at(words, i) != "in":
        return []
    count, unit = w.count(at(words, i + 1)), w.MINUTE_UNITS.get(at(words, i + 2) or "")
    if count is None or unit is None or count * unit >= 24 * 60:
        return []  # a day or more is "in 2 days"
    later = (now.astimezone(UTC) + timedelta(minutes=count * unit)).astimezone(now.tzinfo)
    return [Phrase(PartKind.TIME, i, i + 3, Clock(later.hour, later.minute, fold=later.fold), mid_text=False)]


def match_time(words: Words, i: int) -> list[Phrase]:
    """5pm, 5:30pm, 5 pm, 17:00, noon, midnight, and an hour alone right after "at" or "@"
    ("at 6"). Any other number alone is no time ("Buy 6 eggs", "Chapter 6")."""
    a = at(words, i)
    if a is None:
        return []
    if a in ("noon", "midday"):
        return [Phrase(PartKind.TIME, i, i + 1, Clock(12, 0))]
    if a in DAYPARTS:
        return [Phrase(PartKind.TIME, i, i + 1, DAYPARTS[a], after_day=True)]
    if a == "midnight":
        # The midnight that ends the day: "by midnight friday" is the end of Friday.
        return [Phrase(PartKind.TIME, i, i + 1, Clock(0, 0, next_day=True))]
    found = _TWELVE_HOUR.fullmatch(a)
    if found:
        clock = _clock(int(found.group(1)), int(found.group(2) or 0), _MERIDIEM[found.group(3)])
        return [] if clock is None else [Phrase(PartKind.TIME, i, i + 1, clock)]
    b = at(words, i + 1)
    hour_minute = _HOUR_MINUTE.fullmatch(a)
    if b in _MERIDIEM and (hour_minute or _BARE_HOUR.fullmatch(a)):
        hour, minute = (int(hour_minute.group(1)), int(hour_minute.group(2))) if hour_minute else (int(a), 0)
        clock = _clock(hour, minute, _MERIDIEM[b])
        return [] if clock is None else [Phrase(PartKind.TIME, i, i + 2, clock)]
    if hour_minute:
        clock = _clock(int(hour_minute.group(1)), int(hour_minute.group(2)), None)
        # "9:30" alone could be a verse or a score ("John 3:16"); "09:30" or "at 9:30" is a time.
        # An hour of one digit says no half of the day, as an hour alone does: "at 6:30" is
        # 18:30 as "at 6" is 18:00 ("06:30" is the 24-hour clock's morning).
        one_digit = len(hour_minute.group(1)) == 1
        if clock is not None and one_digit:
            clock = _daytime(clock)
        daytime = one_digit and clock is not None and clock.hour != 0
        return (
            []
            if clock is None
            else [Phrase(PartKind.TIME, i, i + 1, clock, needs_cue=one_digit, daytime=daytime)]
        )
    return _hour_alone(words, i)
