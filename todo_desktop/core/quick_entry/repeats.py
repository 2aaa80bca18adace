"""Repeat phrases, their RFC 5545 RRULE text and their first occurrence.

The subset written: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY, BYMONTH,
BYMONTHDAY and UNTIL, in that order, e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO". BYDAY is a list
of weekdays, or in a monthly rule one weekday with its place in the month ("every 2nd monday" is
"FREQ=MONTHLY;BYDAY=2MO", "every last friday" "BYDAY=-1FR"); BYMONTHDAY a day of the month, or
-1 for its last ("every last day", "last day of every month", Todoist's words). Completion-based
repeats ("every! 3 days", Todoist's spelling) have the same rule and a flag, since RRULE has no
word for "after completion". A typed end ("every monday until march 1") is a date,
UNTIL=20270301, which `core.repeats` reads as through that local day; so is a length ("every
day for 3 weeks"), counted from the series' first day once that is known (`ends_after`). An end
at an instant comes only from other apps, in UTC, and is said with its time ("until 1 Mar 2027
22:59 UTC") so its words read back to the same rule. What may follow a repeat's unit is read in
`repeat_parts`, and a rule is said in words in `repeat_text`.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from todo_desktop.core.quick_entry import repeat_parts as parts
from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.dates import DAYPARTS, Words, at, match_date, match_time, shift
from todo_desktop.core.quick_entry.repeat_parts import LAST as LAST
from todo_desktop.core.quick_entry.repeat_parts import MAX_PLACE
from todo_desktop.core.quick_entry.repeat_text import DAY_NAMES as DAY_NAMES
from todo_desktop.core.quick_entry.repeat_text import MONTH_ABBREVIATIONS as MONTH_ABBREVIATIONS
from todo_desktop.core.quick_entry.repeat_text import WEEKEND, WORKDAYS
from todo_desktop.core.quick_entry.repeat_text import describe as describe
from todo_desktop.core.quick_entry.repeat_text import end_problem as end_problem
from todo_desktop.core.quick_entry.result import Clock, PartKind, Phrase, Rule
from todo_desktop.core.repeats import until_text, valid_month_day

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
# One-word repeats. "everyday" is an adjective too, but only ever read at the end of the text.
_ADVERBS = {
    "daily": "DAILY",
    "everyday": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "yearly": "YEARLY",
    "annually": "YEARLY",
}
END_WORDS = ("until", "ending")  # Todoist's words for a series' last day
_UTC_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")
# An eight-year search finds any rule's first day, Feb 29 included (2096 to 2104 has none).
_SEARCH_DAYS = 8 * 366 + 2
# Days in a unit and in a step of each frequency, near enough to tell a span shorter than one
# step ("every year for 2 weeks") from a series' length.
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_STEP_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30, "YEARLY": 365}
_LATEST = date(9998, 12, 31)  # the app keeps no day later


def rrule(rule: Rule) -> str:
    fields = [f"FREQ={rule.freq}"]
    if rule.interval > 1:
        fields.append(f"INTERVAL={rule.interval}")
    if rule.weekdays:
        place = "" if rule.nth is None else str(rule.nth)
        fields.append("BYDAY=" + ",".join(place + DAY_CODES[d] for d in rule.weekdays))
    if rule.month is not None:
        fields.append(f"BYMONTH={rule.month}")
    if rule.month_day is not None:
        fields.append(f"BYMONTHDAY={rule.month_day}")
    if rule.until is not None:
        fields.append(f"UNTIL={until_text(rule.until)}")
    return ";".join(fields)


def _fits(rule: Rule, day: date) -> bool:
    return (
        (not rule.weekdays or day.weekday() in rule.weekdays)
        and (rule.month is None or day.month == rule.month)
        and (rule.month_day is None or day.day == _month_day_of(rule.month_day, day))
        and (rule.nth is None or _in_place(rule.nth, day, rule.freq == "YEARLY" and rule.month is None))
    )


def _month_day_of(month_day: int, day: date) -> int:
    """The day of ``day``'s month a rule's BYMONTHDAY names (-1: that month's last)."""
    return monthrange(day.year, day.month)[1] if month_day == LAST else month_day


def _in_place(nth: int, day: date, in_year: bool) -> bool:
    """Whether ``day`` is its weekday's ``nth`` in its month (``in_year``: its year, as RFC 5545
    reads a yearly rule without a month), counted from the end when negative."""
    if in_year:
        number, days = day.timetuple().tm_yday, 366 if monthrange(day.year, 2)[1] == 29 else 365
    else:
        number, days = day.day, monthrange(day.year, day.month)[1]
    if nth > 0:
        return (number - 1) // 7 + 1 == nth
    return (days - number) // 7 + 1 == -nth


def first_day(rule: Rule, today: date, in_time: Callable[[date], bool]) -> date | None:
    """The series' first day: the first day from today on that the rule allows and whose
    due moment (``in_time``) has not passed. Intervals count from there, so "every 2 weeks"
    starts today."""
    day = today
    for _ in range(_SEARCH_DAYS):
        if _fits(rule, day) and in_time(day):
            return day
        try:
            day += timedelta(days=1)
        except OverflowError:
            return None
    return None


_Suffix = Callable[[Words, int, Rule], tuple[int, Rule]]


def _body(words: Words, j: int) -> tuple[int, Rule, _Suffix | None] | None:
    """What follows "every": the end index, the rule, and what may follow it."""
    b, c = at(words, j), at(words, j + 1)
    if b in ("day", "days"):
        return j + 1, Rule("DAILY"), parts.after_unit
    if b in ("weekday", "weekdays", "workday", "workdays"):
        return j + 1, Rule("DAILY", weekdays=WORKDAYS), parts.after_days
    if b in ("weekend", "weekends"):
        return j + 1, Rule("WEEKLY", weekdays=WEEKEND), parts.after_days
    run = parts.weekday_run(words, j)
    if run is not None:  # "every monday", "every mon, wed and fri"
        return run[0], Rule("WEEKLY", weekdays=run[1]), parts.after_days
    if b in ("week", "month", "year"):
        return j + 1, Rule(_FREQ[b]), parts.after_unit
    if b == "quarter":
        return j + 1, Rule("MONTHLY", 3), parts.after_unit
    if b == "other":
        weekday = w.weekday(c)
        if weekday is not None:
            return j + 2, Rule("WEEKLY", 2, (weekday,)), parts.after_days
        return (j + 2, Rule(_FREQ[c], 2), parts.after_unit) if c in _FREQ else None
    count, unit = (w.count(b) if b not in ("a", "an") else None), w.UNITS.get(c or "")
    if count is not None and unit is not None:
        return j + 2, Rule(_FREQ[unit], count), parts.after_unit
    if (b, c) == ("last", "day"):
        return _last_day(words, j + 2)
    placed = parts.placed_weekday(words, j)
    if placed is not None:
        # "every 2nd monday": the 2nd Monday of each month, never the 2nd day and a Monday.
        end, nth, named = placed
        return (end, Rule("MONTHLY", weekdays=(named,), nth=nth), None) if abs(nth) <= MAX_PLACE else None
    day = w.ordinal(b)
    if day is not None:
        return j + 1, Rule("MONTHLY", month_day=day), None  # "every 1st"
    for month, day_of in ((w.month(b), w.day_number(c)), (w.month(c), w.day_number(b))):
        if month is not None and day_of is not None and valid_month_day(month, day_of):
            return j + 2, Rule("YEARLY", month=month, month_day=day_of), None  # "every dec 24"
    return None


def _last_day(words: Words, j: int) -> tuple[int, Rule, None]:
    """After "every last day" (Todoist's words): "of the month", or "of february" for a
    yearly one."""
    if at(words, j) == "of" and (at(words, j + 1), at(words, j + 2)) == ("the", "month"):
        return j + 3, Rule("MONTHLY", month_day=LAST), None
    month = w.month(at(words, j + 1)) if at(words, j) == "of" else None
    if month is not None:
        return j + 2, Rule("YEARLY", month=month, month_day=LAST), None
    return j, Rule("MONTHLY", month_day=LAST), None


def _last_day_of_each_month(words: Words, i: int) -> int | None:
    """ "[on] [the] last day of every month" (or each) from ``i``: where it ends."""
    k = i + 1 if at(words, i) == "on" else i
    k += 1 if at(words, k) == "the" else 0
    said = (at(words, k), at(words, k + 1), at(words, k + 2), at(words, k + 3), at(words, k + 4))
    if said[:3] == ("last", "day", "of") and said[3] in ("every", "each") and said[4] == "month":
        return k + 5
    return None


def match_repeat(words: Words, i: int, today: date | None = None, day_first: bool = True) -> list[Phrase]:
    """The repeats starting at ``i``: with what may follow its unit ("every week on monday")
    and without (a date may be what follows: "every year on dec 24 2027"); with ``today``,
    also with its first or last day ("every day starting jun 10", "until march 1", "for 3
    weeks"), which need a date read."""
    a = at(words, i)
    found: list[tuple[int, Rule]] = []
    last_day = _last_day_of_each_month(words, i)
    if a in _ADVERBS:
        found.append((i + 1, Rule(_ADVERBS[a])))
    elif last_day is not None:
        found.append((last_day, Rule("MONTHLY", month_day=LAST)))
    elif a in ("every", "every!"):
        part_of_day = DAYPARTS.get(at(words, i + 1) or "")
        # "every morning": every day at that part of the day's time ("every day morning").
        body = (i + 2, Rule("DAILY", clock=part_of_day), None) if part_of_day else _body(words, i + 1)
        if body is not None:
            end, rule, suffix = body
            rule = replace(rule, after_completion=a == "every!")
            longer = suffix(words, end, rule) if suffix is not None else (end, rule)
            found += [(end, rule), longer] if longer[0] > end else [(end, rule)]
    phrases = []
    for end, rule in found:
        phrases.append(Phrase(PartKind.REPEAT, i, end, rule, mid_text=False))
        if today is not None:
            phrases += _bounded(words, i, end, rule, today, day_first)
    return sorted(phrases, key=lambda p: -p.end)


def _bounded(words: Words, i: int, j: int, rule: Rule, today: date, day_first: bool) -> list[Phrase]:
    """The repeat from ``i`` to ``j`` with its first day ("starting jun 10") or its last
    ("until march 1", "ending friday", "for 3 weeks") after it, each said once, in either
    order."""
    word = at(words, j)
    ended = rule.until is not None or rule.lasting is not None
    starts = word == "starting" and rule.starting is None
    found: tuple[int, Rule] | None = None
    if word == "for" and not ended:
        found = lasting(words, j + 1, rule)
    elif starts or (word in END_WORDS and not ended):
        day = _day(words, j + 1, today, day_first, in_utc=not starts)
        if day is not None:
            found = (day[0], replace(rule, starting=day[1]) if starts else replace(rule, until=day[1]))
    if found is None:
        return _timed(words, i, j, rule, today, day_first)
    end, longer = found
    return [
        Phrase(PartKind.REPEAT, i, end, longer, mid_text=False),
        *_bounded(words, i, end, longer, today, day_first),
    ]


def _timed(words: Words, i: int, j: int, rule: Rule, today: date, day_first: bool) -> list[Phrase]:
    """ "every monday at 7am until march 1": a time said between a repeat and its first or last
    day is the repeat's (its ``clock``), read with the repeat when such a day follows it: else
    the day would be cut from its repeat and left in the title."""
    if rule.clock is not None:
        return []
    cued = at(words, j) == "at"
    phrases: list[Phrase] = []
    for time in match_time(words, j + 1 if cued else j):
        clock = time.value
        if not isinstance(clock, Clock) or (time.needs_cue and not cued):
            continue
        if at(words, time.end) in ("starting", "for", *END_WORDS):
            phrases += _bounded(words, i, time.end, replace(rule, clock=clock), today, day_first)
    return phrases


def _day(
    words: Words, j: int, today: date, day_first: bool, *, in_utc: bool
) -> tuple[int, date | datetime] | None:
    """The date from ``j`` on, and where it ends. Right after "until" a date needs no cue
    ("until sat"). ``in_utc``: a time and "UTC" after the date make it that instant, the
    way `describe` says an end other apps give at a time of day."""
    days = match_date(words, j, today, day_first)
    if not days:
        return None
    longest = max(days, key=lambda p: p.end)
    day = longest.value
    assert isinstance(day, date)
    clock = _UTC_CLOCK.fullmatch(at(words, longest.end) or "")
    if in_utc and clock is not None and at(words, longest.end + 1) == "utc":
        hour, minute, second = (int(part or 0) for part in clock.groups())
        return longest.end + 2, datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)
    return longest.end, day


def lasting(words: Words, j: int, rule: Rule) -> tuple[int, Rule] | None:
    """ "3 weeks" after "for": how long the series lasts. A span shorter than one step of the
    repeat ("every year for 2 weeks") says how long each occurrence takes, not the series, and
    is left to the title."""
    count, unit = w.count(at(words, j)), w.UNITS.get(at(words, j + 1) or "")
    if count is None or unit is None or count * _UNIT_DAYS[unit] < rule.interval * _STEP_DAYS[rule.freq]:
        return None
    return j + 2, replace(rule, lasting=(count, unit))


def ends_after(rule: Rule, first: date) -> Rule:
    """``rule`` with the last day its length names, counted from ``first``, the series' first
    day: "for 3 weeks" from Monday 7 December is through Sunday 27 December."""
    if rule.lasting is None:
        return rule
    after = shift(first, *rule.lasting)
    # No occurrence comes after the last day the app keeps, so a longer span ends there.
    return replace(rule, until=_LATEST if after is None else after - timedelta(days=1), lasting=None)
