"""iCalendar to-dos (RFC 5545 VTODO), read and written, as calendar and to-do apps exchange them.

Mapping, and why:

- UID ↔ id (ours are UUIDs, so our own files come back as the same tasks; another UID gives a
  uuid5 of it). SUMMARY ↔ title, DESCRIPTION ↔ description, CATEGORIES ↔ tags, CREATED and
  LAST-MODIFIED ↔ created and updated (DTSTAMP too, required, is written as updated).
- PRIORITY: 1 is the highest and 9 the lowest, 0 or none undefined (RFC 5545 3.8.1.9). Read:
  1 urgent, 2-4 high, 5 medium, 6-9 low, 0 medium (our default). Written: urgent 1, high 3,
  medium 5, low 9, each read back as itself. Apple Reminders and Thunderbird write 1 for their
  "high", which then reads as urgent: we keep to the RFC, whose 1 is the top.
- DUE: a DATE (all-day) is due at 23:59 in the zone given, our convention for a day without a
  time; a DATE-TIME in UTC is that instant; one with TZID is read in that IANA zone (a prefix
  before the name, as some programs write, is allowed) or in the one a Windows name stands
  for, as Outlook writes them (`windows_zones`), or Windows shows them ("(UTC+01:00) Amsterdam,
  Berlin, ..."); another by the file's VTIMEZONE of that name, before or after the to-do,
  else at the offset its name shows, else in the zone given, with one warning for the file
  (`ical_zones`). A floating one is read in the zone given.
  Written: UTC, or a DATE when a zone is given and the task is due at 23:59 in it.
- Done: STATUS:COMPLETED, a COMPLETED time or PERCENT-COMPLETE:100 make a task completed
  (COMPLETED is its time); STATUS:CANCELLED is skipped, like a deleted task.
- RRULE: kept when it is within our subset (`repeat_rules`), in its canonical spelling,
  with its UNTIL (a floating one read in the zone given); COUNT, which the app cannot keep,
  is left out with a warning and the to-do still repeats. Any other rule (BYSETPOS, hourly
  ...) keeps the to-do without a repeat, and a warning says so. EXDATE, dates taken out of
  the series, cannot be kept either: one warning per to-do says it repeats on them too.
  RRULE has no word for repeating after completion: we write the flag as
  X-TODO-DESKTOP-AFTER-COMPLETION, which other programs ignore. A repeating to-do is written
  with DTSTART, which RFC 5545 counts the occurrences from: its due date (in the value type
  of DUE), or its creation time when it has none; DTSTART is read only for an alarm
  counted from it. A to-do with RECURRENCE-ID changes one occurrence of a series, which we
  cannot hold: it is skipped with a sentence.
- VALARM ↔ reminder: one VALARM with the task's reminder, at a time or RELATED=END before
  the due time; read from the first VALARM of a to-do (`ical_alarms` gives the rules).
- VEVENT and VJOURNAL are no tasks: left out, with one warning that counts them.
- Times are written to the second, in UTC. TEXT values cannot hold control characters: a
  carriage return becomes a line break and the others (tab aside) are left out.

Reading is bounded: a logical line longer than `MAX_LINE` characters (a billion folded
continuation lines, say) is cut off as it is read and its property ignored (the to-do is
skipped when that is its title); components nest at most `MAX_DEPTH` deep. Lines are numbered
as a text editor shows them; a to-do is named by its BEGIN:VTODO line.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, tzinfo

from todo_desktop.core.interchange.common import (
    ALL_DAY,
    InterchangeError,
    compact_utc,
    quoted,
)
from todo_desktop.core.interchange.durations import parse_duration
from todo_desktop.core.interchange.ical_alarms import Properties, Property, alarm_lines, reminder
from todo_desktop.core.interchange.ical_lines import (
    MAX_DEPTH,
    MAX_LINE,
    component_line,
    logical_lines,
)
from todo_desktop.core.interchange.ical_zones import FileZones
from todo_desktop.core.interchange.repeat_rules import until_beside_start, until_in_utc
from todo_desktop.core.interchange.rows import ImportResult, RawTask, Rows
from todo_desktop.core.values import Priority, ReminderSetting, Task

NAME = "ical"
PRODID = "-//Todo Desktop//Todo Desktop//EN"
AFTER_COMPLETION = "X-TODO-DESKTOP-AFTER-COMPLETION"
_WRITTEN_PRIORITY = {Priority.URGENT: 1, Priority.HIGH: 3, Priority.MEDIUM: 5, Priority.LOW: 9}
_ESCAPED = re.compile(r"\\(.)", re.S)
_LIST_ITEM = re.compile(r"(?:\\.|[^\\,])+", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n, and the
    control characters iCalendar cannot carry (all but tab) left out."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def unescape_text(value: str) -> str:
    if "\\" not in value:
        return value
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def fold(line: str) -> str:
    """Lines of at most 75 octets, continuation lines starting with a space, never splitting
    a character's UTF-8 bytes."""
    if len(line) <= 75 and line.isascii():
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        width = len(ch.encode("utf-8", "surrogatepass"))
        if size + width > 75:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return "\r\n".join(pieces)


