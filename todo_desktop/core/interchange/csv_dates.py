"""Dates as spreadsheets write them in CSV, each column read day first or month first as its
dates show, for both CSV readers.

A sheet saves a date as its cell shows it, in the order of the machine it was made on:
"01.03.2026 14:30" in Germany, "3/1/2026 2:30 PM" in the US, "01/03/2026" in the UK. Read:

- Day, month and year with dots, slashes or dashes, or with the month's name, in English or a
  language of `month_names` ("1-Mar-26", "15 March 2026", "Mar 2, 2026", "1. März 2026",
  "3 de marzo de 2026", which leave no order to guess); a two-digit year is 1930 to 2029, as
  Excel and LibreOffice read one. A year first ("2026/03/01") is always year, month, day.
  Then, optionally, a time: 14:30, 14:30:15, 2:30 PM, 2 pm, 12:15 AM (a quarter past midnight).
  ISO 8601 is tried first, by `common.parse_iso`, as in every format.
- The order is decided once per column, from all its dates, since one program wrote them
  all: a first number above 12 can only be a day (day first), a second one above 12 makes
  the first the month (month first); dots are always day first (the European convention, and
  quick add's). A column whose every date reads both ways ("04/05/2026") takes the order the file's
  other date columns show; when none shows one, the default order (day first, as in most of
  the world; `day_first` lets a caller give its locale's), and one warning for the file names
  a date and what it was read as, so the preview says so before anything is imported.
- A column that shows both orders (15/03/2026 on one line, 03/15/2026 on another) holds dates
  that cannot be told apart: each date in it that reads both ways is named, with both
  readings and a line of each order, rather than guessed. A date that reads only one way is
  read so, whatever the others do; one day and month alike (05/05/2026) is the same date in
  either order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo

from todo_desktop.core.interchange.common import end_of_date, parse_iso, quoted
from todo_desktop.core.interchange.csv_text import ReadAhead
from todo_desktop.core.interchange.month_names import month_number
from todo_desktop.core.interchange.rows import Rows

MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
CENTURY_TURN = 30  # two-digit years from here are 19xx, below it 20xx (Excel's and LibreOffice's)
_DAY_OR_MONTH_FIRST = re.compile(r"\s*\d{1,2}[./-]", re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})", re.ASCII)
_YEAR_MONTH_DAY = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})", re.ASCII)
# A month's name leaves no order to guess: "1-Mar-26" (Excel's d-mmm-yy), "15 March 2026",
# "Mar 2, 2026", "March 3rd 2026", and in the languages of `month_names`: "1. März 2026",
# "3 de marzo de 2026", "15-févr.-2026", "1er mars 2026", "1º de maio de 2026". The words
# between (Spanish and Portuguese "de", "del") and an ordinal's ending are as those languages
# write them; a time may follow. Digits are ASCII: a sheet writes no others.
_DAY_NAME_YEAR = re.compile(
    r"([0-9]{1,2})(?:\.|st|nd|rd|th|er|º|ª)?[-\s./]+(?:de\s+)?([^\W\d_]{3,12})\.?"
    r"[-\s.,/]+(?:del?\s+)?([0-9]{4}|[0-9]{2})(?:,?\s+(.+))?",
    re.IGNORECASE,
)
_NAME_DAY_YEAR = re.compile(
    r"([^\W\d_]{3,12})\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})(?:,?\s+(.+))?", re.IGNORECASE
)
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?(?:\s*([ap])\.?\s?m\.?)?", re.ASCII | re.IGNORECASE)
# The French way, "14h30" or "9 h" (in France and Quebec a sheet's times read so): always
# the 24-hour clock, minutes optional since the "h" says it is a time.
_FRENCH_CLOCK = re.compile(r"(\d{1,2})\s?h\s?(\d{2})?", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Written:
    """A date as a sheet wrote it: what it is read day first and month first (None where it
    cannot be), and its time of day, if it has one."""

    day_first: date | None
    month_first: date | None
    clock: time | None

    @property
    def shows(self) -> bool | None:
        """True when it can only be day first, False only month first, else None."""
        if (self.day_first is None) == (self.month_first is None):
            return None
        return self.day_first is not None

    def two_ways(self) -> tuple[date, date] | None:
        """(day first, month first) when it reads as two different dates, else None."""
        if self.day_first is None or self.month_first is None or self.day_first == self.month_first:
            return None
        return self.day_first, self.month_first


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clock(text: str) -> time | None:
    """The time of day ``text`` spells, or None when it spells none."""
    found = _CLOCK.fullmatch(text)
    if found is None:
        french = _FRENCH_CLOCK.fullmatch(text)
        try:
            return time(int(french.group(1)), int(french.group(2) or 0)) if french else None
        except ValueError:
            return None
    hour, minute, second, half = found.groups()
    if minute is None and half is None:
        return None  # a bare number is no time
    hour_of_day = int(hour)
    if half is not None:
        if not 1 <= hour_of_day <= 12:
            return None
        hour_of_day = hour_of_day % 12 + (12 if half.lower() == "p" else 0)
    try:
        return time(hour_of_day, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def _named(text: str) -> Written | None:
    """A date written with its month's name (the module's docstring), or None."""
    found = _DAY_NAME_YEAR.fullmatch(text)
    if found is not None:
        day, name, year, rest = int(found.group(1)), found.group(2), found.group(3), found.group(4)
    elif (found := _NAME_DAY_YEAR.fullmatch(text)) is not None:
        name, day, year, rest = found.group(1), int(found.group(2)), found.group(3), found.group(4)
    else:
        return None
    month = month_number(name)
    clock = _clock(rest.strip()) if rest else None
    if month is None or (rest and clock is None):
        return None
    full_year = int(year) + ((1900 if int(year) >= CENTURY_TURN else 2000) if len(year) == 2 else 0)
    day_found = _day(full_year, month, day)
    return Written(day_found, day_found, clock) if day_found is not None else None


def written(text: str) -> Written | None:
    """``text`` as a date a sheet wrote, or None when it is not one in any order."""
    if (named := _named(text.strip())) is not None:
        return named
    day_text, _, rest = text.strip().partition(" ")
    rest = rest.strip()
    clock = _clock(rest) if rest else None
    if rest and clock is None:
        return None
    day_text = day_text.rstrip(",")
    ymd = _YEAR_MONTH_DAY.fullmatch(day_text)
    if ymd is not None:
        found = _day(int(ymd.group(1)), int(ymd.group(3)), int(ymd.group(4)))
        return Written(found, found, clock) if found else None
    dmy = _DAY_MONTH_YEAR.fullmatch(day_text)
    if dmy is None:
        return None
    first, second, year = int(dmy.group(1)), int(dmy.group(3)), int(dmy.group(4))
    if len(dmy.group(4)) == 2:
        year += 1900 if year >= CENTURY_TURN else 2000
    day_first = _day(year, second, first)
    month_first = None if dmy.group(2) == "." else _day(year, first, second)
    if day_first is None and month_first is None:
        return None
    return Written(day_first, month_first, clock)


def spoken(day: date) -> str:
    """1 March 2026: a date no reader can take the wrong way round."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _order_name(day_first: bool) -> str:
    return "day first" if day_first else "month first"


