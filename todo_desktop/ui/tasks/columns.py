"""The columns of the task table and how a Task reads in each of them."""

from __future__ import annotations

import enum
import functools
from datetime import datetime

from todo_desktop.core.values import SortKey, Task

TIME_FORMAT = "%Y-%m-%d %H:%M"


class Column(enum.IntEnum):
    DONE = 0
    TITLE = 1
    PRIORITY = 2
    DUE = 3
    UPDATED = 4


HEADERS = {
    Column.DONE: "Done",
    Column.TITLE: "Title",
    Column.PRIORITY: "Priority",
    Column.DUE: "Due",
    Column.UPDATED: "Updated",
}
# The Task field each column shows; a change to it repaints just that cell.
COLUMN_FIELDS = {
    Column.DONE: "completed",
    Column.TITLE: "title",
    Column.PRIORITY: "priority",
    Column.DUE: "due_date",
    Column.UPDATED: "updated_at",
}
# Fields the title cell paints after the title (chips, the repeat mark).
TITLE_EXTRA_FIELDS = ("tags", "repeat", "repeat_after_completion")
# Fields that change how the whole row looks (strike-through, bold, red).
ROW_STYLE_FIELDS = ("completed", "priority", "due_date")


def local_time(value: datetime | None) -> str:
    return _local_time(value) if value is not None else ""


@functools.lru_cache(maxsize=4096)
def _local_time(value: datetime) -> str:
    # Cached: every repaint shows the same few dozen dates. astimezone() with no zone
    # converts to the machine's zone, DST included (a zone change while the app runs shows
    # after the cache turns over; the clock tick clears it each minute).
    return value.astimezone().strftime(TIME_FORMAT)


def forget_local_times() -> None:
    _local_time.cache_clear()


def display_text(task: Task, column: int) -> str | None:
    if column == Column.TITLE:
        return task.title
    if column == Column.PRIORITY:
        return task.priority.value.capitalize()
    if column == Column.DUE:
        return local_time(task.due_date)
    if column == Column.UPDATED:
        return local_time(task.updated_at)
    return None  # Done shows only its checkbox


# The order a click on a column header asks for; Done has no order of its own.
SORT_BY_COLUMN = {
    Column.TITLE: SortKey.TITLE,
    Column.PRIORITY: SortKey.PRIORITY,
    Column.DUE: SortKey.DUE,
    Column.UPDATED: SortKey.UPDATED,
}
COLUMN_BY_SORT = {key: column for column, key in SORT_BY_COLUMN.items()}
