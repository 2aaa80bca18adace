"""The zones an iCalendar file's times are in (``DUE;TZID=...``), found by name, or by the
file's own VTIMEZONE block of that name.

A TZID is read, in this order:

1. As a zone this app knows by name (`common.zone_named`): an IANA name, a Windows name, or
   the name Windows shows ("(UTC+01:00) Amsterdam, Berlin, ..."). The tz database knows all
   of a zone's years, where a VTIMEZONE block gives only the rules of the year it was written.
2. By the file's VTIMEZONE of that TZID: Outlook writes one for a zone a person set up
   ("Customized Time Zone"), with one STANDARD and at most one DAYLIGHT part, each changing
   once a year on the nth (or last) weekday of a month (``RRULE:FREQ=YEARLY;BYDAY=-1SU;
   BYMONTH=10``). Only that shape is read; a block with other rules (a history of several
   parts, an RDATE, a monthly rule) is passed over, since reading half of it would put some
   times an hour off without a word. A block may stand anywhere in the file, after the
   to-dos that use it too (RFC 5545 sets no order): the blocks are read as the reader
   passes them, and the first TZID that neither names a zone nor a block read so far has
   the rest of the file's blocks looked for, once (`FileZones`).
3. By the offset its name shows ("(UTC+01:00) ..."), all year, with a warning that its
   daylight saving time is not known.
4. Else in the person's zone, with a warning.

A TZID not known is one warning for the file, at the first to-do that has it, however many
of its times do; it says how many more to-dos have it: "line 9 and 41 more to-dos have the
time zone “X”, which is not known; read in yours".
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import islice

from todo_desktop.core.interchange.common import parse_compact, plural, quoted, zone_named
from todo_desktop.core.interchange.ical_alarms import Properties, Property
from todo_desktop.core.interchange.ical_lines import (
    MAX_DEPTH,
    component_line,
    logical_lines,
)
from todo_desktop.core.interchange.rows import Problem, Rows
from todo_desktop.core.interchange.windows_display_names import MAX_NAME, display_offset

_OFFSET = re.compile(r"([+-])([0-9]{2})([0-9]{2})([0-9]{2})?", re.ASCII)
_START = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})", re.ASCII)
_NTH_DAY = re.compile(r"(-[1-4]|\+?[1-5])(SU|MO|TU|WE|TH|FR|SA)", re.ASCII)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LARGEST = timedelta(hours=18)  # RFC 5545's bound of a UTC offset
_YEARLY_KEYS = frozenset({"FREQ", "INTERVAL", "BYMONTH", "BYDAY", "WKST"})
_FOLD = r"(?:\r?\n[ \t])?"
_MENTION = re.compile(_FOLD.join("VTIMEZONE"), re.IGNORECASE)  # folded anywhere, as RFC 5545 allows

Change = tuple[int, int, int, timedelta]  # month, nth weekday (-1 the last), weekday, wall time


def _offset(prop: list[Property] | None) -> timedelta | None:
    found = _OFFSET.fullmatch((prop[0][1] or "").strip()) if prop and len(prop) == 1 else None
    if found is None:
        return None
    sign, hours, minutes, seconds = found.groups()
    size = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    return (-size if sign == "-" else size) if size <= _LARGEST else None


def _change(part: Properties) -> Change | None:
    """When a part of a VTIMEZONE begins each year, or None when not by a rule read here."""
    start = _START.fullmatch((part.get("DTSTART") or [({}, "")])[0][1] or "")
    rules = part.get("RRULE") or []
    if start is None or len(rules) != 1 or "RDATE" in part:
        return None
    fields = dict(item.partition("=")[::2] for item in (rules[0][1] or "").upper().split(";"))
    nth = _NTH_DAY.fullmatch(fields.get("BYDAY", ""))
    month = fields.get("BYMONTH", "")
    if (
        fields.keys() - _YEARLY_KEYS
        or fields.get("FREQ") != "YEARLY"
        or fields.get("INTERVAL", "1") != "1"
        or nth is None
        or month not in {str(number) for number in range(1, 13)}
    ):
        return None
    hour, minute, second = (int(start.group(index)) for index in (4, 5, 6))
    if hour > 23 or minute > 59 or second > 59:
        return None
    wall = timedelta(hours=hour, minutes=minute, seconds=second)
    return int(month), int(nth.group(1)), _WEEKDAYS.index(nth.group(2)), wall


def _day(year: int, month: int, nth: int, weekday: int) -> date:
    """The nth ``weekday`` of a month; the fifth, or -1, is the last (as Windows counts)."""
    if nth < 0:
        end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return end - timedelta(days=(end.weekday() - weekday) % 7 + 7 * (-nth - 1))
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else day - timedelta(days=7)


class RuleZone(tzinfo):
    """A zone of standard time and a yearly daylight saving time, as a VTIMEZONE gives it."""

    def __init__(self, standard: timedelta, daylight: timedelta, begins: Change, ends: Change) -> None:
        super().__init__()
        self._standard, self._daylight, self._begins, self._ends = standard, daylight, begins, ends

    def _changes(self, year: int) -> tuple[datetime, datetime] | None:
        """When daylight saving time begins and ends in ``year``, in the wall time before each."""
        try:
            month, nth, weekday, clock = self._begins
            begins = datetime.combine(_day(year, month, nth, weekday), datetime.min.time()) + clock
            month, nth, weekday, clock = self._ends
            ends = datetime.combine(_day(year, month, nth, weekday), datetime.min.time()) + clock
        except (OverflowError, ValueError):  # the years at the ends of what datetime holds
            return None
        return begins, ends

    def _summer(self, when: datetime, *, utc: bool = False) -> bool:
        """Whether ``when`` (a wall-clock time, or with ``utc`` a UTC one) is in daylight
        saving time. A wall time that comes twice the night it ends is the first time, and
        standard time with ``fold`` 1, as zoneinfo reads it."""
        wall = when.replace(tzinfo=None, fold=0)
        changes = self._changes(wall.year)
        if changes is None:
            return False
        begins, ends = changes
        if utc:
            begins, ends = begins - self._standard, ends - self._daylight
        summer = begins <= wall < ends if begins < ends else not ends <= wall < begins
        return summer and not (when.fold and not utc and self._twice(wall, ends))

    def _twice(self, wall: datetime, ends: datetime) -> bool:
        """Whether the wall time ``wall`` comes twice, as clocks go back at ``ends``."""
        return ends - (self._daylight - self._standard) <= wall < ends

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self._daylight if dt is not None and self._summer(dt) else self._standard

    def dst(self, dt: datetime | None) -> timedelta:
        return self.utcoffset(dt) - self._standard

    def tzname(self, dt: datetime | None) -> str | None:
        return None

    def fromutc(self, dt: datetime) -> datetime:
        if self._summer(dt, utc=True):
            return dt + self._daylight
        wall = dt + self._standard
        changes = self._changes(wall.year)
        return (
            wall.replace(fold=1)
            if changes is not None and self._twice(wall.replace(tzinfo=None), changes[1])
            else wall
        )


def vtimezone_zone(parts: list[tuple[str, Properties]]) -> tzinfo | None:
    """The zone of a VTIMEZONE's STANDARD and DAYLIGHT parts, or None when it is not the
    shape read here (see the module's docstring)."""
    standard = [part for kind, part in parts if kind == "STANDARD"]
    daylight = [part for kind, part in parts if kind == "DAYLIGHT"]
    if len(standard) != 1 or len(daylight) > 1:
        return None
    plain = _offset(standard[0].get("TZOFFSETTO"))
    if plain is None:
        return None
    if not daylight:
        return timezone(plain)
    summer = _offset(daylight[0].get("TZOFFSETTO"))
    begins, ends = _change(daylight[0]), _change(standard[0])
    if summer is None or begins is None or ends is None:
        return None
    # A change is written in the wall time before it: for its end, daylight saving time.
    return RuleZone(plain, summer, begins, ends)


class _Blocks:
    """The VTIMEZONE blocks of a file as its lines are read, the first of each TZID kept."""

    def __init__(self) -> None:
        self.zones: dict[str, tzinfo | None] = {}  # TZID -> its zone, None: not read here
        self._own: Properties = {}
        self._parts: list[tuple[str, Properties]] | None = None  # of the block being read
        self.begun = 0  # BEGIN:VTIMEZONE lines met, at any depth

    def begin(self, stack: list[str]) -> None:
        self.begun += stack[-1] == "VTIMEZONE"
        if stack == ["VCALENDAR", "VTIMEZONE"]:
            self._own, self._parts = {}, []
        elif self._parts is not None and stack[:2] == ["VCALENDAR", "VTIMEZONE"] and len(stack) == 3:
            self._parts.append((stack[2], {}))

    def end(self, stack: list[str]) -> None:
        if stack == ["VCALENDAR"] and self._parts is not None:
            tzid = ((self._own.get("TZID") or [({}, "")])[0][1] or "").strip()
            if tzid and len(tzid) <= MAX_NAME and tzid not in self.zones:
                self.zones[tzid] = vtimezone_zone(self._parts)
            self._parts = None

    def sink(self, stack: list[str]) -> Properties | None:
        if self._parts is None or stack[:2] != ["VCALENDAR", "VTIMEZONE"]:
            return None
        if len(stack) == 2:
            return self._own
        return self._parts[-1][1] if len(stack) == 3 and self._parts else None


def file_blocks(text: str) -> dict[str, tzinfo | None]:
    """Every VTIMEZONE block of ``text``, wherever it stands, read as the reader of to-dos
    reads the file's lines; at a line that breaks the nesting the look ends, as the reader
    ends there too, with its error."""
    blocks = _Blocks()
    stack: list[str] = []
    sink: Properties | None = None
    for _, line, cut in logical_lines(text):
        if sink is None and line[:1] not in "BEbe":
            continue  # neither a BEGIN or END nor in a block: the lines of to-dos, passed fast
        marker = component_line(line, cut, sink)
        if marker is None:
            continue
        name, value = marker
        if name == "BEGIN":
            stack.append(value.strip().upper())
            if len(stack) > MAX_DEPTH:
                break
            blocks.begin(stack)
        else:
            if not stack or stack.pop() != value.strip().upper():
                break
            blocks.end(stack)
        sink = blocks.sink(stack)
    return blocks.zones


class _Unknown:
    """A TZID of the file that is not known: its warning, and the to-dos that have it."""

    def __init__(self, index: int, number: int, rest: str) -> None:
        self.index, self.last, self.rest, self.more = index, number, rest, 0


class FileZones:
    """The zones of one file: its VTIMEZONE blocks, and each TZID found. The blocks are read
    as the reader passes them; the first TZID that neither names a zone nor a block read so
    far has the rest looked for in the whole file, once."""

    def __init__(self, person: tzinfo, text: str) -> None:
        self.person = person
        self._text: str | None = text  # None once every block of it is known
        self._blocks = _Blocks()
        self._found: dict[str, tuple[tzinfo | None, tzinfo | None]] = {}
        self._unknown: dict[str, _Unknown] = {}

    def begin(self, stack: list[str]) -> None:
        """Called at each BEGIN, with the components then open."""
        self._blocks.begin(stack)

    def end(self, stack: list[str]) -> None:
        """Called at each END, with the components still open after it."""
        self._blocks.end(stack)

    def sink(self, stack: list[str]) -> Properties | None:
        """Where the properties of a block being read go, or None."""
        return self._blocks.sink(stack)

    def _block(self, tzid: str) -> tzinfo | None:
        name = tzid.strip()
        if name not in self._blocks.zones and self._text is not None and len(name) <= MAX_NAME:
            self._look_ahead(self._text)
            self._text = None
        return self._blocks.zones.get(name)

    def _look_ahead(self, text: str) -> None:
        """Adds the blocks the reader has not come to yet: RFC 5545 sets no order, and a block
        may follow the to-dos that use it. A block is named twice (BEGIN, END); when the name
        is in the file no more often than in the blocks begun so far, none lies ahead, and one
        search in C spares a second pass over the lines (most files, blocks first or none)."""
        beyond = islice(_MENTION.finditer(text), 2 * self._blocks.begun, None)
        if next(beyond, None) is not None:
            for key, zone in file_blocks(text).items():
                self._blocks.zones.setdefault(key, zone)

    def _zone(self, tzid: str) -> tuple[tzinfo | None, tzinfo | None]:
        """(the zone of ``tzid``, or else the fixed offset its name shows)."""
        if tzid in self._found:
            return self._found[tzid]
        found = zone_named(tzid) or self._block(tzid)
        answer = (found, None if found is not None else display_offset(tzid))
        if len(tzid) <= MAX_NAME:  # a long one is no zone's, and not worth keeping
            self._found[tzid] = answer
        return answer

    def instant(self, rows: Rows, number: int, prop: Property | None, label: str = "") -> datetime | None:
        """A DATE or DATE-TIME value; for the due date (``label``) a bad one skips the to-do."""
        if prop is None or prop[1] is None:
            return None
        params, value = prop[0], prop[1]
        local = self.person
        if "TZID" in params and not value.strip().endswith("Z"):
            tzid = params["TZID"]
            found, fixed = self._zone(tzid)
            if found is None:
                self._not_known(rows, number, tzid, fixed)
            local = found or fixed or self.person
        parsed = parse_compact(value, local)
        if parsed is None and label:
            rows.skip(number, f"has a {label} {quoted(value)} that is not a date")
        return parsed[0] if parsed else None

    def _not_known(self, rows: Rows, number: int, tzid: str, fixed: tzinfo | None) -> None:
        """One warning for each unknown TZID, said at the first to-do (``number``) that has
        it; `finish` adds how many more do. A file of thousands of to-dos in one zone of its
        own gives one sentence in the preview, not thousands alike."""
        seen = self._unknown.get(tzid)
        if seen is None:
            how = "in yours"
            if fixed is not None:
                how = f"at {fixed.tzname(None)} all year, as its daylight saving time is not known"
            rest = f"the time zone {quoted(tzid)}, which is not known; read {how}"
            rows.warn(number, f"has {rest}")
            self._unknown[tzid] = _Unknown(len(rows.warnings) - 1, number, rest)
        elif seen.last != number:  # a to-do's times are read together: each counts once
            seen.last, seen.more = number, seen.more + 1

    def finish(self, rows: Rows) -> None:
        """Called when the file is read: each unknown zone's warning says how many more to-dos
        have it, in its place among the warnings."""
        for seen in self._unknown.values():
            if seen.more:
                first = rows.warnings[seen.index].number
                more = plural(seen.more, "more to-do")
                sentence = f"{rows.unit} {first} and {more} have {seen.rest}"
                rows.warnings[seen.index] = Problem(first, sentence)
