"""Every edit as a QUndoCommand, so Ctrl+Z / Ctrl+Shift+Z can take it back and forth.

A command's redo and undo are optimistic writes through the TaskEditor. If the database
refuses one, the row is rolled back by the editor; the command then puts the stack back in
step with the database, so the next Ctrl+Z does not "undo" something that never happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack

from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.quick_entry.summary import when
from todo_desktop.core.relative_dates import has_time
from todo_desktop.core.repeats import next_occurrence
from todo_desktop.core.values import NextOccurrence, Priority, ReminderSetting, Task, TaskChanges, TaskDraft
from todo_desktop.ui.tasks.edits import Done, TaskEditor, plural

TITLE_IN_TEXT = 40


def quoted(title: str) -> str:
    short = title if len(title) <= TITLE_IN_TEXT else title[: TITLE_IN_TEXT - 1] + "…"
    return f"“{short}”"


def about(tasks: Sequence[Task]) -> str:
    return quoted(tasks[0].title) if len(tasks) == 1 else plural(len(tasks))


def next_said(task: Task, occurrence: NextOccurrence | None) -> str:
    """What completing the repeating ``task`` made: when its next occurrence is due, said as
    quick add says a date ("Mon 21 Dec 09:00"), or that it was the last of its series."""
    if occurrence is None:
        return f"{quoted(task.title)} was the last of its series."
    if occurrence.due_date is None:
        return f"{quoted(task.title)} is made again, without a due date."
    zone = LocalZone()
    due = occurrence.due_date
    day = when(due, has_time(due.astimezone(zone)), utc_now(), zone)
    day = day[0].lower() + day[1:] if day.startswith(("Today", "Tomorrow")) else day
    return f"{quoted(task.title)} is next due {day}."


class SettledCommand(QUndoCommand):
    """An edit whose redo and undo are writes answered later through ``done(ok)``."""

    def __init__(self, stack: QUndoStack, text: str) -> None:
        super().__init__(text)
        self._stack = stack
        self._runs = 0
        # Set when the database already is where the next undo/redo would take it: that
        # call then only moves the stack's index.
        self._skip = False

    def apply(self, done: Done) -> None:
        raise NotImplementedError

    def revert(self, done: Done) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._runs += 1
        first = self._runs == 1
        self.apply(lambda ok: self._settled(ok, undoing=False, first=first))

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self.revert(lambda ok: self._settled(ok, undoing=True, first=False))

    def _settled(self, ok: bool, *, undoing: bool, first: bool) -> None:
        # The stack may have deleted this command meanwhile (a new edit cleared the redo side).
        if ok or not shiboken6.isValid(self):
            return
        stack, index = self._stack, self._stack.index()
        if not undoing and index > 0 and stack.command(index - 1) is self:
            if first:
                self.setObsolete(True)  # never happened: drop it from the history
            else:
                self._skip = True  # back to the redo side, where it still is in fact
            stack.undo()
        elif undoing and index < stack.count() and stack.command(index) is self:
            self._skip = True  # still done in the database: back to the undo side
            stack.redo()
        # Otherwise more edits followed; the editor's message has said what was not saved.


class TaskCommand(SettledCommand):
    def __init__(self, stack: QUndoStack, editor: TaskEditor, text: str) -> None:
        super().__init__(stack, text)
        self._editor = editor


class SetReminder(SettledCommand):
    """A reminder set, changed or cleared in the details: undo writes back the one before."""

    def __init__(
        self,
        stack: QUndoStack,
        task: Task,
        before: ReminderSetting | None,
        after: ReminderSetting | None,
        write: Callable[[Task, ReminderSetting | None, ReminderSetting | None, Done], None],
    ) -> None:
        verb = "Clear" if after is None else "Set"
        super().__init__(stack, f"{verb} reminder of {quoted(task.title)}")
        self._task, self._before, self._after, self._write = task, before, after, write

    def apply(self, done: Done) -> None:
        self._write(self._task, self._after, self._before, done)

    def revert(self, done: Done) -> None:
        self._write(self._task, self._before, self._after, done)


class AddTask(TaskCommand):
    def __init__(self, stack: QUndoStack, editor: TaskEditor, draft: TaskDraft, row: int = 0) -> None:
        super().__init__(stack, editor, f"Add {quoted(draft.title)}")
        self._draft = draft
        self._row = row

    def apply(self, done: Done) -> None:
        # Redo after undo writes the same id again (create is idempotent on the id).
        self._editor.create(self._draft, row=self._row, give_back=self._runs == 1, done=done)

    def revert(self, done: Done) -> None:
        self._editor.delete([self._draft.id], done=done)


class SetCompleted(TaskCommand):
    def __init__(self, stack: QUndoStack, editor: TaskEditor, tasks: Sequence[Task], completed: bool) -> None:
        verb = "Complete" if completed else "Reopen"
        super().__init__(stack, editor, f"{verb} {about(tasks)}")
        self._ids = [t.id for t in tasks]
        self._completed = completed
        # Worked out once: a redo sends the same occurrences (the same ids), so the database
        # makes each once, and the undo deletes exactly those.
        self._nexts: dict[uuid.UUID, NextOccurrence] = {}
        if completed:
            now, zone = utc_now(), LocalZone()
            for task in tasks:
                made = next_occurrence(task, now, zone)
                if made is not None:
                    self._nexts[task.id] = made

    @property
    def nexts(self) -> Mapping[uuid.UUID, NextOccurrence]:
        """The occurrence each repeating task completed here makes (none for the last of a series)."""
        return self._nexts

    def apply(self, done: Done) -> None:
        nexts = self._nexts if self._completed else None
        self._editor.set_completed(self._ids, self._completed, done=done, nexts=nexts)

    def revert(self, done: Done) -> None:
        nexts = self._nexts if self._completed else None
        self._editor.set_completed(self._ids, not self._completed, done=done, nexts=nexts)


class EditTasks(TaskCommand):
    """Field changes to one or more tasks; undo writes back the values they had before."""

    def __init__(
        self,
        stack: QUndoStack,
        editor: TaskEditor,
        text: str,
        tasks: Sequence[Task],
        changes: Mapping[uuid.UUID, TaskChanges],
    ) -> None:
        super().__init__(stack, editor, text)
        self._after = dict(changes)
        self._before = {t.id: before(t, changes[t.id]) for t in tasks if t.id in changes}

    def apply(self, done: Done) -> None:
        if self._runs == 1:
            self._editor.update(self._after, done=done)
        else:  # a redo writes over what the undo left, as an undo over what the edit left
            self._send(self._after, self._before, done)

    def revert(self, done: Done) -> None:
        self._send(self._before, self._after, done)

    def _send(
        self, changes: Mapping[uuid.UUID, TaskChanges], left: Mapping[uuid.UUID, TaskChanges], done: Done
    ) -> None:
        rest = self._editor.asked_first(changes, left)
        if rest:
            self._editor.update(rest, done=done)
        else:
            # Answered later, as a write is: the stack sets its index only once this returns.
            QTimer.singleShot(0, partial(done, False))


def before(task: Task, change: TaskChanges) -> TaskChanges:
    """The TaskChanges that would put back ``task``'s values for the fields ``change`` sets."""
    fields = change.as_dict()
    old = {name: getattr(task, name) for name in fields}
    return TaskChanges(**old)  # type: ignore[arg-type]


