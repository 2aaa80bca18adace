"""What a file in another app's format cannot hold, said when it is written.

Our own JSON and iCalendar keep every task whole. CSV has no column for reminders, and
Taskwarrior has neither reminders nor most of our repeats: it repeats a task only when it has
a due date, every so many days, weeks, months or years from it, and never "after completion".
An export that dropped these without a word would look complete until the day a reminder
did not ring, so the report names each loss once, with how many tasks it touches.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from todo_desktop.core.interchange.common import plural
from todo_desktop.core.interchange.repeat_rules import parse_rule, split_end
from todo_desktop.core.interchange.taskwarrior import recur_from_repeat, repeat_from_recur
from todo_desktop.core.quick_entry.repeat_text import describe
from todo_desktop.core.values import Task

_NO_REMINDERS = {"csv": "CSV files hold", "taskwarrior": "Taskwarrior has"}


def _taskwarrior_words(repeat: str, after_completion: bool) -> str | None:
    """How the rule reads here, when Taskwarrior has no recurrence that says the same."""
    rule = parse_rule(split_end(repeat)[0])
    nearest = repeat_from_recur(recur_from_repeat(repeat))
    if not after_completion and nearest is not None and parse_rule(nearest) == rule:
        return None
    return describe(rule) + (" after completion" if after_completion else "")


def _taskwarrior_repeats(tasks: Iterable[Task]) -> list[str]:
    undated = 0
    inexact: list[str] = []
    for task in tasks:
        if not task.repeat or task.completed:
            continue  # a completed task is history: Taskwarrior does not repeat it either
        if task.due_date is None:
            undated += 1
        elif (words := _taskwarrior_words(task.repeat, task.repeat_after_completion)) is not None:
            inexact.append(words)
    notes = []
    if undated:
        notes.append(
            f"Taskwarrior repeats only tasks with a due date: {plural(undated, 'task')} without one"
            " will not repeat there."
        )
    if inexact:
        notes.append(
            f"Taskwarrior has no words for the {'repeat' if len(inexact) == 1 else 'repeats'} of"
            f" {plural(len(inexact), 'task')} (such as"
            f" \u201c{inexact[0]}\u201d): there they repeat every day, week, month or year from"
            " the due date, and this app reads the exact rules back from the file."
        )
    return notes


def left_out(fmt: str, tasks: Collection[Task], reminded: Collection[uuid.UUID]) -> tuple[str, ...]:
    """One sentence for each kind of thing the file in ``fmt`` does not hold; ``reminded``:
    the ids of the tasks with a reminder still to ring."""
    notes: list[str] = []
    if fmt in _NO_REMINDERS and (count := len({t.id for t in tasks} & set(reminded))):
        which = "the reminder of 1 task is" if count == 1 else f"the reminders of {plural(count, 'task')} are"
        notes.append(f"{_NO_REMINDERS[fmt]} no reminders: {which} not in the file.")
    if fmt == "taskwarrior":
        notes.extend(_taskwarrior_repeats(tasks))
    return tuple(notes)
