"""Google Tasks as Google Takeout exports it (``Takeout/Tasks/Tasks.json``): read only.

    {"kind": "tasks#taskLists", "items": [
      {"kind": "tasks#taskList", "id": "…", "title": "My Tasks", "updated": "…", "items": [
        {"kind": "tasks#task", "id": "…", "title": "Renew the passport", "notes": "…",
         "status": "needsAction", "due": "2026-03-01T00:00:00.000Z", "updated": "…",
         "parent": "…", "position": "00000000000000000000", "links": [], "deleted": true}]}]}

Each task is the same resource as in the Google Tasks API, inside its list. Mapping, and why:

- title and notes ↔ title and description. ``links`` (the mail a task was made from) are
  added to the description, a line each ("description: link"), so that nothing of the task
  is lost. A task whose title and notes are both empty (Google keeps the blank line a person
  left in a list) is passed over as the file's own: nothing in it to import.
- due: Google keeps only a day; its time is always midnight UTC and means nothing. So the
  day is due at 23:59 in the person's zone, as every date without a time in this app.
- status: ``needsAction`` is open; ``completed`` is completed at ``completed``. ``hidden``
  (a completed task cleared from the list) changes nothing: it is still history. A task
  marked ``deleted`` is in the bin there: skipped, and said, but nothing to ask about.
- updated ↔ updated. Google keeps no creation time, so the import gives its own.
- The list's title becomes a tag of its tasks (`app_lists`), since this app has tags and
  not lists. ``parent``: a subtask is a task of its own, said once in a warning; ``position``
  (the order within a list) is not kept, since the app orders tasks by its own rules.
- Ids: a task's ``id`` names it in Google wherever it is, so it is the source uid and the
  same file imported twice names the same tasks (`rows`).
- Google has no priorities or repeats to export: every task is of medium priority.

Tasks are numbered from 1 through the whole file, list after list, as they stand in it:
"record 17 has no title". The Takeout file holds every list; the Tasks API's answer for one
list (``tasks#tasks``) or one list's resource (``tasks#taskList``) is not something Google
exports, and is refused in one sentence that says what to export instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from todo_desktop.core.interchange import json_values as values
from todo_desktop.core.interchange.app_lists import ListTags
from todo_desktop.core.interchange.common import InterchangeError, end_of_date, parse_iso
from todo_desktop.core.interchange.json_values import shown
from todo_desktop.core.interchange.native_json import load_json
from todo_desktop.core.interchange.rows import ImportResult, RawTask, Rows

NAME = "google"
APP = "Google Tasks"
KIND = "tasks#taskLists"
ONE_LIST = ("tasks#taskList", "tasks#tasks")
_MAX_LINKS = 50  # a task made from a mail has one; more is no task Google made


def read(text: str, *, zone: tzinfo = UTC) -> ImportResult:
    document = load_json(text)
    kind = document.get("kind") if isinstance(document, dict) else None
    if kind in ONE_LIST:
        raise InterchangeError(
            "The file holds one Google Tasks list, not Google Takeout's export of all of them; "
            "export Tasks in Google Takeout and import its Tasks.json."
        )
    if not isinstance(document, dict) or kind != KIND:
        raise InterchangeError("The file is JSON, but not Google Takeout's Tasks.json.")
    lists = document.get("items")
    if not isinstance(lists, list):
        raise InterchangeError("The file has no Google Tasks lists.")
    rows = Rows(NAME, "record")
    tags = ListTags(APP)
    number = 0
    odd = 0  # entries among the lists that are no list of tasks
    for task_list in lists:
        tasks = task_list.get("items", []) if isinstance(task_list, dict) else None
        if not isinstance(tasks, list):
            odd += 1
            continue
        title = task_list.get("title")
        tag = tags.tag(title) if isinstance(title, str) and title.strip() else None
        for item in tasks:
            number += 1
            if not isinstance(item, dict):
                rows.skip(number, "is not a task")
                continue
            added = _add(rows, number, item, zone, tag)
            if added and isinstance(item.get("parent"), str):
                tags.subtasks += 1
    if odd:
        which = "1 entry" if odd == 1 else f"{odd:,} entries"
        was = "was" if odd == 1 else "were"
        rows.warn(0, f"{which} among the file's lists held no list of tasks and {was} left out")
    return tags.finish(rows)


def _add(rows: Rows, number: int, item: dict[str, Any], zone: tzinfo, tag: str | None) -> bool:
    """Whether the task went in (False: skipped, with its sentence)."""
    if item.get("deleted") is True:
        rows.skip(number, f"was deleted in {APP}", expected=True)
        return False
    title = item.get("title")
    if title is not None and not isinstance(title, str):
        rows.skip(number, "has a title that is not text")
        return False
    notes = _notes(rows, number, item)
    if not (title or "").strip() and not (notes or "").strip():
        rows.skip(number, "is an empty task", expected=True)
        return False
    due = None
    if item.get("due") is not None:
        due = _day(item["due"], zone)
        if due is None:
            rows.skip(number, f"has a due date {shown(item['due'])} that is not a date")
            return False
    status = item.get("status")
    if status not in (None, "needsAction", "completed"):
        rows.warn(
            number, f"has the status {shown(status)}, which is not needsAction or completed; read as open"
        )
    raw = RawTask(
        title=title,
        uid=item["id"] if isinstance(item.get("id"), str) and item["id"].strip() else None,
        description=notes,
        due=due,
        completed=status == "completed",
        completed_at=_instant(rows, number, item.get("completed"), "a completion time"),
        updated_at=_instant(rows, number, item.get("updated"), "an update time"),
        tags=[tag] if tag else [],
    )
    return rows.add(number, raw) is not None


def _notes(rows: Rows, number: int, item: dict[str, Any]) -> str | None:
    """The notes, with the task's links after them."""
    notes = values.text(rows, number, item.get("notes"), "notes")
    links = item.get("links")
    lines = []
    for link in links[:_MAX_LINKS] if isinstance(links, list) else []:
        url = link.get("link") if isinstance(link, dict) else None
        if isinstance(url, str) and url.strip():
            label = link.get("description")
            lines.append(
                f"{label.strip()}: {url.strip()}" if isinstance(label, str) and label.strip() else url.strip()
            )
    if not lines:
        return notes
    return "\n\n".join(part for part in (notes, "\n".join(lines)) if part)


def _day(value: object, zone: tzinfo) -> datetime | None:
    """Google's due date: its day (the time is always midnight UTC) at 23:59 in ``zone``."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    if parse_iso(value, UTC) is None:
        return None
    try:
        return end_of_date(day, zone)
    except OverflowError:  # the last day of year 9999, east of UTC
        return None


def _instant(rows: Rows, number: int, value: object, label: str) -> datetime | None:
    """A time Google stamped ("2026-02-11T17:30:00.000Z"); one that is none is left out with
    a warning (`rows` checks the range of the others)."""
    if value is None:
        return None
    found = parse_iso(value, UTC) if isinstance(value, str) else None
    if found is None:
        rows.warn(number, f"has {label} {shown(value)} that is not a time; it was left out")
    return found