def edit_text(field: str, tasks: Sequence[Task], priority: Priority | None = None) -> str:
    if field == "priority" and priority is not None:
        return f"Set priority {priority.value} on {about(tasks)}"
    names = {"title": "Rename", "due_date": "Change due date of", "description": "Edit notes of"}
    return f"{names.get(field, 'Edit')} {about(tasks)}"


class DeleteTasks(TaskCommand):
    def __init__(
        self,
        stack: QUndoStack,
        editor: TaskEditor,
        tasks: Sequence[Task],
        select: Callable[[Sequence[uuid.UUID]], None] | None = None,
    ) -> None:
        """``select``: shows the tasks an undo brings back as the selection, for the next key."""
        super().__init__(stack, editor, f"Delete {about(tasks)}")
        self._select = select
        self._snapshots = list(tasks)
        self._removed: list[tuple[int, Task]] = []
        self._generation = editor.generation

    def apply(self, done: Done) -> None:
        self._generation = self._editor.generation
        self._removed = self._editor.delete([t.id for t in self._snapshots], done=done)

    def revert(self, done: Done) -> None:
        # Back where they were, if the same list is still on screen; else the list reloads.
        same_list = self._generation == self._editor.generation
        self._editor.restore(self._snapshots, self._removed if same_list else None, done=done)
        if same_list and self._select is not None:
            self._select([t.id for t in self._snapshots])
