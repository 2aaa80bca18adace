"""Taskwarrior's JSON: what ``task export`` writes, and what ``task import`` takes (2.6 and 3.x).

Read: an array (``json.array=on``, the default) or one task per line. Written: an array, one
task per line. Mapping, and why:

- description ↔ title (a second line, which Taskwarrior allows, starts our description);
  annotations ↔ description: on reading, the annotations in order of their entry time, one
  or more lines each; on writing, one annotation per line of the description, blank lines
  going with the line after them (Taskwarrior drops an empty annotation), each a second
  after the one before (it keys annotations by their second). Reading joins them back, so
  our own description comes back exactly.
- priority H/M/L ↔ high/medium/low; none is medium, our default. Urgent is written as H,
  Taskwarrior's highest, and not as H plus a tag: a tag would land in the person's own tag
  list and collide with a real "urgent" tag. The exact level goes in ``todopriority``, an
  attribute Taskwarrior keeps on import and gives back on export (an orphaned UDA); it is
  believed only while the priority is still H, so a change made in Taskwarrior wins.
- recur ↔ repeat: daily, weekdays, weekly, biweekly, fortnight, monthly, bimonthly,
  quarterly, semiannual, yearly, annual, biannual; 3d, 2w, 2mo, 2m, 1y, 2q and ISO P3D, P2W,
  P2M, P1Y. Taskwarrior counts "2mo" as 60 days, but a person typing it means two months,
  which is how it is read. Written: daily, weekdays, weekly, monthly, yearly for an interval
  of 1, else P3D, P2W, P2M, P1Y (calendar months and years in Taskwarrior). BYDAY,
  BYMONTHDAY and BYMONTH have no Taskwarrior words, which then fire on the due date's day;
  the exact rule goes in ``todorepeat`` and is believed while it still maps to the same
  recur (and ``todoaftercompletion`` for the flag Taskwarrior has no word for). The month's
  last day (BYMONTHDAY=-1) is written as monthly too, which Taskwarrior steps from 31 January
  to 28 February and then keeps on the 28th; a series Taskwarrior has run (its template has
  a ``mask``, its occurrences a ``parent``) says so in a warning when read back. Hourly and
  other periods outside our subset keep the task without a repeat, with a warning.
  ``until`` ↔ the rule's UNTIL, the end of the series (an ``until`` that is no date is left
  out with a warning, and the task still repeats, as an iCalendar end the app cannot keep);
  an end on a date is written as that day's last second in UTC.
- status: pending and waiting are open (``wait`` is not kept); completed is completed with
  ``end``; deleted is skipped. A ``recurring`` task is Taskwarrior's template of a series and
  the pending tasks with its ``parent`` are its occurrences: together they are one repeating
  task here, with the template's id and fields and the earliest pending occurrence's due date
  (when the template is not in the file, as with ``task status:pending export``, the
  occurrences alone make it). The other pending occurrences are skipped with a sentence.
  Completed occurrences are kept as completed tasks without a repeat: history.
  Writing, an open repeating task with a due date is a ``recurring`` template: ``task
  import`` then makes its occurrences, and reading them back gives the same task.
- tags ↔ tags; ``project`` becomes a tag too, since we have no projects.
- entry, modified, end, due ↔ created, updated, completed, due; UTC "20260301T100000Z", to
  the second. Taskwarrior sets ``modified`` itself on import, so "updated" does not survive
  a trip through it; a completed task without a completion time is written with ``end`` at
  its last update, since Taskwarrior wants one.
- Taskwarrior 2.6 takes no time before 1980 (UTC): ``task import`` crashes on a file with
  one, or refuses it, and takes none of its tasks. A due date before then is written in
  ``tododue``, believed while there is no ``due``; created, updated and completed
  times before then are written as the first moment of 1980 (notes' times from it), and
  exactly in ``todoentry``, ``todomodified`` and ``todoend``, believed while Taskwarrior's
  own time is still that moment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from todo_desktop.core.interchange import json_values as values
from todo_desktop.core.interchange.common import (
    InterchangeError,
    compact_utc,
    parse_compact,
    parse_iso,
)
from todo_desktop.core.interchange.json_values import shown
from todo_desktop.core.interchange.native_json import load_json
from todo_desktop.core.interchange.repeat_rules import end_left_out, parse_rule, split_end
from todo_desktop.core.interchange.rows import ImportResult, RawTask, Rows
from todo_desktop.core.quick_entry.repeats import WORKDAYS, rrule
from todo_desktop.core.quick_entry.result import Rule
from todo_desktop.core.repeats import LAST_DAY
from todo_desktop.core.values import Priority, Task

NAME = "taskwarrior"
_PRIORITY = {"H": Priority.HIGH, "M": Priority.MEDIUM, "L": Priority.LOW}
_LETTER = {Priority.URGENT: "H", Priority.HIGH: "H", Priority.MEDIUM: "M", Priority.LOW: "L"}
_NAMED = {
    "daily": ("DAILY", 1),
    "day": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "week": ("WEEKLY", 1),
    "sennight": ("WEEKLY", 1),
    "biweekly": ("WEEKLY", 2),
    "fortnight": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1),
    "month": ("MONTHLY", 1),
    "bimonthly": ("MONTHLY", 2),
    "quarterly": ("MONTHLY", 3),
    "semiannual": ("MONTHLY", 6),
    "yearly": ("YEARLY", 1),
    "year": ("YEARLY", 1),
    "annual": ("YEARLY", 1),
    "biannual": ("YEARLY", 2),
    "biyearly": ("YEARLY", 2),
}
_UNITS = {
    **dict.fromkeys(("d", "day", "days"), ("DAILY", 1)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), ("WEEKLY", 1)),
    **dict.fromkeys(("m", "mo", "mos", "mth", "mths", "month", "months"), ("MONTHLY", 1)),
    **dict.fromkeys(("q", "qtr", "qtrs", "quarter", "quarters"), ("MONTHLY", 3)),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), ("YEARLY", 1)),
}
_ISO_UNITS = {"D": ("DAILY", 1), "W": ("WEEKLY", 1), "M": ("MONTHLY", 1), "Y": ("YEARLY", 1)}
_COUNTED = re.compile(r"([0-9]{1,3})\s*([a-z]+)")
_ISO = re.compile(r"P([0-9]{1,3})([DWMY])")
EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)  # the first time task import takes
LAST_DAY_LOST = (
    "repeats on the last day of the month, which Taskwarrior cannot: there it kept to one day of "
    "the month, the 28th after February; here it is on the last day again"
)
_WRITTEN = {
    "DAILY": ("daily", "D"),
    "WEEKLY": ("weekly", "W"),
    "MONTHLY": ("monthly", "M"),
    "YEARLY": ("yearly", "Y"),
}


def repeat_from_recur(recur: str) -> str | None:
    """The RRULE for a Taskwarrior recurrence, or None when it has none in our subset."""
    text = recur.strip()
    if text.lower() == "weekdays":
        return rrule(Rule("DAILY", weekdays=WORKDAYS))
    found = _NAMED.get(text.lower())
    count = 1
    if found is None and (match := _COUNTED.fullmatch(text.lower())):
        found, count = _UNITS.get(match.group(2)), int(match.group(1))
    elif found is None and (match := _ISO.fullmatch(text.upper())):
        found, count = _ISO_UNITS[match.group(2)], int(match.group(1))
    if found is None or count < 1:
        return None
    return rrule(Rule(found[0], found[1] * count))


def recur_from_repeat(repeat: str) -> str:
    """The nearest Taskwarrior recurrence for one of our rules (see the module docstring)."""
    rule = parse_rule(split_end(repeat)[0])
    if rule.freq == "DAILY" and rule.interval == 1 and rule.weekdays == WORKDAYS:
        return "weekdays"
    word, unit = _WRITTEN[rule.freq]
    return word if rule.interval == 1 else f"P{rule.interval}{unit}"


def _record(task: Task) -> dict[str, Any]:
    record: dict[str, Any] = {"uuid": str(task.id), "description": task.title}
    _put_time(record, "entry", task.created_at)
    _put_time(record, "modified", task.updated_at)
    if task.due_date is not None and task.due_date >= EARLIEST:
        record["due"] = compact_utc(task.due_date)
    elif task.due_date is not None:
        record["tododue"] = compact_utc(task.due_date)
    record["priority"] = _LETTER[task.priority]
    if task.priority is Priority.URGENT:
        record["todopriority"] = "urgent"
    if task.tags:
        record["tags"] = list(task.tags)
    if task.description:
        record["annotations"] = [
            {
                "entry": compact_utc(max(task.created_at, EARLIEST) + timedelta(seconds=i)),
                "description": chunk,
            }
            for i, chunk in enumerate(_annotation_chunks(task.description))
        ]
    if task.repeat:
        if "due" in record:
            record["recur"] = recur_from_repeat(task.repeat)  # Taskwarrior needs a due date to recur
            until = _until_written(task.repeat)
            if until is not None:
                record["until"] = until
        record["todorepeat"] = task.repeat
        if task.repeat_after_completion:
            record["todoaftercompletion"] = "yes"
    if task.completed:
        record["status"] = "completed"
        _put_time(record, "end", task.completed_at or task.updated_at)
    else:
        record["status"] = "recurring" if "recur" in record else "pending"
    return record


def _until_written(repeat: str) -> str | None:
    """The end of a series as Taskwarrior's ``until``. A date (through that day where the
    task is) becomes its last second in UTC: Taskwarrior is given no zone, and the exact end
    goes in ``todorepeat``."""
    until = split_end(repeat)[1].get("UNTIL")
    if until is None:
        return None
    return until if len(until) == 16 else f"{until[:8]}T235959Z"


def _put_time(record: dict[str, Any], name: str, when: datetime) -> None:
    record[name] = compact_utc(max(when, EARLIEST))
    if when < EARLIEST:
        record[f"todo{name}"] = compact_utc(when)


def _time(item: dict[str, Any], name: str, zone: tzinfo) -> datetime | None:
    found = _when(item.get(name), zone)
    exact = item.get(f"todo{name}")
    if found == EARLIEST and isinstance(exact, str):
        early = _when(exact, zone)
        return early if early is not None and early < EARLIEST else found
    return found


def _annotation_chunks(description: str) -> list[str]:
    chunks: list[str] = []
    waiting: list[str] = []
    for line in description.split("\n"):
        waiting.append(line)
        if line.strip():
            chunks.append("\n".join(waiting))
            waiting = []
    if waiting and chunks:
        chunks[-1] += "\n" + "\n".join(waiting)
    return chunks


def chunks(tasks: Iterable[Task]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for task in tasks:
        yield separator + json.dumps(_record(task), ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def write(tasks: Iterable[Task]) -> str:
    return "".join(chunks(tasks))


def _records(text: str, rows: Rows) -> list[tuple[int, dict[str, Any]]]:
    if text.lstrip().startswith("["):
        document = load_json(text)
        if not isinstance(document, list):
            raise InterchangeError("The file is not a Taskwarrior export.")
        found = list(enumerate(document, start=1))
    else:
        found = []
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    found.append((number, json.loads(line)))
                except (ValueError, RecursionError):
                    rows.skip(number, "is not a JSON task")
    records = []
    for number, item in found:
        if isinstance(item, dict):
            records.append((number, item))
        else:
            rows.skip(number, "is not a task")
    return records


def _when(value: object, zone: tzinfo) -> datetime | None:
    if not isinstance(value, str):
        return None
    compact = parse_compact(value, zone)
    return compact[0] if compact else parse_iso(value, zone)


def read(text: str, *, zone: tzinfo = UTC) -> ImportResult:
    unit = "record" if text.lstrip().startswith("[") else "line"
    rows = Rows(NAME, unit)
    records = _records(text, rows)
    series: dict[str, tuple[int, dict[str, Any]]] = {}  # parent uuid -> where the series stands
    next_due: dict[str, datetime] = {}
    for number, item in records:
        if item.get("status") == "recurring" and isinstance(item.get("uuid"), str):
            series[item["uuid"]] = (number, item)
    for number, item in records:
        parent = item.get("parent")
        if isinstance(parent, str) and item.get("status") in ("pending", "waiting"):
            series.setdefault(parent, (number, item))
            due = _when(item.get("due"), zone)
            if due is not None and (parent not in next_due or due < next_due[parent]):
                next_due[parent] = due
    for number, item in records:
        status, parent, own = item.get("status"), item.get("parent"), item.get("uuid")
        if status == "deleted":
            rows.skip(number, "was deleted in Taskwarrior", expected=True)
        elif isinstance(parent, str) and status in ("pending", "waiting"):
            if series[parent][0] != number:
                first = series[parent][0]
                rows.skip(number, f"is an occurrence of the repeating task of {unit} {first}", expected=True)
            else:
                _add(rows, number, item, zone, uid=parent, due=next_due.get(parent))
        elif status == "recurring" and isinstance(own, str):
            _add(rows, number, item, zone, uid=own, due=next_due.get(own))
        else:
            _add(rows, number, item, zone, uid=own, history=isinstance(parent, str))
    return rows.result()


def _add(
    rows: Rows,
    number: int,
    item: dict[str, Any],
    zone: tzinfo,
    *,
    uid: object,
    due: datetime | None = None,
    history: bool = False,
) -> None:
    if due is None and item.get("due") is not None:
        due = _when(item.get("due"), zone)
        if due is None:
            rows.skip(number, f"has a due date {shown(item.get('due'))} that is not a date")
            return
    elif due is None and isinstance(item.get("tododue"), str):
        due = _when(item["tododue"], zone)
    title = item.get("description")
    if title is not None and not isinstance(title, str):
        rows.skip(number, "has a description that is not text")
        return
    letter = item.get("priority")
    priority = _PRIORITY.get(letter, Priority.MEDIUM) if isinstance(letter, str) else Priority.MEDIUM
    if letter is not None and (not isinstance(letter, str) or letter not in _PRIORITY):
        rows.warn(number, f"has the priority {shown(letter)}, which is not H, M or L; read as medium")
    if letter == "H" and item.get("todopriority") == "urgent":
        priority = Priority.URGENT
    tags = values.names(rows, number, item.get("tags"))
    project = values.text(rows, number, item.get("project"), "a project")
    if project is not None:
        tags.append(project)
    raw = RawTask(
        title=title,
        uid=uid if isinstance(uid, str) else None,
        description=_notes(rows, number, item.get("annotations")),
        priority=priority,
        due=due,
        completed=item.get("status") == "completed",
        completed_at=_time(item, "end", zone),
        created_at=_time(item, "entry", zone),
        updated_at=_time(item, "modified", zone),
        tags=tags,
    )
    if not history:
        _repeat(rows, number, item, raw, zone)
    rows.add(number, raw)


def _repeat(rows: Rows, number: int, item: dict[str, Any], raw: RawTask, zone: tzinfo) -> None:
    recur, ours = item.get("recur"), item.get("todorepeat")
    if isinstance(ours, str):
        try:
            matches = recur_from_repeat(ours) == recur if isinstance(recur, str) else "due" not in item
        except ValueError:
            matches = False
        if matches:
            raw.repeat, raw.after_completion = ours, item.get("todoaftercompletion") == "yes"
            ran = "mask" in item or "parent" in item  # Taskwarrior made occurrences of it
            if ran and parse_rule(split_end(ours)[0]).month_day == LAST_DAY:
                rows.warn(number, LAST_DAY_LOST)
            return
    if recur is None:
        return
    raw.repeat = repeat_from_recur(recur) if isinstance(recur, str) else None
    if raw.repeat is None:
        rows.warn(number, f"repeats {shown(recur)}, which this app cannot; imported without repeat")
    elif item.get("until") is not None:
        until = _when(item["until"], zone)
        if until is None:
            rows.warn(number, end_left_out(f"until {shown(item['until'])}"))
        else:
            raw.repeat += f";UNTIL={compact_utc(until)}"  # `rows` checks it as any end


def _notes(rows: Rows, number: int, annotations: object) -> str | None:
    if annotations is None:
        return None
    if not isinstance(annotations, list):
        rows.warn(
            number, f"has annotations {shown(annotations)} that are not a list of notes; they were left out"
        )
        return None
    notes = [a for a in annotations if isinstance(a, dict) and isinstance(a.get("description"), str)]
    notes.sort(key=lambda a: str(a.get("entry", "")))  # compact UTC stamps sort as text
    return "\n".join(a["description"] for a in notes) or None
