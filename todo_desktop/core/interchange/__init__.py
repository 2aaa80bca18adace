"""Import and export in real formats: pure conversions between files and task values.

    result = read(data, "auto", zone=zone, now=now)  # bytes or text in, an ImportResult out
    summary(result)       # "142 tasks, 3 repeating, 12 tags; 2 rows skipped: line 17 has no title"
    for batch in result.batches(1000):
        ...               # ImportRow.draft() is the TaskDraft; ids are stable across imports
    text = write(tasks, "ical", zone=zone, reminders=reminders)  # or chunks(...) piece by piece

| name        | format                                    | read | write |
| ----------- | ----------------------------------------- | ---- | ----- |
| json        | this app's own, lossless and versioned    | yes  | yes   |
| csv         | CSV with a header row, lossless           | yes  | yes   |
| todoist     | Todoist's CSV template and export         | yes  | no    |
| google      | Google Tasks from Google Takeout (JSON)   | yes  | no    |
| ticktick    | TickTick's CSV backup                     | yes  | no    |
| taskwarrior | ``task export`` / ``task import`` JSON    | yes  | yes   |
| ical        | iCalendar VTODO (RFC 5545)                | yes  | yes   |

Each module's docstring gives its mapping and the reasons for it; `rows` the rules shared by
every reader (ids, titles, tags, repeats) and the preview sentence. A reader never raises
for a bad row: the row is skipped with one sentence naming its line or record; only a file
that cannot be read at all (not UTF-8, not the format, over 128 MB or 200,000 tasks, broken
JSON or iCalendar structure) raises `InterchangeError`, with one sentence. ``zone`` is the
person's zone: dates without a time are due at 23:59 in it, as everywhere in the app.
Reminders are kept apart from tasks, as in the app: a writer is given them by task id, and
JSON and iCalendar carry them (CSV and Taskwarrior have no place for one); a reader gives each
row's as `ImportRow.reminder`.
Nothing here touches the database, a file or the clock (``now`` is only a default for the
Todoist reader's relative dates).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from todo_desktop.core.interchange import (
    csv_text,
    google_tasks,
    ical,
    native_json,
    plain_csv,
    taskwarrior,
    ticktick_csv,
    todoist_csv,
)
from todo_desktop.core.interchange.common import InterchangeError, decode
from todo_desktop.core.interchange.rows import ImportResult, ImportRow, Problem, summary
from todo_desktop.core.values import ReminderSetting, Task

__all__ = [
    "FORMATS",
    "Format",
    "ImportResult",
    "ImportRow",
    "InterchangeError",
    "Problem",
    "chunks",
    "detect",
    "read",
    "summary",
    "write",
]
AUTO = "auto"
_HEAD = 8192
# Anywhere in the first bytes, since a program that rewrites the file may sort its keys; a
# "format" inside a text value has its quotes escaped, so it does not match.
_NATIVE = re.compile(r'"format"\s*:\s*"todo-desktop"')
# Google's resources name their kind; Takeout's Tasks.json is "tasks#taskLists", and one
# list or one task ("tasks#taskList", "tasks#task") is Google's too, for its own sentence.
_GOOGLE = re.compile(r'"kind"\s*:\s*"tasks#task(?:Lists?|s)?"')


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    label: str  # for a file dialog's filter
    extension: str
    writes: bool


FORMATS: dict[str, Format] = {
    "json": Format("json", "Todo Desktop JSON", ".json", True),
    "csv": Format("csv", "CSV", ".csv", True),
    "todoist": Format("todoist", "Todoist CSV", ".csv", False),
    "google": Format("google", "Google Tasks (Takeout)", ".json", False),
    "ticktick": Format("ticktick", "TickTick backup", ".csv", False),
    "taskwarrior": Format("taskwarrior", "Taskwarrior JSON", ".json", True),
    "ical": Format("ical", "iCalendar to-dos", ".ics", True),
}


def _detect_text(text: str) -> str:
    head = text[:_HEAD].lstrip()
    if head[:15].upper() == "BEGIN:VCALENDAR":
        return "ical"
    if head.startswith("{") and _NATIVE.search(head):
        return "json"
    if head.startswith("{") and _GOOGLE.search(head):
        return "google"
    if head.startswith(("[", "{")):
        # task export: an array, or one object a line; each task has a uuid and a description.
        if head.startswith("[") and head[1:].lstrip()[:1] in ("]", ""):
            return "taskwarrior"
        if '"uuid"' in head and ('"description"' in head or '"status"' in head):
            return "taskwarrior"
        raise InterchangeError(
            "The file is JSON, but not this app's, a Taskwarrior export or Google Takeout's Tasks.json."
        )
    header = csv_text.header(csv_text.records(head))
    if todoist_csv.is_todoist_header(header):
        return "todoist"
    # After its lines about itself: so before a sheet's, whose header has a Title too.
    if ticktick_csv.find_header(csv_text.records(head)) is not None:
        return "ticktick"
    if "title" in plain_csv.header_columns(header):
        return "csv"
    raise InterchangeError(
        "The file is in none of the formats this app reads: its JSON, CSV with a title column, "
        "Todoist CSV, Taskwarrior JSON, Google Takeout's Tasks.json, a TickTick backup or iCalendar."
    )


def detect(data: str | bytes) -> str:
    """The name of the format ``data`` is in (a key of FORMATS), from its first bytes."""
    return _detect_text(decode(data))


def read(
    data: str | bytes,
    fmt: str = AUTO,
    *,
    zone: tzinfo = UTC,
    now: datetime | None = None,
    day_first: bool = True,
) -> ImportResult:
    """``day_first``: how a CSV date such as 01/03/2026 is read when no date of its file
    shows the order (the person's locale's order; the preview says which was taken)."""
    text = decode(data)
    name = _detect_text(text) if fmt == AUTO else fmt
    if name == "json":
        return native_json.read(text, zone=zone)
    if name == "csv":
        return plain_csv.read(text, zone=zone, day_first=day_first)
    if name == "todoist":
        return todoist_csv.read(text, zone=zone, now=now, day_first=day_first)
    if name == "taskwarrior":
        return taskwarrior.read(text, zone=zone)
    if name == "google":
        return google_tasks.read(text, zone=zone)
    if name == "ticktick":
        return ticktick_csv.read(text, zone=zone)
    if name == "ical":
        return ical.read(text, zone=zone)
    raise InterchangeError(f"There is no format called {name[:40]!r}; the formats are {', '.join(FORMATS)}.")


def chunks(
    tasks: Iterable[Task],
    fmt: str,
    *,
    zone: tzinfo | None = None,
    reminders: Mapping[uuid.UUID, ReminderSetting] | None = None,
) -> Iterator[str]:
    """The file in pieces; ``zone`` lets iCalendar write all-day dates (23:59 there);
    ``reminders``: the reminder of each task id that has one, for the formats that hold them."""
    if fmt == "json":
        return native_json.chunks(tasks, reminders=reminders)
    if fmt == "csv":
        return plain_csv.chunks(tasks)
    if fmt == "taskwarrior":
        return taskwarrior.chunks(tasks)
    if fmt == "ical":
        return ical.chunks(tasks, zone=zone, reminders=reminders)
    known = ", ".join(name for name, f in FORMATS.items() if f.writes)
    raise InterchangeError(f"This app cannot write {fmt[:40]!r}; it writes {known}.")


def write(
    tasks: Iterable[Task],
    fmt: str,
    *,
    zone: tzinfo | None = None,
    reminders: Mapping[uuid.UUID, ReminderSetting] | None = None,
) -> str:
    return "".join(chunks(tasks, fmt, zone=zone, reminders=reminders))