def _all_day(when: datetime | None, zone: tzinfo | None) -> bool:
    """Whether ``when`` is written as a date: due all day, and a zone to tell the day in."""
    return when is not None and zone is not None and when.astimezone(zone).time() == ALL_DAY


def _when_line(name: str, when: datetime, zone: tzinfo | None) -> str:
    if _all_day(when, zone):
        return f"{name};VALUE=DATE:{when.astimezone(zone):%Y%m%d}"
    return f"{name}:{compact_utc(when)}"


def _vtodo(task: Task, zone: tzinfo | None, setting: ReminderSetting | None) -> Iterator[str]:
    yield "BEGIN:VTODO"
    yield f"UID:{task.id}"
    yield f"DTSTAMP:{compact_utc(task.updated_at)}"
    yield f"CREATED:{compact_utc(task.created_at)}"
    yield f"LAST-MODIFIED:{compact_utc(task.updated_at)}"
    yield f"SUMMARY:{escape_text(task.title)}"
    if task.description:
        yield f"DESCRIPTION:{escape_text(task.description)}"
    yield f"PRIORITY:{_WRITTEN_PRIORITY[task.priority]}"
    if task.due_date is not None:
        yield _when_line("DUE", task.due_date, zone)
    start = ""
    if task.repeat:
        # An RRULE counts its occurrences from DTSTART, and servers refuse one without it.
        # The due date is the anchor (DUE may equal DTSTART, and takes its value type); a
        # task without one repeats from when it was made.
        start = (
            _when_line("DTSTART", task.due_date, zone)
            if task.due_date
            else f"DTSTART:{compact_utc(task.created_at)}"
        )
        yield start
    yield f"STATUS:{'COMPLETED' if task.completed else 'NEEDS-ACTION'}"
    if task.completed:
        yield f"COMPLETED:{compact_utc(task.completed_at or task.updated_at)}"
    if task.tags:
        yield "CATEGORIES:" + ",".join(escape_text(name) for name in task.tags)
    if task.repeat:
        yield f"RRULE:{until_beside_start(task.repeat, 'VALUE=DATE' in start, zone)}"
        if task.repeat_after_completion:
            yield f"{AFTER_COMPLETION}:TRUE"
    title, all_day = escape_text(task.title), _all_day(task.due_date, zone)
    yield from alarm_lines(setting, task.due_date, title, all_day=all_day)
    yield "END:VTODO"


def chunks(
    tasks: Iterable[Task],
    *,
    zone: tzinfo | None = None,
    reminders: Mapping[uuid.UUID, ReminderSetting] | None = None,
) -> Iterator[str]:
    """The file in pieces; ``reminders``: the reminder of each task id that has one."""
    reminders = reminders or {}
    yield f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n"
    for task in tasks:
        yield "".join(fold(line) + "\r\n" for line in _vtodo(task, zone, reminders.get(task.id)))
    yield "END:VCALENDAR\r\n"


def write(
    tasks: Iterable[Task],
    *,
    zone: tzinfo | None = None,
    reminders: Mapping[uuid.UUID, ReminderSetting] | None = None,
) -> str:
    return "".join(chunks(tasks, zone=zone, reminders=reminders))


def read(text: str, *, zone: tzinfo = UTC) -> ImportResult:
    rows = Rows(NAME)
    zones = FileZones(zone, text)
    stack: list[str] = []
    todo: Properties | None = None
    alarms: list[Properties] = []  # the VALARMs of the to-do being read
    sink: Properties | None = None  # where the properties of the component being read go
    start, others = 0, 0
    for number, line, cut in logical_lines(text):
        marker = component_line(line, cut, sink)
        if marker is None:
            continue
        name, value = marker
        if name == "BEGIN":
            stack.append(value.strip().upper())
            if len(stack) > MAX_DEPTH:
                raise InterchangeError(f"Line {number:,} nests components deeper than {MAX_DEPTH}.")
            if stack[-1] == "VTODO":
                todo, alarms, start = {}, [], number
            elif todo is not None and stack[-2:] == ["VTODO", "VALARM"]:
                alarms.append({})
            others += stack[-1] in ("VEVENT", "VJOURNAL")
            zones.begin(stack)
            sink = _sink(stack, todo, alarms, zones)
        else:
            if not stack or stack[-1] != value.strip().upper():
                raise InterchangeError(f"Line {number:,} ends {quoted(value)}, which was not begun there.")
            if stack.pop() == "VTODO" and todo is not None:
                _add(rows, start, todo, alarms, zones)
                todo = None
            zones.end(stack)
            sink = _sink(stack, todo, alarms, zones)
    if stack:
        raise InterchangeError(f"The file ends inside {quoted(stack[-1])}; it is cut off.")
    zones.finish(rows)
    if others == 1:
        rows.warn(0, "1 event or journal entry in the file is not a to-do and was left out")
    elif others:
        rows.warn(0, f"{others:,} events or journal entries in the file are not to-dos and were left out")
    return rows.result()


