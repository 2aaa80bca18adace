"""The parts of a repeat phrase after its unit: which weekdays ("on monday", "on the 2nd
monday"), which day of the month ("on the 1st", "on the last day", "on 24 dec") and which month
("in march"), in that order, as typed and as `describe` says them, so that the words the details
pane shows read back to the very rule they show.

Two are read only in the words `describe` gives them, because typed the plain way they mean
one thing to a person and another to RFC 5545. "Every month on monday" is a monthly task due
on a Monday, where MONTHLY;BYDAY=MO is every Monday, said "Every month on Mondays"; "every
year on the 4th" is a yearly task due on a 4th, where YEARLY;BYMONTHDAY=4 is the 4th of each
month, said "Every year on the 4th of each month". The plain words stay what they were: a
repeat, and a due date after the cue "on".
"""

from __future__ import annotations

from dataclasses import replace

from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.dates import Words, at
from todo_desktop.core.quick_entry.result import Rule
from todo_desktop.core.repeats import LAST_DAY, valid_month_day

LAST = LAST_DAY  # RFC 5545 counts from the end: the last such weekday, or the month's last day
# A place spelled out, as Todoist reads it. Not "second": "every second monday" is as often
# meant as every other Monday, and a repeat misread is worse than one left for the person.
_PLACES = {"first": 1, "third": 3, "fourth": 4, "fifth": 5, "last": LAST}
MAX_PLACE = 5  # no month has a sixth Monday
_EACH = ("each", "every")


def plural_weekday(word: str | None) -> int | None:
    found = w.weekday(word)
    if found is None and word is not None and word.endswith("s"):
        found = w.weekday(word[:-1])
    return found


def _is_plural(word: str | None) -> bool:
    day = word.removesuffix(",") if word is not None else None
    return w.weekday(day) is None and plural_weekday(day) is not None


def weekday_run(words: Words, j: int) -> tuple[int, tuple[int, ...]] | None:
    """Weekdays from ``j`` on, as a list is typed ("monday", "mon, wed and fri", "tuesdays
    and thursdays", "monday wednesday" as the details pane leaves `describe`'s list without
    its commas): where they end, and the days in week order; None when none starts there."""
    days: list[int] = []
    k = j
    while True:
        word = at(words, k)
        day = plural_weekday(word.removesuffix(",")) if word else None
        if day is None:
            break
        days.append(day)
        k += 1
        if at(words, k) == "and" and plural_weekday(at(words, k + 1)) is not None:
            k += 1
    return (k, tuple(sorted(set(days)))) if days else None


def place(word: str | None) -> int | None:
    """A weekday's place in the month as typed before it: "2nd", "first", "last"."""
    return _PLACES.get(word or "") or w.ordinal(word)


def placed_weekday(words: Words, k: int) -> tuple[int, int, int] | None:
    """ "2nd monday", "last friday", "2nd to last friday" from ``k``: (end, place, weekday).
    The place may be one no month has ("6th monday"): such words are no repeat's."""
    nth = place(at(words, k))
    if nth is None:
        return None
    if nth > 1 and at(words, k + 1) == "to" and at(words, k + 2) == "last":
        nth, k = -nth, k + 2
    day = w.weekday(at(words, k + 1))
    return None if day is None else (k + 2, nth, day)


def _weekdays(words: Words, j: int, rule: Rule) -> tuple[int, Rule]:
    """ "on monday" (weekly), "on mondays" (any), "on the 2nd monday" (monthly, yearly)."""
    if at(words, j) != "on" or rule.weekdays:
        return j, rule
    run = weekday_run(words, j + 1)
    if run is not None and (rule.freq == "WEEKLY" or _is_plural(at(words, j + 1))):
        return run[0], replace(rule, weekdays=run[1])
    skip = 1 if at(words, j + 1) == "the" else 0
    found = placed_weekday(words, j + 1 + skip)
    if found is not None and rule.freq in ("MONTHLY", "YEARLY") and abs(found[1]) <= MAX_PLACE:
        return found[0], replace(rule, weekdays=(found[2],), nth=found[1])
    return j, rule


def _date_of_year(words: Words, k: int, rule: Rule) -> tuple[int, Rule] | None:
    """ "24 dec", "dec 24", "the last day of feb": a yearly rule's day, as one date."""
    for month, day in (
        (w.month(at(words, k + 1)), w.day_number(at(words, k))),
        (w.month(at(words, k)), w.day_number(at(words, k + 1))),
    ):
        if month is not None and day is not None and valid_month_day(month, day):
            return k + 2, replace(rule, month=month, month_day=day)
    k += 1 if at(words, k) == "the" else 0
    month = w.month(at(words, k + 3))
    if (at(words, k), at(words, k + 1), at(words, k + 2)) == ("last", "day", "of") and month is not None:
        return k + 4, replace(rule, month=month, month_day=LAST)
    return None


def _month_day(words: Words, j: int, rule: Rule) -> tuple[int, Rule]:
    """ "on the 1st", "on the last day" (monthly); "on the 4th of each month" (any); "on 24
    dec" (yearly)."""
    if at(words, j) != "on" or rule.month_day is not None:
        return j, rule
    if rule.freq == "YEARLY" and rule.month is None:
        found = _date_of_year(words, j + 1, rule)
        if found is not None:
            return found
    k = j + 2 if at(words, j + 1) == "the" else j + 1
    ordinal = w.ordinal(at(words, k))
    if (at(words, k), at(words, k + 1)) == ("last", "day"):
        day, k = LAST, k + 2
    elif ordinal is not None and w.weekday(at(words, k + 1)) is None:  # "the 6th monday" is none
        day, k = ordinal, k + 1
    else:
        return j, rule
    monthly = rule.freq == "MONTHLY"
    if (
        at(words, k) == "of"
        and at(words, k + 2) == "month"
        and (at(words, k + 1) in _EACH or (monthly and at(words, k + 1) == "the"))
    ):
        k += 3
    elif not monthly:
        return j, rule
    if rule.month is not None and not valid_month_day(rule.month, day):
        return j, rule
    return k, replace(rule, month_day=day)


def _month(words: Words, j: int, rule: Rule) -> tuple[int, Rule]:
    """ "in march"."""
    month = w.month(at(words, j + 1)) if at(words, j) == "in" and rule.month is None else None
    if month is None or (rule.month_day is not None and not valid_month_day(month, rule.month_day)):
        return j, rule
    return j + 2, replace(rule, month=month)


def after_unit(words: Words, j: int, rule: Rule) -> tuple[int, Rule]:
    """The weekdays, day and month that may follow "every 2 weeks", "every month": where they
    end, and the rule with them."""
    return after_days(words, *_weekdays(words, j, rule))


def after_days(words: Words, j: int, rule: Rule) -> tuple[int, Rule]:
    """The day and month that may follow a rule's weekdays: "every monday in march"."""
    return _month(words, *_month_day(words, j, rule))
