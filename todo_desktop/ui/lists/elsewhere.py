"""Another device's edits, read by a poll, laid into the list on screen, and the one sentence
that tells of them (``ui.lists.navigator`` polls and decides whether to tell)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from todo_desktop.core.values import Task
from todo_desktop.sync.edit_versions import changed_elsewhere, deleted_elsewhere, edited_differently
from todo_desktop.ui.tasks.task_list import Changes, TaskListController


@dataclass
class Merged:
    """What a poll's changes did to the list."""

    recount: bool = False  # the sidebar's counts may be out of date now
    dropped: list[Task] = field(default_factory=list)  # rows taken out: deleted elsewhere
    changed: list[tuple[Task, Task]] = field(default_factory=list)  # (as shown, as now) rows


def merge_changes(tasks: TaskListController, changes: Changes, typing: set[uuid.UUID]) -> Merged:
    """Lay ``changes`` into the rows, leaving alone the tasks someone is typing into."""
    found, removed = changes.tasks, changes.removed
    model = tasks.model
    incoming = [t for t in found if t.id not in typing]
    before = {t.id: model.task(t.id) for t in incoming}
    unseen = tasks.unseen(incoming)  # before the merge notes their versions
    merged = tasks.editor.merge(incoming)
    result = Merged(dropped=tasks.drop_removed(removed, keep=typing))  # after the merge: restored ones stay
    result.recount = bool((unseen and not typing and tasks.reread_first_page()) or result.dropped or merged)
    if merged:
        # This window's own edits come back equal to the rows (or differing only in their
        # version), so only what another device changed is news.
        result.changed = [
            (shown, task)
            for task in incoming
            if (shown := before[task.id]) is not None
            and model.task(task.id) == task
            and edited_differently(shown, task)
        ]
    return result


def news(merged: Merged, tasks: TaskListController, pane: uuid.UUID | None) -> list[str]:
    """The sentences for the status bar, in order."""
    said = [deleted_elsewhere(merged.dropped)] if merged.dropped else []
    if merged.changed:
        said.append(_first_change(list(merged.changed), tasks, pane))
    return said


def _first_change(changed: list[tuple[Task, Task]], tasks: TaskListController, pane: uuid.UUID | None) -> str:
    """One sentence, without taking focus: the task open in the details (``pane``) first,
    then the one this device wrote most recently, then the first to arrive."""
    lately = tasks.editor.versions.lately(task.id for _, task in changed)
    changed.sort(key=lambda pair: (pair[1].id != pane, pair[1].id != lately))
    shown, task = changed[0]
    return changed_elsewhere(shown, task, len(changed) - 1)
