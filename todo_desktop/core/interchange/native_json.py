"""The app's own JSON: every field of every task, versioned, nothing lost.

    {"format": "todo-desktop", "version": 1, "tasks": [
    {"id": "5f0c…", "title": "Pay rent", "description": null, "completed": false,
     "priority": "high", "due_date": "2026-03-01T10:00:00+00:00",
     "created_at": "2026-02-01T09:12:30.123456+00:00", "updated_at": "…", "completed_at": null,
     "tags": ["home"], "repeat": "FREQ=MONTHLY;BYMONTHDAY=1", "repeat_after_completion": false,
     "reminder": {"before_due": "PT15M"}},
    …
    ]}

- ``format`` and ``version`` come first, so `detect` knows the file from its first bytes
  (and still does when another program has moved them, as long as they are in the first 8 KB).
- One task per line: a file of 100,000 tasks diffs and greps line by line.
- Instants are ISO 8601 with their offset and microseconds; ``priority`` is low, medium, high
  or urgent; ``repeat`` an RRULE of the subset (`repeat_rules`); tags as first typed.
- ``reminder``, only on a task that has one: ``{"at": "2026-12-07T09:00:00+00:00"}``, an
  instant in UTC written like the others, or ``{"before_due": "PT15M"}``, how long before the
  due time, as an ISO 8601 duration (`durations`: "PT0S", "PT15M", "P1D", "P1DT2H30M"); for a
  task due all day (at 23:59 local), before 09:00 on its day (revision 0038). A task without
  the key has no reminder in the file; other keys in the object are ignored.
- Only ``title`` is required in a task; a missing field takes the default of a new task.
  Fields this version does not know are ignored, so a later version may add some; a file of a
  higher ``version`` is refused whole, rather than read wrong.

Records are numbered from 1 in the ``tasks`` array: "record 17 has no title".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, tzinfo
from typing import Any

from todo_desktop.core.interchange import json_values as values
from todo_desktop.core.interchange.common import InterchangeError, iso, parse_iso
from todo_desktop.core.interchange.durations import iso_duration, parse_duration
from todo_desktop.core.interchange.json_values import shown
from todo_desktop.core.interchange.rows import ImportResult, RawTask, Rows
from todo_desktop.core.values import Priority, ReminderSetting, Task

NAME = "json"
FORMAT = "todo-desktop"
VERSION = 1


def _task_dict(task: Task, reminder: ReminderSetting | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": str(task.id),
        "title": task.title,
        "description": task.description,
        "completed": task.completed,
        "priority": task.priority.value,
        "due_date": iso(task.due_date) or None,
        "created_at": iso(task.created_at) or None,
        "updated_at": iso(task.updated_at) or None,
        "completed_at": iso(task.completed_at) or None,
        "tags": list(task.tags),
        "repeat": task.repeat,
        "repeat_after_completion": task.repeat_after_completion,
    }
    if reminder is not None and reminder.at is not None:
        record["reminder"] = {"at": iso(reminder.at.astimezone(UTC))}
    elif reminder is not None and reminder.before_due is not None:
        record["reminder"] = {"before_due": iso_duration(reminder.before_due)}
    return record


def chunks(
    tasks: Iterable[Task], *, reminders: Mapping[uuid.UUID, ReminderSetting] | None = None
) -> Iterator[str]:
    """The file in pieces, one task each, for writing without holding it all; ``reminders``:
    the reminder of each task id that has one."""
    reminders = reminders or {}
    yield f'{{"format": "{FORMAT}", "version": {VERSION}, "tasks": [\n'
    separator = ""
    for task in tasks:
        yield separator + json.dumps(_task_dict(task, reminders.get(task.id)), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def write(tasks: Iterable[Task], *, reminders: Mapping[uuid.UUID, ReminderSetting] | None = None) -> str:
    return "".join(chunks(tasks, reminders=reminders))


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def load_json(text: str) -> Any:
    """``json.loads`` with one clear error for anything that is not plain JSON: bad syntax,
    NaN and Infinity, nesting deep enough to exhaust the stack, numbers of thousands of digits."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            f"The file is not valid JSON (line {exc.lineno:,}, column {exc.colno:,}: {exc.msg})."
        ) from None
    except RecursionError:
        raise InterchangeError("The file nests JSON deeper than any task list does.") from None
    except ValueError as exc:
        raise InterchangeError(f"The file is not plain JSON ({str(exc)[:80]}).") from None


