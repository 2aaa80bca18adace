"""Keeps the details pane and the task list in step: which task the pane shows, saving its
edits as undoable commands, and putting refused typing back into it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSplitter

from todo_desktop.ui.details_pane import DetailsPane
from todo_desktop.ui.task_commands import NOTHING_SELECTED, TaskCommands
from todo_desktop.ui.workers import Failure
from todo_desktop.values import TaskChanges

PANE_WIDTH = 300


class DetailsLink(QObject):
    def __init__(
        self,
        pane: DetailsPane,
        commands: TaskCommands,
        splitter: QSplitter,
        say: Callable[[str], None],
        leave: Callable[[], None],
    ) -> None:
        super().__init__(pane)
        self.pane = pane
        self.commands = commands
        self.model = commands.model
        self._splitter = splitter
        self._say = say
        self._leave = leave
        pane.save_requested.connect(self._save)
        pane.leave_requested.connect(leave)
        commands.editor.edit_failed.connect(self._edit_failed)
        commands.title_refused.connect(self._title_refused)
        self.model.dataChanged.connect(lambda *_: self._model_changed())
        self.model.rowsRemoved.connect(lambda *_: self.follow_current())
        self.model.modelReset.connect(self.follow_current)

    def details_key(self) -> None:
        """Ctrl+Enter: save when inside the details, else open them for the current task."""
        if self.pane.contains_focus():
            if self.pane.save_all():
                self._leave()
            return
        self.open_details("title")

    def open_details(self, field: str) -> None:
        task = self.commands.current_task()
        if task is None and self.pane.task_id is None:
            self._say(NOTHING_SELECTED)
            return
        if task is not None:
            self.pane.show_task(task)
        sizes = self._splitter.sizes()
        if sizes[-1] == 0:  # collapsed by dragging: open it again
            sizes[-2] = max(sizes[-2] - PANE_WIDTH, 200)
            sizes[-1] = PANE_WIDTH
            self._splitter.setSizes(sizes)
        self.pane.focus_field(field)

    def follow_current(self) -> None:
        task = self.commands.current_task()
        if task is not None:
            self.pane.show_task(task)
            return
        # No current row (a reload on its way, or the list emptied): keep showing the task
        # while someone works in the pane; otherwise let go of a task that left the list.
        shown = self.pane.task_id
        if shown is not None and self.model.task(shown) is None and not self.pane.contains_focus():
            self.pane.show_task(None)

    def _model_changed(self) -> None:
        task_id = self.pane.task_id
        task = self.model.task(task_id) if task_id is not None else None
        if task is not None:
            self.pane.refresh(task)

    def _save(self, task_id: uuid.UUID, changes: TaskChanges) -> None:
        shown = self.model.task(task_id) or self.pane.shown_task
        if shown is not None and shown.id == task_id:
            self.commands.save(shown, changes)

    def _edit_failed(self, task_id: uuid.UUID, changes: TaskChanges, failure: Failure) -> None:
        """A refused edit: typed text goes back into the details, with the reason beside it."""
        typed = changes.title is not None or "description" in changes.as_dict()
        if self.pane.task_id != task_id:
            task = self.model.task(task_id)
            if not typed or task is None or not self.pane.show_task(task):
                return
        self.pane.show_failure(changes, str(failure), failure.field)

    def _title_refused(self, task_id: uuid.UUID, text: str, message: str) -> None:
        task = self.model.task(task_id)
        if task is not None and self.pane.show_task(task, force=self.pane.task_id == task.id):
            self.pane.show_title_attempt(text, message)