@dataclass(frozen=True, slots=True)
class _TwoWays:
    """A date that reads both ways, as the file spells it."""

    text: str
    day_first: date
    month_first: date


@dataclass(slots=True)
class _Column:
    """What one column's dates show of their order."""

    day_line: int | None = None  # the first line with a date that can only be day first
    month_line: int | None = None
    two_ways: _TwoWays | None = None  # the first date that reads both ways

    def note(self, line: int, text: str, found: Written) -> None:
        shows = found.shows
        if shows is True and self.day_line is None:
            self.day_line = line
        elif shows is False and self.month_line is None:
            self.month_line = line
        elif self.two_ways is None and (both := found.two_ways()) is not None:
            self.two_ways = _TwoWays(text.strip(), *both)

    @property
    def mixed(self) -> bool:
        return self.day_line is not None and self.month_line is not None

    @property
    def shown(self) -> bool | None:
        """The order its dates show, or None when they show none or both."""
        if self.mixed or (self.day_line is None and self.month_line is None):
            return None
        return self.day_line is not None


class SheetDates:
    """The date columns of one sheet, each with its order (see the module's docstring).
    ``columns``: each column's cells with their lines; ``day_first``: the order of a file
    whose dates show none."""

    def __init__(self, columns: Mapping[str, Iterable[tuple[int, str]]], *, day_first: bool = True) -> None:
        self._seen: dict[str, Written | None] = {}
        self._columns: dict[str, _Column] = {}
        # Only a date that starts with a day or a month can tell an order; the check, by a
        # pattern, keeps ISO dates (most of a file) out of the cache and costs little.
        may_tell = _DAY_OR_MONTH_FIRST.match
        for name, cells in columns.items():
            column = self._columns[name] = _Column()
            for line, text in cells:
                if may_tell(text) is not None and (found := self._written(text)) is not None:
                    column.note(line, text, found)
        shown = {c.shown for c in self._columns.values() if c.shown is not None}
        mixed = any(c.mixed for c in self._columns.values())
        # One program wrote the file: a column that shows no order follows the others.
        agreed = shown.pop() if len(shown) == 1 and not mixed else None
        self._default = day_first if agreed is None else agreed
        self.warning: str | None = None
        unordered = [c.two_ways for c in self._columns.values() if c.shown is None and not c.mixed]
        example = next((found for found in unordered if found is not None), None)
        if agreed is None and example is not None:
            day = example.day_first if self._default else example.month_first
            why = "the file's dates do not agree on" if shown or mixed else "no date in the file shows"
            self.warning = (
                f"dates like {quoted(example.text)} were read as {spoken(day)} "
                f"({_order_name(self._default)}): {why} whether the day or the month comes first"
            )

    def day_first(self, column: str) -> bool:
        """The order of ``column``: the one its dates show, else the file's."""
        found = self._columns.get(column)
        shown = found.shown if found is not None else None
        return self._default if shown is None else shown

    def read(self, column: str, text: str, zone: tzinfo) -> datetime | None:
        """The instant ``text`` in ``column`` means (a date alone: 23:59 in ``zone``), or None."""
        instant = parse_iso(text, zone)
        found = self._written(text) if instant is None else None
        if found is None:
            return instant
        if found.two_ways() is None:
            day = found.day_first or found.month_first
        elif self._mixed(column):
            return None  # which one is not known: `doubt` says so
        else:
            day = found.day_first if self.day_first(column) else found.month_first
        if day is None:
            return None
        if found.clock is None:
            return end_of_date(day, zone)
        return datetime.combine(day, found.clock, tzinfo=zone).astimezone(UTC)

    def doubt(self, column: str, text: str) -> str | None:
        """Why ``text``, which `read` did not read, cannot be read in ``column``, from "could
        be" on; None when it is simply no date."""
        found = self._written(text)
        both = found.two_ways() if found is not None else None
        seen = self._columns.get(column)
        if both is None or seen is None or not seen.mixed:
            return None
        return (
            f"could be {spoken(both[0])} or {spoken(both[1])}: its column has "
            f"dates written day first (line {seen.day_line}) and month first (line {seen.month_line})"
        )

    def _mixed(self, column: str) -> bool:
        found = self._columns.get(column)
        return found is not None and found.mixed

    def _written(self, text: str) -> Written | None:
        if text not in self._seen:  # a sheet repeats its dates: each is read once
            self._seen[text] = written(text)
        return self._seen[text]


def sheet_dates(
    ahead: ReadAhead, columns: Mapping[str, int], names: Iterable[str], rows: Rows, *, day_first: bool
) -> SheetDates:
    """The date columns among ``names`` of a sheet read to its end (``ahead``; ``columns``:
    name -> index), with the one warning about their order, if any, given to ``rows`` first."""
    dates = SheetDates(
        {name: ahead.cells(columns[name]) for name in names if name in columns}, day_first=day_first
    )
    if dates.warning is not None:
        rows.warn(0, dates.warning)
    return dates
