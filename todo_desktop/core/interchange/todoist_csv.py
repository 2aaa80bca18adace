"""Todoist's CSV (a project exported as a template, or a file made for Todoist's import): read only.

The columns of Todoist's own template, in its order:

    TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE,DURATION,DURATION_UNIT,DEADLINE,DEADLINE_LANG

Older exports stop after TIMEZONE, some add ``meta`` or IS_COLLAPSED; columns are found by
name, and only TYPE and CONTENT are required.

- TYPE: ``task`` rows are tasks. A ``note`` row is a comment on the task above it: it is added
  to that task's description, after a blank line. A ``section`` row names the section the
  tasks after it belong to: we have no sections, so its name becomes a tag of those tasks
  (that is how people find them again here). A ``meta`` row (``view_style=board``, right
  after the header of Todoist's exports) holds the project's view, nothing of a task: it is
  passed over in silence, since a row named in the preview would be one to confirm. Other
  types are skipped with a sentence.
- CONTENT: ``@label`` words are Todoist's labels: they become tags and leave the title
  (only whole words after a space, so "me@example.com" stays). Nothing else is read from the
  title: its dates are in DATE.
- PRIORITY: Todoist's template says 1 is p1, the highest, and 4 is p4, the lowest, and that
  is what its own exports write; Todoist's API numbers the other way (4 is p1), which is why
  files made by other programs are sometimes wrong. We follow the template, and read p1 to p4
  as quick-add reads them: urgent, high, medium, low. An empty cell is medium, our default:
  Todoist's help says an empty cell means p1, but a blank column in a hand-made file far more
  often means "no priority" than "everything urgent". Any other value is medium with a warning.
- DATE: ISO dates and times are read directly, and so are dates as a sheet writes them
  ("3/15/2026 2:30 PM", "01.03.2026"), day or month first as the column shows (`csv_dates`,
  whose one warning says when the file shows neither); anything else ("every monday", "13 Jun",
  "tomorrow at 5pm", "every! 3 days") by the quick-add grammar (`core.quick_entry.parse`),
  which speaks Todoist's date language in English, relative to ``now`` and in TIMEZONE (a
  valid IANA name) or else the zone given. Two things are read only here, where the whole
  cell is a date: Todoist's "ev" for every ("ev mon"), and words the quick-add language
  reads only after a cue because they are title words too ("sat", "sun 5pm"). A date it
  cannot read skips the row, as a due date that cannot be read does in every format
  (`rows`): a task that quietly lost its deadline does more harm than a row the person is
  asked about. DEADLINE, a date, is the due date of a task without DATE.
- INDENT: sub-tasks are kept as tasks of their own; AUTHOR, RESPONSIBLE and DURATION are not
  kept. Todoist's templates hold no completed tasks, so every task is open.
- Ids: the rows have none, so each task's id is made from its content as the file spells it
  (`rows`), DATE as its words: the same file imported twice, on any day, gives the same tasks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from todo_desktop.core.clock import utc_now
from todo_desktop.core.interchange.common import InterchangeError, quoted, zone_named
from todo_desktop.core.interchange.csv_dates import SheetDates, sheet_dates
from todo_desktop.core.interchange.csv_text import ReadAhead, header, records
from todo_desktop.core.interchange.plain_csv import unescape_cell
from todo_desktop.core.interchange.rows import ImportResult, RawTask, Rows
from todo_desktop.core.quick_entry import parse
from todo_desktop.core.quick_entry.tokens import TODOIST_PRIORITIES
from todo_desktop.core.values import Priority

NAME = "todoist"
TEMPLATE_COLUMNS = (
    "TYPE",
    "CONTENT",
    "DESCRIPTION",
    "PRIORITY",
    "INDENT",
    "AUTHOR",
    "RESPONSIBLE",
    "DATE",
    "DATE_LANG",
    "TIMEZONE",
    "DURATION",
    "DURATION_UNIT",
    "DEADLINE",
    "DEADLINE_LANG",
)
_LABEL = re.compile(r"(?:^|(?<=\s))@([^\s@]+)")
_PLACEHOLDER = "x"  # quick-add never reads the first word, so a date needs a word before it
_MAX_DATE_TEXT = 100
_DATE_COLUMNS = ("DATE", "DEADLINE")
# Todoist's short "every" ("ev mon"): only in a date cell, since "ev" is a title word too.
_EV = re.compile(r"(?i)(?<!\S)ev(?=!?\s)")


def is_todoist_header(header: list[str]) -> bool:
    names = {name.strip().lstrip("\ufeff") for name in header}
    return {"TYPE", "CONTENT"} <= names


class _Dates:
    """Todoist's date cells read once per distinct text: exports repeat a few hundred strings.
    ``sheet``: the order of day and month each date column shows."""

    def __init__(self, now: datetime, zone: tzinfo, sheet: SheetDates) -> None:
        self.now, self.zone, self.sheet = now, zone, sheet
        self._seen: dict[tuple[str, str, str], tuple[datetime | None, str | None, bool]] = {}

    def read(self, text: str, zone_name: str, column: str) -> tuple[datetime | None, str | None, bool] | None:
        """(due, repeat, after completion), or None when the text is no date."""
        key = (text, zone_name, column)
        if key not in self._seen:
            zone = (zone_named(zone_name) if zone_name else None) or self.zone
            self._seen[key] = self._read(text, zone, column)
        found = self._seen[key]
        return None if found[0] is None and found[1] is None else found

    def _read(self, text: str, zone: tzinfo, column: str) -> tuple[datetime | None, str | None, bool]:
        instant = self.sheet.read(column, text, zone)  # ISO, or a date as a sheet writes it
        if instant is not None or len(text) > _MAX_DATE_TEXT or self.sheet.doubt(column, text):
            return instant, None, False
        text = _EV.sub("every", text)
        # The whole cell is a date, so a word the quick-add language reads only after a cue
        # ("sat", "sun 5pm": also English words in a title) is read with one.
        for words in (f"{_PLACEHOLDER} {text}", f"{_PLACEHOLDER} on {text}"):
            entry = parse(words, self.now, zone, day_first=self.sheet.day_first(column))
            if entry.title == _PLACEHOLDER and (entry.due is not None or entry.repeat is not None):
                return entry.due, entry.repeat, entry.repeat_after_completion
        return None, None, False  # a word was not read: the date is not understood


def read(
    text: str, *, zone: tzinfo = UTC, now: datetime | None = None, day_first: bool = True
) -> ImportResult:
    """``day_first``: how a file whose dates never show their order is read (`csv_dates`)."""
    rows = Rows(NAME)
    ahead = ReadAhead()
    found = records(text, ahead.skip)
    names = header(found)
    if not is_todoist_header(names):
        raise InterchangeError("The file is not a Todoist CSV: its first line has no TYPE and CONTENT.")
    columns = {name.strip().lstrip("\ufeff"): index for index, name in reversed(list(enumerate(names)))}
    ahead.fill(found)
    sheet = sheet_dates(ahead, columns, _DATE_COLUMNS, rows, day_first=day_first)
    dates = _Dates(now or utc_now(), zone, sheet)
    section: str | None = None
    # A task is added once its notes are read; None: its row was skipped, and its notes go too.
    last: tuple[int, RawTask | None] | None = None

    def flush() -> None:
        if last is not None and last[1] is not None:
            rows.add(last[0], last[1])

    for start, record in ahead.replay(rows.skip):

        def cell(name: str, record: list[str] = record) -> str:
            index = columns.get(name)
            return unescape_cell(record[index]).strip() if index is not None and index < len(record) else ""

        kind = cell("TYPE").lower()
        if not kind and not cell("CONTENT"):
            continue  # the empty rows between sections
        if kind == "note":
            if last is None:
                rows.skip(start, "is a note with no task above it")
            elif last[1] is not None:
                note = cell("CONTENT")
                current = last[1].description
                last[1].description = f"{current}\n\n{note}" if current else note
        elif kind == "section":
            section = cell("CONTENT") or None
        elif kind == "meta":
            continue
        elif kind == "task":
            flush()
            last = (start, _task(rows, start, cell, section, dates))
        else:
            rows.skip(start, f"is of the type {quoted(kind)}, which is not task, note or section")
    flush()
    return rows.result()


def _task(
    rows: Rows, number: int, cell: Callable[[str], str], section: str | None, dates: _Dates
) -> RawTask | None:
    content = cell("CONTENT")
    labels = _LABEL.findall(content)
    title = " ".join(_LABEL.sub(" ", content).split()) if labels else content
    priority_text = cell("PRIORITY")
    priority = TODOIST_PRIORITIES.get(f"p{priority_text}") if priority_text else Priority.MEDIUM
    if priority is None:
        rows.warn(number, f"has the priority {quoted(priority_text)}, which is not 1 to 4; read as medium")
    raw = RawTask(
        title=title,
        description=cell("DESCRIPTION") or None,
        priority=priority or Priority.MEDIUM,
        tags=[*labels, *([section] if section else [])],
    )
    column, date_text = "DATE", cell("DATE")
    if not date_text:
        column, date_text = "DEADLINE", cell("DEADLINE")
    raw.due_text = f"{date_text}\x1f{cell('TIMEZONE')}"  # "tomorrow" means another day tomorrow
    if date_text:
        found = dates.read(date_text, cell("TIMEZONE"), column)
        if found is None:
            why = dates.sheet.doubt(column, date_text) or "was not understood"
            rows.skip(number, f"has the date {quoted(date_text)}, which {why}")
            return None
        raw.due, raw.repeat, raw.after_completion = found
    return raw
