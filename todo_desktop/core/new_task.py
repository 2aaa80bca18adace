"""A new task typed into a list: it belongs to the list it was typed in, so it shows up
where it was typed; what the text itself says (a date, a priority, a tag) wins over the
list's defaults."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo

from todo_desktop.core import validation
from todo_desktop.core.clock import end_of_day
from todo_desktop.core.quick_entry import QuickEntry
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.reminders import ReminderDefault, default_reminder, offset_problem
from todo_desktop.core.values import Priority, SmartList, TaskDraft

_PRIORITY_OF = {
    SmartList.PRIORITY_LOW: Priority.LOW,
    SmartList.PRIORITY_MEDIUM: Priority.MEDIUM,
    SmartList.PRIORITY_HIGH: Priority.HIGH,
    SmartList.PRIORITY_URGENT: Priority.URGENT,
}


def list_due(shown: SmartList, now: datetime, zone: tzinfo) -> datetime | None:
    """The due date a task typed into ``shown`` without one gets, so it shows up there."""
    if shown in (SmartList.TODAY, SmartList.OVERDUE):
        return end_of_day(now, zone, 0)  # the soonest a new task can be due and still be open
    if shown is SmartList.UPCOMING:
        return end_of_day(now, zone, 1)
    return None


def for_list(entry: QuickEntry, shown: SmartList, now: datetime, zone: tzinfo) -> QuickEntry:
    """``entry`` as typed into ``shown``: without a date of its own it takes the list's (all
    day), and a reminder before the due date then counts back from that one."""
    due = list_due(shown, now, zone) if entry.due is None else None
    if due is None:
        return entry
    problem = entry.problem
    if entry.problem_field == "reminder":
        problem = offset_problem(entry.reminder, due)
    return replace(entry, due=due, has_time=False, problem=problem)


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
    typed_due = entry.due is not None and entry.has_time
    entry = for_list(entry, shown, now, zone)
    entry.check()  # a repeat that ends before its first day, a reminder before no due date
    tags = entry.tags
    if tag is not None and all(tag_key(t) != tag_key(tag) for t in tags):
        tags = (*tags, tag)  # typed in a tag's list: it belongs there
    return TaskDraft(
        title=title,
        due_date=entry.due,
        priority=entry.priority or _PRIORITY_OF.get(shown, Priority.MEDIUM),
        completed=shown is SmartList.COMPLETED,
        tags=tags,
        repeat=entry.repeat,
        repeat_after_completion=entry.repeat_after_completion,
        reminder=entry.reminder or default_reminder(reminders, entry.due, typed_due),
    )
