"""A new task typed into a list: it belongs to the list it was typed in, so it shows up
where it was typed; what the text itself says (a date, a priority, a tag) wins over the
list's defaults."""

from __future__ import annotations

from datetime import datetime, tzinfo

from todo_desktop.core import validation
from todo_desktop.core.clock import end_of_day
from todo_desktop.core.quick_entry import QuickEntry
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.reminders import ReminderDefault, default_reminder
from todo_desktop.core.values import Priority, SmartList, TaskDraft

_PRIORITY_OF = {
    SmartList.PRIORITY_LOW: Priority.LOW,
    SmartList.PRIORITY_MEDIUM: Priority.MEDIUM,
    SmartList.PRIORITY_HIGH: Priority.HIGH,
    SmartList.PRIORITY_URGENT: Priority.URGENT,
}


def draft_for(
    entry: QuickEntry,
    shown: SmartList,
    tag: str | None,
    now: datetime,
    zone: tzinfo,
    reminders: ReminderDefault = ReminderDefault.NONE,
) -> TaskDraft:
    """The task ``entry`` makes in the list ``shown`` (or the open tasks with ``tag``).

    Raises ValidationError with one sentence when the title cannot be stored.
    """
    title = validation.title(entry.title)
    entry.check()  # a repeat that ends before its first day, a reminder before no due date
    due = entry.due
    if due is None and shown in (SmartList.TODAY, SmartList.OVERDUE):
        due = end_of_day(now, zone, 0)  # the soonest a new task can be due and still be open
    elif due is None and shown is SmartList.UPCOMING:
        due = end_of_day(now, zone, 1)
    tags = entry.tags
    if tag is not None and all(tag_key(t) != tag_key(tag) for t in tags):
        tags = (*tags, tag)  # typed in a tag's list: it belongs there
    return TaskDraft(
        title=title,
        due_date=due,
        priority=entry.priority or _PRIORITY_OF.get(shown, Priority.MEDIUM),
        completed=shown is SmartList.COMPLETED,
        tags=tags,
        repeat=entry.repeat,
        repeat_after_completion=entry.repeat_after_completion,
        reminder=entry.reminder or default_reminder(reminders, due, entry.due is not None and entry.has_time),
    )
