"""Repeat rules from other programs, checked against the RRULE subset this app keeps.

The subset is the one `core.quick_entry.repeats` writes: FREQ (DAILY, WEEKLY, MONTHLY,
YEARLY), INTERVAL, BYDAY (plain weekdays, or in a monthly or yearly rule one weekday with its
place in the month: 2MO, -1FR), one BYMONTH and one BYMONTHDAY (1 to 31, or -1: the month's
last day). `clean_repeat` gives a rule in that subset its canonical spelling (so
"BYDAY=FR,MO;FREQ=weekly" and "FREQ=WEEKLY;BYDAY=MO,FR" are one rule) and refuses anything
else with the reason, in a few words for a warning. WKST=MO, the default, is dropped; another
week start is refused, since it changes which days "every 2 weeks on Monday and Sunday" picks.

A series' end is the app's own business (`core.repeats`), not the subset's: `with_end` keeps
an UNTIL the app can store, and gives a rule whose end it cannot keep (COUNT, which no
occurrence could count on its own, or an UNTIL outside the years the app stores) without
that end and with the reason: a repeat that goes on is worth more than none, and the person
learns in one warning that its end was left out.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

from todo_desktop.core.errors import ValidationError
from todo_desktop.core.interchange.common import compact_utc, parse_compact, quoted
from todo_desktop.core.quick_entry.repeats import DAY_CODES, rrule
from todo_desktop.core.quick_entry.result import Rule
from todo_desktop.core.repeats import LAST_DAY, PLACED_DAY, parse_until, until_text

MAX_RULE = 200  # the instance protocol's bound; real rules of the subset are under 60
MAX_INTERVAL = 1000
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_KEPT = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTH", "BYMONTHDAY", "WKST"})
_ENDS = ("UNTIL", "COUNT")
_DAY_UNTIL = re.compile(r"(?<=UNTIL=)([0-9]{8})(?=;|$)")
_UTC_UNTIL = re.compile(r"(?<=UNTIL=)([0-9]{8}T[0-9]{6}Z)(?=;|$)")
_FLOATING_UNTIL = re.compile(r"(?i)(?<=UNTIL=)([0-9]{8}T[0-9]{6})(?=;|$)")


def _number(value: str, low: int, high: int, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 4 or not low <= int(value) <= high:
        raise ValueError(f"{name}={value[:10]}")
    return int(value)


def _month_day(value: str) -> int:
    """1 to 31, or -1 for the month's last day; a day counted further from the end (-2, the
    day before the last) has no place in the app."""
    last = value.startswith("-")
    try:
        day = _number(value[1:] if last else value, 1, 1 if last else 31, "BYMONTHDAY")
    except ValueError:
        raise ValueError(f"BYMONTHDAY={value[:10]}") from None
    return LAST_DAY if last else day


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
    month_day = _month_day(fields["BYMONTHDAY"]) if "BYMONTHDAY" in fields else None
    if month is not None and month_day not in (None, LAST_DAY):
        try:
            date(2000, month, month_day)  # a leap year: Feb 29 repeats every four years
        except ValueError:
            raise ValueError("it names a day that does not exist") from None
    return Rule(freq, interval, tuple(sorted(weekdays)), month, month_day, nth=nth)


def clean_repeat(text: str) -> str:
    """``text`` in the canonical spelling of the subset, or ValueError with the reason."""
    return rrule(parse_rule(text))


def split_end(text: str) -> tuple[str, dict[str, str]]:
    """``text`` without its end (UNTIL, COUNT), and those parts by name as given."""
    kept: list[str] = []
    ends: dict[str, str] = {}
    for part in text.strip().split(";"):
        name, sep, value = part.partition("=")
        if sep and name.strip().upper() in _ENDS and name.strip().upper() not in ends:
            ends[name.strip().upper()] = value.strip()
        else:
            kept.append(part)
    return ";".join(kept), ends


def end_left_out(rest: str) -> str:
    """The warning for a repeat kept without its end: ``rest`` says how it ended."""
    return f"repeats {rest}, which this app cannot keep; it repeats without that end"


def with_end(text: str) -> tuple[str, str | None]:
    """(``text`` in its canonical spelling, with its UNTIL when the app can keep one; the
    warning when its end was left out, or None); ValueError as `clean_repeat` gives."""
    rule, ends = split_end(text)
    kept = clean_repeat(rule)
    if "COUNT" in ends:
        return kept, end_left_out(f"a number of times (COUNT={ends['COUNT'][:10]})")
    if "UNTIL" not in ends:
        return kept, None
    try:
        end = until_text(parse_until(ends["UNTIL"].upper()))
    except ValidationError:
        return kept, end_left_out(f"until {quoted(ends['UNTIL'])}")
    return f"{kept};UNTIL={end}", None


def until_in_utc(text: str, zone: tzinfo) -> str:
    """``text`` with a floating UNTIL (a date and time without Z, as RFC 5545 writes it for a
    series in local time) as the UTC instant it is in ``zone``: the one form the app stores."""

    def utc(found: re.Match[str]) -> str:
        parsed = parse_compact(found.group(1), zone)
        return compact_utc(parsed[0]) if parsed else found.group(1)

    return _FLOATING_UNTIL.sub(utc, text)


def until_beside_start(rule: str, start_is_date: bool, zone: tzinfo | None) -> str:
    """``rule`` as RFC 5545 wants it beside its DTSTART: with an UNTIL of the same value type.
    A stored end that is a day (the series runs through it, in local time) becomes, beside a
    start with a time, the UTC instant that day ends in ``zone``; an instant, beside a start
    that is a day, becomes its day there."""
    where = zone or UTC
    if start_is_date:

        def day(found: re.Match[str]) -> str:
            instant = datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return f"{instant.astimezone(where):%Y%m%d}"

        return _UTC_UNTIL.sub(day, rule)

    def end_of(found: re.Match[str]) -> str:
        last = datetime.strptime(found.group(1), "%Y%m%d").date()
        return compact_utc(datetime.combine(last, time(23, 59, 59), tzinfo=where))

    return _DAY_UNTIL.sub(end_of, rule)
