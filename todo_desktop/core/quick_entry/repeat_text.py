"""A repeat rule in plain English, and the sentence for one that ends before it starts.

`describe` gives every rule words of its own, which `repeats.match_repeat` reads back to that
very rule (the details pane shows these words and takes them typed again): the unit, then the
weekdays, the day of the month and the month, each in the words `repeat_parts` reads. The
short forms ("Every weekday", "Every Monday") are kept for the rules quick add writes for them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.repeat_parts import LAST
from todo_desktop.core.quick_entry.result import Rule

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WORKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)
_UNIT = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
ENDS_BEFORE = "This repeat ends on {end}, before its first day, {first}; give it a later end."


def _place_words(nth: int) -> str:
    """2: "2nd"; -1: "last"; -2 (a rule from another app): "2nd to last"."""
    if nth == LAST:
        return "last"
    number = abs(nth)
    return f"{number}{w.ordinal_suffix(number)}" + (" to last" if nth < 0 else "")


def _head(rule: Rule) -> str:
    """ "Every weekday", "Every Monday", or the unit and the weekdays: "Every 2 weeks on Monday",
    "Every month on the 2nd Monday", "Every month on Mondays" (every Monday, as RFC 5545 reads
    MONTHLY;BYDAY=MO; "on Monday" is what a person types for a monthly task due on a Monday)."""
    plain = rule.interval == 1 and rule.nth is None
    if plain and rule.freq == "DAILY" and rule.weekdays == WORKDAYS:
        return "Every weekday"
    if plain and rule.freq == "WEEKLY" and rule.weekdays == WEEKEND:
        return "Every weekend"
    if plain and rule.freq == "WEEKLY" and len(rule.weekdays) == 1:
        return f"Every {DAY_NAMES[rule.weekdays[0]]}"
    unit = _UNIT[rule.freq]
    text = f"Every {unit}" if rule.interval == 1 else f"Every {rule.interval} {unit}s"
    if rule.weekdays and rule.nth is not None:
        text += f" on the {_place_words(rule.nth)} {DAY_NAMES[rule.weekdays[0]]}"
    elif rule.weekdays:
        plural = "" if rule.freq == "WEEKLY" else "s"
        text += " on " + ", ".join(DAY_NAMES[d] + plural for d in rule.weekdays)
    return text


def _days(rule: Rule) -> str:
    """The day of the month and the month: " on the 1st", " on the last day", " on 24 Dec",
    " in Mar". Outside a monthly rule a day of the month is said to be each month's: RFC 5545
    reads YEARLY;BYMONTHDAY=4 as the 4th of every month."""
    day, month = rule.month_day, rule.month
    month_name = MONTH_ABBREVIATIONS[month - 1] if month is not None else ""
    if rule.freq == "YEARLY" and day is not None and month is not None:
        return f" on the last day of {month_name}" if day == LAST else f" on {day} {month_name}"
    text = ""
    if day is not None:
        text = " on the last day" if day == LAST else f" on the {day}{w.ordinal_suffix(day)}"
        text += "" if rule.freq == "MONTHLY" else " of each month"
    return text + (f" in {month_name}" if month is not None else "")


def describe(rule: Rule) -> str:
    """In plain English: "Every weekday", "Every 2 weeks on Monday", "Every month on the 1st",
    "Every month on the last day", "Every month on the 2nd Monday until 1 Mar 2027"."""
    text = _head(rule) + _days(rule)
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
