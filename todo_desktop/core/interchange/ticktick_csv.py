"""TickTick's CSV backup (Settings > Backup, in its web app): read only.

The file opens with a few lines about itself, the last a quoted cell over several lines, and
then its header (one line, wrapped here); TickTick has added columns over the years (Kind,
Is Floating), so columns are found by name and unknown ones ignored:

    "Date: 2026-12-01+0000"
    "Version: 7.1"
    "Status:
    0 Normal
    1 Completed
    2 Archived"
    "Folder Name","List Name","Title","Kind","Tags","Content","Is Check list","Start Date",
    "Due Date","Reminder","Repeat","Priority","Status","Created Time","Completed Time","Order",
    "Timezone","Is All Day","Is Floating","Column Name","Column Order","View Mode","taskId","parentId"

The header is the first record (within the first 20) that names Title and List Name and one
of TickTick's own columns (taskId, Is Check list, Is All Day, Kind, Folder Name), so a
sheet of someone's own with a "List Name" column is still read as a plain CSV.

- Title and Content ↔ title and description. A CHECKLIST (Kind, or "Is Check list" Y) keeps
  its Content, the items as TickTick writes them ("▫Passport" open, "▪Tickets" ticked), as
  its description: the app has no checklists, and the items are still there to read. A NOTE
  is a note in TickTick, not a task: skipped, and said, but nothing to ask about.
- Dates are ISO 8601 with an offset ("2026-03-01T09:00:00+0000"). Due Date is the due date;
  a task with only a Start Date is due then (TickTick's one date of a task). "Is All Day"
  true: the date is a day, found in the task's Timezone (TickTick writes midnight there, in
  UTC), and due at 23:59 in the person's zone, as every date without a time in the app.
  "Is Floating" true: the time of day holds wherever the person is, so it is read in the
  person's zone. An empty flag is false.
- Priority: 0 none, 1 low, 3 medium, 5 high; none is medium, the app's default, and anything
  else medium with a warning.
- Status: 0 open; 1 completed, and 2, which the file calls archived, is how TickTick writes a
  completed task, so both are completed at Completed Time. -1 ("won't do", in newer
  versions) is skipped as the file's own choice, as a cancelled iCalendar to-do is. Others
  are read as open, with a warning.
- Repeat: an RRULE ("RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO"), the first line when there are
  several, checked by the same rules as every format (`rows`): within the app's subset it is
  kept; TickTick's own parts (TT_SKIP, ERULE) or anything else keep the task without its
  repeat, with a warning. A floating UNTIL is read in the task's Timezone.
- Tags: comma-separated ("errands, home"). List Name becomes a tag too (`app_lists`), except
  Inbox, TickTick's list for tasks not put in one (every open task is in this app's Inbox).
  Folder Name, Order, the kanban columns and View Mode are not kept; a subtask (parentId)
  is a task of its own, said once in a warning.
- Reminder: ISO 8601 durations ("-PT15M", "-P1D", "P0DT9H0M0S", with or without
  "TRIGGER:"), several separated by commas; the first is the task's reminder, the app's one,
  and one warning says the others were left out. TickTick counts them from the task's start:
  midnight of the day for an all-day task (where the person is, as its due date), else the
  Start Date. When the task starts when it is due (its one date, or the same day all day) the
  reminder is kept as a while before the due time, so it moves with the due date as the task
  repeats (all day: before 09:00 on the day, from which this app counts an all-day task's
  reminders, see `day_alarms`); a task that starts earlier is reminded at that time of its own.
- Ids: taskId names the task. TickTick's backups have been seen numbering their tasks
  1, 2, 3 ... in file order, which names a row of one backup and not a task, so such a
  number is the source uid together with the task's Created Time and title: the same backup
  imported twice names the same tasks, and task 1 of a later backup is not taken for task 1
  of an earlier one. A longer id (TickTick's 24-digit object ids) is the source uid alone.

Lines are numbered as a text editor shows them, the lines before the header included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, tzinfo

from todo_desktop.core.interchange.app_lists import ListTags
from todo_desktop.core.interchange.common import (
    FALSE_WORDS,
    TRUE_WORDS,
    InterchangeError,
    end_of_date,
    parse_iso,
    quoted,
    zone_named,
)
from todo_desktop.core.interchange.csv_text import is_blank, records
from todo_desktop.core.interchange.day_alarms import from_start_of_day
from todo_desktop.core.interchange.durations import parse_duration
from todo_desktop.core.interchange.repeat_rules import until_in_utc
from todo_desktop.core.interchange.rows import ImportResult, RawTask, Rows
from todo_desktop.core.values import Priority, ReminderSetting

NAME = "ticktick"
APP = "TickTick"
REQUIRED = frozenset({"Title", "List Name"})
OWN_COLUMNS = frozenset({"taskId", "Is Check list", "Is All Day", "Kind", "Folder Name"})
HEADER_WITHIN = 20  # records before the header: TickTick writes three
INBOX = "Inbox"
_PRIORITIES = {
    "": Priority.MEDIUM,
    "0": Priority.MEDIUM,
    "1": Priority.LOW,
    "3": Priority.MEDIUM,
    "5": Priority.HIGH,
}
_OPEN, _DONE, _WONT_DO = ("", "0"), ("1", "2"), "-1"
_ROW_NUMBER = re.compile(r"[0-9]{1,12}")
_REMINDERS = re.compile(r"[^,;\s]+")

Cell = Callable[[str], str]


def columns_of(record: list[str]) -> dict[str, int] | None:
    """Column name -> index when ``record`` is TickTick's header, else None."""
    names: dict[str, int] = {}
    for index, name in enumerate(record):
        names.setdefault(name.strip().lstrip("\ufeff").strip(), index)
    return names if names.keys() >= REQUIRED and OWN_COLUMNS & names.keys() else None


