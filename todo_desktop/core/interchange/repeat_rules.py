"""Repeat rules from other programs, checked against the RRULE subset this app keeps.

The subset is the one `core.quick_entry.repeats` writes: FREQ (DAILY, WEEKLY, MONTHLY,
YEARLY), INTERVAL, BYDAY (plain weekdays, or in a monthly or yearly rule one weekday with its
place in the month: 2MO, -1FR), one BYMONTH and one BYMONTHDAY. `clean_repeat`
gives a rule in that subset its canonical spelling (so "BYDAY=FR,MO;FREQ=weekly" and
"FREQ=WEEKLY;BYDAY=MO,FR" are one rule) and refuses anything else with the reason, in a few
words for a warning. WKST=MO, the default, is dropped; another week start is refused, since
it changes which days "every 2 weeks on Monday and Sunday" picks.
"""

from __future__ import annotations

from datetime import date

from todo_desktop.core.quick_entry.repeats import DAY_CODES, rrule
from todo_desktop.core.quick_entry.result import Rule
from todo_desktop.core.repeats import PLACED_DAY

MAX_RULE = 200  # the instance protocol's bound; real rules of the subset are under 60
MAX_INTERVAL = 1000
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_KEPT = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTH", "BYMONTHDAY", "WKST"})


def _number(value: str, low: int, high: int, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 4 or not low <= int(value) <= high:
        raise ValueError(f"{name}={value[:10]}")
    return int(value)


def parse_rule(text: str) -> Rule:
    """The rule of an RRULE value within the subset, or ValueError saying what is outside it."""
    value = text.strip()
    if value.upper().startswith("RRULE:"):
        value = value[6:]
    if not value or len(value) > MAX_RULE or not value.isascii():
        raise ValueError("not a rule of a known length and alphabet")
    fields: dict[str, str] = {}
    for part in value.upper().split(";"):
        name, sep, field = part.partition("=")
        if not sep or name in fields:
            raise ValueError(f"{part[:20] or 'an empty part'} is not a rule part")
        if name not in _KEPT:
            raise ValueError(f"{name} is not supported")
        fields[name] = field
    freq = fields.get("FREQ")
    if freq not in _FREQS:
        raise ValueError(f"it repeats {freq.lower()}" if freq else "it has no FREQ")
    if fields.get("WKST", "MO") != "MO":
        raise ValueError("its week starts on another day than Monday")
    interval = _number(fields.get("INTERVAL", "1"), 1, MAX_INTERVAL, "INTERVAL")
    weekdays: list[int] = []
    placed = PLACED_DAY.fullmatch(fields.get("BYDAY", ""))
    nth = None
    if placed is not None and freq in ("MONTHLY", "YEARLY") and "BYMONTHDAY" not in fields:
        weekdays, nth = [DAY_CODES.index(placed[2])], int(placed[1])  # "2MO": the month's 2nd Monday
    for code in fields["BYDAY"].split(",") if "BYDAY" in fields and nth is None else []:
        if code not in DAY_CODES:
            raise ValueError(f"BYDAY={code[:10]} is not a plain weekday")
        if DAY_CODES.index(code) not in weekdays:
            weekdays.append(DAY_CODES.index(code))
    month = _number(fields["BYMONTH"], 1, 12, "BYMONTH") if "BYMONTH" in fields else None
    month_day = _number(fields["BYMONTHDAY"], 1, 31, "BYMONTHDAY") if "BYMONTHDAY" in fields else None
    if month is not None and month_day is not None:
        try:
            date(2000, month, month_day)  # a leap year: Feb 29 repeats every four years
        except ValueError:
            raise ValueError("it names a day that does not exist") from None
    return Rule(freq, interval, tuple(sorted(weekdays)), month, month_day, nth=nth)


def clean_repeat(text: str) -> str:
    """``text`` in the canonical spelling of the subset, or ValueError with the reason."""
    return rrule(parse_rule(text))