def read(text: str, *, zone: tzinfo = UTC) -> ImportResult:
    document = load_json(text)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InterchangeError("The file is JSON, but not a task list of this app.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InterchangeError("The file has no version this app knows.")
    if version > VERSION:
        raise InterchangeError(f"The file is of version {version}; this app reads version {VERSION}.")
    tasks = document.get("tasks")
    if not isinstance(tasks, list):
        raise InterchangeError("The file has no list of tasks.")
    rows = Rows(NAME, "record", own_ids=True, exact_text=True)
    for number, item in enumerate(tasks, start=1):
        if not isinstance(item, dict):
            rows.skip(number, "is not a task")
            continue
        raw = _raw(rows, number, item, zone)
        if raw is not None:
            rows.add(number, raw)
    return rows.result()


def _raw(rows: Rows, number: int, item: dict[str, Any], zone: tzinfo) -> RawTask | None:
    title = item.get("title")
    if title is not None and not isinstance(title, str):
        rows.skip(number, "has a title that is not text")
        return None
    instants = {}
    for key in ("due_date", "created_at", "updated_at", "completed_at"):
        value = item.get(key)
        instants[key] = parse_iso(value, zone) if isinstance(value, str) and value else None
        if value not in (None, "") and instants[key] is None:
            if key == "due_date":
                rows.skip(number, f"has a due date {shown(value)} that is not a date")
                return None
            rows.warn(number, f"has a {key.replace('_', ' ')} that is not a date; it was left out")
    priority = item.get("priority", Priority.MEDIUM.value)
    if isinstance(priority, str):
        priority = priority.strip().lower()  # "High", as a person editing the file writes it
    if not isinstance(priority, str) or priority not in {p.value for p in Priority}:
        rows.warn(number, f"has the priority {shown(priority)}, which is not known; read as medium")
        priority = Priority.MEDIUM.value
    uid = item.get("id")
    return RawTask(
        title=title,
        uid=uid if isinstance(uid, str) else None,  # a number names no task: its content does
        description=values.text(rows, number, item.get("description"), "a description"),
        priority=Priority(priority),
        due=instants["due_date"],
        completed=values.flag(rows, number, item.get("completed"), "completed", "open"),
        completed_at=instants["completed_at"],
        created_at=instants["created_at"],
        updated_at=instants["updated_at"],
        tags=values.names(rows, number, item.get("tags")),
        repeat=values.text(rows, number, item.get("repeat"), "a repeat"),
        after_completion=values.flag(
            rows, number, item.get("repeat_after_completion"), "repeat after completion"
        ),
        reminder=_reminder(rows, number, item.get("reminder"), zone),
    )


def _reminder(rows: Rows, number: int, value: object, zone: tzinfo) -> ReminderSetting | None:
    """The reminder as the file spells it; whether the app can keep it is for `Rows` to say."""
    if value is None:
        return None
    at = value.get("at") if isinstance(value, dict) else None
    before = value.get("before_due") if isinstance(value, dict) else None
    if (at is None) == (before is None):
        rows.warn(
            number,
            f'has a reminder {shown(value)} that is neither {{"at": …}} nor {{"before_due": …}}; '
            "it was left out",
        )
        return None
    if at is not None:
        instant = parse_iso(at, zone) if isinstance(at, str) else None
        if instant is None:
            rows.warn(number, f"has a reminder at {shown(at)}, which is not a time; it was left out")
            return None
        return ReminderSetting(at=instant)
    offset = parse_duration(before) if isinstance(before, str) else None
    if offset is None:
        rows.warn(
            number,
            f"has a reminder {shown(before)} before its due time, which is not a duration "
            "such as PT15M; it was left out",
        )
        return None
    return ReminderSetting(before_due=offset)