def find_header(found: Iterable[tuple[int, list[str]]]) -> dict[str, int] | None:
    """The columns of the first header among the first records of ``found``, or None."""
    for count, (_, record) in enumerate(found):
        columns = columns_of(record)
        if columns is not None or count >= HEADER_WITHIN:
            return columns
    return None


def read(text: str, *, zone: tzinfo = UTC) -> ImportResult:
    rows = Rows(NAME)
    found = records(text, rows.skip)
    columns = find_header(found)
    if columns is None:
        raise InterchangeError(
            "The file is not a TickTick backup: no line near its start names the columns Title and List Name."
        )
    tags = ListTags(APP)
    for line, record in found:
        if is_blank(record):
            continue

        def cell(name: str, record: list[str] = record) -> str:
            index = columns.get(name)
            return record[index] if index is not None and index < len(record) else ""

        if _add(rows, line, cell, zone, tags) and cell("parentId").strip():
            tags.subtasks += 1
    return tags.finish(rows)


def _add(rows: Rows, line: int, cell: Cell, zone: tzinfo, tags: ListTags) -> bool:
    """Whether the row went in (False: skipped, with its sentence)."""
    if cell("Kind").strip().upper() == "NOTE":
        rows.skip(line, f"is a note in {APP}, not a task", expected=True)
        return False
    status = cell("Status").strip()
    if status == _WONT_DO:
        rows.skip(line, f"was marked won't do in {APP}", expected=True)
        return False
    if status not in (*_OPEN, *_DONE):
        rows.warn(line, f"has the status {quoted(status)}, which is not 0, 1 or 2; read as open")
    where = zone_named(cell("Timezone")) if cell("Timezone").strip() else None
    due_text = cell("Due Date").strip() or cell("Start Date").strip()
    all_day = _flag(rows, line, cell, "Is All Day")
    floating = _flag(rows, line, cell, "Is Floating")
    due = None
    if due_text:
        due = _due(due_text, all_day, floating, where, zone)
        if due is None:
            rows.skip(line, f"has a due date {quoted(due_text)} that is not a date")
            return False
    priority_text = cell("Priority").strip()
    priority = _PRIORITIES.get(priority_text)
    if priority is None:
        rows.warn(
            line, f"has the priority {quoted(priority_text)}, which is not 0, 1, 3 or 5; read as medium"
        )
    names = [name.strip().lstrip("#") for name in cell("Tags").split(",") if name.strip().lstrip("#")]
    list_name = cell("List Name").strip()
    list_tag = tags.tag(list_name) if list_name and list_name != INBOX else None
    created = cell("Created Time").strip()
    raw = RawTask(
        title=cell("Title"),
        uid=_uid(cell("taskId").strip(), created, cell("Title")),
        description=cell("Content") or None,
        priority=priority or Priority.MEDIUM,
        due=due,
        due_text=due_text,
        completed=status in _DONE,
        completed_at=_instant(rows, line, cell("Completed Time"), "a completion time"),
        created_at=_instant(rows, line, created, "a creation time"),
        tags=[*names, *([list_tag] if list_tag else [])],
        repeat=_repeat(cell("Repeat"), where or zone),
    )
    if cell("Reminder").strip():
        start_text = cell("Start Date").strip()
        start = _due(start_text, all_day, floating, where, zone) if start_text else due
        raw.reminder = _reminder(rows, line, cell("Reminder"), start or due, due, all_day, zone)
    return rows.add(line, raw) is not None


