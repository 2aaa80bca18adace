"""Repeat phrases, their RFC 5545 RRULE text, their first occurrence and their description.

The subset written: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY, BYMONTH,
BYMONTHDAY and UNTIL, in that order, e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO". BYDAY is a list
of weekdays, or in a monthly rule one weekday with its place in the month ("every 2nd monday" is
"FREQ=MONTHLY;BYDAY=2MO", "every last friday" "BYDAY=-1FR"). Completion-based repeats
("every! 3 days", Todoist's spelling) have the same rule and a flag, since RRULE has no word
for "after completion". A typed end ("every monday until march 1") is a date, UNTIL=20270301,
which `core.repeats` reads as through that local day; an end at an instant comes only from other
apps, in UTC, and is said with its time ("until 1 Mar 2027 22:59 UTC") so its words read back
to the same rule.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.dates import DAYPARTS, Words, at, match_date
from todo_desktop.core.quick_entry.result import PartKind, Phrase, Rule
from todo_desktop.core.repeats import until_text

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WORKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)
_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_UNIT = {freq: unit for unit, freq in _FREQ.items()}
# One-word repeats. "everyday" is an adjective too, but only ever read at the end of the text.
_ADVERBS = {
    "daily": "DAILY",
    "everyday": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "yearly": "YEARLY",
    "annually": "YEARLY",
}
LAST = -1  # the place of the month's last such weekday, as RFC 5545 counts from the end
# A place spelled out, as Todoist reads it. Not "second": "every second monday" is as often
# meant as every other Monday, and a repeat misread is worse than one left for the person.
_PLACES = {"first": 1, "third": 3, "fourth": 4, "fifth": 5, "last": LAST}
MAX_PLACE = 5  # no month has a sixth Monday
END_WORDS = ("until", "ending")  # Todoist's words for a series' last day
_UTC_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")
ENDS_BEFORE = "This repeat ends on {end}, before its first day, {first}; give it a later end."
# An eight-year search finds any rule's first day, Feb 29 included (2096 to 2104 has none).
_SEARCH_DAYS = 8 * 366 + 2


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
        and (rule.month_day is None or day.day == rule.month_day)
        and (rule.nth is None or _in_place(rule.nth, day))
    )


def _in_place(nth: int, day: date) -> bool:
    """Whether ``day`` is its weekday's ``nth`` in its month, counted from the end when negative."""
    if nth > 0:
        return (day.day - 1) // 7 + 1 == nth
    return (monthrange(day.year, day.month)[1] - day.day) // 7 + 1 == -nth


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


def _valid_month_day(month: int, day: int) -> bool:
    try:
        date(2000, month, day)  # a leap year: Feb 29 repeats, every four years
    except ValueError:
        return False
    return True


def _on_suffix(words: Words, j: int, rule: Rule) -> tuple[int, Rule]:
    """An optional "on monday" (weekly) or "on the 1st" (monthly) after the unit."""
    if at(words, j) != "on":
        return j, rule
    nxt = at(words, j + 1)
    run = _weekday_run(words, j + 1) if rule.freq == "WEEKLY" else None
    if run is not None:
        return run[0], Rule(rule.freq, rule.interval, run[1])
    if rule.freq == "MONTHLY":
        skip = 1 if nxt == "the" else 0
        place, named = _place(at(words, j + 1 + skip)), w.weekday(at(words, j + 2 + skip))
        if place is not None and named is not None:  # "on the 2nd monday", as `describe` says it
            if place > MAX_PLACE:
                return j, rule
            return j + 3 + skip, Rule(rule.freq, rule.interval, weekdays=(named,), nth=place)
        day = w.ordinal(at(words, j + 1 + skip))
        if day is not None:
            return j + 2 + skip, Rule(rule.freq, rule.interval, month_day=day)
    return j, rule


