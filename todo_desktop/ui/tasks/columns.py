"""The columns of the task table and how a Task reads in each of them."""

from __future__ import annotations

import enum
import functools
from datetime import datetime

from todo_desktop.core.values import Priority, SortKey, Task

TIME_FORMAT = "%Y-%m-%d %H:%M"


class Column(enum.IntEnum):
    DONE = 0
    TITLE = 1
    PRIORITY = 2
    DUE = 3
    UPDATED = 4  # hidden unless the View menu shows it
    CREATED = 5  # likewise


# Shown only when the person asks (View menu): they tell little about the work itself.
HIDDEN_BY_DEFAULT = (Column.UPDATED, Column.CREATED)
# The priority marker: a shape as well as a colour (``row_words.marker_brushes``), so it reads
# without colour too; medium, the usual priority, shows nothing, so the marks stand out.
PRIORITY_MARKS = {Priority.URGENT: "!!!", Priority.HIGH: "!!", Priority.MEDIUM: "", Priority.LOW: "↓"}

HEADERS = {
    Column.DONE: "Done",
    Column.TITLE: "Title",
    Column.PRIORITY: "Priority",
    Column.DUE: "Due",
    Column.UPDATED: "Updated",
    Column.CREATED: "Created",
}
# The Task field each column shows; a change to it repaints just that cell.
COLUMN_FIELDS = {
    Column.DONE: "completed",
    Column.TITLE: "title",
    Column.PRIORITY: "priority",
    Column.DUE: "due_date",
    Column.UPDATED: "updated_at",
    Column.CREATED: "created_at",
}
# Fields the title cell paints after the title (chips, the repeat and notes marks).
TITLE_EXTRA_FIELDS = ("tags", "repeat", "repeat_after_completion", "description")
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
    """The plain text of a cell; the due date's words are the model's (they need the clock)."""
    if column == Column.TITLE:
        return task.title
    if column == Column.PRIORITY:
        return PRIORITY_MARKS[task.priority]
    if column == Column.UPDATED:
        return local_time(task.updated_at)
    if column == Column.CREATED:
        return local_time(task.created_at)
    return None  # Done shows only its checkbox


def priority_words(priority: Priority) -> str:
    return f"{priority.value.capitalize()} priority"


# The order a click on a column header asks for; Done has no order of its own.
SORT_BY_COLUMN = {
    Column.TITLE: SortKey.TITLE,
    Column.PRIORITY: SortKey.PRIORITY,
    Column.DUE: SortKey.DUE,
    Column.UPDATED: SortKey.UPDATED,
    Column.CREATED: SortKey.CREATED,
}
COLUMN_BY_SORT = {key: column for column, key in SORT_BY_COLUMN.items()}