def _sink(
    stack: list[str], todo: Properties | None, alarms: list[Properties], zones: FileZones
) -> Properties | None:
    """Where the properties of the innermost component go: a to-do's own, those of one of its
    alarms, or those of a VTIMEZONE block; none for any other component."""
    if todo is None or not stack:
        return zones.sink(stack)
    if stack[-1] == "VTODO":
        return todo
    return alarms[-1] if stack[-2:] == ["VTODO", "VALARM"] and alarms else None


def _is_date(prop: Property | None) -> bool:
    """Whether a DUE or DTSTART is a date (VALUE=DATE, or eight digits alone)."""
    if prop is None:
        return False
    params, value = prop
    return params.get("VALUE", "").upper() == "DATE" or "T" not in (value or "T").upper()


def _first(todo: Properties, name: str) -> Property | None:
    values = todo.get(name)
    return values[0] if values else None


def _add(rows: Rows, number: int, todo: Properties, alarms: list[Properties], zones: FileZones) -> None:
    zone = zones.person
    if "RECURRENCE-ID" in todo:
        rows.skip(number, "changes one occurrence of a repeating to-do, which cannot be kept")
        return
    status = (_first(todo, "STATUS") or ({}, ""))[1] or ""
    if status.strip().upper() == "CANCELLED":
        rows.skip(number, "is a cancelled to-do", expected=True)
        return
    summary, description = _first(todo, "SUMMARY"), _first(todo, "DESCRIPTION")
    for label, prop in (("title", summary), ("description", description)):
        if prop is not None and prop[1] is None:
            rows.skip(number, f"has a {label} of more than {MAX_LINE:,} characters")
            return
    raw = RawTask(title=unescape_text(summary[1] or "") if summary else None)
    uid = _first(todo, "UID")
    raw.uid = uid[1].strip() if uid and uid[1] else None
    raw.description = unescape_text(description[1]) if description and description[1] else None
    found_start: list[datetime | None] = []

    def start() -> datetime | None:
        """DTSTART, read once (and its warning said once) for whichever needs it."""
        if not found_start:
            found_start.append(zones.instant(rows, number, _first(todo, "DTSTART")))
        return found_start[0]

    due = _first(todo, "DUE")
    if due is not None:
        raw.due = zones.instant(rows, number, due, "due date")
        if raw.due is None:
            return
    elif _first(todo, "DURATION") is not None:
        # RFC 5545 gives a to-do DUE or DTSTART with DURATION: then it is due when that ends.
        # Either one unreadable leaves the due date unknown, which waits for a yes, as a DUE
        # that is not a date does.
        given = _first(todo, "DTSTART")
        found_start.append(zones.instant(rows, number, given, "start"))
        text = (_first(todo, "DURATION") or ({}, ""))[1] or ""
        length = parse_duration(text)
        if given is not None and given[1] is not None and found_start[0] is None:
            return  # skipped: a start that is not a date
        if found_start[0] is None:
            rows.skip(number, "has a DURATION but no DTSTART to count it from, so its due date is not known")
            return
        if length is None or length < timedelta(0):
            rows.skip(number, f"has a DURATION {quoted(text)} that is not a length of time")
            return
        raw.due = found_start[0] + length
    raw.completed_at = zones.instant(rows, number, _first(todo, "COMPLETED"))
    raw.created_at = zones.instant(rows, number, _first(todo, "CREATED"))
    raw.updated_at = zones.instant(rows, number, _first(todo, "LAST-MODIFIED") or _first(todo, "DTSTAMP"))
    percent = (_first(todo, "PERCENT-COMPLETE") or ({}, ""))[1] or ""
    raw.completed = status.strip().upper() == "COMPLETED" or raw.completed_at is not None or percent == "100"
    raw.priority = _priority(rows, number, (_first(todo, "PRIORITY") or ({}, ""))[1] or "")
    for _, value in todo.get("CATEGORIES", []):
        raw.tags += [unescape_text(item) for item in _LIST_ITEM.findall(value or "")]
    rules = todo.get("RRULE", [])
    if len(rules) > 1:
        rows.warn(number, "has several RRULEs; only the first is read")
    if rules:
        raw.repeat = until_in_utc(rules[0][1] or "", zone)
        if "EXDATE" in todo:
            rows.warn(
                number,
                "leaves dates out of its repeat (EXDATE), which this app cannot; it repeats on them too",
            )
        flag = _first(todo, AFTER_COMPLETION)
        raw.after_completion = flag is not None and (flag[1] or "").strip().upper() == "TRUE"
    raw.reminder = reminder(rows, number, alarms, raw.due, start, zone, all_day=_is_date(due))
    rows.add(number, raw)


def _priority(rows: Rows, number: int, text: str) -> Priority:
    text = text.strip()
    if not text or text == "0":
        return Priority.MEDIUM
    if len(text) == 1 and text in "123456789":
        level = int(text)
        if level == 5:
            return Priority.MEDIUM
        return Priority.URGENT if level == 1 else Priority.HIGH if level < 5 else Priority.LOW
    rows.warn(number, f"has the priority {quoted(text)}, which is not 0 to 9; read as medium")
    return Priority.MEDIUM
