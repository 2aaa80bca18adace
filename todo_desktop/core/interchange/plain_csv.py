"""CSV with a header row, for spreadsheets: every field of a task, nothing lost but one thing.

    id,title,description,priority,due_date,completed,completed_at,created_at,updated_at,tags,repeat,repeat_after_completion

Written as RFC 4180 (commas, CRLF, double quotes where a cell needs them; line breaks stay
inside their quoted cell), in UTF-8. Tags are separated by spaces (a tag never holds one);
instants are ISO 8601 with offset and microseconds; true and false for the flags.

Spreadsheet safety (CSV injection): a cell that starts with = + - @, a tab or a carriage
return is a formula to Excel and LibreOffice, so the writer puts a ' before it, as OWASP
advises; and before a cell that starts with ' itself, so that the reader can take exactly one
' off any cell that starts with ' followed by one of those characters or another ': the round
trip stays lossless ("-5 push-ups" comes back as typed) and no cell is ever a formula.

The reader also takes a hand-made sheet: only a title column is required; headers are
compared case-insensitively, with a few common names (name, task, due, notes, labels, done);
separators, blank lines before the header and quotes never closed are as `csv_text` reads
them. Dates are ISO 8601 or as a sheet writes them ("01.03.2026 14:30", "3/1/2026 2:30 PM"),
each column read day or month first as its dates show (`csv_dates`). A date without a time is
due at 23:59 in the zone given, a date and time without an offset is read in it. Lines are
numbered as a text editor shows them. A line break in a description comes back as LF whether
a sheet wrote it as CR LF or CR (`rows`): that is the one thing the round trip does not keep,
a carriage return the app's own editor never types.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, tzinfo

from todo_desktop.core.interchange.common import (
    FALSE_WORDS,
    TRUE_WORDS,
    InterchangeError,
    iso,
    quoted,
)
from todo_desktop.core.interchange.csv_dates import SheetDates, sheet_dates
from todo_desktop.core.interchange.csv_text import ReadAhead, header, is_blank, records
from todo_desktop.core.interchange.rows import ImportResult, RawTask, Rows
from todo_desktop.core.values import Priority, Task

NAME = "csv"
COLUMNS = (
    "id",
    "title",
    "description",
    "priority",
    "due_date",
    "completed",
    "completed_at",
    "created_at",
    "updated_at",
    "tags",
    "repeat",
    "repeat_after_completion",
)
DATES = ("due_date", "completed_at", "created_at", "updated_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ALIASES = {
    "name": "title",
    "task": "title",
    "summary": "title",
    "due": "due_date",
    "due date": "due_date",
    "notes": "description",
    "note": "description",
    "labels": "tags",
    "done": "completed",
    "uid": "id",
    "uuid": "id",
}


def escape_cell(value: str) -> str:
    """``value`` safe to open in a spreadsheet, and exactly recoverable by `unescape_cell`."""
    return "'" + value if value.startswith((*FORMULA_STARTS, "'")) else value


def unescape_cell(value: str) -> str:
    return value[1:] if value[:1] == "'" and value[1:2] in (*FORMULA_STARTS, "'") and value[1:2] else value


def _cells(task: Task) -> list[str]:
    flags = {True: "true", False: "false"}
    cells = [
        str(task.id),
        task.title,
        task.description or "",
        task.priority.value,
        iso(task.due_date),
        flags[task.completed],
        iso(task.completed_at),
        iso(task.created_at),
        iso(task.updated_at),
        " ".join(task.tags),
        task.repeat or "",
        flags[task.repeat_after_completion],
    ]
    return [escape_cell(cell) for cell in cells]


def chunks(tasks: Iterable[Task]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for task in tasks:
        writer.writerow(_cells(task))
        if buffer.tell() > 1 << 16:  # hand out pieces of about 64 KB
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write(tasks: Iterable[Task]) -> str:
    return "".join(chunks(tasks))


def header_columns(header: list[str]) -> dict[str, int]:
    """Our column name -> its index, for the columns of ``header`` this format knows."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().lower().lstrip("\ufeff")
        key = _ALIASES.get(key, key.replace(" ", "_"))
        if key in COLUMNS:
            found.setdefault(key, index)
    return found


def read(text: str, *, zone: tzinfo = UTC, day_first: bool = True) -> ImportResult:
    """``day_first``: how a file whose dates never show their order is read (`csv_dates`)."""
    rows = Rows(NAME, own_ids=True)
    ahead = ReadAhead()
    found = records(text, ahead.skip)
    columns = header_columns(head := header(found))
    if "title" not in columns:
        shown = quoted(",".join(head), 60)
        raise InterchangeError(f"The CSV file has no title column; its first line is {shown}.")
    ahead.fill(found)
    dates = sheet_dates(ahead, columns, DATES, rows, day_first=day_first)
    for start, record in ahead.replay(rows.skip):
        if is_blank(record):
            continue  # blank lines, and the empty rows spreadsheets leave at the end
        cells = {key: unescape_cell(record[i]) if i < len(record) else "" for key, i in columns.items()}
        raw = _raw(rows, start, cells, dates, zone)
        if raw is not None:
            rows.add(start, raw)
    return rows.result()


def _raw(rows: Rows, number: int, cells: dict[str, str], dates: SheetDates, zone: tzinfo) -> RawTask | None:
    instants = {}
    for key in DATES:
        text = cells.get(key, "").strip()
        instants[key] = dates.read(key, text, zone) if text else None
        if text and instants[key] is None:
            doubt = dates.doubt(key, text)  # a date this column cannot tell the order of
            if key == "due_date":
                rows.skip(number, f"has a due date {quoted(text)} that {doubt or 'is not a date'}")
                return None
            label = key.replace("_", " ")
            if doubt:
                rows.warn(number, f"has a {label} {quoted(text)} that {doubt}; it was left out")
            else:
                rows.warn(number, f"has a {label} that is not a date; it was left out")
    flags = {}
    for key in ("completed", "repeat_after_completion"):
        text = cells.get(key, "").strip().lower()
        flags[key] = text in TRUE_WORDS
        if text not in TRUE_WORDS and text not in FALSE_WORDS:
            rows.warn(number, f"has {quoted(text)} for {key.replace('_', ' ')}, which is not true or false")
    priority_text = cells.get("priority", "").strip().lower() or Priority.MEDIUM.value
    if priority_text not in {p.value for p in Priority}:
        rows.warn(number, f"has the priority {quoted(priority_text)}, which is not known; read as medium")
        priority_text = Priority.MEDIUM.value
    tags = cells.get("tags", "").replace(",", " ").split()
    return RawTask(
        title=cells.get("title"),
        uid=cells.get("id", "").strip() or None,
        description=cells.get("description") or None,
        priority=Priority(priority_text),
        due=instants["due_date"],
        due_text=cells.get("due_date", "").strip(),
        completed=flags["completed"],
        completed_at=instants["completed_at"],
        created_at=instants["created_at"],
        updated_at=instants["updated_at"],
        tags=[name.lstrip("#") for name in tags],
        repeat=cells.get("repeat", "").strip() or None,
        after_completion=flags["repeat_after_completion"],
    )
