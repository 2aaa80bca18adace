"""Exporting every task of an account to a file, and reading the file an import starts from.

The tasks are read through ``TaskService.list`` in keyset pages (every status, by creation),
so a large account costs one index range per page and never an OFFSET scan, and written in
one of `interchange`'s formats with ``write_atomically``: a crash or a cancel leaves the old
file (or none), never half of a new one. The file is this person's tasks, so it is made
readable by them alone, as every file the app writes.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from todo_desktop.core import interchange
from todo_desktop.core.errors import TodoError
from todo_desktop.core.interchange.common import MAX_BYTES, plural, quoted
from todo_desktop.core.interchange.export_notes import left_out
from todo_desktop.core.ports import TaskService
from todo_desktop.core.reminders import ReminderGateway, ReminderSetting
from todo_desktop.core.values import SmartList, SortKey, Status, Task, TaskQuery
from todo_desktop.machine.atomic_file import write_atomically

PAGE = 1000  # the data layer's largest page
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
CANCELLED = "Export cancelled; no file was written."


class TransferCancelled(TodoError):
    """The person stopped it; nothing was written."""


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    format: str
    count: int
    left_out: tuple[str, ...] = ()  # what the format could not hold, one sentence each

    def sentence(self) -> str:
        label = interchange.FORMATS[self.format].label
        done = f"Exported {plural(self.count, 'task')} to {self.path.name} ({label})."
        return " ".join((done, *self.left_out))


def writable_format(fmt: str) -> str:
    """``fmt`` when this app writes it; otherwise one sentence naming those it writes."""
    known = [name for name, f in interchange.FORMATS.items() if f.writes]
    if fmt not in known:
        raise TodoError(f"Export writes {', '.join(known)}, not {quoted(fmt)}.")
    return fmt


def format_for_path(path: Path) -> str | None:
    """The format a file's extension asks for (.json: ours, .csv, .ics), or None."""
    return {".json": "json", ".csv": "csv", ".ics": "ical", ".ical": "ical"}.get(path.suffix.lower())


def all_tasks(
    tasks: TaskService, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> list[Task]:
    """Every task of the account, open and completed, oldest first."""
    counts = tasks.counts(datetime.now(UTC), UTC)
    total = counts[SmartList.INBOX] + counts[SmartList.COMPLETED]
    query = TaskQuery(status=Status.ALL, sort=SortKey.CREATED, limit=PAGE)
    found: list[Task] = []
    while True:
        if cancelled is not None and cancelled():
            raise TransferCancelled(CANCELLED)
        page = tasks.list(query)
        found.extend(page.tasks)
        if progress is not None:
            progress(len(found), max(total, len(found)))
        if page.next_cursor is None:
            break
        query = TaskQuery(status=Status.ALL, sort=SortKey.CREATED, limit=PAGE, after=page.next_cursor)
    found.reverse()  # the list is newest first; a file reads best in the order tasks were made
    return found


def reminders_of(reminders: ReminderGateway, tasks: list[Task]) -> dict[uuid.UUID, ReminderSetting]:
    """The reminder of each of ``tasks`` that has one still to ring (one that rang is done
    with): read one by one, as few tasks hold one."""
    shown = {t.id for t in tasks}
    found: dict[uuid.UUID, ReminderSetting] = {}
    for task_id in reminders.reminded_task_ids() & shown:
        setting = reminders.reminder_of(task_id)
        if setting is not None:
            found[task_id] = setting
    return found


def export_file(
    tasks: TaskService,
    path: Path,
    fmt: str,
    *,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    reminders: ReminderGateway | None = None,
) -> ExportReport:
    writable_format(fmt)
    everything = all_tasks(tasks, progress=progress, cancelled=cancelled)
    settings = reminders_of(reminders, everything) if reminders is not None else None
    data = "".join(interchange.chunks(everything, fmt, zone=zone, reminders=settings)).encode("utf-8")
    if cancelled is not None and cancelled():
        raise TransferCancelled(CANCELLED)
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise TodoError(f"Cannot write {quoted(path.name)}: {_reason(exc)}.") from None
    noted = left_out(fmt, everything, settings or {})
    return ExportReport(path, fmt, len(everything), noted)


def read_file(path: Path) -> bytes:
    """The bytes of a file to import, refused in one sentence when it cannot be one."""
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_BYTES:
                raise TodoError(f"The file is {size / 2**20:,.0f} MB; the limit is {MAX_BYTES // 2**20} MB.")
            data = file.read(MAX_BYTES + 1)  # a pipe or a growing file has no honest size
    except OSError as exc:
        raise TodoError(f"Cannot read {quoted(path.name)}: {_reason(exc)}.") from None
    if len(data) > MAX_BYTES:
        raise TodoError(f"The file is over {MAX_BYTES // 2**20} MB, the limit.")
    return data


def _reason(exc: OSError) -> str:
    text = exc.strerror or type(exc).__name__
    return text[:1].lower() + text[1:]