def _weekday_run(words: Words, j: int) -> tuple[int, tuple[int, ...]] | None:
    """Weekdays from ``j`` on, as a list is typed ("monday", "mon, wed and fri", "tuesdays
    and thursdays"): where they end, and the days in week order; None when none starts there."""
    days: list[int] = []
    k = j
    while True:
        word = at(words, k)
        day = _plural_weekday(word.removesuffix(",")) if word else None
        if day is None:
            break
        days.append(day)
        k += 1
        if word is not None and word.endswith(","):
            continue  # a comma: the list goes on, if a weekday follows
        if at(words, k) == "and" and _plural_weekday(at(words, k + 1)) is not None:
            k += 1
            continue
        break
    return (k, tuple(sorted(set(days)))) if days else None


def _plural_weekday(word: str | None) -> int | None:
    found = w.weekday(word)
    if found is None and word is not None and word.endswith("s"):
        found = w.weekday(word[:-1])
    return found


def _place(word: str | None) -> int | None:
    """A weekday's place in the month as typed before it: "2nd", "first", "last"."""
    return _PLACES.get(word or "") or w.ordinal(word)


def _body(words: Words, j: int) -> tuple[int, Rule] | None:
    """What follows "every": returns the end index and the rule."""
    b, c = at(words, j), at(words, j + 1)
    if b in ("day", "days"):
        return j + 1, Rule("DAILY")
    if b in ("weekday", "weekdays", "workday", "workdays"):
        return j + 1, Rule("DAILY", weekdays=WORKDAYS)
    if b in ("weekend", "weekends"):
        return j + 1, Rule("WEEKLY", weekdays=WEEKEND)
    run = _weekday_run(words, j)
    if run is not None:
        return run[0], Rule("WEEKLY", weekdays=run[1])  # "every monday", "every mon, wed and fri"
    if b in ("week", "month", "year"):
        return _on_suffix(words, j + 1, Rule(_FREQ[b]))
    if b == "quarter":
        return j + 1, Rule("MONTHLY", 3)
    if b == "other":
        weekday = w.weekday(c)
        if weekday is not None:
            return j + 2, Rule("WEEKLY", 2, (weekday,))
        if c in _FREQ:
            return _on_suffix(words, j + 2, Rule(_FREQ[c], 2))
        return None
    count, unit = (w.count(b) if b not in ("a", "an") else None), w.UNITS.get(c or "")
    if count is not None and unit is not None:
        return _on_suffix(words, j + 2, Rule(_FREQ[unit], count))
    place, named = _place(b), w.weekday(c)
    if place is not None and named is not None:
        # "every 2nd monday": the 2nd Monday of each month, never the 2nd day and a Monday.
        return (j + 2, Rule("MONTHLY", weekdays=(named,), nth=place)) if place <= MAX_PLACE else None
    day = w.ordinal(b)
    if day is not None:
        return j + 1, Rule("MONTHLY", month_day=day)  # "every 1st"
    for month, day_of in ((w.month(b), w.day_number(c)), (w.month(c), w.day_number(b))):
        if month is not None and day_of is not None and _valid_month_day(month, day_of):
            return j + 2, Rule("YEARLY", month=month, month_day=day_of)  # "every dec 24"
    return None


def match_repeat(words: Words, i: int, today: date | None = None, day_first: bool = True) -> list[Phrase]:
    """The repeats starting at ``i``; with ``today``, also one with its first day ("every
    day starting jun 10"), which needs a date read."""
    a = at(words, i)
    if a in _ADVERBS:
        return [Phrase(PartKind.REPEAT, i, i + 1, Rule(_ADVERBS[a]), mid_text=False)]
    if a not in ("every", "every!"):
        return []
    part_of_day = DAYPARTS.get(at(words, i + 1) or "")
    if part_of_day is not None:
        # "every morning": every day at that part of the day's time ("every day morning").
        found: tuple[int, Rule] | None = (i + 2, Rule("DAILY", clock=part_of_day))
    else:
        found = _body(words, i + 1)
    if found is None:
        return []
    end, rule = found
    if a == "every!":
        rule = replace(rule, after_completion=True)
    phrases = [Phrase(PartKind.REPEAT, i, end, rule, mid_text=False)]
    if today is not None:
        phrases += _bounded(words, i, end, rule, today, day_first)
    return sorted(phrases, key=lambda p: -p.end)


