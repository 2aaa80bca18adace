"""The words the quick-add language knows, and small readers for numbers and names.

Every reader takes one word already lower-cased (or None for a literal word, which never
matches) and returns None when the word is not what it looks for, so a near miss ("mark",
"decide", "monitor") is simply not a date: whole words only.
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

# Monday is 0, as date.weekday() counts.
WEEKDAYS: dict[str, int] = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip

# Short forms that are also everyday English words ("enjoy the sun", "sat down", "get wed"):
# alone they are read only right after a cue word ("on sat"); "next sun" or "every wed" are fine.
AMBIGUOUS_WEEKDAYS = frozenset({"sat", "sun", "wed"})

# Words after a title word that introduce a date or time and go with it ("call mom at 5pm").
CUES = frozenset({"on", "at", "@", "by", "due", "due:"})

# A word right before a date phrase that makes the phrase part of what the task is about rather
# than when it is due: "delete mails up to january 30th", "the day after tomorrow",
# "notes of dec 24", "start after friday", "since monday". The phrase is then left as text.
BLOCKERS = frozenset(
    {
        "the", "a", "an", "of", "to", "from", "since", "until", "till", "before", "after",
        "last", "than", "per", "for", "each", "every", "this", "next", "that", "these", "those",
    }
)  # fmt: skip

# Holiday names that end in a weekday: "Black Friday", "Good Friday", "Cyber Monday".
NAMED_DAYS = frozenset(
    {"black", "good", "cyber", "blue", "ash", "holy", "maundy", "easter", "palm", "super", "whit", "shrove"}
)

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
}  # fmt: skip

UNITS: dict[str, str] = {
    "day": "day", "days": "day", "week": "week", "weeks": "week",
    "month": "month", "months": "month", "year": "year", "years": "year",
}  # fmt: skip

MAX_COUNT = 999  # "in 1000 days" is a typo, and far dates overflow

# "in 2 hours", "in 20 min": a time from now, by the minutes in one unit.
MINUTE_UNITS: dict[str, int] = {
    "minute": 1, "minutes": 1, "min": 1, "mins": 1,
    "hour": 60, "hours": 60, "hr": 60, "hrs": 60,
}  # fmt: skip

_ORDINAL = re.compile(r"([0-9]{1,2})(st|nd|rd|th)")
_NUMBER = re.compile(r"[0-9]{1,3}")


def strip_dot(word: str | None) -> str | None:
    """An abbreviation may end in a dot ("Dec. 24", "Fri."); full words may not."""
    if word is not None and word.endswith(".") and len(word) > 1:
        return word[:-1]
    return word


def month(word: str | None) -> int | None:
    if word is None:
        return None
    found = MONTHS.get(word)
    if found is None:
        short = strip_dot(word)
        # Only a real abbreviation takes a dot: "may." is not "May".
        if short != word and short is not None and short in MONTHS and len(short) <= 4 and short != "may":
            return MONTHS[short]
    return found


def weekday(word: str | None) -> int | None:
    if word is None:
        return None
    found = WEEKDAYS.get(word)
    if found is None:
        short = strip_dot(word)
        if short != word and short is not None and short in WEEKDAYS and len(short) <= 5:
            return WEEKDAYS[short]
    return found


def ordinal(word: str | None) -> int | None:
    """'1st', '22nd', '24th' with the right suffix ('2th' is not a day), 1 to 31."""
    if word is None:
        return None
    found = _ORDINAL.fullmatch(word)
    if found is None:
        return None
    number = int(found.group(1))
    if not 1 <= number <= 31 or found.group(2) != ordinal_suffix(number):
        return None
    return number


def ordinal_suffix(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def day_number(word: str | None) -> int | None:
    """A day of the month next to a month name: '24' or '24th'."""
    if word is None:
        return None
    if word.isascii() and word.isdigit() and len(word) <= 2:
        number = int(word)
        return number if 1 <= number <= 31 else None
    return ordinal(word)


def year(word: str | None) -> int | None:
    """A four-digit year; the data layer accepts due dates from 1900 on."""
    if word is None or len(word) != 4 or not word.isascii() or not word.isdigit():
        return None
    number = int(word)
    return number if 1900 <= number <= 9998 else None


def count(word: str | None) -> int | None:
    """How many units: '3', 'a', 'two'; 1 to 999."""
    if word is None:
        return None
    if _NUMBER.fullmatch(word):
        number = int(word)
        return number if 1 <= number <= MAX_COUNT else None
    return NUMBER_WORDS.get(word)