def _uid(task_id: str, created: str, title: str) -> str | None:
    """The source uid (see Ids above); None leaves the id to the row's content (`rows`)."""
    if not task_id:
        return None
    if _ROW_NUMBER.fullmatch(task_id):
        return f"{task_id}\x1f{created}\x1f{title}"
    return task_id


def _flag(rows: Rows, line: int, cell: Cell, name: str) -> bool:
    word = cell(name).strip().lower()
    if word not in TRUE_WORDS and word not in FALSE_WORDS:
        rows.warn(line, f"has {quoted(word)} for {name}, which is not true or false; read as false")
    return word in TRUE_WORDS


def _due(text: str, all_day: bool, floating: bool, where: tzinfo | None, zone: tzinfo) -> datetime | None:
    """The due instant (see Dates above), or None when ``text`` is no date."""
    # A date alone is a day where the person is, as in every format.
    instant = parse_iso(text, zone if len(text) == 10 else where or zone)
    if instant is None:
        return None
    try:
        if all_day:
            return end_of_date(instant.astimezone(where or zone).date(), zone)
        if floating and where is not None:
            return instant.astimezone(where).replace(tzinfo=zone).astimezone(UTC)
    except (OverflowError, ValueError):  # past the years a datetime holds, in some zone
        return None
    return instant


def _instant(rows: Rows, line: int, text: str, label: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    found = parse_iso(text, UTC)
    if found is None:
        rows.warn(line, f"has {label} {quoted(text)} that is not a time; it was left out")
    return found


def _repeat(text: str, zone: tzinfo) -> str | None:
    rule = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return until_in_utc(rule, zone) if rule else None


def _reminder(
    rows: Rows,
    line: int,
    text: str,
    start: datetime | None,
    due: datetime | None,
    all_day: bool,
    zone: tzinfo,
) -> ReminderSetting | None:
    """The first of the reminders ``text`` lists (see Reminder above), or None with a warning;
    whether the app can keep it is for `Rows` to say."""
    found = _REMINDERS.findall(text)
    if len(found) > 1:
        rows.warn(line, f"has {len(found):,} reminders; only the first reminder is kept")
    first = found[0] if found else text.strip()
    word = first[8:] if first[:8].upper() == "TRIGGER:" else first
    offset = parse_duration(word)
    if offset is None:
        rows.warn(line, f"has a reminder {quoted(first)} that is not a duration; it was left out")
        return None
    if start is None or due is None:
        return ReminderSetting(before_due=-offset)  # with no date to count from: `Rows` says so
    try:
        if all_day:
            start = datetime.combine(start.astimezone(zone).date(), time(0), tzinfo=zone).astimezone(UTC)
        same = start.astimezone(zone).date() == due.astimezone(zone).date() if all_day else start == due
        if same and all_day:  # kept as a while before that day's morning, so that it moves with it
            return from_start_of_day(due, offset, zone)
        if same:  # kept as a while before the due time, so that it moves with it
            return ReminderSetting(before_due=(due - start) - offset)
        return ReminderSetting(at=start + offset)
    except OverflowError:
        rows.warn(line, f"has a reminder {quoted(first)} too far from its dates; it was left out")
        return None