def _bounded(words: Words, i: int, j: int, rule: Rule, today: date, day_first: bool) -> list[Phrase]:
    """The repeat from ``i`` to ``j`` with its first day ("starting jun 10") or its last
    ("until march 1", "ending friday") after it, each said once, in either order."""
    word = at(words, j)
    starts = word == "starting" and rule.starting is None
    if not starts and not (word in END_WORDS and rule.until is None):
        return []
    found = _day(words, j + 1, today, day_first, in_utc=not starts)
    if found is None:
        return []
    end, day = found
    longer = replace(rule, starting=day) if starts else replace(rule, until=day)
    return [
        Phrase(PartKind.REPEAT, i, end, longer, mid_text=False),
        *_bounded(words, i, end, longer, today, day_first),
    ]


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


def _place_words(nth: int) -> str:
    """2: "2nd"; -1: "last"; -2 (a rule from another app): "2nd to last"."""
    if nth == LAST:
        return "last"
    number = abs(nth)
    return f"{number}{w.ordinal_suffix(number)}" + (" to last" if nth < 0 else "")


def describe(rule: Rule) -> str:
    """In plain English: "Every weekday", "Every 2 weeks on Monday", "Every month on the 1st",
    "Every month on the 2nd Monday"."""
    unit = _UNIT[rule.freq]
    if rule.freq == "DAILY" and rule.weekdays == WORKDAYS and rule.interval == 1:
        text = "Every weekday"
    elif rule.freq == "WEEKLY" and rule.weekdays == WEEKEND and rule.interval == 1:
        text = "Every weekend"
    elif rule.interval == 1 and len(rule.weekdays) == 1 and rule.nth is None:
        text = f"Every {DAY_NAMES[rule.weekdays[0]]}"
    else:
        text = f"Every {unit}" if rule.interval == 1 else f"Every {rule.interval} {unit}s"
        if rule.weekdays and rule.nth is not None:
            place = _place_words(rule.nth)
            text += f" on the {place} " + ", ".join(DAY_NAMES[d] for d in rule.weekdays)
        elif rule.weekdays:
            text += " on " + ", ".join(DAY_NAMES[d] for d in rule.weekdays)
        if rule.month is not None and rule.month_day is not None:
            text += f" on {rule.month_day} {MONTH_ABBREVIATIONS[rule.month - 1]}"
        elif rule.month_day is not None:
            text += f" on the {rule.month_day}{w.ordinal_suffix(rule.month_day)}"
        elif rule.month is not None:
            text += f" in {MONTH_ABBREVIATIONS[rule.month - 1]}"
    text += " after completion" if rule.after_completion else ""
    return text if rule.until is None else f"{text} until {end_words(rule.until)}"


def day_words(day: date) -> str:
    """ "1 Mar 2027": day, month and year, which no date order reads two ways."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def end_words(until: date | datetime) -> str:
    """A series' last day, "1 Mar 2027"; an end at an instant with its time in UTC,
    "1 Mar 2027 22:59 UTC", and its seconds when it has any, so the words name it exactly."""
    if not isinstance(until, datetime):
        return day_words(until)
    moment = until.astimezone(UTC)
    clock = f"{moment:%H:%M:%S}" if moment.second else f"{moment:%H:%M}"
    return f"{day_words(moment)} {clock} UTC"


def end_problem(until: date | datetime | None, first: datetime, zone: tzinfo) -> str | None:
    """The sentence for a series whose end comes before ``first``, its first occurrence
    (``zone`` names its local day), or None when it does not."""
    if until is None:
        return None
    day = first.astimezone(zone).date()
    early = until < first if isinstance(until, datetime) else until < day
    return ENDS_BEFORE.format(end=end_words(until), first=day_words(day)) if early else None
